//! Training and cross-validation end to end. Input: labelled texts and options.
//! Output: a [`ModelFile`] ready to save, or per-fold and pooled metrics.
//!
//! This is the one place where featurizer and trainer meet, so the CLI, the Python
//! binding and the tests all train the same way.

use std::sync::Arc;

use ndarray::{Array1, Array2};

use crate::calibration::Calibration;
use crate::decision::Decision;
use crate::error::{Error, Location, Result};
use crate::eval::{group_folds, probability_scores, stratified_folds, ConfusionMatrix, ProbabilityScores};
use crate::features::{Analysis, FeatureParams, Featurizer, GramNames};
use crate::lexicon::Lexicon;
use crate::model::{ModelFile, Provenance, TrainingMetrics, FORMAT, VERSION};
use crate::train::{fit_weighted, LogisticParams};
use crate::word_classes::WordClasses;
use linfa::ParamGuard;
use rayon::prelude::*;

/// Regularisation strengths `--tune` tries: a factor-of-two grid around scikit-learn's
/// default C = 1, wide enough for short sentences (small C) and long texts (large C).
pub const TUNE_GRID: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0];
/// Inner folds `--tune` uses to score each C.
pub const TUNE_FOLDS: usize = 5;

/// Everything that decides how a model is trained.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Feature settings.
    pub features: FeatureParams,
    /// Trainer settings.
    pub trainer: LogisticParams,
    /// Cue lexicon, if any.
    pub lexicon: Option<Lexicon>,
    /// Word classes whose n-grams are columns too, if any ([`crate::word_classes`]).
    pub word_classes: Option<Arc<WordClasses>>,
    /// Choose C by inner cross-validation over [`TUNE_GRID`].
    pub tune: bool,
    /// Seed for fold assignment (training itself is deterministic).
    pub seed: u64,
    /// Folds of the cross-validation whose out-of-fold scores calibrate the model's
    /// probabilities ([`crate::calibration`]); 0 for none. Fewer when a class has fewer
    /// rows; none, with the reason in [`TrainingMetrics::uncalibrated_because`], when the
    /// data is too small or the fit fails.
    pub calibration_folds: usize,
    /// How the label is taken from the class scores. [`DecisionRule::MacroF1`] chooses
    /// offsets on the same out-of-fold scores as the calibration, so it needs
    /// `calibration_folds` of 2 or more.
    pub decision: DecisionRule,
}

/// How a model takes its label from its class scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionRule {
    /// The class of the highest score: with balanced class weights, a balance between
    /// the classes; without, the most accurate.
    #[default]
    HighestScore,
    /// The highest score plus per-class offsets chosen to maximise macro-F1 on the
    /// out-of-fold scores ([`crate::decision`]).
    // --help is plain text: without this, it printed the rustdoc link as written.
    #[value(help = "The highest score plus per-class offsets chosen to maximise macro-F1 on the out-of-fold scores")]
    MacroF1,
}

/// Folds that calibrate a model's probabilities unless told otherwise: 5 out-of-fold
/// scores for every row at the cost of 5 more fits.
pub const CALIBRATION_FOLDS: usize = 5;

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            features: FeatureParams::default(),
            trainer: LogisticParams::default(),
            lexicon: None,
            word_classes: None,
            tune: false,
            seed: 42,
            calibration_folds: CALIBRATION_FOLDS,
            decision: DecisionRule::HighestScore,
        }
    }
}

/// Labelled rows ready for training: texts and class indices into `labels`.
#[derive(Debug, Clone)]
pub struct Examples<'a> {
    /// The texts.
    pub texts: Vec<&'a str>,
    /// Class index of each text.
    pub classes: Vec<usize>,
    /// Class names, in index order.
    pub labels: Vec<String>,
    /// Weight of each row in the loss (1 by default).
    pub weights: Vec<f64>,
    /// Rows that are always trained on and never tested in cross-validation
    /// (extra data, such as written sentences when evaluating on real news).
    pub train_only: Vec<bool>,
    /// A group per row (the article a sentence came from): cross-validation keeps each
    /// group within one fold. Empty: rows are independent.
    pub groups: Vec<String>,
}

/// The range of positive row weights. Trained on `datasets/written/diplomacy.csv`
/// (accusation) with one `--data-weight` from 1e-30 to 1e30, models were sound (the
/// class priors at the low end, training accuracy 1.0 at the high end); at 1e-100 and
/// 1e100 the model gave one third to every class, with exit 0. 1e-6 to 1e6 stays well
/// inside.
pub const WEIGHT_RANGE: std::ops::RangeInclusive<f64> = 1e-6..=1e6;

/// What a row weight must be, as said when it is not.
pub const WEIGHT_RULE: &str = "must be 0 or a number from 1e-6 to 1e6";

/// Checks one row weight (CLI `--data-weight`, `--extra-weight`; Python `sample_weight`).
///
/// # Errors
/// [`WEIGHT_RULE`] unless `w` is 0 or within [`WEIGHT_RANGE`].
pub fn check_weight(w: f64) -> std::result::Result<(), String> {
    if w == 0.0 || WEIGHT_RANGE.contains(&w) {
        Ok(())
    } else {
        Err(WEIGHT_RULE.to_string())
    }
}

/// Checks a weight per row: each as [`check_weight`], and not all 0.
///
/// # Errors
/// [`Error::InvalidParams`] named `name` (`sample_weight`), saying which index is out
/// of range, or that every weight is 0.
pub fn check_weights(name: &str, weights: &[f64]) -> Result<()> {
    if let Some((i, w)) = weights.iter().enumerate().find(|(_, w)| check_weight(**w).is_err()) {
        let shown = crate::error::shown_number(*w);
        return Err(Error::InvalidParams { name: format!("{name}[{i}]"), reason: format!("{shown} {WEIGHT_RULE}") });
    }
    if !weights.is_empty() && weights.iter().all(|w| *w == 0.0) {
        return Err(Error::InvalidParams {
            name: name.to_string(),
            reason: "every weight is 0: no row is left to train on".into(),
        });
    }
    Ok(())
}

/// Refuses weights that leave a class of the data with no weight: the model could
/// never predict it, yet would train (on the other classes) as if nothing were wrong.
///
/// # Errors
/// [`Error::InvalidParams`] named `name` (`--data-weight`, `sample_weight`), naming the
/// first class whose rows all have weight 0.
pub fn check_class_weights(examples: &Examples<'_>, name: &str) -> Result<()> {
    let weighted = weighted_class_counts(examples);
    let unweighted = class_counts(examples).iter().zip(&weighted).position(|(&n, &w)| n > 0 && w == 0);
    if let Some(class) = unweighted {
        let label = examples.labels.get(class).map_or("", String::as_str);
        return Err(Error::InvalidParams {
            name: name.to_string(),
            reason: format!(
                "every row of class '{label}' has weight 0, so the model could never predict it (give its rows a \
                 weight above 0, or leave them out)"
            ),
        });
    }
    Ok(())
}

/// Classes beyond which labels that are mostly one row each are refused: such labels
/// are a wrong column (an id, the text), and a model of thousands of classes took 4 GB
/// and 17 s to fit on 3,000 rows of ids before anything said so.
const MANY_CLASSES: usize = 100;

impl<'a> Examples<'a> {
    /// Indexes string labels: classes are the sorted distinct labels. `source` names
    /// where the rows came from, in messages. The rows are checked as the CLI checks a
    /// file's and Python's `train` its arguments, a bad one named as `texts[i]` or
    /// `labels[i]`.
    ///
    /// # Errors
    /// [`Error::Data`] when the texts and labels differ in number, when fewer than two
    /// classes are present, or more than `MANY_CLASSES` of which most have one or two rows;
    /// [`Error::EmptyText`] for a blank text; [`Error::LabelSpaces`] or
    /// [`Error::LabelControl`] for a label that is blank, has spaces around it or holds
    /// a control character.
    pub fn new(texts: &'a [String], labels: &[String], source: &std::path::Path) -> Result<Examples<'a>> {
        if texts.len() != labels.len() {
            return Err(Error::Data {
                path: source.to_path_buf(),
                reason: format!(
                    "{} but {} (one label per text)",
                    crate::error::counted(texts.len(), "text"),
                    crate::error::counted(labels.len(), "label")
                ),
            });
        }
        for (i, text) in texts.iter().enumerate() {
            crate::input::check_text(text, || Location::item("texts", i))?;
        }
        for (i, label) in labels.iter().enumerate() {
            crate::input::check_label(label, || Location::item("labels", i))?;
        }
        let mut set: Vec<String> = labels.to_vec();
        set.sort();
        set.dedup();
        if texts.is_empty() {
            return Err(Error::Data { path: source.to_path_buf(), reason: "no rows to train on".into() });
        }
        if set.len() < 2 {
            return Err(Error::Data {
                path: source.to_path_buf(),
                reason: format!(
                    "only one class ('{}') in the labels; at least 2 are needed",
                    set.first().cloned().unwrap_or_default()
                ),
            });
        }
        let classes: Vec<usize> = labels.iter().map(|l| set.binary_search(l).unwrap_or(0)).collect();
        let mut rows_per_class = vec![0usize; set.len()];
        for &c in &classes {
            if let Some(n) = rows_per_class.get_mut(c) {
                *n += 1;
            }
        }
        let single = rows_per_class.iter().filter(|&&n| n == 1).count();
        // Most classes of two rows: a column that gives a few rows each a class of their
        // own (the article or speaker a sentence came from). 1,500 such classes of 3,000
        // mr rows trained for 4 s in 1.9 GB into a 74 MB model, exit 0.
        let two = rows_per_class.iter().filter(|&&n| n == 2).count();
        if set.len() > MANY_CLASSES && 2 * single <= set.len() && 2 * (single + two) > set.len() {
            return Err(Error::Data {
                path: source.to_path_buf(),
                reason: format!(
                    "{} classes in {} rows, {} of them with two rows or fewer: no class can be learnt from so few \
                     examples (is this the label column? an id of the article or speaker a row belongs to gives each \
                     few rows a class of their own)",
                    set.len(),
                    labels.len(),
                    single + two
                ),
            });
        }
        if set.len() > MANY_CLASSES && 2 * single > set.len() {
            return Err(Error::Data {
                path: source.to_path_buf(),
                reason: format!(
                    "{} classes in {} rows, {single} of them with a single row: no class can be learnt from one \
                     example (is this the label column? an id or a text column gives every row a class of its own)",
                    set.len(),
                    labels.len()
                ),
            });
        }
        Ok(Examples {
            texts: texts.iter().map(String::as_str).collect(),
            classes,
            labels: set,
            weights: vec![1.0; texts.len()],
            train_only: vec![false; texts.len()],
            groups: Vec::new(),
        })
    }

    /// Checks that the fields (public, so set freely) agree: one class per text, each
    /// the index of a label, and one weight, train-only mark and group (when any) per
    /// text. A shorter list used to be filled in (weight 1, a group of its own for
    /// none), or said only as `invalid row weights`.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] naming the field that does not fit, or the first weight
    /// that is neither 0 nor within [`WEIGHT_RANGE`].
    fn check(&self) -> Result<()> {
        let n = self.texts.len();
        let fields = [
            ("classes", self.classes.len(), "class"),
            ("weights", self.weights.len(), "weight"),
            ("train_only", self.train_only.len(), "mark"),
        ];
        let groups = [("groups", self.groups.len(), "group")];
        let given = fields.iter().chain(groups.iter().filter(|(_, len, _)| *len > 0));
        if let Some((name, len, noun)) = given.into_iter().find(|(_, len, _)| *len != n) {
            return Err(Error::InvalidParams {
                name: format!("examples {name}"),
                reason: format!(
                    "{} for {}: one {noun} per text is needed",
                    crate::error::counted(*len, noun),
                    crate::error::counted(n, "text")
                ),
            });
        }
        // A weight out of range (NaN, negative, infinite) was taken as 0 by the fit and
        // said as "every row of class 'a' has weight 0", which no weight was.
        if let Some((row, &w)) = self.weights.iter().enumerate().find(|(_, w)| check_weight(**w).is_err()) {
            return Err(Error::InvalidParams {
                name: format!("examples weights[{row}]"),
                reason: format!("{} {WEIGHT_RULE}", crate::error::shown_number(w)),
            });
        }
        if let Some((row, class)) = self.classes.iter().enumerate().find(|(_, &c)| c >= self.labels.len()) {
            return Err(Error::InvalidParams {
                name: "examples classes".into(),
                reason: format!(
                    "class {class} of row {row} is not the index of a label ({} labels)",
                    self.labels.len()
                ),
            });
        }
        Ok(())
    }

    /// Sets the group of every row (for grouped cross-validation).
    pub fn with_groups(mut self, groups: Vec<String>) -> Examples<'a> {
        self.groups = groups;
        self
    }

    /// Sets one weight for every row.
    pub fn with_weights(mut self, weights: Vec<f64>) -> Examples<'a> {
        self.weights = weights;
        self
    }

    /// Whether `row` counts in training: its weight is above 0 (rows without a weight
    /// weigh 1).
    fn trains_on(&self, row: usize) -> bool {
        self.weights.get(row).is_none_or(|&w| w > 0.0)
    }

    /// Whether `row` may be tested in cross-validation (it is not train-only).
    fn is_testable(&self, row: usize) -> bool {
        self.train_only.get(row) != Some(&true)
    }

    /// Marks rows as train-only in cross-validation.
    pub fn with_train_only(mut self, train_only: Vec<bool>) -> Examples<'a> {
        self.train_only = train_only;
        self
    }

    fn subset(&self, rows: &[usize]) -> Examples<'a> {
        Examples {
            texts: pick(&self.texts, rows, ""),
            classes: pick(&self.classes, rows, 0),
            labels: self.labels.clone(),
            weights: pick(&self.weights, rows, 1.0),
            train_only: pick(&self.train_only, rows, false),
            groups: if self.groups.is_empty() { Vec::new() } else { pick(&self.groups, rows, String::new()) },
        }
    }
}

/// `values` at each of `rows`, `missing` past the end (the fields are public, so
/// their lengths may differ).
fn pick<T: Clone>(values: &[T], rows: &[usize], missing: T) -> Vec<T> {
    rows.iter().map(|&r| values.get(r).unwrap_or(&missing).clone()).collect()
}

/// A fitted featurizer + classifier pair before it is wrapped as a file.
struct Fitted {
    model: ModelFile,
}

/// Texts analysed once ([`Featurizer::analyze_all`]) and shared by every model fitted
/// on them: the final one and each fold's and each `--tune` candidate's.
struct Analysed<'a> {
    /// The unfitted featurizer that analysed them (settings and lexicon).
    analyzer: &'a Featurizer,
    /// One analysis per row of the examples they go with.
    rows: Vec<&'a Analysis>,
    /// N-gram names shared by the fits on subsets of these rows (cross-validation).
    names: Option<&'a GramNames>,
}

impl<'a> Analysed<'a> {
    fn subset(&self, rows: &[usize]) -> Analysed<'a> {
        Analysed {
            analyzer: self.analyzer,
            rows: rows.iter().filter_map(|&r| self.rows.get(r).copied()).collect(),
            names: self.names,
        }
    }
}

fn fit_once(examples: &Examples<'_>, analysed: &Analysed<'_>, trainer: &LogisticParams) -> Result<Fitted> {
    let featurizer =
        analysed.analyzer.fit_analyzed_named(&examples.texts, &analysed.rows, &examples.classes, analysed.names)?;
    // Lowering --min-df cannot help texts without a word: a column of symbols or emoji,
    // or of punctuation that --no-punctuation leaves out.
    if featurizer.n_ngrams() == 0 && !analysed.rows.iter().any(|row| row.has_ngrams()) {
        return Err(Error::NoWords { texts: analysed.rows.len() });
    }
    if featurizer.n_ngrams() == 0 {
        // Trained on no n-gram, a model labels every text by the class priors (and cues).
        return Err(Error::InvalidParams {
            name: "--min-df".into(),
            reason: format!(
                "no n-gram is in {} or more of the {} training texts, so no n-gram column is left (lower --min-df)",
                featurizer.params.min_df,
                analysed.rows.len()
            ),
        });
    }
    let x = featurizer.transform_analyzed(&analysed.rows);
    let trainer = trainer.clone().n_classes(examples.labels.len());
    let settings = trainer.clone().check()?;
    let classifier = fit_weighted(&trainer, x, Array1::from(examples.classes.clone()), &examples.weights)?;
    let model = ModelFile {
        format: FORMAT.into(),
        version: VERSION,
        checksum: String::new(),
        task: String::new(),
        labels: examples.labels.clone(),
        featurizer: Arc::new(featurizer),
        trainer: settings,
        classifier,
        provenance: Provenance::default(),
        metrics: TrainingMetrics::default(),
    };
    Ok(Fitted { model })
}

/// Predicted class index of each text under `model`.
pub fn predict_classes(model: &ModelFile, texts: &[&str]) -> Vec<usize> {
    classes_of(model, &model.featurizer.transform(texts))
}

/// Predicted class index of each analysed text: as [`predict_classes`] on the texts.
fn predict_analysed(model: &ModelFile, analysed: &Analysed<'_>) -> Vec<usize> {
    classes_of(model, &model.featurizer.transform_analyzed(&analysed.rows))
}

fn classes_of(model: &ModelFile, x: &crate::features::SparseRows) -> Vec<usize> {
    model.classifier.classify_rows(x).0
}

/// Cross-validates: for each fold, trains on the rest and tests on it.
/// Returns one confusion matrix per fold.
///
/// A class with fewer rows than folds is missing from some test folds, which is
/// allowed; a fold whose training side has no row of a class (with weight above 0) is
/// not, as its model could never predict that class.
///
/// # Errors
/// [`Error::InvalidParams`] for bad folds; for examples whose fields differ in length or
/// hold a class that is no label's index; for weights that leave a class with no
/// weight ([`check_class_weights`]); named `--folds` when a fold's training side lacks
/// a class (a class with one row, or grouped folds whose groups hold all of it);
/// named `--tune` when its inner folds cannot give every training side every class.
/// [`Error::InFold`] for what went wrong while training a fold.
pub fn cross_validate(
    examples: &Examples<'_>,
    options: &TrainOptions,
    folds: usize,
    on_fold: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<ConfusionMatrix>> {
    cross_validate_scored(examples, options, folds, on_fold).map(|scored| scored.matrices)
}

/// What [`cross_validate_scored`] measured.
#[derive(Debug, Clone)]
pub struct ScoredFolds {
    /// One confusion matrix per fold, in fold order.
    pub matrices: Vec<ConfusionMatrix>,
    /// The probability scores of every tested row, pooled over the folds.
    pub scores: Option<ProbabilityScores>,
    /// Each fold whose model was asked to be calibrated and was left uncalibrated: its
    /// number (from 1) and why ([`TrainingMetrics::uncalibrated_because`]). Its rows'
    /// probabilities in `scores` are the softmax of its scores.
    pub uncalibrated: Vec<(usize, String)>,
    /// Every tested row's out-of-fold result, in row order: what `eval --predictions`
    /// writes, so that the rows behind the figures can be read.
    pub rows: Vec<TestedRow>,
}

/// One row's result from a model that did not train on it.
#[derive(Debug, Clone, PartialEq)]
pub struct TestedRow {
    /// The row's index in the examples.
    pub row: usize,
    /// The fold that tested it, from 1.
    pub fold: usize,
    /// The class the fold's model gave it (an index into the labels).
    pub predicted: usize,
    /// The fold's model's probability of each label, in label order.
    pub probabilities: Vec<f64>,
}

/// [`cross_validate`], with the probability scores of every tested row pooled over
/// the folds (each fold's model calibrated when `options.calibration_folds` asks for
/// it, on inner folds of its own training side).
///
/// # Errors
/// As [`cross_validate`].
pub fn cross_validate_scored(
    examples: &Examples<'_>,
    options: &TrainOptions,
    folds: usize,
    on_fold: &mut (dyn FnMut(usize) + Send),
) -> Result<ScoredFolds> {
    check_training_inputs(examples, options)?;
    let analyzer = options.features.analyzer(options.lexicon.clone())?.with_word_classes(options.word_classes.clone());
    let mut analyzed = analyzer.analyze_all(&examples.texts);
    let names = analyzer.name_all(&examples.texts, &analyzed.iter().collect::<Vec<_>>());
    // Numbered, the folds count and look up n-grams in arrays.
    names.number(&mut analyzed);
    let analysed = Analysed { analyzer: &analyzer, rows: analyzed.iter().collect(), names: Some(&names) };
    let per_fold =
        run_folds(examples, &analysed, options, folds, FoldsOf::User, on_fold, &|model, test, test_rows| {
            let truth = pick(&examples.classes, test_rows, 0);
            let (predicted, probabilities) =
                model.classifier.classify_rows(&model.featurizer.transform_analyzed(&test.rows));
            FoldResult {
                matrix: ConfusionMatrix::new(examples.labels.clone(), &truth, &predicted),
                probabilities,
                truth,
                uncalibrated: model.metrics.uncalibrated_because.clone(),
                tested: test_rows.iter().copied().zip(predicted).collect(),
            }
        })?;
    let views: Vec<_> = per_fold.iter().map(|fold| fold.probabilities.view()).collect();
    let pooled = ndarray::concatenate(ndarray::Axis(0), &views).ok();
    let truth: Vec<usize> = per_fold.iter().flat_map(|fold| fold.truth.iter().copied()).collect();
    let scores = pooled.and_then(|probabilities| probability_scores(&probabilities, &truth));
    let uncalibrated = (1..).zip(&per_fold).filter_map(|(n, fold)| Some((n, fold.uncalibrated.clone()?))).collect();
    let mut rows: Vec<TestedRow> = (1..)
        .zip(&per_fold)
        .flat_map(|(n, fold)| {
            fold.tested.iter().zip(fold.probabilities.rows()).map(move |(&(row, predicted), p)| TestedRow {
                row,
                fold: n,
                predicted,
                probabilities: p.to_vec(),
            })
        })
        .collect();
    rows.sort_by_key(|tested| tested.row);
    Ok(ScoredFolds { matrices: per_fold.into_iter().map(|fold| fold.matrix).collect(), scores, uncalibrated, rows })
}

/// What one fold of [`cross_validate_scored`] measured.
struct FoldResult {
    matrix: ConfusionMatrix,
    /// Its test rows' probabilities (rows x labels), in `tested` order.
    probabilities: Array2<f64>,
    /// Its test rows' classes.
    truth: Vec<usize>,
    /// Why its model was left uncalibrated, when asked to be calibrated.
    uncalibrated: Option<String>,
    /// Each test row and the class it was given.
    tested: Vec<(usize, usize)>,
}

/// Whose folds a cross-validation deals: said by its errors, which tell the user what
/// to change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FoldsOf {
    /// `eval --folds`: the user chose the count.
    User,
    /// `--tune`'s inner folds, whose count follows from the data.
    Tune,
    /// The folds whose out-of-fold scores calibrate a model.
    Calibration,
}

impl FoldsOf {
    fn flag(self) -> &'static str {
        match self {
            FoldsOf::User => "--folds",
            FoldsOf::Tune => "--tune",
            FoldsOf::Calibration => "--calibration-folds",
        }
    }
}

/// [`cross_validate`] on texts analysed once for all folds, for the user's folds or
/// `--tune`'s (`of`).
fn cross_validate_analysed(
    examples: &Examples<'_>,
    analysed: &Analysed<'_>,
    options: &TrainOptions,
    folds: usize,
    of: FoldsOf,
    on_fold: &mut (dyn FnMut(usize) + Send),
) -> Result<Vec<ConfusionMatrix>> {
    run_folds(examples, analysed, options, folds, of, on_fold, &|model, test, test_rows| {
        let truth = pick(&examples.classes, test_rows, 0);
        ConfusionMatrix::new(examples.labels.clone(), &truth, &predict_analysed(model, test))
    })
}

/// Trains a model on each fold's training side and hands it, with the fold's test
/// rows (analysed, and their row numbers), to `test`; one result per fold, in fold
/// order. The error of the first fold that fails is returned, whatever order the folds
/// ran in.
fn run_folds<T: Send>(
    examples: &Examples<'_>,
    analysed: &Analysed<'_>,
    options: &TrainOptions,
    folds: usize,
    of: FoldsOf,
    on_fold: &mut (dyn FnMut(usize) + Send),
    test: &(dyn Fn(&ModelFile, &Analysed<'_>, &[usize]) -> T + Sync),
) -> Result<Vec<T>> {
    // Folds are dealt over the testable rows; train-only rows join every training side.
    let testable: Vec<usize> = (0..examples.texts.len()).filter(|&i| examples.is_testable(i)).collect();
    let mut dealt = if examples.groups.is_empty() {
        stratified_folds(&pick(&examples.classes, &testable, 0), folds, options.seed)?
    } else {
        group_folds(&pick(&examples.groups, &testable, String::new()), folds, options.seed)?
    };
    if of != FoldsOf::User {
        join_repeated_texts(&pick(&examples.texts, &testable, ""), &mut dealt);
    }
    let mut assignment = vec![usize::MAX; examples.texts.len()];
    for (&row, &fold) in testable.iter().zip(&dealt) {
        if let Some(slot) = assignment.get_mut(row) {
            *slot = fold;
        }
    }
    check_training_sides(examples, &assignment, folds, of)?;
    // Folds are trained in parallel: the solver's vector steps run on one core, so one
    // fold at a time would leave the other cores idle half the time. Each fold's model
    // is the same whatever the schedule.
    let on_fold = std::sync::Mutex::new(on_fold);
    let results: Vec<Result<T>> = (0..folds)
        .into_par_iter()
        .map(|fold| {
            let (test_rows, train_rows): (Vec<usize>, Vec<usize>) =
                (0..assignment.len()).partition(|&i| assignment.get(i) == Some(&fold));
            let train = examples.subset(&train_rows);
            // The whole data may train where a fold's part of it does not (`--min-df`):
            // the message says which fold.
            let model = train_model_inner(&train, &analysed.subset(&train_rows), options).map_err(|error| {
                Error::InFold { fold: fold + 1, folds, flag: of.flag().into(), error: Box::new(error) }
            })?;
            let tested = test(&model, &analysed.subset(&test_rows), &test_rows);
            if let Ok(mut on_fold) = on_fold.lock() {
                on_fold(fold);
            }
            Ok(tested)
        })
        .collect();
    results.into_iter().collect()
}

/// Moves every row whose text an earlier row has into that row's fold. A text on both
/// sides of a fold is scored by a model that trained on it, so its out-of-fold score is
/// too sure, and the calibration fitted on such scores made every probability surer:
/// 1,500 mr rows each given twice took the log loss on 2,000 other mr rows from 0.5677
/// uncalibrated to 0.7009 calibrated (expected calibration error 0.0280 to 0.1265); with
/// the copies in one fold, 0.5687 (0.0290). `--tune`'s folds do it too: 60 texts with
/// labels without a pattern, each given twice, scored 0.867 for every C from 1 up (0.583
/// below; 0.533 for all with the copies together), so the copies, not the data, chose C. The user's `--folds` are dealt as before (eval warns of
/// copies instead), so that published cross-validation figures stay comparable.
fn join_repeated_texts(texts: &[&str], folds: &mut [usize]) {
    let mut first_fold: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (&text, fold) in texts.iter().zip(folds.iter_mut()) {
        *fold = *first_fold.entry(text).or_insert(*fold);
    }
}

/// Refuses folds where a fold's training side has no row of a class with weight above
/// 0: that fold's model could never predict the class, and would be scored as if it
/// could (every `--tune` candidate alike, so the smallest C would win by default).
/// Stratified folds hit this when a class has a single such row, grouped folds when
/// one fold's groups hold all of them.
fn check_training_sides(examples: &Examples<'_>, assignment: &[usize], folds: usize, of: FoldsOf) -> Result<()> {
    let weighted = weighted_class_counts(examples);
    for fold in 0..folds {
        let mut trained = vec![false; examples.labels.len()];
        let training_side = examples.classes.iter().zip(assignment).enumerate().filter(|(_, (_, &f))| f != fold);
        for (row, (&class, _)) in training_side {
            if let Some(seen) = trained.get_mut(class).filter(|_| examples.trains_on(row)) {
                *seen = true;
            }
        }
        let lacking = trained.iter().zip(&weighted).position(|(&seen, &n)| n > 0 && !seen);
        let Some(class) = lacking else { continue };
        let label = examples.labels.get(class).map_or("", String::as_str);
        let n = weighted.get(class).copied().unwrap_or(0);
        let rows = crate::error::counted(n, "row");
        let any_unweighted = examples.classes.iter().enumerate().any(|(r, &c)| c == class && !examples.trains_on(r));
        let rows = if any_unweighted { format!("{rows} with weight above 0") } else { rows };
        let fold = fold + 1;
        let reason = match of {
            FoldsOf::User if !examples.groups.is_empty() => format!(
                "fold {fold} of {folds} trains on no '{label}' row: its groups hold all of them; use fewer folds or other groups"
            ),
            FoldsOf::User if n < folds => format!(
                "fold {fold} of {folds} trains on no '{label}' row: class '{label}' has {rows}, fewer than the \
                 {folds} folds (use fewer folds, or add '{label}' rows)"
            ),
            FoldsOf::User => format!(
                "fold {fold} of {folds} trains on no '{label}' row: its test side holds all {rows} of class \
                 '{label}' (use fewer folds, or add '{label}' rows)"
            ),
            FoldsOf::Tune if n < 2 => format!(
                "class '{label}' has {rows} in the training data, too few for --tune's inner folds (each class \
                 needs 2: one to train on, one to test; leave out --tune and give --c)"
            ),
            FoldsOf::Calibration => {
                let holder = if examples.groups.is_empty() { "its test side holds" } else { "its groups hold" };
                format!(
                    "calibration fold {fold} of {folds} trains on no '{label}' row: {holder} all {rows} of class \
                     '{label}' (use fewer --calibration-folds, or 0 for none)"
                )
            }
            FoldsOf::Tune => {
                let holder = if examples.groups.is_empty() { "its test side holds" } else { "its groups hold" };
                format!(
                    "inner fold {fold} of {folds} trains on no '{label}' row: {holder} all {rows} of class \
                     '{label}' (leave out --tune and give --c)"
                )
            }
        };
        return Err(Error::InvalidParams { name: of.flag().into(), reason });
    }
    Ok(())
}

fn pooled_accuracy(matrices: &[ConfusionMatrix]) -> Result<f64> {
    let mut iter = matrices.iter();
    let Some(first) = iter.next() else { return Ok(0.0) };
    let mut pooled = first.clone();
    iter.try_for_each(|m| pooled.add(m))?;
    Ok(pooled.accuracy())
}

fn train_model_inner(examples: &Examples<'_>, analysed: &Analysed<'_>, options: &TrainOptions) -> Result<ModelFile> {
    let mut trainer = options.trainer.clone();
    let mut tuning = Vec::new();
    if options.tune {
        // The candidates' folds share the callers' numbered n-gram names (`train_model`
        // and `cross_validate` both pass them when tuning).
        let inner = TrainOptions { tune: false, calibration_folds: 0, ..options.clone() };
        let folds = TUNE_FOLDS.min(min_class_count(examples)).max(2);
        let mut best = (f64::NEG_INFINITY, 1.0);
        for &c in TUNE_GRID {
            let candidate = TrainOptions { trainer: inner.trainer.clone().c(c), ..inner.clone() };
            let matrices = cross_validate_analysed(examples, analysed, &candidate, folds, FoldsOf::Tune, &mut |_| {})?;
            let accuracy = pooled_accuracy(&matrices)?;
            tuning.push((c, accuracy));
            // Ties go to the smaller C (the simpler model).
            if accuracy > best.0 + 1e-12 {
                best = (accuracy, c);
            }
        }
        trainer = trainer.c(best.1);
    }
    let mut fitted = fit_once(examples, analysed, &trainer)?.model;
    if options.calibration_folds >= 2 {
        // Data too small for the folds (a class with one row, a fold left without
        // n-grams) trains a model all the same, uncalibrated and with the plain decision,
        // and the model says why.
        let settings = TrainOptions { tune: false, trainer, ..options.clone() };
        let scored = out_of_fold_scores(examples, analysed, &settings);
        let fit = |scored: &OutOfFold| {
            Calibration::fit(&scored.scores, &scored.classes, &scored.weights, scored.k, scored.folds)
        };
        match scored.as_ref().map_err(String::clone).and_then(fit) {
            Ok(calibration) => fitted.classifier.calibration = Some(calibration),
            Err(why) => fitted.metrics.uncalibrated_because = Some(why),
        }
        if options.decision == DecisionRule::MacroF1 {
            let fit = |scored: &OutOfFold| {
                Decision::fit(&scored.scores, &scored.classes, &scored.weights, scored.k, scored.folds)
            };
            match scored.as_ref().map_err(String::clone).and_then(fit) {
                Ok(decision) => fitted.classifier.decision = Some(decision),
                Err(why) => fitted.metrics.undecided_because = Some(why),
            }
        }
    }
    fitted.metrics.tuning = tuning.clone();
    fitted.metrics.cv_accuracy =
        tuning.iter().map(|t| t.1).fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
    Ok(fitted)
}

/// Out-of-fold class scores of the testable rows of weight above 0, in row order, with
/// their classes and weights: what the calibration and the decision rule are fitted on.
struct OutOfFold {
    scores: Vec<f32>,
    classes: Vec<usize>,
    weights: Vec<f64>,
    k: usize,
    folds: usize,
}

/// The out-of-fold scores of a model trained on `examples` with `options` (C already
/// chosen): `options.calibration_folds`-fold cross-validation with the same settings,
/// fewer folds when a class has fewer testable rows.
///
/// # Errors
/// Why there are none, said for people: a class with fewer than 2 rows to hold out, too
/// many classes or too few rows for a calibration ([`crate::calibration::check_size`]),
/// what went wrong in a fold, or a fold's training side without a class.
fn out_of_fold_scores(
    examples: &Examples<'_>,
    analysed: &Analysed<'_>,
    options: &TrainOptions,
) -> std::result::Result<OutOfFold, String> {
    let testable_counts = counts_by_class(examples, |row| examples.is_testable(row) && examples.trains_on(row));
    let k = examples.labels.len();
    let fewest = testable_counts.iter().enumerate().min_by_key(|(_, &n)| n);
    if let Some((class, &n)) = fewest.filter(|(_, &n)| n < 2) {
        let label = examples.labels.get(class).map_or("", String::as_str);
        return Err(format!("class '{label}' has {n} row(s) to hold out, and the folds need 2"));
    }
    crate::calibration::check_size(k, testable_counts.iter().sum())?;
    // Rows of one text share a fold (`join_repeated_texts`): a class needs 2 texts, and
    // the folds are as many as its fewest texts allow.
    let mut texts_by_class = vec![std::collections::HashSet::new(); k];
    for (row, (&class, &text)) in examples.classes.iter().zip(&examples.texts).enumerate() {
        if let Some(texts) =
            texts_by_class.get_mut(class).filter(|_| examples.is_testable(row) && examples.trains_on(row))
        {
            texts.insert(text);
        }
    }
    let fewest = texts_by_class.iter().map(std::collections::HashSet::len).enumerate().min_by_key(|&(_, n)| n);
    if let Some((class, _)) = fewest.filter(|&(_, n)| n < 2) {
        let label = examples.labels.get(class).map_or("", String::as_str);
        let n = testable_counts.get(class).copied().unwrap_or(0);
        return Err(format!("class '{label}' has {n} rows to hold out, all of one text, and the folds need 2 texts"));
    }
    let folds = options.calibration_folds.min(fewest.map_or(0, |(_, n)| n));
    let inner = TrainOptions { tune: false, calibration_folds: 0, ..options.clone() };
    let per_fold =
        run_folds(examples, analysed, &inner, folds, FoldsOf::Calibration, &mut |_| {}, &|model, test, rows| {
            (rows.to_vec(), model.classifier.score_rows(&model.featurizer.transform_analyzed(&test.rows)))
        })
        .map_err(|error| error.to_string())?;
    let mut scored: Vec<(usize, Vec<f32>)> = Vec::new();
    for (rows, scores) in per_fold {
        scored.extend(rows.into_iter().zip(scores.chunks(k).map(<[f32]>::to_vec)));
    }
    scored.sort_by_key(|(row, _)| *row);
    let rows: Vec<usize> = scored.iter().map(|(row, _)| *row).collect();
    let scores: Vec<f32> = scored.into_iter().flat_map(|(_, s)| s).collect();
    let classes = pick(&examples.classes, &rows, 0);
    let weights = pick(&examples.weights, &rows, 1.0);
    Ok(OutOfFold { scores, classes, weights, k, folds })
}

/// Rows of each class, in label order (class indices past the labels are not counted).
fn class_counts(examples: &Examples<'_>) -> Vec<usize> {
    counts_by_class(examples, |_| true)
}

/// Rows of each class with weight above 0, in label order: the rows a model learns from.
fn weighted_class_counts(examples: &Examples<'_>) -> Vec<usize> {
    counts_by_class(examples, |row| examples.trains_on(row))
}

/// Rows of each class that `counts(row)`, in label order (class indices past the
/// labels are not counted).
fn counts_by_class(examples: &Examples<'_>, counts: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut by_class = vec![0usize; examples.labels.len()];
    for (row, &c) in examples.classes.iter().enumerate() {
        if let Some(n) = by_class.get_mut(c).filter(|_| counts(row)) {
            *n += 1;
        }
    }
    by_class
}

fn min_class_count(examples: &Examples<'_>) -> usize {
    class_counts(examples).into_iter().filter(|&n| n > 0).min().unwrap_or(0)
}

/// What both public entry points, [`train_model`] and [`cross_validate_scored`],
/// check before any work: examples whose fields fit, weights that leave every class
/// some weight, and out-of-fold options in range.
fn check_training_inputs(examples: &Examples<'_>, options: &TrainOptions) -> Result<()> {
    examples.check()?;
    // A column of ids, counts or years given as the texts trained, exit 0, into a model of
    // one n-gram, <num>, that gives every text the commonest label.
    if examples.texts.iter().all(|text| only_numbers(text)) {
        if let Some(first) = examples.texts.first() {
            return Err(Error::NumbersOnly { texts: examples.texts.len(), first: first.trim().to_string() });
        }
    }
    check_class_weights(examples, "weights")?;
    check_out_of_fold_options(options)
}

/// Whether `text` holds a digit and nothing but digits, white space and the marks written
/// in and between numbers (`417`, `1,234.5`, `-3`, `12%`, `2024-11-28`, `10:30`).
fn only_numbers(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_numeric() || c.is_whitespace() || matches!(c, '.' | ',' | '-' | '+' | '%' | '/' | ':'))
}

/// Refuses out-of-fold settings that cannot work: one calibration fold (it holds no row
/// out), and a macro-F1 decision without the out-of-fold scores it is chosen on.
fn check_out_of_fold_options(options: &TrainOptions) -> Result<()> {
    if options.decision == DecisionRule::MacroF1 && options.calibration_folds < 2 {
        return Err(Error::InvalidParams {
            name: "--decision".into(),
            reason: "macro-f1 chooses its offsets on out-of-fold scores: give --calibration-folds 2 or more".into(),
        });
    }
    if options.calibration_folds == 1 {
        return Err(Error::InvalidParams {
            name: "--calibration-folds".into(),
            reason: "1 fold holds no row out of training: give 2 or more, or 0 for none".into(),
        });
    }
    Ok(())
}

/// Trains a model on all `examples` and records its training metrics and provenance.
///
/// # Errors
/// [`Error::InvalidParams`] for bad settings, for examples whose fields differ in length
/// or hold a class that is no label's index, for weights that leave a class with no
/// weight ([`check_class_weights`]), and for `--tune` on too few rows of a class to
/// cross-validate; [`Error::InFold`] for what went wrong in one of `--tune`'s folds;
/// [`Error::Data`] for unusable data.
pub fn train_model(
    examples: &Examples<'_>,
    options: &TrainOptions,
    task: &str,
    provenance: Provenance,
) -> Result<ModelFile> {
    check_training_inputs(examples, options)?;
    let analyzer = options.features.analyzer(options.lexicon.clone())?.with_word_classes(options.word_classes.clone());
    let mut analyzed = analyzer.analyze_all(&examples.texts);
    // Tuning and calibration cross-validate: their folds share numbered names, as in
    // `cross_validate`.
    let names = (options.tune || options.calibration_folds >= 2).then(|| {
        let names = analyzer.name_all(&examples.texts, &analyzed.iter().collect::<Vec<_>>());
        names.number(&mut analyzed);
        names
    });
    let analysed = Analysed { analyzer: &analyzer, rows: analyzed.iter().collect(), names: names.as_ref() };
    let mut model = train_model_inner(examples, &analysed, options)?;
    let predicted = predict_analysed(&model, &analysed);
    let matrix = ConfusionMatrix::new(examples.labels.clone(), &examples.classes, &predicted);
    model.metrics.train_accuracy = matrix.accuracy();
    model.metrics.train_macro_f1 = matrix.macro_f1();
    let counts = class_counts(examples);
    let trained_classes = counts.iter().filter(|&&n| n > 0).count();
    if let Some(&first) = predicted.first().filter(|_| trained_classes >= 2) {
        if predicted.iter().all(|&class| class == first) {
            model.metrics.one_label = examples.labels.get(first).cloned();
        }
    }
    if model.metrics.one_label.is_none() && model.trainer.class_weight == crate::train::ClassWeight::None {
        model.metrics.outweighed = matrix.outweighed();
    }
    model.task = task.to_string();
    model.provenance =
        Provenance { label_counts: counts, n_rows: examples.texts.len(), seed: options.seed, ..provenance };
    // A library caller passing `Provenance::default()` still gets the version that
    // trained the model on record (the CLI and Python give theirs).
    if model.provenance.crate_version.is_empty() {
        model.provenance.crate_version = env!("CARGO_PKG_VERSION").into();
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model of [`toy`]'s rows that keeps every n-gram (`min_df` 1).
    fn toy_model() -> ModelFile {
        let (texts, labels) = toy();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let options = TrainOptions {
            features: FeatureParams { min_df: 1, ..FeatureParams::default() },
            ..TrainOptions::default()
        };
        train_model(&examples, &options, "toy", Provenance::default()).unwrap()
    }

    fn toy() -> (Vec<String>, Vec<String>) {
        let pos =
            ["a fine good film", "good and fun", "truly good acting", "fun fine story", "good good good", "a fun ride"];
        let neg = [
            "a bad dull film",
            "bad and boring",
            "truly bad acting",
            "dull boring story",
            "bad bad bad",
            "a dull ride",
        ];
        let texts = pos.iter().chain(&neg).map(|s| s.to_string()).collect();
        let labels = pos.iter().map(|_| "pos".to_string()).chain(neg.iter().map(|_| "neg".to_string())).collect();
        (texts, labels)
    }

    #[test]
    fn trains_and_separates_a_toy_set() {
        let (texts, labels) = toy();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let model = train_model(&examples, &TrainOptions::default(), "toy", Provenance::default()).unwrap();
        assert_eq!(model.labels, ["neg", "pos"]);
        assert_eq!(predict_classes(&model, &["good fun", "bad dull"]), [1, 0]);
    }

    /// Public functions given examples whose parts do not fit say so, naming the part:
    /// more labels than texts trained on neither (`invalid row weights: one finite,
    /// non-negative weight per row is needed`), and groups for some rows only left the
    /// others in one group of their own without a word.
    #[test]
    fn examples_whose_parts_differ_in_length_are_refused_by_name() {
        let (texts, labels) = toy();
        let path = std::path::Path::new("toy");
        let err = Examples::new(&texts[..4], &labels, path).unwrap_err().to_string();
        assert_eq!(err, "toy: 4 texts but 12 labels (one label per text)");
        let err = Examples::new(&texts, &labels[..1], path).unwrap_err().to_string();
        assert_eq!(err, "toy: 12 texts but 1 label (one label per text)");
        let examples = Examples::new(&texts, &labels, path).unwrap();
        let options = TrainOptions::default();
        let mut out_of_range = examples.clone();
        out_of_range.classes[5] = 7;
        let cases = [
            (
                examples.clone().with_weights(vec![1.0; 3]),
                "invalid examples weights: 3 weights for 12 texts: one weight per text is needed",
            ),
            (
                examples.clone().with_groups(vec!["a".into(); 11]),
                "invalid examples groups: 11 groups for 12 texts: one group per text is needed",
            ),
            (
                examples.clone().with_train_only(vec![false]),
                "invalid examples train_only: 1 mark for 12 texts: one mark per text is needed",
            ),
            (out_of_range, "invalid examples classes: class 7 of row 5 is not the index of a label (2 labels)"),
        ];
        for (bad, expected) in cases {
            let err = train_model(&bad, &options, "toy", Provenance::default()).unwrap_err().to_string();
            assert_eq!(err, expected);
            let err = cross_validate(&bad, &options, 2, &mut |_| {}).unwrap_err().to_string();
            assert_eq!(err, expected);
        }
    }

    #[test]
    fn one_class_is_an_error() {
        let texts = vec!["a".to_string(), "b".to_string()];
        let labels = vec!["x".to_string(), "x".to_string()];
        let err = Examples::new(&texts, &labels, std::path::Path::new("d.csv")).unwrap_err().to_string();
        assert_eq!(err, "d.csv: only one class ('x') in the labels; at least 2 are needed");
    }

    #[test]
    fn examples_are_checked_as_the_cli_checks_a_file() {
        // Blank texts and labels with spaces around them were trained on, where the CLI
        // and Python refuse them (lengths: the test below).
        let (texts, labels) = toy();
        let source = std::path::Path::new("mine");
        let message =
            |texts: &[String], labels: &[String]| Examples::new(texts, labels, source).unwrap_err().to_string();
        let mut blank = texts.clone();
        blank[3] = " \n".into();
        assert_eq!(message(&blank, &labels), "texts[3]: empty text");
        let mut spaced = labels.clone();
        spaced[5] = "pos ".into();
        assert!(message(&texts, &spaced).starts_with("labels[5]: label 'pos ' "), "{}", message(&texts, &spaced));
        assert!(Examples::new(&texts, &labels, source).is_ok());
    }

    #[test]
    fn same_data_same_bytes() {
        let (texts, labels) = toy();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let a = train_model(&examples, &TrainOptions::default(), "toy", Provenance::default()).unwrap();
        let b = train_model(&examples, &TrainOptions::default(), "toy", Provenance::default()).unwrap();
        assert_eq!(a.to_bytes(), b.to_bytes());
        let reloaded = ModelFile::from_bytes(&a.to_bytes(), std::path::Path::new("m.json")).unwrap();
        assert_eq!(predict_classes(&reloaded, &["good fun", "bad"]), predict_classes(&a, &["good fun", "bad"]));
    }

    #[test]
    fn models_loaded_together_share_a_featurizer_only_when_it_is_the_same() {
        let (texts, labels) = toy();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let features = FeatureParams { min_df: 1, ngram_max: 1, ..FeatureParams::default() };
        let unigrams = TrainOptions { features: features.clone(), ..TrainOptions::default() };
        let bigrams = TrainOptions { features: FeatureParams { ngram_max: 2, ..features }, ..TrainOptions::default() };
        let strong = TrainOptions { trainer: LogisticParams::default().c(100.0), ..unigrams.clone() };
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        let mut alone = Vec::new();
        for (name, options) in [("a", &unigrams), ("b", &bigrams), ("c", &strong)] {
            let model = train_model(&examples, options, name, Provenance::default()).unwrap();
            let path = dir.path().join(format!("{name}.json"));
            model.save(&path).unwrap();
            alone.push(ModelFile::load(&path).unwrap());
            paths.push(path);
        }
        let together = ModelFile::load_all(&paths).unwrap();
        let [a, b, c] = &together[..] else { panic!("three models") };
        // a and c: same texts and feature settings, another C; b counts bigrams too.
        assert!(Arc::ptr_eq(&a.featurizer, &c.featurizer));
        assert!(!Arc::ptr_eq(&a.featurizer, &b.featurizer));
        assert!(b.featurizer.n_ngrams() > a.featurizer.n_ngrams());
        let probe = ["good fun", "a dull bad ride", "fine acting"];
        for (shared, own) in together.iter().zip(&alone) {
            for text in probe {
                assert_eq!(shared.featurizer.transform_one(text), own.featurizer.transform_one(text));
            }
            assert_eq!(predict_classes(shared, &probe), predict_classes(own, &probe));
        }
        // A damaged file among them is named, whatever its place.
        let mut damaged = std::fs::read(&paths[1]).unwrap();
        damaged.truncate(damaged.len() / 2);
        std::fs::write(&paths[1], damaged).unwrap();
        let err = ModelFile::load_all(&paths).unwrap_err().to_string();
        assert!(err.contains("b.json") && err.contains("not JSON"), "{err}");
        // An earlier file unsound beyond its envelope (weights that are not whole floats,
        // sealed again) is named before a later file that is not even JSON.
        let mut a_file: serde_json::Value = serde_json::from_slice(&std::fs::read(&paths[0]).unwrap()).unwrap();
        a_file["classifier"]["intercepts"] = "AACA".into();
        a_file["checksum"] = "0".repeat(64).into();
        std::fs::write(&paths[0], crate::model::with_checksum(&a_file.to_string())).unwrap();
        let err = ModelFile::load_all(&paths).unwrap_err().to_string();
        assert!(err.contains("a.json") && err.contains("in the classifier"), "{err}");
    }

    /// A model file as format version 1 wrote it: decimal arrays, the vocabulary as an
    /// array of strings, version 1, its own checksum.
    fn as_version_1(bytes: &[u8]) -> Vec<u8> {
        use sha2::Digest;
        let unpack = |v: &serde_json::Value| -> serde_json::Value {
            let raw = base64_simd::STANDARD.decode_to_vec(v.as_str().unwrap()).unwrap();
            raw.chunks(4).map(|c| f64::from(f32::from_le_bytes(c.try_into().unwrap()))).collect()
        };
        let mut model: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        model["version"] = 1.into();
        model["featurizer"]["idf"] = unpack(&model["featurizer"]["idf"]);
        let grams: Vec<&str> = model["featurizer"]["vocabulary"].as_str().unwrap().split('|').collect();
        model["featurizer"]["vocabulary"] = grams.into();
        let rows: Vec<serde_json::Value> =
            model["classifier"]["weights"].as_array().unwrap().iter().map(unpack).collect();
        model["classifier"]["weights"] = rows.into();
        model["checksum"] = "0".repeat(64).into();
        let blank = serde_json::to_string(&model).unwrap();
        let digest = crate::input::hex(&sha2::Sha256::digest(blank.as_bytes()));
        blank.replacen(&"0".repeat(64), &digest, 1).into_bytes()
    }

    #[test]
    fn model_files_of_format_version_1_still_load_and_predict_alike() {
        let (texts, labels) = toy();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let model = train_model(&examples, &TrainOptions::default(), "toy", Provenance::default()).unwrap();
        let old = as_version_1(&model.to_bytes());
        let old_json: serde_json::Value = serde_json::from_slice(&old).unwrap();
        assert!(old_json["classifier"]["weights"][0][0].is_number(), "decimal weights, as version 1 wrote them");
        assert!(old_json["featurizer"]["vocabulary"].is_array(), "an array of n-grams, as version 1 wrote it");
        let reloaded = ModelFile::from_bytes(&old, std::path::Path::new("old.json")).unwrap();
        assert_eq!(reloaded.version, 1);
        assert_eq!(reloaded.classifier.weights, model.classifier.weights);
        assert_eq!(reloaded.featurizer.idf, model.featurizer.idf);
        let sentences = ["good fun", "bad", "an unseen sentence"];
        assert_eq!(predict_classes(&reloaded, &sentences), predict_classes(&model, &sentences));
    }

    #[test]
    fn model_load_rejects_damage() {
        let (texts, labels) = toy();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let bytes = train_model(&examples, &TrainOptions::default(), "toy", Provenance::default()).unwrap().to_bytes();
        let path = std::path::Path::new("m.json");
        let err = |b: &[u8]| ModelFile::from_bytes(b, path).unwrap_err().to_string();
        assert!(err(b"").contains("the file is empty"));
        assert!(err(&bytes[..bytes.len() / 2]).contains("not JSON"));
        assert!(err(b"{\"hello\": 1}").contains("no 'format' field"));
        // A digit flipped inside a weight still parses as JSON: only the checksum sees it.
        let text = String::from_utf8(bytes.clone()).unwrap();
        let start = text.find("\"intercepts\":[").unwrap();
        let at = start + text[start..].find('.').unwrap() + 1;
        let mut flipped = bytes.clone();
        flipped[at] = if flipped[at] == b'1' { b'2' } else { b'1' };
        assert!(err(&flipped).contains("checksum mismatch"), "{}", err(&flipped));
        let newer = text.replacen(&format!("\"version\":{VERSION}"), "\"version\":99", 1);
        assert_eq!(
            err(newer.as_bytes()),
            format!(
                "m.json: model format version 99 is not supported (this build reads versions 1 to {VERSION}; retrain \
                 the model or upgrade stancekit)"
            )
        );
    }

    #[test]
    fn row_weights_are_0_or_in_range_and_not_all_0() {
        assert!(check_weights("w", &[0.0, 1e-6, 1.0, 1e6]).is_ok());
        let err = |w: &[f64]| check_weights("w", w).unwrap_err().to_string();
        assert_eq!(err(&[1.0, 1e300]), "invalid w[1]: 1e300 must be 0 or a number from 1e-6 to 1e6");
        assert_eq!(err(&[1e-300]), "invalid w[0]: 1e-300 must be 0 or a number from 1e-6 to 1e6");
        assert_eq!(err(&[-1.0]), "invalid w[0]: -1 must be 0 or a number from 1e-6 to 1e6");
        assert_eq!(err(&[f64::NAN]), "invalid w[0]: NaN must be 0 or a number from 1e-6 to 1e6");
        assert_eq!(err(&[0.0, 0.0]), "invalid w: every weight is 0: no row is left to train on");
    }

    #[test]
    fn a_class_with_no_weight_is_refused() {
        let (texts, labels) = toy();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        // Rows 6.. are 'neg' (class 0): all of them weigh 0.
        let weights: Vec<f64> = (0..texts.len()).map(|i| if i < 6 { 1.0 } else { 0.0 }).collect();
        let unweighted = examples.clone().with_weights(weights);
        let said = "invalid weights: every row of class 'neg' has weight 0, so the model could never predict it (give \
                    its rows a weight above 0, or leave them out)";
        let err = train_model(&unweighted, &TrainOptions::default(), "toy", Provenance::default()).unwrap_err();
        assert_eq!(err.to_string(), said);
        let err = cross_validate(&unweighted, &TrainOptions::default(), 2, &mut |_| {}).unwrap_err();
        assert_eq!(err.to_string(), said);
        // One 'neg' row of weight 1 is enough to train on.
        let weights: Vec<f64> = (0..texts.len()).map(|i| if i < 7 { 1.0 } else { 0.0 }).collect();
        let one = examples.with_weights(weights);
        assert!(train_model(&one, &TrainOptions::default(), "toy", Provenance::default()).is_ok());
        // But in 2 folds, the fold that tests it trains on no 'neg' row of weight above 0.
        let err = cross_validate(&one, &TrainOptions::default(), 2, &mut |_| {}).unwrap_err().to_string();
        assert!(err.ends_with("class 'neg' has 1 row with weight above 0, fewer than the 2 folds (use fewer folds, or add 'neg' rows)"), "{err}");
    }

    #[test]
    fn tuning_refuses_inner_folds_without_a_class_and_names_the_failing_fold() {
        let texts: Vec<String> = ["good fun", "a good film", "bad dull", "a bad film"].map(String::from).to_vec();
        let labels: Vec<String> = ["pos", "pos", "neg", "neg"].map(String::from).to_vec();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let tune = TrainOptions { tune: true, ..TrainOptions::default() };
        let features = FeatureParams { min_df: 1, ..FeatureParams::default() };
        let tune = TrainOptions { features, ..tune };
        // Two rows per class: inner folds of one row each per class, trained on the other.
        assert!(train_model(&examples, &tune, "toy", Provenance::default()).is_ok());
        // Three rows of which one 'neg': no inner fold can both train and test on 'neg'.
        let three = examples.subset(&[0, 1, 2]);
        let err = train_model(&three, &tune, "toy", Provenance::default()).unwrap_err();
        assert!(matches!(&err, Error::InvalidParams { name, .. } if name == "--tune"), "{err}");
        // 'x' is in 2 of the 4 texts: --min-df 2 keeps it when training on all of them,
        // but each inner fold trains on 2 texts, one with 'x', and keeps nothing.
        let texts: Vec<String> = ["x good", "x fine", "bad", "awful"].map(String::from).to_vec();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let min_df_2 = TrainOptions { features: FeatureParams { min_df: 2, ..FeatureParams::default() }, ..tune };
        let plain = TrainOptions { tune: false, ..min_df_2.clone() };
        assert!(train_model(&examples, &plain, "toy", Provenance::default()).is_ok());
        let err = train_model(&examples, &min_df_2, "toy", Provenance::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "in fold 1 of 2 of --tune: invalid --min-df: no n-gram is in 2 or more of the 2 training texts, so no \
             n-gram column is left (lower --min-df)"
        );
    }

    #[test]
    fn model_load_rejects_numbers_and_labels_no_training_writes() {
        let (texts, labels) = toy();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let options = TrainOptions {
            features: crate::features::FeatureParams { nb_scale: true, ..Default::default() },
            ..TrainOptions::default()
        };
        let good = train_model(&examples, &options, "toy", Provenance::default()).unwrap();
        assert!(!good.featurizer.nb_weights.is_empty());
        // Each edit is sealed with a valid checksum by to_bytes: only the value checks see it.
        let refused = |edit: &dyn Fn(&mut ModelFile)| {
            let mut model = good.clone();
            edit(&mut model);
            let err = ModelFile::from_bytes(&model.to_bytes(), std::path::Path::new("m.json")).unwrap_err();
            assert!(matches!(err, Error::CorruptModel { .. }), "{err}");
            err.to_string().replace("m.json: not a valid stancekit model: ", "")
        };
        let featurizer = |edit: fn(&mut crate::features::Featurizer)| {
            move |m: &mut ModelFile| edit(std::sync::Arc::make_mut(&mut m.featurizer))
        };
        let bad_idf = "invalid featurizer: idf value";
        let idf_nan = featurizer(|f| f.idf[1] = f32::NAN);
        assert_eq!(refused(&idf_nan), format!("{bad_idf} NaN of n-gram 2 must be a finite number >= 0"));
        let idf_inf = featurizer(|f| f.idf[0] = f32::INFINITY);
        assert_eq!(refused(&idf_inf), format!("{bad_idf} inf of n-gram 1 must be a finite number >= 0"));
        let idf_negative = featurizer(|f| f.idf[0] = -1.0);
        assert_eq!(refused(&idf_negative), format!("{bad_idf} -1 of n-gram 1 must be a finite number >= 0"));
        let nb_nan = featurizer(|f| f.nb_weights[0] = f32::NAN);
        assert_eq!(refused(&nb_nan), "invalid featurizer: NB scale NaN of n-gram 1 must be a finite number >= 0");
        let nb_inf = featurizer(|f| f.nb_weights[0] = f32::NEG_INFINITY);
        assert_eq!(refused(&nb_inf), "invalid featurizer: NB scale -inf of n-gram 1 must be a finite number >= 0");
        assert_eq!(refused(&|m| m.labels = vec!["a".into(), "a".into()]), "label 'a' appears twice");
        assert_eq!(refused(&|m| m.labels[0] = String::new()), "an empty label (every class needs a name)");
        assert_eq!(refused(&|m| m.classifier.intercepts.push(0.0)), "2 labels but 3 intercepts");
        assert_eq!(refused(&|m| m.classifier.weights.pop().map_or((), drop)), "2 labels but 1 weight rows");
        // to_bytes's precondition broken (a weight row of the wrong length): refused at load.
        let wide = refused(&|m| m.classifier.weights[0].push(0.0));
        assert!(wide.starts_with("a weight row has "), "{wide}");
    }

    /// A model is never written over a file of something else (`model.save("train.csv")`
    /// from Python replaced the data without a word): it is refused, the file kept. An
    /// empty file and a model are replaced.
    #[test]
    fn save_keeps_a_file_that_holds_something_other_than_a_model() {
        let model = toy_model();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("train.csv");
        std::fs::write(&data, "\u{feff}text,label\ngood fun,pos\n").unwrap();
        let error = model.save(&data).unwrap_err().to_string();
        assert!(
            error.ends_with(
                "train.csv: holds something other than a stancekit model (it starts 'text,label'), which the model \
                 would replace (give a path of its own, e.g. model.json; to replace the file, remove it first)"
            ),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&data).unwrap(), "\u{feff}text,label\ngood fun,pos\n");
        let path = dir.path().join("m.json");
        std::fs::write(&path, "").unwrap();
        model.save(&path).unwrap();
        model.save(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), model.to_bytes());
    }

    /// A model whose fields were edited to disagree is refused by save, nothing written,
    /// as load would refuse the file: it used to be written with Ok, and lost at its load.
    #[test]
    fn save_refuses_a_model_that_load_would_refuse() {
        let good = toy_model();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        let refused = |edit: &dyn Fn(&mut ModelFile)| {
            let mut model = good.clone();
            edit(&mut model);
            let error = model.save(&path).unwrap_err();
            assert!(matches!(error, Error::InvalidParams { .. }), "{error}");
            assert!(!path.exists());
            error.to_string()
        };
        let tail = ": load would refuse the file, so it is not written";
        assert_eq!(refused(&|m| m.labels.push("x".into())), format!("invalid model: 3 labels but 2 weight rows{tail}"));
        assert_eq!(
            refused(&|m| m.classifier.intercepts[0] = f32::NAN),
            format!("invalid model: non-finite weights{tail}")
        );
        let tab = refused(&|m| m.task = "a\tb".into());
        assert_eq!(tab, format!("invalid model: task 'a\\tb' holds the control character U+0009{tail}"));
        let idf = refused(&|m| std::sync::Arc::make_mut(&mut m.featurizer).idf[0] = f32::NAN);
        assert!(idf.starts_with("invalid model: invalid featurizer: idf value NaN") && idf.ends_with(tail), "{idf}");
        good.save(&path).unwrap();
        assert_eq!(ModelFile::load(&path).unwrap().to_bytes(), good.to_bytes());
    }
}
