//! Reading inputs. Input: labelled CSV files for training and evaluation; text files,
//! CSV, JSON Lines or standard input for prediction. Output: [`LabelledData`] and a
//! stream of [`Document`]s, each with the location it came from so errors can name it.
//!
//! Only this module and `model.rs` open files.
//!
//! One file a kind of input, each reading through the helpers here: `csv_rows` (the
//! CSV reader: exact lines, checked quoting), `labelled` (training and evaluation
//! CSVs), `documents` (prediction inputs by format), `lines` (JSON Lines and plain
//! lines), `walk` (directories given to `predict`), `spans` (span label files),
//! `actors` (actors files) and `ready` (documents handed to the labeller in batches of
//! what has been read) and `web_page` (the article text of an HTML page).

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

mod actors;
mod csv_rows;
mod documents;
mod labelled;
mod lines;
mod ready;
mod spans;
mod walk;
mod web_page;

pub use actors::{read_actor_rows, ActorRow, ACTOR_CLAIMS};
pub use csv_rows::escape_controls;
pub use csv_rows::{find_column, read_table};
pub use documents::{read_documents, table_in_article, MAX_ARTICLE_BYTES};
pub use labelled::{
    case_conflict, check_label, check_task, check_text, control_character, label_difference, not_a_value,
    parse_labelled, placeholder_problem, read_labelled, read_labelled_csv, text_problem, Columns, Conflicts,
    LabelledData,
};
pub use ready::{read_in_ready_batches, ReadyBatches};
pub use spans::{read_span_rows, read_spans, SpanRow, SPAN_LABELS, SPAN_SOURCES};
pub use walk::{expand_inputs, Inputs};
pub use web_page::{article_text, is_web_page, page_text, story_text, WEB_PAGE_WITHOUT_TEXT};

/// How a prediction input is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// From the file name: `.csv` CSV, `.jsonl`/`.ndjson` JSON Lines, `.html`/`.htm` a web
    /// page, `-` lines, else text
    /// (a `.json`, `.tsv` or `.tab` file is then refused: data, not an article; so is a file
    /// whose first line is a header naming the text column or a JSON object).
    Auto,
    /// A plain-text article: split into sentences. A text that opens as an HTML document
    /// (`<!doctype html>`, `<html>`) is read as a web page.
    Text,
    /// A web page (HTML): the text of its story, read as an article.
    Html,
    /// One record per line: a JSON object with a text field, or plain text.
    Lines,
    /// One text per line, never read as JSON: a line starting with `{` is text too (a
    /// post that opens with a brace was a malformed JSON record under `lines`).
    PlainLines,
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
        if is_web_page_name(path) {
            return InputFormat::Html;
        }
        match TableKind::of(path) {
            Some(TableKind::Csv) => InputFormat::Csv,
            Some(TableKind::Jsonl) => InputFormat::Jsonl,
            Some(TableKind::Json | TableKind::Tsv) | None => InputFormat::Text,
        }
    }
}

/// Whether `path` names a web page by its extension (`.html`, `.htm`, `.xhtml`, any
/// case): read as one when named, and among a directory's articles.
fn is_web_page_name(path: &Path) -> bool {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    matches!(extension.as_deref(), Some("html" | "htm" | "xhtml"))
}

/// A kind of table, by a file name's extension (any case): what predict reads as rows
/// (CSV, JSON Lines) and what is data but not read by name (JSON, tab-separated), so
/// that no command takes a table for an article by mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// `.csv`.
    Csv,
    /// `.jsonl`, `.ndjson`.
    Jsonl,
    /// `.json` (often a JSON array of records).
    Json,
    /// `.tsv`, `.tab`.
    Tsv,
}

impl TableKind {
    /// The kind of table `path`'s extension names, if any.
    pub fn of(path: &Path) -> Option<TableKind> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_lowercase).as_deref() {
            Some("csv") => Some(TableKind::Csv),
            Some("jsonl" | "ndjson") => Some(TableKind::Jsonl),
            Some("json") => Some(TableKind::Json),
            Some("tsv" | "tab") => Some(TableKind::Tsv),
            _ => None,
        }
    }

    /// What it is, for messages ("a CSV file").
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Csv => "a CSV file",
            TableKind::Jsonl => "a JSON Lines file",
            TableKind::Json => "a JSON file",
            TableKind::Tsv => "a tab-separated table",
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

impl ReadOptions {
    /// The column or key the ids are read from: none when it is the text column and was
    /// not asked for (`--text-column id` with the default id column leaves the rows
    /// numbered; each row's id was its whole text).
    pub fn ids_from(&self) -> Option<&str> {
        (self.require_id_column || self.id_column != self.text_column).then_some(self.id_column.as_str())
    }
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

/// Whether standard input was closed when the process started (`stancekit predict <&-`),
/// as the CLI records before Rust's runtime reopens it on /dev/null: reading it would
/// give no row, exit 0. Set by the CLI; a library caller's stdin is read as it is.
pub static STDIN_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `EBADF`, "Bad file descriptor": what reading a closed descriptor gives in C.
#[cfg(target_os = "linux")]
const EBADF: i32 = libc::EBADF;
#[cfg(not(target_os = "linux"))]
const EBADF: i32 = 9;

/// Opens an input (`-` is standard input) and refuses one that is UTF-16 (see
/// [`utf16`]) from its first bytes: read as UTF-8, it is an invalid byte at offset 0, and
/// `--lossy` or a file without a byte order mark would label NUL-spaced letters as text.
fn open(path: &Path) -> Result<Box<dyn Read + Send>> {
    let mut input: Box<dyn Read + Send> = if path.as_os_str() == "-" {
        if STDIN_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(io_error(path, std::io::Error::from_raw_os_error(EBADF)));
        }
        Box::new(std::io::stdin())
    } else {
        File::open(path).map(|f| Box::new(f) as Box<dyn Read + Send>).map_err(|error| io_error(path, error))?
    };
    // One read, not read_exact: a pipe stage must not wait for more than the first line.
    let mut first = vec![0u8; UTF16_SNIFF];
    let n = loop {
        match input.read(&mut first) {
            Ok(n) => break n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            // Left to the reader, which reports it where it reports any read error.
            Err(error) => return Ok(Box::new(FailOnce(Some(error)).chain(input))),
        }
    };
    first.truncate(n);
    if let Some((encoding, bom)) = utf16(&first) {
        return Err(Error::Utf16 { path: path.to_path_buf(), encoding, bom });
    }
    if let Some((kind, fix)) = not_text(&first) {
        return Err(Error::NotText { path: path.to_path_buf(), kind, fix });
    }
    Ok(Box::new(std::io::Cursor::new(first).chain(input)))
}

/// A path as the text of output rows (their `id` and `source`), with each byte of the
/// name that is not UTF-8 written as `\xFF`. `Path::display` wrote U+FFFD for it, so two
/// files whose names differ only there (`a\xFF.txt`, `a\xFE.txt`, names from an old
/// Latin-1 archive) got one id, and neither id named its file back.
pub fn path_text(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut text = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            text.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(text, "\\x{byte:02X}");
            }
        }
        text
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// How many bytes of an input [`utf16`] looks at.
const UTF16_SNIFF: usize = 256;

/// How many NUL bytes, and nothing else, at the start of an input make it zero-filled
/// ([`not_text`]).
const ZERO_FILLED: usize = 16;

/// A reader that fails once with the error the first read of an input gave, then ends,
/// so that error reaches the input's reader as if it had read first.
struct FailOnce(Option<std::io::Error>);

impl Read for FailOnce {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

/// The encoding of `start` (an input's first bytes) when it is UTF-16, and whether a byte
/// order mark says so: `FF FE` or `FE FF` (never valid UTF-8), or, without one, at least
/// half of the first 2-byte units an ASCII byte beside a NUL, always on the same side
/// (`t\0e\0`: Windows' "Unicode" text). Text with a few NUL bytes is still text.
///
/// UTF-32 is known first, by its mark (`FF FE 00 00`, `00 00 FE FF`) or by an ASCII byte
/// beside three NULs: it also passes for UTF-16, and was said to be UTF-16LE, `every other
/// byte is NUL`, with an iconv command whose output was UTF-16 again.
pub(crate) fn utf16(start: &[u8]) -> Option<(&'static str, bool)> {
    match start {
        [0xFF, 0xFE, 0, 0, ..] => return Some(("UTF-32LE", true)),
        [0, 0, 0xFE, 0xFF, ..] => return Some(("UTF-32BE", true)),
        [0xFF, 0xFE, ..] => return Some(("UTF-16LE", true)),
        [0xFE, 0xFF, ..] => return Some(("UTF-16BE", true)),
        _ => {}
    }
    let wide = start.chunks_exact(4);
    let n_wide = wide.len();
    let (mut little, mut big) = (0, 0);
    for unit in wide {
        match unit {
            [a, 0, 0, 0] if *a != 0 && a.is_ascii() => little += 1,
            [0, 0, 0, b] if *b != 0 && b.is_ascii() => big += 1,
            _ => {}
        }
    }
    match (little, big) {
        (little, 0) if n_wide >= 4 && little * 2 >= n_wide => return Some(("UTF-32LE", false)),
        (0, big) if n_wide >= 4 && big * 2 >= n_wide => return Some(("UTF-32BE", false)),
        _ => {}
    }
    let units = start.chunks_exact(2);
    let n_units = units.len();
    let (mut little, mut big) = (0, 0);
    for unit in units {
        match unit {
            [a, 0] if *a != 0 && a.is_ascii() => little += 1,
            [0, b] if *b != 0 && b.is_ascii() => big += 1,
            _ => {}
        }
    }
    let mostly = |count: usize| n_units >= 4 && count * 2 >= n_units;
    match (little, big) {
        (little, 0) if mostly(little) => Some(("UTF-16LE", false)),
        (0, big) if mostly(big) => Some(("UTF-16BE", false)),
        _ => None,
    }
}

/// What `start` (an input's first bytes) is when its magic number says it is not text,
/// and how to get its text: a compressed file, an archive or a document format. Read as
/// text, each was an invalid byte whose message advised `--lossy`, which then labelled
/// its bytes as sentences (`predict speech.docx`, `train --data rows.csv.gz`); RTF is
/// ASCII, and was labelled as its markup without a word.
pub(crate) fn not_text(start: &[u8]) -> Option<(&'static str, &'static str)> {
    const STATA: &str = "a Stata data file (.dta)";
    const STATA_FIX: &str = "export it as CSV first, e.g. in Stata: export delimited using data.csv, or in Python: \
         pandas.read_stata(path).to_csv('data.csv', index=False)";
    const SPSS_FIX: &str = "export it as CSV first, e.g. in SPSS: File > Export > CSV Data, or in R: \
                            write.csv(haven::read_sav(path), 'data.csv', row.names = FALSE)";
    const FEATHER_FIX: &str =
        "convert it to CSV first, e.g. in Python: pandas.read_feather(path).to_csv('data.csv', index=False)";
    const R_DATA: &str = "an R data file (.RData)";
    const R_FIX: &str = "write the data frame as CSV first, e.g. in R: write.csv(frame, 'data.csv', row.names = FALSE)";
    const PICKLE: &str = "a Python pickle";
    const PICKLE_FIX: &str = "convert it to CSV first, e.g. in Python: pandas.read_pickle(path).to_csv('data.csv', \
                              index=False), only for a file from a source you trust";
    const SAVE_AS_TEXT: &str = "save or export its text as a UTF-8 .txt file, or a sheet as a UTF-8 CSV";
    // Zero bytes from the start: a file a crash left zero-filled (its blocks allocated, its
    // data never written), a disk image, /dev/zero. Read as text, the file was one
    // sentence of NULs, a CSV header of thousands of `\0` in the message, and /dev/zero
    // was read until memory ran out. Text with a few NUL bytes is still text.
    if start.len() >= ZERO_FILLED && start.iter().take(UTF16_SNIFF).all(|&b| b == 0) {
        return Some((
            "zero-filled (it starts with NUL bytes, not characters)",
            "as a crash can leave a file that was being written, or a device such as /dev/zero: restore it from a \
             copy, or write it again",
        ));
    }
    // bzip2: `BZh`, the block size 1-9, then the first block's magic.
    if let [b'B', b'Z', b'h', b'1'..=b'9', b'1', b'A', b'Y', b'&', b'S', b'Y', ..] = start {
        return Some(("bzip2-compressed", "decompress it first, e.g. bunzip2 -k"));
    }
    // Stata's .dta before format 117 (pandas' to_stata writes 114): the release 113-115,
    // the byte order (1 or 2), the file type 1, a padding 0 (Stata's dta documentation).
    if let [0x71..=0x73, 1 | 2, 1, 0, ..] = start {
        return Some((STATA, STATA_FIX));
    }
    // Each format's signature, from its specification (gzip: RFC 1952; ZIP: PKWARE's
    // APPNOTE, also .docx, .xlsx, .odt; xz; zstd: RFC 8878; 7z; OLE2, the .doc and .xls
    // of Office 97-2003; PDF; RTF, also after a UTF-8 byte order mark).
    // The data files of statistics packages and data-frame libraries, which a political
    // scientist's data often comes as: Stata's .dta from format 117, SPSS's .sav (and
    // compressed .zsav), Parquet, Arrow IPC (Feather v2) and Feather v1, SQLite, HDF5 (also
    // .h5 from pandas), R's .RData saved uncompressed, and pandas' pickles (protocols 2-5).
    // Each was an invalid byte whose message advised re-encoding it from Windows-1252, or a
    // header of binary bytes listed as the columns found.
    let formats: [(&[u8], &str, &str); 22] = [
        (b"\x1F\x8B", "gzip-compressed", "decompress it first, e.g. gunzip -k"),
        (b"PK\x03\x04", "a ZIP archive (a .zip, or a document such as .docx, .xlsx or .odt)", SAVE_AS_TEXT),
        (b"PK\x05\x06", "an empty ZIP archive", SAVE_AS_TEXT),
        (b"\xFD7zXZ\x00", "xz-compressed", "decompress it first, e.g. unxz -k"),
        (b"\x28\xB5\x2F\xFD", "zstd-compressed", "decompress it first, e.g. unzstd"),
        (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive", "extract it first, e.g. 7z x"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an Office 97-2003 document (.doc, .xls)", SAVE_AS_TEXT),
        (b"%PDF-", "a PDF document", "extract its text first, e.g. with pdftotext"),
        (b"{\\rtf", "an RTF document", SAVE_AS_TEXT),
        (b"\xEF\xBB\xBF{\\rtf", "an RTF document", SAVE_AS_TEXT),
        (b"<stata_dta>", STATA, STATA_FIX),
        (b"$FL2@(#) SPSS DATA FILE", "an SPSS data file (.sav)", SPSS_FIX),
        (b"$FL3@(#) SPSS DATA FILE", "an SPSS data file (.zsav)", SPSS_FIX),
        (
            b"SQLite format 3\0",
            "an SQLite database",
            "export a table as CSV first, e.g. sqlite3 -header -csv FILE 'select * from TABLE' > data.csv",
        ),
        (
            b"\x89HDF\r\n\x1A\n",
            "an HDF5 file",
            "convert it to CSV first, e.g. in Python: pandas.read_hdf(path).to_csv('data.csv', index=False)",
        ),
        (b"RDX2\nX\n", R_DATA, R_FIX),
        (b"RDX3\nX\n", R_DATA, R_FIX),
        (b"\x80\x02", PICKLE, PICKLE_FIX),
        (b"\x80\x03", PICKLE, PICKLE_FIX),
        (b"\x80\x04", PICKLE, PICKLE_FIX),
        (b"\x80\x05", PICKLE, PICKLE_FIX),
        (b"\xEF\xBB\xBF<stata_dta>", STATA, STATA_FIX),
    ];
    // Letters a text may start with too ("PAR1 rose ..."): a binary byte must follow them.
    let lettered: [(&[u8], &str, &str); 3] = [
        (
            b"PAR1",
            "a Parquet file",
            "convert it to CSV first, e.g. in Python: pandas.read_parquet(path).to_csv('data.csv', index=False)",
        ),
        (b"ARROW1", "an Arrow or Feather file", FEATHER_FIX),
        (b"FEA1", "a Feather file", FEATHER_FIX),
    ];
    let binary_after = |magic: &[u8]| start.get(magic.len()).is_some_and(|&b| b < 0x20 && !b" \t\n\r".contains(&b));
    formats
        .iter()
        .find(|(magic, _, _)| start.starts_with(magic))
        .or_else(|| lettered.iter().find(|(magic, _, _)| start.starts_with(magic) && binary_after(magic)))
        .map(|(_, kind, fix)| (*kind, *fix))
}

/// The most a lexicon or word-classes file may hold: the shipped cues are 65 KB and the
/// news word classes 216 KB (`datasets/`). Such a file was read whole without a bound, so
/// `--lexicon /dev/urandom` (or `/dev/zero`, before its first bytes were judged) was read
/// until memory ran out.
pub const MAX_TEXT_FILE_BYTES: u64 = 64 << 20;

/// The whole text of a small data file read as lines (a lexicon list, word classes),
/// its line breaks as line feeds and without a UTF-8 byte order mark (editors add one).
///
/// # Errors
/// [`Error::Io`]; [`Error::Utf16`]; [`Error::NotText`] for a compressed file or a
/// document (a word list saved as .docx); [`Error::InvalidUtf8`] naming the line of invalid UTF-8.
pub(crate) fn read_text_file(path: &Path) -> Result<String> {
    let io = |error| Error::Io { path: path.to_path_buf(), error };
    let mut file = File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    // The first bytes are judged before any more is read: a device of NULs says so at once.
    (&mut file).take(UTF16_SNIFF as u64).read_to_end(&mut bytes).map_err(io)?;
    if let Some((kind, fix)) = not_text(&bytes) {
        return Err(Error::NotText { path: path.to_path_buf(), kind, fix });
    }
    if let Some((encoding, bom)) = utf16(&bytes) {
        return Err(Error::Utf16 { path: path.to_path_buf(), encoding, bom });
    }
    if !read_at_most(file, &mut bytes, MAX_TEXT_FILE_BYTES).map_err(io)? {
        return Err(Error::Data {
            path: path.to_path_buf(),
            reason: format!(
                "holds more than {} MiB, too much for a lexicon or word-classes file (an endless device such as \
                 /dev/urandom? give the file of its terms)",
                MAX_TEXT_FILE_BYTES >> 20
            ),
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = std::str::from_utf8(e.as_bytes().get(..offset).unwrap_or_default()).unwrap_or_default();
        let line = 1 + line_feeds(before).matches('\n').count() as u64;
        Error::InvalidUtf8 {
            location: Location::file(path).at_line(line),
            offset: offset as u64,
            lossy_offered: false,
            legacy: crate::error::legacy_encoding(e.as_bytes(), offset, crate::error::mac_line_ends(e.as_bytes())),
        }
    })?;
    let text = match line_feeds(&text) {
        std::borrow::Cow::Owned(text) => text,
        std::borrow::Cow::Borrowed(_) => text,
    };
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

/// `text` with its line breaks as line feeds: a run of carriage returns before a line
/// feed (CRLF, `\r\r\n`) and a lone carriage return (old Mac files) are one line break,
/// as in articles and CSV. `str::lines` ends lines at line feeds only, so a list saved with
/// lone CRs was one line: `not\rnever` the single negator "not never", and a cues file
/// one line of too many fields (or, after a header, no cues at all).
fn line_feeds(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text.split('\n').flat_map(|line| line.trim_end_matches('\r').split('\r')).collect();
    std::borrow::Cow::Owned(lines.join("\n"))
}

/// The whole of a data file (a training CSV, a span or actors file), read whole. From a
/// character device (`--data /dev/urandom`, `--data - < /dev/urandom`) at most
/// [`MAX_ARTICLE_BYTES`]: such a device never ends, and was read until memory ran out.
/// Files and pipes are read to their end, as before.
///
/// # Errors
/// Those of opening and reading an input, and [`Error::Data`] for a device that gives
/// more than the bound.
fn read_all(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut input = open(path)?;
    if !is_character_device(path) {
        input.read_to_end(&mut bytes).map_err(|error| io_error(path, error))?;
        return Ok(bytes);
    }
    if !read_at_most(input, &mut bytes, MAX_ARTICLE_BYTES).map_err(|error| io_error(path, error))? {
        return Err(Error::Data {
            path: path.to_path_buf(),
            reason: format!(
                "is a device that gave more than {} MiB without an end (an endless device such as /dev/urandom? \
                 give the file that holds the data)",
                MAX_ARTICLE_BYTES >> 20
            ),
        });
    }
    Ok(bytes)
}

/// [`Error::Data`] when `path` is a directory, naming the CSV files in it: `--data news`
/// (meant as the files in it) was `news: Is a directory (os error 21)`, which said
/// neither what was expected nor how to give them.
pub(crate) fn refuse_directory(path: &Path, what: &str) -> Result<()> {
    if path.as_os_str() == "-" || !path.is_dir() {
        return Ok(());
    }
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok())
                .filter(|entry| entry.path().extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")))
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let shown = path.display().to_string();
    let listed = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
    let reason = match (names.first(), names.len()) {
        (None, _) => format!("is a directory, not {what}, and holds no .csv file (give the file's own path)"),
        (Some(first), n) => {
            let more = if n > 3 { format!(" and {} more .csv files", n - 3) } else { String::new() };
            format!(
                "is a directory, not {what}: it holds {listed}{more} (give a file's own path, e.g. {shown}/{first}, or \
                 {shown}/*.csv for all of them where several files are taken)"
            )
        }
    };
    Err(Error::Data { path: path.to_path_buf(), reason: escape_controls(&reason) })
}

/// Reads `input` onto `bytes` until it ends or `bytes` would hold more than `max`:
/// whether all of it fit (one byte past the bound is read to know). The one bound of
/// articles, data from devices and lexicon files, so that none is read without end.
fn read_at_most(input: impl Read, bytes: &mut Vec<u8>, max: u64) -> std::io::Result<bool> {
    let room = (max + 1).saturating_sub(bytes.len() as u64);
    input.take(room).read_to_end(bytes)?;
    Ok(bytes.len() as u64 <= max)
}

/// Whether `path` (`-`: standard input) is a character device: a terminal, `/dev/null`,
/// or an endless one such as `/dev/urandom`.
fn is_character_device(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        input_metadata(path).is_ok_and(|m| m.file_type().is_char_device())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// The metadata of an input `path`, following links; for `-`, that of what standard
/// input is (a file, a pipe, a terminal, a device).
#[cfg(unix)]
pub(crate) fn input_metadata(path: &Path) -> std::io::Result<std::fs::Metadata> {
    use std::os::fd::AsFd;
    if path.as_os_str() == "-" {
        std::io::stdin().as_fd().try_clone_to_owned().map(File::from).and_then(|stdin| stdin.metadata())
    } else {
        std::fs::metadata(path)
    }
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
        // Only predict's and report's readers decode whole texts and lines.
        Err(e) => Err(Error::InvalidUtf8 {
            location: location.clone(),
            offset: e.valid_up_to() as u64,
            lossy_offered: true,
            // A whole article's line ends show an old Mac file; a line of lines has none.
            legacy: crate::error::legacy_encoding(bytes, e.valid_up_to(), crate::error::mac_line_ends(bytes)),
        }),
    }
}

/// `value` when it is one of `allowed`; otherwise an [`Error::LabelSpaces`] for an empty
/// value or one with white space around it, else an [`Error::UnknownLabel`] naming it at
/// `location` with the values allowed.
pub(crate) fn one_of(value: String, allowed: &[&str], location: impl FnOnce() -> Location) -> Result<String> {
    if allowed.contains(&value.as_str()) {
        return Ok(value);
    }
    // An empty cell (a span not yet labelled) or one with a space around its label was
    // `unknown label ''` or `unknown label 'neutral '`, beside a list that holds `neutral`:
    // said as a training file's labels are.
    if value.trim() != value || value.is_empty() {
        return Err(Error::LabelSpaces { location: location(), label: value });
    }
    // `Accusation` for `accusation` was an unknown label beside a list that holds it, where
    // `eval` names a label spelt otherwise (case, accent encoding, a number written as 1.0).
    let spelt_otherwise = |known: &&&str| labelled::case_conflict(&[known.to_string(), value.clone()]).is_some();
    if let Some(known) = allowed.iter().find(spelt_otherwise) {
        let other = format!("the expected label '{known}' only by {}", labelled::label_difference(&value, known));
        return Err(Error::LabelCase { location: location(), label: value, other });
    }
    Err(Error::UnknownLabel {
        location: location(),
        label: value,
        expected: allowed.iter().map(|a| a.to_string()).collect(),
    })
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_at_most_reads_up_to_its_bound_and_says_whether_all_fit() {
        let read = |input: &[u8], start: &[u8], max: u64| {
            let mut bytes = start.to_vec();
            let fit = read_at_most(input, &mut bytes, max).unwrap();
            (fit, bytes.len())
        };
        assert_eq!(read(b"abcd", b"", 4), (true, 4));
        // One byte past the bound is read, to know there is more; no more than that.
        assert_eq!(read(b"abcdefgh", b"", 4), (false, 5));
        // Bytes already held count toward the bound.
        assert_eq!(read(b"cd", b"ab", 4), (true, 4));
        assert_eq!(read(b"cde", b"ab", 4), (false, 5));
    }

    #[test]
    fn utf16_is_known_by_its_byte_order_mark_or_nul_bytes_beside_ascii() {
        let utf16le: Vec<u8> = "text,label\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = "text,label\n".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(utf16(&[&[0xFF, 0xFE][..], &utf16le].concat()), Some(("UTF-16LE", true)));
        assert_eq!(utf16(&[&[0xFE, 0xFF][..], &utf16be].concat()), Some(("UTF-16BE", true)));
        assert_eq!(utf16(&utf16le), Some(("UTF-16LE", false)));
        assert_eq!(utf16(&utf16be), Some(("UTF-16BE", false)));
        // A mark alone is enough; NUL bytes need four units to go by.
        assert_eq!(utf16(&[0xFF, 0xFE]), Some(("UTF-16LE", true)));
        assert_eq!(utf16(b"a\0b\0"), None);
        let utf32le: Vec<u8> = "text,label\n".chars().flat_map(|c| u32::from(c).to_le_bytes()).collect();
        let utf32be: Vec<u8> = "text,label\n".chars().flat_map(|c| u32::from(c).to_be_bytes()).collect();
        assert_eq!(utf16(&[&[0xFF, 0xFE, 0, 0][..], &utf32le].concat()), Some(("UTF-32LE", true)));
        assert_eq!(utf16(&[&[0, 0, 0xFE, 0xFF][..], &utf32be].concat()), Some(("UTF-32BE", true)));
        assert_eq!(utf16(&utf32le), Some(("UTF-32LE", false)));
        assert_eq!(utf16(&utf32be), Some(("UTF-32BE", false)));
        // UTF-8 text, with a few NUL bytes, with NUL bytes on both sides, or only NUL bytes.
        for text in
            [&b"The deal was good."[..], b"a\0b\0c. Hello there.", b"a\0\0bc\0\0d", &[0; 16], b"\xEF\xBB\xBFtext"]
        {
            assert_eq!(utf16(text), None, "{text:?}");
        }
    }

    #[test]
    fn compressed_files_archives_and_documents_are_known_by_their_first_bytes() {
        let gzip = not_text(b"\x1F\x8B\x08\x08").map(|(kind, _)| kind);
        assert_eq!(gzip, Some("gzip-compressed"));
        let docx = not_text(b"PK\x03\x04\x14\x00\x06\x00").map(|(kind, _)| kind);
        assert_eq!(docx, Some("a ZIP archive (a .zip, or a document such as .docx, .xlsx or .odt)"));
        assert_eq!(not_text(b"BZh51AY&SY\x01").map(|(kind, _)| kind), Some("bzip2-compressed"));
        assert_eq!(not_text(b"%PDF-1.7\n").map(|(_, fix)| fix), Some("extract its text first, e.g. with pdftotext"));
        assert_eq!(not_text(b"\xEF\xBB\xBF{\\rtf1\\ansi").map(|(kind, _)| kind), Some("an RTF document"));
        // The data files of statistics packages and data-frame libraries (pandas' to_stata
        // writes format 114; to_parquet, to_feather, to_pickle, to_sql's SQLite).
        for (start, kind) in [
            (&b"r\x02\x01\x00\x02\x00"[..], "a Stata data file (.dta)"),
            (b"<stata_dta><header>", "a Stata data file (.dta)"),
            (b"$FL2@(#) SPSS DATA FILE MS Windows", "an SPSS data file (.sav)"),
            (b"PAR1\x15\x04\x15", "a Parquet file"),
            (b"ARROW1\0\0\xFF", "an Arrow or Feather file"),
            (b"SQLite format 3\0\x10", "an SQLite database"),
            (b"\x89HDF\r\n\x1A\n\0", "an HDF5 file"),
            (b"RDX3\nX\n\0\0", "an R data file (.RData)"),
            (b"\x80\x05\x95\x9C\x02", "a Python pickle"),
        ] {
            assert_eq!(not_text(start).map(|(kind, _)| kind), Some(kind), "{start:?}");
        }
        // Text that merely starts with the same letters, and text too short to tell.
        for text in [
            &b"PK sold the shares."[..],
            b"BZh is a code.",
            b"%PDF is a format.",
            b"{\"text\":\"x\"}",
            b"\x1F",
            b"",
            b"PAR1 rose 3%.",
            b"PAR1,text\n",
            b"FEA1",
            b"$FL2 is a code.",
            b"r\x02",
        ] {
            assert_eq!(not_text(text), None, "{text:?}");
        }
        // Zero bytes from the start, but not a few of them, nor text with NUL bytes in it.
        assert!(not_text(&[0; 256]).is_some_and(|(kind, _)| kind.starts_with("zero-filled")));
        assert!(not_text(&[0; 16]).is_some());
        for text in
            [&[0u8; 15][..], b"a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", b"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0The deal."]
        {
            assert_eq!(not_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_utf16_input_is_refused_whole_and_the_first_read_error_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("u.txt");
        let text: Vec<u8> = "\u{feff}The deal.".encode_utf16().flat_map(u16::to_le_bytes).collect();
        std::fs::write(&path, text).unwrap();
        let message = open(&path).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            message,
            format!(
                "{}: the file is UTF-16LE, not UTF-8 (it starts with a UTF-16 byte order mark; re-encode it as UTF-8, \
                 e.g. iconv -f UTF-16LE -t UTF-8)",
                path.display()
            )
        );
        // A UTF-8 file reads whole, its first bytes included; a directory fails on reading.
        std::fs::write(&path, "x".repeat(1000)).unwrap();
        assert_eq!(read_all(&path).unwrap(), "x".repeat(1000).as_bytes());
        let error = read_all(dir.path()).unwrap_err().to_string();
        assert!(error.ends_with("Is a directory (os error 21)"), "{error}");
    }
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
