//! Model files: one self-contained, versioned JSON file per model. Input: a fitted
//! featurizer and classifier with their labels and provenance. Output: a file written
//! atomically (temporary file + rename) and read back with every part checked.
//!
//! Load checks, in order: the file is non-empty JSON, `format` is ours, `version` is
//! one this build reads, the checksum matches (a flipped byte is caught even where it
//! still parses), and the parts agree in shape.
//!
//! Models trained on the same texts with the same settings (the three shipped ones)
//! hold the same featurizer. [`ModelFile::load_all`] reads such a featurizer once and
//! shares it, and a [`crate::predict::Predictor`] then featurizes each text once for
//! all of them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::features::Featurizer;
use crate::input::hex;
use crate::signal_paths::{Registration, SignalPaths};
use crate::train::Classifier;

/// The `format` tag of every stancekit model file.
pub const FORMAT: &str = "stancekit-model";

/// Whether `bytes` open as stancekit writes a model file, `{"format":"stancekit-model"`:
/// how a model given where data or an article is read is known for what it is.
pub fn written_as_a_model(bytes: &[u8]) -> bool {
    bytes
        .strip_prefix(b"{\"format\":\"".as_slice())
        .and_then(|rest| rest.strip_prefix(FORMAT.as_bytes()))
        .is_some_and(|rest| rest.starts_with(b"\""))
}

/// Whether a file's first bytes (after a byte order mark and white space) open a JSON
/// object naming the model format near its start: a model also when another program laid
/// it out (`jq .`), which [`written_as_a_model`] does not take. For outputs that must not
/// replace a model.
pub fn laid_out_as_a_model(head: &[u8]) -> bool {
    let format = format!("\"{FORMAT}\"");
    head.starts_with(b"{") && head.windows(format.len()).any(|window| window == format.as_bytes())
}

/// The start of what `path` holds (its first line, at most 24 characters, control
/// characters escaped: `text,label`) when a model written there would replace something
/// other than a model: a regular file that is neither empty (as `mktemp` makes one) nor a
/// model (training again, also one laid out by jq: [`laid_out_as_a_model`]). `None` for
/// no file, a device or a FIFO (written directly), or one that cannot be read.
pub fn other_than_a_model(path: &Path) -> Option<String> {
    use std::io::Read;
    // Its type first: opening a FIFO to read would wait for a writer that never comes.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut head = Vec::with_capacity(256);
    std::fs::File::open(path).ok()?.take(256).read_to_end(&mut head).ok()?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&head);
    let head = head.get(head.iter().position(|b| !b.is_ascii_whitespace())?..)?;
    if laid_out_as_a_model(head) {
        return None;
    }
    let text = String::from_utf8_lossy(head);
    let shown: String = text.lines().next().unwrap_or_default().chars().take(24).collect();
    Some(crate::input::escape_controls(shown.trim_end()))
}

/// The model file version this build writes; it reads this and every older one.
/// Bump when a field changes meaning or form. Version 6 may hold word classes whose
/// n-grams are columns ([`crate::word_classes`]; a build that ignored them would score
/// other columns); version 5 may add decision offsets to the
/// scores ([`crate::decision`]; a build that ignored them would print other labels);
/// version 4 may calibrate the classifier's
/// probabilities ([`crate::calibration`]; a build that ignored it would print other
/// probabilities, so older builds must refuse these files); version 3 joins the
/// vocabulary into one string ([`crate::vocabulary`]) and checksums with xxh3-128;
/// version 2 packs the number arrays ([`crate::packed`]); version 1 had them as decimals.
pub const VERSION: u32 = 6;
/// Placeholder the checksum is computed over: 64 zeros where the hex digest goes.
const CHECKSUM_PLACEHOLDER: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Where a model came from: enough to rebuild it and to know what it has seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The training data file(s) as given.
    pub data: Vec<String>,
    /// sha256 of each data file's bytes.
    pub data_sha256: Vec<String>,
    /// Rows trained on.
    pub n_rows: usize,
    /// Rows per label, in label order.
    pub label_counts: Vec<usize>,
    /// Duplicate (text, label) rows found in the data.
    pub n_duplicates: usize,
    /// The seed given.
    pub seed: u64,
    /// stancekit version that trained it.
    pub crate_version: String,
    /// The training command's arguments.
    pub command: Vec<String>,
}

/// Settings of the trainer, as recorded.
pub use crate::train::LogisticValidParams as TrainerSettings;

/// Figures measured at training time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TrainingMetrics {
    /// Accuracy on the training rows themselves (an upper bound, not an estimate).
    pub train_accuracy: f64,
    /// Macro-F1 on the training rows.
    pub train_macro_f1: f64,
    /// Cross-validated accuracy, when `--tune` or folds were run.
    pub cv_accuracy: Option<f64>,
    /// The regularisation strengths tried by `--tune`, with their cv accuracy.
    pub tuning: Vec<(f64, f64)>,
    /// Why the probabilities were not calibrated although calibration was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncalibrated_because: Option<String>,
    /// Why the label is the highest score although `--decision macro-f1` was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undecided_because: Option<String>,
    /// The one label the model gave every training row although they have several: it
    /// learnt nothing but the class shares. Said when trained, not stored in the file.
    #[serde(skip)]
    pub one_label: Option<String>,
    /// A rare class the model, trained without class weights, gives its label on fewer
    /// than half of its own training rows ([`crate::eval::ConfusionMatrix::outweighed`]).
    /// Said when trained, not stored in the file.
    #[serde(skip)]
    pub outweighed: Option<crate::eval::Outweighed>,
}

impl TrainingMetrics {
    /// The warning the CLI and Python give when a model asked to be calibrated is not.
    pub fn uncalibrated_warning(&self) -> Option<String> {
        self.uncalibrated_because.as_ref().map(|why| format!("the probabilities are not calibrated: {why}"))
    }

    /// The warning the CLI and Python give when a model labels every row it was trained
    /// on alike: `--c 1e-9` trained such a model without a word, its training accuracy
    /// the majority's share.
    pub fn one_label_warning(&self) -> Option<String> {
        self.one_label.as_ref().map(|label| {
            format!(
                "the model gives every training row the label '{label}': it learnt the labels' shares and nothing of \
                 the texts (a --c too small for the data, or texts that carry no sign of their labels?)"
            )
        })
    }

    /// The warning the CLI and Python give when a model passes over a rare class even on
    /// the rows it learnt from: on imbalanced data, without class weights, it labelled
    /// 3 of 120 positive rows positive, and nothing said so but a macro-F1 near 0.5.
    pub fn outweighed_warning(&self) -> Option<String> {
        self.outweighed.as_ref().map(|o| {
            format!(
                "the model labels {} as such, on the very rows it learnt from: the common classes outweigh a rare \
                 one (--class-weight balanced weighs the classes equally; eval --folds 10 measures both)",
                o.describe("training rows")
            )
        })
    }

    /// The warning the CLI and Python give when a model asked for a macro-F1 decision
    /// has none.
    pub fn undecided_warning(&self) -> Option<String> {
        self.undecided_because
            .as_ref()
            .map(|why| format!("no macro-F1 decision rule (labels are the highest score): {why}"))
    }
}

/// The fields of a model file read before its body is trusted, as loose JSON values so
/// that a wrong type gets the same message as a missing field.
#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    format: serde_json::Value,
    #[serde(default)]
    version: serde_json::Value,
    #[serde(default)]
    checksum: serde_json::Value,
}

/// A whole model: everything prediction needs, and where it came from. `F` is the
/// featurizer, parsed and shared (the default), and `C` the classifier; while a file is
/// being read, both are its JSON text, to be parsed in parallel.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile<F = Arc<Featurizer>, C = Classifier> {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`VERSION`] when written by this build.
    pub version: u32,
    /// Checksum of the file with this field set to 64 zeros: xxh3-128 (32 hex digits)
    /// from version 3 on, sha256 (64) before.
    pub checksum: String,
    /// The task name (`cooperation`, `accusation`, `sentiment`, or the label column).
    pub task: String,
    /// Class labels, in the classifier's row order.
    pub labels: Vec<String>,
    /// Tokenizer, n-gram, weighting, vocabulary, idf and lexicon.
    pub featurizer: F,
    /// Trainer settings used.
    pub trainer: TrainerSettings,
    /// Weights and intercepts.
    pub classifier: C,
    /// Data and command it was trained from.
    pub provenance: Provenance,
    /// Training-time measurements.
    pub metrics: TrainingMetrics,
}

impl ModelFile {
    /// Writes the model to `path` atomically: a temporary file in the same directory,
    /// flushed and then renamed over the target, so a crash leaves the old file whole
    /// (links, devices and pipes: [`crate::output::write_atomically`]).
    ///
    /// # Errors
    /// [`Error::Io`] when the directory is not writable or the disk is full, or when
    /// `path` holds something other than a model ([`other_than_a_model`]), which is not
    /// replaced. [`Error::InvalidParams`] (named `model`), nothing written, for a model
    /// that [`ModelFile::load`] would refuse (its public fields edited so that they
    /// disagree: a label without a weight row, a NaN weight, a tab in the task).
    pub fn save(&self, path: &Path) -> Result<()> {
        // Python's `model.save("train.csv")` replaced the data with the model without a
        // word, where `train --out train.csv` refuses it.
        if let Some(start) = other_than_a_model(path) {
            let reason = format!(
                "holds something other than a stancekit model (it starts '{start}'), which the model would replace \
                 (give a path of its own, e.g. model.json; to replace the file, remove it first)"
            );
            let error = std::io::Error::new(std::io::ErrorKind::AlreadyExists, reason);
            return Err(Error::Io { path: path.to_path_buf(), error });
        }
        // A model whose fields disagree was written with Ok, and only its load failed
        // ("3 labels but 2 weight rows"): the work saved was lost without a word. The
        // shapes are checked first, as a NaN weight is written as null and the parse
        // would only say so by a column of bytes that were never written.
        let refused = |reason: String| Error::InvalidParams {
            name: "model".into(),
            reason: format!("{reason}: load would refuse the file, so it is not written"),
        };
        self.check_shapes().map_err(refused)?;
        let bytes = self.to_bytes();
        ModelFile::from_bytes(&bytes, path).map_err(|error| match error {
            Error::CorruptModel { reason, .. } => refused(reason),
            other => refused(other.to_string()),
        })?;
        crate::output::write_atomically(path, |out| out.write_all(&bytes))
            .map_err(|error| Error::Io { path: path.to_path_buf(), error })
    }

    /// The file's bytes, checksum filled in. Same model, same bytes.
    ///
    /// The fields are written as they are, checked or not: their agreeing (one weight
    /// row per label, each as wide as the features, finite numbers) is the caller's
    /// precondition, which a trained or loaded model keeps. Bytes of a model whose fields
    /// were edited so that they disagree are refused by [`ModelFile::from_bytes`], never
    /// read wrongly; [`ModelFile::save`] checks first and writes nothing of such a model.
    /// (Left unchecked so that tests can seal a hand edit, as a user's editor would.)
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut model = self.clone();
        model.format = FORMAT.into();
        model.version = VERSION;
        model.checksum = CHECKSUM_PLACEHOLDER.into();
        // Serialising our own types cannot fail (no maps with non-string keys).
        let body = serde_json::to_string(&model).unwrap_or_default();
        with_checksum(&body).into_bytes()
    }

    /// Reads and checks a model file.
    ///
    /// # Errors
    /// [`Error::Io`] if it cannot be read, [`Error::ModelVersion`] for another format
    /// version, [`Error::CorruptModel`] for anything else that is wrong.
    pub fn load(path: &Path) -> Result<ModelFile> {
        let bytes = read(path)?;
        Self::from_bytes(&bytes, path)
    }

    /// Reads and checks several model files, parsing them in parallel, in the order
    /// given. Models whose featurizers are the same, byte for byte, share one parsed
    /// featurizer.
    ///
    /// # Errors
    /// As [`ModelFile::load`]: the first file (in order) that cannot be read, else the
    /// first that is not a sound model.
    pub fn load_all(paths: &[PathBuf]) -> Result<Vec<ModelFile>> {
        let files: Vec<FileBytes> = paths.iter().map(|path| read(path)).collect::<Result<_>>()?;
        let inputs: Vec<(&[u8], &Path)> =
            files.iter().map(|bytes| json_text(bytes)).zip(paths.iter().map(PathBuf::as_path)).collect();
        // Each file's envelope and small fields, in parallel; its featurizer and
        // classifier stay text.
        let bodies: Vec<Result<Body>> = inputs.par_iter().map(|&(bytes, path)| parse_body(bytes, path)).collect();
        if let Some(first_bad) = bodies.iter().position(Result::is_err) {
            // A file before it may be unsound beyond its body: that one is named first.
            for &(bytes, path) in inputs.iter().take(first_bad) {
                Self::from_bytes(bytes, path)?;
            }
        }
        let bodies: Vec<Body> = bodies.into_iter().collect::<Result<_>>()?;
        // The first model with the same featurizer text as each model (itself if none):
        // each distinct text is compared once and parsed once.
        let texts: Vec<&str> = bodies.iter().map(|body| body.featurizer.get()).collect();
        let owners: Vec<usize> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| texts.iter().take(i).position(|earlier| earlier == text).unwrap_or(i))
            .collect();
        let distinct: Vec<(usize, &str, &[u8], &Path)> = owners
            .iter()
            .zip(&texts)
            .zip(&inputs)
            .enumerate()
            .filter(|&(i, ((&owner, _), _))| i == owner)
            .map(|(i, ((_, &text), &(bytes, path)))| (i, text, bytes, path))
            .collect();
        // The distinct featurizers and every classifier, all in parallel: with one
        // featurizer for all (the shipped models), its parse runs beside the weights' decoding.
        let (featurizers, classifiers) = rayon::join(
            || {
                distinct
                    .par_iter()
                    .map(|&(i, text, bytes, path)| (i, parse_featurizer(text, bytes, path)))
                    .collect::<Vec<_>>()
            },
            || {
                bodies
                    .par_iter()
                    .zip(&inputs)
                    .map(|(body, &(bytes, path))| {
                        parse_part::<Classifier>(body.classifier.get(), bytes, path, "classifier")
                    })
                    .collect::<Vec<_>>()
            },
        );
        let mut parsed: Vec<Option<Result<Arc<Featurizer>>>> = (0..bodies.len()).map(|_| None).collect();
        for (i, featurizer) in featurizers {
            if let Some(slot) = parsed.get_mut(i) {
                *slot = Some(featurizer);
            }
        }
        // In file order, so the first unsound file is the one named.
        let mut models: Vec<ModelFile> = Vec::with_capacity(bodies.len());
        for (((body, classifier), &owner), &(bytes, path)) in
            bodies.into_iter().zip(classifiers).zip(&owners).zip(&inputs)
        {
            let featurizer = match models.get(owner) {
                // An earlier model (the owner comes first) has the same text: share its parse.
                Some(owner) => Arc::clone(&owner.featurizer),
                None => match parsed.get_mut(owner).and_then(Option::take) {
                    Some(featurizer) => featurizer?,
                    None => parse_featurizer(body.featurizer.get(), bytes, path)?,
                },
            };
            models.push(assemble(body, featurizer, classifier?, path)?);
        }
        Ok(models)
    }

    /// Parses and checks model bytes; `path` is only used in messages.
    ///
    /// # Errors
    /// As [`ModelFile::load`].
    pub fn from_bytes(bytes: &[u8], path: &Path) -> Result<ModelFile> {
        let bytes = json_text(bytes);
        let body = parse_body(bytes, path)?;
        let featurizer = parse_featurizer(body.featurizer.get(), bytes, path)?;
        let classifier = parse_part(body.classifier.get(), bytes, path, "classifier")?;
        assemble(body, featurizer, classifier, path)
    }

    fn check_shapes(&self) -> std::result::Result<(), String> {
        use crate::error::counted;
        let k = self.labels.len();
        let d = self.featurizer.n_features();
        if k < 2 {
            return Err(format!("{}; at least 2 are needed", counted(k, "label")));
        }
        // Labels are the keys of JSON probabilities and the names of classes: an empty or
        // repeated one would give an unnamed or duplicate key.
        if self.labels.iter().any(String::is_empty) {
            return Err("an empty label (every class needs a name)".into());
        }
        // A control character (a tab, a line break) would break the tab-separated output,
        // summaries and page titles that labels and the task name are written into.
        let names = std::iter::once(("task", &self.task)).chain(self.labels.iter().map(|l| ("label", l)));
        for (what, name) in names {
            if let Some(character) = crate::input::control_character(name) {
                return Err(format!(
                    "{what} '{}' holds the control character {character}",
                    crate::input::escape_controls(name)
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(label) = self.labels.iter().find(|l| !seen.insert(l.as_str())) {
            return Err(format!("label '{label}' appears twice"));
        }
        // Two labels that print alike, one with its accent encoded the other way (NFC
        // against NFD): training refuses them, so only an edit of the file makes them.
        use unicode_normalization::UnicodeNormalization;
        let mut by_nfc = std::collections::HashMap::new();
        for label in &self.labels {
            if let Some(other) = by_nfc.insert(label.nfc().collect::<String>(), label) {
                return Err(format!(
                    "labels '{other}' and '{label}' differ only by {}",
                    crate::input::label_difference(other, label)
                ));
            }
        }
        if self.classifier.weights.len() != k {
            return Err(format!("{k} labels but {} weight rows", self.classifier.weights.len()));
        }
        if self.classifier.intercepts.len() != k {
            return Err(format!("{k} labels but {} intercepts", self.classifier.intercepts.len()));
        }
        // `inspect` pairs them up: a count edited out dropped its label from the list
        // without a word. (Data files and their hashes need not pair: a model trained from
        // Python names its data `<python>`, of no file to hash.)
        let counts = self.provenance.label_counts.len();
        if counts != k {
            return Err(format!("{k} labels but {} in the provenance", counted(counts, "label count")));
        }
        if let Some(row) = self.classifier.weights.iter().find(|r| r.len() != d) {
            // The cue columns follow from the lexicon's categories, so a category edited into
            // or out of its cues changes the count: say what it is made of.
            let made_of = match self.featurizer.lexicon.as_ref() {
                Some(_) => {
                    let categories = match self.featurizer.categories.len() {
                        1 => "1 cue category".to_string(),
                        n => format!("{n} cue categories"),
                    };
                    format!(
                        " ({} n-grams and 2 columns for each of the lexicon's {categories})",
                        self.featurizer.n_ngrams()
                    )
                }
                None => String::new(),
            };
            return Err(format!("a weight row has {} values for {d} features{made_of}", row.len()));
        }
        let finite = |values: &[f32]| crate::packed::all_finite(values);
        if !(self.classifier.weights.iter().all(|row| finite(row)) && finite(&self.classifier.intercepts)) {
            return Err("non-finite weights".into());
        }
        if let Some(problem) = self.classifier.calibration.as_ref().and_then(|c| c.problem(k)) {
            return Err(problem);
        }
        if let Some(problem) = self.classifier.decision.as_ref().and_then(|d| d.problem(k)) {
            return Err(problem);
        }
        Ok(())
    }
}

/// A model file's bytes: mapped from the page cache when it is a non-empty regular file,
/// read into memory otherwise (pipes, devices, or where mapping fails).
enum FileBytes {
    /// The map and its registration in [`MAPPED`] (dropped first: the path is taken out
    /// before the map goes).
    Mapped {
        _registration: Option<Registration>,
        map: memmap2::Mmap,
    },
    Read(Vec<u8>),
}

/// The model files mapped now, with their address ranges, for the CLI's SIGBUS handler. A
/// model file rewritten in place while it was loaded (`cp new.json m.json`, which
/// truncates it first) made reading its map fault, and the process died of SIGBUS ("Bus
/// error", status 135) without a word. A map made while the table is full goes unregistered.
static MAPPED: SignalPaths = SignalPaths::new();

/// The path of the model file whose map holds `address`, as a NUL-terminated string, for
/// a SIGBUS handler to name the file that was cut short while it was read (only atomic
/// loads: async-signal-safe). The map of the faulting read stays registered until that
/// read returns, so its path is not freed meanwhile.
pub fn file_mapped_at(address: usize) -> Option<*const std::ffi::c_char> {
    MAPPED.path_at(address)
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped { map, .. } => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}

/// Whether model files are read through a memory map: off until [`map_model_files`].
static MAP_MODELS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Lets model files be read through a memory map, for a program that has a SIGBUS
/// handler which names the file with [`file_mapped_at`] (the CLI). Without one, a file
/// cut short by another program while its map was read (`cp` over it) killed the
/// process: a Python interpreter, a notebook's kernel or a Spark executor died of "Bus
/// error" at `load`. They read the file into memory instead.
pub fn map_model_files() {
    MAP_MODELS.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Reading copied the shipped models' 5.5 MB into fresh memory, whose copy and page
/// faults were a quarter of loading them in a new process; a map reads the page cache in
/// place. The bytes are only parsed (every value is copied out), then unmapped.
fn read(path: &Path) -> Result<FileBytes> {
    let io = |error| Error::Io { path: path.to_path_buf(), error };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let metadata = file.metadata().map_err(io)?;
    if metadata.is_dir() {
        // An I/O error, as reading it was: Python's `load` raises ModelError for it.
        let error = std::io::Error::new(std::io::ErrorKind::IsADirectory, directory_not_model(path));
        return Err(Error::Io { path: path.to_path_buf(), error });
    }
    if metadata.is_file() && metadata.len() > 0 && MAP_MODELS.load(std::sync::atomic::Ordering::SeqCst) {
        // SAFETY: a mapped file changed by another process while it is read could change
        // bytes under the parser, or fault if it were truncated. stancekit never writes a
        // model in place: `ModelFile::save` writes a new file and renames it over the old
        // one, which leaves the mapped file as it was; another program's in-place write
        // (`cp`) that cuts it short faults, which the CLI says as such ([`file_mapped_at`]).
        // The checksum is verified on the mapped bytes before anything of them is trusted.
        if let Ok(map) = unsafe { memmap2::Mmap::map(&file) } {
            return Ok(FileBytes::Mapped {
                _registration: MAPPED.register(path, map.as_ptr() as usize, map.len()),
                map,
            });
        }
    }
    // A stream (a pipe, a device), or a file when maps are off, is read in chunks, and
    // reading stops once its first byte shows it cannot be a model: `/dev/zero` or
    // `/dev/urandom` would otherwise be read until memory runs out. The parse then names
    // what it found.
    let room = if metadata.is_file() { usize::try_from(metadata.len()).unwrap_or(0).min(1 << 28) } else { 0 };
    let mut bytes = Vec::with_capacity(room);
    // A file's length is known: read it straight into place, one copy fewer than through
    // the chunks, then go on in chunks for whatever it grew by.
    if room > 0 {
        std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, room as u64), &mut bytes).map_err(io)?;
    }
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = match std::io::Read::read(&mut file, &mut chunk) {
            Ok(n) => n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(io(error)),
        };
        bytes.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if n == 0 || first_json_byte(&bytes).is_some_and(|b| b != b'{') {
            return Ok(FileBytes::Read(bytes));
        }
        if bytes.len() > MAX_STREAMED_MODEL {
            return Err(Error::CorruptModel {
                path: path.to_path_buf(),
                reason: format!("more than {} GiB without an end: not a model file", MAX_STREAMED_MODEL >> 30),
            });
        }
    }
}

/// Why a directory given as a model (`--model models`, meaning the shipped three) is
/// none, naming the model files it holds; reading it used to say only `Is a directory
/// (os error 21)`.
fn directory_not_model(path: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .filter(|entry| entry.path().extension().is_some_and(|e| e == "json"))
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let example = names.first().map_or_else(|| path.join("model.json"), |name| path.join(name));
    let holds = match names.len() {
        0 => String::new(),
        1..=3 => format!(": it holds {}", names.join(", ")),
        n => format!(
            ": it holds {} and {} more .json files",
            names.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            n - 3
        ),
    };
    format!(
        "is a directory, not a model file{holds} (name each model file, e.g. {})",
        crate::input::escape_controls(&example.display().to_string())
    )
}

/// The most a model read from a stream may hold: far beyond any model (the shipped ones
/// are 2 MB), and a bound on what an endless stream that starts like JSON can take.
const MAX_STREAMED_MODEL: usize = 2 << 30;

/// The first byte of a model file's text that is not white space (after a byte-order
/// mark): `{` for every model, which is a JSON object.
fn first_json_byte(bytes: &[u8]) -> Option<u8> {
    without_bom(bytes).iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// The bytes after a UTF-8 byte-order mark, if the file starts with one. Some editors
/// add it on saving; it is not part of the JSON (nor of what the checksum covers), so a
/// model saved that way still loads.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The JSON text of a model file's bytes: without a byte-order mark ([`without_bom`]) and
/// without white space after its closing brace, which an editor adds on saving (a final
/// line break: vim, nano, `echo >>`) and the checksum does not cover, as the file is
/// written without it. Such a file used to be refused: "checksum mismatch: the file was
/// changed or damaged after it was written".
fn json_text(bytes: &[u8]) -> &[u8] {
    let bytes = without_bom(bytes);
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |last| last + 1);
    bytes.get(..end).unwrap_or(bytes)
}

/// A model file checked and parsed but for its two large parts, left as their JSON text
/// (read only for their extent): the featurizer, which models may share, and the classifier.
type Body<'a> = ModelFile<&'a RawValue, &'a RawValue>;

/// Checks a model file's bytes and parses all but its featurizer and classifier.
fn parse_body<'a>(bytes: &'a [u8], path: &Path) -> Result<Body<'a>> {
    let corrupt = |reason: String| Error::CorruptModel { path: path.to_path_buf(), reason };
    match first_json_byte(bytes) {
        None => return Err(corrupt("the file is empty".into())),
        // Said before the whole file is checked as UTF-8: a large file that is not a
        // model (a corpus, a disk image) is refused at once.
        Some(b'{') => {}
        Some(_) => {
            // A model stored or downloaded compressed (`m.json.gz`, a `.zip` of models)
            // was `not JSON at line 1 column 1`, where a data file says what it is.
            let packed = crate::input::not_text(bytes)
                .filter(|(kind, _)| kind.contains("compressed") || kind.contains("archive"));
            if let Some((kind, fix)) = packed {
                let fix = if fix.starts_with("decompress") || fix.starts_with("extract") {
                    fix
                } else {
                    "extract it first, e.g. unzip"
                };
                return Err(corrupt(format!(
                    "the file is {kind}, not a model's JSON text ({fix}, and give the model file)"
                )));
            }
            let at = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
            let (line, column) = line_and_column(bytes, at);
            return Err(corrupt(format!(
                "not JSON at line {line} column {column}: a model file is a JSON object, starting with '{{'"
            )));
        }
    }
    let text =
        std::str::from_utf8(bytes).map_err(|e| corrupt(format!("invalid UTF-8 at byte offset {}", e.valid_up_to())))?;
    // The body is parsed straight into its types; only when that fails is the file
    // read again loosely, to say why (another version, not a model, not JSON).
    let body: Body = match serde_json::from_str(text) {
        Ok(body) => body,
        Err(typed_error) => return Err(explain_unreadable(text, path, &typed_error)),
    };
    check_envelope(text, path, Some(body.format.as_str()), &body.version.into(), &body.checksum)?;
    Ok(body)
}

/// The line and column (both from 1, the column in bytes) of byte `at` of a file.
fn line_and_column(file: &[u8], at: usize) -> (usize, usize) {
    let before = file.get(..at).unwrap_or(file);
    let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
    let column = 1 + before.iter().rev().take_while(|&&b| b != b'\n').count();
    (line, column)
}

/// Parses one part of a model file (`what`: its field name), given as its JSON text
/// within `file`, whose envelope was checked. A message names the line and column in the file.
fn parse_part<T: serde::de::DeserializeOwned>(text: &str, file: &[u8], path: &Path, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| {
        // serde counts lines and columns from the part's start; the message counts them
        // in the file.
        let start = (text.as_ptr() as usize).saturating_sub(file.as_ptr() as usize);
        let line_start: usize = text.split_inclusive('\n').take(e.line().saturating_sub(1)).map(str::len).sum();
        let (line, column) = line_and_column(file, start + line_start + e.column().saturating_sub(1));
        let message = crate::error::json_message(&e);
        let field = field_of_error::<T>(text);
        Error::CorruptModel {
            path: path.to_path_buf(),
            reason: format!("in the {what} at line {line} column {column}: {field}{message}"),
        }
    })
}

/// Parses a featurizer's JSON text (see [`parse_part`]) and rebuilds its lookup tables.
fn parse_featurizer(text: &str, file: &[u8], path: &Path) -> Result<Arc<Featurizer>> {
    let corrupt = |reason: String| Error::CorruptModel { path: path.to_path_buf(), reason };
    let mut featurizer: Featurizer = parse_part(text, file, path, "featurizer")?;
    // Once per featurizer, which models may share, and before the shapes are checked: a
    // category edited into the lexicon adds columns, which the weights' count would
    // report without saying why.
    if let Some(problem) = featurizer.lexicon.as_ref().and_then(|lexicon| lexicon.problem()) {
        return Err(corrupt(problem));
    }
    featurizer.restore().map_err(|e| corrupt(e.to_string()))?;
    Ok(Arc::new(featurizer))
}

/// A model from its checked body and parsed parts, once their shapes agree.
fn assemble(body: Body, featurizer: Arc<Featurizer>, classifier: Classifier, path: &Path) -> Result<ModelFile> {
    let model = ModelFile {
        format: body.format,
        version: body.version,
        checksum: body.checksum,
        task: body.task,
        labels: body.labels,
        featurizer,
        trainer: body.trainer,
        classifier,
        provenance: body.provenance,
        metrics: body.metrics,
    };
    model.check_shapes().map_err(|reason| Error::CorruptModel { path: path.to_path_buf(), reason })?;
    Ok(model)
}

/// A model file's text with its checksum filled in: `body` is the file of this build's
/// version with the checksum field holding 64 zeros. For tools and tests that edit a
/// model file by hand and must seal it again.
pub fn with_checksum(body: &str) -> String {
    let digest = digest(VERSION.into(), &[body.as_bytes()]);
    body.replacen(&checksum_field(CHECKSUM_PLACEHOLDER), &checksum_field(&digest), 1)
}

/// The checksum field as a model file spells it.
fn checksum_field(value: &str) -> String {
    format!("\"checksum\":\"{value}\"")
}

/// The checksum of a file of format `version` whose text, checksum blanked, is `parts`
/// in order. Version 3 uses xxh3-128: it guards against damage as sha256 did (neither
/// is a signature), and hashing the three shipped models with sha256 was a quarter of
/// loading them.
fn digest(version: u64, parts: &[&[u8]]) -> String {
    if version >= 3 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        parts.iter().for_each(|part| hasher.update(part));
        format!("{:032x}", hasher.digest128())
    } else {
        let mut hasher = Sha256::new();
        parts.iter().for_each(|part| hasher.update(part));
        hex(&hasher.finalize())
    }
}

/// Whether `stored` is the checksum of `text` (a file of format `version`) with the
/// stored checksum blanked, hashed in place (no copy of the file).
fn checksum_matches(text: &str, stored: &str, version: u64) -> bool {
    let needle = checksum_field(stored);
    let expected_len = if version >= 3 { 32 } else { 64 };
    stored.len() == expected_len
        && text.find(&needle).is_some_and(|at| {
            let before = text.get(..at).unwrap_or_default().as_bytes();
            let after = text.get(at + needle.len()..).unwrap_or_default().as_bytes();
            digest(version, &[before, checksum_field(CHECKSUM_PLACEHOLDER).as_bytes(), after]) == stored
        })
}

/// Checks the format name, then the version, then the checksum, in that order, so a
/// file of another version is named as such before its checksum is judged.
fn check_envelope(
    text: &str,
    path: &Path,
    format: Option<&str>,
    version: &serde_json::Value,
    checksum: &str,
) -> Result<()> {
    let corrupt = |reason: String| Error::CorruptModel { path: path.to_path_buf(), reason };
    match format {
        Some(FORMAT) => {}
        Some(other) => return Err(corrupt(format!("format is '{other}', expected '{FORMAT}'"))),
        None => return Err(corrupt(format!("no 'format' field; expected '{FORMAT}'"))),
    }
    let version = match version.as_u64() {
        None => return Err(corrupt(version_problem(version))),
        Some(found) if !(1..=VERSION as u64).contains(&found) => {
            return Err(Error::ModelVersion { path: path.to_path_buf(), found, supported: VERSION })
        }
        Some(found) => found,
    };
    if checksum_matches(text, checksum, version) {
        return Ok(());
    }
    Err(corrupt(if laid_out_otherwise(text) {
        "checksum mismatch: the file was changed after it was written: it is laid out otherwise than stancekit writes \
         it (reformatted, as by jq, Python's json.dump or an editor's formatter?), and the checksum covers the bytes \
         as written (use the file as stancekit wrote it, or train the model again)"
            .into()
    } else {
        "checksum mismatch: the file was changed or damaged after it was written".into()
    }))
}

/// Why a model file's `version` is not a format version: what it holds instead. A string
/// ("6", as a hand edit or a tool that quotes every value writes it), a decimal or a
/// negative number used to be said as "no 'version' number", as if the field were missing.
fn version_problem(version: &serde_json::Value) -> String {
    use serde_json::Value;
    let hint = format!("a model file holds it as a whole number, e.g. {VERSION}");
    match version {
        Value::Null => "no 'version' number".into(),
        Value::String(s) => {
            let s = crate::input::escape_controls(s);
            format!("'version' is the string \"{s}\", not a number ({hint})")
        }
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(negative), _) => {
                format!("'version' {negative} is not a format version (this build reads versions 1 to {VERSION})")
            }
            // As written (6.0, 6.5, 1e3): serde_json shows a decimal with its point.
            _ => format!("'version' {n} is a decimal ({hint})"),
        },
        Value::Bool(_) => format!("'version' is a bool, not a number ({hint})"),
        Value::Array(_) => format!("'version' is an array, not a number ({hint})"),
        Value::Object(_) => format!("'version' is an object, not a number ({hint})"),
    }
}

/// Whether a model file's text is laid out otherwise than stancekit writes it, compact
/// (`{"format":"stancekit-model",...`): white space after its opening brace (jq, an
/// editor's formatter) or after the colon of its first key (Python's `json.dump`).
fn laid_out_otherwise(text: &str) -> bool {
    let rest = text.strip_prefix('{').unwrap_or(text);
    // The first key, whichever it is (a rewrite may sort them), then its colon.
    let after_first_key = rest.strip_prefix('"').and_then(|key| key.split_once('"')).map(|(_, after)| after);
    rest.starts_with(|c: char| c.is_ascii_whitespace()) || after_first_key.is_some_and(|after| after.starts_with(": "))
}

/// Why a file that did not parse as a model is not one: not JSON at all, a wrong
/// envelope (format, version, checksum), or, the envelope being right, damaged fields.
fn explain_unreadable(text: &str, path: &Path, typed_error: &serde_json::Error) -> Error {
    let corrupt = |reason: String| Error::CorruptModel { path: path.to_path_buf(), reason };
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(e) => {
            // serde's message ends with the place again ("... at line 1 column 5000").
            let message = crate::error::json_message(&e);
            return corrupt(format!(
                "not JSON at line {} column {}: {message} (truncated or damaged?)",
                e.line(),
                e.column()
            ));
        }
    };
    let checksum = envelope.checksum.as_str().unwrap_or_default();
    match check_envelope(text, path, envelope.format.as_str(), &envelope.version, checksum) {
        Err(error) => error,
        Ok(()) => corrupt(format!("{}{typed_error}", field_of_error::<Body>(text))),
    }
}

/// `field 'provenance.label_counts[1]': `, the field of `text` whose value does not
/// parse as its type, for a message: serde's own ("invalid type: string \"a\", expected
/// usize at line 1 column 2592408") named no field of a model edited by hand. Parses
/// `text` again, so only on the way to an error; "" when no field is to blame.
fn field_of_error<'a, T: serde::Deserialize<'a>>(text: &'a str) -> String {
    let mut reader = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(&mut reader) {
        Err(error) if error.path().to_string() != "." => format!("field '{}': ", error.path()),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mapped model file is found by an address inside its map, and forgotten with it.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_mapped_file_is_named_by_an_address_in_its_map() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.json");
        std::fs::write(&path, b"{\"format\": \"stancekit-model\"}").unwrap();
        map_model_files();
        let bytes = read(&path).unwrap();
        assert!(matches!(bytes, FileBytes::Mapped { .. }));
        let inside = bytes.as_ptr() as usize + 5;
        let named = file_mapped_at(inside).map(|p| unsafe { std::ffi::CStr::from_ptr(p) }.to_owned());
        assert_eq!(named.unwrap().to_str().unwrap(), path.to_str().unwrap());
        assert!(file_mapped_at(bytes.as_ptr() as usize + bytes.len()).is_none(), "past its end");
        drop(bytes);
        assert!(file_mapped_at(inside).is_none(), "unmapped");
    }

    #[test]
    fn a_model_is_known_by_how_stancekit_writes_its_first_key() {
        assert!(written_as_a_model(b"{\"format\":\"stancekit-model\",\"version\":6}"));
        for other in
            [&b"{\"format\":\"stancekit-modelx\""[..], b"{\"format\": \"stancekit-model\"", b"{\"text\":\"a\"}", b""]
        {
            assert!(!written_as_a_model(other), "{}", String::from_utf8_lossy(other));
        }
    }

    #[test]
    fn checksums_follow_the_reference_vectors_of_each_version() {
        // xxHash's own test vector for XXH3_128bits of no bytes (high, then low 64 bits),
        // and the sha256 of "abc" from FIPS 180-2.
        assert_eq!(digest(3, &[b""]), "99aa06d3014798d86001c324468d497f");
        assert_eq!(digest(2, &[b"abc"]), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        // Hashed in parts, as a file is around its checksum field, or whole: the same.
        assert_eq!(digest(3, &[b"ab", b"", b"c"]), digest(3, &[b"abc"]));
        assert_eq!(digest(1, &[b"ab", b"c"]), digest(1, &[b"abc"]));
    }

    #[test]
    fn a_checksum_of_the_wrong_kind_for_the_version_does_not_match() {
        let body = format!("{{\"version\":3,\"checksum\":\"{CHECKSUM_PLACEHOLDER}\",\"x\":1}}");
        let sealed = with_checksum(&body);
        let stored = sealed.split('"').nth(5).unwrap().to_string();
        assert_eq!(stored.len(), 32);
        assert!(checksum_matches(&sealed, &stored, 3));
        // The same text judged as version 2 wants a sha256.
        assert!(!checksum_matches(&sealed, &stored, 2));
    }
}
