//! JSON Lines and plain lines for prediction: one record per line. Input: a file or
//! standard input. Output: one [`Document`] per line, a line that cannot be read or
//! parsed being a document whose text is the error (file, line and column).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::documents::{header_naming, how_to_read};
use super::{decode, io_error, Document, ReadOptions, MAX_ARTICLE_BYTES};
use crate::error::{Error, Location, Result};

/// A read error part way through an input. It ends the input's documents: a reader
/// that failed once usually fails again (reading on gave `predict < /tmp` error rows
/// without end), and the rows after it cannot be counted.
fn read_stopped(path: &Path, line: Option<u64>, error: &std::io::Error) -> Error {
    let input = if path.as_os_str() == "-" { "standard input" } else { "the file" };
    let at = line.map(|line| format!(" at line {line}")).unwrap_or_default();
    let message = format!("reading {input} failed{at}, the rest of it is not labelled: {error}");
    Error::Io { path: path.to_path_buf(), error: std::io::Error::new(error.kind(), message) }
}

/// How the lines of a line input are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineRecords {
    /// Each a JSON object (JSON Lines).
    Json,
    /// A JSON object when it starts with `{`, else plain text (`lines`, standard input).
    JsonOrText,
    /// Plain text, whatever it starts with (`plain-lines`).
    Text,
}

/// The documents of a JSON Lines or plain-lines input read from `input`.
pub(super) fn line_input(
    path: &Path,
    input: Box<dyn Read + Send>,
    records: LineRecords,
    options: &ReadOptions,
) -> Result<Box<dyn Iterator<Item = Document> + Send>> {
    let mut reader = BufReader::new(input);
    // An input that cannot be read at all (a directory on standard input) is an error
    // of the input, as a file that cannot be opened is, not of a row.
    loop {
        match reader.fill_buf() {
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(io_error(path, error)),
            Ok(start) => {
                if let Some(opening) = json_over_lines(start).filter(|_| records != LineRecords::Text) {
                    return Err(Error::Data { path: path.to_path_buf(), reason: over_lines(path, opening, records) });
                }
                // A CSV piped in (`head -100 a.csv | stancekit predict`): its header was
                // labelled as a text, and each row's markup, a quoted text cut at its
                // line breaks.
                let header = first_line(start).and_then(|line| header_naming(line, &options.text_column));
                if let Some((kind, what)) = header.filter(|_| records == LineRecords::JsonOrText) {
                    let input = if path.as_os_str() == "-" { "standard input holds" } else { "holds" };
                    let reason = format!(
                        "{input} {what}, not one text a line ({}; if the lines are plain text, give --input-format \
                         plain-lines)",
                        how_to_read(kind)
                    );
                    return Err(Error::Data { path: path.to_path_buf(), reason });
                }
                break;
            }
        }
    }
    Ok(Box::new(LineDocuments {
        source: path.to_path_buf(),
        reader,
        line: 0,
        offset: 0,
        options: options.clone(),
        records,
        stopped: false,
        pending: std::collections::VecDeque::new(),
        max_line_bytes: MAX_ARTICLE_BYTES,
        skipping: false,
    }))
}

/// JSON Lines or plain lines, one record per line, read as bytes so a bad line is one
/// bad record, not a failed stream. A read error is one last record ([`read_stopped`]).
struct LineDocuments {
    source: PathBuf,
    reader: BufReader<Box<dyn Read + Send>>,
    line: u64,
    /// Bytes read before this line, for offsets from the start of the file.
    offset: u64,
    options: ReadOptions,
    records: LineRecords,
    stopped: bool,
    /// Further lines of the last line read that ended in a lone carriage return (old Mac
    /// files), each with its offset in the file.
    pending: std::collections::VecDeque<(u64, Vec<u8>)>,
    /// The longest line kept: [`MAX_ARTICLE_BYTES`] (smaller in tests).
    max_line_bytes: u64,
    /// The last line read was cut at `max_line_bytes`: the rest of it is skipped before
    /// the next line is read.
    skipping: bool,
}

/// A line as read: its offset in the file and its bytes, or the offset of a line longer
/// than the most kept, which is not kept.
enum Line {
    Bytes(u64, Vec<u8>),
    TooLong(u64),
}

impl LineDocuments {
    /// The next line and its offset, without its line break. A lone carriage return ends
    /// a line too, as it does in CSV and in articles: a file with old Mac line endings
    /// was one line, so its records were one malformed JSON record or one text. The
    /// further lines of it wait in `pending`. `None` at the end of the input.
    /// A line over `max_line_bytes` is [`Line::TooLong`]: held whole, an input
    /// without line breaks (a minified dump, an endless device) took memory until it
    /// ran out, and labelling 300 MB as one row took 7 GB.
    fn read_line(&mut self) -> Option<std::io::Result<Line>> {
        if self.stopped {
            return None;
        }
        if self.skipping {
            match self.reader.skip_until(b'\n') {
                Ok(n) => self.offset += n as u64,
                Err(source) => return Some(Err(source)),
            }
            self.skipping = false;
        }
        // Room for a typical sentence, so the line does not grow the buffer step by step.
        let mut buf = Vec::with_capacity(256);
        let start = self.offset;
        match (&mut self.reader).take(self.max_line_bytes + 1).read_until(b'\n', &mut buf) {
            Ok(0) => return None,
            Ok(n) => self.offset += n as u64,
            Err(source) => return Some(Err(source)),
        }
        if buf.len() as u64 > self.max_line_bytes && buf.last() != Some(&b'\n') {
            self.skipping = true;
            return Some(Ok(Line::TooLong(start)));
        }
        // `\r\r\n` (a CRLF file saved again as CRLF) ends one line, as in articles.
        while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            buf.pop();
        }
        if memchr::memchr(b'\r', &buf).is_none() {
            return Some(Ok(Line::Bytes(start, buf)));
        }
        let mut pieces = buf.split(|b| *b == b'\r');
        let first = pieces.next().map(<[u8]>::to_vec).unwrap_or_default();
        let mut at = start + first.len() as u64 + 1;
        for piece in pieces {
            self.pending.push_back((at, piece.to_vec()));
            at += piece.len() as u64 + 1;
        }
        Some(Ok(Line::Bytes(start, first)))
    }
}

impl Iterator for LineDocuments {
    type Item = Document;

    fn next(&mut self) -> Option<Document> {
        let pending = self.pending.pop_front().map(|(start, buf)| Ok(Line::Bytes(start, buf)));
        let (mut start, mut buf) = match pending.or_else(|| self.read_line())? {
            Ok(Line::Bytes(start, buf)) => (start, buf),
            Ok(Line::TooLong(start)) => {
                self.line += 1;
                let location = Location::file(&self.source).at_line(self.line);
                let most = match self.max_line_bytes >> 20 {
                    0 => format!("{} bytes", self.max_line_bytes),
                    mib => format!("{mib} MiB"),
                };
                let reason = format!(
                    "the line holds more than {most} (from byte {start}), too much for one record: it is not \
                     labelled (split it into lines, or give an article as a file of its own)"
                );
                return Some(Document {
                    source: self.source.clone(),
                    id: self.line.to_string(),
                    line: Some(self.line),
                    text: Err(Error::Value { location, reason }),
                    is_article: self.options.articles,
                });
            }
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
        };
        self.line += 1;
        // A byte order mark starts any line, not only the first: `cat a.jsonl b.jsonl` of
        // files saved with one put it before a record, which was then malformed JSON.
        if buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
            start += 3;
        }
        let location = Location::file(&self.source).at_line(self.line);
        // decode counts from the line's first byte; the README's offsets count from the file's.
        let line_text = decode(&buf, &location, self.options.lossy).map_err(|error| match error {
            Error::InvalidUtf8 { location, offset, lossy_offered, legacy } => {
                Error::InvalidUtf8 { location, offset: start + offset, lossy_offered, legacy }
            }
            other => other,
        });
        let (id, text) = match line_text {
            Err(e) => (self.line.to_string(), Err(e)),
            Ok(s)
                if self.records == LineRecords::Json
                    || (self.records == LineRecords::JsonOrText && s.trim_start().starts_with('{')) =>
            {
                let (id, text) = parse_json_record(&s, &location, &self.options, self.line);
                // A line guessed to be JSON by its brace may be text that opens with one; a
                // line that is JSON, only not a record we can read (`{"text": 5}`), is not.
                let is_json = || serde_json::from_str::<serde::de::IgnoredAny>(&s).is_ok();
                let text = match (self.records, text) {
                    (LineRecords::JsonOrText, Err(Error::Json { location, message })) if !is_json() => {
                        let message = format!(
                            "{message} (a line starting with '{{' is read as a JSON record; if the lines are plain \
                             text, give --input-format plain-lines)"
                        );
                        Err(Error::Json { location, message })
                    }
                    (_, text) => text,
                };
                (id, text)
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

/// The opening bracket, `{` or `[`, when the first line of `start` (an input's first
/// bytes) holds it alone: JSON written over several lines, as `jq .` (without `-c`) and
/// Python's `json.dump(..., indent=2)` write it, which no JSON Lines file starts with.
/// Read a line at a time, each of its lines was an error row of its own (`the line ends
/// while parsing an object`, `trailing characters`, `expected value`), none saying why.
/// A line cut short by the read is not judged ([`first_line`]).
fn json_over_lines(start: &[u8]) -> Option<char> {
    match first_line(start)?.trim() {
        "{" => Some('{'),
        "[" => Some('['),
        _ => None,
    }
}

/// The first line of `start` (an input's first bytes) that is not blank, when it is
/// whole (ended by a line break) and UTF-8, without its byte order mark.
fn first_line(start: &[u8]) -> Option<&str> {
    let start = start.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(start);
    let whole = start.get(..start.iter().rposition(|&b| matches!(b, b'\n' | b'\r'))?)?;
    let line = whole.split(|&b| matches!(b, b'\n' | b'\r')).find(|line| !line.trim_ascii().is_empty())?;
    std::str::from_utf8(line).ok()
}

/// Why an input of JSON written over several lines ([`json_over_lines`]) is not read as
/// one record a line, and how to write it so.
fn over_lines(path: &Path, opening: char, records: LineRecords) -> String {
    let (what, filter) = match opening {
        '[' => ("a JSON array", "'.[]'"),
        _ => ("JSON", "."),
    };
    let (input, fix) = match path.as_os_str() == "-" {
        true => ("standard input is", format!("pipe it through jq -c {filter}")),
        false => {
            let shown = super::escape_controls(&path.display().to_string());
            ("the file is", format!("jq -c {filter} {shown} > records.jsonl"))
        }
    };
    let plain = match records {
        LineRecords::JsonOrText => "; if the lines are plain text, give --input-format plain-lines",
        _ => "",
    };
    format!(
        "{input} {what} written over several lines (its first line is '{opening}' alone, as jq . or Python's \
         json.dump(..., indent=2) writes it), not JSON Lines (write each record on one line, e.g. {fix}{plain})"
    )
}

/// How a repeated id or text key is said, ahead of its column.
const GIVEN_AGAIN: &str = "is given again";

/// serde_json numbers lines and columns within the one line it was given (always
/// "line 1", columns in bytes); the message names the file's line instead, and the
/// character column in it.
fn json_error(line: &str, location: &Location, error: &serde_json::Error) -> Error {
    let what = crate::error::json_message(error);
    let message = if line.trim().is_empty() {
        "empty line (JSON Lines has one object per line)".to_string()
    } else {
        // serde_json's column is the 1-based byte of the error; name its character.
        let column = line.get(..error.column()).map_or(error.column(), |before| before.chars().count());
        // Its input was the line, so its "EOF" is the end of the line, not of the file.
        let what = what.replacen("EOF while", "the line ends while", 1);
        let hint = if what.ends_with(GIVEN_AGAIN) {
            " (a record has one of each field; which value was meant cannot be known: keep one of them)"
        } else {
            ""
        };
        format!("{what} at column {column}{hint}")
    };
    Error::Json { location: location.clone(), message }
}

/// Parses one JSON Lines record into its id and text. Only the two fields are kept,
/// each as written: an id that is a number is its text in the line (through f64,
/// `100000000000000000001` would print as `1e+20`, `1.10` as `1.1`, so ids collide).
fn parse_json_record(line: &str, location: &Location, options: &ReadOptions, n: u64) -> (String, Result<String>) {
    let fields = Fields { id: options.ids_from(), text: &options.text_column, nested: false };
    let mut parser = serde_json::Deserializer::from_str(line);
    let record = match fields.deserialize(&mut parser).and_then(|record| parser.end().map(|()| record)) {
        Ok(record) => record,
        Err(e) => {
            // serde_json refuses a lone surrogate escape ("lone leading surrogate in hex
            // escape"), which Python's json.dumps writes for broken text (a tweet cut
            // inside an emoji): said as such, and read as U+FFFD with --lossy.
            let lone = lone_surrogates(line).filter(|(_, at)| *at < e.column());
            return match lone {
                Some((replaced, _)) if options.lossy => parse_json_record(&replaced, location, options, n),
                Some((_, at)) => {
                    let column = line.get(..at).map_or(at, |before| before.chars().count() + 1);
                    let escape = line.get(at..at + 6).unwrap_or_default();
                    let message = format!(
                        "'{escape}' at column {column} is half of a UTF-16 surrogate pair, not a character (the text \
                         was cut inside an emoji or written from broken text; pass --lossy to read it as U+FFFD)"
                    );
                    (n.to_string(), Err(Error::Json { location: location.clone(), message }))
                }
                None => (n.to_string(), Err(json_error(line, location, &e))),
            };
        }
    };
    let error = |message: String| Error::Json { location: location.clone(), message };
    let (id, text) = match record {
        Json::Object { id, text } => (id, text),
        Json::String(_) => return (n.to_string(), Err(error(not_an_object("a string", options)))),
        Json::Other(kind) => return (n.to_string(), Err(error(not_an_object(kind, options)))),
    };
    // An id that is not a string or a number has no faithful one-field form, and a
    // row number in its place would pass for the record's own id: the record is an
    // error. A missing (or null) id is the line number, unless --id-column asked for it;
    // an empty one is the line number, as an empty id cell of a CSV is.
    let (id, id_checked) = match id.map(raw_id) {
        Some(Ok(RawId::Id(id))) if id.is_empty() => (n.to_string(), Ok(())),
        Some(Ok(RawId::Id(id))) => (id, Ok(())),
        None | Some(Ok(RawId::Null)) if !options.require_id_column => (n.to_string(), Ok(())),
        None => (n.to_string(), Err(error(format!("no field '{}' (set it with --id-column)", options.id_column)))),
        Some(Ok(RawId::Null)) => (n.to_string(), Err(error(not_an_id("null", options)))),
        Some(Ok(RawId::Other(kind))) => (n.to_string(), Err(error(not_an_id(kind, options)))),
        Some(Err(e)) => (n.to_string(), Err(json_error(line, location, &e))),
    };
    let column = &options.text_column;
    let text = id_checked.and_then(|()| match text.map(|text| *text) {
        Some(Json::String(s)) => Ok(s),
        None => Err(error(missing_field(line, column))),
        Some(Json::Object { .. }) => Err(error(format!("field '{column}' is an object, not a string"))),
        Some(Json::Other(kind)) => Err(error(format!("field '{column}' is {kind}, not a string"))),
    });
    (id, text)
}

/// `line` with each lone UTF-16 surrogate escape (`\\ud83d` without its other half)
/// replaced by `\\ufffd`, and the byte offset of the first, when it has one.
fn lone_surrogates(line: &str) -> Option<(String, usize)> {
    let bytes = line.as_bytes();
    let code = |at: usize| -> Option<u16> {
        match (bytes.get(at), bytes.get(at + 1)) {
            (Some(b'\\'), Some(b'u')) => u16::from_str_radix(line.get(at + 2..at + 6)?, 16).ok(),
            _ => None,
        }
    };
    let (mut replaced, mut first, mut copied, mut at) = (String::new(), None, 0, 0);
    while let Some(slash) = bytes.get(at..).and_then(|rest| memchr::memchr(b'\\', rest)).map(|i| at + i) {
        at = slash + 2;
        let Some(unit) = code(slash) else { continue };
        at = slash + 6;
        let pair = (0xD800..0xDC00).contains(&unit) && code(at).is_some_and(|low| (0xDC00..0xE000).contains(&low));
        if pair {
            at += 6;
        } else if (0xD800..0xE000).contains(&unit) {
            replaced.push_str(line.get(copied..slash)?);
            replaced.push_str("\\ufffd");
            copied = at;
            first.get_or_insert(slash);
        }
    }
    let first = first?;
    replaced.push_str(line.get(copied..)?);
    Some((replaced, first))
}

fn not_an_id(kind: &str, options: &ReadOptions) -> String {
    format!("field '{}' is {kind}, not a string or number (write the id as a string)", options.id_column)
}

/// The most field names [`fields_found`] lists.
const MAX_FIELDS_LISTED: usize = 20;

/// Why a record has no text field `column`: a key that is it in another case (`Text`, as
/// pandas heads a column), which was listed among the fields found as if another name, or
/// the fields it has.
fn missing_field(line: &str, column: &str) -> String {
    let keys = record_keys(line);
    if let Some(found) = super::csv_rows::other_case(keys.iter().map(String::as_str), column) {
        let found = super::escape_controls(found);
        return format!(
            "no field '{column}', but a field '{found}' (keys are compared in their case: choose it with \
             --text-column {})",
            super::csv_rows::shell_word(&found)
        );
    }
    format!("no field '{column}' ({}; set it with --text-column)", fields_found(&keys))
}

/// The keys of a JSON record, in their order (none for a line that is no object).
fn record_keys(line: &str) -> Vec<String> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                keys.push(key);
            }
            Ok(keys)
        }
    }
    serde_json::Deserializer::from_str(line).deserialize_map(Keys).unwrap_or_default()
}

/// The fields of a record without the text field, in their order, `keys` being all of
/// them: `fields found: 'Body', 'id'`, as a CSV without the column lists its columns. It
/// said only `no field 'text'` on every line of a file whose texts are under `body`.
fn fields_found(keys: &[String]) -> String {
    if keys.is_empty() {
        return "the record has no fields".into();
    }
    let mut listed: Vec<String> =
        keys.iter().take(MAX_FIELDS_LISTED).map(|key| format!("'{}'", super::escape_controls(key))).collect();
    if keys.len() > MAX_FIELDS_LISTED {
        listed.push(format!("and {} more", keys.len() - MAX_FIELDS_LISTED));
    }
    format!("fields found: {}", listed.join(", "))
}

fn not_an_object(kind: &str, options: &ReadOptions) -> String {
    format!("the line is {kind}, not an object with a '{}' field", options.text_column)
}

/// A JSON value as far as a record's reading needs it: a string's text, an object's
/// id (its raw JSON) and text, or else only what kind of value it is.
enum Json<'a> {
    String(String),
    Object {
        id: Option<&'a RawValue>,
        text: Option<Box<Json<'a>>>,
    },
    /// `a number`, `an array`, ...: a value's type, for messages.
    Other(&'static str),
}

/// An id as written: a string's text, or a number's JSON text (`1.10` stays `1.10`).
enum RawId {
    Id(String),
    Null,
    /// The kind of value it is instead.
    Other(&'static str),
}

/// The id in `raw` (serde_json has already checked it is JSON).
fn raw_id(raw: &RawValue) -> std::result::Result<RawId, serde_json::Error> {
    let json = raw.get();
    Ok(match json.as_bytes().first() {
        Some(b'"') => RawId::Id(serde_json::from_str(json)?),
        Some(b'-' | b'0'..=b'9') => RawId::Id(json.to_string()),
        Some(b'n') => RawId::Null,
        Some(b't' | b'f') => RawId::Other("a bool"),
        Some(b'[') => RawId::Other("an array"),
        _ => RawId::Other("an object"),
    })
}

/// Reads a line's JSON keeping only the fields named `id` and `text` (the rest is
/// checked and skipped, as in a full parse). A repeated id or text key is an error of the record.
#[derive(Clone, Copy)]
struct Fields<'c> {
    /// The id's key, if ids are read ([`ReadOptions::ids_from`]).
    id: Option<&'c str>,
    text: &'c str,
    /// Reading a field's value: an object there is only its kind.
    nested: bool,
}

/// Which of the wanted fields a key names.
enum Key {
    Id,
    Text,
    Both,
    Other,
}

impl<'de> DeserializeSeed<'de> for Fields<'_> {
    type Value = Json<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Fields<'_> {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<Json<'de>, E> {
        Ok(Json::Other("a bool"))
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<Json<'de>, E> {
        Ok(Json::Other("a number"))
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<Json<'de>, E> {
        Ok(Json::Other("a number"))
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<Json<'de>, E> {
        Ok(Json::Other("a number"))
    }

    fn visit_str<E>(self, s: &str) -> std::result::Result<Json<'de>, E> {
        Ok(Json::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> std::result::Result<Json<'de>, E> {
        Ok(Json::String(s))
    }

    fn visit_unit<E>(self) -> std::result::Result<Json<'de>, E> {
        Ok(Json::Other("null"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Json<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Json::Other("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Json<'de>, A::Error> {
        if self.nested {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Json::Other("an object"));
        }
        let (mut id, mut text) = (None, None);
        let nested = Fields { nested: true, ..self };
        while let Some(key) = map.next_key_seed(&self)? {
            // A repeated id or text key used to keep its last value without a word
            // (`{"text":"a","text":"b"}` labelled "b"), where a CSV refuses a repeated column.
            let repeated = match key {
                Key::Id | Key::Both if id.is_some() => self.id,
                Key::Text | Key::Both if text.is_some() => Some(self.text),
                _ => None,
            };
            if let Some(name) = repeated {
                return Err(serde::de::Error::custom(format!("the key '{name}' {GIVEN_AGAIN}")));
            }
            match key {
                Key::Id => id = Some(map.next_value::<&RawValue>()?),
                Key::Text => text = Some(Box::new(map.next_value_seed(nested)?)),
                // `--id-column` and `--text-column` naming one key: read it twice.
                Key::Both => {
                    let raw = map.next_value::<&RawValue>()?;
                    let value = nested.deserialize(&mut serde_json::Deserializer::from_str(raw.get()));
                    text = Some(Box::new(value.map_err(serde::de::Error::custom)?));
                    id = Some(raw);
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Json::Object { id, text })
    }
}

/// A key, compared with the wanted names without being copied.
impl<'de> DeserializeSeed<'de> for &Fields<'_> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> std::result::Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for &Fields<'_> {
    type Value = Key;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E>(self, key: &str) -> std::result::Result<Key, E> {
        Ok(match (self.id == Some(key), key == self.text) {
            (true, true) => Key::Both,
            (true, false) => Key::Id,
            (false, true) => Key::Text,
            (false, false) => Key::Other,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::read_documents;
    use std::io::{Cursor, Write};

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

    fn read_lines(content: &[u8]) -> Vec<(String, String)> {
        let options = ReadOptions::default();
        let docs =
            line_input(Path::new("in.jsonl"), Box::new(Cursor::new(content.to_vec())), LineRecords::Json, &options)
                .unwrap();
        docs.map(|d| (d.id, d.text.unwrap_or_else(|e| e.to_string()))).collect()
    }

    #[test]
    fn an_empty_id_is_the_line_number_as_in_a_csv() {
        let docs = read_lines(b"{\"id\":\"a7\",\"text\":\"x\"}\n{\"id\":\"\",\"text\":\"y\"}\n");
        let ids: Vec<&str> = docs.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(ids, ["a7", "2"]);
    }

    #[test]
    fn number_ids_keep_their_json_text() {
        let docs = read_lines(b"{\"id\":100000000000000000001,\"text\":\"a\"}\n{\"text\":\"b\", \"id\" : -0.10e+2 }\n");
        let ids: Vec<&str> = docs.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(ids, ["100000000000000000001", "-0.10e+2"]);
    }

    #[test]
    fn a_text_that_is_not_a_string_is_named_by_its_kind() {
        let docs = read_lines(
            b"{\"text\":1.5}\n{\"text\":true}\nnull\n{\"text\":\"x\",\"text\":\"last\"}\n{\"id\":1,\"text\":\"y\",\"id\":2}\n",
        );
        let texts: Vec<&str> = docs.iter().map(|d| d.1.as_str()).collect();
        assert_eq!(
            texts,
            [
                "in.jsonl:1: malformed JSON: field 'text' is a number, not a string",
                "in.jsonl:2: malformed JSON: field 'text' is a bool, not a string",
                "in.jsonl:3: malformed JSON: the line is null, not an object with a 'text' field",
                // A repeated key is an error of its record, as a repeated CSV column is; it
                // used to keep its last value, as serde_json's Value does.
                "in.jsonl:4: malformed JSON: the key 'text' is given again at column 18 (a record has one of each \
                 field; which value was meant cannot be known: keep one of them)",
                "in.jsonl:5: malformed JSON: the key 'id' is given again at column 23 (a record has one of each \
                 field; which value was meant cannot be known: keep one of them)",
            ]
        );
    }

    #[test]
    fn invalid_utf8_offsets_count_from_the_start_of_the_input() {
        // A byte order mark (3 bytes), `{"text":"ok"}\n` (14), then `{"text":"` (9).
        let docs = read_lines(b"\xEF\xBB\xBF{\"text\":\"ok\"}\n{\"text\":\"\xFF\"}\n");
        assert_eq!(docs[0].1, "ok");
        assert_eq!(
            docs[1].1,
            "in.jsonl:2: invalid UTF-8 at byte offset 26 (it looks like Windows-1252, which Excel and Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8, or pass --lossy)"
        );
    }

    #[test]
    fn a_lone_surrogate_escape_is_named_and_read_as_a_replacement_character_with_lossy() {
        // Python's json.dumps writes half an emoji (a tweet cut inside one) as `\ud83d`;
        // serde_json said "unexpected end of hex escape". A pair and an escaped backslash
        // before `u` are text as before.
        let content =
            b"{\"text\":\"cut \\ud83d\"}\n{\"text\":\"low \\udc80 and \\ud83d\\ude00\"}\n{\"text\":\"a \\\\ud800\"}\n";
        let docs = read_lines(content);
        let half = "is half of a UTF-16 surrogate pair, not a character (the text was cut inside an emoji or written \
                    from broken text; pass --lossy to read it as U+FFFD)";
        assert_eq!(docs[0].1, format!("in.jsonl:1: malformed JSON: '\\ud83d' at column 14 {half}"));
        assert_eq!(docs[1].1, format!("in.jsonl:2: malformed JSON: '\\udc80' at column 14 {half}"));
        assert_eq!(docs[2].1, "a \\ud800");
        let lossy = ReadOptions { lossy: true, ..ReadOptions::default() };
        let docs =
            line_input(Path::new("in.jsonl"), Box::new(Cursor::new(content.to_vec())), LineRecords::Json, &lossy)
                .unwrap();
        let texts: Vec<String> = docs.map(|d| d.text.unwrap_or_else(|e| e.to_string())).collect();
        assert_eq!(texts, ["cut \u{FFFD}", "low \u{FFFD} and \u{1F600}", "a \\ud800"]);
    }

    #[test]
    fn json_over_lines_is_known_by_a_whole_first_line_of_a_bracket_alone() {
        assert_eq!(json_over_lines(b"{\n  \"text\": \"a\"\n}\n"), Some('{'));
        assert_eq!(json_over_lines(b"\xEF\xBB\xBF\r\n[ \r\n  {"), Some('['));
        // Old Mac line ends, which end a JSON Lines record too.
        assert_eq!(json_over_lines(b"{\r  \"text\": \"a\"\r}\r"), Some('{'));
        // A first line cut short by the read is not judged; records and text are not it.
        assert_eq!(json_over_lines(b"{"), None);
        assert_eq!(json_over_lines(b"{\"text\": \"a\"}\n"), None);
        assert_eq!(json_over_lines(b"{Update} talks resumed\n"), None);
        assert_eq!(json_over_lines(b""), None);
    }

    #[test]
    fn a_byte_order_mark_is_dropped_at_the_start_of_any_line() {
        // Two files saved with a mark, concatenated: the second's mark starts line 2.
        let docs = read_lines(b"\xEF\xBB\xBF{\"text\":\"one\"}\n\xEF\xBB\xBF{\"text\":\"two\"}\n{\"text\":\"\xFF\"}\n");
        assert_eq!((docs[0].1.as_str(), docs[1].1.as_str()), ("one", "two"));
        // Offsets still count every byte of the file: 3 + 15 + 3 + 15 + 9.
        assert_eq!(
            docs[2].1,
            "in.jsonl:3: invalid UTF-8 at byte offset 45 (it looks like Windows-1252, which Excel and Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8, or pass --lossy)"
        );
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_a_line_feed_does() {
        // Old Mac line endings: the file used to be one line, `trailing characters at column 16`.
        let docs =
            read_lines(b"{\"text\":\"one\"}\r{\"text\":\"two\"}\r\r{\"text\":\"\xFF\"}\r\n{\"text\":\"end\"}\r\r\n");
        let texts: Vec<&str> = docs.iter().map(|d| d.1.as_str()).collect();
        assert_eq!(
            texts,
            [
                "one",
                "two",
                "in.jsonl:3: malformed JSON: empty line (JSON Lines has one object per line)",
                // Offsets still count from the start of the file: 15 + 15 + 1 + 9.
                "in.jsonl:4: invalid UTF-8 at byte offset 40 (it looks like Windows-1252, which Excel and Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8, or pass --lossy)",
                "end",
            ]
        );
    }

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
            line_input(Path::new("in.txt"), failing(b"one\ntwo\n"), LineRecords::JsonOrText, &options)
                .unwrap()
                .take(10)
                .collect();
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
        let Err(error) = line_input(Path::new("-"), failing(b""), LineRecords::JsonOrText, &ReadOptions::default())
        else {
            panic!("an input that cannot be read at all is an error")
        };
        assert_eq!(error.to_string(), "-: cannot read standard input: device gone");
    }

    #[test]
    fn a_line_over_the_most_kept_is_one_error_row_and_the_lines_after_it_are_read() {
        // `line_input` keeps 256 MiB a line; the same reader keeping 10 bytes.
        let input: Box<dyn Read + Send> =
            Box::new(Cursor::new(b"first\n0123456789abcdefghij\nlast\ntoo long at the end".to_vec()));
        let mut short = LineDocuments {
            source: "-".into(),
            reader: BufReader::new(input),
            line: 0,
            offset: 0,
            options: ReadOptions::default(),
            records: LineRecords::JsonOrText,
            stopped: false,
            pending: std::collections::VecDeque::new(),
            max_line_bytes: 10,
            skipping: false,
        };
        let rows: Vec<(Option<u64>, String)> = std::iter::from_fn(|| {
            let document = short.next()?;
            Some((document.line, document.text.unwrap_or_else(|error| format!("error: {error}"))))
        })
        .collect();
        let too_long = |line: u64, byte: u64| {
            format!(
                "error: -:{line}: the line holds more than 10 bytes (from byte {byte}), too much for one record: it is \
                 not labelled (split it into lines, or give an article as a file of its own)"
            )
        };
        // "first\n" is bytes 0-5; the long line's 20 bytes and break are 6-26; "last\n" is
        // 27-31; the last line, 32 on, has no break.
        let expected = vec![
            (Some(1), "first".to_string()),
            (Some(2), too_long(2, 6)),
            (Some(3), "last".to_string()),
            (Some(4), too_long(4, 32)),
        ];
        assert_eq!(rows, expected);
        // A line of exactly the most kept, with or without its break, is kept.
        let input: Box<dyn Read + Send> = Box::new(Cursor::new(b"0123456789\n0123456789".to_vec()));
        short.reader = BufReader::new(input);
        short.stopped = false;
        let kept: Vec<String> = short.by_ref().map(|d| d.text.unwrap_or_default()).collect();
        assert_eq!(kept, ["0123456789", "0123456789"]);
    }
}
