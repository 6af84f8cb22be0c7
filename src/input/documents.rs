//! Prediction inputs, one [`Document`] stream per input. Input: a text file or a web
//! page (one article), a CSV with a text column, or JSON Lines / plain lines ([`super::lines`]),
//! chosen by [`InputFormat`]. Output: documents that carry their errors, so a bad row
//! still gets its output row.

use std::io::Read;
use std::path::Path;

use super::csv_rows::{find_column, CsvRows};
use super::lines::{line_input, LineRecords};
use super::{decode, io_error, open, read_at_most, Document, InputFormat, ReadOptions, TableKind};
use crate::error::{Error, Location, Result};

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
        InputFormat::Text | InputFormat::Html | InputFormat::Auto => {
            let bytes = read_article(path)?;
            // An invalid byte is named by its line as well as its offset.
            let text = decode_article(path, &bytes, format, options.lossy)
                .map_err(|error| match error {
                    Error::InvalidUtf8 { location, offset, lossy_offered, legacy } => {
                        // Every line end counted: in an old Mac file (lone CRs) each byte was on line 1.
                        let before = bytes.get(..offset as usize).unwrap_or_default();
                        let line = 1 + super::csv_rows::count_line_breaks(before);
                        Error::InvalidUtf8 { location: location.at_line(line), offset, lossy_offered, legacy }
                    }
                    other => other,
                })
                .and_then(|text| refuse_model(path, text))
                .and_then(|text| match options.format {
                    InputFormat::Auto if format == InputFormat::Text => refuse_table(path, text, &options.text_column),
                    _ => Ok(text),
                })
                .and_then(|text| match format == InputFormat::Html || super::is_web_page(&text) {
                    true => {
                        super::story_text(&text).map_err(|why| Error::Data { path: path.into(), reason: why.into() })
                    }
                    false => Ok(text),
                });
            let id = super::path_text(path);
            Ok(Box::new(std::iter::once(Document { source, id, line: Some(1), text, is_article: true })))
        }
        InputFormat::Csv => {
            let mut rows = CsvRows::new(path, open(path)?);
            let header = rows.header()?;
            Ok(Box::new(CsvDocuments {
                text_index: find_column(path, &header, &options.text_column, "text-column")?,
                // Named twice, the id column is refused as the text column is: the first
                // of the two used to be taken without a word.
                id_index: match options.ids_from() {
                    Some(id) if options.require_id_column || header.iter().any(|h| h == id) => {
                        Some(find_column(path, &header, id, "id-column")?)
                    }
                    _ => None,
                },
                rows,
                record: csv::ByteRecord::new(),
                n_rows: 0,
                options: options.clone(),
            }))
        }
        InputFormat::Jsonl => line_input(path, open(path)?, LineRecords::Json, options),
        InputFormat::Lines => line_input(path, open(path)?, LineRecords::JsonOrText, options),
        InputFormat::PlainLines => line_input(path, open(path)?, LineRecords::Text, options),
    }
}

/// The text of an article's `bytes`: UTF-8, or for a web page not in UTF-8, the encoding
/// its `<meta charset>` declares ([`super::web_page::declared_encoding`]: old news
/// sites serve windows-1252 or ISO-8859-1 pages, refused as invalid UTF-8 before).
///
/// # Errors
/// [`Error::InvalidUtf8`] for text that is not UTF-8 (unless `lossy`), and
/// [`Error::Data`] for a page whose bytes are not of the encoding it declares.
fn decode_article(path: &Path, bytes: &[u8], format: InputFormat, lossy: bool) -> Result<String> {
    // UTF-8, the common case, is taken as it is, without a look for a page's declaration.
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let is_page = format == InputFormat::Html || super::web_page::opens_as_a_page(bytes);
    let Some(encoding) = is_page.then(|| super::web_page::declared_encoding(bytes)).flatten() else {
        return decode(bytes, &Location::file(path), lossy);
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors && !lossy {
        let name = encoding.name();
        let reason = format!(
            "is a web page that declares its encoding as {name}, but holds bytes that are not {name} (give --lossy to \
             read them as replacement characters)"
        );
        return Err(Error::Data { path: path.to_path_buf(), reason });
    }
    Ok(text.into_owned())
}

/// The most an article may hold: a news article is kilobytes, a book a few megabytes.
/// An article is read whole, so without a bound an endless device (`/dev/urandom`) was
/// read until memory ran out, and a corpus dump took memory in proportion.
pub const MAX_ARTICLE_BYTES: u64 = 256 << 20;

/// The bytes of an article file.
///
/// # Errors
/// Those of opening and reading an input, and [`Error::Data`] for a file over
/// [`MAX_ARTICLE_BYTES`].
fn read_article(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    if !read_at_most(open(path)?, &mut bytes, MAX_ARTICLE_BYTES).map_err(|error| io_error(path, error))? {
        return Err(Error::Data {
            path: path.to_path_buf(),
            reason: format!(
                "holds more than {} MiB, too much for one article (an endless device, or a corpus: give it one text a \
                 line with --input-format lines, or split it into articles)",
                MAX_ARTICLE_BYTES >> 20
            ),
        });
    }
    Ok(bytes)
}

/// A model file given where an article goes is an error, not an article to label:
/// `predict --model a.json b.json c.json` takes `b.json` and `c.json` as inputs, and
/// would label their JSON as text.
fn refuse_model(path: &Path, text: String) -> Result<String> {
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if crate::model::written_as_a_model(start.as_bytes()) {
        return Err(Error::Data {
            path: path.to_path_buf(),
            reason: "is a stancekit model file, not an article (give each model with its own --model: --model \
                     a.json --model b.json)"
                .into(),
        });
    }
    Ok(text)
}

/// A `.json` or `.tsv` file is data, not an article, and is not read as one by its name:
/// `predict rows.json` (a JSON array of records) and `predict rows.tsv` used to label the
/// whole file as one article of its markup, with exit 0. So is a file of another name
/// whose first line is a table's header naming `text_column` or a JSON record
/// ([`table_in_article`]). `--input-format` reads it as the user says (`text` for an
/// article).
fn refuse_table(path: &Path, text: String, text_column: &str) -> Result<String> {
    let kind = TableKind::of(path);
    if let (None, Some((found, what))) = (kind, table_in_article(&text, text_column)) {
        let read = how_to_read(found);
        let reason = format!("holds {what}, not an article ({read}; --input-format text labels it as one article)");
        return Err(Error::Data { path: path.to_path_buf(), reason });
    }
    let reason = match kind {
        Some(TableKind::Json) => format!(
            "is {}, not an article (give --input-format jsonl if it holds one JSON object per line; convert \
             a JSON array to that first, e.g. jq -c '.[]' {name} > {stem}.jsonl; --input-format text labels it as one \
             article)",
            TableKind::Json.name(),
            name = path.display(),
            stem = path.with_extension("").display(),
        ),
        Some(TableKind::Tsv) => format!(
            "is {}, not an article (predict reads comma-separated .csv files: save it as CSV; --input-format \
             text labels it as one article)",
            TableKind::Tsv.name()
        ),
        Some(TableKind::Csv | TableKind::Jsonl) | None => return Ok(text),
    };
    Err(Error::Data { path: path.to_path_buf(), reason })
}

/// How predict reads a table of `kind` found where an article or lines were expected.
pub(super) fn how_to_read(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Jsonl => "give --input-format jsonl to label its records",
        TableKind::Tsv => "predict reads comma-separated CSV: save it as CSV, then give --input-format csv",
        TableKind::Csv | TableKind::Json => "give --input-format csv to label its rows",
    }
}

/// The table an article's text holds, judged by its first line (after a byte order
/// mark, blank lines and Excel's `sep=,`): a CSV or tab-separated header naming
/// `text_column` (`id,text`), or a JSON object (a JSON Lines record); with what it is,
/// for messages (`a CSV table (its first line 'id,text' names a column 'text')`). Such a
/// file under a name that is not `.csv` or `.jsonl` (`<(grep ... a.csv)`, which is
/// `/dev/fd/63`; `a.csv.txt`, as Notepad saves a file named `a.csv`; a name without an
/// extension) was labelled as one article of its markup, its header a sentence, exit 0.
pub fn table_in_article(text: &str, text_column: &str) -> Option<(TableKind, String)> {
    let lines = text.trim_start_matches('\u{feff}').split(['\n', '\r']);
    let mut lines = lines.map(str::trim).filter(|line| !line.is_empty());
    let mut first = lines.next()?;
    // Excel's `sep=,` and PowerShell's `#TYPE ...` above the header.
    if first.get(..4).is_some_and(|sep| sep.eq_ignore_ascii_case("sep=")) || first.starts_with("#TYPE ") {
        first = lines.next()?;
    }
    if first.starts_with('{') && serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(first).is_ok() {
        return Some((TableKind::Jsonl, "JSON Lines (its first line is a JSON object)".into()));
    }
    header_naming(first, text_column)
}

/// The table whose header line `line` is, when it names `text_column` among two or more
/// names split at commas (or tabs), each a name of at most three words that does not end
/// a sentence (`id,text`, `"id","text"`, pandas' `,text,label` with its unnamed index
/// column, `id,text,publication date`), with what it is for messages. A sentence holding
/// the word (`text, images and video are allowed here.`) is not one.
pub(super) fn header_naming(line: &str, text_column: &str) -> Option<(TableKind, String)> {
    let line = line.trim();
    let names = |separator: char| line.split(separator).map(|name| name.trim().trim_matches('"'));
    let is_name = |name: &str| {
        name.split_whitespace().count() <= 3 && !name.ends_with(['.', '!', '?', ':', ';']) && !name.contains(" and ")
    };
    let header = |separator: char| {
        line.contains(separator)
            && names(separator).any(|name| name == text_column)
            && names(separator).all(|name| name == text_column || is_name(name))
    };
    let (kind, what) = match () {
        () if header(',') => (TableKind::Csv, "a CSV table"),
        () if header('\t') => (TableKind::Tsv, "a tab-separated table"),
        () => return None,
    };
    // A line of a whole table is not quoted whole.
    let shown = crate::input::escape_controls(&line.chars().take(200).collect::<String>());
    let column = crate::input::escape_controls(text_column);
    Some((kind, format!("{what} (its first line '{shown}' names a column '{column}')")))
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
        // An id that is not UTF-8 is refused as a text is (read lossily, two ids could
        // become one); its row is then an error row numbered by its row.
        let id = match self.id_index.filter(|_| !id_is_broken) {
            Some(i) => {
                self.rows.text(&self.record, i, &options.id_column, options.lossy, line).map_err(Error::offering_lossy)
            }
            None => Ok(String::new()),
        };
        let (id, id_checked) = match id {
            Ok(id) if !id.is_empty() => (id, Ok(())),
            Ok(_) => (self.n_rows.to_string(), Ok(())),
            Err(error) => (self.n_rows.to_string(), Err(error)),
        };
        let blank = || {
            if super::csv_rows::is_blank_row(&self.record) {
                Err(Error::BlankRow { location: Location::file(&self.rows.path).at_line(line) })
            } else {
                Ok(())
            }
        };
        let text = checked
            .and(id_checked)
            .and_then(|()| blank())
            .and_then(|()| self.rows.text(&self.record, self.text_index, &options.text_column, options.lossy, line))
            .map_err(Error::offering_lossy);
        Some(Document { source: self.rows.path.clone(), id, line: Some(line), text, is_article: options.articles })
    }
}

#[cfg(test)]
mod tests {
    use crate::input::testing::{temp_csv, AFTER_QUOTE, UNCLOSED};
    use crate::input::{read_documents, Document, ReadOptions};

    #[test]
    fn a_header_of_names_is_a_table_and_a_sentence_holding_the_word_is_not() {
        use super::{header_naming, TableKind};
        let kind = |line: &str| header_naming(line, "text").map(|(kind, _)| kind);
        // Names of a few words are column names (pandas and spreadsheets write them).
        for line in ["id,text", "\"id\",\"text\"", ",text,label", "id,text,publication date", "text,Source Name,url"] {
            assert_eq!(kind(line), Some(TableKind::Csv), "{line}");
        }
        assert_eq!(kind("id\ttext\tpublication date"), Some(TableKind::Tsv));
        // Sentences that hold the word are text.
        for line in [
            "text, images and video are allowed here.",
            "text, images and video",
            "Send us text, photos, or a short clip of what you saw!",
            "The text, which ran to four pages, was leaked",
        ] {
            assert_eq!(kind(line), None, "{line}");
        }
    }

    #[test]
    fn csv_documents_keep_one_row_per_record() {
        let f = temp_csv(b"id,text\n7,hello\n8,a,b\n9,\xFF\n");
        let docs: Vec<Document> = read_documents(f.path(), &ReadOptions::default()).unwrap().collect();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].id, "7");
        assert!(docs[1].text.is_err() && docs[2].text.is_err());
    }

    #[test]
    fn a_csv_id_that_is_not_utf8_is_the_rows_error_unless_lossy() {
        let f = temp_csv(b"id,text\n\"\xE9\",hello\n");
        let docs: Vec<Document> = read_documents(f.path(), &ReadOptions::default()).unwrap().collect();
        assert_eq!(docs[0].id, "1");
        // The field's quote is byte 8, the bad byte 9.
        let expected = format!(
            "{}:2: column 'id': invalid UTF-8 at byte offset 9 (it looks like Windows-1252, which Excel and Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8, or pass --lossy)",
            f.path().display()
        );
        assert_eq!(docs[0].text.as_ref().unwrap_err().to_string(), expected);
        let lossy = ReadOptions { lossy: true, ..ReadOptions::default() };
        let docs: Vec<Document> = read_documents(f.path(), &lossy).unwrap().collect();
        assert_eq!((docs[0].id.as_str(), docs[0].text.as_deref().unwrap()), ("\u{FFFD}", "hello"));
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
}
