//! `stancekit train`: labelled CSV -> model file; and the steps `eval` shares with it
//! (the training options, the row weights, the warnings of a lexicon that finds nothing).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use stancekit::features::FeatureParams;
use stancekit::input::LabelledData;
use stancekit::lexicon::Lexicon;
use stancekit::model::{ModelFile, Provenance};
use stancekit::pipeline::{check_class_weights, train_model, DecisionRule, Examples, TrainOptions};
use stancekit::train::LogisticParams;
use stancekit::word_classes::WordClasses;

use super::args::{DataArgs, TrainArgs};
use super::files::{check_output, read_data, reading_file, refuse_repeated_files};
use super::progress::progress;
use super::Outcome;

#[derive(Args)]
pub struct TrainCommand {
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

/// The library's [`stancekit::error::Error::NumbersOnly`], which knows no file, named by
/// the file, line and text column of the first text, as a cell's error is; any other
/// error as it is.
pub fn at_first_text(error: stancekit::error::Error, data: &LabelledData, text_column: &str) -> anyhow::Error {
    if matches!(error, stancekit::error::Error::NumbersOnly { .. }) {
        let mut first = data.location(0);
        first.column = Some(text_column.to_string());
        return anyhow::Error::new(error).context(first.to_string());
    }
    error.into()
}

/// One weight per row from one weight per file.
pub fn row_weights(per_file: &[usize], file_weights: &[f64]) -> Result<Vec<f64>> {
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
pub fn train_options(args: &TrainArgs, calibration_folds: usize) -> Result<TrainOptions> {
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
pub fn warn_of_unused_lexicon_or_word_classes(args: &TrainArgs, options: &TrainOptions, texts: &[String], quiet: bool) {
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

/// The files the training options read, each with its flag, for [`check_output`]: a
/// lexicon directory's files too (`--lexicon lex --out lex/cues.tsv` replaced the cues),
/// and the word classes.
pub fn training_inputs(args: &TrainArgs) -> Vec<(&'static str, PathBuf)> {
    let lexicon = args.lexicon.as_deref().map(Lexicon::files).unwrap_or_default();
    let word_classes = args.word_classes.iter().map(|path| ("--word-classes", path.clone()));
    lexicon.into_iter().map(|path| ("--lexicon", path)).chain(word_classes).collect()
}

pub fn run(command: TrainCommand) -> Result<Outcome> {
    refuse_repeated_files("--data", &command.data.data)?;
    let mut inputs: Vec<(&str, &Path)> = command.data.data.iter().map(|p| ("--data", p.as_path())).collect();
    let training = training_inputs(&command.train);
    inputs.extend(training.iter().map(|(flag, path)| (*flag, path.as_path())));
    check_output("--out", "model", &command.out, &inputs)?;
    // The task names output columns: one that would break them is refused before any work.
    let task = command.task.clone().unwrap_or_else(|| command.data.label_column.clone());
    stancekit::input::check_task(&task, if command.task.is_some() { "--task" } else { "--label-column" })?;
    let options = train_options(&command.train, stancekit::pipeline::CALIBRATION_FOLDS)?;
    let (data, per_file) = read_data(&command.data, None, None)?;
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
pub fn warn_uncalibrated(model: &ModelFile, quiet: bool) {
    if let (Some(warning), false) = (model.metrics.uncalibrated_warning(), quiet) {
        diagnostic!("stancekit: warning: {warning}");
    }
}
