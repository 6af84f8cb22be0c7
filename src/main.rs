//! The `stancekit` command line: train, eval, predict and inspect. Parses flags
//! (clap), calls the library, prints results to stdout and one-line errors to stderr.
//! Exit status: 0 ok; 1 a requested check failed (`eval --min-accuracy`); 2 an error,
//! or `predict` rows that could not be read.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use stancekit::eval::{mean_std, probability_scores, ConfusionMatrix, ProbabilityScores};

/// mimalloc instead of the system allocator: loading and labelling make many small
/// allocations (lexicon entries, token and feature vectors), and glibc's malloc and
/// free were a third of a one-sentence run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use stancekit::features::{FeatureParams, Weighting};
use stancekit::input::{
    escape_controls, expand_inputs, read_documents, read_labelled, Columns, InputFormat, LabelledData, ReadOptions,
};
use stancekit::lexicon::Lexicon;
use stancekit::model::{ModelFile, Provenance};
use stancekit::pipeline::{
    check_class_weights, cross_validate_scored, train_model, DecisionRule, Examples, ScoredFolds, TrainOptions,
};
use stancekit::predict::{summarize, Predictor, SentencePrediction};
use stancekit::report::{self, Format, RowOrigin};
use stancekit::train::{ClassWeight, LogisticParams};
use stancekit::word_classes::WordClasses;

/// Turns transparent huge pages off for this process, as mimalloc's own `allow_thp=0`
/// option does. mimalloc asks for them for its arenas, and each first touch of one then
/// zeroes 2 MB: in our short processes that was a quarter of emergent's train-and-test
/// run and more than doubled peak RSS (one-sentence predict 46 -> 19 MB, emergent's
/// train-and-test 42 -> 18 MB), with no speed gain measured on the long runs.
///
/// It runs from `.init_array`, before Rust's runtime (as [`record_stdout`] does): called
/// first thing in `main`, it came after the runtime's first allocation, whose arena
/// mimalloc had already advised for huge pages, so every run still zeroed one 2 MB page
/// (2.3% of the CPU samples of a loop of one-sentence predicts, `perf record`).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static NO_TRANSPARENT_HUGE_PAGES: extern "C" fn() = no_transparent_huge_pages;

#[cfg(target_os = "linux")]
extern "C" fn no_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours;
    // on failure the process merely keeps huge pages.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Signals that end a run part way through a write: the handler removes the temporary
/// file of the file being written ([`stancekit::output::remove_unfinished`]), then ends
/// the process by the signal as before (status 128 + its number). Ctrl-C or a `kill`
/// while `train --out` wrote its model used to leave a hidden `.stancekit-*.tmp` of part
/// of it beside the target, for good.
#[cfg(target_os = "linux")]
const ENDING_SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

/// Installs [`on_ending_signal`] for [`ENDING_SIGNALS`] that are not ignored (`nohup`
/// ignores SIGHUP, a shell's background job SIGINT: they stay ignored), and ignores
/// SIGXFSZ: a file outgrowing the size limit (`ulimit -f`) then fails its write with
/// "File too large", said as any write error, where the signal killed the process
/// without a word and left the temporary file (or part of standard output's file).
fn handle_signals() {
    #[cfg(target_os = "linux")]
    // SAFETY: sigaction and signal are given valid pointers to zeroed or filled
    // `sigaction` structs and a handler that is async-signal-safe (`on_ending_signal`).
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
        for signal in ENDING_SIGNALS {
            let mut current: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, std::ptr::null(), &mut current) != 0 || current.sa_sigaction == libc::SIG_IGN {
                continue;
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_ending_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction =
            on_bus_error as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) as libc::sighandler_t;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        if libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) == 0 {
            stancekit::model::map_model_files();
        }
    }
}

/// A read of a mapped model file that another program cut short while it loaded (`cp
/// new.json m.json` truncates it first): one line naming the file and exit 2, where the
/// process died of SIGBUS ("Bus error", status 135) without a word. Any other SIGBUS
/// ends the process as before. Only `write`, `_exit`, `signal` and `raise`, which are
/// async-signal-safe.
#[cfg(target_os = "linux")]
extern "C" fn on_bus_error(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO handler; the path is a
    // NUL-terminated string kept until the read of its map returns, which this handler
    // interrupts; write and _exit take plain buffers and integers.
    unsafe {
        let address = if info.is_null() { 0 } else { (*info).si_addr() as usize };
        if let Some(path) = stancekit::model::file_mapped_at(address) {
            let write = |bytes: &[u8]| libc::write(libc::STDERR_FILENO, bytes.as_ptr().cast(), bytes.len());
            write(b"stancekit: error: ");
            write(std::ffi::CStr::from_ptr(path).to_bytes());
            write(
                b": not a valid stancekit model: the file was cut short while it was read (another program rewrote it \
                  in place, as cp does, while stancekit loaded it: run again once it is written, and put a new model \
                  in place with mv or train --out, which replace the file whole)\n",
            );
            libc::_exit(2);
        }
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Removes the unfinished output file, then lets the signal end the process: its default
/// action is restored and the signal raised again, delivered when this handler returns.
#[cfg(target_os = "linux")]
extern "C" fn on_ending_signal(signal: libc::c_int) {
    stancekit::output::remove_unfinished();
    // SAFETY: signal and raise are async-signal-safe and take plain integers.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
        libc::raise(signal);
    }
}

/// Prints one diagnostic line to stderr, a control character in it (a line break in a
/// file name the user gave) written escaped, `\n`. A failed write is ignored: stderr is
/// where its error would go (`eprintln!` panics instead, e.g. with `2>/dev/full`).
macro_rules! diagnostic {
    ($($arg:tt)*) => {{
        let line = escape_controls(&format!($($arg)*));
        // Written above predict's count of rows, not into its line.
        match ROWS_PROGRESS.get() {
            Some(bar) => bar.suspend(|| writeln!(io::stderr(), "{line}")),
            None => writeln!(io::stderr(), "{line}"),
        }
        .ok();
    }};
}

/// `predict`'s count of rows labelled ([`rows_progress`]), once it runs.
static ROWS_PROGRESS: std::sync::OnceLock<ProgressBar> = std::sync::OnceLock::new();

/// Whether stdout could not be written when the process started: closed (`>&-`) or
/// open read-only. Rust's runtime reopens a closed stdout on /dev/null before `main`,
/// and its stdout ignores EBADF, so results would vanish with exit status 0; this is
/// recorded before that, by [`record_stdout`] in `.init_array`.
static STDOUT_UNWRITABLE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Runs before Rust's runtime (the C library calls `.init_array` entries before
/// `main`, as glibc and musl both do).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static RECORD_STDOUT: extern "C" fn() = record_stdout;

#[cfg(target_os = "linux")]
extern "C" fn record_stdout() {
    // SAFETY: F_GETFL reads the descriptor's flags and touches no memory of ours.
    let flags = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFL) };
    let unwritable = flags == -1 || flags & libc::O_ACCMODE == libc::O_RDONLY;
    STDOUT_UNWRITABLE.store(unwritable, std::sync::atomic::Ordering::Relaxed);
    // SAFETY: as above, for standard input. Closed (`<&-`), it would be reopened on
    // /dev/null and read as empty: no row, exit 0.
    let closed = unsafe { libc::fcntl(libc::STDIN_FILENO, libc::F_GETFL) } == -1;
    stancekit::input::STDIN_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
}

/// Standard output for results. A failed write names stdout and keeps its error's
/// kind, so a closed pipe (`| head`) still ends quietly.
struct ResultsOut<W>(W);

impl<W: Write> Write for ResultsOut<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !buf.is_empty() {
            stdout_writable()?;
        }
        self.0.write(buf).map_err(stdout_error)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush().map_err(stdout_error)
    }
}

/// `EBADF`, "Bad file descriptor": what writing to a closed stdout gives in C.
#[cfg(target_os = "linux")]
const EBADF: i32 = libc::EBADF;
#[cfg(not(target_os = "linux"))]
const EBADF: i32 = 9;

/// Fails with EBADF, naming stdout, when stdout was closed or read-only at start.
fn stdout_writable() -> io::Result<()> {
    if STDOUT_UNWRITABLE.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(stdout_error(io::Error::from_raw_os_error(EBADF)));
    }
    Ok(())
}

fn stdout_error(error: io::Error) -> io::Error {
    let hint = if error.kind() == io::ErrorKind::FileTooLarge { stancekit::error::FILE_TOO_LARGE_HINT } else { "" };
    io::Error::new(error.kind(), format!("writing to standard output: {error}{hint}"))
}

#[derive(Parser)]
#[command(
    name = "stancekit",
    version,
    about = "Label news sentences: cooperation, accusation, sentiment",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on a labelled CSV and write it to a file.
    Train(TrainCommand),
    /// Measure a model on a labelled CSV, or cross-validate training options.
    Eval(EvalCommand),
    /// Label articles, CSV or JSON Lines rows, or standard input.
    Predict(PredictCommand),
    /// Show what a model was trained on and its strongest features.
    Inspect(InspectCommand),
    /// Write a self-contained HTML reading view of an article.
    Report(ReportCommand),
    /// Score the who-accuses-whom extractor on a CSV of sentences with gold
    /// `accusation`, `source` and `target` columns.
    Actors(ActorsCommand),
    /// Rebuild labelled news sentences from span files (offsets + labels) and
    /// ../shared, checking every span's hash, and write them as a training CSV.
    Corpus(CorpusCommand),
}

#[derive(Args)]
struct ReportCommand {
    /// The article (plain text).
    article: PathBuf,
    /// Where to write the HTML page.
    #[arg(long)]
    html: PathBuf,
    /// Model file(s); default: the shipped models.
    #[arg(long)]
    model: Vec<PathBuf>,
    /// Read invalid UTF-8 with replacement characters.
    #[arg(long)]
    lossy: bool,
}

#[derive(Args)]
struct ActorsCommand {
    /// CSV with columns text, accusation (accusation/denial/none), source, target.
    #[arg(long)]
    data: PathBuf,
    /// Lexicon directory (cues and reporting verbs) [default: the shipped one, datasets/lexicons, here or in the
    /// source tree]
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Also list each sentence where a span is wrong: on stderr, or with --format json
    /// as `actors_error` rows on stdout before the scores.
    #[arg(long)]
    show_errors: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Args)]
struct CorpusCommand {
    /// Span label files (dataset, doc_id, start, end, sha256, labels..., split).
    #[arg(long, required = true, num_args = 1..)]
    spans: Vec<PathBuf>,
    /// The shared datasets directory the spans point into.
    #[arg(long, default_value = "../shared/datasets")]
    datasets: PathBuf,
    /// Keep only rows of this split; default: all.
    #[arg(long, value_parser = ["train", "dev"])]
    split: Option<String>,
    /// Output CSV (columns: id, text, then each label column).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args, Clone)]
struct DataArgs {
    /// Labelled CSV file(s) with a header; several are concatenated.
    #[arg(long, required = true, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Column holding the text.
    #[arg(long, default_value = "text", value_parser = parse_column)]
    text_column: String,
    /// Column holding the label.
    #[arg(long, default_value = "label", value_parser = parse_column)]
    label_column: String,
    /// Keep only rows where COLUMN equals VALUE (repeatable, one per column; all must hold). Applies to --data
    /// and eval's --test-data, not to eval's --extra-data (other files, which need not have the column).
    #[arg(long, value_name = "COLUMN=VALUE", value_parser = parse_filter)]
    filter: Vec<(String, String)>,
}

/// `--batch-size` when not given (README).
const DEFAULT_BATCH_SIZE: usize = 4096;

/// Largest `--batch-size`: a batch's documents are all held in memory at once, and
/// the default 4096 already keeps both cores busy.
const MAX_BATCH_SIZE: usize = 1_000_000;

fn parse_batch_size(text: &str) -> std::result::Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_BATCH_SIZE).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from 1 to {MAX_BATCH_SIZE}")),
    }
}

/// `--explain`'s N. N is optional, so `--explain article.txt` hands the file to N: the
/// message says how to write it instead.
fn parse_explain(text: &str) -> std::result::Result<usize, String> {
    // A negative N: clap took it for a flag ("unexpected argument '-1' found", with the
    // tip '-- -1', which would make it an input file).
    if text.starts_with('-') && text.parse::<f64>().is_ok() {
        return Err("not a count of features: N is 1 or more".into());
    }
    match text.parse::<usize>() {
        // `--explain 0` asked for explanations and printed none, without a word.
        Ok(0) => Err("0 features would explain nothing: N is 1 or more (leave --explain out for no explanations)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "not a count of features (N is optional: put --explain after the inputs, or give N first: --explain 5 {text})"
        )),
    }
}

fn parse_min_accuracy(text: &str) -> std::result::Result<f64, String> {
    // NaN would compare false with every accuracy, so the check could never fail.
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err("must be a number from 0 to 1".into()),
    }
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

fn parse_weight(text: &str) -> std::result::Result<f64, String> {
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
fn parse_column(name: &str) -> std::result::Result<String, String> {
    if name.trim().is_empty() {
        return Err(format!(
            "'{name}' names no column (give the name of a column of the header; an unset shell variable?)"
        ));
    }
    Ok(name.to_string())
}

#[derive(Args, Clone)]
struct TrainArgs {
    /// Smallest n-gram length.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true)]
    ngram_min: usize,
    /// Largest n-gram length.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    ngram_max: usize,
    /// Drop n-grams found in fewer training texts than this (2 fits in about half the
    /// time of 1; on mr, 10-fold, 1 scores 0.7987 and 2 scores 0.7983).
    #[arg(long, default_value_t = 2, allow_negative_numbers = true)]
    min_df: usize,
    /// Keep only the most frequent n-grams (default: all).
    #[arg(long, allow_negative_numbers = true)]
    max_features: Option<usize>,
    /// How n-gram counts become values.
    #[arg(long, value_enum, default_value_t = Weighting::Tfidf)]
    weighting: Weighting,
    /// Use raw term frequency instead of 1 + ln(tf).
    #[arg(long)]
    no_sublinear_tf: bool,
    /// Do not mark words after a negator as negated.
    #[arg(long)]
    no_negation: bool,
    /// Cue lexicon: a directory with cues.tsv (and negators.txt, ...) or one cues file.
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Add class-based n-grams of the cues (their category tag with the words around
    /// them; needs --lexicon). The shipped models use them: on our news train split they
    /// paid +0.001 to +0.007 macro-F1 (models/README.md).
    #[arg(long)]
    cue_ngrams: bool,
    /// Add n-grams of word classes from a `word<TAB>class` file (groups of words found in
    /// like contexts, e.g. datasets/word_classes/news.tsv, built by
    /// scripts/build-word-classes.py), so what is learnt for one word carries to the
    /// others of its class (models/README.md: +0.012 / +0.009 / +0.001 macro-F1 in
    /// cross-validation on our news, +0.021 on Financial PhraseBank; the shipped models
    /// leave them off, as they did not pay on dev).
    #[arg(long, value_name = "FILE")]
    word_classes: Option<PathBuf>,
    /// Do not scale n-grams by how well they separate the classes in the training rows
    /// (1 + the naive-Bayes log-count ratio of NBSVM, on by default).
    #[arg(long)]
    no_nb_scale: bool,
    /// Keep words as written instead of reducing them to their English stems before
    /// forming n-grams ("accused", "accusing" -> "accus"; stemming is on by default).
    #[arg(long)]
    no_stem: bool,
    /// Leave question, exclamation and quotation marks out of the n-grams (they count
    /// as words of the n-grams by default).
    #[arg(long)]
    no_punctuation: bool,
    /// Add the character n-grams of each word, e.g. 3-5 (shortest-longest).
    // A value starting with '-' (`-3-5`, which is no number for allow_negative_numbers) is
    // taken as the value, for parse_char_ngrams to refuse: clap said "unexpected argument".
    #[arg(long, value_name = "MIN-MAX", value_parser = parse_char_ngrams, allow_hyphen_values = true)]
    char_ngrams: Option<[usize; 2]>,
    /// Multiplier of the cue-word columns.
    #[arg(long, default_value_t = 1.0, value_parser = parse_cue_scale, allow_negative_numbers = true)]
    cue_scale: f32,
    /// Inverse regularisation strength (larger fits the training data more closely).
    #[arg(long, default_value_t = stancekit::train::DEFAULT_C, allow_negative_numbers = true)]
    c: f64,
    /// Weight rows so every class counts equally in the loss.
    #[arg(long, value_enum, default_value_t = ClassWeight::None)]
    class_weight: ClassWeight,
    /// Solver iterations at most.
    #[arg(long, default_value_t = stancekit::train::DEFAULT_MAX_ITERATIONS, allow_negative_numbers = true)]
    max_iterations: usize,
    /// Stop when the gradient norm is below this fraction of its starting value.
    #[arg(long, default_value_t = stancekit::train::DEFAULT_TOLERANCE, allow_negative_numbers = true)]
    tolerance: f64,
    /// Choose C by 5-fold cross-validation on the training data (overrides --c).
    #[arg(long)]
    tune: bool,
    /// Weight of each --data file's rows in the loss, one value per file (default 1):
    /// 0, or from 1e-6 to 1e6.
    #[arg(long, num_args = 1.., value_parser = parse_weights, allow_negative_numbers = true)]
    data_weight: Vec<Weights>,
    /// Seed for fold assignment; training is otherwise deterministic.
    #[arg(long, default_value_t = 42, allow_negative_numbers = true)]
    seed: u64,
    /// Calibrate the probabilities (a temperature and one offset per class) on the
    /// out-of-fold scores of this many folds of the training data; 0 for none. Default 5
    /// for train and eval --test-data; 0 for eval --folds (its labels are the same either
    /// way; give it to score calibrated fold models, at 5 more fits a fold).
    #[arg(long, allow_negative_numbers = true)]
    calibration_folds: Option<usize>,
    /// How the label is taken from the class scores: the highest score, or the highest
    /// score plus per-class offsets chosen to maximise macro-F1 on the out-of-fold scores
    /// of --calibration-folds (5 unless given), for users who score by macro-F1.
    #[arg(long, value_enum, default_value_t = DecisionRule::HighestScore)]
    decision: DecisionRule,
}

impl TrainArgs {
    /// The `--data-weight` values, one per `--data` file, in order.
    fn file_weights(&self) -> Vec<f64> {
        self.data_weight.iter().flat_map(|weights| weights.0.iter().copied()).collect()
    }
}

#[derive(Args)]
struct TrainCommand {
    #[command(flatten)]
    data: DataArgs,
    /// Where to write the model (written atomically).
    #[arg(long)]
    out: PathBuf,
    /// Task name recorded in the model (default: the label column's name).
    #[arg(long)]
    task: Option<String>,
    #[command(flatten)]
    train: TrainArgs,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
}

/// What `eval --model` refuses: every option that shapes training (all of
/// [`TrainArgs`], whose fields' ids these are), which it would silently ignore. Listed
/// one by one, as a conflict with the `TrainArgs` group would name its first member,
/// not the flag given.
const MODEL_CONFLICTS: [&str; 28] = [
    "folds",
    "extra_data",
    "group_column",
    "extra_weight",
    "ngram_min",
    "ngram_max",
    "min_df",
    "max_features",
    "weighting",
    "no_sublinear_tf",
    "no_negation",
    "lexicon",
    "cue_ngrams",
    "word_classes",
    "no_nb_scale",
    "no_stem",
    "no_punctuation",
    "char_ngrams",
    "cue_scale",
    "c",
    "class_weight",
    "max_iterations",
    "tolerance",
    "tune",
    "data_weight",
    "seed",
    "calibration_folds",
    "decision",
];

/// What `eval --keyword-rule` refuses: a model, and every option of training or
/// cross-validation but `--lexicon`, the rule's one input (it used to take `--c 9
/// --tune --no-stem --extra-data x.csv` and score as without them).
fn keyword_rule_conflicts() -> impl Iterator<Item = &'static str> {
    std::iter::once("model").chain(MODEL_CONFLICTS.into_iter().filter(|id| *id != "lexicon"))
}

#[derive(Args)]
struct EvalCommand {
    /// A trained model to test (omit it to cross-validate: --folds, 10 unless given).
    #[arg(long, conflicts_with_all = MODEL_CONFLICTS)]
    model: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
    /// Held-out labelled CSV file(s): train on --data with the training options, then
    /// test on these, in one run and without a model file (an official train/test split).
    #[arg(long, num_args = 1.., conflicts_with_all = ["model", "folds", "keyword_rule", "extra_data", "group_column"])]
    test_data: Vec<PathBuf>,
    /// Cross-validate: stratified k-fold with --seed. 10 folds when --data comes without
    /// --model, --test-data or --keyword-rule.
    #[arg(long, allow_negative_numbers = true)]
    folds: Option<usize>,
    /// With --folds: labelled CSV file(s) added to every training fold, never tested
    /// (e.g. written sentences when the question is accuracy on real news).
    #[arg(long, num_args = 1.., requires = "folds")]
    extra_data: Vec<PathBuf>,
    /// With --folds: keep rows that share this column's value (e.g. the article) in
    /// one fold, so no test sentence has its neighbours in training.
    #[arg(long, requires = "folds", value_parser = parse_column)]
    group_column: Option<String>,
    /// Weight of the --extra-data rows in the loss: 0, or from 1e-6 to 1e6.
    #[arg(long, default_value_t = 1.0, requires = "extra_data", value_parser = parse_weight, allow_negative_numbers = true)]
    extra_weight: f64,
    #[command(flatten)]
    train: TrainArgs,
    /// Score the lexicon's keyword rule instead of a model (needs --lexicon): each row
    /// gets the label whose cue category sums highest, or the label without a category.
    #[arg(long, conflicts_with_all = keyword_rule_conflicts(), requires = "lexicon")]
    keyword_rule: bool,
    /// Write every tested row, its label, the label given and each label's probability to
    /// this CSV (out of fold with --folds), to read the rows behind the figures.
    #[arg(long, value_name = "CSV")]
    predictions: Option<PathBuf>,
    /// Exit with status 1 when accuracy is below this (a number from 0 to 1).
    #[arg(long, value_parser = parse_min_accuracy, allow_negative_numbers = true)]
    min_accuracy: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct PredictCommand {
    /// Model file(s); default: the shipped cooperation, accusation and sentiment models.
    #[arg(long)]
    model: Vec<PathBuf>,
    /// Inputs: text articles, directories of them (.txt files, recursively), .csv, .jsonl, or - for standard
    /// input (one record a line).
    #[arg(default_value = "-")]
    inputs: Vec<PathBuf>,
    /// How to read the inputs.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// Column (CSV) or key (JSON) holding the text.
    #[arg(long, default_value = "text", value_parser = parse_column)]
    text_column: String,
    /// Column or key holding a row id [default: id, and row numbers when it is absent;
    /// a column named with this flag must exist].
    #[arg(long, value_parser = parse_column)]
    id_column: Option<String>,
    /// Read invalid UTF-8 with replacement characters instead of failing the row.
    #[arg(long)]
    lossy: bool,
    /// Treat each CSV / JSON Lines / stdin row as an article: split it into sentences
    /// and add an article summary row.
    #[arg(long)]
    articles: bool,
    /// Most documents labelled together in parallel, 1 to 1000000 (default 4096). A batch
    /// takes the documents read so far, so a line piped in alone is answered at once.
    #[arg(long, value_parser = parse_batch_size, allow_negative_numbers = true)]
    batch_size: Option<usize>,
    /// Print only the article summary rows, not the sentences.
    #[arg(long)]
    summary_only: bool,
    /// For each sentence and task, list the N features that pushed the label most [default: off;
    /// --explain alone: 5].
    #[arg(
        long,
        conflicts_with = "summary_only",
        value_name = "N",
        num_args = 0..=1,
        default_missing_value = "5",
        value_parser = parse_explain,
        allow_negative_numbers = true
    )]
    explain: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PredictFormat::Text)]
    format: PredictFormat,
}

/// How `predict` prints its rows: the formats of every command, and CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PredictFormat {
    /// Text for people: tab-separated rows (`column -t -s $'\t'` aligns them), each article's summary
    /// in `#` lines after its sentences.
    Text,
    /// JSON Lines for programs: sentence rows, then a summary row for each article.
    Json,
    /// CSV for spreadsheets, R and pandas: a header, then one row per sentence with a column for every
    /// class's probability (with --summary-only, one row per article).
    Csv,
}

/// Writes the rows of each document in the format asked for.
enum RowWriter {
    /// Text or JSON Lines, as [`report::write_prediction`] writes them.
    Lines(Format),
    /// One CSV table.
    Csv(report::CsvTable),
}

impl RowWriter {
    fn sentence(&self, out: &mut Vec<u8>, origin: RowOrigin<'_>, sentence: &SentencePrediction) -> io::Result<()> {
        match self {
            RowWriter::Lines(format) => report::write_prediction(out, *format, origin, sentence),
            RowWriter::Csv(table) => table.write_sentence(out, origin, sentence),
        }
    }

    fn article(
        &self,
        out: &mut Vec<u8>,
        origin: RowOrigin<'_>,
        summary: &stancekit::predict::ArticleSummary,
        sentences: &[SentencePrediction],
    ) -> io::Result<()> {
        match self {
            RowWriter::Lines(format) => report::write_article(out, *format, origin, summary, sentences),
            RowWriter::Csv(table) => table.write_article(out, origin, summary, sentences),
        }
    }

    fn error(
        &self,
        out: &mut Vec<u8>,
        origin: RowOrigin<'_>,
        is_article: bool,
        error: &str,
        n_tasks: usize,
    ) -> io::Result<()> {
        match self {
            RowWriter::Lines(format) => {
                report::write_prediction_error(out, *format, origin, is_article, error, n_tasks)
            }
            RowWriter::Csv(table) => table.write_error(out, origin, error),
        }
    }
}

#[derive(Args)]
struct InspectCommand {
    /// The model file.
    #[arg(long)]
    model: PathBuf,
    /// How many top features to list per class.
    #[arg(long, default_value_t = 15, allow_negative_numbers = true)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How a command ended when it did not fail outright.
enum Outcome {
    Ok,
    CheckFailed,
    RowsFailed,
}

fn main() -> ExitCode {
    handle_signals();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let result = match cli.command {
        Command::Train(c) => run_train(c),
        Command::Eval(c) => run_eval(c),
        Command::Predict(c) => run_predict(c),
        Command::Inspect(c) => run_inspect(c),
        Command::Corpus(c) => run_corpus(c),
        Command::Actors(c) => run_actors(c),
        Command::Report(c) => run_report(c),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::CheckFailed) => ExitCode::from(1),
        Ok(Outcome::RowsFailed) => ExitCode::from(2),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            diagnostic!("stancekit: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Prints clap's help, version or usage error and exits as `Cli::parse` would, except
/// that help or version text that cannot be written is an error (clap ignores it).
fn clap_exit(error: &clap::Error) -> ExitCode {
    let printed = error.print().and_then(|()| io::stdout().flush());
    let code = ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
    if error.use_stderr() {
        // Nowhere to report a failed write to stderr.
        return code;
    }
    match stdout_writable().and(printed.map_err(stdout_error)) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            diagnostic!("stancekit: error: {e}");
            ExitCode::from(2)
        }
        _ => code,
    }
}

/// Whether `error` is a write to a pipe whose reader has gone (`| head`): standard output,
/// or an output file that is a pipe (`--out /dev/stdout | head`, a FIFO), said as the
/// file's [`stancekit::error::Error::Io`].
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        let io_error = match e.downcast_ref::<stancekit::error::Error>() {
            Some(stancekit::error::Error::Io { error, .. }) => Some(error),
            _ => e.downcast_ref::<io::Error>(),
        };
        io_error.is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn progress(len: u64, quiet: bool, message: &str) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_string());
    bar
}

/// A count of the input rows labelled, with their rate, on stderr while `predict` runs:
/// shown when stderr is a terminal and the rows go elsewhere (`> out.jsonl`, a pipe),
/// since labelling a large corpus showed nothing until it ended; hidden when the rows
/// are printed on the terminal, where they show the progress themselves.
fn rows_progress(rows_to_terminal: bool) -> ProgressBar {
    if rows_to_terminal || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} labelled {human_pos} input rows ({rate} a second) {elapsed}")
    {
        let rate = |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            write!(w, "{}", indicatif::HumanCount(state.per_sec() as u64)).ok();
        };
        bar.set_style(style.with_key("rate", rate));
    }
    // Drawn at once, so a run shorter than a tick shows it too.
    bar.tick();
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}

/// The library's [`stancekit::error::Error::NumbersOnly`], which knows no file, named by
/// the file, line and text column of the first text, as a cell's error is; any other
/// error as it is.
fn at_first_text(error: stancekit::error::Error, data: &LabelledData, text_column: &str) -> anyhow::Error {
    if matches!(error, stancekit::error::Error::NumbersOnly { .. }) {
        let mut first = data.location(0);
        first.column = Some(text_column.to_string());
        return anyhow::Error::new(error).context(first.to_string());
    }
    error.into()
}

/// Reads every `--data` file; also returns how many rows each file gave.
///
/// # Errors
/// Two `--filter`s on one column with different values (no row could pass both), or
/// filters that leave no row: said with the filters, not as an empty file.
fn read_data(args: &DataArgs, group: Option<&str>) -> Result<(LabelledData, Vec<usize>)> {
    for (i, (column, value)) in args.filter.iter().enumerate() {
        if let Some((_, other)) = args.filter.iter().take(i).find(|(c, v)| c == column && v != value) {
            anyhow::bail!(
                "--filter {column}={other} and --filter {column}={value} cannot both hold (a row has one value in \
                 column '{column}'; give one --filter per column)"
            );
        }
    }
    let columns = Columns {
        text: args.text_column.clone(),
        label: args.label_column.clone(),
        group: group.map(str::to_string),
        filters: args.filter.clone(),
    };
    let (data, per_file) = read_files(&args.data, &columns)?;
    if data.is_empty() && !args.filter.is_empty() {
        let filters: Vec<String> = args.filter.iter().map(|(c, v)| format!("--filter {c}={v}")).collect();
        return Err(nothing_in(
            &args.data,
            &format!("{} match {}", in_files("no rows", &args.data), filters.join(" ")),
        ));
    }
    Ok((data, per_file))
}

/// `what`, and with several files "`what` in any of a.csv, b.csv".
fn in_files(what: &str, files: &[PathBuf]) -> String {
    match files {
        [_] => what.to_string(),
        files => {
            let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
            format!("{what} in any of {}", files.join(", "))
        }
    }
}

/// The error of data files that give nothing to work on, named by the first of them.
fn nothing_in(files: &[PathBuf], reason: &str) -> anyhow::Error {
    let path = files.first().cloned().unwrap_or_default();
    stancekit::error::Error::Data { path, reason: reason.to_string() }.into()
}

/// Says how to end the input when a data file is `-` and standard input is a terminal
/// (`stancekit train --data - --out m.json` typed without a pipe or a file): it waited
/// without a word, which looked like a hang, as `predict` did before it said so.
fn note_terminal_input(files: &[PathBuf], header: &str) {
    if files.iter().any(|file| is_stdin(file)) && io::stdin().is_terminal() {
        diagnostic!(
            "stancekit: reading standard input from the terminal: type or paste CSV rows under a header line \
             ({header}), and end with Ctrl-D (or give the file in place of -)"
        );
    }
}

fn read_files(files: &[PathBuf], columns: &Columns) -> Result<(LabelledData, Vec<usize>)> {
    note_terminal_input(files, &format!("{},{}", columns.text, columns.label));
    let mut all = LabelledData::default();
    let mut per_file = Vec::with_capacity(files.len());
    let mut hashes = Vec::with_capacity(files.len());
    for path in files {
        let data = read_labelled(path, columns)?;
        per_file.push(data.len());
        hashes.push(data.sha256.clone());
        all.append(data)?;
    }
    all.sha256 = hashes.join(",");
    Ok((all, per_file))
}

/// One weight per row from one weight per file.
fn row_weights(per_file: &[usize], file_weights: &[f64]) -> Result<Vec<f64>> {
    if file_weights.is_empty() {
        return Ok(vec![1.0; per_file.iter().sum()]);
    }
    if file_weights.len() != per_file.len() {
        anyhow::bail!(
            "--data-weight has {} for {}",
            stancekit::error::counted(file_weights.len(), "value"),
            stancekit::error::counted(per_file.len(), "--data file")
        );
    }
    // Each value passed `parse_weight` (0, or 1e-6 to 1e6); what is left to refuse is
    // weights that leave no row.
    if per_file.iter().zip(file_weights).all(|(&n, &w)| n == 0 || w == 0.0) {
        anyhow::bail!("--data-weight gives every row weight 0: no row is left to train on");
    }
    Ok(per_file.iter().zip(file_weights).flat_map(|(&n, &w)| std::iter::repeat_n(w, n)).collect())
}

/// The training options of `args`; `calibration_folds` unless `--calibration-folds` is given.
fn train_options(args: &TrainArgs, calibration_folds: usize) -> Result<TrainOptions> {
    let lexicon = match &args.lexicon {
        Some(path) => Some(Lexicon::load(path).map_err(|e| reading_file("lexicon", path, e))?),
        None => None,
    };
    let word_classes = match &args.word_classes {
        Some(path) => {
            Some(std::sync::Arc::new(WordClasses::load(path).map_err(|e| reading_file("word classes", path, e))?))
        }
        None => None,
    };
    let features = FeatureParams {
        ngram_min: args.ngram_min,
        ngram_max: args.ngram_max,
        min_df: args.min_df,
        max_features: args.max_features,
        weighting: args.weighting,
        sublinear_tf: !args.no_sublinear_tf,
        negation: !args.no_negation,
        cue_scale: args.cue_scale,
        cue_ngrams: args.cue_ngrams,
        nb_scale: !args.no_nb_scale,
        stem: !args.no_stem,
        char_ngrams: args.char_ngrams,
        punctuation: !args.no_punctuation,
    };
    features.check()?;
    features.check_lexicon(lexicon.is_some())?;
    let trainer = LogisticParams::new()
        .c(args.c)
        .class_weight(args.class_weight)
        .max_iterations(args.max_iterations)
        .tolerance(args.tolerance);
    linfa::ParamGuard::check_ref(&trainer)?;
    // A macro-F1 decision is chosen on out-of-fold scores: it brings their folds along.
    let default_folds = match args.decision {
        DecisionRule::MacroF1 => calibration_folds.max(stancekit::pipeline::CALIBRATION_FOLDS),
        DecisionRule::HighestScore => calibration_folds,
    };
    let calibration_folds = args.calibration_folds.unwrap_or(default_folds);
    Ok(TrainOptions {
        features,
        trainer,
        lexicon,
        word_classes,
        tune: args.tune,
        seed: args.seed,
        calibration_folds,
        decision: args.decision,
    })
}

/// Says when no word of the training texts has a class of `--word-classes`, or holds a
/// cue of `--lexicon`: such a file (another language's, or one built for other texts)
/// adds nothing, and the model trained as if it had not been given, without a word.
fn warn_of_unused_lexicon_or_word_classes(args: &TrainArgs, options: &TrainOptions, texts: &[String], quiet: bool) {
    if quiet {
        return;
    }
    let classes = args
        .word_classes
        .as_ref()
        .zip(options.word_classes.as_ref())
        .and_then(|(path, classes)| classes.unused_warning(&format!("--word-classes {}", path.display()), texts));
    let lexicon = args
        .lexicon
        .as_ref()
        .zip(options.lexicon.as_ref())
        .and_then(|(path, lexicon)| lexicon.unused_warning(&format!("--lexicon {}", path.display()), texts));
    for warning in [classes, lexicon].into_iter().flatten() {
        diagnostic!("stancekit: warning: {warning}");
    }
}

/// Refuses, before any work, an output path that cannot be written (a directory, a
/// missing directory) or that is one of the inputs: `--out data.csv` would replace
/// the data with the model. `inputs` pairs each input file with how the user named it.
fn check_output(flag: &str, what: &str, out: &Path, inputs: &[(&str, &Path)]) -> Result<()> {
    // `-` is standard input among predict's inputs; as an output path it would quietly be
    // a file named `-` in the working directory.
    if out.as_os_str() == "-" {
        anyhow::bail!(
            "{flag} -: '-' is not standard output here (it would be a file named '-'): give {flag} /dev/stdout to \
             write to standard output, or {flag} ./- for a file of that name"
        );
    }
    if let Some((name, input)) = inputs.iter().find(|(_, input)| stancekit::output::same_file(out, input)) {
        anyhow::bail!(
            "{flag} {} is the same file as {name} {} (choose another output path)",
            out.display(),
            input.display()
        );
    }
    // A FIFO this run reads to its end has no reader left when the output is written to
    // it, so the write waited forever (`train --data f.fifo --out f.fifo`).
    if let Some((name, input)) = inputs.iter().find(|(_, input)| stancekit::output::same_pipe(out, input)) {
        anyhow::bail!(
            "{flag} {} is the same pipe as {name} {}, which this run reads to its end, so nothing would be left to \
             read what is written into it (choose another output path)",
            out.display(),
            input.display()
        );
    }
    // What the path holds now, read once for both checks below.
    let head = file_head(out);
    let holds_model = head.as_deref().is_some_and(stancekit::model::laid_out_as_a_model);
    // A CSV or page written over a model that is no input of this run (`eval --model a.json
    // --predictions b.json`, the model meant for `--model`; `--html models/cooperation.json`
    // with other models) replaced it without a word, and every later load of it failed.
    if what != "model" && holds_model {
        let (written, example) = match what {
            "HTML" => ("HTML page", "page.html"),
            "CSV" => ("corpus CSV", "corpus.csv"),
            _ => ("predictions CSV", "predictions.csv"),
        };
        anyhow::bail!(
            "{flag} {} is a stancekit model, which the {written} would replace (give {flag} a path of its own, e.g. \
             {example}; to delete the model, remove it first)",
            out.display()
        );
    }
    // A model written over a file of something else (`--out test.csv`, meant for
    // `--test-data`) replaced the data without a word. An empty file (`mktemp`'s) and a
    // model (training again) are replaced.
    if what == "model" {
        if let Some(start) = stancekit::model::other_than_a_model(out) {
            anyhow::bail!(
                "{flag} {} holds something other than a stancekit model (it starts '{start}'), which the model would \
                 replace (give {flag} a path of its own, e.g. model.json; to replace the file, remove it first)",
                out.display(),
            );
        }
    }
    stancekit::output::check_target(out).map_err(|error| writing(what, out, error))
}

/// The first bytes of `path` after a byte order mark and white space, when it is a
/// regular file that can be read; `None` otherwise (read no further than 256 bytes).
fn file_head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    // Its type first: opening a FIFO to read (`--html fifo`, written directly) would wait
    // for a writer that never comes.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(256);
    file.take(256).read_to_end(&mut head).ok()?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    Some(head.get(start..).unwrap_or_default().to_vec())
}

/// `reading lexicon lex: lex/cues.tsv:3: ...`, `reading lexicon: /x: No such file or
/// directory (os error 2)`: the path once ([`stancekit::error::reading`]).
fn reading_file(what: &str, path: &Path, error: stancekit::error::Error) -> anyhow::Error {
    let context = stancekit::error::reading(what, path, &error);
    anyhow::Error::new(error).context(context)
}

/// `writing model: m/x.json: No such file or directory (os error 2)`: what was being
/// written, the path once, the reason.
fn writing(what: &str, path: &Path, error: io::Error) -> anyhow::Error {
    anyhow::Error::new(stancekit::error::Error::Io { path: path.to_path_buf(), error })
        .context(format!("writing {what}"))
}

/// Refuses a file given twice to one flag (also by another name, or through a link):
/// its rows would count twice, unlike any other file's, and every one of them would
/// be on both sides of a fold (`eval --data f.csv f.csv --folds 5` scored 0.943 where
/// `--data f.csv` scored 0.692).
fn refuse_repeated_files(flag: &str, files: &[PathBuf]) -> Result<()> {
    refuse_repeated(flag, files, "its rows would count twice; to weigh a file more, give --data-weight")
}

/// Refuses a `flag` file that is also a `--data` file, saying `why` it matters: the
/// overlap warning of a partial copy would say every row, and `--quiet` hides it.
fn refuse_data_file_as(flag: &str, files: &[PathBuf], data: &[PathBuf], why: &str) -> Result<()> {
    for file in files {
        if is_stdin(file) && data.iter().any(|d| is_stdin(d)) {
            anyhow::bail!("{flag} - is standard input, as --data - is: {READ_ONCE}");
        }
        if let Some(same) = data.iter().find(|d| stancekit::output::same_file(d, file)) {
            anyhow::bail!("{flag} {} is the same file as --data {} ({why})", file.display(), same.display());
        }
        if let Some(same) = data.iter().find(|d| stancekit::output::same_pipe(d, file)) {
            anyhow::bail!("{flag} {} is the same pipe as --data {}: {PIPE_READ_ONCE}", file.display(), same.display());
        }
    }
    Ok(())
}

/// Why `-` (standard input) cannot be given twice among the data files: the first
/// read takes all of it, and the second found it empty, which was said as `-: the file is
/// empty: no header line naming its columns` (`train --data - -`, `eval --data -
/// --test-data -`).
const READ_ONCE: &str =
    "standard input can be read only once (save its rows to a file, and give each file where it belongs)";

/// Why a pipe (a FIFO, `/dev/stdin`) cannot be given twice among the data files: the
/// first read takes all of it, and the second waited forever for a writer (a FIFO opened
/// again after its writer had gone) or found it empty.
const PIPE_READ_ONCE: &str = "a pipe (FIFO) can be read only once (save its rows to a file, and give each file where \
                              it belongs)";

/// Whether `path` is `-`, standard input, as the data readers take it.
fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuses a file given twice to `flag`, saying `why` it matters.
fn refuse_repeated(flag: &str, files: &[PathBuf], why: &str) -> Result<()> {
    for (i, file) in files.iter().enumerate() {
        if is_stdin(file) && files.iter().take(i).any(|e| is_stdin(e)) {
            anyhow::bail!("{flag} - is given twice: {READ_ONCE}");
        }
        // `--data a.csv is given twice`, or `--data a.csv and b.csv are the same file` (a link).
        let names = |earlier: &PathBuf, same: &str| {
            if earlier == file {
                format!("{flag} {} is given twice", file.display())
            } else {
                format!("{flag} {} and {} are the same {same}", earlier.display(), file.display())
            }
        };
        if let Some(earlier) = files.iter().take(i).find(|e| stancekit::output::same_pipe(e, file)) {
            anyhow::bail!("{}: {PIPE_READ_ONCE}", names(earlier, "pipe"));
        }
        if let Some(earlier) = files.iter().take(i).find(|e| stancekit::output::same_file(e, file)) {
            anyhow::bail!("{} ({why})", names(earlier, "file"));
        }
    }
    Ok(())
}

/// How many of the tested rows (the first `n_tested` of `texts`) have their text in
/// another row that a fold could train on while testing them: any other row when
/// `groups` is empty; else one of another group, or an extra (train-only) row. Their
/// scores flatter the model: 1,500 mr rows scored 0.692 in 5-fold cross-validation,
/// 0.776 with 300 of them given twice, 0.943 with all (`--data f.csv f.csv`). The
/// second count is those whose copy there has another label (texts labelled two ways,
/// as crowd-labelled data has them), which lower the scores instead: 3,000 mr rows
/// given again with the other label took 10-fold accuracy to 0.476, under chance.
fn rows_with_copies<'a>(
    texts: &'a [String],
    labels: &'a [String],
    groups: &'a [String],
    n_tested: usize,
) -> (usize, usize) {
    // Where folds put a row: with its group; alone without groups; extra rows on every
    // training side.
    let place = |row: usize| -> (usize, &'a str) {
        match groups.get(row) {
            _ if row >= n_tested => (usize::MAX, ""),
            Some(group) => (0, group.as_str()),
            None => (row, ""),
        }
    };
    // The first two places of each text, and of each of its labels: two mean a copy a
    // fold can train on (one of them is not the tested row's).
    type Places<'a> = Vec<(usize, &'a str)>;
    let mut places: std::collections::HashMap<&str, Places<'a>> = std::collections::HashMap::new();
    let mut by_label: std::collections::HashMap<&str, Vec<(&str, Places<'a>)>> = std::collections::HashMap::new();
    let note = |seen: &mut Places<'a>, row: usize| {
        if seen.len() < 2 && !seen.contains(&place(row)) {
            seen.push(place(row));
        }
    };
    for (row, (text, label)) in texts.iter().zip(labels).enumerate() {
        note(places.entry(text).or_default(), row);
        let labelled = by_label.entry(text).or_default();
        match labelled.iter_mut().find(|(l, _)| *l == label.as_str()) {
            Some((_, seen)) => note(seen, row),
            None => labelled.push((label.as_str(), vec![place(row)])),
        }
    }
    let mut copied = 0;
    let mut contradicted = 0;
    for (row, (text, label)) in texts.iter().zip(labels).enumerate().take(n_tested) {
        if places.get(text.as_str()).is_none_or(|p| p.len() <= 1) {
            continue;
        }
        copied += 1;
        let elsewhere = |(l, seen): &(&str, Places<'a>)| *l != label.as_str() && seen.iter().any(|&p| p != place(row));
        if by_label.get(text.as_str()).is_some_and(|labelled| labelled.iter().any(elsewhere)) {
            contradicted += 1;
        }
    }
    (copied, contradicted)
}

/// The files the training options read, each with its flag, for [`check_output`]: a
/// lexicon directory's files too (`--lexicon lex --out lex/cues.tsv` replaced the cues),
/// and the word classes.
fn training_inputs(args: &TrainArgs) -> Vec<(&'static str, PathBuf)> {
    let lexicon = args.lexicon.as_deref().map(Lexicon::files).unwrap_or_default();
    let word_classes = args.word_classes.iter().map(|path| ("--word-classes", path.clone()));
    lexicon.into_iter().map(|path| ("--lexicon", path)).chain(word_classes).collect()
}

fn run_train(command: TrainCommand) -> Result<Outcome> {
    refuse_repeated_files("--data", &command.data.data)?;
    let mut inputs: Vec<(&str, &Path)> = command.data.data.iter().map(|p| ("--data", p.as_path())).collect();
    let training = training_inputs(&command.train);
    inputs.extend(training.iter().map(|(flag, path)| (*flag, path.as_path())));
    check_output("--out", "model", &command.out, &inputs)?;
    // The task names output columns: one that would break them is refused before any work.
    let task = command.task.clone().unwrap_or_else(|| command.data.label_column.clone());
    stancekit::input::check_task(&task, if command.task.is_some() { "--task" } else { "--label-column" })?;
    let options = train_options(&command.train, stancekit::pipeline::CALIBRATION_FOLDS)?;
    let (data, per_file) = read_data(&command.data, None)?;
    warn_of_unused_lexicon_or_word_classes(&command.train, &options, &data.texts, command.quiet);
    let weights = row_weights(&per_file, &command.train.file_weights())?;
    let examples = Examples::new(&data.texts, &data.labels, &data.path)?.with_weights(weights);
    check_class_weights(&examples, "--data-weight")?;
    let n_duplicates = data.n_duplicates();
    if n_duplicates > 0 && !command.quiet {
        let rows = if n_duplicates == 1 { "row repeats" } else { "rows repeat" };
        diagnostic!("stancekit: warning: {n_duplicates} {rows} an earlier (text, label) pair");
    }
    let conflicts = data.conflicting_labels();
    if let (Some(row), false) = (conflicts.first_row, command.quiet) {
        let texts = if conflicts.n_texts == 1 { "text is" } else { "texts are" };
        diagnostic!(
            "stancekit: warning: {} {texts} given with more than one label ({} rows; the first at {}): no model can \
             tell their rows apart, so at most one label of each is learnt (check the labels, or keep one label a text)",
            conflicts.n_texts,
            conflicts.n_rows,
            data.location(row)
        );
    }
    let provenance = Provenance {
        data: command.data.data.iter().map(|p| stancekit::input::path_text(p)).collect(),
        data_sha256: data.sha256.split(',').map(str::to_string).collect(),
        n_duplicates,
        crate_version: env!("CARGO_PKG_VERSION").into(),
        // `args_os`: `args` panics at an argument that is not UTF-8 (`--out $'m\xFF.json'`),
        // after the training. Such bytes are written as `\xFF`, as predict writes file names.
        command: std::env::args_os().skip(1).map(|a| stancekit::input::path_text(Path::new(&a))).collect(),
        ..Provenance::default()
    };
    let bar = progress(1, command.quiet, "training");
    let model = train_model(&examples, &options, &task, provenance)
        .map_err(|error| at_first_text(error, &data, &command.data.text_column))?;
    bar.finish_and_clear();
    // The library's error names the file.
    model.save(&command.out).context("writing model")?;
    warn_uncalibrated(&model, command.quiet);
    let warnings =
        [model.metrics.undecided_warning(), model.metrics.one_label_warning(), model.metrics.outweighed_warning()];
    for warning in warnings.into_iter().flatten() {
        if !command.quiet {
            diagnostic!("stancekit: warning: {warning}");
        }
    }
    // Folds past the rarest class's texts are not run (each fold holds out one of them at
    // least); `--calibration-folds 100000` used to be lowered without a word.
    let ran = model.classifier.calibration.as_ref().map(|c| c.folds);
    let ran = ran.or_else(|| model.classifier.decision.as_ref().map(|d| d.folds));
    if let (Some(asked), Some(ran), false) = (command.train.calibration_folds, ran, command.quiet) {
        if ran < asked {
            diagnostic!(
                "stancekit: warning: --calibration-folds {asked}: {ran} folds were run, as many as the rarest class \
                 has distinct texts (each fold holds at least one of them out)"
            );
        }
    }
    if !command.quiet {
        diagnostic!(
            "stancekit: trained '{task}' on {} rows ({} labels, {}, training accuracy {:.4}) -> {}",
            examples.texts.len(),
            model.labels.len(),
            stancekit::error::counted(model.featurizer.n_features(), "feature"),
            model.metrics.train_accuracy,
            command.out.display()
        );
    }
    Ok(Outcome::Ok)
}

/// Says that `model`'s probabilities are not calibrated, and why, when it was asked to
/// be and could not be: after `train`, and before `eval` scores them.
/// `error`, or, when it is the label column missing from `eval --model`'s data while a
/// column is named for the model's task (`sentiment` for the shipped sentiment model,
/// as our span files and corpus name them), the error saying so: the message listed
/// that column among those found, without a word that it was the one meant.
fn with_task_column_hint(error: anyhow::Error, model: Option<&Path>, label_column: &str) -> anyhow::Error {
    let Some(stancekit::error::Error::MissingColumn { path, column, found, .. }) = error.downcast_ref() else {
        return error;
    };
    let Some(model_path) = model.filter(|_| column == label_column) else { return error };
    let Ok(model) = ModelFile::load(model_path) else { return error };
    // The names found are quoted for the message.
    if !found.iter().any(|name| *name == format!("'{}'", model.task)) {
        return error;
    }
    anyhow::anyhow!(
        "{}: no column '{column}', but a column '{task}', the task of --model {} (score the model on its task's \
         labels with --label-column {task})",
        path.display(),
        model_path.display(),
        task = model.task
    )
}

/// Whose probabilities `model`'s are, for the probability scores of `eval`.
fn scored_probabilities(model: &ModelFile) -> report::ScoredProbabilities {
    match model.classifier.calibration {
        Some(_) => report::ScoredProbabilities::Calibrated,
        None => report::ScoredProbabilities::Uncalibrated,
    }
}

fn warn_uncalibrated(model: &ModelFile, quiet: bool) {
    if let (Some(warning), false) = (model.metrics.uncalibrated_warning(), quiet) {
        diagnostic!("stancekit: warning: {warning}");
    }
}

/// Warns when a `--data` file (of `files`, whose hashes `data` lists in order) is one
/// `model` (read from `model_path`) was trained on, by the sha256 its provenance
/// records: a model scored on rows it was fitted to looks better than it is, an easy
/// slip with `eval --model`.
fn warn_trained_on(model: &ModelFile, model_path: &Path, data: &LabelledData, files: &[PathBuf], quiet: bool) {
    if quiet {
        return;
    }
    let trained: std::collections::HashSet<&str> = model.provenance.data_sha256.iter().map(String::as_str).collect();
    for (path, hash) in files.iter().zip(data.sha256.split(',')) {
        if trained.contains(hash) {
            diagnostic!(
                "stancekit: warning: --data {} is a file --model {} was trained on (the same sha256 in its \
                 provenance), so these figures flatter it: test on rows it did not see (another file, or eval \
                 --folds / --test-data with the training options)",
                path.display(),
                model_path.display()
            );
        }
    }
}

/// A tested row of `eval` for `--predictions`: its index in the data tested, the fold
/// that tested it (from 1; `None` for a held-out test), the class it was given and the
/// probability of each class (`None` without a model).
type Tested = (usize, Option<usize>, usize, Option<Vec<f64>>);

/// Writes `--predictions`: each tested row of `data` with its file, line, label and text.
/// A pipe whose reader stopped reading (`--predictions /dev/stdout | head`, a FIFO) has
/// what it read: the rest is not an error, and the figures and `--min-accuracy` follow.
fn write_tested(path: &Path, data: &LabelledData, labels: &[String], tested: &[Tested]) -> Result<()> {
    let files: Vec<&Path> = data.files.iter().flat_map(|(path, n)| std::iter::repeat_n(path.as_path(), *n)).collect();
    let records = tested.iter().map(|(row, fold, predicted, probabilities)| report::TestedRecord {
        file: files.get(*row).copied().unwrap_or(&data.path),
        line: data.lines.get(*row).copied().unwrap_or(0),
        fold: *fold,
        label: data.labels.get(*row).map_or("", String::as_str),
        predicted: labels.get(*predicted).map_or("", String::as_str),
        probabilities: probabilities.as_deref(),
        text: data.texts.get(*row).map_or("", String::as_str),
    });
    match stancekit::output::write_atomically(path, |out| report::write_tested_csv(out, labels, records)) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        written => written.map_err(|error| writing("predictions", path, error)),
    }
}

/// The confusion matrix and probability scores of `model` on labelled `data`, read
/// from `args.data` (with `per_file` rows from each file), and each row's result for
/// `--predictions`.
///
/// # Errors
/// [`stancekit::error::Error::UnknownLabel`] for a label the model does not know,
/// naming the file, line and column; [`stancekit::error::Error::LabelCase`] for one
/// that differs from a model's label only in how an accent is encoded;
/// [`stancekit::error::Error::NonFiniteScore`] for a row the model gives no finite
/// probabilities (its numbers overflow).
fn test_model(
    model: &ModelFile,
    data: &LabelledData,
    per_file: &[usize],
    args: &DataArgs,
) -> Result<(ConfusionMatrix, Option<ProbabilityScores>, Vec<Tested>)> {
    if data.is_empty() {
        // Scores of no rows would read as a model that got everything wrong.
        return Err(nothing_in(&args.data, &in_files("no labelled rows to test", &args.data)));
    }
    let mut classes = Vec::with_capacity(data.len());
    let files = args.data.iter().zip(per_file).flat_map(|(path, &n)| std::iter::repeat_n(path, n));
    for ((label, line), path) in data.labels.iter().zip(&data.lines).zip(files) {
        let Some(class) = model.labels.iter().position(|l| l == label) else {
            let location = stancekit::error::Location::file(path).at_line(*line).with_column(args.label_column.clone());
            // The model's label spelt another way: its accent encoded the other way (NFC
            // against NFD prints alike: 'unknown label 'négatif' (expected one of: négatif,
            // ...)' said nothing), another case (`Pos`), a number written otherwise (`1.0`):
            // the rule training applies to two labels of one file.
            let spelt_otherwise =
                |known: &&String| stancekit::input::case_conflict(&[known.to_string(), label.to_string()]).is_some();
            if let Some(known) = model.labels.iter().find(spelt_otherwise) {
                return Err(stancekit::error::Error::LabelCase {
                    location,
                    label: label.clone(),
                    other: format!(
                        "the model's label '{known}' only by {}",
                        stancekit::input::label_difference(label, known)
                    ),
                }
                .into());
            }
            let unknown = stancekit::error::Error::UnknownLabel {
                location,
                label: label.clone(),
                expected: model.labels.clone(),
            };
            // Most of the column's labels are not the model's: a model of another task
            // (`eval --model sentiment.json --label-column cooperation`, which share only
            // `neutral`), which the list of the model's labels alone did not say.
            let labels = data.label_set();
            let (known, unknown_labels): (Vec<&String>, Vec<&String>) =
                labels.iter().partition(|l| model.labels.contains(l));
            if unknown_labels.len() > known.len() {
                let column = &args.label_column;
                let task = &model.task;
                let instead = if task != column && !task.is_empty() {
                    format!(", e.g. --label-column {task}")
                } else {
                    String::new()
                };
                let quoted: Vec<String> = known.iter().map(|l| format!("'{l}'")).collect();
                let which = if quoted.is_empty() {
                    format!("no label of column '{column}' is one the model gives")
                } else {
                    let verb = if quoted.len() == 1 { "is one" } else { "are ones" };
                    format!("of the labels of column '{column}', only {} {verb} the model gives", quoted.join(" and "))
                };
                anyhow::bail!(
                    "{unknown}: {which}, a model of task '{task}' (a model trained for another task? test it on a \
                     column of its task's labels{instead})"
                );
            }
            return Err(unknown.into());
        };
        classes.push(class);
    }
    let texts: Vec<&str> = data.texts.iter().map(String::as_str).collect();
    let (predicted, probabilities) = model.classifier.classify_rows(&model.featurizer.transform(&texts));
    // A model whose numbers overflow (hand-edited) gives NaN probabilities: its rows are
    // refused as predict refuses them. eval printed figures of them (log-loss 34.5388,
    // Brier NaN, each such row counted as the first label) and exited 0.
    let row_files: Vec<&PathBuf> =
        args.data.iter().zip(per_file).flat_map(|(path, &n)| std::iter::repeat_n(path, n)).collect();
    stancekit::predict::check_finite_rows(model, &probabilities, |row| {
        let path = row_files.get(row).map_or_else(PathBuf::new, |path| path.to_path_buf());
        let file = stancekit::error::Location::file(path);
        let location = data.lines.get(row).map_or_else(|| file.clone(), |&line| file.at_line(line));
        location.with_column(args.text_column.clone())
    })?;
    let scores = probability_scores(&probabilities, &classes);
    let tested = predicted.iter().zip(probabilities.rows()).enumerate();
    let tested = tested.map(|(row, (&p, ps))| (row, None, p, Some(ps.to_vec()))).collect();
    Ok((ConfusionMatrix::new(model.labels.clone(), &classes, &predicted), scores, tested))
}

fn run_eval(command: EvalCommand) -> Result<Outcome> {
    refuse_repeated_files("--data", &command.data.data)?;
    refuse_repeated_files("--test-data", &command.test_data)?;
    refuse_repeated_files("--extra-data", &command.extra_data)?;
    let data = &command.data.data;
    let held_out_why = "its rows would be tested by a model trained on them: give a file of other rows, or --folds";
    refuse_data_file_as("--test-data", &command.test_data, data, held_out_why)?;
    let extra_why = "its rows would count twice, and be tested by models trained on them";
    refuse_data_file_as("--extra-data", &command.extra_data, data, extra_why)?;
    if let Some(predictions) = &command.predictions {
        let files = [
            ("--data", &command.data.data),
            ("--test-data", &command.test_data),
            ("--extra-data", &command.extra_data),
        ];
        let mut inputs: Vec<(&str, &Path)> =
            files.into_iter().flat_map(|(flag, paths)| paths.iter().map(move |p| (flag, p.as_path()))).collect();
        let training = training_inputs(&command.train);
        inputs.extend(training.iter().map(|(flag, path)| (*flag, path.as_path())));
        inputs.extend(command.model.iter().map(|p| ("--model", p.as_path())));
        check_output("--predictions", "predictions", predictions, &inputs)?;
    }
    let (mut data, per_file) = read_data(&command.data, command.group_column.as_deref())
        .map_err(|error| with_task_column_hint(error, command.model.as_deref(), &command.data.label_column))?;
    if let Some(warning) = command.group_column.as_deref().and_then(|column| data.groups_written_alike(column)) {
        if !command.quiet {
            diagnostic!("stancekit: warning: {warning}");
        }
    }
    let mut out = BufWriter::new(ResultsOut(io::stdout().lock()));
    // The --test-data rows, when they are the rows tested.
    let mut held_out: Option<LabelledData> = None;
    // Whether the labels tested came from a model trained without class weights, which a
    // rare class's rows can outweigh ([`outweighed_hint`]).
    let mut unweighted = !command.keyword_rule && command.train.class_weight == ClassWeight::None;
    let (matrix, folds, summary, probability, tested) = if command.keyword_rule {
        let options = train_options(&command.train, 0)?;
        let lexicon = options.lexicon.unwrap_or_default();
        let examples = Examples::new(&data.texts, &data.labels, &data.path)?;
        let rule = stancekit::baseline::KeywordRule::new(lexicon, &examples.labels)?;
        let unreachable = rule.unreachable_labels(&examples.labels);
        if !unreachable.is_empty() && !command.quiet {
            diagnostic!(
                "stancekit: warning: --keyword-rule never gives {}: only one label without a lexicon category can be \
                 its answer when no cue is found",
                unreachable.iter().map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ")
            );
        }
        let predicted: Vec<usize> = examples.texts.iter().map(|t| rule.predict(t)).collect();
        let tested = predicted.iter().enumerate().map(|(row, &p)| (row, None, p, None)).collect();
        (ConfusionMatrix::new(examples.labels.clone(), &examples.classes, &predicted), Vec::new(), None, None, tested)
    } else if let Some(path) = &command.model {
        let model = ModelFile::load(path)?;
        unweighted = model.trainer.class_weight == ClassWeight::None;
        warn_trained_on(&model, path, &data, &command.data.data, command.quiet);
        let (matrix, scores, tested) = test_model(&model, &data, &per_file, &command.data)?;
        warn_uncalibrated(&model, command.quiet);
        (matrix, Vec::new(), None, scores.map(|p| (p, scored_probabilities(&model))), tested)
    } else if !command.test_data.is_empty() {
        // As `train` would: the probability scores are those of the model it writes.
        let options = train_options(&command.train, stancekit::pipeline::CALIBRATION_FOLDS)?;
        warn_of_unused_lexicon_or_word_classes(&command.train, &options, &data.texts, command.quiet);
        let weights = row_weights(&per_file, &command.train.file_weights())?;
        let examples = Examples::new(&data.texts, &data.labels, &data.path)?.with_weights(weights);
        check_class_weights(&examples, "--data-weight")?;
        let bar = progress(1, command.quiet, "training");
        let model = train_model(&examples, &options, &command.data.label_column, Provenance::default())
            .map_err(|error| at_first_text(error, &data, &command.data.text_column))?;
        bar.finish_and_clear();
        let test_args = DataArgs { data: command.test_data.clone(), ..command.data.clone() };
        let (test, per_test_file) = read_data(&test_args, None)?;
        let test = held_out.insert(test);
        let trained: std::collections::HashSet<&str> = data.texts.iter().map(String::as_str).collect();
        let copied = test.texts.iter().filter(|text| trained.contains(text.as_str())).count();
        if copied > 0 && !command.quiet {
            diagnostic!(
                "stancekit: warning: {copied} of {} test rows have their text in the training data (--data), which \
                 flatters the scores",
                test.len()
            );
        }
        let (matrix, scores, tested) = test_model(&model, test, &per_test_file, &test_args)?;
        warn_uncalibrated(&model, command.quiet);
        (matrix, Vec::new(), None, scores.map(|p| (p, scored_probabilities(&model))), tested)
    } else {
        let folds = command.folds.unwrap_or(10);
        // Each fold's model is calibrated only when asked (5 more fits per fold): the
        // labels are the same either way, the probability scores are those of what
        // `train` would write.
        let options = train_options(&command.train, 0)?;
        warn_of_unused_lexicon_or_word_classes(&command.train, &options, &data.texts, command.quiet);
        let mut weights = row_weights(&per_file, &command.train.file_weights())?;
        let n_tested = data.len();
        if !command.extra_data.is_empty() {
            let columns = Columns {
                text: command.data.text_column.clone(),
                label: command.data.label_column.clone(),
                ..Columns::default()
            };
            let (extra, _) = read_files(&command.extra_data, &columns)?;
            weights.extend(std::iter::repeat_n(command.extra_weight, extra.len()));
            data.append(extra)?;
            // A label only extra rows have is a class no fold tests, yet every fold's
            // model can give it to tested rows ("pos" beside "positive" split a class).
            let tested: std::collections::BTreeSet<&str> =
                data.labels.iter().take(n_tested).map(String::as_str).collect();
            let untested: std::collections::BTreeSet<&str> =
                data.labels.iter().skip(n_tested).map(String::as_str).filter(|l| !tested.contains(l)).collect();
            if !untested.is_empty() && !command.quiet {
                let quoted = |labels: &std::collections::BTreeSet<&str>| -> String {
                    labels.iter().map(|l| format!("'{l}'")).collect::<Vec<_>>().join(", ")
                };
                diagnostic!(
                    "stancekit: warning: --extra-data has label(s) {} that no --data row has ({}): they are trained \
                     on and never tested, and a tested row given one counts as wrong",
                    quoted(&untested),
                    quoted(&tested)
                );
            }
        }
        let (copied, contradicted) = rows_with_copies(&data.texts, &data.labels, &data.groups, n_tested);
        if copied > 0 && !command.quiet {
            let keep = if data.groups.is_empty() { "give them one group with --group-column" } else { "one group" };
            // A copy with another label lowers the score of the row it is tested against: the
            // fold's model learnt the other label for that very text.
            let effect = match (contradicted, copied - contradicted) {
                (0, _) => format!("which flatters the scores (remove the copies, or {keep})"),
                (_, 0) => format!(
                    "each with another label there, which lowers the scores: a fold's model trained on a copy gives \
                     its label (check the labels; remove the copies, or {keep})"
                ),
                (_, agreeing) => format!(
                    "which flatters the scores of the {agreeing} with the same label there and lowers those of the \
                     {contradicted} with another label: a fold's model trained on a copy gives its label (check the \
                     labels; remove the copies, or {keep})"
                ),
            };
            diagnostic!(
                "stancekit: warning: {copied} of {n_tested} tested rows have their text in another row that a fold \
                 can train on, {effect}"
            );
        }
        let train_only = (0..data.len()).map(|i| i >= n_tested).collect();
        let mut groups = data.groups.clone();
        if !groups.is_empty() {
            // Extra rows are never tested; each is its own group.
            groups.extend((n_tested..data.len()).map(|i| format!("extra:{i}")));
        }
        let examples = Examples::new(&data.texts, &data.labels, &data.path)?
            .with_weights(weights)
            .with_train_only(train_only)
            .with_groups(groups);
        let weight_flags = if command.extra_data.is_empty() { "--data-weight" } else { "--data-weight/--extra-weight" };
        check_class_weights(&examples, weight_flags)?;
        let bar = progress(folds as u64, command.quiet, "folds");
        let ScoredFolds { matrices, scores, uncalibrated, rows } =
            cross_validate_scored(&examples, &options, folds, &mut |_| bar.inc(1))
                .map_err(|error| at_first_text(error, &data, &command.data.text_column))?;
        bar.finish_and_clear();
        if let (Some((fold, why)), false) = (uncalibrated.first(), command.quiet) {
            // The probability scores pool these folds' softmax with the others' calibrated
            // probabilities, and would be read as those of calibrated models.
            let said = match uncalibrated.len() {
                1 => format!("fold {fold} of {folds} are not calibrated: {why}"),
                n if n == folds => format!("all {folds} folds are not calibrated (fold {fold}: {why})"),
                n => format!("{n} of {folds} folds are not calibrated (fold {fold}: {why})"),
            };
            diagnostic!("stancekit: warning: the probabilities of {said}");
        }
        let mut pooled = ConfusionMatrix::new(examples.labels.clone(), &[], &[]);
        matrices.iter().try_for_each(|m| pooled.add(m))?;
        let accuracies: Vec<f64> = matrices.iter().map(ConfusionMatrix::accuracy).collect();
        let f1s: Vec<f64> = matrices.iter().map(ConfusionMatrix::macro_f1).collect();
        let summary = report::FoldSummary { folds, accuracy: mean_std(&accuracies), macro_f1: mean_std(&f1s) };
        let tested = rows.into_iter().map(|r| (r.row, Some(r.fold), r.predicted, Some(r.probabilities))).collect();
        let of = if options.calibration_folds < 2 {
            report::ScoredProbabilities::UncalibratedFolds
        } else if uncalibrated.is_empty() {
            report::ScoredProbabilities::Calibrated
        } else {
            report::ScoredProbabilities::PartlyCalibratedFolds
        };
        (pooled, matrices, Some(summary), scores.map(|p| (p, of)), tested)
    };
    if let Some(path) = &command.predictions {
        write_tested(path, held_out.as_ref().unwrap_or(&data), &matrix.labels, &tested)?;
    }
    report::write_metrics(&mut out, command.format, &matrix, &folds, summary, probability)?;
    out.flush()?;
    if let (true, Some(outweighed), false) = (unweighted, matrix.outweighed(), command.quiet) {
        diagnostic!("stancekit: warning: {}", outweighed_hint(&outweighed, command.model.is_some()));
    }
    let accuracy = summary.map_or(matrix.accuracy(), |s| s.accuracy.0);
    if let Some(min) = command.min_accuracy {
        if accuracy < min {
            diagnostic!("stancekit: accuracy {accuracy:.4} is below --min-accuracy {min}");
            return Ok(Outcome::CheckFailed);
        }
    }
    Ok(Outcome::Ok)
}

/// What `eval` says of a rare class its model passed over (labelled so on fewer than half
/// of its tested rows) when the model was trained without class weights: the accuracy
/// looks fine, and only the class's recall in the table shows it.
fn outweighed_hint(outweighed: &stancekit::eval::Outweighed, of_model_file: bool) -> String {
    let remedy = if of_model_file {
        "a model trained with --class-weight balanced weighs the classes equally"
    } else {
        "--class-weight balanced weighs the classes equally"
    };
    format!(
        "{} were labelled as such: the common classes outweigh a rare one in a model trained without class weights \
         ({remedy})",
        outweighed.describe("tested rows")
    )
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

/// Loads the models given, or the shipped ones; each model's task names its output.
fn load_predictor(model_paths: &[PathBuf]) -> Result<Predictor> {
    let paths = if model_paths.is_empty() { stancekit::shipped::model_paths()? } else { model_paths.to_vec() };
    // Its results would be printed twice under two names.
    if let Some(path) = paths.iter().enumerate().find_map(|(i, p)| paths.iter().take(i).any(|q| q == p).then_some(p)) {
        anyhow::bail!("--model {} is given twice (give each model once)", path.display());
    }
    // Also when spelt otherwise (`./m.json`, a link): it was loaded twice, with a warning,
    // and its results printed twice, the second under its file's name.
    for (i, path) in paths.iter().enumerate() {
        if let Some(earlier) = paths.iter().take(i).find(|q| stancekit::output::same_file(q, path)) {
            anyhow::bail!(
                "--model {} and --model {} are the same file (give each model once)",
                earlier.display(),
                path.display()
            );
        }
    }
    // Parsing is most of a short run's time: the files are parsed in parallel, and a
    // featurizer the models share (the shipped ones do) only once.
    let loaded = ModelFile::load_all(&paths)?;
    if model_paths.is_empty() {
        stancekit::shipped::check_tasks(&paths, loaded.iter().map(|m| m.task.as_str()))?;
    }
    let mut models = Vec::with_capacity(paths.len());
    for (path, mut model) in paths.iter().zip(loaded) {
        let (task, taken_by) = output_name(&model.task, path, &paths, &models)?;
        if let Some(other) = taken_by {
            diagnostic!(
                "stancekit: warning: --model {} has task '{}' as --model {} does: its results are named '{task}'",
                path.display(),
                model.task,
                other.display()
            );
        }
        model.task = task;
        models.push(model);
    }
    // Tasks are unique by now (`output_name`).
    Ok(Predictor::new(models)?)
}

/// The name of a model's results in `predict` and `report` output, unique among the
/// models before it (`earlier`, loaded from the first `paths`): its task, else its file
/// stem, else its path as given, so two versions of one model can be compared
/// (`sentiment` and `v2/sentiment.json`). Also returns the earlier model's path when
/// the task was taken.
///
/// # Errors
/// When its task, stem and path are all taken, so its results could not be told apart.
fn output_name<'a>(
    task: &str,
    path: &Path,
    paths: &'a [PathBuf],
    earlier: &[ModelFile],
) -> Result<(String, Option<&'a PathBuf>)> {
    let owner = |name: &str| earlier.iter().zip(paths).find(|(m, _)| m.task == name).map(|(_, p)| p);
    // A blank task (a hand-edited file) would be a blank column name: the stem stands in.
    let blank = stancekit::text::is_blank(task);
    let taken_by = if blank { None } else { owner(task) };
    if !blank && taken_by.is_none() {
        return Ok((task.to_string(), None));
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    for name in [stem, path.display().to_string()] {
        if !name.is_empty() && owner(&name).is_none() {
            return Ok((name, taken_by));
        }
    }
    let other = owner(&path.display().to_string()).or(taken_by).map_or_else(String::new, |p| p.display().to_string());
    anyhow::bail!("--model {} and --model {other} cannot be told apart in the output (rename one file)", path.display())
}

/// The documents of one predict input. An input that cannot be read at all (a listing
/// error, a missing file, a CSV without its text column) is one error document named by
/// the input, and the run goes on to the next input, as with a row that cannot be read.
/// Such an error, and a read error part way (which ends its input: the rows after it are
/// not labelled), is said on stderr as it is met, not only in its row.
fn input_documents(
    input: PathBuf,
    listing_error: Option<stancekit::error::Error>,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = stancekit::input::Document> + Send> {
    match listing_error.map_or_else(|| read_documents(&input, options), Err) {
        Ok(documents) => Box::new(documents.inspect(|document| {
            if let Err(error @ stancekit::error::Error::Io { .. }) = &document.text {
                diagnostic!("stancekit: error: {error}");
            }
        })),
        Err(error) => {
            diagnostic!("stancekit: error: {error}");
            let is_article = options.articles || options.format.resolve(&input) == InputFormat::Text;
            let id = stancekit::input::path_text(&input);
            let document = stancekit::input::Document { source: input, id, line: None, text: Err(error), is_article };
            Box::new(std::iter::once(document))
        }
    }
}

/// Writes the output rows of one input document; returns whether it failed to read.
fn render_document(
    out: &mut Vec<u8>,
    predictor: &Predictor,
    tasks: &[(String, Vec<String>)],
    command: &PredictCommand,
    rows: &RowWriter,
    document: &stancekit::input::Document,
    tally: &UnknownTally,
) -> io::Result<bool> {
    let source = stancekit::input::path_text(&document.source);
    let origin = RowOrigin { source: &source, id: &document.id, line: document.line };
    let text = match &document.text {
        // A CSV cell or JSON Lines field is named by its column, as in training data
        // (`rows.csv:3: column 'text': empty text`); an article or a line has none.
        Ok(text) => stancekit::input::check_text(text, || {
            let in_column =
                matches!(command.input_format.resolve(&document.source), InputFormat::Csv | InputFormat::Jsonl);
            let column = in_column.then(|| command.text_column.clone());
            stancekit::error::Location { path: document.source.clone(), line: document.line, column }
        })
        .map(|()| text)
        .map_err(|error| error.to_string()),
        Err(error) => Err(error.to_string()),
    };
    let text = match text {
        Err(message) => {
            rows.error(out, origin, document.is_article, &message, tasks.len())?;
            return Ok(true);
        }
        Ok(text) => text,
    };
    let sentences =
        if document.is_article { predictor.predict_article(text) } else { vec![predictor.predict_row(text)] };
    if let Some(message) = non_finite_scores(document, &sentences) {
        rows.error(out, origin, document.is_article, &message, tasks.len())?;
        return Ok(true);
    }
    tally.add(&sentences);
    if !(document.is_article && command.summary_only) {
        for sentence in &sentences {
            rows.sentence(out, origin, sentence)?;
        }
    }
    if document.is_article {
        let summary = summarize(&sentences, tasks);
        rows.article(out, origin, &summary, &sentences)?;
    }
    Ok(false)
}

/// How many of the sentences labelled held nothing the models know, of how many
/// ([`stancekit::predict::unknown_text_warning`]); added to from the labelling threads.
#[derive(Default)]
struct UnknownTally {
    unknown: std::sync::atomic::AtomicUsize,
    total: std::sync::atomic::AtomicUsize,
}

impl UnknownTally {
    fn add(&self, sentences: &[stancekit::predict::SentencePrediction]) {
        use std::sync::atomic::Ordering::Relaxed;
        self.unknown.fetch_add(sentences.iter().filter(|s| s.unknown).count(), Relaxed);
        self.total.fetch_add(sentences.len(), Relaxed);
    }

    fn warning(&self, shipped: bool) -> Option<String> {
        use std::sync::atomic::Ordering::Relaxed;
        stancekit::predict::unknown_text_warning(self.unknown.load(Relaxed), self.total.load(Relaxed), shipped)
    }
}

/// Why a document's probabilities cannot be trusted, if one is not a number
/// ([`stancekit::predict::check_finite`]): said as an error row rather than printed as `null`.
fn non_finite_scores(
    document: &stancekit::input::Document,
    sentences: &[stancekit::predict::SentencePrediction],
) -> Option<String> {
    let location = stancekit::error::Location { path: document.source.clone(), line: document.line, column: None };
    stancekit::predict::check_finite(sentences, &location, document.is_article).err().map(|e| e.to_string())
}

/// Reads documents on one thread, labels each batch of those read (up to `max_batch`,
/// [`stancekit::input::read_in_ready_batches`]) with `label` on this one (in parallel
/// inside), and writes the rendered rows in input order on a third, so reading, labelling
/// and writing overlap. A file fills whole batches; a pipe stage that sends a line and
/// waits gets its answer at once, as the output is flushed whenever the writer has caught
/// up. Returns the rows seen and the rows that failed.
fn label_in_pipeline(
    documents: Box<dyn Iterator<Item = stancekit::input::Document> + Send>,
    max_batch: usize,
    out: &mut (dyn Write + Send),
    progress: &ProgressBar,
    label: impl Fn(&[stancekit::input::Document]) -> Vec<(Vec<u8>, bool)>,
) -> Result<(usize, usize)> {
    use std::sync::mpsc::{sync_channel, TryRecvError};
    let (rendered_sender, rendered) = sync_channel::<Vec<(Vec<u8>, bool)>>(2);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> io::Result<(usize, usize)> {
            let (mut n_rows, mut n_failed) = (0, 0);
            loop {
                let batch = match rendered.try_recv() {
                    Ok(batch) => batch,
                    Err(TryRecvError::Empty) => {
                        out.flush()?;
                        match rendered.recv() {
                            Ok(batch) => batch,
                            Err(_) => break,
                        }
                    }
                    Err(TryRecvError::Disconnected) => break,
                };
                for (bytes, failed) in &batch {
                    n_rows += 1;
                    n_failed += usize::from(*failed);
                    out.write_all(bytes)?;
                }
                progress.inc(batch.len() as u64);
            }
            Ok((n_rows, n_failed))
        });
        // Dropping the batches (the writer has gone: a write failed) stops the reader.
        for batch in stancekit::input::read_in_ready_batches(scope, documents, max_batch) {
            if rendered_sender.send(label(&batch)).is_err() {
                break;
            }
        }
        drop(rendered_sender);
        match writer.join() {
            Ok(result) => result.map_err(anyhow::Error::from),
            Err(_) => Err(anyhow::anyhow!("the output thread stopped unexpectedly")),
        }
    })
}

/// Refuses `--id-column` or a `--text-column` of its own when no input has columns: every
/// one is an article (a text file, a directory's `.txt` files, `--input-format text`) or
/// plain lines. The flag was ignored without a word, the ids being file names and
/// sentence numbers where the user asked for a column's. A `.json` or `.tsv` input,
/// refused with a message of its own, counts as one with columns.
fn refuse_unused_columns(command: &PredictCommand, files: &[(PathBuf, Option<stancekit::error::Error>)]) -> Result<()> {
    let has_columns = |path: &PathBuf| {
        let format = command.input_format.resolve(path);
        !matches!(format, InputFormat::Text | InputFormat::PlainLines)
            || (command.input_format == InputFormat::Auto && stancekit::input::TableKind::of(path).is_some())
    };
    if files.iter().any(|(path, _)| has_columns(path)) {
        return Ok(());
    }
    let given = [
        ("--id-column", command.id_column.as_deref()),
        ("--text-column", Some(command.text_column.as_str()).filter(|column| *column != "text")),
    ];
    let Some((flag, column)) = given.into_iter().find_map(|(flag, column)| column.map(|c| (flag, c))) else {
        return Ok(());
    };
    let inputs = if files.iter().all(|(path, _)| command.input_format.resolve(path) == InputFormat::PlainLines) {
        "the inputs are plain lines (--input-format plain-lines), which have no columns"
    } else {
        "the inputs are articles (plain text), which have no columns"
    };
    let reason = format!(
        "'{}': {inputs}, so it would name nothing (ids are file names and sentence or line numbers; a table is read \
         as CSV from a .csv file or --input-format csv, as JSON Lines from a .jsonl file or --input-format jsonl)",
        escape_controls(column)
    );
    Err(stancekit::error::Error::InvalidParams { name: flag.into(), reason }.into())
}

/// Refuses what one CSV table cannot hold: with --summary-only its rows are articles, so
/// rows of a CSV, JSON Lines or stdin input read as sentences (without --articles, the
/// `rows_input`) have no place in it. (Without --summary-only its rows are sentences, and
/// the articles' summaries are left out: they are the table of --summary-only.)
fn csv_table_fits(command: &PredictCommand, rows_input: Option<&PathBuf>) -> Result<()> {
    if let (true, Some(input)) = (command.summary_only, rows_input) {
        let reason = format!(
            "the rows of {} are not articles, and a CSV table of --summary-only holds one row per article (give \
             --articles to read each row as an article, or leave --summary-only out for a row per sentence)",
            input.display()
        );
        return Err(stancekit::error::Error::InvalidParams { name: "--summary-only".into(), reason }.into());
    }
    Ok(())
}

fn run_predict(command: PredictCommand) -> Result<Outcome> {
    // Each row's id would be its whole text (an article of megabytes, in every summary),
    // as `train` refuses the text column as the label column.
    if command.id_column.as_deref() == Some(command.text_column.as_str()) {
        let reason = format!(
            "'{}' is also the text column, so each row's id would be its whole text (choose the id column with \
             --id-column and the text with --text-column, or leave --id-column out to number the rows)",
            command.text_column
        );
        return Err(stancekit::error::Error::InvalidParams { name: "--id-column".into(), reason }.into());
    }
    let predictor = load_predictor(&command.model)?.with_explanations(command.explain.unwrap_or(0));
    let tasks: Vec<(String, Vec<String>)> =
        predictor.models().iter().map(|m| (m.task.clone(), m.labels.clone())).collect();
    let task_names: Vec<String> = tasks.iter().map(|t| t.0.clone()).collect();
    let options = ReadOptions {
        format: command.input_format,
        text_column: command.text_column.clone(),
        id_column: command.id_column.clone().unwrap_or_else(|| ReadOptions::default().id_column),
        require_id_column: command.id_column.is_some(),
        lossy: command.lossy,
        articles: command.articles,
    };
    let inputs = expand_inputs(&command.inputs);
    if inputs.files.is_empty() {
        anyhow::bail!("nothing to read: {}", inputs.warnings.join("; "));
    }
    if let Some(stdout) = stancekit::output::standard_output_file() {
        if let Some((path, _)) =
            inputs.files.iter().find(|(path, _)| stancekit::output::is_standard_output(&stdout, path))
        {
            let name = if is_stdin(path) { "-: standard input".into() } else { path.display().to_string() };
            anyhow::bail!(
                "{name} is the file standard output writes to, so the rows written would be read back as input (send \
                 the output to a file that is not among the inputs)"
            );
        }
    }
    refuse_unused_columns(&command, &inputs.files)?;
    for warning in &inputs.warnings {
        diagnostic!("stancekit: warning: {warning}");
    }
    // Standard input at a terminal (`stancekit predict` typed without a file): said, as
    // the header alone and a wait for input looked like a hang.
    if io::stdin().is_terminal() && inputs.files.iter().any(|(path, _)| is_stdin(path)) {
        diagnostic!(
            "stancekit: reading standard input from the terminal: type or paste texts, one a line, and end with \
             Ctrl-D (or give the files to label: stancekit predict FILE...)"
        );
    }
    let stdout = ResultsOut(io::stdout());
    let interactive = stdout.0.is_terminal();
    // Unlocked handles: the rows are written from the pipeline's output thread.
    let mut out: Box<dyn Write + Send> =
        if interactive { Box::new(stdout) } else { Box::new(BufWriter::with_capacity(1 << 16, stdout)) };
    // --summary-only drops the sentence rows of articles only: the rows of a CSV, JSON
    // Lines or stdin input without --articles are still printed, under their header
    // (they used to come without it, so a table reader took the first row for it).
    let rows_input = inputs.files.iter().map(|(p, _)| p).find(|p| options.format.resolve(p) != InputFormat::Text);
    let rows_input = rows_input.filter(|_| !command.articles);
    if let (true, Some(input), false) = (command.summary_only, rows_input, command.format == PredictFormat::Csv) {
        diagnostic!(
            "stancekit: warning: --summary-only: the rows of {} are not articles, so each is printed as a sentence \
             row (give --articles to read each row as an article and print its summary)",
            input.display()
        );
    }
    let rows = match command.format {
        PredictFormat::Text => RowWriter::Lines(Format::Text),
        PredictFormat::Json => RowWriter::Lines(Format::Json),
        PredictFormat::Csv => {
            csv_table_fits(&command, rows_input)?;
            RowWriter::Csv(report::CsvTable::new(&tasks, command.explain.is_some(), command.summary_only))
        }
    };
    match &rows {
        RowWriter::Lines(Format::Text) if !command.summary_only || rows_input.is_some() => {
            report::write_prediction_header(&mut out, &task_names)?
        }
        RowWriter::Csv(table) => table.write_header(&mut out)?,
        RowWriter::Lines(_) => {}
    }
    let tally = UnknownTally::default();
    let render = |document: &stancekit::input::Document| -> (Vec<u8>, bool) {
        let mut buffer = Vec::with_capacity(256);
        let failed =
            render_document(&mut buffer, &predictor, &tasks, &command, &rows, document, &tally).unwrap_or(true);
        (buffer, failed)
    };
    // Every input's documents in one stream, each input opened when the one before has
    // been read: the files of a directory share batches, so a thousand short articles
    // are labelled on both cores instead of one pipeline a file.
    let max_batch = command.batch_size.unwrap_or(DEFAULT_BATCH_SIZE);
    let documents = inputs
        .files
        .into_iter()
        .flat_map(move |(input, listing_error)| input_documents(input, listing_error, &options));
    let progress = ROWS_PROGRESS.get_or_init(|| rows_progress(interactive));
    let labelled = label_in_pipeline(Box::new(documents), max_batch, &mut out, progress, |batch| {
        if batch.len() == 1 {
            batch.iter().map(render).collect()
        } else {
            use rayon::prelude::*;
            batch.par_iter().map(render).collect()
        }
    });
    progress.finish_and_clear();
    let (n_rows, n_failed) = labelled?;
    out.flush()?;
    // The process ends here: its memory goes back whole, so the models' ~100,000
    // allocations are not freed one by one (a few ms of every short run).
    std::mem::forget(predictor);
    if let Some(warning) = tally.warning(command.model.is_empty()) {
        diagnostic!("stancekit: warning: {warning}");
    }
    if n_failed > 0 {
        diagnostic!("stancekit: {n_failed} of {n_rows} input rows could not be read (see their 'error' field)");
        return Ok(Outcome::RowsFailed);
    }
    Ok(Outcome::Ok)
}

fn run_inspect(command: InspectCommand) -> Result<Outcome> {
    let model = ModelFile::load(&command.model)?;
    let mut out = BufWriter::new(ResultsOut(io::stdout().lock()));
    report::write_inspection(&mut out, command.format, &command.model.display().to_string(), &model, command.top)?;
    out.flush()?;
    Ok(Outcome::Ok)
}

fn run_corpus(command: CorpusCommand) -> Result<Outcome> {
    let mut inputs: Vec<(&str, &Path)> = command.spans.iter().map(|p| ("--spans", p.as_path())).collect();
    // The shared documents are inputs too: `--out` naming one (`../shared/datasets/
    // bbc_news/bbc_news.csv`) replaced the shared dataset with the corpus, exit 0.
    let documents: Vec<PathBuf> =
        stancekit::input::SPAN_SOURCES.iter().map(|(_, file, _, _)| command.datasets.join(file)).collect();
    inputs.extend(documents.iter().map(|p| ("--datasets", p.as_path())));
    check_output("--out", "CSV", &command.out, &inputs)?;
    // Every span would be two rows of the corpus (2,222 rows of 1,111 sentences).
    refuse_repeated("--spans", &command.spans, "each of its spans would be two rows of the corpus")?;
    note_terminal_input(&command.spans, "dataset,doc_id,start,end,sha256,split and a column per task");
    let (tasks, rows) = stancekit::input::read_spans(&command.spans, &command.datasets)?;
    let kept: Vec<_> = rows.iter().filter(|r| command.split.as_ref().is_none_or(|s| &r.split == s)).collect();
    stancekit::output::write_atomically(&command.out, |out| report::write_span_csv(out, &tasks, &kept))
        .map_err(|error| writing("CSV", &command.out, error))?;
    diagnostic!("stancekit: {} of {} spans rebuilt and verified -> {}", kept.len(), rows.len(), command.out.display());
    Ok(Outcome::Ok)
}

fn run_actors(command: ActorsCommand) -> Result<Outcome> {
    use stancekit::actors::{extract_with, Claim, SpanScore};
    let path = match &command.lexicon {
        Some(path) => path.clone(),
        None => stancekit::shipped::lexicon_dir().context("no --lexicon given (give one with --lexicon)")?,
    };
    let lexicon = Lexicon::load(&path).map_err(|e| reading_file("lexicon", &path, e))?;
    let matcher = lexicon.matcher();
    note_terminal_input(std::slice::from_ref(&command.data), "text,accusation,source,target");
    let rows = stancekit::input::read_actor_rows(&command.data)?;
    let (mut source_score, mut target_score) = (SpanScore::default(), SpanScore::default());
    let mut n_scored = 0;
    let mut out = BufWriter::new(ResultsOut(io::stdout().lock()));
    let data = command.data.display().to_string();
    for row in &rows {
        let claim = match row.claim.as_str() {
            "accusation" => Claim::Accusation,
            "denial" => Claim::Denial,
            _ => continue,
        };
        n_scored += 1;
        let actors = extract_with(&row.text, claim, &lexicon, &matcher);
        let source = actors.source.map(|s| s.text).unwrap_or_default();
        let target = actors.target.map(|s| s.text).unwrap_or_default();
        source_score.add(&row.source, &source);
        target_score.add(&row.target, &target);
        if command.show_errors && (source != row.source || target != row.target) {
            match command.format {
                // A result asked for, not a diagnostic: a row of its own among the scores.
                Format::Json => report::write_span_error(&mut out, &data, row, &source, &target)?,
                // A block of three lines (not `diagnostic!`, which would write its line
                // breaks as `\n`); the file name and sentence with controls escaped.
                Format::Text => {
                    let _ = writeln!(
                        io::stderr(),
                        "{}:{}: {}\n  source: got {source:?}, gold {:?}\n  target: got {target:?}, gold {:?}",
                        escape_controls(&data),
                        row.line,
                        escape_controls(&row.text),
                        row.source,
                        row.target
                    );
                }
            }
        }
    }
    if n_scored == 0 {
        // Precision and recall of nothing would print as 0/0 and look like a result.
        let read = stancekit::error::counted(rows.len(), "row");
        let reason = format!("no row labelled accusation or denial to score ({read} read)");
        return Err(stancekit::error::Error::Data { path: command.data.clone(), reason }.into());
    }
    report::write_span_scores(&mut out, command.format, &[("source", source_score), ("target", target_score)])?;
    out.flush()?;
    Ok(Outcome::Ok)
}

fn run_report(command: ReportCommand) -> Result<Outcome> {
    let mut inputs: Vec<(&str, &Path)> = vec![("the article", command.article.as_path())];
    inputs.extend(command.model.iter().map(|p| ("--model", p.as_path())));
    // Without --model, the shipped models are read: `--html models/sentiment.json`
    // replaced one with the page, exit 0, and every later run failed to load it. (When
    // they cannot be found, loading them says so below.)
    let shipped =
        if command.model.is_empty() { stancekit::shipped::model_paths().unwrap_or_default() } else { Vec::new() };
    inputs.extend(shipped.iter().map(|p| ("the shipped model", p.as_path())));
    check_output("--html", "HTML", &command.html, &inputs)?;
    // A table would be drawn as one article of its markup, as predict used to label it.
    if let Some(kind) = stancekit::input::TableKind::of(&command.article) {
        let reason = format!(
            "is {}, not an article (report draws the page of one article, a text file: label the rows of a table \
             with predict, or its articles with predict --articles)",
            kind.name()
        );
        return Err(stancekit::error::Error::Data { path: command.article.clone(), reason }.into());
    }
    // A folder of articles (predict reads one): it used to be 'Is a directory (os error 21)'.
    if command.article.is_dir() {
        let reason = "is a directory, not an article (report draws the page of one article, a text file: give one of \
                      its files, or label all of them with predict)";
        return Err(stancekit::error::Error::Data { path: command.article.clone(), reason: reason.into() }.into());
    }
    let predictor = load_predictor(&command.model)?;
    let tasks: Vec<(String, Vec<String>)> =
        predictor.models().iter().map(|m| (m.task.clone(), m.labels.clone())).collect();
    // `report --html r.html -` typed at a terminal waited without a word, as predict did.
    if is_stdin(&command.article) && io::stdin().is_terminal() {
        diagnostic!("stancekit: reading the article from the terminal: type or paste its text, and end with Ctrl-D");
    }
    let options = ReadOptions { format: InputFormat::Text, lossy: command.lossy, ..ReadOptions::default() };
    let document = read_documents(&command.article, &options)?
        .next()
        .ok_or_else(|| anyhow::anyhow!("{}: nothing to read", command.article.display()))?;
    let text = document.text?;
    // A table under another name (`<(grep ... a.csv)`, `a.csv.txt`), as predict says of it.
    if let Some((_, what)) = stancekit::input::table_in_article(&text, "text") {
        let reason = format!(
            "holds {what}, not an article (report draws the page of one article, a text file: label the rows of a \
             table with predict --input-format csv or jsonl, or its articles with predict --articles)"
        );
        return Err(stancekit::error::Error::Data { path: command.article.clone(), reason }.into());
    }
    if stancekit::text::is_blank(&text) {
        // As `predict` says of it: a page of no sentences would look like a result.
        let location = stancekit::error::Location { path: document.source, line: document.line, column: None };
        return Err(stancekit::error::Error::EmptyText { location }.into());
    }
    let sentences = predictor.predict_article(&text);
    let summary = summarize(&sentences, &tasks);
    let title = command.article.file_name().map_or_else(|| "article".to_string(), |n| n.to_string_lossy().into_owned());
    let page = stancekit::html::article_page(&title, &sentences, &summary);
    stancekit::output::write_atomically(&command.html, |out| out.write_all(page.as_bytes()))
        .map_err(|error| writing("HTML", &command.html, error))?;
    diagnostic!("stancekit: {} {} -> {}", summary.n_sentences, summary.sentence_noun(), command.html.display());
    // As predict says it: the page colours such sentences as if the models had read them.
    let tally = UnknownTally::default();
    tally.add(&sentences);
    if let Some(warning) = tally.warning(command.model.is_empty()) {
        diagnostic!("stancekit: warning: {warning}");
    }
    Ok(Outcome::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A training option added to `TrainArgs` later is refused by `eval --model` too.
    #[test]
    fn eval_model_conflicts_cover_every_training_option() {
        let args = TrainArgs::augment_args(clap::Command::new("eval"));
        let missing: Vec<&str> =
            args.get_arguments().map(|a| a.get_id().as_str()).filter(|id| !MODEL_CONFLICTS.contains(id)).collect();
        assert!(missing.is_empty(), "not in MODEL_CONFLICTS: {missing:?}");
    }
}
