//! Where the models and the lexicon that ship with stancekit are. Input: the
//! environment (`STANCEKIT_MODELS`), the working directory and the source tree this
//! crate was built from. Output: their paths, for [`crate::model::ModelFile::load_all`]
//! and [`crate::lexicon::Lexicon`], so that a library user labels with the shipped models
//! as `stancekit predict` does without a `--model`.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The tasks whose models ship in `models/`, in the order `predict` prints them.
pub const TASKS: &[&str] = &["cooperation", "accusation", "sentiment"];

/// The shipped models' files, one per [`TASKS`]: in `$STANCEKIT_MODELS` when it is set,
/// else in `./models`, then in the `models/` of the source tree this crate was built from.
///
/// # Errors
/// [`Error::Shipped`] when `$STANCEKIT_MODELS` is set to an empty value, to something
/// other than a directory, or to a directory without all three models (said, rather
/// than quietly labelling with models from elsewhere than the user pointed to), and when
/// none of the other directories holds them.
pub fn model_paths() -> Result<Vec<PathBuf>> {
    let files = |dir: &Path| -> Vec<PathBuf> { TASKS.iter().map(|t| dir.join(format!("{t}.json"))).collect() };
    if let Some(dir) = std::env::var_os("STANCEKIT_MODELS") {
        let dir = PathBuf::from(dir);
        let expected = "a directory holding cooperation.json, accusation.json and sentiment.json";
        let unset = |what: String| Error::Shipped { reason: format!("{what} (set it to {expected}, or unset it)") };
        if dir.as_os_str().is_empty() {
            return Err(unset("STANCEKIT_MODELS is set but empty".into()));
        }
        if !dir.is_dir() {
            return Err(unset(format!("STANCEKIT_MODELS={} is not a directory", dir.display())));
        }
        let paths = files(&dir);
        let missing: Vec<String> = paths
            .iter()
            .filter(|p| !p.is_file())
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        if !missing.is_empty() {
            return Err(unset(format!("STANCEKIT_MODELS={} has no {}", dir.display(), missing.join(", "))));
        }
        return Ok(paths);
    }
    match first_dir("models", |dir| files(dir).iter().all(|p| p.is_file())) {
        Ok(dir) => Ok(files(&dir)),
        Err(looked_in) => Err(Error::Shipped {
            reason: format!(
                "the shipped models were not found in {looked_in} (build them with `scripts/build-models.sh`, or \
                 set STANCEKIT_MODELS to their directory)"
            ),
        }),
    }
}

/// Checks that each shipped model file ([`model_paths`]) holds the model of the task it
/// is named for. A model copied in under another task's name (`sentiment.json` as
/// `cooperation.json` in `$STANCEKIT_MODELS`) was labelled with under its own task, with
/// a warning about a `--model` nobody gave, and one trained with a task of its own
/// (`label`) took the cooperation column's place without a word.
///
/// # Errors
/// [`Error::Shipped`] naming the first file whose model's task is another.
pub fn check_tasks<'m>(paths: &[PathBuf], tasks: impl IntoIterator<Item = &'m str>) -> Result<()> {
    for ((path, expected), task) in paths.iter().zip(TASKS).zip(tasks) {
        check_task(path, expected, task, "give models with --model")?;
    }
    Ok(())
}

/// [`check_tasks`] for one shipped model file, `path`, whose task is `task` where
/// `expected`'s model belongs; `instead` says how to use other models (the CLI's
/// `--model`, Python's `stancekit.load`).
///
/// # Errors
/// [`Error::Shipped`] when the tasks differ.
pub fn check_task(path: &Path, expected: &str, task: &str, instead: &str) -> Result<()> {
    if task == expected {
        return Ok(());
    }
    Err(Error::Shipped {
        reason: format!(
            "{}: holds a model of task '{}', not {expected} (the shipped models' directory holds each task's model \
             under that task's name: put the {expected} model there, or {instead})",
            path.display(),
            crate::input::escape_controls(task)
        ),
    })
}

/// The shipped lexicon's directory: `./datasets/lexicons`, then that of the source tree
/// this crate was built from, as the models are found.
///
/// # Errors
/// [`Error::Shipped`] when neither holds a `cues.tsv`.
pub fn lexicon_dir() -> Result<PathBuf> {
    first_dir("datasets/lexicons", |dir| dir.join("cues.tsv").is_file())
        .map_err(|looked_in| Error::Shipped { reason: format!("the shipped lexicon was not found in {looked_in}") })
}

/// The directory `relative` in the working directory, else in the source tree, the first
/// for which `complete` holds; otherwise the directories looked in, for the message.
fn first_dir(relative: &str, complete: impl Fn(&Path) -> bool) -> std::result::Result<PathBuf, String> {
    let dirs = [PathBuf::from(relative), Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)];
    dirs.iter()
        .find(|dir| complete(dir))
        .cloned()
        .ok_or_else(|| dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "))
}
