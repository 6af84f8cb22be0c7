//! The Python binding of stancekit: a thin shell over the Rust library. Input: Python
//! objects (lists of str, paths, keyword options). Output: `Model` objects, lists,
//! NumPy arrays and plain dicts. It converts types, releases the GIL around batch work
//! (which the library runs in parallel with rayon) and maps library errors to Python
//! exceptions; every decision about text, features, training and output fields is the
//! library's.
//!
//! Error mapping: model-file problems ([`Error::ModelVersion`], [`Error::CorruptModel`],
//! and I/O on a model file) raise `stancekit.ModelError`; other I/O raises `OSError`;
//! everything else about the input raises `ValueError`. Messages are the library's
//! `Display`, which is what the CLI prints after `stancekit: error: `.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ndarray::Array2;
use numpy::{IntoPyArray, PyArray2};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyFileNotFoundError, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFrozenSet, PyInt, PyIterator, PyList, PyMapping, PyMemoryView, PySet,
    PyString, PyTuple,
};
use rayon::prelude::*;
use serde_json::Value;

use stancekit::error::{Error, Location};
use stancekit::features::{FeatureParams, Weighting};
use stancekit::lexicon::Lexicon;
use stancekit::model::{ModelFile, Provenance};
use stancekit::pipeline::{train_model, DecisionRule, Examples, TrainOptions};
use stancekit::predict::{check_finite, summarize, Predictor, SentencePrediction};
use stancekit::report::{self, Format, RowOrigin};
use stancekit::train::{ClassWeight, LogisticParams};
use stancekit::word_classes::WordClasses;

create_exception!(
    stancekit,
    ModelError,
    PyException,
    "A model file that cannot be used: missing or unreadable, damaged (bad JSON or checksum), or of another format version. The message is the one the CLI prints."
);

/// The `source` field of rows made from Python objects rather than files.
const PYTHON_SOURCE: &str = "<python>";

/// The message of a library error on one line, its control characters escaped as the
/// CLI prints them: a path or name holding a line break (`load("a\nb.json")`) had broken
/// the message in two.
fn message(error: &Error) -> String {
    stancekit::input::escape_controls(&error.to_string())
}

/// Maps a library error met while reading or writing a model file.
fn model_error(error: Error) -> PyErr {
    match error {
        Error::ModelVersion { .. } | Error::CorruptModel { .. } | Error::Io { .. } => {
            ModelError::new_err(message(&error))
        }
        other => input_error(other),
    }
}

/// Maps a library error met on input: I/O to `OSError`, the rest to `ValueError`.
fn input_error(error: Error) -> PyErr {
    match &error {
        Error::ModelVersion { .. } | Error::CorruptModel { .. } => ModelError::new_err(message(&error)),
        Error::Io { error: source, .. } => PyErr::from(std::io::Error::new(source.kind(), message(&error))),
        _ => PyValueError::new_err(message(&error)),
    }
}

/// Reads an iterable of str (list, tuple, pandas Series, NumPy array, generator).
/// A single str, a DataFrame, a mapping or a set is refused: iterating them would label
/// characters, column names or keys, or items in no order the caller knows.
fn iter_strings(
    obj: &Bound<'_, PyAny>,
    name: &str,
    mut each: impl FnMut(usize, Option<String>) -> PyResult<()>,
) -> PyResult<()> {
    // bytearray and memoryview iterate as ints, as bytes do: "texts[0] has type int".
    if obj.is_instance_of::<PyString>() || is_bytes_like(obj) {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an iterable of str, not a single {} (wrap it in a list: [text])",
            obj.get_type().name()?
        )));
    }
    // A table iterates its column names and a mapping its keys: `model.predict(frame)`
    // used to return one label per column of a pandas DataFrame, not one per row.
    let type_name = obj.get_type().name()?.to_string();
    if type_name == "DataFrame" {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an iterable of str, not a DataFrame (iterating it gives its column names; pass its text \
             column: frame[\"text\"])"
        )));
    }
    // A set has no order: its labels could not be matched to its texts, and a set of
    // labels would pair with the texts in whatever order Python keeps it.
    if obj.is_instance_of::<PySet>() || obj.is_instance_of::<PyFrozenSet>() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an iterable of str in order, not a {type_name} (a set has no order, so the results could \
             not be matched to its items; pass a list: sorted(s))"
        )));
    }
    if obj.cast::<PyMapping>().is_ok() {
        return Err(PyTypeError::new_err(format!(
            "{name} must be an iterable of str, not a {type_name} (iterating it gives its keys; pass its values: \
             list(d.values()))"
        )));
    }
    for (index, item) in iterate(obj, name, "an iterable of str")?.enumerate() {
        let item = item?;
        if item.is_none() {
            each(index, None)?;
            continue;
        }
        let text: String = item.extract().map_err(|error| {
            // A str that UTF-8 cannot hold: a lone surrogate, as bytes decoded with
            // errors="surrogateescape" leave. It used to say "has type str, not str".
            if item.is_instance_of::<PyString>() {
                return surrogate_error(&format!("{name}[{index}]"), &error);
            }
            let type_name = python_type(&item);
            // pandas' missing values: NaN in an object column (a CSV's empty cell), pd.NA
            // in a string column. "has type float" did not say that the cell was empty.
            let nan = item.extract::<f64>().is_ok_and(f64::is_nan) && type_name != "str";
            if nan || type_name == "NAType" {
                let value = if nan { "NaN" } else { "pd.NA" };
                return PyTypeError::new_err(format!(
                    "{name}[{index}] is {value}, a missing value (as pandas reads an empty cell), not str: drop those \
                     rows first, e.g. series.dropna()"
                ));
            }
            // Bytes (a file read in binary mode, a NumPy array of dtype 'S') are to be
            // decoded; numbers as labels (0 / 1 classes) are to be written as names.
            let hint = if item.is_instance_of::<PyBytes>() || type_name == "bytes_" {
                format!(" (decode the items first, e.g. [t.decode(\"utf-8\") for t in {name}])")
            } else if name == "labels" && item.extract::<f64>().is_ok() {
                " (labels are class names: write them as str, e.g. [str(label) for label in labels])".to_string()
            } else {
                String::new()
            };
            PyTypeError::new_err(format!("{name}[{index}] has type {type_name}, not str{hint}"))
        })?;
        each(index, Some(text))?;
    }
    Ok(())
}

/// Whether `obj` is bytes, a bytearray or a memoryview: iterated, they give ints.
fn is_bytes_like(obj: &Bound<'_, PyAny>) -> bool {
    obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>() || obj.is_instance_of::<PyMemoryView>()
}

/// `iter(obj)` for the argument `name`, refusing what cannot be iterated (None, a
/// number, a 0-d NumPy array) with a TypeError naming it: Python's own said only "'int'
/// object is not iterable", for `model.predict(5)`.
fn iterate<'py>(obj: &Bound<'py, PyAny>, name: &str, what: &str) -> PyResult<Bound<'py, PyIterator>> {
    obj.try_iter().map_err(|error| {
        if !error.is_instance_of::<PyTypeError>(obj.py()) {
            return error;
        }
        let type_name = python_type(obj);
        // A 0-d array is one value, as a str is.
        let zero_d = obj.getattr("ndim").and_then(|n| n.extract::<usize>()).is_ok_and(|n| n == 0);
        let hint = if zero_d { " (a 0-d array holds one value: wrap it in a list, [value])" } else { "" };
        PyTypeError::new_err(format!("{name} must be {what}, not {type_name}{hint}"))
    })
}

/// The error of a str that UTF-8 cannot hold (a lone surrogate, as bytes decoded with
/// errors="surrogateescape" leave), named by where it was given.
fn surrogate_error(name: &str, error: &PyErr) -> PyErr {
    PyValueError::new_err(format!(
        "{name}: the text holds a lone surrogate, which UTF-8 cannot encode ({error}; decode the bytes it came from \
         with errors=\"replace\")"
    ))
}

/// Reads the one text of `explain` and `classify_article` as an item of `texts` is read:
/// a lone surrogate is the ValueError that `predict` raises for it. PyO3's conversion
/// raised UnicodeEncodeError, so one bad text was a ValueError in a list and another
/// exception alone. Anything but a str is a TypeError saying what to pass (`several`: how
/// to do it for many texts): PyO3 said only "'list' object is not an instance of 'str'".
fn extract_text(obj: &Bound<'_, PyAny>, name: &str, several: &str) -> PyResult<String> {
    obj.extract::<String>().map_err(|error| {
        if obj.is_instance_of::<PyString>() {
            return surrogate_error(name, &error);
        }
        let type_name = python_type(obj);
        let hint = if obj.is_instance_of::<PyBytes>() || type_name == "bytes_" {
            " (decode it first: text.decode(\"utf-8\"))".to_string()
        } else if !obj.is_none() && obj.try_iter().is_ok() {
            format!(" ({several})")
        } else {
            String::new()
        };
        PyTypeError::new_err(format!("{name} must be one str, not {type_name}{hint}"))
    })
}

/// The weights of `sample_weight`: an iterable of numbers (list, tuple, NumPy array,
/// pandas Series, generator, as texts may be). PyO3's own conversion to a list refused a
/// generator ("'generator' object is not an instance of 'Sequence'") and a str ("Can't
/// extract `str` to `Vec`"), naming neither the parameter nor the item.
fn extract_weights(obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let what = "an iterable of numbers, one per text";
    if obj.is_instance_of::<PyString>() || is_bytes_like(obj) {
        return Err(PyTypeError::new_err(format!("sample_weight must be {what}, not a {}", obj.get_type().name()?)));
    }
    let mut weights = Vec::new();
    for (index, item) in iterate(obj, "sample_weight", what)?.enumerate() {
        let item = item?;
        let weight: f64 = item.extract().map_err(|_| {
            let type_name = python_type(&item);
            PyTypeError::new_err(format!("sample_weight[{index}] has type {type_name}, not a number"))
        })?;
        weights.push(weight);
    }
    Ok(weights)
}

/// A count or size passed from Python, as `usize` (or `u64`). A Python int is signed and
/// unbounded, and PyO3's own conversion refuses a negative one with an OverflowError
/// that names no parameter ("can't convert negative int to unsigned"), so such
/// parameters are taken as `i128` and converted here: a negative or too large value is
/// a ValueError naming the parameter and what it must be (`least`, 0 or 1). Zero and
/// other values in range go on to the library's checks, whose messages are the CLI's.
fn count<T: TryFrom<i128>>(name: &str, value: i128, least: u8) -> PyResult<T> {
    if value < 0 {
        return Err(PyValueError::new_err(format!("invalid {name}: {value} must be >= {least}")));
    }
    T::try_from(value).map_err(|_| {
        let largest = u128::MAX >> (128 - 8 * std::mem::size_of::<T>());
        PyValueError::new_err(format!("invalid {name}: {value} must be at most {largest}"))
    })
}

/// The name of `obj`'s Python type, for messages (`?` when it cannot be read).
fn python_type(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// An int argument, `name` for messages. Python's bool is an int (True == 1), so PyO3
/// took `explain(text, top=True)` as one feature and `train(min_df=True)` as 1; a bool is
/// refused here, as is any other type, naming the argument (PyO3 said "'float' object
/// cannot be interpreted as an integer"). NumPy integers are ints.
fn int_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<i128> {
    if obj.is_instance_of::<PyBool>() {
        return Err(bool_error(obj, name, "an int"));
    }
    obj.extract::<i128>().map_err(|_| type_error(obj, name, "an int"))
}

/// A float argument, as [`int_arg`]: an int is a float, a bool is not (`c=True` trained
/// with C 1).
fn float_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<f64> {
    if obj.is_instance_of::<PyBool>() {
        return Err(bool_error(obj, name, "a number"));
    }
    obj.extract::<f64>().map_err(|_| type_error(obj, name, "a number"))
}

fn bool_error(obj: &Bound<'_, PyAny>, name: &str, what: &str) -> PyErr {
    let value = if obj.is_truthy().unwrap_or(false) { "True" } else { "False" };
    PyTypeError::new_err(format!(
        "{name} must be {what}, not bool ({name}={value} would be read as {}: give the number itself)",
        u8::from(value == "True")
    ))
}

/// A str argument, `name` for messages. PyO3's own conversion named no argument:
/// `train(task=None)` said "'None' is not an instance of 'str'".
fn str_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    if !obj.is_instance_of::<PyString>() {
        return Err(type_error(obj, name, "a str"));
    }
    obj.extract::<String>().map_err(|error| surrogate_error(name, &error))
}

/// A bool argument (a NumPy bool too), `name` for messages. PyO3's own conversion named
/// no argument: `train(negation="no")` said "'str' object is not an instance of 'bool'".
fn bool_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    obj.extract::<bool>().map_err(|_| type_error(obj, name, "a bool (True or False)"))
}

fn type_error(obj: &Bound<'_, PyAny>, name: &str, what: &str) -> PyErr {
    let type_name = python_type(obj);
    PyTypeError::new_err(format!("{name} must be {what}, not {type_name}"))
}

/// `from_py_with` converters, one per argument, since a converter is not told the
/// argument's name.
macro_rules! named_args {
    ($($function:ident: $name:literal => $convert:ident -> $type:ty),* $(,)?) => {
        $(fn $function(obj: &Bound<'_, PyAny>) -> PyResult<$type> {
            $convert(obj, $name)
        })*
    };
}

named_args! {
    top_arg: "top" => int_arg -> i128,
    explain_arg: "explain" => int_arg -> i128,
    ngram_min_arg: "ngram_min" => int_arg -> i128,
    ngram_max_arg: "ngram_max" => int_arg -> i128,
    min_df_arg: "min_df" => int_arg -> i128,
    max_iterations_arg: "max_iterations" => int_arg -> i128,
    seed_arg: "seed" => int_arg -> i128,
    calibration_folds_arg: "calibration_folds" => int_arg -> i128,
    c_arg: "c" => float_arg -> f64,
    tolerance_arg: "tolerance" => float_arg -> f64,
    cue_scale_arg: "cue_scale" => float_arg -> f64,
    task_arg: "task" => str_arg -> String,
    weighting_arg: "weighting" => str_arg -> String,
    class_weight_arg: "class_weight" => str_arg -> String,
    decision_arg: "decision" => str_arg -> String,
    name_arg: "name" => str_arg -> String,
    sublinear_tf_arg: "sublinear_tf" => bool_arg -> bool,
    negation_arg: "negation" => bool_arg -> bool,
    cue_ngrams_arg: "cue_ngrams" => bool_arg -> bool,
    nb_scale_arg: "nb_scale" => bool_arg -> bool,
    stem_arg: "stem" => bool_arg -> bool,
    punctuation_arg: "punctuation" => bool_arg -> bool,
    tune_arg: "tune" => bool_arg -> bool,
}

/// `classify_article`'s `id`: a str, or an int (a DataFrame's index, a number column),
/// written as its digits, as the CLI writes a JSON Lines record's number id. A bool, a
/// float or None is refused naming `id`: PyO3 said "'int' object is not an instance of
/// 'str'", naming no argument, for `id=row.Index`.
fn id_arg(obj: &Bound<'_, PyAny>) -> PyResult<String> {
    if obj.is_instance_of::<PyString>() {
        return obj.extract::<String>().map_err(|error| surrogate_error("id", &error));
    }
    let what = "a str or an int";
    if obj.is_instance_of::<PyBool>() {
        return Err(type_error(obj, "id", what));
    }
    if obj.is_instance_of::<PyInt>() {
        return Ok(obj.str()?.to_str()?.to_string());
    }
    // NumPy's integers are no Python int, but index as one; a float does not.
    match obj.extract::<i128>() {
        Ok(value) => Ok(value.to_string()),
        Err(_) => Err(type_error(obj, "id", what)),
    }
}

/// `max_features`: None or an int.
fn max_features_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<i128>> {
    if obj.is_none() {
        return Ok(None);
    }
    int_arg(obj, "max_features").map(Some)
}

/// `char_ngrams`: None or a pair of ints, (3, 5) or [3, 5]. PyO3 took only a tuple: a list
/// was "'list' object is not an instance of 'tuple'" and 3 "'int' object is not an
/// instance of 'tuple'".
fn char_ngrams_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<(i128, i128)>> {
    if obj.is_none() {
        return Ok(None);
    }
    let pair = "char_ngrams must be None or a pair (shortest, longest), e.g. (3, 5)";
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() || obj.try_iter().is_err() {
        let type_name = python_type(obj);
        return Err(PyTypeError::new_err(format!("{pair}, not {type_name}")));
    }
    let items: Vec<Bound<'_, PyAny>> = obj.try_iter()?.collect::<PyResult<_>>()?;
    match items.as_slice() {
        [shortest, longest] => Ok(Some((int_arg(shortest, "char_ngrams[0]")?, int_arg(longest, "char_ngrams[1]")?))),
        [_] => Err(PyTypeError::new_err(format!("{pair}, not 1 item"))),
        other => Err(PyTypeError::new_err(format!("{pair}, not {} items", other.len()))),
    }
}

/// The index of a pandas Series or DataFrame column (anything whose `index` has
/// `equals`), else `None`: a list's `index` is a method, a NumPy array has none.
fn pandas_index<'py>(obj: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
    obj.getattr("index").ok().filter(|index| index.hasattr("equals").unwrap_or(false))
}

/// Refuses `other` when it and `texts` are both pandas objects with different indexes:
/// `train` pairs items by position, pandas by index, so `labels` sorted or filtered apart
/// from `texts` would pair each text with another row's label without a word.
fn check_same_index(texts: &Bound<'_, PyAny>, other: &Bound<'_, PyAny>, name: &str) -> PyResult<()> {
    let (Some(text_index), Some(other_index)) = (pandas_index(texts), pandas_index(other)) else {
        return Ok(());
    };
    // Of other lengths, the indexes differ too, but the count is what is wrong: it is said
    // where the items are paired ("texts has 12 items but labels has 5"). It was said to
    // be the indexes, with `labels.loc[texts.index]` to align them, which raises KeyError.
    if let (Ok(n_texts), Ok(n_other)) = (texts.len(), other.len()) {
        if n_texts != n_other {
            return Ok(());
        }
    }
    if text_index.call_method1("equals", (&other_index,))?.is_truthy()? {
        return Ok(());
    }
    Err(PyValueError::new_err(format!(
        "texts and {name} are pandas objects with different indexes: they are paired by position, not by index, so \
         rows would get another row's {name} (align them first, e.g. {name}.loc[texts.index], or pass .to_numpy())"
    )))
}

/// Room to reserve for the items of `obj`: its `len()`, at most [`RESERVED_ITEMS`]. A
/// length is what the object says, not what it holds: `predict(range(10**12))` reserved
/// 24 TB and aborted the interpreter ("memory allocation ... failed"), and `range(10**18)`
/// panicked ("capacity overflow"), before the first item was looked at.
fn reserved(obj: &Bound<'_, PyAny>) -> usize {
    obj.len().unwrap_or(0).min(RESERVED_ITEMS)
}

/// The most items reserved ahead ([`reserved`]); a longer batch grows as it is read.
const RESERVED_ITEMS: usize = 1 << 20;

/// Texts that must all be usable: the first empty (or `None`) one, or one that is what a
/// program writes in place of a text (`NA`, `#NAME?`), raises `ValueError` with the CLI's
/// message, located as `texts[i]` (`stancekit::input::check_text`).
fn extract_texts(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<String>> {
    let mut texts = Vec::with_capacity(reserved(obj));
    iter_strings(obj, name, |index, text| {
        let text = text.unwrap_or_default();
        stancekit::input::check_text(&text, || Location::item(name, index)).map_err(input_error)?;
        texts.push(text);
        Ok(())
    })?;
    Ok(texts)
}

/// Texts of a batch in which bad rows are reported, not raised (as the CLI's `predict`
/// does): for a row that cannot be labelled, why (`stancekit::input::text_problem`).
fn extract_rows(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<Result<String, String>>> {
    let mut rows = Vec::with_capacity(reserved(obj));
    iter_strings(obj, name, |_, text| {
        let text = text.unwrap_or_default();
        rows.push(match stancekit::input::text_problem(&text) {
            Some(problem) => Err(problem),
            None => Ok(text),
        });
        Ok(())
    })?;
    Ok(rows)
}

/// The message of a row whose scores overflow (a hand-edited model): its probabilities
/// would be NaN, so it gets this error and no prediction, as in the CLI.
const NON_FINITE: &str =
    "a model gave an infinite or undefined score, so no probabilities (its numbers overflow; retrain it)";

/// A trained stancekit model: one task, its labels, featurizer and classifier.
///
/// Get one with `stancekit.load(path)`, `stancekit.builtin(task)` or
/// `stancekit.train(texts, labels)`. Models are immutable and safe to share between
/// threads; batch methods release the GIL and run in parallel. Models pickle (as the
/// bytes of their model file), so they travel to worker processes.
#[pyclass(module = "stancekit", name = "Model", frozen)]
struct Model {
    inner: Arc<ModelFile>,
    /// Where it came from, for `repr` and messages.
    origin: String,
}

impl Model {
    fn new(model: ModelFile, origin: String) -> Model {
        Model { inner: Arc::new(model), origin }
    }
}

#[pymethods]
impl Model {
    /// The task name: the key of this model's predictions in `classify_article`.
    #[getter]
    fn task(&self) -> &str {
        &self.inner.task
    }

    /// Class labels, in the order of `predict_proba`'s columns.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.inner.labels.clone()
    }

    /// Class labels (scikit-learn's name for `labels`).
    #[getter]
    fn classes_(&self) -> Vec<String> {
        self.inner.labels.clone()
    }

    /// Number of feature columns (n-grams and cue columns).
    #[getter]
    fn n_features(&self) -> usize {
        self.inner.featurizer.n_features()
    }

    /// How the probabilities are calibrated: a dict with `temperature`, `offsets` (label
    /// -> offset), `folds`, `rows`, `log_loss_before` and `log_loss_after` (out of fold),
    /// or None for a model whose probabilities are the plain softmax of its scores.
    #[getter]
    fn calibration<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(c) = &self.inner.classifier.calibration else { return Ok(None) };
        let result = PyDict::new(py);
        result.set_item("temperature", c.temperature)?;
        let offsets = PyDict::new(py);
        for (label, offset) in self.inner.labels.iter().zip(&c.offsets) {
            offsets.set_item(label, offset)?;
        }
        result.set_item("offsets", offsets)?;
        result.set_item("folds", c.folds)?;
        result.set_item("rows", c.rows)?;
        result.set_item("log_loss_before", c.log_loss_before)?;
        result.set_item("log_loss_after", c.log_loss_after)?;
        Ok(Some(result))
    }

    /// How the label is taken beyond the highest score: a dict with `offsets` (label ->
    /// offset added to the score), `folds`, `rows`, `macro_f1_before` and
    /// `macro_f1_after` (out of fold), or None for a model whose label is the highest
    /// score (`train(decision="macro-f1")` chooses offsets).
    #[getter]
    fn decision<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(d) = &self.inner.classifier.decision else { return Ok(None) };
        let result = PyDict::new(py);
        let offsets = PyDict::new(py);
        for (label, offset) in self.inner.labels.iter().zip(&d.offsets) {
            offsets.set_item(label, offset)?;
        }
        result.set_item("offsets", offsets)?;
        result.set_item("folds", d.folds)?;
        result.set_item("rows", d.rows)?;
        result.set_item("macro_f1_before", d.macro_f1_before)?;
        result.set_item("macro_f1_after", d.macro_f1_after)?;
        Ok(Some(result))
    }

    /// Where the model came from: the path it was loaded from, `<bytes>` or `<train>`.
    #[getter]
    fn origin(&self) -> &str {
        &self.origin
    }

    /// The label of each text: the model's decision, the class of its highest score.
    /// For a calibrated model (`train` calibrates by default) this is not always the
    /// most probable class of `predict_proba`: the decision keeps the class weighting
    /// it was trained with (README, "Labels and probabilities").
    ///
    /// texts: an iterable of str (list, tuple, pandas Series, ...).
    /// Returns a list of str, one per text.
    /// Raises ValueError for an empty or blank text, TypeError for a non-str item.
    fn predict(&self, py: Python<'_>, texts: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        let texts = extract_texts(texts, "texts")?;
        let model = self.inner.clone();
        let (labels, _, unknown) = detached(py, move || checked_classify(&model, &texts)).map_err(input_error)?;
        warn_of_unknown_text(py, unknown)?;
        Ok(names_of(&self.inner, &labels))
    }

    /// Class probabilities of each text: a float64 array of shape (n_texts, n_labels),
    /// columns in the order of `labels`, rows summing to 1.
    ///
    /// Raises ValueError for an empty or blank text, TypeError for a non-str item.
    fn predict_proba<'py>(&self, py: Python<'py>, texts: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let texts = extract_texts(texts, "texts")?;
        let model = self.inner.clone();
        let (_, probabilities, unknown) =
            detached(py, move || checked_classify(&model, &texts)).map_err(input_error)?;
        warn_of_unknown_text(py, unknown)?;
        Ok(probabilities.into_pyarray(py))
    }

    /// Why the model labels `text` as it does: a dict with `label`, `probabilities`
    /// ({label: p}) and `explanation`, the `top` features that pushed hardest toward or
    /// away from the label, largest first, as [{"feature": str, "contribution": float}]
    /// (as `stancekit predict --explain N --format json` prints them).
    ///
    /// Raises ValueError for an empty text or a negative `top`.
    #[pyo3(signature = (text, top = 5))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
        #[pyo3(from_py_with = top_arg)] top: i128,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text =
            extract_text(text, "text", "explain takes one text; for several: [model.explain(t) for t in texts]")?;
        let top: usize = count("top", top, 0)?;
        stancekit::input::check_text(&text, || Location::file("text")).map_err(input_error)?;
        let model = self.inner.clone();
        let (row, unknown) = detached(py, move || -> PyResult<(Value, bool)> {
            let predictor = Predictor::new(vec![(*model).clone()]).map_err(input_error)?.with_explanations(top);
            let prediction = predictor.predict_row(&text);
            check_finite(std::slice::from_ref(&prediction), &Location::file("text"), false).map_err(input_error)?;
            let row = sentence_value(&prediction, RowOrigin { source: PYTHON_SOURCE, id: "text", line: None })?;
            Ok((row, prediction.unknown))
        })?;
        // An empty explanation of a text the model does not know, said as predict says it.
        warn_of_unknown_text(py, stancekit::predict::unknown_text_warning(usize::from(unknown), 1, false))?;
        let mut task =
            row.get("predictions").and_then(|p| p.get(self.inner.task.as_str())).cloned().unwrap_or(Value::Null);
        // `top=0` asks for no features, and gets an empty list as a text without features
        // does: the key is always there.
        if let Value::Object(fields) = &mut task {
            fields.entry("explanation").or_insert_with(|| Value::Array(Vec::new()));
        }
        to_python(py, &task)
    }

    /// Writes the model file to `path` atomically (a temporary file, then a rename), in
    /// the format `stancekit predict --model` reads.
    ///
    /// Raises ModelError when the file cannot be written.
    fn save(&self, py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<()> {
        let path =
            fs_path_named(path, "path", "save() was given", "the path to write the model to", ModelError::new_err)?;
        let model = self.inner.clone();
        detached(py, move || model.save(&path)).map_err(model_error)
    }

    /// The model file's bytes (what `save` writes).
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.to_bytes())
    }

    /// A model from the bytes of a model file, checked as `load` checks a file.
    ///
    /// Raises ModelError when the bytes are not a valid model of this version.
    #[staticmethod]
    #[pyo3(signature = (data, name = "<bytes>".to_string()))]
    #[pyo3(text_signature = "(data, name='<bytes>')")]
    fn from_bytes(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        #[pyo3(from_py_with = name_arg)] name: String,
    ) -> PyResult<Model> {
        // A file read in text mode (`open(path).read()`) gives a str: PyO3 said only
        // "Can't extract `str` to `Vec`".
        if data.is_instance_of::<PyString>() {
            return Err(PyTypeError::new_err(
                "data is a str, not bytes (read the model file in binary mode, open(path, \"rb\").read(), or load \
                 it by its path with stancekit.load(path))",
            ));
        }
        // None or a number: PyO3 said "'None' is not an instance of 'Sequence'".
        let data: Vec<u8> = data.extract().map_err(|_| type_error(data, "data", "bytes (a model file's bytes)"))?;
        let origin = name.clone();
        let model = detached(py, move || ModelFile::from_bytes(&data, Path::new(&origin))).map_err(model_error)?;
        Ok(Model::new(model, name))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let model = slf.get();
        let rebuild = py.get_type::<Model>().getattr("from_bytes")?;
        let bytes = PyBytes::new(py, &model.inner.to_bytes());
        let args = PyTuple::new(py, [bytes.into_any(), PyString::new(py, &model.origin).into_any()])?;
        Ok((rebuild, args))
    }

    fn __repr__(&self) -> String {
        format!(
            "Model(task={:?}, labels={:?}, n_features={}, origin={:?})",
            self.inner.task,
            self.inner.labels,
            self.inner.featurizer.n_features(),
            self.origin
        )
    }
}

/// The labels (class indices, the model's decision as the CLI's) and probabilities
/// (n x k) of many texts under one model, computed in parallel.
fn classify<S: AsRef<str> + Sync>(model: &ModelFile, texts: &[S]) -> (Vec<usize>, Array2<f64>) {
    model.classifier.classify_rows(&model.featurizer.transform(texts))
}

/// [`classify`], refusing a model whose scores overflow (as the CLI's error rows do)
/// rather than returning NaN; with the warning for texts the model does not know
/// ([`stancekit::predict::unknown_text_warning`]), if any.
fn checked_classify(model: &ModelFile, texts: &[String]) -> Result<(Vec<usize>, Array2<f64>, Option<String>), Error> {
    let x = model.featurizer.transform(texts);
    let (labels, probabilities) = model.classifier.classify_rows(&x);
    stancekit::predict::check_finite_rows(model, &probabilities, |i| Location::item("texts", i))?;
    let unknown = stancekit::predict::unknown_text_warning(model.featurizer.unknown_rows(&x), texts.len(), false);
    Ok((labels, probabilities, unknown))
}

/// `warning` as a Python `UserWarning`, as the CLI says it on stderr.
fn warn_of_unknown_text(py: Python<'_>, warning: Option<String>) -> PyResult<()> {
    if let Some(warning) = warning {
        let message = std::ffi::CString::new(warning).unwrap_or_default();
        PyErr::warn(py, &py.get_type::<pyo3::exceptions::PyUserWarning>(), &message, 1)?;
    }
    Ok(())
}

/// The names of class indices.
fn names_of(model: &ModelFile, classes: &[usize]) -> Vec<String> {
    classes.iter().map(|&c| model.labels.get(c).cloned().unwrap_or_default()).collect()
}

/// Loads a model file.
///
/// path: str, bytes or os.PathLike.
/// Raises ModelError when the file is missing, unreadable, damaged or of another
/// format version, with the CLI's message.
#[pyfunction]
fn load(py: Python<'_>, path: &Bound<'_, PyAny>) -> PyResult<Model> {
    let path = fs_path_named(path, "path", "load() was given", "the model file's path", ModelError::new_err)?;
    // A model's text passed as its path (`load(response.text)`): the message used to
    // quote all of it, megabytes, as a file name that does not exist.
    if path.to_str().is_some_and(|p| p.trim_start().starts_with('{')) && !path.exists() {
        return Err(ModelError::new_err(
            "load() takes the path of a model file, and was given a model's text (JSON starting with '{'): read \
             text with stancekit.Model.from_bytes(text.encode())",
        ));
    }
    let origin = path.display().to_string();
    let model = detached(py, move || ModelFile::load(&path)).map_err(model_error)?;
    Ok(Model::new(model, origin))
}

/// The shipped model file `path` of `task` (`stancekit.builtin`), refused as the CLI
/// refuses it when it holds another task's model.
#[pyfunction]
fn _load_builtin(py: Python<'_>, path: PathBuf, task: String) -> PyResult<Model> {
    let origin = path.display().to_string();
    let model = detached(py, || ModelFile::load(&path)).map_err(model_error)?;
    stancekit::shipped::check_task(&path, &task, &model.task, "load your models with stancekit.load")
        .map_err(|error| ModelError::new_err(message(&error)))?;
    Ok(Model::new(model, origin))
}

/// One JSON Lines row of the CLI for a sentence, parsed back.
fn sentence_value(prediction: &SentencePrediction, origin: RowOrigin<'_>) -> PyResult<Value> {
    let mut line = Vec::new();
    report::write_prediction(&mut line, Format::Json, origin, prediction)
        .map_err(|e| PyOSError::new_err(e.to_string()))?;
    serde_json::from_slice(&line).map_err(|e| PyValueError::new_err(e.to_string()))
}

/// A JSON value as plain Python objects (dict, list, str, int, float, bool, None).
fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, to_python(py, item)?)?;
            }
            dict.into_any()
        }
    })
}

/// The shipped tasks (`stancekit.BUILTIN_TASKS`), for messages.
const BUILTIN_TASKS: [&str; 3] = ["cooperation", "accusation", "sentiment"];

/// The models of a call, as shared handles; two models may not share a task, since the
/// task keys each model's predictions.
fn model_handles(models: &Bound<'_, PyAny>) -> PyResult<Vec<Arc<ModelFile>>> {
    let mut handles: Vec<Arc<ModelFile>> = Vec::new();
    // A task name or path is not a model here (stancekit.spark takes them): say how to
    // make one of it, naming the item.
    let not_a_model = |name: &str, item: &Bound<'_, PyAny>| {
        let type_name = python_type(item);
        let hint = match item.extract::<String>() {
            Ok(task) if BUILTIN_TASKS.contains(&task.as_str()) => {
                format!(": for the shipped model, pass stancekit.builtin(\"{task}\")")
            }
            Ok(_) => ": load a model file with stancekit.load(path)".to_string(),
            Err(_) => String::new(),
        };
        PyTypeError::new_err(format!(
            "{name} is {type_name}, not a Model (from stancekit.load, builtin or train){hint}"
        ))
    };
    if models.is_instance_of::<PyString>() || models.is_instance_of::<PyBytes>() {
        return Err(not_a_model("models", models));
    }
    let mut index = 0;
    let mut push = |item: &Bound<'_, PyAny>| -> PyResult<()> {
        let name = format!("models[{index}]");
        index += 1;
        let model = item.cast::<Model>().map_err(|_| not_a_model(&name, item))?;
        let inner = model.get().inner.clone();
        let tasks = handles.iter().chain([&inner]).map(|m| m.task.as_str());
        stancekit::predict::check_distinct_tasks(tasks).map_err(input_error)?;
        handles.push(inner);
        Ok(())
    };
    if models.cast::<Model>().is_ok() {
        push(models)?;
    } else {
        for item in models.try_iter().map_err(|_| not_a_model("models", models))? {
            push(&item?)?;
        }
    }
    if handles.is_empty() {
        return Err(PyValueError::new_err("no models given"));
    }
    Ok(handles)
}

/// The thread pool of this process's batch work, and the process it was built in.
static POOL: Mutex<Option<(u32, Arc<rayon::ThreadPool>)>> = Mutex::new(None);

/// This process's thread pool. Rayon's global pool is not used: a process forked after
/// it started (`multiprocessing`'s default on Linux, `os.fork`) holds a copy of the pool
/// without its threads, and its first batch call waited for them forever. A pool built in
/// another process is forgotten (dropping it would signal threads that do not exist) and
/// a new one built; its size is rayon's, `RAYON_NUM_THREADS` or one thread per core.
fn thread_pool() -> Option<Arc<rayon::ThreadPool>> {
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, pool)) = slot.as_ref() {
        if *owner == pid {
            return Some(pool.clone());
        }
    }
    if let Some(inherited) = slot.take() {
        std::mem::forget(inherited);
    }
    let pool = Arc::new(rayon::ThreadPoolBuilder::new().build().ok()?);
    *slot = Some((pid, pool.clone()));
    Some(pool)
}

/// Runs batch work without the GIL on this process's thread pool ([`thread_pool`]; on
/// the calling thread's rayon pool when no thread could be started).
fn detached<T: Send>(py: Python<'_>, work: impl FnOnce() -> T + Send) -> T {
    py.detach(|| match thread_pool() {
        Some(pool) => pool.install(work),
        None => work(),
    })
}

/// The last predictor built, kept so repeated calls with the same models do not copy
/// them again (a `Predictor` owns its models).
struct CachedPredictor {
    models: Vec<Arc<ModelFile>>,
    explain: usize,
    predictor: Arc<Predictor>,
}

static PREDICTOR: Mutex<Option<CachedPredictor>> = Mutex::new(None);

fn predictor_for(models: &[Arc<ModelFile>], explain: usize) -> stancekit::error::Result<Arc<Predictor>> {
    let mut cache = PREDICTOR.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(cached) = cache.as_ref() {
        if cached.explain == explain
            && cached.models.len() == models.len()
            && cached.models.iter().zip(models).all(|(a, b)| Arc::ptr_eq(a, b))
        {
            return Ok(cached.predictor.clone());
        }
    }
    let predictor =
        Arc::new(Predictor::new(models.iter().map(|m| (**m).clone()).collect())?.with_explanations(explain));
    *cache = Some(CachedPredictor { models: models.to_vec(), explain, predictor: predictor.clone() });
    Ok(predictor)
}

/// Splits an article into sentences and labels each with every model (a web page, by its
/// `<!doctype html>` or `<html>` start, as the text of its story). Returns a dict:
/// `sentences`, a list with one dict per sentence holding the fields of the CLI's JSON
/// Lines `sentence` rows, and `summary`, the CLI's `article` row.
#[pyfunction]
#[pyo3(signature = (text, models, id = "article".to_string(), explain = 0))]
fn classify_article<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    models: &Bound<'py, PyAny>,
    #[pyo3(from_py_with = id_arg)] id: String,
    #[pyo3(from_py_with = explain_arg)] explain: i128,
) -> PyResult<Bound<'py, PyDict>> {
    let several = "classify_article takes one article; for several: [classify_article(a) for a in articles], or \
                   model.predict for texts that are sentences already";
    let text = extract_text(text, "text", several)?;
    let explain: usize = count("explain", explain, 0)?;
    let handles = model_handles(models)?;
    stancekit::input::check_text(&text, || Location::file(&id)).map_err(input_error)?;
    // A web page (`requests.get(url).text`) is read as its story, as the CLI reads one.
    let text = stancekit::input::article_text(&text)
        .map_err(|problem| PyValueError::new_err(format!("{id}: text {problem}")))?
        .into_owned();
    let id_owned = id;
    let (sentences, summary, unknown) = detached(py, move || -> PyResult<(Vec<Value>, Value, Option<String>)> {
        let predictor = predictor_for(&handles, explain).map_err(input_error)?;
        let tasks: Vec<(String, Vec<String>)> =
            predictor.models().iter().map(|m| (m.task.clone(), m.labels.clone())).collect();
        // An article starts on line 1, as a text file given to the CLI does.
        let origin = RowOrigin { source: PYTHON_SOURCE, id: &id_owned, line: Some(1) };
        let predictions = predictor.predict_article(&text);
        check_finite(&predictions, &Location::file(&id_owned).at_line(1), true).map_err(input_error)?;
        let rows = predictions.iter().map(|p| sentence_value(p, origin)).collect::<PyResult<Vec<_>>>()?;
        let mut line = Vec::new();
        report::write_article(&mut line, Format::Json, origin, &summarize(&predictions, &tasks), &predictions)
            .map_err(|e| PyOSError::new_err(e.to_string()))?;
        let summary = serde_json::from_slice(&line).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let unknown = predictions.iter().filter(|p| p.unknown).count();
        Ok((rows, summary, stancekit::predict::unknown_text_warning(unknown, predictions.len(), false)))
    })?;
    // As the CLI says it: labels of text the models do not know are their leanings.
    warn_of_unknown_text(py, unknown)?;
    let result = PyDict::new(py);
    let list = PyList::empty(py);
    for row in &sentences {
        list.append(to_python(py, row)?)?;
    }
    result.set_item("sentences", list)?;
    result.set_item("summary", to_python(py, &summary)?)?;
    Ok(result)
}

/// One model's labels (None for rows without a prediction) and probabilities (n x k).
type TaskColumns<'py> = (Vec<Option<String>>, Bound<'py, PyArray2<f64>>);

/// Labels a batch of rows with several models without raising on bad rows, for
/// `stancekit.spark`. Returns `(errors, [(labels, probabilities), ...])`: `errors[i]` is
/// None or why row i has no prediction; `labels[i]` is None for such rows and their
/// probability row is NaN.
#[pyfunction]
fn _label_rows<'py>(
    py: Python<'py>,
    models: &Bound<'py, PyAny>,
    texts: &Bound<'py, PyAny>,
) -> PyResult<(Vec<Option<String>>, Vec<TaskColumns<'py>>)> {
    let handles = model_handles(models)?;
    let rows = extract_rows(texts, "texts")?;
    let errors: Vec<Option<String>> = rows.iter().map(|r| r.as_ref().err().cloned()).collect();
    let results = detached(py, move || {
        let good: Vec<&str> = rows.iter().filter_map(|r| r.as_ref().ok()).map(String::as_str).collect();
        handles
            .iter()
            .map(|model| {
                let (classes, computed) = classify(model, &good);
                let labels = names_of(model, &classes);
                let k = model.labels.len();
                let mut full = Array2::from_elem((rows.len(), k), f64::NAN);
                let mut full_labels = vec![None; rows.len()];
                let mut next = 0;
                for (i, row) in rows.iter().enumerate() {
                    if row.is_ok() {
                        full.row_mut(i).assign(&computed.row(next));
                        full_labels[i] = Some(labels[next].clone());
                        next += 1;
                    }
                }
                (full_labels, full)
            })
            .collect::<Vec<_>>()
    });
    // A row any model gave a non-finite probability is an error row for every model.
    let mut errors = errors;
    for (i, error) in errors.iter_mut().enumerate() {
        if error.is_none() && results.iter().any(|(_, p)| p.row(i).iter().any(|v| !v.is_finite())) {
            *error = Some(NON_FINITE.to_string());
        }
    }
    let results = results
        .into_iter()
        .map(|(mut labels, mut p)| {
            for (i, error) in errors.iter().enumerate() {
                if error.is_some() {
                    labels[i] = None;
                    p.row_mut(i).fill(f64::NAN);
                }
            }
            (labels, p.into_pyarray(py))
        })
        .collect();
    Ok((errors, results))
}

/// Splits a batch of articles into sentences and labels each, without raising on bad
/// rows, for `stancekit.spark`. Returns a dict of columns, one entry per sentence:
/// `row` (index of its article in `texts`), `sentence`, `start`, `end`, `text`,
/// `error`, and per model `(labels, probabilities)` under `predictions`. An article that
/// cannot be labelled gives one entry with its `error` and no sentence.
#[pyfunction]
fn _label_articles<'py>(
    py: Python<'py>,
    models: &Bound<'py, PyAny>,
    texts: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let handles = model_handles(models)?;
    let rows = extract_rows(texts, "texts")?;
    // A web page in a row (a crawl's HTML) is read as its story, as the CLI reads one.
    let rows: Vec<Result<String, String>> = rows
        .into_iter()
        .map(|row| {
            row.and_then(|text| match stancekit::input::article_text(&text) {
                Ok(std::borrow::Cow::Borrowed(_)) => Ok(text),
                Ok(std::borrow::Cow::Owned(story)) => Ok(story),
                Err(problem) => Err(format!("text {problem}")),
            })
        })
        .collect();
    let per_article: Vec<Option<Vec<SentencePrediction>>> = detached(py, || -> stancekit::error::Result<_> {
        let predictor = predictor_for(&handles, 0)?;
        Ok(rows.par_iter().map(|r| r.as_ref().ok().map(|text| predictor.predict_article(text))).collect())
    })
    .map_err(input_error)?;
    let n: usize = per_article.iter().map(|a| a.as_ref().map_or(1, Vec::len)).sum();
    let (mut row, mut sentence, mut start, mut end) = (Vec::with_capacity(n), Vec::new(), Vec::new(), Vec::new());
    let (mut text, mut error) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut labels: Vec<Vec<Option<String>>> = vec![Vec::with_capacity(n); handles.len()];
    let mut probabilities: Vec<Array2<f64>> =
        handles.iter().map(|m| Array2::from_elem((n, m.labels.len()), f64::NAN)).collect();
    let mut at = 0;
    for (i, article) in per_article.iter().enumerate() {
        let Some(sentences) = article else {
            row.push(i);
            sentence.push(None);
            start.push(None);
            end.push(None);
            text.push(None);
            error.push(rows.get(i).and_then(|r| r.as_ref().err()).map(String::as_str));
            labels.iter_mut().for_each(|l| l.push(None));
            at += 1;
            continue;
        };
        for s in sentences {
            row.push(i);
            sentence.push(Some(s.index));
            start.push(Some(s.start));
            end.push(Some(s.end));
            text.push(Some(s.text.as_str()));
            let finite = s.predictions.iter().all(|p| p.probabilities.iter().all(|(_, v)| v.is_finite()));
            error.push((!finite).then_some(NON_FINITE));
            for (m, p) in s.predictions.iter().enumerate() {
                labels[m].push(finite.then(|| p.label.clone()));
                if finite {
                    for (j, (_, value)) in p.probabilities.iter().enumerate() {
                        probabilities[m][[at, j]] = *value;
                    }
                }
            }
            at += 1;
        }
    }
    let columns = PyDict::new(py);
    columns.set_item("row", row)?;
    columns.set_item("sentence", sentence)?;
    columns.set_item("start", start)?;
    columns.set_item("end", end)?;
    columns.set_item("text", text)?;
    columns.set_item("error", error)?;
    let predictions = PyList::empty(py);
    for (l, p) in labels.into_iter().zip(probabilities) {
        predictions.append((l, p.into_pyarray(py)))?;
    }
    columns.set_item("predictions", predictions)?;
    Ok(columns)
}

/// Parses an option given as a string by the library's own (lowercase serde) names.
fn parse_choice<T: serde::de::DeserializeOwned>(name: &str, value: &str, expected: &str) -> PyResult<T> {
    serde_json::from_value(Value::String(value.to_string()))
        .map_err(|_| PyValueError::new_err(format!("invalid {name}: '{value}' (expected one of: {expected})")))
}

/// Trains a model, as `stancekit train` does, with the same options and defaults.
///
/// texts, labels: iterables of str of the same length; the classes are the sorted
/// distinct labels. Each keyword option is the `stancekit train` flag of the same name
/// (`ngram_max` is `--ngram-max`; `sublinear_tf=False` is `--no-sublinear-tf`,
/// `negation=False` is `--no-negation`, `nb_scale=False` is `--no-nb-scale`, `stem=False` is `--no-stem`,
/// `char_ngrams=(3, 5)` is `--char-ngrams 3-5`, `punctuation=False` is `--no-punctuation`), with the
/// CLI's default, shown in the signature; `sample_weight` weighs each row, as `--data-weight` weighs each file.
/// Returns a Model whose task is `task` (the CLI's default: the label column, `label`).
///
/// Raises ValueError for bad data or options (empty text, one class, n-gram range,
/// C <= 0, ...) with the CLI's message, and for a negative count (`min_df=-1`) naming
/// the parameter.
#[pyfunction]
#[pyo3(signature = (
    texts, labels, *, task = "label".to_string(), ngram_min = 1, ngram_max = 2, min_df = 2, max_features = None,
    weighting = "tfidf".to_string(), sublinear_tf = true, negation = true, lexicon = None, cue_ngrams = false, word_classes = None,
    cue_scale = 1.0, nb_scale = true, stem = true, char_ngrams = None, punctuation = true, c = 4.0, class_weight = "none".to_string(), max_iterations = 300, tolerance = 1e-3,
    tune = false, seed = 42, sample_weight = None, calibration_folds = 5, decision = "highest-score".to_string()
))]
// Written out: a default converted by `from_py_with` is shown as `...` otherwise.
#[pyo3(
    text_signature = "(texts, labels, *, task='label', ngram_min=1, ngram_max=2, min_df=2, max_features=None, weighting='tfidf', sublinear_tf=True, negation=True, lexicon=None, cue_ngrams=False, word_classes=None, cue_scale=1.0, nb_scale=True, stem=True, char_ngrams=None, punctuation=True, c=4.0, class_weight='none', max_iterations=300, tolerance=1e-3, tune=False, seed=42, sample_weight=None, calibration_folds=5, decision='highest-score')"
)]
#[allow(clippy::too_many_arguments)]
fn train(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    labels: &Bound<'_, PyAny>,
    #[pyo3(from_py_with = task_arg)] task: String,
    #[pyo3(from_py_with = ngram_min_arg)] ngram_min: i128,
    #[pyo3(from_py_with = ngram_max_arg)] ngram_max: i128,
    #[pyo3(from_py_with = min_df_arg)] min_df: i128,
    #[pyo3(from_py_with = max_features_arg)] max_features: Option<i128>,
    #[pyo3(from_py_with = weighting_arg)] weighting: String,
    #[pyo3(from_py_with = sublinear_tf_arg)] sublinear_tf: bool,
    #[pyo3(from_py_with = negation_arg)] negation: bool,
    lexicon: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = cue_ngrams_arg)] cue_ngrams: bool,
    word_classes: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = cue_scale_arg)] cue_scale: f64,
    #[pyo3(from_py_with = nb_scale_arg)] nb_scale: bool,
    #[pyo3(from_py_with = stem_arg)] stem: bool,
    #[pyo3(from_py_with = char_ngrams_arg)] char_ngrams: Option<(i128, i128)>,
    #[pyo3(from_py_with = punctuation_arg)] punctuation: bool,
    #[pyo3(from_py_with = c_arg)] c: f64,
    #[pyo3(from_py_with = class_weight_arg)] class_weight: String,
    #[pyo3(from_py_with = max_iterations_arg)] max_iterations: i128,
    #[pyo3(from_py_with = tolerance_arg)] tolerance: f64,
    #[pyo3(from_py_with = tune_arg)] tune: bool,
    #[pyo3(from_py_with = seed_arg)] seed: i128,
    sample_weight: Option<&Bound<'_, PyAny>>,
    #[pyo3(from_py_with = calibration_folds_arg)] calibration_folds: i128,
    #[pyo3(from_py_with = decision_arg)] decision: String,
) -> PyResult<Model> {
    // Beyond f32's range it would be `inf` in the library's message, a value not given.
    if cue_scale.is_finite() && cue_scale.abs() > f64::from(f32::MAX) {
        let max = stancekit::features::MAX_CUE_SCALE;
        return Err(PyValueError::new_err(format!(
            "invalid --cue-scale: {cue_scale:?} must be a number from 0 to {max}"
        )));
    }
    // As PyO3 converted it when the parameter was an f32.
    let cue_scale = cue_scale as f32;
    let (ngram_min, ngram_max): (usize, usize) = (count("ngram_min", ngram_min, 1)?, count("ngram_max", ngram_max, 1)?);
    let min_df: usize = count("min_df", min_df, 1)?;
    let max_features: Option<usize> = max_features.map(|n| count("max_features", n, 1)).transpose()?;
    let char_ngrams: Option<(usize, usize)> = match char_ngrams {
        Some((shortest, longest)) => {
            Some((count("char_ngrams[0]", shortest, 1)?, count("char_ngrams[1]", longest, 1)?))
        }
        None => None,
    };
    let max_iterations: usize = count("max_iterations", max_iterations, 1)?;
    let seed: u64 = count("seed", seed, 0)?;
    let calibration_folds: usize = count("calibration_folds", calibration_folds, 0)?;
    check_same_index(texts, labels, "labels")?;
    if let Some(weights) = sample_weight {
        check_same_index(texts, weights, "sample_weight")?;
    }
    let texts = extract_texts(texts, "texts")?;
    stancekit::input::check_task(&task, "task").map_err(input_error)?;
    let mut label_values = Vec::with_capacity(texts.len());
    iter_strings(labels, "labels", |index, label| {
        // The CLI's rule for a label cell (input::read_labelled).
        let label = label.unwrap_or_default();
        stancekit::input::check_label(&label, || Location::item("labels", index)).map_err(input_error)?;
        label_values.push(label);
        Ok(())
    })?;
    if texts.len() != label_values.len() {
        return Err(PyValueError::new_err(format!(
            "texts has {} items but labels has {} (one label per text)",
            texts.len(),
            label_values.len()
        )));
    }
    if let Some((odd, usual)) = stancekit::input::case_conflict(&label_values) {
        let label = |row: usize| label_values.get(row).cloned().unwrap_or_default();
        return Err(input_error(Error::LabelCase {
            location: Location::item("labels", odd),
            label: label(odd),
            other: format!(
                "'{}' (labels[{usual}]) only by {}",
                label(usual),
                stancekit::input::label_difference(&label(odd), &label(usual))
            ),
        }));
    }
    let weighting: Weighting = parse_choice("weighting", &weighting, "tfidf, binary")?;
    let class_weight: ClassWeight = parse_choice("class_weight", &class_weight, "none, balanced")?;
    let decision: DecisionRule = parse_choice("decision", &decision, "highest-score, macro-f1")?;
    let features = FeatureParams {
        ngram_min,
        ngram_max,
        min_df,
        max_features,
        weighting,
        sublinear_tf,
        negation,
        cue_scale,
        cue_ngrams,
        nb_scale,
        stem,
        char_ngrams: char_ngrams.map(|(shortest, longest)| [shortest, longest]),
        punctuation,
    };
    features.check().map_err(input_error)?;
    let trainer =
        LogisticParams::new().c(c).class_weight(class_weight).max_iterations(max_iterations).tolerance(tolerance);
    linfa::ParamGuard::check_ref(&trainer).map_err(input_error)?;
    let lexicon_file = lexicon
        .map(|path| {
            let what = "the lexicon's directory or cues file, or leave lexicon out";
            fs_path_named(path, "lexicon", "lexicon is", what, PyFileNotFoundError::new_err)
        })
        .transpose()?;
    let lexicon = lexicon_file
        .as_ref()
        .map(|path| Lexicon::load(path).map_err(|e| file_error("lexicon", path, e)))
        .transpose()?;
    let word_classes_file = word_classes
        .map(|path| {
            let what = "the word-classes file, or leave word_classes out";
            fs_path_named(path, "word_classes", "word_classes is", what, PyFileNotFoundError::new_err)
        })
        .transpose()?;
    let word_classes = word_classes_file
        .as_ref()
        .map(|path| WordClasses::load(path).map(Arc::new).map_err(|e| file_error("word classes", path, e)))
        .transpose()?;
    let weights = match sample_weight.map(extract_weights).transpose()? {
        None => vec![1.0; texts.len()],
        Some(w) if w.len() != texts.len() => {
            return Err(PyValueError::new_err(format!(
                "sample_weight has {} for {}",
                stancekit::error::counted(w.len(), "value"),
                stancekit::error::counted(texts.len(), "text")
            )))
        }
        Some(w) => {
            stancekit::pipeline::check_weights("sample_weight", &w).map_err(input_error)?;
            w
        }
    };
    // As the CLI: a lexicon or word classes that no training text uses add nothing, said
    // once the model has trained.
    let unused = [
        lexicon
            .as_ref()
            .zip(lexicon_file.as_ref())
            .and_then(|(lexicon, path)| lexicon.unused_warning(&format!("lexicon='{}'", path.display()), &texts)),
        word_classes
            .as_ref()
            .zip(word_classes_file.as_ref())
            .and_then(|(classes, path)| classes.unused_warning(&format!("word_classes='{}'", path.display()), &texts)),
    ];
    let options = TrainOptions { features, trainer, lexicon, word_classes, tune, seed, calibration_folds, decision };
    let command = vec![
        "stancekit.train".to_string(),
        format!("task={task}"),
        format!("ngram_min={ngram_min}"),
        format!("ngram_max={ngram_max}"),
        format!("min_df={min_df}"),
        format!("max_features={max_features:?}"),
        format!("weighting={weighting:?}"),
        format!("sublinear_tf={sublinear_tf}"),
        format!("negation={negation}"),
        format!("cue_ngrams={cue_ngrams}"),
        format!("word_classes={:?}", word_classes_file.as_ref().map(|p| p.display().to_string())),
        format!("cue_scale={cue_scale}"),
        format!("nb_scale={nb_scale}"),
        format!("stem={stem}"),
        format!("char_ngrams={char_ngrams:?}"),
        format!("punctuation={punctuation}"),
        format!("c={c}"),
        format!("class_weight={class_weight:?}"),
        format!("max_iterations={max_iterations}"),
        format!("tolerance={tolerance}"),
        format!("tune={tune}"),
        format!("seed={seed}"),
        format!("calibration_folds={calibration_folds}"),
        format!("decision={decision:?}"),
    ];
    let model = detached(py, move || {
        let examples = Examples::new(&texts, &label_values, Path::new("training data"))?.with_weights(weights);
        let provenance = Provenance {
            data: vec![PYTHON_SOURCE.to_string()],
            crate_version: stancekit_version(),
            command,
            ..Provenance::default()
        };
        train_model(&examples, &options, &task, provenance)
    })
    .map_err(input_error)?;
    // As the CLI's warnings: the model trains, its probabilities are the plain softmax,
    // its labels the highest score, or it gives every training row one label.
    let warnings = [
        model.metrics.uncalibrated_warning(),
        model.metrics.undecided_warning(),
        model.metrics.one_label_warning(),
        model.metrics.outweighed_warning(),
    ];
    for warning in unused.into_iter().chain(warnings).flatten() {
        let message = std::ffi::CString::new(warning).unwrap_or_default();
        PyErr::warn(py, &py.get_type::<pyo3::exceptions::PyUserWarning>(), &message, 1)?;
    }
    Ok(Model::new(model, "<train>".to_string()))
}

/// A path argument as Python's own file functions take one: a str, an os.PathLike, or
/// bytes, decoded as `os.fsdecode` does (`load(b"m.json")` raised PyO3's "'bytes' object
/// is not an instance of 'str'").
///
/// Anything else is a TypeError naming the argument `name`: PyO3's said "expected str,
/// bytes or os.PathLike object, not int", naming neither `lexicon` nor `word_classes`.
fn fs_path(path: &Bound<'_, PyAny>, name: &str) -> PyResult<PathBuf> {
    if path.is_instance_of::<PyBytes>() {
        return path.py().import("os")?.call_method1("fsdecode", (path,))?.extract();
    }
    path.extract().map_err(|_| type_error(path, name, "a str, bytes or os.PathLike path"))
}

/// [`fs_path`], refusing an empty path (`''`, as an unset setting or `os.environ.get(NAME,
/// "")` gives) with `error`'s exception: the file functions' messages used to start with
/// the empty name, `: No such file or directory (os error 2)` (`reading lexicon : : ...`).
/// `given` says what was given it (`load() was given`, `lexicon is`), `what` what to give.
fn fs_path_named(
    path: &Bound<'_, PyAny>,
    name: &str,
    given: &str,
    what: &str,
    error: impl FnOnce(String) -> PyErr,
) -> PyResult<PathBuf> {
    let path = fs_path(path, name)?;
    if path.as_os_str().is_empty() {
        return Err(error(format!("{given} an empty path ('' names no file; give {what})")));
    }
    Ok(path)
}

/// A file of `what` (a lexicon, word classes) that could not be read: an OSError of the
/// same kind when the file system refused it, a ValueError naming the line otherwise.
fn file_error(what: &str, path: &Path, error: Error) -> PyErr {
    let message = format!("{}: {error}", stancekit::error::reading(what, path, &error));
    match error {
        Error::Io { error: source, .. } => PyErr::from(std::io::Error::new(source.kind(), message)),
        _ => PyValueError::new_err(message),
    }
}

/// The version of the stancekit library this binding was built with.
fn stancekit_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The compiled half of the `stancekit` package; import `stancekit` instead.
#[pymodule]
fn _stancekit(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Model>()?;
    m.add("ModelError", m.py().get_type::<ModelError>())?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_function(wrap_pyfunction!(_load_builtin, m)?)?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add_function(wrap_pyfunction!(classify_article, m)?)?;
    m.add_function(wrap_pyfunction!(_label_rows, m)?)?;
    m.add_function(wrap_pyfunction!(_label_articles, m)?)?;
    m.add("__version__", stancekit_version())?;
    Ok(())
}
