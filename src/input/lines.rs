//! JSON Lines and plain lines for prediction: one record per line. Input: a file or
//! standard input. Output: one [`Document`] per line, a line that cannot be read or
//! parsed being a document whose text is the error (file, line and column).

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::{decode, io_error, Document, ReadOptions};
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

/// The documents of a JSON Lines or plain-lines input read from `input`.
pub(super) fn line_input(
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
}
