//! Writing results. Input: predictions, metrics and model summaries. Output: text
//! tables for people or JSON Lines for programs, on any `Write`.
//!
//! # JSON Lines schema (version [`SCHEMA`])
//! Every line is one object with a `"type"`:
//! - `sentence`: `schema`, `source` (file or `-`), `id` (row id, or the file for an
//!   article), `line`, `sentence` (0-based index in the document), `start`, `end` (byte
//!   offsets in the document's text), `text`, and `predictions`: `{task: {"label": L,
//!   "probabilities": {label: p}}}` (with `--explain N`, also `"explanation":
//!   [{feature, contribution}]` per task), and `actors` (who accuses or denies whom, for
//!   sentences labelled accusation or denial); or, when the row could not be read,
//!   `error` (a message) and no `predictions`.
//! - `article` (with `--articles`, and for text files): `schema`, `source`, `id`,
//!   `n_sentences`, `counts`, `cooperative_share`, `adversarial_share`, `tone` (each
//!   `null` unless a `cooperation` model has the labels it needs: `cooperative`,
//!   `adversarial`, both for the tone), `top_accusation`, `top_denial`; or, when the article could not be read, `line`
//!   and `error` and none of the figures. An input that could not be read at all (a
//!   missing file, a CSV without the text column) is one such error row, `sentence`
//!   or `article` as its rows would have been, its `id` the file.
//! - `metrics`: `accuracy`, `macro_f1`, `n`, `classes`: `[{label, precision, recall,
//!   f1, support}]` (a figure of 0/0, such as the precision of a class never predicted,
//!   is `null`); when probabilities were scored (a model, or folds), `log_loss`, `brier`
//!   and `ece`; with `--folds`, also `folds`, `accuracy_mean`, `accuracy_std`,
//!   `macro_f1_mean`, `macro_f1_std`.
//! - `confusion`: `labels` and `counts[true][predicted]`.
//! - `fold`: `fold` (its number, from 1, as in the text output), `accuracy`, `macro_f1`, `n`.
//! - `model`: what `inspect` prints: header, provenance, metrics, `calibration`,
//!   `decision`, `top_features`.
//!
//! Adding fields keeps the schema number; renaming or removing one bumps it.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::eval::{ConfusionMatrix, ProbabilityScores};
use crate::model::ModelFile;
use crate::predict::{SentencePrediction, TaskPrediction};

/// Version of the JSON Lines schema above.
pub const SCHEMA: u32 = 1;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Text for people: predict's rows tab-separated (`column -t -s $'\t'` aligns them),
    /// the figures of eval, inspect and actors aligned with spaces.
    Text,
    /// JSON Lines for programs.
    Json,
}

/// Where a prediction row came from.
#[derive(Debug, Clone, Copy)]
pub struct RowOrigin<'a> {
    /// The input file (`-` for stdin).
    pub source: &'a str,
    /// The row's id or the article's file name.
    pub id: &'a str,
    /// 1-based line where the row starts, when known.
    pub line: Option<u64>,
}

/// Whether any of the 8 bytes of `chunk` needs escaping in a JSON string (`"`, `\\` or
/// below 0x20): three zero-byte tests on the word, exact as a yes or no.
fn needs_escape(chunk: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
    // A byte below 0x20 has no high bit and borrows when 0x20 is taken from it.
    let below_space = chunk.wrapping_sub(ONES * 0x20) & !chunk & HIGHS != 0;
    below_space || has_zero(chunk ^ (ONES * u64::from(b'"'))) || has_zero(chunk ^ (ONES * u64::from(b'\\')))
}

/// The JSON escape of byte `b`, or `None` when it stands as it is (as serde_json escapes).
fn escape_of(b: u8, buffer: &mut [u8; 6]) -> Option<&[u8]> {
    let hex = |digit: u8| b"0123456789abcdef".get(usize::from(digit)).copied().unwrap_or(b'0');
    Some(match b {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        0x08 => b"\\b",
        0x0C => b"\\f",
        0x00..=0x1F => {
            *buffer = [b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b & 0xF)];
            buffer
        }
        _ => return None,
    })
}

/// Writes `text` as a JSON string, escaped as serde_json escapes it (`"`, `\\`, and
/// control characters below 0x20 as `\n`-style or `\u00XX` escapes; everything else as
/// is): the text field is most of a row's bytes, so it is scanned 8 bytes at a time and
/// copied in runs.
fn write_json_str<W: Write + ?Sized>(out: &mut W, text: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let bytes = text.as_bytes();
    let mut plain = 0;
    let mut buffer = [0u8; 6];
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8).and_then(|c| <[u8; 8]>::try_from(c).ok()) {
            if !needs_escape(u64::from_le_bytes(chunk)) {
                i += 8;
                continue;
            }
        }
        let end = (i + 8).min(bytes.len());
        for (j, &b) in bytes.iter().enumerate().take(end).skip(i) {
            if let Some(escape) = escape_of(b, &mut buffer) {
                out.write_all(bytes.get(plain..j).unwrap_or_default())?;
                out.write_all(escape)?;
                plain = j + 1;
            }
        }
        i = end;
    }
    out.write_all(bytes.get(plain..).unwrap_or_default())?;
    out.write_all(b"\"")
}

/// Writes a number as serde_json does (its own float formatting, `null` when not finite).
fn write_json_f64<W: Write + ?Sized>(out: &mut W, value: f64) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::from)
}

/// Writes an integer in decimal, without the formatting machinery of `write!`.
fn write_json_u64<W: Write + ?Sized>(out: &mut W, mut value: u64) -> io::Result<()> {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        if let Some(slot) = digits.get_mut(start) {
            *slot = b'0' + (value % 10) as u8;
        }
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.write_all(digits.get(start..).unwrap_or_default())
}

/// [`write_json_u64`] of a `usize`.
fn write_json_usize<W: Write + ?Sized>(out: &mut W, value: usize) -> io::Result<()> {
    write_json_u64(out, value as u64)
}

/// Every model's answer, keyed by task, tasks in alphabetical order:
/// `{task: {"explanation": [...], "label": ..., "probabilities": {label: p}}}`, labels
/// sorted, probabilities rounded by [`round6`]. Already sorted lists (the usual case)
/// are written without sorting a copy.
fn write_task_rows<W: Write + ?Sized>(out: &mut W, predictions: &[TaskPrediction]) -> io::Result<()> {
    let sorted_copy;
    let tasks: &[TaskPrediction] = if predictions.is_sorted_by(|a, b| a.task <= b.task) {
        predictions
    } else {
        let mut copy: Vec<TaskPrediction> = predictions.to_vec();
        copy.sort_by(|a, b| a.task.cmp(&b.task));
        sorted_copy = copy;
        &sorted_copy
    };
    out.write_all(b"{")?;
    for (i, p) in tasks.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_json_str(out, &p.task)?;
        out.write_all(b":{")?;
        // Written whenever explanations were asked for, empty for a text without features
        // (only emoji or symbols): a reader of `--explain` rows can count on the key.
        if let Some(explanation) = &p.explanation {
            let explanation: Vec<ContributionRow<'_>> = explanation
                .iter()
                .map(|c| ContributionRow { contribution: round6(c.value), feature: &c.feature })
                .collect();
            out.write_all(b"\"explanation\":")?;
            serde_json::to_writer(&mut *out, &explanation).map_err(io::Error::from)?;
            out.write_all(b",")?;
        }
        out.write_all(b"\"label\":")?;
        write_json_str(out, &p.label)?;
        out.write_all(b",\"probabilities\":{")?;
        let mut write_probability = |j: usize, label: &str, value: f64| -> io::Result<()> {
            if j > 0 {
                out.write_all(b",")?;
            }
            write_json_str(out, label)?;
            out.write_all(b":")?;
            write_json_f64(out, round6(value))
        };
        if p.probabilities.is_sorted_by(|a, b| a.0 <= b.0) {
            for (j, (label, value)) in p.probabilities.iter().enumerate() {
                write_probability(j, label, *value)?;
            }
        } else {
            let mut sorted: Vec<(&str, f64)> = p.probabilities.iter().map(|(l, v)| (l.as_str(), *v)).collect();
            sorted.sort_by(|a, b| a.0.cmp(b.0));
            for (j, (label, value)) in sorted.into_iter().enumerate() {
                write_probability(j, label, value)?;
            }
        }
        out.write_all(b"}}")?;
    }
    out.write_all(b"}")
}

#[derive(Serialize)]
struct ContributionRow<'a> {
    contribution: f64,
    feature: &'a str,
}

/// Actor spans with offsets into the document.
#[derive(Serialize)]
struct ActorsRow<'a> {
    source: Option<SpanRow<'a>>,
    target: Option<SpanRow<'a>>,
}

#[derive(Serialize)]
struct SpanRow<'a> {
    end: usize,
    start: usize,
    text: &'a str,
}

impl<'a> ActorsRow<'a> {
    /// `base` is the sentence's offset in the document.
    fn new(actors: &'a crate::actors::Actors, base: usize) -> ActorsRow<'a> {
        let span = |s: &'a Option<crate::actors::Span>| {
            s.as_ref().map(|s| SpanRow { end: base + s.end, start: base + s.start, text: &s.text })
        };
        ActorsRow { source: span(&actors.source), target: span(&actors.target) }
    }
}

/// A sentence row of the JSON Lines output, written by hand (this is the hot path of
/// `predict`): fields in alphabetical order, the order every other row of the schema
/// uses, and the bytes serde_json wrote for them (a test holds the two equal).
fn write_sentence_json<W: Write + ?Sized>(
    out: &mut W,
    origin: RowOrigin<'_>,
    prediction: &SentencePrediction,
) -> io::Result<()> {
    out.write_all(b"{")?;
    if let Some(actors) = &prediction.actors {
        out.write_all(b"\"actors\":")?;
        serde_json::to_writer(&mut *out, &ActorsRow::new(actors, prediction.start)).map_err(io::Error::from)?;
        out.write_all(b",")?;
    }
    out.write_all(b"\"end\":")?;
    write_json_usize(out, prediction.end)?;
    out.write_all(b",\"id\":")?;
    write_json_str(out, origin.id)?;
    out.write_all(b",\"line\":")?;
    match origin.line {
        Some(line) => write_json_u64(out, line)?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"predictions\":")?;
    write_task_rows(out, &prediction.predictions)?;
    out.write_all(b",\"schema\":")?;
    write_json_u64(out, u64::from(SCHEMA))?;
    out.write_all(b",\"sentence\":")?;
    write_json_usize(out, prediction.index)?;
    out.write_all(b",\"source\":")?;
    write_json_str(out, origin.source)?;
    out.write_all(b",\"start\":")?;
    write_json_usize(out, prediction.start)?;
    out.write_all(b",\"text\":")?;
    write_json_str(out, &prediction.text)?;
    out.write_all(b",\"type\":\"sentence\"}\n")
}

/// Actor spans as JSON, with offsets into the document (`base` = the sentence's start).
fn actors_json(actors: &crate::actors::Actors, base: usize) -> Value {
    serde_json::to_value(ActorsRow::new(actors, base)).unwrap_or(Value::Null)
}

/// Writes an article's summary row.
///
/// # Errors
/// Any write error.
pub fn write_article(
    out: &mut dyn Write,
    format: Format,
    origin: RowOrigin<'_>,
    summary: &crate::predict::ArticleSummary,
    sentences: &[SentencePrediction],
) -> io::Result<()> {
    let highlight = |index: Option<usize>, label: &str| -> Value {
        let Some(s) = index.and_then(|i| sentences.get(i)) else { return Value::Null };
        let p = s.task(crate::predict::ACCUSATION_TASK).map_or(0.0, |p| p.probability(label));
        let mut v = json!({"sentence": s.index, "text": s.text, "probability": round6(p)});
        if let (Some(actors), Some(fields)) = (&s.actors, v.as_object_mut()) {
            fields.insert("actors".into(), actors_json(actors, s.start));
        }
        v
    };
    match format {
        Format::Json => {
            let counts: Map<String, Value> = summary
                .counts
                .iter()
                .map(|(task, per)| {
                    (task.clone(), Value::Object(per.iter().map(|(l, n)| (l.clone(), json!(n))).collect()))
                })
                .collect();
            writeln!(
                out,
                "{}",
                json!({
                    "type": "article", "schema": SCHEMA, "source": origin.source, "id": origin.id,
                    "n_sentences": summary.n_sentences, "counts": counts,
                    "cooperative_share": summary.cooperative_share.map(round6),
                    "adversarial_share": summary.adversarial_share.map(round6),
                    "tone": summary.tone.map(round6),
                    "top_accusation": highlight(summary.top_accusation, "accusation"),
                    "top_denial": highlight(summary.top_denial, "denial"),
                })
            )
        }
        Format::Text => {
            writeln!(out, "# article {} ({} {})", one_line(origin.id), summary.n_sentences, summary.sentence_noun())?;
            for (task, per) in &summary.counts {
                let parts: Vec<String> = per.iter().map(|(l, n)| format!("{l} {n}")).collect();
                writeln!(out, "#   {task}: {}", parts.join(", "))?;
            }
            if let (Some(tone), Some(c), Some(a)) = (summary.tone, summary.cooperative_share, summary.adversarial_share)
            {
                writeln!(out, "#   tone {tone:+.3} (cooperative {:.0}%, adversarial {:.0}%)", 100.0 * c, 100.0 * a)?;
            }
            for (name, index) in [("accusation", summary.top_accusation), ("denial", summary.top_denial)] {
                if let Some(s) = index.and_then(|i| sentences.get(i)) {
                    writeln!(out, "#   top {name}: {}{}", one_line(&s.text), actors_text(s.actors.as_ref()))?;
                }
            }
            Ok(())
        }
    }
}

/// " [source -> target]" for text output, or "" without actors.
fn actors_text(actors: Option<&crate::actors::Actors>) -> String {
    let Some(a) = actors else { return String::new() };
    let source = a.source.as_ref().map_or_else(|| "(unsaid)".to_string(), |x| one_line(&x.text));
    match &a.target {
        Some(t) => format!(" [{source} -> {}]", one_line(&t.text)),
        None => format!(" [{source}]"),
    }
}

/// Probabilities rounded to 6 decimals: enough to rank and to sum to 1 within 1e-5,
/// and stable across platforms.
fn round6(v: f64) -> f64 {
    let rounded = (v * 1e6).round() / 1e6;
    // A small negative value rounds to -0.0, which JSON and text wrote as `-0.0`, a
    // contribution or tone that looked negative.
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

/// Writes the header of a text prediction table.
///
/// # Errors
/// Any write error (a closed pipe included).
pub fn write_prediction_header(out: &mut dyn Write, tasks: &[String]) -> io::Result<()> {
    let mut header = String::from("id\tsentence");
    for task in tasks {
        header.push_str(&format!("\t{task}\tp"));
    }
    header.push_str("\ttext");
    writeln!(out, "{header}")
}

/// Writes one prediction row.
///
/// # Errors
/// Any write error.
///
/// Generic over the writer so that rows rendered into a `Vec<u8>` (the CLI's and the
/// Python binding's case) serialise without a dynamic call per JSON token.
pub fn write_prediction<W: Write + ?Sized>(
    out: &mut W,
    format: Format,
    origin: RowOrigin<'_>,
    prediction: &SentencePrediction,
) -> io::Result<()> {
    match format {
        Format::Json => write_sentence_json(out, origin, prediction),
        Format::Text => {
            let mut line = format!("{}\t{}", one_line(origin.id), prediction.index);
            for p in &prediction.predictions {
                let best = p.probabilities.iter().find(|(l, _)| *l == p.label).map_or(0.0, |x| x.1);
                line.push_str(&format!("\t{}\t{:.3}", p.label, best));
            }
            line.push('\t');
            line.push_str(&one_line(&prediction.text));
            // Actors stay on the row, so text output keeps one line per input row.
            line.push_str(&actors_text(prediction.actors.as_ref()));
            writeln!(out, "{line}")?;
            for p in &prediction.predictions {
                let Some(explanation) = p.explanation.as_ref().filter(|e| !e.is_empty()) else { continue };
                let parts: Vec<String> =
                    explanation.iter().map(|c| format!("{} {:+.3}", one_line(&c.feature), c.value)).collect();
                writeln!(out, "\t\twhy {}={}: {}", p.task, p.label, parts.join(", "))?;
            }
            Ok(())
        }
    }
}

/// Writes the row of an input record that could not be read: typed `article` when
/// it was to be read as an article (so a filter on article rows keeps it), else
/// `sentence`.
///
/// # Errors
/// Any write error.
pub fn write_prediction_error(
    out: &mut dyn Write,
    format: Format,
    origin: RowOrigin<'_>,
    is_article: bool,
    error: &str,
    n_tasks: usize,
) -> io::Result<()> {
    let kind = if is_article { "article" } else { "sentence" };
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            json!({"type": kind, "schema": SCHEMA, "source": origin.source, "id": origin.id, "line": origin.line, "error": error})
        ),
        Format::Text => {
            let blanks = "\t-\t-".repeat(n_tasks);
            writeln!(out, "{}\t-{blanks}\terror: {}", one_line(origin.id), one_line(error))
        }
    }
}

/// `text` as one field of a tab-separated line: runs of whitespace (tabs and line
/// breaks included) become one space, and other control characters are escaped as
/// `\u{1b}`, so no id or text can split a row or send a terminal escape sequence.
fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if c.is_control() {
                line.extend(c.escape_unicode());
            } else {
                line.push(c);
            }
        }
    }
    line
}

fn classes_json(matrix: &ConfusionMatrix) -> Value {
    Value::Array(
        matrix
            .per_class()
            .iter()
            .map(|m| json!({"label": m.label, "precision": m.precision, "recall": m.recall, "f1": m.f1, "support": m.support}))
            .collect(),
    )
}

/// Per-fold figures of a cross-validation.
#[derive(Debug, Clone, Copy)]
pub struct FoldSummary {
    /// Number of folds.
    pub folds: usize,
    /// Mean and standard deviation of fold accuracies.
    pub accuracy: (f64, f64),
    /// Mean and standard deviation of fold macro-F1.
    pub macro_f1: (f64, f64),
}

/// Whose probabilities an evaluation's probability scores (log loss, Brier, ECE) are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoredProbabilities {
    /// Calibrated ones, as `train` writes by default.
    Calibrated,
    /// The softmax of the scores of fold models `eval --folds` left uncalibrated (its
    /// default, which changes no label and saves 5 fits a fold).
    UncalibratedFolds,
    /// Calibrated fold models pooled with the softmax of some that could not be
    /// calibrated (too few rows of a class; `eval` warns of them).
    PartlyCalibratedFolds,
    /// The softmax of the scores of a model trained or given without calibration.
    Uncalibrated,
}

impl ScoredProbabilities {
    /// What the text output says of uncalibrated probabilities, under the figures.
    fn note(self) -> Option<&'static str> {
        match self {
            ScoredProbabilities::Calibrated => None,
            ScoredProbabilities::UncalibratedFolds => Some(
                "(of fold models left uncalibrated, eval --folds' default: --calibration-folds 5 scores calibrated \
                 ones, as train writes them)",
            ),
            ScoredProbabilities::PartlyCalibratedFolds => {
                Some("(of fold models some of which could not be calibrated: their softmax is pooled with the rest)")
            }
            ScoredProbabilities::Uncalibrated => Some("(of an uncalibrated model: the softmax of its scores)"),
        }
    }
}

/// Writes evaluation metrics: the (pooled) matrix's figures, the per-fold ones if any,
/// and the confusion matrix. A per-class figure of 0/0 is `n/a` in text and `null` in
/// JSON, never 0: "precision 0" would say every prediction of the class was wrong.
/// Probability scores say whose probabilities they are: ECE 0.13 from uncalibrated
/// fold models would read as a flaw of the model `train` writes, which calibrates.
///
/// # Errors
/// Any write error.
pub fn write_metrics(
    out: &mut dyn Write,
    format: Format,
    matrix: &ConfusionMatrix,
    folds: &[ConfusionMatrix],
    summary: Option<FoldSummary>,
    probability: Option<(ProbabilityScores, ScoredProbabilities)>,
) -> io::Result<()> {
    match format {
        Format::Json => {
            // Folds count from 1, as in the text output, the messages and `--predictions`.
            for (fold, m) in (1..).zip(folds) {
                writeln!(
                    out,
                    "{}",
                    json!({"type": "fold", "fold": fold, "accuracy": m.accuracy(), "macro_f1": m.macro_f1(), "n": m.total()})
                )?;
            }
            let mut metrics = json!({
                "type": "metrics", "accuracy": matrix.accuracy(), "macro_f1": matrix.macro_f1(), "n": matrix.total(),
                "classes": classes_json(matrix),
            });
            if let (Some((label, accuracy)), Some(obj)) = (matrix.majority(), metrics.as_object_mut()) {
                obj.insert("majority".into(), json!({"label": label, "accuracy": accuracy}));
            }
            if let (Some(s), Some(obj)) = (summary, metrics.as_object_mut()) {
                obj.insert("folds".into(), json!(s.folds));
                obj.insert("accuracy_mean".into(), json!(s.accuracy.0));
                obj.insert("accuracy_std".into(), json!(s.accuracy.1));
                obj.insert("macro_f1_mean".into(), json!(s.macro_f1.0));
                obj.insert("macro_f1_std".into(), json!(s.macro_f1.1));
            }
            if let (Some((p, of)), Some(obj)) = (probability, metrics.as_object_mut()) {
                obj.insert("log_loss".into(), json!(p.log_loss));
                obj.insert("brier".into(), json!(p.brier));
                obj.insert("ece".into(), json!(p.ece));
                obj.insert("calibrated".into(), json!(of == ScoredProbabilities::Calibrated));
            }
            writeln!(out, "{metrics}")?;
            writeln!(out, "{}", json!({"type": "confusion", "labels": matrix.labels, "counts": matrix.counts}))
        }
        Format::Text => {
            for (i, m) in folds.iter().enumerate() {
                writeln!(
                    out,
                    "fold {:>2}: accuracy {:.4}  macro-F1 {:.4}  (n = {})",
                    i + 1,
                    m.accuracy(),
                    m.macro_f1(),
                    m.total()
                )?;
            }
            if let Some(s) = summary {
                writeln!(
                    out,
                    "{} folds: accuracy {:.4} ± {:.4}  macro-F1 {:.4} ± {:.4}",
                    s.folds, s.accuracy.0, s.accuracy.1, s.macro_f1.0, s.macro_f1.1
                )?;
                writeln!(out, "pooled over folds:")?;
            }
            writeln!(
                out,
                "accuracy  {:.4}\nmacro-F1  {:.4}\nrows      {}",
                matrix.accuracy(),
                matrix.macro_f1(),
                matrix.total()
            )?;
            if let Some((label, accuracy)) = matrix.majority() {
                writeln!(
                    out,
                    "majority  {accuracy:.4} (the accuracy of labelling every row '{label}', the commonest class)"
                )?;
            }
            if let Some((p, of)) = probability {
                writeln!(out, "log-loss  {:.4}\nBrier     {:.4}\nECE       {:.4}", p.log_loss, p.brier, p.ece)?;
                if let Some(note) = of.note() {
                    writeln!(out, "          {note}")?;
                }
            }
            writeln!(out)?;
            let width = matrix.labels.iter().map(String::len).max().unwrap_or(5).max(5);
            writeln!(out, "{:<width$}  precision  recall      f1  support", "class")?;
            for m in matrix.per_class() {
                let (precision, recall, f1) = (figure(m.precision), figure(m.recall), figure(m.f1));
                writeln!(out, "{:<width$}  {precision:>9}  {recall:>6}  {f1:>6}  {:>7}", m.label, m.support)?;
            }
            writeln!(out, "\nconfusion matrix (rows: true, columns: predicted)")?;
            let cell = width.max(7);
            write!(out, "{:<width$}", "")?;
            for l in &matrix.labels {
                write!(out, "  {l:>cell$}")?;
            }
            writeln!(out)?;
            for (l, row) in matrix.labels.iter().zip(&matrix.counts) {
                write!(out, "{l:<width$}")?;
                for c in row {
                    write!(out, "  {c:>cell$}")?;
                }
                writeln!(out)?;
            }
            Ok(())
        }
    }
}

/// The `top` largest weights of each class, as (feature name, weight).
pub fn top_features(model: &ModelFile, top: usize) -> Vec<(String, Vec<(String, f32)>)> {
    model
        .labels
        .iter()
        .zip(&model.classifier.weights)
        .map(|(label, row)| {
            let best = largest(row, top).into_iter().map(|(j, w)| (model.featurizer.feature_name(j), w)).collect();
            (label.clone(), best)
        })
        .collect()
}

/// The `top` largest values with their positions, largest first, ties in position order.
/// That is a total order, so selecting the top ones and sorting only them gives what a
/// sort of all would: sorting every weight was most of `inspect`'s time.
fn largest(values: &[f32], top: usize) -> Vec<(usize, f32)> {
    let by_value = |(a, va): &(usize, f32), (b, vb): &(usize, f32)| vb.total_cmp(va).then(a.cmp(b));
    let mut order: Vec<(usize, f32)> = values.iter().copied().enumerate().collect();
    if top < order.len() {
        order.select_nth_unstable_by(top, by_value);
        order.truncate(top);
    }
    order.sort_by(by_value);
    order
}

/// Writes what `inspect` shows: header, provenance, settings, metrics, top features.
///
/// # Errors
/// Any write error.
pub fn write_inspection(
    out: &mut dyn Write,
    format: Format,
    path: &str,
    model: &ModelFile,
    top: usize,
) -> io::Result<()> {
    let features = top_features(model, top);
    let p = &model.provenance;
    let f = &model.featurizer;
    match format {
        Format::Json => {
            let top_json: Map<String, Value> = features
                .iter()
                .map(|(l, list)| {
                    (l.clone(), Value::Array(list.iter().map(|(n, w)| json!({"feature": n, "weight": w})).collect()))
                })
                .collect();
            writeln!(
                out,
                "{}",
                json!({
                    "type": "model", "path": path, "format": model.format, "version": model.version, "task": model.task,
                    "labels": model.labels, "provenance": p, "features": f.params, "trainer": model.trainer,
                    "n_ngrams": f.n_ngrams(), "n_features": f.n_features(), "cue_categories": f.categories,
                    "n_cues": f.lexicon.as_ref().map_or(0, |l| l.cues.len()),
                    "word_classes": f.word_classes.as_ref().map(|c| json!({"words": c.n_words(), "classes": c.n_classes()})),
                    "metrics": model.metrics, "iterations": model.classifier.iterations, "converged": model.classifier.converged,
                    "calibration": model.classifier.calibration, "decision": model.classifier.decision,
                    "top_features": top_json,
                })
            )
        }
        Format::Text => {
            // A file name with a tab or a line break (`bu\tsi\nness.csv`) is written escaped,
            // as predict writes ids: it used to break its line of the aligned text in two.
            let escape = crate::input::escape_controls;
            writeln!(
                out,
                "model      {}\nformat     {} version {}\ntask       {}",
                escape(path),
                model.format,
                model.version,
                model.task
            )?;
            let counts: Vec<String> =
                model.labels.iter().zip(&p.label_counts).map(|(l, n)| format!("{l} {n}")).collect();
            writeln!(out, "labels     {}", counts.join(", "))?;
            let data: Vec<String> = p.data.iter().map(|d| escape(d)).collect();
            // A model trained through the library may carry no data files or command:
            // said so, rather than a line ending in "from".
            if data.is_empty() {
                writeln!(out, "trained on {} rows (data files not recorded)", p.n_rows)?;
            } else {
                writeln!(out, "trained on {} rows from {}", p.n_rows, data.join(", "))?;
            }
            for (d, h) in data.iter().zip(&p.data_sha256) {
                writeln!(out, "           {d} sha256 {h}")?;
            }
            writeln!(out, "duplicates {} (text, label) rows repeated", p.n_duplicates)?;
            writeln!(out, "seed       {}   stancekit {}", p.seed, p.crate_version)?;
            let command: Vec<String> = p.command.iter().map(|a| escape(a)).collect();
            if command.is_empty() {
                writeln!(out, "command    (not recorded)")?;
            } else {
                writeln!(out, "command    {}", command.join(" "))?;
            }
            let p = &f.params;
            let mut settings = vec![format!(
                "{}..{}-grams of {}{}",
                p.ngram_min,
                p.ngram_max,
                if p.stem { "stems" } else { "words" },
                if p.punctuation { " and punctuation marks" } else { "" }
            )];
            if let Some([shortest, longest]) = p.char_ngrams {
                settings.push(format!("character {shortest}..{longest}-grams"));
            }
            settings.push(format!("min_df {}", p.min_df));
            settings.push(format!("{}{}", flag_spelling(&p.weighting), if p.sublinear_tf { " sublinear" } else { "" }));
            settings.push(format!("negation {}", p.negation));
            settings.push(format!("NB scaling {}", p.nb_scale));
            settings.push(format!("cue n-grams {}", p.cue_ngrams));
            if let Some(classes) = &f.word_classes {
                settings.push(format!("word classes ({} words, {} classes)", classes.n_words(), classes.n_classes()));
            }
            writeln!(
                out,
                "features   {}, {} n-grams + {} cue columns ({} cues)",
                settings.join(", "),
                f.n_ngrams(),
                2 * f.categories.len(),
                f.lexicon.as_ref().map_or(0, |l| l.cues.len())
            )?;
            writeln!(
                out,
                "trainer    logistic regression, C {}, class weight {}, {}{}",
                crate::error::shown_number(model.trainer.c),
                flag_spelling(&model.trainer.class_weight),
                crate::error::counted(model.classifier.iterations, "iteration"),
                if model.classifier.converged { "" } else { " (not converged)" }
            )?;
            writeln!(
                out,
                "training   accuracy {:.4}, macro-F1 {:.4} (on its own rows)",
                model.metrics.train_accuracy, model.metrics.train_macro_f1
            )?;
            for (c, acc) in &model.metrics.tuning {
                writeln!(out, "tuning     C {c}: cv accuracy {acc:.4}")?;
            }
            match &model.classifier.calibration {
                Some(c) => {
                    let offsets: Vec<String> =
                        model.labels.iter().zip(&c.offsets).map(|(l, b)| format!("{l} {b:+.3}")).collect();
                    writeln!(
                        out,
                        "calibrated temperature {:.3}, offsets {}; out-of-fold log loss {:.4} -> {:.4} ({} folds, {} rows)",
                        c.temperature,
                        offsets.join(", "),
                        c.log_loss_before,
                        c.log_loss_after,
                        c.folds,
                        c.rows
                    )?;
                }
                None => {
                    let why =
                        model.metrics.uncalibrated_because.as_deref().map(|w| format!("; {w}")).unwrap_or_default();
                    writeln!(out, "calibrated no (probabilities are the softmax of the scores{why})")?;
                }
            }
            if let Some(d) = &model.classifier.decision {
                let offsets: Vec<String> =
                    model.labels.iter().zip(&d.offsets).map(|(l, b)| format!("{l} {b:+.3}")).collect();
                writeln!(
                    out,
                    "decision   highest score plus offsets {}; out-of-fold macro-F1 {:.4} -> {:.4} ({} folds, {} rows)",
                    offsets.join(", "),
                    d.macro_f1_before,
                    d.macro_f1_after,
                    d.folds,
                    d.rows
                )?;
            } else if let Some(why) = &model.metrics.undecided_because {
                writeln!(out, "decision   highest score (no macro-F1 offsets: {why})")?;
            }
            // `--top 0` asks for none: no empty headings either.
            for (label, list) in features.into_iter().filter(|(_, list)| !list.is_empty()) {
                writeln!(out, "\ntop features of '{label}':")?;
                for (name, w) in list {
                    writeln!(out, "  {w:>8.4}  {name}")?;
                }
            }
            Ok(())
        }
    }
}

/// Writes rebuilt span rows as a training CSV: `id` (dataset:doc_id:start), `doc`
/// (dataset:doc_id, for grouped cross-validation), `text`, then one column per task,
/// named by `tasks` (given, so that a split with no rows still names them). Each row's
/// labels are in the order of `tasks`, as [`crate::input::read_span_rows`] gives them.
///
/// # Errors
/// Any write error.
pub fn write_span_csv(out: &mut dyn Write, tasks: &[String], rows: &[&crate::input::SpanRow]) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec!["id".to_string(), "doc".to_string(), "text".to_string()];
    header.extend(tasks.iter().cloned());
    writer.write_record(&header).map_err(csv_error)?;
    for row in rows {
        let mut record = vec![
            format!("{}:{}:{}", row.dataset, row.doc_id, row.start),
            format!("{}:{}", row.dataset, row.doc_id),
            row.text.clone(),
        ];
        record.extend(row.labels.iter().map(|(_, label)| label.clone()));
        writer.write_record(&record).map_err(csv_error)?;
    }
    writer.flush()
}

/// The I/O error inside a csv writer's error, its kind kept: csv's own conversion makes
/// every error `Other`, so a reader that went away (`--out /dev/stdout | head`) was not
/// known as a broken pipe.
fn csv_error(error: csv::Error) -> io::Error {
    if !error.is_io_error() {
        return io::Error::other(error);
    }
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        kind => io::Error::other(format!("{kind:?}")),
    }
}

/// One tested row of `eval --predictions`.
#[derive(Debug, Clone)]
pub struct TestedRecord<'a> {
    /// The file the row came from.
    pub file: &'a std::path::Path,
    /// Its 1-based line there.
    pub line: u64,
    /// The cross-validation fold that tested it (from 1); `None` for a held-out test.
    pub fold: Option<usize>,
    /// Its label in the data.
    pub label: &'a str,
    /// The label it was given.
    pub predicted: &'a str,
    /// The probability of each label, in the header's order; `None` without a model
    /// (`--keyword-rule`).
    pub probabilities: Option<&'a [f64]>,
    /// Its text.
    pub text: &'a str,
}

/// Writes the rows behind an `eval` figure as CSV, one per tested row:
/// `file,line,fold,label,predicted,correct,p_LABEL...,text` (`fold` empty for a held-out
/// test, `p_` cells empty without probabilities, `correct` `true` or `false`).
///
/// # Errors
/// Any write error.
pub fn write_tested_csv<'a>(
    out: &mut dyn Write,
    labels: &[String],
    rows: impl IntoIterator<Item = TestedRecord<'a>>,
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header: Vec<String> =
        ["file", "line", "fold", "label", "predicted", "correct"].iter().map(|s| s.to_string()).collect();
    header.extend(labels.iter().map(|label| format!("p_{label}")));
    header.push("text".into());
    writer.write_record(&header).map_err(csv_error)?;
    for row in rows {
        let mut record = vec![
            crate::input::path_text(row.file),
            row.line.to_string(),
            row.fold.map_or_else(String::new, |fold| fold.to_string()),
            row.label.to_string(),
            row.predicted.to_string(),
            (row.label == row.predicted).to_string(),
        ];
        match row.probabilities {
            Some(probabilities) => record.extend(probabilities.iter().map(|&p| round6(p).to_string())),
            None => record.extend(labels.iter().map(|_| String::new())),
        }
        record.push(row.text.to_string());
        writer.write_record(&record).map_err(csv_error)?;
    }
    writer.flush()
}

/// Writes one sentence whose extracted spans differ from the gold ones (`actors
/// --show-errors --format json`): `{"type": "actors_error", "data", "line", "text", "got":
/// {"source", "target"}, "gold": {"source", "target"}}`, an empty string for no span.
///
/// # Errors
/// Any write error.
pub fn write_span_error(
    out: &mut dyn Write,
    data: &str,
    row: &crate::input::ActorRow,
    source: &str,
    target: &str,
) -> io::Result<()> {
    let value = json!({"type": "actors_error", "data": data, "line": row.line, "text": row.text,
        "got": {"source": source, "target": target}, "gold": {"source": row.source, "target": row.target}});
    writeln!(out, "{value}")
}

/// A figure to 4 decimals, or `n/a` for one of 0/0 (`None`).
fn figure(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |x| format!("{x:.4}"))
}

/// Writes precision and recall of extracted actor spans; a figure of 0/0 is `n/a` in
/// text and `null` in JSON.
///
/// # Errors
/// Any write error.
pub fn write_span_scores(
    out: &mut dyn Write,
    format: Format,
    scores: &[(&str, crate::actors::SpanScore)],
) -> io::Result<()> {
    for (role, s) in scores {
        match format {
            Format::Json => writeln!(
                out,
                "{}",
                json!({"type": "actors", "role": role, "precision": s.precision(), "recall": s.recall(),
                       "n_gold": s.n_gold, "n_predicted": s.n_predicted, "n_correct": s.n_correct})
            )?,
            Format::Text => writeln!(
                out,
                "{role:<7} precision {} ({}/{})  recall {} ({}/{})",
                figure(s.precision()),
                s.n_correct,
                s.n_predicted,
                figure(s.recall()),
                s.n_correct,
                s.n_gold
            )?,
        }
    }
    Ok(())
}

/// A setting as its flag's value is written (`tfidf`, `balanced`), not as Rust names it.
fn flag_spelling<T: clap::ValueEnum>(value: &T) -> String {
    value.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string())
}

/// The table `predict --format csv` writes, for a spreadsheet, R or pandas: a header, then
/// one row per sentence (or, with `--summary-only`, per article) with the same cells in
/// every row, so every class's probability has a column of its own. The columns follow
/// from the models, fixed before the first row.
#[derive(Debug, Clone)]
pub struct CsvTable {
    /// Each model's task and labels, in the models' order.
    tasks: Vec<(String, Vec<String>)>,
    /// Whether explanations were asked for: a `TASK_why` column a task.
    explain: bool,
    /// Rows of articles (`--summary-only`) rather than of sentences.
    articles: bool,
}

impl CsvTable {
    /// The table for these models' `tasks` (task, labels), with a `TASK_why` column a
    /// task when `explain`, of article summaries when `articles`.
    pub fn new(tasks: &[(String, Vec<String>)], explain: bool, articles: bool) -> CsvTable {
        CsvTable { tasks: tasks.to_vec(), explain, articles }
    }

    /// Whether the accuser and accused have columns: an `accusation` model runs.
    fn has_actors(&self) -> bool {
        self.tasks.iter().any(|(task, _)| task == crate::predict::ACCUSATION_TASK)
    }

    /// The column names.
    fn header(&self) -> Vec<String> {
        let (mut header, after) = self.fixed_columns();
        for (task, labels) in &self.tasks {
            header.extend(self.task_columns(task, labels));
        }
        header.extend(after);
        header
    }

    /// The columns that are not a model's: those before the models' and those after.
    fn fixed_columns(&self) -> (Vec<String>, Vec<String>) {
        let mut before: Vec<String> = ["source", "id", "line"].map(String::from).to_vec();
        let mut after = Vec::new();
        if self.articles {
            before.push("sentences".into());
            after.extend(
                ["cooperative_share", "adversarial_share", "tone", "top_accusation", "top_denial"].map(String::from),
            );
        } else {
            before.extend(["sentence", "start", "end", "text"].map(String::from));
            if self.has_actors() {
                after.extend(["accuser", "accused"].map(String::from));
            }
        }
        after.push("error".into());
        (before, after)
    }

    /// One model's columns, named after its task.
    fn task_columns(&self, task: &str, labels: &[String]) -> Vec<String> {
        if self.articles {
            return labels.iter().map(|label| format!("{task}_n_{label}")).collect();
        }
        let mut columns = vec![task.to_string()];
        columns.extend(labels.iter().map(|label| format!("{task}_p_{label}")));
        if self.explain {
            columns.push(format!("{task}_why"));
        }
        columns
    }

    /// A column name the table would hold twice, and the index of the model (in `tasks`)
    /// that gives it the second time: a model trained on a label column named `source` or
    /// `error` has that task, and a reader of the table by name (csv.DictReader, a join in
    /// R) took its label for the input's file, or the first column for the second.
    pub fn repeated_column(&self) -> Option<(String, usize)> {
        let (before, after) = self.fixed_columns();
        let mut seen: std::collections::HashSet<String> = before.into_iter().chain(after).collect();
        self.tasks.iter().enumerate().find_map(|(index, (task, labels))| {
            let mut columns = self.task_columns(task, labels).into_iter();
            columns.find(|column| !seen.insert(column.clone())).map(|column| (column, index))
        })
    }

    /// Writes the header line.
    ///
    /// # Errors
    /// Any write error.
    pub fn write_header(&self, out: &mut dyn Write) -> io::Result<()> {
        write_csv_record(out, &self.header())
    }

    /// The first cells of every row: where it came from.
    fn origin_cells(origin: RowOrigin<'_>) -> Vec<String> {
        vec![origin.source.to_string(), origin.id.to_string(), origin.line.map_or_else(String::new, |l| l.to_string())]
    }

    /// Writes one sentence row (in a table of articles, nothing: their rows are the summaries).
    ///
    /// # Errors
    /// Any write error.
    pub fn write_sentence<W: Write + ?Sized>(
        &self,
        out: &mut W,
        origin: RowOrigin<'_>,
        sentence: &SentencePrediction,
    ) -> io::Result<()> {
        if self.articles {
            return Ok(());
        }
        let mut record = Self::origin_cells(origin);
        record.extend([sentence.index, sentence.start, sentence.end].map(|n| n.to_string()));
        record.push(sentence.text.clone());
        for (task, labels) in &self.tasks {
            let prediction = sentence.task(task);
            record.push(prediction.map_or_else(String::new, |p| p.label.clone()));
            record.extend(
                labels
                    .iter()
                    .map(|label| prediction.map_or_else(String::new, |p| round6(p.probability(label)).to_string())),
            );
            if self.explain {
                let why = prediction.and_then(|p| p.explanation.as_ref()).map(|explanation| {
                    explanation.iter().map(|c| format!("{} {:+.3}", c.feature, c.value)).collect::<Vec<_>>().join("; ")
                });
                record.push(why.unwrap_or_default());
            }
        }
        if self.has_actors() {
            let span = |span: Option<&crate::actors::Span>| span.map_or_else(String::new, |s| s.text.clone());
            let actors = sentence.actors.as_ref();
            record.push(span(actors.and_then(|a| a.source.as_ref())));
            record.push(span(actors.and_then(|a| a.target.as_ref())));
        }
        record.push(String::new());
        write_csv_record(out, &record)
    }

    /// Writes one article's summary row (in a table of sentences, nothing).
    ///
    /// # Errors
    /// Any write error.
    pub fn write_article(
        &self,
        out: &mut dyn Write,
        origin: RowOrigin<'_>,
        summary: &crate::predict::ArticleSummary,
        sentences: &[SentencePrediction],
    ) -> io::Result<()> {
        if !self.articles {
            return Ok(());
        }
        let mut record = Self::origin_cells(origin);
        record.push(summary.n_sentences.to_string());
        for (task, labels) in &self.tasks {
            let counts = summary.counts.iter().find(|(t, _)| t == task).map(|(_, counts)| counts);
            record.extend(labels.iter().map(|label| {
                counts.and_then(|c| c.iter().find(|(l, _)| l == label)).map_or(0, |(_, n)| *n).to_string()
            }));
        }
        let figure = |x: Option<f64>| x.map_or_else(String::new, |x| round6(x).to_string());
        record.extend([summary.cooperative_share, summary.adversarial_share, summary.tone].map(figure));
        for index in [summary.top_accusation, summary.top_denial] {
            record.push(index.and_then(|i| sentences.get(i)).map_or_else(String::new, |s| s.text.clone()));
        }
        record.push(String::new());
        write_csv_record(out, &record)
    }

    /// Writes the row of an input record that could not be read: where it came from and
    /// its error, the other cells empty.
    ///
    /// # Errors
    /// Any write error.
    pub fn write_error(&self, out: &mut dyn Write, origin: RowOrigin<'_>, error: &str) -> io::Result<()> {
        let mut record = Self::origin_cells(origin);
        record.resize(self.header().len() - 1, String::new());
        record.push(error.to_string());
        write_csv_record(out, &record)
    }
}

/// Writes one CSV record (quoted where a cell needs it, as the csv crate writes them).
fn write_csv_record<W: Write + ?Sized>(out: &mut W, record: &[String]) -> io::Result<()> {
    let mut writer = csv::WriterBuilder::new().buffer_capacity(1024).from_writer(Vec::new());
    writer.write_record(record).map_err(csv_error)?;
    let bytes = writer.into_inner().map_err(|error| io::Error::other(error.to_string()))?;
    out.write_all(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::{Actors, Span};
    use crate::predict::{Contribution, SentencePrediction, TaskPrediction};
    use proptest::prelude::*;
    use serde::ser::SerializeMap;

    #[test]
    fn rounding_to_six_places_never_gives_a_negative_zero() {
        for v in [-4e-7, -0.0, -1e-300] {
            assert!(round6(v).is_sign_positive(), "{v}");
            assert_eq!(serde_json::to_string(&round6(v)).unwrap(), "0.0");
        }
        assert_eq!((round6(-0.0000006), round6(0.1234564), round6(-2.5e-6)), (-0.000001, 0.123456, -0.000003));
    }

    proptest! {
        /// The top values by selection equal the first ones of a full sort, ties (few
        /// distinct values) and all.
        #[test]
        fn largest_equals_the_head_of_a_full_sort(
            values in proptest::collection::vec(-3i8..3, 0..60),
            top in 0usize..70,
        ) {
            let values: Vec<f32> = values.iter().map(|&v| f32::from(v) / 2.0).collect();
            let mut all: Vec<(usize, f32)> = values.iter().copied().enumerate().collect();
            all.sort_by(|(a, va), (b, vb)| vb.total_cmp(va).then(a.cmp(b)));
            all.truncate(top);
            prop_assert_eq!(largest(&values, top), all);
        }
    }

    /// The serde-derived sentence row the hand-written writer replaced: the reference
    /// its bytes are held to.
    #[derive(Serialize)]
    struct SentenceRow<'a> {
        #[serde(skip_serializing_if = "Option::is_none")]
        actors: Option<ActorsRow<'a>>,
        end: usize,
        id: &'a str,
        line: Option<u64>,
        predictions: TaskRows<'a>,
        schema: u32,
        sentence: usize,
        source: &'a str,
        start: usize,
        text: &'a str,
        #[serde(rename = "type")]
        kind: &'static str,
    }

    struct TaskRows<'a>(&'a [TaskPrediction]);

    impl Serialize for TaskRows<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut sorted: Vec<&TaskPrediction> = self.0.iter().collect();
            sorted.sort_by(|a, b| a.task.cmp(&b.task));
            let mut map = serializer.serialize_map(Some(sorted.len()))?;
            for p in sorted {
                map.serialize_entry(&p.task, &TaskRow(p))?;
            }
            map.end()
        }
    }

    struct TaskRow<'a>(&'a TaskPrediction);

    impl Serialize for TaskRow<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let p = self.0;
            let mut map = serializer.serialize_map(None)?;
            if let Some(explanation) = &p.explanation {
                let explanation: Vec<ContributionRow<'_>> = explanation
                    .iter()
                    .map(|c| ContributionRow { contribution: round6(c.value), feature: &c.feature })
                    .collect();
                map.serialize_entry("explanation", &explanation)?;
            }
            map.serialize_entry("label", &p.label)?;
            let mut probabilities: Vec<(&str, f64)> =
                p.probabilities.iter().map(|(l, v)| (l.as_str(), round6(*v))).collect();
            probabilities.sort_by(|a, b| a.0.cmp(b.0));
            map.serialize_entry("probabilities", &ProbabilityRow(&probabilities))?;
            map.end()
        }
    }

    struct ProbabilityRow<'a>(&'a [(&'a str, f64)]);

    impl Serialize for ProbabilityRow<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_map(self.0.iter().map(|(l, v)| (l, v)))
        }
    }

    fn serde_row(origin: RowOrigin<'_>, prediction: &SentencePrediction) -> Vec<u8> {
        let row = SentenceRow {
            actors: prediction.actors.as_ref().map(|a| ActorsRow::new(a, prediction.start)),
            end: prediction.end,
            id: origin.id,
            line: origin.line,
            predictions: TaskRows(&prediction.predictions),
            schema: SCHEMA,
            sentence: prediction.index,
            source: origin.source,
            start: prediction.start,
            text: &prediction.text,
            kind: "sentence",
        };
        let mut bytes = serde_json::to_vec(&row).unwrap();
        bytes.push(b'\n');
        bytes
    }

    fn hand_row(origin: RowOrigin<'_>, prediction: &SentencePrediction) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_prediction(&mut bytes, Format::Json, origin, prediction).unwrap();
        bytes
    }

    /// Any text: every control character, quotes, backslashes, non-ASCII.
    fn any_text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                any::<char>(),
                prop::sample::select(vec![
                    '"', '\\', '\n', '\r', '\t', '\u{8}', '\u{c}', '\u{0}', '\u{1f}', '\u{7f}', 'é'
                ]),
            ],
            0..40,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    fn task(name: String, labels: Vec<(String, f64)>, explain: Option<Vec<(String, f64)>>) -> TaskPrediction {
        TaskPrediction {
            task: name,
            label: labels.first().map(|l| l.0.clone()).unwrap_or_default(),
            probabilities: labels,
            explanation: explain
                .map(|e| e.into_iter().map(|(feature, value)| Contribution { feature, value }).collect()),
        }
    }

    proptest! {
        #[test]
        fn hand_written_rows_are_serde_s_bytes(
            text in any_text(),
            id in any_text(),
            source in any_text(),
            line in prop::option::of(any::<u64>()),
            index in any::<usize>(),
            start in 0usize..1 << 40,
            tasks in prop::collection::vec(
                (any_text(), prop::collection::vec((any_text(), -1e3f64..1e3), 0..4),
                 prop::option::of(prop::collection::vec((any_text(), -1e3f64..1e3), 0..3))),
                0..4,
            ),
            actor in prop::option::of((0usize..100, 0usize..100, any_text())),
        ) {
            let predictions = tasks.into_iter().map(|(name, labels, explain)| task(name, labels, explain)).collect();
            let actors = actor.map(|(start, end, text)| Actors {
                source: None,
                target: Some(Span { start, end, text }),
            });
            let prediction =
                SentencePrediction {
                    index,
                    start,
                    end: start + text.len(),
                    text,
                    predictions,
                    actors,
                    unknown: false,
                };
            let origin = RowOrigin { source: &source, id: &id, line };
            let (hand, serde) = (hand_row(origin, &prediction), serde_row(origin, &prediction));
            prop_assert_eq!(String::from_utf8_lossy(&hand), String::from_utf8_lossy(&serde));
        }
    }

    #[test]
    fn needs_escape_finds_every_byte_that_needs_it_in_any_place() {
        for b in 0..=255u8 {
            for place in 0..8 {
                let mut chunk = *b"abcdefgh";
                if let Some(slot) = chunk.get_mut(place) {
                    *slot = b;
                }
                let expected = b < 0x20 || b == b'"' || b == b'\\';
                assert_eq!(needs_escape(u64::from_le_bytes(chunk)), expected, "byte {b:#x} at {place}");
            }
        }
    }

    #[test]
    fn sorted_and_unsorted_tasks_and_labels_write_the_same_rows() {
        let labels = |names: &[&str]| names.iter().map(|n| (n.to_string(), 0.25)).collect::<Vec<_>>();
        let prediction = SentencePrediction {
            index: 0,
            start: 0,
            end: 3,
            text: "a\"b".into(),
            predictions: vec![
                task("sentiment".into(), labels(&["positive", "negative", "neutral"]), None),
                task("accusation".into(), labels(&["none", "accusation"]), None),
            ],
            actors: None,
            unknown: false,
        };
        let origin = RowOrigin { source: "-", id: "1", line: Some(1) };
        assert_eq!(hand_row(origin, &prediction), serde_row(origin, &prediction));
    }
}
