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
    /// Each file read and its number of rows, in row order (several after [`LabelledData::append`]).
    pub files: Vec<(PathBuf, usize)>,
    /// The label column's header, for messages.
    pub label_column: String,
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

    /// Adds the rows of `other` (read from another file) after these.
    ///
    /// # Errors
    /// [`Error::LabelCase`] when a label of one file differs from a label of another only
    /// by case: a class split in two by a typo is refused, never guessed.
    pub fn append(&mut self, other: LabelledData) -> Result<()> {
        if self.texts.is_empty() {
            self.path = other.path.clone();
        }
        if self.files.is_empty() {
            self.label_column = other.label_column.clone();
        }
        self.texts.extend(other.texts);
        self.labels.extend(other.labels);
        self.lines.extend(other.lines);
        self.groups.extend(other.groups);
        self.files.extend(other.files);
        check_label_case(self)
    }

    /// Where row `row` was read: its file, line and the label column.
    pub fn location(&self, row: usize) -> Location {
        let mut first = 0;
        let path = self.files.iter().find_map(|(path, n)| {
            first += n;
            (row < first).then_some(path.as_path())
        });
        let line = self.lines.get(row).copied().unwrap_or(0);
        Location::file(path.unwrap_or(&self.path)).at_line(line).with_column(self.label_column.clone())
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
        // "columns found: ;" would say nothing.
        [] if header.is_empty() => Err(Error::Data {
            path: path.to_path_buf(),
            reason: format!("the file is empty: no header line naming its columns (column '{column}' is needed)"),
        }),
        // Control characters escaped (`\n`), so a name with a line break keeps the message on one line.
        [] => Err(Error::MissingColumn {
            path: path.to_path_buf(),
            column: escape_controls(column),
            found: header.iter().map(|h| format!("'{}'", escape_controls(h))).collect(),
            flag: flag.to_string(),
        }),
        _ => Err(Error::DuplicateColumn { path: path.to_path_buf(), column: column.to_string() }),
    }
}

/// `s` with its control characters escaped as Rust writes them (`\n`, `\u{1b}`).
fn escape_controls(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

fn csv_error(path: &Path, error: &csv::Error, line: u64) -> Error {
    Error::Csv { location: Location::file(path).at_line(line), message: error.to_string() }
}

/// Counts the line breaks in `bytes`: `\n`, `\r\n` and a lone `\r` each end a line.
fn count_line_breaks(bytes: &[u8]) -> u64 {
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    let cr = bytes.iter().filter(|&&b| b == b'\r').count();
    let crlf = bytes.windows(2).filter(|pair| *pair == b"\r\n").count();
    (lf + cr - crlf) as u64
}

/// The bytes under a csv reader, kept from the start of the record being read so that
/// its line can be counted exactly and its raw bytes compared with what the csv crate
/// made of them. Drops a leading UTF-8 byte order mark; offsets count from after it.
struct Tape<R> {
    inner: R,
    /// Bytes from offset `base` to the end of what has been read from `inner`.
    kept: Vec<u8>,
    base: u64,
    /// How far the csv reader has been given bytes.
    given: u64,
    /// Lines are counted up to here: `line` is the line of the byte at `counted`.
    counted: u64,
    line: u64,
    /// Length of the byte order mark dropped: 0 or 3.
    bom: u64,
    started: bool,
}

impl<R: Read> Tape<R> {
    fn new(inner: R) -> Self {
        Tape { inner, kept: Vec::new(), base: 0, given: 0, counted: 0, line: 1, bom: 0, started: false }
    }

    fn slice(&self, start: u64, end: u64) -> &[u8] {
        let from = start.saturating_sub(self.base) as usize;
        let to = (end.saturating_sub(self.base) as usize).max(from);
        self.kept.get(from..to.min(self.kept.len())).unwrap_or_default()
    }

    /// The first offset at or after `at` that is not a line break: where the csv reader,
    /// which skips blank lines, really starts the record it reads from `at`.
    fn skip_breaks(&self, at: u64) -> u64 {
        let rest = self.slice(at, self.base + self.kept.len() as u64);
        at + rest.iter().take_while(|b| matches!(b, b'\r' | b'\n')).count() as u64
    }

    /// The 1-based line of the byte at `at` (not before the last `release`).
    fn line_of(&self, at: u64) -> u64 {
        self.line + count_line_breaks(self.slice(self.counted, at))
    }

    /// Counts the lines before `at` and forgets those bytes. `at` is a record's first
    /// byte, so it never splits a `\r\n`.
    fn release(&mut self, at: u64) {
        self.line = self.line_of(at);
        self.counted = self.counted.max(at);
        let dead = (self.counted.saturating_sub(self.base) as usize).min(self.kept.len());
        // Drained only once the dead bytes are most of the buffer: O(1) per byte.
        if dead > 1 << 16 && dead > self.kept.len() / 2 {
            self.kept.drain(..dead);
            self.base += dead as u64;
        }
    }
}

impl<R: Read> Read for Tape<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.started {
            self.started = true;
            let mut head = [0u8; 3];
            let mut n = 0;
            while n < 3 {
                let got = self.inner.read(head.get_mut(n..).unwrap_or_default())?;
                if got == 0 {
                    break;
                }
                n += got;
            }
            let head = head.get(..n).unwrap_or_default();
            if head == b"\xEF\xBB\xBF" {
                self.bom = 3;
            } else {
                self.kept.extend_from_slice(head);
            }
        }
        let pending = self.slice(self.given, self.base + self.kept.len() as u64);
        if !pending.is_empty() {
            let n = pending.len().min(buf.len());
            for (slot, byte) in buf.iter_mut().zip(pending) {
                *slot = *byte;
            }
            self.given += n as u64;
            return Ok(n);
        }
        let n = self.inner.read(buf)?;
        self.kept.extend_from_slice(buf.get(..n).unwrap_or_default());
        self.given += n as u64;
        Ok(n)
    }
}

/// What is wrong with the quoting of a field that the csv crate read anyway.
enum QuoteProblem {
    /// The opening quote is never closed: the field runs to the end of the input.
    Unclosed,
    /// Bytes follow the closing quote before the delimiter (`"a"b`).
    AfterClosingQuote,
}

/// Checks that `raw`, the bytes from a quoted field's opening quote to the end of its
/// record, is that field as CSV writes it: `"`, the text with each quote doubled, `"`,
/// then a delimiter or the end of the record. The csv crate reads anything else
/// without a word (an unclosed quote as the rest of the file, `"a"b"c` as `ab"c`).
/// Returns the length of the quoted field in `raw`.
fn check_quoted(raw: &[u8], field: &[u8]) -> std::result::Result<usize, QuoteProblem> {
    let escaped = field.iter().flat_map(|b| if *b == b'"' { &b"\"\""[..] } else { std::slice::from_ref(b) });
    let body = 1 + field.len() + field.iter().filter(|&&b| b == b'"').count();
    if raw.get(..body).is_some_and(|written| written.iter().eq(std::iter::once(&b'"').chain(escaped))) {
        match (raw.get(body), raw.get(body + 1)) {
            // The text is all the rest of the input: the closing quote never came.
            (None, _) => return Err(QuoteProblem::Unclosed),
            (Some(b'"'), None | Some(b',' | b'\r' | b'\n')) => return Ok(body + 1),
            _ => {}
        }
    }
    Err(QuoteProblem::AfterClosingQuote)
}

/// Where a field starts in the file, to turn an offset in its text into a file offset.
#[derive(Debug, Clone, Copy, Default)]
struct FieldStart {
    /// Byte offset of the field's first byte (its opening quote, if quoted).
    offset: u64,
    quoted: bool,
}

impl FieldStart {
    /// The file offset of byte `at` of the field's text.
    fn offset_of(&self, text: &[u8], at: usize) -> u64 {
        if !self.quoted {
            return self.offset + at as u64;
        }
        let quotes = text.get(..at).unwrap_or_default().iter().filter(|&&b| b == b'"').count();
        self.offset + 1 + (at + quotes) as u64
    }
}

/// A CSV file with a header, read by the csv crate and checked where the crate is
/// lenient: a quoted field that is never closed, or has bytes after its closing quote,
/// is an error naming the line where the field opens. Lines are counted exactly (LF,
/// CRLF, lone CR, mixed, blank lines), not as the crate does (`\n` only, from before
/// the line break that ends the previous record).
struct CsvRows<R> {
    path: PathBuf,
    reader: csv::Reader<Tape<R>>,
    /// The header's column names, to name a column in messages.
    names: Vec<String>,
    /// Where each field of the last record starts.
    starts: Vec<FieldStart>,
}

impl<R: Read> CsvRows<R> {
    fn new(path: &Path, input: R) -> Self {
        // Flexible: row lengths are checked here, after the quoting (a stray quote is
        // what usually makes a row ragged).
        let reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(Tape::new(input));
        CsvRows { path: path.to_path_buf(), reader, names: Vec::new(), starts: Vec::new() }
    }

    /// Reads the header; an empty input has an empty one.
    fn header(&mut self) -> Result<csv::StringRecord> {
        let mut record = csv::ByteRecord::new();
        let line = match self.next_record(&mut record) {
            None => return Ok(csv::StringRecord::new()),
            Some((line, checked)) => checked.map(|()| line)?,
        };
        let header = csv::StringRecord::from_byte_record(record).map_err(|e| {
            let (index, valid_up_to) = (e.utf8_error().field(), e.utf8_error().valid_up_to());
            let record = e.into_byte_record();
            let start = self.starts.get(index).copied().unwrap_or_default();
            Error::InvalidUtf8 {
                location: Location::file(&self.path).at_line(line),
                offset: start.offset_of(record.get(index).unwrap_or_default(), valid_up_to),
            }
        })?;
        self.names = header.iter().map(str::to_string).collect();
        Ok(header)
    }

    /// Reads the next record into `record`: its line, and whether it is well formed
    /// (quoting, and as many fields as the header). `None` at the end of the input.
    fn next_record(&mut self, record: &mut csv::ByteRecord) -> Option<(u64, Result<()>)> {
        let start = self.reader.position().byte();
        let read = self.reader.read_byte_record(record);
        let end = self.reader.position().byte();
        let first = self.reader.get_ref().skip_breaks(start);
        let line = self.reader.get_ref().line_of(first);
        let checked = match read {
            Ok(false) => return None,
            Ok(true) => self.check(record, first, end),
            Err(e) => Err(csv_error(&self.path, &e, line)),
        };
        self.reader.get_mut().release(first);
        Some((line, checked))
    }

    fn check(&mut self, record: &csv::ByteRecord, first: u64, end: u64) -> Result<()> {
        let tape = self.reader.get_ref();
        let raw = tape.slice(first, end);
        self.starts.clear();
        let mut at = 0;
        for (index, field) in record.iter().enumerate() {
            let rest = raw.get(at..).unwrap_or_default();
            let quoted = rest.first() == Some(&b'"');
            self.starts.push(FieldStart { offset: tape.bom + first + at as u64, quoted });
            let len = if quoted {
                check_quoted(rest, field).map_err(|problem| {
                    let message = match problem {
                        QuoteProblem::Unclosed => {
                            "the quote that opens this field is never closed (the rest of the file would be one field)"
                        }
                        QuoteProblem::AfterClosingQuote => {
                            "text after the closing quote of this field (inside quotes, write a quote as \"\")"
                        }
                    };
                    let mut location = Location::file(&self.path).at_line(tape.line_of(first + at as u64));
                    location.column = self.names.get(index).cloned();
                    Error::Csv { location, message: message.to_string() }
                })?
            } else {
                field.len()
            };
            // The field, then its delimiter.
            at += len + 1;
        }
        if !self.names.is_empty() && record.len() != self.names.len() {
            return Err(Error::Csv {
                location: Location::file(&self.path).at_line(tape.line_of(first)),
                message: format!("row has {} fields but the header has {}", record.len(), self.names.len()),
            });
        }
        Ok(())
    }

    /// The name of column `index`, from the header.
    fn column(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }

    /// Field `index` of the last record read as text.
    fn text(&self, record: &csv::ByteRecord, index: usize, column: &str, lossy: bool, line: u64) -> Result<String> {
        let bytes = record.get(index).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) if lossy => Ok(String::from_utf8_lossy(bytes).into_owned()),
            Err(e) => Err(Error::InvalidUtf8 {
                location: Location::file(&self.path).at_line(line).with_column(column),
                offset: self.starts.get(index).copied().unwrap_or_default().offset_of(bytes, e.valid_up_to()),
            }),
        }
    }
}

/// Reads a whole CSV with a header as text, checked and numbered as the labelled
/// readers do: the header and each row with its 1-based line.
///
/// # Errors
/// [`Error::Io`], [`Error::Csv`] (ragged rows, bad quoting) and [`Error::InvalidUtf8`],
/// each naming the file and line.
pub fn read_table(path: &Path) -> Result<(csv::StringRecord, Vec<(u64, csv::StringRecord)>)> {
    let bytes = read_all(path)?;
    let mut rows = CsvRows::new(path, bytes.as_slice());
    let header = rows.header()?;
    let mut record = csv::ByteRecord::new();
    let mut table = Vec::new();
    while let Some((line, checked)) = rows.next_record(&mut record) {
        checked?;
        let fields = (0..record.len()).map(|i| rows.text(&record, i, rows.column(i), false, line));
        table.push((line, fields.collect::<Result<csv::StringRecord>>()?));
    }
    Ok((header, table))
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
/// As [`read_labelled_csv`], [`Error::MissingColumn`] for a group or filter column, and
/// [`Error::EmptyGroup`] for an empty group cell.
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
    let mut rows = CsvRows::new(path, bytes);
    let header = rows.header()?;
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
    while let Some((line, checked)) = rows.next_record(&mut record) {
        checked?;
        if !filters.iter().all(|(i, value)| record.get(*i) == Some(value.as_bytes())) {
            continue;
        }
        let text = rows.text(&record, text_index, text_column, false, line)?;
        if text.trim().is_empty() {
            return Err(Error::EmptyText { location: Location::file(path).at_line(line).with_column(text_column) });
        }
        let label = rows.text(&record, label_index, label_column, false, line)?;
        if label.trim().is_empty() || label.trim() != label {
            return Err(Error::UnknownLabel {
                location: Location::file(path).at_line(line).with_column(label_column),
                label,
                expected: vec!["a non-empty label without surrounding spaces".into()],
            });
        }
        if let Some(index) = group_index {
            let column = group_column.unwrap_or("");
            let group = rows.text(&record, index, column, true, line)?;
            // Empty cells would all fall into one silent group of unrelated rows.
            if group.trim().is_empty() {
                return Err(Error::EmptyGroup { location: Location::file(path).at_line(line).with_column(column) });
            }
            data.groups.push(group);
        }
        data.texts.push(text);
        data.labels.push(label);
        data.lines.push(line);
    }
    data.files = vec![(path.to_path_buf(), data.len())];
    data.label_column = label_column.to_string();
    check_label_case(&data)?;
    Ok(data)
}

/// Labels that differ only by case ("Positive" and "positive") are almost always a
/// typo; training on them as two classes would be a silent guess.
fn check_label_case(data: &LabelledData) -> Result<()> {
    let Some((odd, usual)) = case_conflict(&data.labels) else { return Ok(()) };
    let (odd_at, usual_at) = (data.location(odd), data.location(usual));
    let usual_at = match (odd_at.path == usual_at.path, usual_at.line) {
        (true, Some(line)) => format!("line {line}"),
        _ => Location { column: None, ..usual_at }.to_string(),
    };
    Err(Error::LabelCase {
        location: odd_at,
        label: data.labels.get(odd).cloned().unwrap_or_default(),
        other: format!("'{}' ({usual_at})", data.labels.get(usual).map_or("", String::as_str)),
    })
}

/// Two spellings of one label that differ only by case, as the first row of the odd one
/// out (the rarer spelling; of equally common ones, the later) and the first row of the
/// most common spelling. `None` when every label has one spelling.
pub fn case_conflict(labels: &[String]) -> Option<(usize, usize)> {
    // Per spelling: its lower case, its number of rows, its first row, in first-seen order.
    let mut spellings: Vec<(String, usize, usize)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (row, label) in labels.iter().enumerate() {
        let at = *index.entry(label.as_str()).or_insert_with(|| {
            spellings.push((label.to_lowercase(), 0, row));
            spellings.len() - 1
        });
        if let Some(spelling) = spellings.get_mut(at) {
            spelling.1 += 1;
        }
    }
    let mut by_lower: std::collections::HashMap<&str, Vec<&(String, usize, usize)>> = Default::default();
    spellings.iter().for_each(|s| by_lower.entry(s.0.as_str()).or_default().push(s));
    let mut conflicts: Vec<(usize, usize)> = by_lower
        .values()
        .filter(|group| group.len() > 1)
        .filter_map(|group| {
            // Rarest, and of those the latest seen; most common, and of those the first seen.
            let odd = group.iter().min_by_key(|s| (s.1, std::cmp::Reverse(s.2)))?;
            let usual = group.iter().max_by_key(|s| (s.1, std::cmp::Reverse(s.2)))?;
            Some((odd.2, usual.2))
        })
        .collect();
    conflicts.sort_unstable();
    conflicts.first().copied()
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

/// Streams the documents of one input. A record that cannot be read becomes a
/// [`Document`] whose `text` is the error, so every input row yields one output row.
///
/// # Errors
/// Only for failures that prevent reading any record: the file cannot be opened or
/// read at all, or a CSV header is malformed or lacks the text column.
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
            let mut rows = CsvRows::new(path, open(path)?);
            let header = rows.header()?;
            Ok(Box::new(CsvDocuments {
                text_index: find_column(path, &header, &options.text_column, "text-column")?,
                id_index: if options.require_id_column {
                    Some(find_column(path, &header, &options.id_column, "id-column")?)
                } else {
                    header.iter().position(|h| h == options.id_column)
                },
                rows,
                record: csv::ByteRecord::new(),
                n_rows: 0,
                options: options.clone(),
            }))
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

/// The rows of a CSV input, one document each; a row that cannot be read is a
/// document whose text is the error.
struct CsvDocuments<R> {
    rows: CsvRows<R>,
    record: csv::ByteRecord,
    text_index: usize,
    id_index: Option<usize>,
    n_rows: usize,
    options: ReadOptions,
}

impl<R: Read> Iterator for CsvDocuments<R> {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        let (line, checked) = self.rows.next_record(&mut self.record)?;
        self.n_rows += 1;
        let options = &self.options;
        // An id field with broken quoting may hold the rest of the file: the row number stands in.
        let id_is_broken = matches!(&checked, Err(Error::Csv { location, .. })
            if location.column.as_deref() == Some(options.id_column.as_str()));
        let id = self
            .id_index
            .filter(|_| !id_is_broken)
            .and_then(|i| self.record.get(i))
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.n_rows.to_string());
        let text = checked
            .and_then(|()| self.rows.text(&self.record, self.text_index, &options.text_column, options.lossy, line));
        Some(Document { source: self.rows.path.clone(), id, line: Some(line), text, is_article: options.articles })
    }
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

/// serde_json numbers lines and columns within the one line it was given (always
/// "line 1", columns in bytes); the message names the file's line instead, and the
/// character column in it.
fn json_error(line: &str, location: &Location, error: &serde_json::Error) -> Error {
    let message = error.to_string();
    let what =
        message.strip_suffix(&format!(" at line {} column {}", error.line(), error.column())).unwrap_or(&message);
    let message = if line.trim().is_empty() {
        "empty line (JSON Lines has one object per line)".to_string()
    } else {
        // serde_json's column is the 1-based byte of the error; name its character.
        let column = line.get(..error.column()).map_or(error.column(), |before| before.chars().count());
        // Its input was the line, so its "EOF" is the end of the line, not of the file.
        let what = what.replacen("EOF while", "the line ends while", 1);
        format!("{what} at column {column}")
    };
    Error::Json { location: location.clone(), message }
}

fn parse_json_record(line: &str, location: &Location, options: &ReadOptions, n: u64) -> (String, Result<String>) {
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return (n.to_string(), Err(json_error(line, location, &e))),
    };
    // An id that is not a string or a number has no faithful one-field form, and a
    // row number in its place would pass for the record's own id: the record is an
    // error. A missing (or null) id is the line number, unless --id-column asked for it.
    let id_error = |message: String| Err(Error::Json { location: location.clone(), message });
    let (id, id_checked) = match value.get(&options.id_column) {
        Some(serde_json::Value::String(s)) => (s.clone(), Ok(())),
        Some(serde_json::Value::Number(x)) => (x.to_string(), Ok(())),
        None | Some(serde_json::Value::Null) if !options.require_id_column => (n.to_string(), Ok(())),
        None => (n.to_string(), id_error(format!("no field '{}' (set it with --id-column)", options.id_column))),
        Some(other) => (
            n.to_string(),
            id_error(format!(
                "field '{}' is {}, not a string or number (write the id as a string)",
                options.id_column,
                json_kind(other)
            )),
        ),
    };
    let text = id_checked.and_then(|()| match value.get(&options.text_column) {
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        _ => Err(Error::Json {
            location: location.clone(),
            message: format!("no string field '{}' (set it with --text-column)", options.text_column),
        }),
    });
    (id, text)
}

/// `a bool`, `an array`, ...: a JSON value's type, for messages.
fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a bool",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
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
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        assert!(
            err.ends_with(":3: column 'label': label 'pos' differs from 'Pos' (line 2) only by case; make them agree"),
            "{err}"
        );
    }

    #[test]
    fn label_case_names_the_rarer_spelling() {
        // 'b' (3 rows) against 'B' (1 row, the 4th): B is the odd one out however ordered.
        let labels: Vec<String> = ["b", "a", "b", "B", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(case_conflict(&labels), Some((3, 0)));
        let labels: Vec<String> = ["B", "b", "b", "a"].iter().map(|s| s.to_string()).collect();
        assert_eq!(case_conflict(&labels), Some((0, 1)));
        let labels: Vec<String> = ["a", "b", "A"].iter().map(|s| s.to_string()).collect();
        assert_eq!(case_conflict(&labels), Some((2, 0)));
        let labels: Vec<String> = ["a", "b", "ab"].iter().map(|s| s.to_string()).collect();
        assert_eq!(case_conflict(&labels), None);
    }

    #[test]
    fn label_case_is_checked_across_files() {
        let first = temp_csv(b"text,label\nx,pos\ny,neg\nz,pos\n");
        let second = temp_csv(b"text,label\nw,Pos\n");
        let mut all = LabelledData::default();
        all.append(read_labelled_csv(first.path(), "text", "label").unwrap()).unwrap();
        let err = all.append(read_labelled_csv(second.path(), "text", "label").unwrap()).unwrap_err().to_string();
        let expected = format!(
            "{}:2: column 'label': label 'Pos' differs from 'pos' ({}:2) only by case; make them agree",
            second.path().display(),
            first.path().display()
        );
        assert_eq!(err, expected);
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

    /// The error for a labelled CSV, without the temporary file's path.
    fn labelled_error(content: &[u8]) -> String {
        let f = temp_csv(content);
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        err.strip_prefix(&f.path().display().to_string()).unwrap_or(&err).to_string()
    }

    const UNCLOSED: &str =
        "malformed CSV: the quote that opens this field is never closed (the rest of the file would be one field)";
    const AFTER_QUOTE: &str =
        "malformed CSV: text after the closing quote of this field (inside quotes, write a quote as \"\")";

    #[test]
    fn unclosed_quote_names_the_line_where_it_opens() {
        // The csv crate read this as three rows, the last holding lines 4 to 7.
        let content = b"label,text\na,good deal\nb,war threat\na,\"peace talks\nb,attack\na,good talks\nb,raid\n";
        assert_eq!(labelled_error(content), format!(":4: column 'text': {UNCLOSED}"));
        // A field that opens on a later line of its row (the row starts on line 2).
        let content = b"text,label\n\"two\r\nlines\",\"a\r\nx,b\r\n";
        assert_eq!(labelled_error(content), format!(":3: column 'label': {UNCLOSED}"));
        // An escaped quote just before the end of the file does not close the field.
        assert_eq!(labelled_error(b"text,label\nx,\"a\"\""), format!(":2: column 'label': {UNCLOSED}"));
        // In the header.
        assert_eq!(labelled_error(b"\"text,label\nx,a\n"), format!(":1: {UNCLOSED}"));
    }

    #[test]
    fn text_after_a_closing_quote_is_refused() {
        // The csv crate reads `"a"b"c` as `ab"c`, and `"x" ` as `x `.
        assert_eq!(labelled_error(b"text,label\n\"a\"b\"c,x\n"), format!(":2: column 'text': {AFTER_QUOTE}"));
        assert_eq!(labelled_error(b"text,label\ny,a\n\"x\" ,b\n"), format!(":3: column 'text': {AFTER_QUOTE}"));
        // A quote that closes lines later, with text after it, is named where it opens.
        let content = b"text,label\nz,a\n\"open\nthen \"closed\" here,b\n";
        assert_eq!(labelled_error(content), format!(":3: column 'text': {AFTER_QUOTE}"));
    }

    #[test]
    fn well_formed_quoting_reads_as_written() {
        // Doubled quotes, a quoted delimiter and newline, a quoted last field at the end
        // of the file, and a quote inside an unquoted field (kept as written).
        let f = temp_csv(b"text,label\n\"say \"\"hi\"\", ok\",a\n\"x,\r\ny\",b\n5\" screen,\"c\"\"\"");
        let data = read_labelled_csv(f.path(), "text", "label").unwrap();
        assert_eq!(data.texts, ["say \"hi\", ok", "x,\r\ny", "5\" screen"]);
        assert_eq!(data.labels, ["a", "b", "c\""]);
        assert_eq!(data.lines, [2, 3, 5]);
    }

    #[test]
    fn line_numbers_are_exact_for_every_line_ending() {
        // Each file's rows start on lines 2, 4 and 5 (line 3 blank, or inside a quoted field).
        let cases: [(&str, &[u8]); 6] = [
            ("lf", b"text,label\nx,a\n\ny,b\nz,c\n"),
            ("crlf", b"text,label\r\nx,a\r\n\r\ny,b\r\nz,c\r\n"),
            ("lone cr", b"text,label\rx,a\r\ry,b\rz,c\r"),
            ("lf header, crlf rows", b"text,label\nx,a\r\n\r\ny,b\r\nz,c\r\n"),
            ("mixed", b"text,label\rx,a\n\r\ny,b\rz,c"),
            ("quoted newline", b"\xEF\xBB\xBFtext,label\r\n\"x\r\nx\",a\r\ny,b\nz,c\n"),
        ];
        for (name, content) in cases {
            let f = temp_csv(content);
            let data = read_labelled_csv(f.path(), "text", "label").unwrap();
            assert_eq!(data.lines, [2, 4, 5], "{name}");
            assert_eq!(data.labels, ["a", "b", "c"], "{name}");
        }
        // Errors name the same lines: the empty label of the third row is on line 5.
        assert!(labelled_error(b"text,label\rx,a\r\ry,b\rz,\r").starts_with(":5: column 'label': unknown label ''"));
        assert!(labelled_error(b"text,label\nx,a\r\n\r\ny,b\r\nz,\r\n").starts_with(":5: column 'label'"));
        assert!(labelled_error(b"text,label\r\nx,a\r\n\r\ny,b,c\r\n").starts_with(":4: malformed CSV: row has 3"));
    }

    #[test]
    fn invalid_utf8_offset_counts_from_the_start_of_the_file() {
        // BOM (3) + "text,label\r\n" (12) + "x,a\r\n" (5) = 20; the field's opening quote
        // is at 20, `a""` takes 3 bytes of the file for 2 of the text: the bad byte is at 24.
        let err = labelled_error(b"\xEF\xBB\xBFtext,label\r\nx,a\r\n\"a\"\"\xFF\",b\r\n");
        assert_eq!(
            err,
            ":3: column 'text': invalid UTF-8 at byte offset 24 (re-encode the file as UTF-8, or pass --lossy)"
        );
    }

    #[test]
    fn csv_documents_flag_a_bad_quote_and_keep_the_rows_before_it() {
        let f = temp_csv(b"id,text\r\n1,fine\r\n2,\"a\"b\r\n3,good\r\n4,\"open\r\n5,swallowed\r\n");
        let docs: Vec<Document> = read_documents(f.path(), &ReadOptions::default()).unwrap().collect();
        let path = f.path().display().to_string();
        let rows: Vec<(&str, Option<u64>, String)> = docs
            .iter()
            .map(|d| (d.id.as_str(), d.line, d.text.as_ref().map_or_else(|e| e.to_string(), |t| t.clone())))
            .collect();
        assert_eq!(
            rows,
            [
                ("1", Some(2), "fine".to_string()),
                ("2", Some(3), format!("{path}:3: column 'text': {AFTER_QUOTE}")),
                ("3", Some(4), "good".to_string()),
                ("4", Some(5), format!("{path}:5: column 'text': {UNCLOSED}")),
            ]
        );
        // A broken id is not used as the row's id: the row number is.
        let f = temp_csv(b"id,text\n1,fine\n\"2,open\n3,swallowed\n");
        let ids: Vec<String> = read_documents(f.path(), &ReadOptions::default()).unwrap().map(|d| d.id).collect();
        assert_eq!(ids, ["1", "2"]);
    }

    #[test]
    fn json_errors_name_the_file_line_and_character_column() {
        let mut f = tempfile::Builder::new().suffix(".jsonl").tempfile().unwrap();
        f.write_all("{\"text\": \"ok\"}\n\n{\"text\": \"w\u{f6}rd\" x}\n{\"text\": \n".as_bytes()).unwrap();
        let docs: Vec<Document> = read_documents(f.path(), &ReadOptions::default()).unwrap().collect();
        let path = f.path().display().to_string();
        let errors: Vec<String> = docs.iter().skip(1).map(|d| d.text.as_ref().unwrap_err().to_string()).collect();
        assert_eq!(
            errors,
            [
                format!("{path}:2: malformed JSON: empty line (JSON Lines has one object per line)"),
                // `x` is the 17th character (the 18th byte: `\u{f6}` takes two).
                format!("{path}:3: malformed JSON: expected `,` or `}}` at column 17"),
                format!("{path}:4: malformed JSON: the line ends while parsing a value at column 9"),
            ]
        );
    }

    fn csv_field() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof!["[a-z ]{1,3}", Just("\"".into()), Just(",".into()), "[\r\n]{1,2}", "\\PC"],
            0..4,
        )
        .prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        #[test]
        fn what_csv_writes_reads_back_with_exact_lines(
            rows in prop::collection::vec((prop::collection::vec(csv_field(), 2), 0..3usize), 0..6),
            terminator in prop_oneof![Just(b"\n".to_vec()), Just(b"\r\n".to_vec()), Just(b"\r".to_vec())],
            always_quote in proptest::bool::ANY,
        ) {
            let write = |fields: &[String]| {
                let mut writer = csv::WriterBuilder::new()
                    .terminator(if terminator == b"\r\n" { csv::Terminator::CRLF } else { csv::Terminator::Any(terminator[0]) })
                    .quote_style(if always_quote { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary })
                    .from_writer(Vec::new());
                writer.write_record(fields).unwrap();
                writer.into_inner().unwrap()
            };
            // Lines counted apart from the reader: every line break made a `\n`.
            let n_lines = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace("\r\n", "\n").replace('\r', "\n").matches('\n').count() as u64;
            let mut file = write(&["a".to_string(), "b".to_string()]);
            let mut expected_lines = Vec::new();
            for (fields, blank_lines) in &rows {
                for _ in 0..*blank_lines {
                    file.extend_from_slice(&terminator);
                }
                expected_lines.push(1 + n_lines(&file));
                file.extend(write(fields));
            }
            let mut reader = CsvRows::new(Path::new("p.csv"), file.as_slice());
            reader.header().unwrap();
            let mut record = csv::ByteRecord::new();
            let mut read = Vec::new();
            while let Some((line, checked)) = reader.next_record(&mut record) {
                checked.unwrap();
                let fields: Vec<String> = record.iter().map(|f| String::from_utf8(f.to_vec()).unwrap()).collect();
                read.push((fields, line));
            }
            let written: Vec<(Vec<String>, u64)> = rows.iter().map(|r| r.0.clone()).zip(expected_lines).collect();
            prop_assert_eq!(read, written);
        }

        #[test]
        fn arbitrary_bytes_never_panic_and_lines_never_go_back(bytes in prop::collection::vec(
            prop::sample::select(b"\",\r\na \xFF".to_vec()), 0..80))
        {
            let mut reader = CsvRows::new(Path::new("p.csv"), bytes.as_slice());
            let _ = reader.header();
            let mut record = csv::ByteRecord::new();
            let mut previous = 0;
            while let Some((line, _)) = reader.next_record(&mut record) {
                prop_assert!(line >= previous);
                previous = line;
            }
        }
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

/// The labels allowed in each task column of a span file (the three shipped tasks);
/// a column not named here is read as written.
pub const SPAN_LABELS: &[(&str, &[&str])] = &[
    ("cooperation", &["cooperative", "adversarial", "neutral"]),
    ("accusation", &["accusation", "denial", "none"]),
    ("sentiment", &["positive", "negative", "neutral"]),
];

/// Columns of a span file that are not task labels.
const SPAN_META: &[&str] = &["dataset", "doc_id", "start", "end", "sha256", "split"];

/// Reads span label files (offsets and labels, never text) and rebuilds each
/// sentence from the documents in `datasets_dir` (`../shared/datasets`), checking
/// that it still hashes to the stored sha256 prefix.
///
/// # Errors
/// [`Error::Io`] / [`Error::Csv`] for unreadable files, [`Error::Data`] naming the
/// file and line of a span that is out of range, unknown, or whose hash differs;
/// [`Error::UnknownLabel`] for a task label outside [`SPAN_LABELS`].
pub fn read_span_rows(span_files: &[PathBuf], datasets_dir: &Path) -> Result<Vec<SpanRow>> {
    let mut documents: std::collections::HashMap<String, std::collections::HashMap<String, String>> =
        std::collections::HashMap::new();
    let mut rows = Vec::new();
    for span_file in span_files {
        let (header, records) = read_table(span_file)?;
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
        for (line, record) in records {
            let bad =
                |reason: String| Error::Data { path: span_file.clone(), reason: format!("line {line}: {reason}") };
            let field = |i: usize| record.get(i).unwrap_or("").to_string();
            let dataset = field(c_dataset);
            if !documents.contains_key(&dataset) {
                let Some((_, file, id_col, text_col)) = SPAN_SOURCES.iter().find(|s| s.0 == dataset) else {
                    return Err(bad(format!("unknown dataset '{dataset}'")));
                };
                let source = datasets_dir.join(file);
                let (source_header, source_records) = read_table(&source)?;
                let id_index = find_column(&source, &source_header, id_col, "spans")?;
                let text_index = find_column(&source, &source_header, text_col, "spans")?;
                let mut docs = std::collections::HashMap::new();
                for (_, doc) in source_records {
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
            // A typo ("cooperatve") would otherwise train a class of its own.
            for (i, name) in &tasks {
                let label = field(*i);
                if let Some((_, allowed)) = SPAN_LABELS.iter().find(|(task, _)| task == name) {
                    if !allowed.contains(&label.as_str()) {
                        return Err(Error::UnknownLabel {
                            location: Location::file(span_file).at_line(line).with_column(name.as_str()),
                            label,
                            expected: allowed.iter().map(|l| l.to_string()).collect(),
                        });
                    }
                }
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
    let (header, records) = read_table(path)?;
    // Its columns are fixed: no flag chooses them, so the message lists them instead.
    let column = |name: &str| {
        find_column(path, &header, name, "data").map_err(|error| match error {
            Error::MissingColumn { path, column, found, .. } => Error::Data {
                path,
                reason: format!(
                    "no column '{column}' (columns found: {}; an actors file has columns text, accusation, source, target)",
                    found.join(", ")
                ),
            },
            other => other,
        })
    };
    let (text, claim, source, target) = (column("text")?, column("accusation")?, column("source")?, column("target")?);
    let mut rows = Vec::new();
    for (line, record) in records {
        let field = |index: usize| record.get(index).unwrap_or_default().to_string();
        let claim = field(claim);
        if !ACTOR_CLAIMS.contains(&claim.as_str()) {
            return Err(Error::UnknownLabel {
                location: Location::file(path).at_line(line).with_column("accusation"),
                label: claim,
                expected: ACTOR_CLAIMS.iter().map(|c| c.to_string()).collect(),
            });
        }
        rows.push(ActorRow { line, text: field(text), claim, source: field(source), target: field(target) });
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
    /// symlink, a directory without `.txt` files, a `.txt` that is not a regular file.
    pub warnings: Vec<String>,
}

/// Expands the prediction inputs: a directory becomes every regular `.txt` file below
/// it (recursively, following symlinks, in sorted order; a FIFO, socket or device is
/// skipped with a warning); files and `-` pass through. A
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
            // A FIFO would block the run until something writes to it, a device might
            // never end. A broken link stays in, to be its input's error row.
            match std::fs::metadata(&path) {
                Ok(metadata) if !metadata.is_file() => warnings
                    .push(format!("{}: skipped, not a regular file (name it on its own to read it)", path.display())),
                _ => found.push((path, None)),
            }
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
    fn rejects_unknown_span_label() {
        let datasets = one_document();
        let spans = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        let full = "185f8db32271fe25"; // sha256("Hello"), as in the test below
        let rows = format!("dataset,doc_id,start,end,sha256,cooperation,sentiment,split\nbbc_news,d1,0,5,{full},neutral,positive,train\nbbc_news,d1,0,5,{full},bogus,positive,train\n");
        std::fs::write(spans.path(), rows).unwrap();
        let err = read_span_rows(&[spans.path().to_path_buf()], datasets.path()).unwrap_err().to_string();
        let expected = format!(
            "{}:3: column 'cooperation': unknown label 'bogus' (expected one of: cooperative, adversarial, neutral)",
            spans.path().display()
        );
        assert_eq!(err, expected);
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
