//! Reading inputs. Input: labelled CSV files for training and evaluation; text files,
//! CSV, JSON Lines or standard input for prediction. Output: [`LabelledData`] and a
//! stream of [`Document`]s, each with the location it came from so errors can name it.
//!
//! Only this module and `model.rs` open files.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Location, Result};

/// Rows of a labelled CSV: texts, their labels and where each came from.
#[derive(Debug, Clone, Default)]
pub struct LabelledData {
    /// The file read.
    pub path: PathBuf,
    /// One text per row.
    pub texts: Vec<String>,
    /// One label per row, as written (trimmed labels are an error, not a guess).
    pub labels: Vec<String>,
    /// The 1-based line of each row.
    pub lines: Vec<u64>,
    /// sha256 of the file's bytes, for provenance.
    pub sha256: String,
    /// Each row's group (e.g. its article), when a group column was read.
    pub groups: Vec<String>,
}

impl LabelledData {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The distinct labels, sorted.
    pub fn label_set(&self) -> Vec<String> {
        let mut labels = self.labels.clone();
        labels.sort();
        labels.dedup();
        labels
    }

    /// Counts how many rows repeat an earlier (text, label) pair.
    pub fn n_duplicates(&self) -> usize {
        let mut seen = std::collections::HashSet::new();
        self.texts.iter().zip(&self.labels).filter(|pair| !seen.insert(*pair)).count()
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

/// A read error part way through an input. It ends the input's documents: a reader
/// that failed once usually fails again (reading on gave `predict < /tmp` error rows
/// without end), and the rows after it cannot be counted.
fn read_stopped(path: &Path, line: Option<u64>, error: &std::io::Error) -> Error {
    let input = if path.as_os_str() == "-" { "standard input" } else { "the file" };
    let at = line.map(|line| format!(" at line {line}")).unwrap_or_default();
    let message = format!("reading {input} failed{at}, the rest of it is not labelled: {error}");
    Error::Io { path: path.to_path_buf(), error: std::io::Error::new(error.kind(), message) }
}

/// Finds a column by name in a CSV header.
///
/// # Errors
/// [`Error::MissingColumn`] listing the columns found, [`Error::DuplicateColumn`] when
/// the name appears twice.
pub fn find_column(path: &Path, header: &csv::StringRecord, column: &str, flag: &str) -> Result<usize> {
    let matches: Vec<usize> = header.iter().enumerate().filter(|(_, h)| *h == column).map(|(i, _)| i).collect();
    match matches.as_slice() {
        [i] => Ok(*i),
        [] => Err(Error::MissingColumn {
            path: path.to_path_buf(),
            column: column.to_string(),
            found: header.iter().map(|h| format!("'{h}'")).collect(),
            flag: flag.to_string(),
        }),
        _ => Err(Error::DuplicateColumn { path: path.to_path_buf(), column: column.to_string() }),
    }
}

fn csv_error(path: &Path, error: &csv::Error, line_fix: u64) -> Error {
    let line = error.position().map(|p| p.line() + line_fix);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("row has {len} fields but the header has {expected_len}")
        }
        _ => error.to_string(),
    };
    Error::Csv { location: Location { path: path.to_path_buf(), line, column: None }, message }
}

/// The csv crate numbers the lines of CRLF files one short (it counts the `\n` of a
/// `\r\n` as part of the next record); this is the fix to add, from the header's end.
fn crlf_line_fix(head: &[u8]) -> u64 {
    match head.iter().position(|&b| b == b'\n') {
        Some(i) if i > 0 && head.get(i - 1) == Some(&b'\r') => 1,
        _ => 0,
    }
}

fn csv_reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    // Strip a UTF-8 byte order mark so the first column name matches.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes)
}

fn field_text(
    path: &Path,
    record: &csv::ByteRecord,
    index: usize,
    column: &str,
    lossy: bool,
    line: u64,
) -> Result<String> {
    let bytes = record.get(index).unwrap_or(b"");
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) if lossy => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Err(e) => {
            let record_start = record.position().map(|p| p.byte()).unwrap_or(0);
            let field_start = record.range(index).map(|r| r.start as u64).unwrap_or(0);
            Err(Error::InvalidUtf8 {
                location: Location::file(path).at_line(line).with_column(column),
                offset: record_start + field_start + e.valid_up_to() as u64,
            })
        }
    }
}

/// Reads a labelled CSV (with a header) for training or evaluation.
///
/// # Errors
/// [`Error::Io`], [`Error::Csv`] (ragged rows, bad quoting), [`Error::MissingColumn`],
/// [`Error::DuplicateColumn`], [`Error::EmptyText`], [`Error::InvalidUtf8`], and
/// [`Error::UnknownLabel`] for an empty label or one with surrounding spaces.
pub fn read_labelled_csv(path: &Path, text_column: &str, label_column: &str) -> Result<LabelledData> {
    let columns = Columns { text: text_column.into(), label: label_column.into(), ..Columns::default() };
    read_labelled(path, &columns)
}

/// Which columns of a labelled CSV to read, and which rows to keep.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// The text column.
    pub text: String,
    /// The label column.
    pub label: String,
    /// A group column (e.g. the article id), read into [`LabelledData::groups`].
    pub group: Option<String>,
    /// Keep only rows whose column equals the value (all must hold).
    pub filters: Vec<(String, String)>,
}

/// Reads a labelled CSV as [`read_labelled_csv`] does, with a group column and row
/// filters.
///
/// # Errors
/// As [`read_labelled_csv`], and [`Error::MissingColumn`] for a group or filter column.
pub fn read_labelled(path: &Path, columns: &Columns) -> Result<LabelledData> {
    let bytes = read_all(path)?;
    parse_labelled(&bytes, path, columns)
}

/// Parses the bytes of a labelled CSV; `path` names it in messages.
///
/// # Errors
/// As [`read_labelled`], without the I/O ones.
pub fn parse_labelled(bytes: &[u8], path: &Path, columns: &Columns) -> Result<LabelledData> {
    let (text_column, label_column, group_column) =
        (columns.text.as_str(), columns.label.as_str(), columns.group.as_deref());
    let sha256 = hex(&Sha256::digest(bytes));
    let line_fix = crlf_line_fix(bytes);
    let mut reader = csv_reader(bytes);
    let header = reader.headers().map_err(|e| csv_error(path, &e, 0))?.clone();
    let text_index = find_column(path, &header, text_column, "text-column")?;
    let label_index = find_column(path, &header, label_column, "label-column")?;
    let group_index = match group_column {
        Some(column) => Some(find_column(path, &header, column, "group-column")?),
        None => None,
    };
    let filters: Vec<(usize, &str)> = columns
        .filters
        .iter()
        .map(|(column, value)| find_column(path, &header, column, "filter").map(|i| (i, value.as_str())))
        .collect::<Result<_>>()?;
    let mut data = LabelledData { path: path.to_path_buf(), sha256, ..LabelledData::default() };
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(path, &e, line_fix)),
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0) + line_fix;
        if !filters.iter().all(|(i, value)| record.get(*i) == Some(value.as_bytes())) {
            continue;
        }
        let text = field_text(path, &record, text_index, text_column, false, line)?;
        if text.trim().is_empty() {
            return Err(Error::EmptyText { location: Location::file(path).at_line(line).with_column(text_column) });
        }
        let label = field_text(path, &record, label_index, label_column, false, line)?;
        if label.trim().is_empty() || label.trim() != label {
            return Err(Error::UnknownLabel {
                location: Location::file(path).at_line(line).with_column(label_column),
                label,
                expected: vec!["a non-empty label without surrounding spaces".into()],
            });
        }
        if let Some(index) = group_index {
            data.groups.push(field_text(path, &record, index, group_column.unwrap_or(""), true, line)?);
        }
        data.texts.push(text);
        data.labels.push(label);
        data.lines.push(line);
    }
    check_label_case(&data)?;
    Ok(data)
}

/// Labels that differ only by case ("Positive" and "positive") are almost always a
/// typo; training on them as two classes would be a silent guess.
fn check_label_case(data: &LabelledData) -> Result<()> {
    let set = data.label_set();
    for (i, a) in set.iter().enumerate() {
        if let Some(b) = set.iter().skip(i + 1).find(|b| b.to_lowercase() == a.to_lowercase()) {
            let row = data.labels.iter().position(|l| l == b).unwrap_or(0);
            return Err(Error::UnknownLabel {
                location: Location::file(&data.path).at_line(data.lines.get(row).copied().unwrap_or(0)),
                label: b.clone(),
                expected: vec![format!("'{a}' (labels differ only by case; make them agree)")],
            });
        }
    }
    Ok(())
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

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
            lossy: false,
            articles: false,
        }
    }
}

/// Streams the documents of one input. A record that cannot be read becomes a
/// [`Document`] whose `text` is the error, so every input row yields one output row.
///
/// # Errors
/// Only for failures that prevent reading any record: the file cannot be opened or
/// read at all, or a CSV header lacks the text column.
pub fn read_documents(path: &Path, options: &ReadOptions) -> Result<Box<dyn Iterator<Item = Document> + Send>> {
    let format = options.format.resolve(path);
    let source = path.to_path_buf();
    match format {
        InputFormat::Text | InputFormat::Auto => {
            let bytes = read_all(path)?;
            let text = decode(&bytes, &Location::file(path), options.lossy);
            let id = path.display().to_string();
            Ok(Box::new(std::iter::once(Document { source, id, line: Some(1), text, is_article: true })))
        }
        InputFormat::Csv => {
            // The csv reader ends its records at a read error (it reports it once).
            let mut input = SkipBom::new(open(path)?);
            let line_fix = input.peek_line_fix().map_err(|error| io_error(path, error))?;
            let reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(input);
            csv_documents(source, reader, options, line_fix)
        }
        InputFormat::Jsonl | InputFormat::Lines => line_input(path, open(path)?, format == InputFormat::Jsonl, options),
    }
}

/// The documents of a JSON Lines or plain-lines input read from `input`.
fn line_input(
    path: &Path,
    input: Box<dyn Read + Send>,
    json_only: bool,
    options: &ReadOptions,
) -> Result<Box<dyn Iterator<Item = Document> + Send>> {
    let mut reader = BufReader::new(input);
    // An input that cannot be read at all (a directory on standard input) is an error
    // of the input, as a file that cannot be opened is, not of a row.
    loop {
        match reader.fill_buf() {
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(io_error(path, error)),
            Ok(_) => break,
        }
    }
    Ok(Box::new(LineDocuments {
        source: path.to_path_buf(),
        reader,
        line: 0,
        options: options.clone(),
        json_only,
        stopped: false,
    }))
}

fn decode(bytes: &[u8], location: &Location, lossy: bool) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(_) if lossy => Ok(String::from_utf8_lossy(bytes).into_owned()),
        Err(e) => Err(Error::InvalidUtf8 { location: location.clone(), offset: e.valid_up_to() as u64 }),
    }
}

/// A reader that drops a leading UTF-8 byte order mark.
struct SkipBom<R> {
    inner: R,
    checked: bool,
    pending: Vec<u8>,
}

impl<R: Read> SkipBom<R> {
    fn new(inner: R) -> Self {
        SkipBom { inner, checked: false, pending: Vec::new() }
    }

    /// Reads ahead to the end of the first line to see whether it ends in CRLF.
    fn peek_line_fix(&mut self) -> std::io::Result<u64> {
        let mut first = [0u8; 1];
        let n = self.read(&mut first)?;
        let mut head = first.get(..n).unwrap_or_default().to_vec();
        head.append(&mut self.pending);
        let mut chunk = [0u8; 8192];
        while !head.contains(&b'\n') && head.len() < 1 << 20 {
            let got = self.inner.read(&mut chunk)?;
            if got == 0 {
                break;
            }
            head.extend_from_slice(chunk.get(..got).unwrap_or_default());
        }
        let fix = crlf_line_fix(&head);
        self.pending = head;
        Ok(fix)
    }
}

impl<R: Read> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.checked {
            self.checked = true;
            let mut head = [0u8; 3];
            let mut n = 0;
            while n < 3 {
                let got = self.inner.read(head.get_mut(n..).unwrap_or_default())?;
                if got == 0 {
                    break;
                }
                n += got;
            }
            let read = head.get(..n).unwrap_or_default();
            if read != b"\xEF\xBB\xBF" {
                self.pending.extend_from_slice(read);
            }
        }
        if !self.pending.is_empty() {
            let n = self.pending.len().min(buf.len());
            for (slot, byte) in buf.iter_mut().zip(self.pending.iter()).take(n) {
                *slot = *byte;
            }
            self.pending.drain(..n);
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

fn csv_documents<R: Read + Send + 'static>(
    source: PathBuf,
    mut reader: csv::Reader<R>,
    options: &ReadOptions,
    line_fix: u64,
) -> Result<Box<dyn Iterator<Item = Document> + Send>> {
    let header = reader.headers().map_err(|e| csv_error(&source, &e, 0))?.clone();
    let text_index = find_column(&source, &header, &options.text_column, "text-column")?;
    let id_index = header.iter().position(|h| h == options.id_column);
    let n_fields = header.len();
    let text_column = options.text_column.clone();
    let lossy = options.lossy;
    let articles = options.articles;
    let mut row = 0usize;
    let iter = reader.into_byte_records().map(move |record| {
        row += 1;
        match record {
            Err(e) => {
                let line = e.position().map(|p| p.line() + line_fix);
                Document {
                    source: source.clone(),
                    id: row.to_string(),
                    line,
                    text: Err(csv_error(&source, &e, line_fix)),
                    is_article: articles,
                }
            }
            Ok(record) => {
                let line = record.position().map(|p| p.line() + line_fix);
                let id = id_index
                    .and_then(|i| record.get(i))
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| row.to_string());
                let text = if record.len() != n_fields {
                    Err(Error::Csv {
                        location: Location { path: source.clone(), line, column: None },
                        message: format!("row has {} fields but the header has {n_fields}", record.len()),
                    })
                } else {
                    field_text(&source, &record, text_index, &text_column, lossy, line.unwrap_or(0))
                };
                Document { source: source.clone(), id, line, text, is_article: articles }
            }
        }
    });
    Ok(Box::new(iter))
}

/// JSON Lines or plain lines, one record per line, read as bytes so a bad line is one
/// bad record, not a failed stream. A read error is one last record ([`read_stopped`]).
struct LineDocuments {
    source: PathBuf,
    reader: BufReader<Box<dyn Read + Send>>,
    line: u64,
    options: ReadOptions,
    json_only: bool,
    stopped: bool,
}

impl Iterator for LineDocuments {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        if self.stopped {
            return None;
        }
        // Room for a typical sentence, so the line does not grow the buffer step by step.
        let mut buf = Vec::with_capacity(256);
        match self.reader.read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(source) => {
                self.line += 1;
                self.stopped = true;
                let error = read_stopped(&self.source, Some(self.line), &source);
                return Some(Document {
                    source: self.source.clone(),
                    id: self.line.to_string(),
                    line: Some(self.line),
                    text: Err(error),
                    is_article: self.options.articles,
                });
            }
        }
        self.line += 1;
        if self.line == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        let location = Location::file(&self.source).at_line(self.line);
        let line_text = decode(&buf, &location, self.options.lossy);
        let (id, text) = match line_text {
            Err(e) => (self.line.to_string(), Err(e)),
            Ok(s) if self.json_only || s.trim_start().starts_with('{') => {
                parse_json_record(&s, &location, &self.options, self.line)
            }
            Ok(s) => (self.line.to_string(), Ok(s)),
        };
        Some(Document {
            source: self.source.clone(),
            id,
            line: Some(self.line),
            text,
            is_article: self.options.articles,
        })
    }
}

fn parse_json_record(line: &str, location: &Location, options: &ReadOptions, n: u64) -> (String, Result<String>) {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            let location = location.clone().with_column(e.column().to_string());
            return (n.to_string(), Err(Error::Json { location, message: e.to_string() }));
        }
    };
    let id = match value.get(&options.id_column) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(x)) => x.to_string(),
        _ => n.to_string(),
    };
    let text = match value.get(&options.text_column) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        _ => Err(Error::Json {
            location: location.clone(),
            message: format!("no string field '{}' (set it with --text-column)", options.text_column),
        }),
    };
    (id, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn temp_csv(content: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        f.write_all(content).unwrap();
        f
    }

    #[test]
    fn reads_bom_crlf_and_embedded_newlines() {
        let f = temp_csv(b"\xEF\xBB\xBFtext,label\r\n\"line one\nline two\",a\r\nplain,b\r\n");
        let data = read_labelled_csv(f.path(), "text", "label").unwrap();
        assert_eq!(data.texts, ["line one\nline two", "plain"]);
        assert_eq!(data.labels, ["a", "b"]);
        assert_eq!(data.lines, [2, 4]);
    }

    #[test]
    fn missing_column_lists_found_columns() {
        let f = temp_csv(b"sentence,label\nx,a\n");
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        assert!(
            err.ends_with("no column 'text' (columns found: 'sentence', 'label'; choose one with --text-column)"),
            "{err}"
        );
    }

    #[test]
    fn ragged_row_names_its_line() {
        let f = temp_csv(b"text,label\nx,a\ny,b,extra\n");
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        assert!(err.contains(":3: malformed CSV: row has 3 fields but the header has 2"), "{err}");
    }

    #[test]
    fn rejects_empty_text_and_spaced_labels() {
        let f = temp_csv(b"text,label\n  ,a\n");
        assert!(read_labelled_csv(f.path(), "text", "label")
            .unwrap_err()
            .to_string()
            .contains(":2: column 'text': empty text"));
        let f = temp_csv(b"text,label\nx, a\n");
        assert!(read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string().contains("unknown label ' a'"));
        let f = temp_csv(b"text,label\nx,Pos\ny,pos\n");
        assert!(read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string().contains("differ only by case"));
    }

    #[test]
    fn invalid_utf8_reports_byte_offset() {
        let f = temp_csv(b"text,label\nab\xFFc,a\n");
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        // Header is 11 bytes; "ab" puts the bad byte at offset 13.
        assert!(err.contains(":2: column 'text': invalid UTF-8 at byte offset 13"), "{err}");
    }

    #[test]
    fn csv_documents_keep_one_row_per_record() {
        let f = temp_csv(b"id,text\n7,hello\n8,a,b\n9,\xFF\n");
        let docs: Vec<Document> = read_documents(f.path(), &ReadOptions::default()).unwrap().collect();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].id, "7");
        assert!(docs[1].text.is_err() && docs[2].text.is_err());
    }
}

/// A labelled span of a real news document, its text rebuilt from `../shared`.
#[derive(Debug, Clone)]
pub struct SpanRow {
    /// `bbc_news` or `fnc1`.
    pub dataset: String,
    /// The document id within the dataset.
    pub doc_id: String,
    /// Byte offsets into the document's text.
    pub start: usize,
    /// One past the end.
    pub end: usize,
    /// `train` or `dev`.
    pub split: String,
    /// The sentence, sliced from the document.
    pub text: String,
    /// (column, label) pairs for every task column of the file.
    pub labels: Vec<(String, String)>,
}

/// The datasets whose documents span files may point into: (name, file under the
/// datasets directory, id column, text column).
pub const SPAN_SOURCES: &[(&str, &str, &str, &str)] =
    &[("bbc_news", "bbc_news/bbc_news.csv", "doc_id", "text"), ("fnc1", "fnc1/bodies.csv", "body_id", "body")];

/// Hex digits of a span's sha256 that span files store: 64 bits, so a changed source
/// text passes unnoticed once in 2^64.
const SPAN_HASH_DIGITS: usize = 16;

/// Columns of a span file that are not task labels.
const SPAN_META: &[&str] = &["dataset", "doc_id", "start", "end", "sha256", "split"];

/// Reads span label files (offsets and labels, never text) and rebuilds each
/// sentence from the documents in `datasets_dir` (`../shared/datasets`), checking
/// that it still hashes to the stored sha256 prefix.
///
/// # Errors
/// [`Error::Io`] / [`Error::Csv`] for unreadable files, [`Error::Data`] naming the
/// file and line of a span that is out of range, unknown, or whose hash differs.
pub fn read_span_rows(span_files: &[PathBuf], datasets_dir: &Path) -> Result<Vec<SpanRow>> {
    let mut documents: std::collections::HashMap<String, std::collections::HashMap<String, String>> =
        std::collections::HashMap::new();
    let mut rows = Vec::new();
    for span_file in span_files {
        let bytes = read_all(span_file)?;
        let mut reader = csv_reader(&bytes);
        let header = reader.headers().map_err(|e| csv_error(span_file, &e, 0))?.clone();
        let column = |name: &str| find_column(span_file, &header, name, "spans");
        let (c_dataset, c_doc, c_start, c_end, c_hash, c_split) = (
            column("dataset")?,
            column("doc_id")?,
            column("start")?,
            column("end")?,
            column("sha256")?,
            column("split")?,
        );
        let tasks: Vec<(usize, String)> = header
            .iter()
            .enumerate()
            .filter(|(_, h)| !SPAN_META.contains(h))
            .map(|(i, h)| (i, h.to_string()))
            .collect();
        for (n, record) in reader.records().enumerate() {
            let record = record.map_err(|e| csv_error(span_file, &e, 0))?;
            let line = n as u64 + 2;
            let bad =
                |reason: String| Error::Data { path: span_file.clone(), reason: format!("line {line}: {reason}") };
            let field = |i: usize| record.get(i).unwrap_or("").to_string();
            let dataset = field(c_dataset);
            if !documents.contains_key(&dataset) {
                let Some((_, file, id_col, text_col)) = SPAN_SOURCES.iter().find(|s| s.0 == dataset) else {
                    return Err(bad(format!("unknown dataset '{dataset}'")));
                };
                let source = datasets_dir.join(file);
                let source_bytes = read_all(&source)?;
                let mut source_reader = csv_reader(&source_bytes);
                let source_header = source_reader.headers().map_err(|e| csv_error(&source, &e, 0))?.clone();
                let id_index = find_column(&source, &source_header, id_col, "spans")?;
                let text_index = find_column(&source, &source_header, text_col, "spans")?;
                let mut docs = std::collections::HashMap::new();
                for doc in source_reader.records() {
                    let doc = doc.map_err(|e| csv_error(&source, &e, 0))?;
                    docs.insert(
                        doc.get(id_index).unwrap_or("").to_string(),
                        doc.get(text_index).unwrap_or("").to_string(),
                    );
                }
                documents.insert(dataset.clone(), docs);
            }
            let doc_id = field(c_doc);
            let document = documents
                .get(&dataset)
                .and_then(|d| d.get(&doc_id))
                .ok_or_else(|| bad(format!("no document '{doc_id}' in {dataset}")))?;
            let start: usize = field(c_start).parse().map_err(|_| bad("start is not a number".into()))?;
            let end: usize = field(c_end).parse().map_err(|_| bad("end is not a number".into()))?;
            let text = document
                .get(start..end)
                .ok_or_else(|| bad(format!("span {start}..{end} is outside the document or splits a character")))?;
            let digest = hex(&Sha256::digest(text.as_bytes()));
            let digest = digest.get(..SPAN_HASH_DIGITS).unwrap_or_default();
            let stored = field(c_hash);
            // A shorter prefix would check little (one digit passes one span in 16).
            if stored.len() != SPAN_HASH_DIGITS
                || !stored.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(bad(format!(
                    "sha256 '{stored}' is missing or malformed (expected the first {SPAN_HASH_DIGITS} lower-case hex digits of the span's sha256)"
                )));
            }
            if digest != stored {
                return Err(bad(format!(
                    "span {start}..{end} of {dataset} {doc_id} hashes to {digest}, stored {stored}: the source text changed"
                )));
            }
            rows.push(SpanRow {
                dataset,
                doc_id,
                start,
                end,
                split: field(c_split),
                text: text.to_string(),
                labels: tasks.iter().map(|(i, name)| (name.clone(), field(*i))).collect(),
            });
        }
    }
    Ok(rows)
}

/// The labels of an actors file's `accusation` column.
pub const ACTOR_CLAIMS: &[&str] = &["accusation", "denial", "none"];

/// A sentence of an actors file: its gold claim and actor spans.
#[derive(Debug, Clone)]
pub struct ActorRow {
    /// 1-based line where the row starts.
    pub line: u64,
    /// The sentence.
    pub text: String,
    /// One of [`ACTOR_CLAIMS`].
    pub claim: String,
    /// The gold source, as written in the sentence (empty when unsaid).
    pub source: String,
    /// The gold target (empty when unsaid).
    pub target: String,
}

/// Reads an actors file: a CSV with columns `text`, `accusation`, `source`, `target`.
///
/// # Errors
/// [`Error::Io`], [`Error::Csv`], [`Error::MissingColumn`], [`Error::InvalidUtf8`], and
/// [`Error::UnknownLabel`] for an `accusation` value not in [`ACTOR_CLAIMS`] (a typo
/// there would silently drop the row from the scores).
pub fn read_actor_rows(path: &Path) -> Result<Vec<ActorRow>> {
    let bytes = read_all(path)?;
    let line_fix = crlf_line_fix(&bytes);
    let mut reader = csv_reader(&bytes);
    let header = reader.headers().map_err(|e| csv_error(path, &e, 0))?.clone();
    let column = |name: &'static str| find_column(path, &header, name, "data").map(|index| (index, name));
    let columns = [column("text")?, column("accusation")?, column("source")?, column("target")?];
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(path, &e, line_fix)),
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0) + line_fix;
        let [text, claim, source, target] =
            columns.map(|(index, name)| field_text(path, &record, index, name, false, line));
        let claim = claim?;
        if !ACTOR_CLAIMS.contains(&claim.as_str()) {
            return Err(Error::UnknownLabel {
                location: Location::file(path).at_line(line).with_column("accusation"),
                label: claim,
                expected: ACTOR_CLAIMS.iter().map(|c| c.to_string()).collect(),
            });
        }
        rows.push(ActorRow { line, text: text?, claim, source: source?, target: target? });
    }
    Ok(rows)
}

/// The prediction inputs, directories expanded.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Each file to read (or `-`), in order, with the error that keeps it from being
    /// read, if any: a directory that could not be listed. Each is one input.
    pub files: Vec<(PathBuf, Option<Error>)>,
    /// What was skipped without losing a file: a directory reached again through a
    /// symlink, a directory without `.txt` files.
    pub warnings: Vec<String>,
}

/// Expands the prediction inputs: a directory becomes every `.txt` file below it
/// (recursively, following symlinks, in sorted order); files and `-` pass through. A
/// directory is read once per input, however many links lead to it, so a symlink loop
/// ends and no file is labelled twice. Never fails: a directory that cannot be listed
/// is an entry with its error, so the other inputs are still read.
pub fn expand_inputs(inputs: &[PathBuf]) -> Inputs {
    let mut expanded = Inputs::default();
    for input in inputs {
        if !input.is_dir() {
            expanded.files.push((input.clone(), None));
            continue;
        }
        let mut found = Vec::new();
        let mut seen = std::collections::HashMap::new();
        collect_text_files(input, &mut seen, &mut found, &mut expanded.warnings);
        if found.is_empty() {
            expanded.warnings.push(format!("{}: no .txt files found", input.display()));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        expanded.files.extend(found);
    }
    expanded
}

/// Adds the `.txt` files below `dir` to `found`; `seen` maps each directory read to
/// the path it was first read by.
fn collect_text_files(
    dir: &Path,
    seen: &mut std::collections::HashMap<PathBuf, PathBuf>,
    found: &mut Vec<(PathBuf, Option<Error>)>,
    warnings: &mut Vec<String>,
) {
    let canonical = match std::fs::canonicalize(dir) {
        Ok(canonical) => canonical,
        Err(error) => return found.push((dir.to_path_buf(), Some(io_error(dir, error)))),
    };
    if let Some(first) = seen.get(&canonical) {
        let why = if dir.starts_with(first) { "a symlink loop back to" } else { "the same directory as" };
        warnings.push(format!("{}: skipped, {why} {}", dir.display(), first.display()));
        return;
    }
    seen.insert(canonical, dir.to_path_buf());
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => return found.push((dir.to_path_buf(), Some(io_error(dir, error)))),
    };
    // Sorted, so which of two links to one directory is read (and which skipped) does
    // not depend on the order the file system lists them in.
    let mut paths = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => paths.push(entry.path()),
            Err(error) => {
                found.push((dir.to_path_buf(), Some(io_error(dir, error))));
                break;
            }
        }
    }
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_text_files(&path, seen, found, warnings);
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) {
            found.push((path, None));
        }
    }
}

/// Read errors part way through an input, the directory walk, span hashes and actors
/// files (apart from the reading tests above, which others extend).
#[cfg(test)]
mod stream_and_walk_tests {
    use super::*;
    use std::io::Cursor;

    /// Gives `data`, then fails on every read, as a directory on standard input does.
    struct FailAfter(Cursor<Vec<u8>>);

    impl Read for FailAfter {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("device gone")),
                n => Ok(n),
            }
        }
    }

    fn failing(data: &[u8]) -> Box<dyn Read + Send> {
        Box::new(FailAfter(Cursor::new(data.to_vec())))
    }

    #[test]
    fn read_error_ends_line_input_with_one_error_row() {
        let options = ReadOptions::default();
        // `take` bounds the test if the input never ends.
        let docs: Vec<Document> =
            line_input(Path::new("in.txt"), failing(b"one\ntwo\n"), false, &options).unwrap().take(10).collect();
        assert_eq!(docs.len(), 3, "two rows, then one error row");
        assert_eq!(docs[1].text.as_deref().unwrap(), "two");
        assert_eq!(docs[2].line, Some(3));
        assert_eq!(
            docs[2].text.as_ref().unwrap_err().to_string(),
            "in.txt: reading the file failed at line 3, the rest of it is not labelled: device gone"
        );
    }

    #[test]
    fn unreadable_standard_input_is_an_error_of_the_input() {
        let Err(error) = line_input(Path::new("-"), failing(b""), false, &ReadOptions::default()) else {
            panic!("an input that cannot be read at all is an error")
        };
        assert_eq!(error.to_string(), "-: cannot read standard input: device gone");
    }

    #[cfg(unix)]
    #[test]
    fn directory_walk_reads_each_directory_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("a/sub")).unwrap();
        std::fs::create_dir_all(root.join("empty")).unwrap();
        std::fs::write(root.join("a/one.txt"), "One.").unwrap();
        std::os::unix::fs::symlink("..", root.join("a/sub/loop")).unwrap();
        std::os::unix::fs::symlink("a", root.join("b")).unwrap();
        std::os::unix::fs::symlink("nowhere.txt", root.join("broken.txt")).unwrap();
        let inputs = expand_inputs(&[root.clone(), root.join("empty"), PathBuf::from("-")]);
        let files: Vec<(&Path, bool)> = inputs.files.iter().map(|(p, e)| (p.as_path(), e.is_some())).collect();
        // The broken link stays an input: opening it is its error row.
        assert_eq!(
            files,
            [
                (root.join("a/one.txt").as_path(), false),
                (root.join("broken.txt").as_path(), false),
                (Path::new("-"), false)
            ]
        );
        let (r, a) = (root.display(), root.join("a").display().to_string());
        assert_eq!(
            inputs.warnings,
            [
                format!("{r}/a/sub/loop: skipped, a symlink loop back to {a}"),
                format!("{r}/b: skipped, the same directory as {a}"),
                format!("{r}/empty: no .txt files found"),
            ]
        );
    }

    /// A datasets directory with one bbc_news document, "Hello world.".
    fn one_document() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bbc_news")).unwrap();
        std::fs::write(dir.path().join("bbc_news/bbc_news.csv"), "doc_id,text\nd1,Hello world.\n").unwrap();
        dir
    }

    fn span_error(datasets: &Path, stored: &str) -> String {
        let spans = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        let row = format!("dataset,doc_id,start,end,sha256,label,split\nbbc_news,d1,0,5,{stored},a,train\n");
        std::fs::write(spans.path(), row).unwrap();
        match read_span_rows(&[spans.path().to_path_buf()], datasets) {
            Ok(rows) => format!("ok: {}", rows[0].text),
            Err(e) => e.to_string().split_once(": ").unwrap().1.to_string(),
        }
    }

    #[test]
    fn span_hash_must_be_the_full_stored_prefix() {
        let datasets = one_document();
        let d = datasets.path();
        let full = &hex(&Sha256::digest(b"Hello"))[..16];
        assert_eq!(span_error(d, full), "ok: Hello");
        let malformed =
            "sha256 '{}' is missing or malformed (expected the first 16 lower-case hex digits of the span's sha256)";
        for stored in ["", &full[..1], &full[..15], &full.to_uppercase(), "zzzzzzzzzzzzzzzz"] {
            assert_eq!(span_error(d, stored), format!("line 2: {}", malformed.replace("{}", stored)), "{stored:?}");
        }
        let other = if full.starts_with('0') { "1" } else { "0" };
        assert!(span_error(d, &format!("{other}{}", &full[1..])).ends_with("the source text changed"));
    }

    #[test]
    fn actors_file_names_its_unknown_labels_and_bad_rows() {
        let f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        let path = f.path().display().to_string();
        std::fs::write(f.path(), "text,accusation,source,target\nHe lied.,accusation,He,\nx,accusaton,a,b\n").unwrap();
        assert_eq!(
            read_actor_rows(f.path()).unwrap_err().to_string(),
            format!(
                "{path}:3: column 'accusation': unknown label 'accusaton' (expected one of: accusation, denial, none)"
            )
        );
        std::fs::write(f.path(), "text,accusation,source,target\nHe lied.,accusation,He\n").unwrap();
        assert_eq!(
            read_actor_rows(f.path()).unwrap_err().to_string(),
            format!("{path}:2: malformed CSV: row has 3 fields but the header has 4")
        );
        std::fs::write(f.path(), "text,accusation,source,target\r\nHe lied.,accusation,He,\r\n").unwrap();
        let rows = read_actor_rows(f.path()).unwrap();
        assert_eq!((rows[0].line, rows[0].source.as_str(), rows[0].target.as_str()), (2, "He", ""));
    }
}
