//! `stancekit eval`: a model file, a held-out split, the keyword rule or k-fold
//! cross-validation scored on labelled CSV -> metrics on stdout (and `--predictions`).

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use stancekit::eval::{mean_std, probability_scores, ConfusionMatrix, ProbabilityScores};
use stancekit::input::{Columns, LabelledData};
use stancekit::model::{ModelFile, Provenance};
use stancekit::pipeline::{check_class_weights, cross_validate_scored, train_model, Examples, ScoredFolds};
use stancekit::report::{self, Format};
use stancekit::train::ClassWeight;

use super::args::{parse_column, parse_weight, DataArgs, TrainArgs};
use super::files::{
    check_output, in_files, nothing_in, read_data, read_files, refuse_data_file_as, refuse_repeated_files, writing,
};
use super::process::ResultsOut;
use super::progress::progress;
use super::train::{
    at_first_text, row_weights, train_options, training_inputs, warn_of_unused_lexicon_or_word_classes,
    warn_uncalibrated,
};
use super::Outcome;

fn parse_min_accuracy(text: &str) -> std::result::Result<f64, String> {
    // NaN would compare false with every accuracy, so the check could never fail.
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err("must be a number from 0 to 1".into()),
    }
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
pub struct EvalCommand {
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

pub fn run(command: EvalCommand) -> Result<Outcome> {
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
    let (mut data, per_file) = read_data(&command.data, command.group_column.as_deref(), None)
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
        let first = command.data.data.first().map(PathBuf::as_path);
        let (test, per_test_file) = read_data(&test_args, None, first)?;
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
            let (extra, _) =
                read_files(&command.extra_data, &columns, command.data.data.first().map(PathBuf::as_path))?;
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
