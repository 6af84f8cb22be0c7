//! Reading inputs. Input: labelled CSV files for training and evaluation; text files,
//! CSV, JSON Lines or standard input for prediction. Output: [`LabelledData`] and a
//! stream of [`Document`]s, each with the location it came from so errors can name it.
//!
//! Only this module and `model.rs` open files.
//!
//! One file a kind of input, each reading through the helpers here: `csv_rows` (the
//! CSV reader: exact lines, checked quoting), `labelled` (training and evaluation
//! CSVs), `documents` (prediction inputs by format), `lines` (JSON Lines and plain
//! lines), `walk` (directories given to `predict`), `spans` (span label files) and
//! `actors` (actors files).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

mod actors;
mod csv_rows;
mod documents;
mod labelled;
mod lines;
mod spans;
mod walk;

pub use actors::{read_actor_rows, ActorRow, ACTOR_CLAIMS};
pub(crate) use csv_rows::escape_controls;
pub use csv_rows::{find_column, read_table};
pub use documents::read_documents;
pub use labelled::{
    case_conflict, check_label, check_task, control_character, parse_labelled, read_labelled, read_labelled_csv,
    Columns, LabelledData,
};
pub use spans::{read_span_rows, SpanRow, SPAN_LABELS, SPAN_SOURCES};
pub use walk::{expand_inputs, Inputs};

/// How a prediction input is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// From the file name: `.csv` CSV, `.jsonl`/`.ndjson` JSON Lines, `-` lines, else text.
    Auto,
    /// A plain-text article: split into sentences.
    Text,
    /// One record per line: a JSON object with a text field, or plain text.
    Lines,
    /// CSV with a header and a text column.
    Csv,
    /// JSON Lines, one object per line with a text field.
    Jsonl,
}

impl InputFormat {
    /// The concrete format of `path` under `Auto`.
    pub fn resolve(self, path: &Path) -> InputFormat {
        if self != InputFormat::Auto {
            return self;
        }
        if path.as_os_str() == "-" {
            return InputFormat::Lines;
        }
        match path.extension().and_then(|e| e.to_str()).map(str::to_lowercase).as_deref() {
            Some("csv") => InputFormat::Csv,
            Some("jsonl") | Some("ndjson") => InputFormat::Jsonl,
            _ => InputFormat::Text,
        }
    }
}

/// One unit of prediction input: an article (to be split) or a row (labelled whole).
#[derive(Debug)]
pub struct Document {
    /// The file it came from (`-` for stdin).
    pub source: PathBuf,
    /// The row's id column, or the 1-based row number.
    pub id: String,
    /// 1-based line where it starts, when known.
    pub line: Option<u64>,
    /// Its text, or why it could not be read.
    pub text: Result<String>,
    /// Whether the text is an article to split into sentences.
    pub is_article: bool,
}

/// Options for reading prediction inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Layout of the inputs.
    pub format: InputFormat,
    /// The text column or JSON key. Default `text`.
    pub text_column: String,
    /// The id column or JSON key, used when present. Default `id`.
    pub id_column: String,
    /// Whether `id_column` was asked for (`--id-column`), so that its absence is an
    /// error, not row numbers: a CSV without it is the input's error, a JSON record
    /// without it an error record. Default false.
    pub require_id_column: bool,
    /// Replace invalid UTF-8 with U+FFFD instead of failing the record.
    pub lossy: bool,
    /// Rows of CSV / JSON Lines / stdin are articles, to be split into sentences.
    pub articles: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: InputFormat::Auto,
            text_column: "text".into(),
            id_column: "id".into(),
            require_id_column: false,
            lossy: false,
            articles: false,
        }
    }
}

fn open(path: &Path) -> Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    File::open(path).map(|f| Box::new(f) as Box<dyn Read + Send>).map_err(|error| io_error(path, error))
}

fn read_all(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open(path)?.read_to_end(&mut bytes).map_err(|error| io_error(path, error))?;
    Ok(bytes)
}

/// [`Error::Io`] for `path`; `-` alone would not say that standard input failed (it
/// can be a directory: `stancekit predict < /tmp`).
fn io_error(path: &Path, error: std::io::Error) -> Error {
    let error = if path.as_os_str() == "-" {
        std::io::Error::new(error.kind(), format!("cannot read standard input: {error}"))
    } else {
        error
    };
    Error::Io { path: path.to_path_buf(), error }
}

fn decode(bytes: &[u8], location: &Location, lossy: bool) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) if lossy => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Err(e) => Err(Error::InvalidUtf8 { location: location.clone(), offset: e.valid_up_to() as u64 }),
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Helpers shared by the reading tests of the submodules.
#[cfg(test)]
mod testing {
    use std::io::Write;

    pub(super) fn temp_csv(content: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        f.write_all(content).unwrap();
        f
    }

    pub(super) const UNCLOSED: &str =
        "malformed CSV: the quote that opens this field is never closed (the rest of the file would be one field)";
    pub(super) const AFTER_QUOTE: &str =
        "malformed CSV: text after the closing quote of this field (inside quotes, write a quote as \"\")";
}
