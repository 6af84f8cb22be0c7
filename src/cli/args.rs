//! The flags `train` and `eval` share: the labelled data (`DataArgs`) and the training
//! options (`TrainArgs`), with the parsers that refuse a bad value as it is typed.

use std::path::PathBuf;

use clap::Args;
use stancekit::features::Weighting;
use stancekit::pipeline::DecisionRule;
use stancekit::train::ClassWeight;

#[derive(Args, Clone)]
pub struct DataArgs {
    /// Labelled CSV file(s) with a header; several are concatenated.
    #[arg(long, required = true, num_args = 1..)]
    pub data: Vec<PathBuf>,
    /// Column holding the text.
    #[arg(long, default_value = "text", value_parser = parse_column)]
    pub text_column: String,
    /// Column holding the label.
    #[arg(long, default_value = "label", value_parser = parse_column)]
    pub label_column: String,
    /// Keep only rows where COLUMN equals VALUE (repeatable, one per column; all must hold). Applies to --data
    /// and eval's --test-data, not to eval's --extra-data (other files, which need not have the column).
    #[arg(long, value_name = "COLUMN=VALUE", value_parser = parse_filter)]
    pub filter: Vec<(String, String)>,
}

/// The weights of one `--data-weight` argument, written apart or joined by commas.
#[derive(Debug, Clone)]
struct Weights(Vec<f64>);

/// `--data-weight`: weights joined by commas (`1,2`), each as [`parse_weight`] reads it.
/// `0,5` is refused: it reads as the weights 0 and 5, which drops the first file without
/// a word, where a locale's decimal comma meant a half.
fn parse_weights(text: &str) -> std::result::Result<Weights, String> {
    let parts: Vec<&str> = text.split(',').collect();
    if let [zero, digits] = parts.as_slice() {
        if *zero == "0" && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "'{text}' reads as two weights, 0 and {digits}, and weight 0 drops the first --data file (a \
                 decimal comma? a fraction is written with a point, 0.{digits}; to give a file weight 0, write the \
                 weights apart: --data-weight 0 {digits})"
            ));
        }
    }
    parts.into_iter().map(parse_weight).collect::<std::result::Result<Vec<f64>, String>>().map(Weights)
}

pub fn parse_weight(text: &str) -> std::result::Result<f64, String> {
    let w = text.parse::<f64>().map_err(|_| stancekit::pipeline::WEIGHT_RULE.to_string())?;
    stancekit::pipeline::check_weight(w).map(|()| w)
}

/// `--cue-scale`: a value beyond f32's range (`1e300`) is refused as typed, since it
/// would become `inf` and be reported as such; the range itself is the library's check
/// (`FeatureParams::check`), so the CLI and the Python binding say the same.
fn parse_cue_scale(text: &str) -> std::result::Result<f32, String> {
    let max = stancekit::features::MAX_CUE_SCALE;
    match text.parse::<f64>() {
        Ok(x) if x.is_nan() || x.abs() <= f64::from(f32::MAX) => Ok(x as f32),
        _ => Err(format!("must be a number from 0 to {max}")),
    }
}

/// `COLUMN=VALUE`. An empty column (`=x`, a variable left unset in `--filter $COL=x`) was
/// looked up as a column named '' and said as `no column ''`.
fn parse_filter(text: &str) -> std::result::Result<(String, String), String> {
    match text.split_once('=') {
        Some(("", _)) => Err(format!("'{text}' names no column before '=' (write COLUMN=VALUE, e.g. split=train)")),
        Some((column, value)) => Ok((column.to_string(), value.to_string())),
        None => Err(format!("'{text}' is not COLUMN=VALUE")),
    }
}

/// A column name as a flag gives it: an empty one (`--text-column ""`, a shell variable
/// left unset) names no column of any header, and was said per input as `no column ''`.
pub fn parse_column(name: &str) -> std::result::Result<String, String> {
    if name.trim().is_empty() {
        return Err(format!(
            "'{name}' names no column (give the name of a column of the header; an unset shell variable?)"
        ));
    }
    Ok(name.to_string())
}

#[derive(Args, Clone)]
pub struct TrainArgs {
    /// Smallest n-gram length.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    pub ngram_min: usize,
    /// Largest n-gram length.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    pub ngram_max: usize,
    /// Drop n-grams found in fewer training texts than this (2 fits in about half the
    /// time of 1; on mr, 10-fold, 1 scores 0.7987 and 2 scores 0.7983).
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    pub min_df: usize,
    /// Keep only the most frequent n-grams (default: all).
    #[arg(long, allow_negative_numbers = true)]
    pub max_features: Option<usize>,
    /// How n-gram counts become values.
    #[arg(long, value_enum, default_value_t = Weighting::Tfidf)]
    pub weighting: Weighting,
    /// Use raw term frequency instead of 1 + ln(tf).
    #[arg(long)]
    pub no_sublinear_tf: bool,
    /// Do not mark words after a negator as negated.
    #[arg(long)]
    pub no_negation: bool,
    /// Cue lexicon: a directory with cues.tsv (and negators.txt, ...) or one cues file.
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Add class-based n-grams of the cues (their category tag with the words around
    /// them; needs --lexicon). The shipped models use them: on our news train split they
    /// paid +0.001 to +0.007 macro-F1 (models/README.md).
    #[arg(long)]
    pub cue_ngrams: bool,
    /// Add n-grams of word classes from a `word<TAB>class` file (groups of words found in
    /// like contexts, e.g. datasets/word_classes/news.tsv, built by
    /// scripts/build-word-classes.py), so what is learnt for one word carries to the
    /// others of its class (models/README.md: +0.012 / +0.009 / +0.001 macro-F1 in
    /// cross-validation on our news, +0.021 on Financial PhraseBank; the shipped models
    /// leave them off, as they did not pay on dev).
    #[arg(long, value_name = "FILE")]
    pub word_classes: Option<PathBuf>,
    /// Do not scale n-grams by how well they separate the classes in the training rows
    /// (1 + the naive-Bayes log-count ratio of NBSVM, on by default).
    #[arg(long)]
    pub no_nb_scale: bool,
    /// Keep words as written instead of reducing them to their English stems before
    /// forming n-grams ("accused", "accusing" -> "accus"; stemming is on by default).
    #[arg(long)]
    pub no_stem: bool,
    /// Leave question, exclamation and quotation marks out of the n-grams (they count
    /// as words of the n-grams by default).
    #[arg(long)]
    pub no_punctuation: bool,
    /// Add the character n-grams of each word, e.g. 3-5 (shortest-longest).
    // A value starting with '-' (`-3-5`, which is no number for allow_negative_numbers) is
    // taken as the value, for parse_char_ngrams to refuse: clap said "unexpected argument".
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_char_ngrams, allow_hyphen_values = true)]
    pub char_ngrams: Option<[usize; 2]>,
    /// Multiplier of the cue-word columns.
    #[arg(long, default_value_t = 1.0, value_parser = parse_cue_scale, allow_negative_numbers = true)]
    pub cue_scale: f32,
    /// Inverse regularisation strength (larger fits the training data more closely).
    #[arg(long, default_value_t = stancekit::train::DEFAULT_C, allow_negative_numbers = true)]
    pub c: f64,
    /// Weight rows so every class counts equally in the loss.
    #[arg(long, value_enum, default_value_t = ClassWeight::None)]
    pub class_weight: ClassWeight,
    /// Solver iterations at most.
    #[arg(long, default_value_t = stancekit::train::DEFAULT_MAX_ITERATIONS, allow_negative_numbers = true)]
    pub max_iterations: usize,
    /// Stop when the gradient norm is below this fraction of its starting value.
    #[arg(long, default_value_t = stancekit::train::DEFAULT_TOLERANCE, allow_negative_numbers = true)]
    pub tolerance: f64,
    /// Choose C by 5-fold cross-validation on the training data (overrides --c).
    #[arg(long)]
    pub tune: bool,
    /// Weight of each --data file's rows in the loss, one value per file (default 1):
    /// 0, or from 1e-6 to 1e6.
    #[arg(long, num_args = 1.., value_parser = parse_weights, allow_negative_numbers = true)]
    data_weight: Vec<Weights>,
    /// Seed for fold assignment; training is otherwise deterministic.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    pub seed: u64,
    /// Calibrate the probabilities (a temperature and one offset per class) on the
    /// out-of-fold scores of this many folds of the training data; 0 for none. Default 5
    /// for train and eval --test-data; 0 for eval --folds (its labels are the same either
    /// way; give it to score calibrated fold models, at 5 more fits a fold).
    #[arg(long, allow_negative_numbers = true)]
    pub calibration_folds: Option<usize>,
    /// How the label is taken from the class scores: the highest score, or the highest
    /// score plus per-class offsets chosen to maximise macro-F1 on the out-of-fold scores
    /// of --calibration-folds (5 unless given), for users who score by macro-F1.
    #[arg(long, value_enum, default_value_t = DecisionRule::HighestScore)]
    pub decision: DecisionRule,
}

impl TrainArgs {
    /// The `--data-weight` values, one per `--data` file, in order.
    pub fn file_weights(&self) -> Vec<f64> {
        self.data_weight.iter().flat_map(|weights| weights.0.iter().copied()).collect()
    }
}

/// `--char-ngrams 3-5`: the shortest and longest lengths (checked later against the limits).
fn parse_char_ngrams(value: &str) -> std::result::Result<[usize; 2], String> {
    let (shortest, longest) = value.split_once('-').unwrap_or((value, value));
    let number = |s: &str| {
        s.trim().parse::<usize>().map_err(|_| {
            let why = if value.starts_with("--") && value.chars().any(|c| c.is_ascii_alphabetic()) {
                " (a flag where its range should be: --char-ngrams 3-5)"
            } else if value.starts_with('-') || value.contains("--") {
                ": lengths are 1 or more"
            } else {
                ""
            };
            format!("'{value}' is not a range like 3-5{why}")
        })
    };
    Ok([number(shortest)?, number(longest)?])
}
