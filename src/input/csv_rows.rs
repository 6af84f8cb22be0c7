//! The CSV reader under every CSV input: a header, then rows each with the exact
//! 1-based line it starts on. Input: bytes. Output: checked records ([`CsvRows`]), a
//! whole table as text ([`read_table`]), a column found by name ([`find_column`]).
//!
//! The csv crate counts lines from `\n` alone and reads bad quoting without a word;
//! this reader counts every line ending and refuses what CSV would not have written.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::read_all;
use crate::error::{Error, Location, Result};

/// Finds a column by name in a CSV header.
///
/// # Errors
/// [`Error::MissingColumn`] listing the columns found, [`Error::DuplicateColumn`] when
/// the name appears twice.
pub fn find_column(path: &Path, header: &csv::StringRecord, column: &str, flag: &str) -> Result<usize> {
    let matches: Vec<usize> = header.iter().enumerate().filter(|(_, h)| *h == column).map(|(i, _)| i).collect();
    match matches.as_slice() {
        [i] => Ok(*i),
        [] => Err(missing_column(path, header, column, flag)),
        _ => Err(Error::DuplicateColumn { path: path.to_path_buf(), column: column.to_string() }),
    }
}

/// Why `header` has no `column`, naming the likeliest cause when the header shows one.
fn missing_column(path: &Path, header: &csv::StringRecord, column: &str, flag: &str) -> Error {
    let data = |reason: String| Error::Data { path: path.to_path_buf(), reason };
    // "columns found: ;" would say nothing.
    if header.is_empty() {
        // `-: the file is empty` named a file nobody gave: `-` is standard input, and an
        // empty one is most often a pipe whose first command wrote nothing or failed.
        let what = if path.as_os_str() == "-" {
            "standard input is empty (did the command before the pipe write nothing, or fail?)"
        } else {
            "the file is empty"
        };
        return data(format!("{what}: no header line naming its columns (column '{column}' is needed)"));
    }
    // A header line of blanks (spaces, tabs, empty fields: a file of only white space, a
    // sheet exported empty), which the list of columns found showed as `'  '`.
    if header.iter().all(|h| h.trim().is_empty()) {
        return data(format!(
            "no column '{}': the header line is blank (only spaces, tabs or empty fields), so it names no column (the \
             first line that is not empty must name the columns)",
            escape_controls(column)
        ));
    }
    // A header of one field that a semicolon or tab splits: a file of another delimiter
    // (Excel writes semicolons where the comma is the decimal mark). Said so, rather than
    // only listing the one long "column".
    if let Some(separator) = other_delimiter(header) {
        return data(format!(
            "no column '{}': the header '{}' is separated by {separator}, not commas (CSV files are read \
             comma-separated: save it with commas)",
            escape_controls(column),
            escape_controls(header.get(0).unwrap_or_default()),
        ));
    }
    // A header written with a space after each comma (`id, text`): the name is there,
    // spaces around it, which the list of columns found showed only as `' text'`.
    if let Some(found) = spaced_name(header, column) {
        let found = escape_controls(found);
        let choose = match flag.ends_with("-column") {
            true => format!("remove the spaces after the commas, or choose it with --{flag} '{found}'"),
            false => "remove the spaces after the commas".to_string(),
        };
        return data(format!(
            "no column '{}', but a column '{found}' (with a space around its name: {choose})",
            escape_controls(column)
        ));
    }
    // A name holding a character that is not seen (a zero-width space, a soft hyphen, a
    // byte order mark: copied from a web page or a spreadsheet), which the list of columns
    // found showed as the very name asked for (`'text​'`).
    if let Some(found) = invisible_name(header, column) {
        let mark = found.chars().find(|&c| crate::text::is_unseen(c)).map(|c| format!("U+{:04X}", u32::from(c)));
        let shown: String = found
            .chars()
            .map(|c| if crate::text::is_unseen(c) { c.escape_unicode().to_string() } else { c.to_string() })
            .collect();
        return data(format!(
            "no column '{}', but a column '{shown}' with the invisible character {} in its name (delete it from the \
             header)",
            escape_controls(column),
            mark.unwrap_or_default(),
        ));
    }
    // The name in another case (`Text`, `Label`, as pandas or a spreadsheet heads a column),
    // which was listed among the columns found as if it were another name.
    if let Some(found) = other_case(header.iter(), column) {
        let found = escape_controls(found);
        // A flag that names the column can name it so; a fixed name (a span or actors
        // file's) is the header's to change.
        let choose = match flag {
            _ if flag.ends_with("-column") => format!("choose it with --{flag} {}", shell_word(&found)),
            "filter" => format!("write it as '{found}' in --filter"),
            _ => format!("rename it '{}' in the header", escape_controls(column)),
        };
        return data(format!(
            "no column '{}', but a column '{found}' (names are compared in their case: {choose})",
            escape_controls(column)
        ));
    }
    // Control characters escaped (`\n`), so a name with a line break keeps the message on one line.
    Error::MissingColumn {
        path: path.to_path_buf(),
        column: escape_controls(column),
        found: header.iter().map(|h| format!("'{}'", escape_controls(h))).collect(),
        flag: flag.to_string(),
    }
}

/// The header name that is `column` with white space around it, if any (not the other
/// way round: `--label-column ' label'` for a header `label` is the user's spaces).
fn spaced_name<'h>(header: &'h csv::StringRecord, column: &str) -> Option<&'h str> {
    header.iter().find(|h| *h != column && !column.is_empty() && h.trim() == column)
}

/// The one of `names` that is `name` in another case, if there is one (of two, which was
/// meant cannot be told): a CSV column or a JSON key headed `Text` for `text`.
pub(super) fn other_case<'n>(names: impl IntoIterator<Item = &'n str>, name: &str) -> Option<&'n str> {
    let mut found = names.into_iter().filter(|n| *n != name && n.to_lowercase() == name.to_lowercase());
    match (found.next(), found.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// `name` as a shell argument: as it is when it holds only letters, digits, `_`, `-` and
/// `.`, else in single quotes (`'Body Text'`).
pub(super) fn shell_word(name: &str) -> String {
    match name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.')) {
        true => name.to_string(),
        false => format!("'{name}'"),
    }
}

/// The header name that is `column` with characters that are not seen in it, if any.
fn invisible_name<'h>(header: &'h csv::StringRecord, column: &str) -> Option<&'h str> {
    header.iter().find(|h| {
        *h != column
            && h.chars().any(crate::text::is_unseen)
            && h.chars().filter(|&c| !crate::text::is_unseen(c)).eq(column.chars())
    })
}

/// The delimiter a header of one field is split by instead of commas, if any: semicolons
/// or tabs.
fn other_delimiter(header: &csv::StringRecord) -> Option<&'static str> {
    match header.iter().collect::<Vec<_>>().as_slice() {
        [only] if only.contains(';') => Some("semicolons"),
        [only] if only.contains('\t') => Some("tabs"),
        _ => None,
    }
}

/// What JSON a first record shows the file to hold instead of a CSV header: JSON Lines
/// (an object, `{"text": ...`) or a JSON array (`[{...`, or `[` alone on a pretty-printed
/// file's first line). Read as CSV, such a file listed its first line, split at its
/// commas, as the columns found (a JSON array on one line: the whole file, 200 KB, in
/// one message), or called its second line ragged.
fn json_instead(record: &csv::ByteRecord) -> Option<JsonKind> {
    let first = record.get(0)?;
    let first = first.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(first);
    // A model given as data (`eval --data m.json --model test.csv`, the two swapped) was
    // told to convert its JSON Lines to CSV with pandas.
    if crate::model::written_as_a_model(first) {
        return Some(JsonKind::Model);
    }
    let mut bytes = first.iter().copied().filter(|b| !b.is_ascii_whitespace());
    let kind = match bytes.next()? {
        b'{' => JsonKind::Lines,
        b'[' => JsonKind::Array,
        _ => return None,
    };
    // What may follow: a key, or the end of an empty object; in an array, a value that
    // opens (an object, an array, a string) or nothing on the line.
    match (kind, bytes.next()) {
        (JsonKind::Lines, Some(b'"' | b'}')) | (JsonKind::Array, None | Some(b'{' | b'[' | b'"')) => Some(kind),
        // `{` alone: an object written over several lines (`jq .`), said to be a column '{'.
        (JsonKind::Lines, None) if record.len() == 1 => Some(JsonKind::OverLines),
        _ => None,
    }
}

/// JSON found where a CSV was expected.
#[derive(Clone, Copy)]
enum JsonKind {
    /// One object a line.
    Lines,
    /// One array of records.
    Array,
    /// Objects written over several lines, `{` alone on the first.
    OverLines,
    /// A stancekit model file.
    Model,
}

/// Why a JSON file is no CSV, and how to convert it.
fn json_not_csv(path: &Path, kind: JsonKind) -> String {
    let (what, lines, predict) = match kind {
        JsonKind::Lines => (
            "JSON Lines (its first line is a JSON object)",
            ", lines=True",
            "; predict reads it with --input-format jsonl",
        ),
        JsonKind::Array => ("a JSON array", "", ""),
        JsonKind::OverLines => {
            let shown = escape_controls(&path.display().to_string());
            return format!(
                "the file is JSON written over several lines (its first line is '{{' alone, as jq . or Python's \
                 json.dump(..., indent=2) writes it), not CSV with a header line naming its columns (write each record \
                 on one line, e.g. jq -c . {shown} > records.jsonl, then convert that: python3 -c \"import pandas as \
                 pd; pd.read_json('records.jsonl', lines=True).to_csv('records.csv', index=False)\")"
            );
        }
        JsonKind::Model => {
            return "the file is a stancekit model, not CSV data (a model is given with --model; data is a CSV with \
                    a header line naming its columns)"
                .into()
        }
    };
    let stem = path.file_stem().map_or_else(|| "data".into(), |s| s.to_string_lossy().into_owned());
    let mut out = path.with_file_name(format!("{stem}.csv"));
    if out == path {
        out = path.with_file_name(format!("{stem}-table.csv"));
    }
    format!(
        "the file is {what}, not CSV with a header line naming its columns (convert it, e.g. python3 -c \"import pandas \
         as pd; pd.read_json('{}'{lines}).to_csv('{}', index=False)\"{predict})",
        escape_controls(&path.display().to_string()),
        escape_controls(&out.display().to_string()),
    )
}

/// The delimiter named by a first line `sep=X`, which Excel writes (and reads) before
/// the header of a CSV export in some locales: `,` (a record of the fields `sep=` and
/// an empty one), `semicolons`, `tabs` or another character in quotes.
fn excel_separator(record: &csv::ByteRecord) -> Option<&'static str> {
    let fields: Vec<&[u8]> = record.iter().collect();
    let named = match fields.as_slice() {
        [sep, b""] if sep.eq_ignore_ascii_case(b"sep=") => return Some(","),
        [only] if only.len() == 5 && only.get(..4).is_some_and(|s| s.eq_ignore_ascii_case(b"sep=")) => only.get(4),
        _ => None,
    };
    match named? {
        b';' => Some("semicolons"),
        b'\t' => Some("tabs"),
        b'|' => Some("'|'"),
        b' ' => Some("spaces"),
        _ => None,
    }
}

/// Whether `record` is the line `#TYPE System.Management.Automation.PSCustomObject` that
/// Windows PowerShell's `Export-Csv` and `ConvertTo-Csv` write above the header unless
/// given `-NoTypeInformation` (the default from PowerShell 6 on).
fn powershell_type_line(record: &csv::ByteRecord) -> bool {
    let fields: Vec<&[u8]> = record.iter().collect();
    // A type name is one word: `System.Management.Automation.PSCustomObject`, `Selected.System.IO.FileInfo`.
    matches!(fields.as_slice(), [only] if only.strip_prefix(b"#TYPE ").is_some_and(|name| !name.is_empty() && !name.contains(&b' ')))
}

/// `s` with its control characters escaped as Rust writes them (`\n`, `\u{1b}`).
pub fn escape_controls(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

/// What is wrong with `record` under a header of `names`: one field too many is most
/// often a comma in a text that is not in quotes (`Paris, France`), which reads as two
/// fields, unless the extra field is an empty last one (a comma ending the line); one
/// too few, under a header whose last name is empty, is a comma ending the header line;
/// a line of only Ctrl-Z (U+001A) is the end-of-file mark old DOS programs wrote. Those
/// three were said only as counts, or with the hint about quotes, which did not apply.
fn ragged(record: &csv::ByteRecord, names: &[String]) -> String {
    let (fields, columns) = (record.len(), names.len());
    let count = |n: usize| crate::error::counted(n, "field");
    let ends_empty = record.get(fields.saturating_sub(1)).is_some_and(<[u8]>::is_empty);
    let hint = if record.iter().eq([b"\x1a".as_slice()]) {
        " (the line holds only U+001A, Ctrl-Z, the end-of-file mark of old DOS programs: delete it)"
    } else if fields == columns + 1 && ends_empty {
        " (the row ends with a comma, which starts one more, empty field: remove the comma at the end of the line)"
    } else if fields + 1 == columns && names.last().is_some_and(String::is_empty) {
        " (the header line ends with a comma, which names one more, empty column: remove it)"
    } else if fields > columns {
        " (a comma inside a field that is not in double quotes? Quote such a field: \"Paris, France\")"
    } else {
        ""
    };
    format!("row has {} but the header has {columns}{hint}", count(fields))
}

fn csv_error(path: &Path, error: &csv::Error, line: u64) -> Error {
    Error::Csv { location: Location::file(path).at_line(line), message: error.to_string() }
}

/// Counts the line breaks in `bytes`: `\n`, `\r\n` and a lone `\r` each end a line.
pub(super) fn count_line_breaks(bytes: &[u8]) -> u64 {
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
pub(super) struct CsvRows<R> {
    /// The file read, to name it in messages.
    pub(super) path: PathBuf,
    reader: csv::Reader<Tape<R>>,
    /// The header's column names, to name a column in messages.
    names: Vec<String>,
    /// Where each field of the last record starts.
    starts: Vec<FieldStart>,
    /// Whether the header line ends with a lone CR, as old Mac files and Excel for Mac's
    /// CSV do: a byte that is not UTF-8 is then read as Mac Roman in messages.
    mac_line_ends: bool,
}

impl<R: Read> CsvRows<R> {
    pub(super) fn new(path: &Path, input: R) -> Self {
        // Flexible: row lengths are checked here, after the quoting (a stray quote is
        // what usually makes a row ragged).
        let reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(Tape::new(input));
        CsvRows { path: path.to_path_buf(), reader, names: Vec::new(), starts: Vec::new(), mac_line_ends: false }
    }

    /// Reads the header; an empty input has an empty one.
    pub(super) fn header(&mut self) -> Result<csv::StringRecord> {
        let mut record = csv::ByteRecord::new();
        let mut first = self.next_record(&mut record);
        // Windows PowerShell's Export-Csv (5.1, without -NoTypeInformation) starts with a
        // line naming the objects' type: it was taken for the header, `no column 'text'
        // (columns found: '#TYPE System.Management.Automation.PSCustomObject')`.
        if let Some((_, Ok(()))) = first {
            if powershell_type_line(&record) {
                first = self.next_record(&mut record);
            }
        }
        // Excel's export for some locales starts with a line naming the delimiter.
        if let Some((line, Ok(()))) = first {
            match excel_separator(&record) {
                Some(",") => first = self.next_record(&mut record),
                Some(separator) => {
                    return Err(Error::Csv {
                        location: Location::file(&self.path).at_line(line),
                        message: format!(
                            "the line '{}' says the file is separated by {separator}, not commas (CSV files are read \
                             comma-separated: save it with commas)",
                            escape_controls(&String::from_utf8_lossy(record.as_slice())),
                        ),
                    })
                }
                None => {}
            }
        }
        // Said before the line's own CSV error: compact JSON (`{"text":"a","label":"b"}`,
        // as pandas and jq write it) fails the quoting check, and was then called a CSV
        // line with text after a closing quote.
        if let Some(kind) = first.as_ref().and_then(|_| json_instead(&record)) {
            return Err(Error::Data { path: self.path.clone(), reason: json_not_csv(&self.path, kind) });
        }
        let line = match first {
            None => return Ok(csv::StringRecord::new()),
            Some((line, checked)) => checked.map(|()| line)?,
        };
        let header = csv::StringRecord::from_byte_record(record).map_err(|e| {
            let (index, valid_up_to) = (e.utf8_error().field(), e.utf8_error().valid_up_to());
            let record = e.into_byte_record();
            let start = self.starts.get(index).copied().unwrap_or_default();
            let field = record.get(index).unwrap_or_default();
            Error::InvalidUtf8 {
                location: Location::file(&self.path).at_line(line),
                offset: start.offset_of(field, valid_up_to),
                lossy_offered: false,
                legacy: crate::error::legacy_encoding(field, valid_up_to, self.mac_line_ends),
            }
        })?;
        self.names = header.iter().map(str::to_string).collect();
        Ok(header)
    }

    /// Reads the next record into `record`: its line, and whether it is well formed
    /// (quoting, and as many fields as the header). `None` at the end of the input.
    pub(super) fn next_record(&mut self, record: &mut csv::ByteRecord) -> Option<(u64, Result<()>)> {
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
        // The header line cut by a carriage return before more of its fields: a column
        // added with paste, awk or sed after the CRLF line ends of a Windows file. It was
        // read as two lines, the added column as a row of its own (`no column 'grp'
        // (columns found: 'text', 'label')` of a header that names it).
        if self.names.is_empty() {
            // The csv reader ends a record at the CR of a CRLF: the LF comes after it.
            let next = tape.slice(end, end + 1);
            self.mac_line_ends = raw.ends_with(b"\r") && !next.is_empty() && next != b"\n";
            if let Some(rest) = split_by_carriage_return(raw, tape.slice(end, tape.base + tape.kept.len() as u64)) {
                let shown = escape_controls(&String::from_utf8_lossy(rest));
                return Err(Error::Csv {
                    location: Location::file(&self.path).at_line(tape.line_of(first)),
                    message: format!(
                        "the header line holds a carriage return (\\r, a Windows line end) before '{shown}', so it \
                         reads as two lines (a column added after the line ends of a Windows file, with paste, awk \
                         or sed? remove the carriage returns, e.g. tr -d '\\r' < {0} > fixed.csv)",
                        escape_controls(&self.path.display().to_string())
                    ),
                });
            }
        }
        if !self.names.is_empty() && record.len() != self.names.len() {
            return Err(Error::Csv {
                location: Location::file(&self.path).at_line(tape.line_of(first)),
                message: ragged(record, &self.names),
            });
        }
        // The header again: CSV files joined with `cat`, each with its header (and its
        // byte order mark). It used to be a row like any other: a class named 'label'
        // of the text 'text' in training, a row labelled in predict.
        let names = self.names.iter().map(String::as_bytes);
        let fields =
            record
                .iter()
                .enumerate()
                .map(|(i, f)| if i == 0 { f.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(f) } else { f });
        if !self.names.is_empty() && fields.eq(names) {
            return Err(Error::Csv {
                location: Location::file(&self.path).at_line(tape.line_of(first)),
                message: "this row repeats the header (files joined together, each with its header line? keep only \
                          the first header line, or give the files one by one)"
                    .into(),
            });
        }
        Ok(())
    }

    /// The name of column `index`, from the header.
    fn column(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }

    /// Field `index` of the last record read as text.
    pub(super) fn text(
        &self,
        record: &csv::ByteRecord,
        index: usize,
        column: &str,
        lossy: bool,
        line: u64,
    ) -> Result<String> {
        let bytes = record.get(index).unwrap_or_default();
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) if lossy => Ok(String::from_utf8_lossy(bytes).into_owned()),
            Err(e) => Err(Error::InvalidUtf8 {
                location: Location::file(&self.path).at_line(line).with_column(column),
                offset: self.starts.get(index).copied().unwrap_or_default().offset_of(bytes, e.valid_up_to()),
                lossy_offered: false,
                legacy: crate::error::legacy_encoding(bytes, e.valid_up_to(), self.mac_line_ends),
            }),
        }
    }
}

/// The rest of the line after a record `raw` that ends with a lone carriage return, when
/// that rest (`after`, the bytes read past the record) goes on with a delimiter and ends
/// with a line feed: `text,label\r,grp\n`, where paste, awk or sed added a column after a
/// Windows line end. A file of old Mac line ends (`\r` alone, no `\n` but in quotes) is
/// not one.
fn split_by_carriage_return<'a>(raw: &[u8], after: &'a [u8]) -> Option<&'a [u8]> {
    if !raw.ends_with(b"\r") || after.first() != Some(&b',') {
        return None;
    }
    // The first line break outside quotes: a quoted field holds line breaks of its own.
    let mut quoted = false;
    let end = after.iter().position(|&b| {
        quoted ^= b == b'"';
        !quoted && matches!(b, b'\r' | b'\n')
    })?;
    let rest = after.get(..end)?;
    match after.get(end..)? {
        [b'\n', ..] | [b'\r', b'\n', ..] => Some(rest),
        _ => None,
    }
}

/// Whether every field of a row of several is empty or white space (`,,`, `, ,`): a
/// spreadsheet's blank row, not a row of data with an empty text.
pub(crate) fn is_blank_row(record: &csv::ByteRecord) -> bool {
    record.len() > 1 && record.iter().all(|field| field.iter().all(u8::is_ascii_whitespace))
}

/// Reads a whole CSV with a header as text, checked and numbered as the labelled
/// readers do: the header and each row with its 1-based line.
///
/// # Errors
/// [`Error::Io`], [`Error::Csv`] (ragged rows, bad quoting) and [`Error::InvalidUtf8`],
/// each naming the file and line.
pub fn read_table(path: &Path) -> Result<(csv::StringRecord, Vec<(u64, csv::StringRecord)>)> {
    super::refuse_directory(path, "a CSV file")?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::read_labelled_csv;
    use crate::input::testing::{temp_csv, AFTER_QUOTE, UNCLOSED};
    use proptest::prelude::*;

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
    fn invalid_utf8_reports_byte_offset() {
        let f = temp_csv(b"text,label\nab\xFFc,a\n");
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        // Header is 11 bytes; "ab" puts the bad byte at offset 13.
        assert!(err.contains(":2: column 'text': invalid UTF-8 at byte offset 13"), "{err}");
    }

    /// The error for a labelled CSV, without the temporary file's path.
    fn labelled_error(content: &[u8]) -> String {
        let f = temp_csv(content);
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        err.strip_prefix(&f.path().display().to_string()).unwrap_or(&err).to_string()
    }

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
        assert!(labelled_error(b"text,label\rx,a\r\ry,b\rz,\r")
            .starts_with(":5: column 'label': empty label (give the row its label"));
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
            // Labelled data is read strictly: no --lossy to suggest.
            ":3: column 'text': invalid UTF-8 at byte offset 24 (it looks like Windows-1252, which Excel and Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8)"
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
            // Names no generated row spells: a row that repeats the header is refused.
            let mut file = write(&["header_1".to_string(), "header_2".to_string()]);
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
