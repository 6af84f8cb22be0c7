//! Typed errors of the library: every variant carries what a user needs to find the
//! problem (file, line, column, the value found and what was expected). The CLI prints
//! them as one line; the library never prints or exits.

use std::fmt;
use std::path::PathBuf;

/// Where in an input a problem was found. Lines and columns are 1-based; a column is
/// named by its header when the input has one.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// The file, or `-` for standard input.
    pub path: PathBuf,
    /// 1-based line number, when known.
    pub line: Option<u64>,
    /// Column: a CSV header name or a 1-based position, when known.
    pub column: Option<String>,
}

impl Location {
    /// A location that names only the file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location { path: path.into(), line: None, column: None }
    }

    /// Item `index` of a sequence given in memory rather than read from a file
    /// (`texts[3]`), as the library's and Python's checks of their arguments name it.
    pub fn item(name: &str, index: usize) -> Self {
        Location::file(format!("{name}[{index}]"))
    }

    /// The same file at a given line.
    pub fn at_line(&self, line: u64) -> Self {
        Location { path: self.path.clone(), line: Some(line), column: None }
    }

    /// The same file and line at a given column.
    pub fn with_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column '{column}'")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in stancekit.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be opened, read or written.
    // The field is not named `source`: thiserror would make it the error's source,
    // and the CLI's `{:#}` would then print the OS message a second time.
    #[error("{path}: {error}{hint}", path = .path.display(), hint = io_hint(.path, .error))]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        error: std::io::Error,
    },
    /// The CSV reader failed (bad quoting, ragged row, ...).
    #[error("{location}: malformed CSV: {message}")]
    Csv {
        /// Where.
        location: Location,
        /// What the CSV parser said.
        message: String,
    },
    /// A JSON Lines record could not be parsed.
    #[error("{location}: malformed JSON: {message}")]
    Json {
        /// Where.
        location: Location,
        /// What the JSON parser said.
        message: String,
    },
    /// A required column is not in the header.
    #[error("{path}: no column '{column}' (columns found: {found}; choose one with --{flag})", path = .path.display(), found = .found.join(", "))]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column asked for.
        column: String,
        /// The columns the header has.
        found: Vec<String>,
        /// The flag that names this column.
        flag: String,
    },
    /// A header names the same column twice, so a lookup by name would be ambiguous.
    #[error("{path}: column '{column}' appears twice in the header (rename one)", path = .path.display())]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The repeated name.
        column: String,
    },
    /// A CSV row whose every field is empty (`,,`): what a spreadsheet exports for the
    /// blank rows below its data. Said as such, not as an empty text of one column.
    #[error("{location}: blank row: every field is empty (as a spreadsheet exports blank rows below its data: delete the lines of only commas)")]
    BlankRow {
        /// Where.
        location: Location,
    },
    /// A text cell is empty or only whitespace.
    #[error("{location}: empty text")]
    EmptyText {
        /// Where.
        location: Location,
    },
    /// A `--group-column` cell is empty or only whitespace.
    #[error("{location}: empty group (give every row a group, or leave out --group-column)")]
    EmptyGroup {
        /// Where.
        location: Location,
    },
    /// A gold actor span that its sentence does not contain: spans are copied exactly,
    /// so that a plain substring search finds them (`../shared/guides/actors.md`).
    #[error("{location}: gold span '{span}' is not in the sentence (copy it exactly as written there: same case, same punctuation)")]
    SpanNotInText {
        /// Where: the row and the `source` or `target` column.
        location: Location,
        /// The gold span.
        span: String,
    },
    /// Bytes that are not UTF-8.
    #[error(
        "{location}: invalid UTF-8 at byte offset {offset} ({}re-encode the file as UTF-8{}{})",
        legacy.map_or("", Legacy::looks_like),
        legacy.map_or("", Legacy::iconv),
        if *lossy_offered { ", or pass --lossy" } else { "" }
    )]
    InvalidUtf8 {
        /// Where.
        location: Location,
        /// Byte offset of the first bad byte, from the start of the file.
        offset: u64,
        /// Whether the reader could have read the bytes lossily (`predict` and `report`
        /// take `--lossy`; training data, span files and CSV headers are read strictly),
        /// so that the message suggests the flag only where it exists.
        lossy_offered: bool,
        /// The single-byte encoding the file looks saved in, if any ([`legacy_encoding`]).
        legacy: Option<Legacy>,
    },
    /// An input in UTF-16 (or UTF-32), not UTF-8: refused whole, even with `--lossy` (its
    /// text would be NUL bytes between letters).
    #[error(
        "{path}: {what} is {encoding}, not UTF-8 ({why}; re-encode it as UTF-8, e.g. iconv -f {encoding} -t UTF-8)",
        path = .path.display(),
        what = if .path.as_os_str() == "-" { "standard input" } else { "the file" },
        why = wide_encoding_sign(.encoding, *.bom),
    )]
    Utf16 {
        /// The input (`-` for standard input).
        path: PathBuf,
        /// `UTF-16LE`, `UTF-16BE`, `UTF-32LE` or `UTF-32BE`.
        encoding: &'static str,
        /// Whether a byte order mark says so (else NUL bytes beside ASCII ones do).
        bom: bool,
    },
    /// An input that is a compressed file, an archive or a document (gzip, ZIP and so
    /// .docx or .xlsx, PDF, ...), not text: refused whole, even with `--lossy`, which
    /// would label its bytes as sentences.
    #[error(
        "{path}: {what} is {kind}, not text ({fix})",
        path = .path.display(),
        what = if .path.as_os_str() == "-" { "standard input" } else { "the file" },
    )]
    NotText {
        /// The input (`-` for standard input).
        path: PathBuf,
        /// What its first bytes say it is: `gzip-compressed`, `a PDF document`, ...
        kind: &'static str,
        /// How to get its text.
        fix: &'static str,
    },
    /// A label that the model or task does not know.
    #[error("{location}: unknown label '{label}' (expected one of: {expected})", expected = .expected.join(", "))]
    UnknownLabel {
        /// Where.
        location: Location,
        /// The label found.
        label: String,
        /// The labels allowed.
        expected: Vec<String>,
    },
    /// A class label that is empty, or has white space at its start or end: an unlabelled
    /// row is no example, and trimming would be a guess.
    #[error("{location}: {}", label_space_problem(.label))]
    LabelSpaces {
        /// Where.
        location: Location,
        /// The label found.
        label: String,
    },
    /// A label that is how a program writes a missing value (`NA` from R's write.csv, `nan`
    /// from pandas' `astype(str)`, Excel's `#N/A`): a row without its label, which trained
    /// as a class of its own.
    #[error("{location}: label '{label}' is how {writer} writes a missing value: the row has no label (give the row its label, or leave the row out; for a class of its own, choose another name)")]
    LabelMissing {
        /// Where.
        location: Location,
        /// The label found.
        label: String,
        /// What writes a missing value so: `R's write.csv`.
        writer: &'static str,
    },
    /// A text or label cell holding what a program writes in place of a value: a
    /// spreadsheet's formula error (`#REF!`, `#NAME?`), or, in the text column, a missing
    /// value (`NA`). Each trained as a text or class of its own, or was labelled as a text.
    #[error("{location}: {}", crate::input::not_a_value(.value, *.is_label))]
    NotAValue {
        /// Where.
        location: Location,
        /// The cell.
        value: String,
        /// Whether it is a label cell (else a text cell).
        is_label: bool,
    },
    /// A label with a character that is not seen at its start or end (a zero-width space,
    /// a byte order mark, a soft hyphen: copied from a web page or a spreadsheet). It
    /// prints as the label without it, yet trained as a class of its own beside it.
    #[error("{location}: label '{}' has the invisible character {at} (copied from a web page or a spreadsheet? it prints as '{}' but would be a class of its own: delete it)", crate::error::show_unseen(.label), crate::text::without_unseen(.label))]
    LabelInvisible {
        /// Where.
        location: Location,
        /// The label found.
        label: String,
        /// The first such character and where: `U+200B at its end` (one field keeps
        /// `Error` small).
        at: String,
    },
    /// Two labels that differ only by case, or in how an accent is encoded: most likely
    /// one class spelt two ways.
    #[error("{location}: label '{}' differs from {other}; make them agree", crate::error::show_unseen(.label))]
    LabelCase {
        /// Where the odd-one-out spelling first appears.
        location: Location,
        /// The odd-one-out spelling.
        label: String,
        /// The usual spelling and where it first appears: `'positive' (line 3)`, or
        /// `'positive' (tr.csv:2)` in another file, and how they differ: `only by case`
        /// ([`crate::input::label_difference`]; one field keeps `Error` small).
        other: String,
    },
    /// A class label with a tab, a line break or another control character: labels are
    /// written into tab-separated rows, summaries and page titles, which it would break.
    #[error("{location}: label '{label}' holds the control character {character} (labels are written into tab-separated output; remove it)")]
    LabelControl {
        /// Where the label first appears.
        location: Location,
        /// The label, its control characters escaped (`\t`) so the message stays one line.
        label: String,
        /// The first control character, as `U+0009`.
        character: String,
    },
    /// A model whose scores overflow (a hand-edited file): softmax would turn them into
    /// NaN probabilities, which are never returned.
    #[error("{location}: model '{task}' gave an infinite or undefined score for {which}, so no probabilities (its numbers overflow; retrain it)")]
    NonFiniteScore {
        /// The text or article.
        location: Location,
        /// The model's task.
        task: String,
        /// `the text`, or `sentence N` of an article.
        which: String,
    },
    /// A model file of another format version.
    #[error("{path}: model format version {found} is not supported (this build reads versions 1 to {supported}; retrain the model or upgrade stancekit)", path = .path.display())]
    ModelVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u64,
        /// The version this build writes, the newest it reads.
        supported: u32,
    },
    /// A model file that cannot be read as a model.
    #[error("{path}: not a valid stancekit model: {reason}", path = .path.display())]
    CorruptModel {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A lexicon file with a malformed line.
    #[error("{location}: malformed lexicon line: {reason}")]
    Lexicon {
        /// Where.
        location: Location,
        /// What is wrong.
        reason: String,
    },
    /// A word-classes file with a malformed line.
    #[error("{location}: malformed word-classes line: {reason}")]
    WordClasses {
        /// Where.
        location: Location,
        /// What is wrong.
        reason: String,
    },
    /// Hyperparameters or options out of range.
    #[error("invalid {name}: {reason}")]
    InvalidParams {
        /// The parameter.
        name: String,
        /// Why.
        reason: String,
    },
    /// An error while training one fold of a cross-validation, said with the fold: the
    /// same data trains whole, so the fold's own training side is what failed.
    // Not named `source`: thiserror would make it the error's source, and the CLI's
    // `{:#}` would then print its message a second time.
    #[error("in fold {fold} of {folds} of {flag}: {error}")]
    InFold {
        /// 1-based fold.
        fold: usize,
        /// Number of folds.
        folds: usize,
        /// Whose folds: `--folds` (the user's), `--tune` (its inner folds).
        flag: String,
        /// What went wrong in it.
        error: Box<Error>,
    },
    /// Training data that cannot train a model (one class, no rows, ...).
    #[error("{path}: {reason}", path = .path.display())]
    Data {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A cell whose value cannot be used (an offset that is not a number, a span outside
    /// its document), named by file, line and column.
    #[error("{location}: {reason}")]
    Value {
        /// Where: the row and its column.
        location: Location,
        /// What is wrong with the value.
        reason: String,
    },
    /// Training texts of which not one yields an n-gram: no word in any of them (only
    /// symbols, emoji, or punctuation that is left out), so no setting can help.
    #[error("none of the {texts} training texts has a word to make an n-gram of (they hold only symbols or punctuation marks): check that the text column holds the texts")]
    NoWords {
        /// How many training texts there are.
        texts: usize,
    },
    /// Training texts that are every one only a number or numbers (a column of ids, counts,
    /// years or prices given as the text column): the model reads each number as the one
    /// token `<num>`, so it could learn nothing from them.
    #[error("every one of the {texts} training texts is only a number or numbers (the first: '{first}'), and the model reads every number as the one token <num>, so it could learn nothing from them: check that the text column holds the texts")]
    NumbersOnly {
        /// How many training texts there are.
        texts: usize,
        /// The first of them, as written.
        first: String,
    },
    /// The shipped models or lexicon cannot be found where they are looked for
    /// ([`crate::shipped`]), or `STANCEKIT_MODELS` points elsewhere than to them.
    #[error("{reason}")]
    Shipped {
        /// What was looked for, where, and what to do.
        reason: String,
    },
    /// linfa reported an error.
    #[error("{0}")]
    Linfa(String),
}

/// What an error met reading a file of `what` (a lexicon, word classes) at `path` is
/// said after: `reading lexicon lex` when the error names a file inside it
/// (`lex/cues.tsv:3: ...`), `reading lexicon` alone when it names `path` itself, which
/// was then said twice (`reading lexicon /x: /x: No such file or directory (os error 2)`).
pub fn reading(what: &str, path: &std::path::Path, error: &Error) -> String {
    let named = path.display().to_string();
    if error.to_string().starts_with(&format!("{named}:")) {
        format!("reading {what}")
    } else {
        format!("reading {what} {named}")
    }
}

/// What showed an input to be UTF-16 or UTF-32 ([`Error::Utf16`]): its byte order mark,
/// or NUL bytes beside ASCII ones (one of two bytes in UTF-16, three of four in UTF-32).
fn wide_encoding_sign(encoding: &str, bom: bool) -> &'static str {
    match (encoding.starts_with("UTF-32"), bom) {
        (false, true) => "it starts with a UTF-16 byte order mark",
        (false, false) => "every other byte is NUL",
        (true, true) => "it starts with a UTF-32 byte order mark",
        (true, false) => "three bytes of every four are NUL",
    }
}

/// What a path that could not be read or written most likely is: a socket
/// ([`socket_hint`]), or, not found, something other than a file name
/// ([`not_found_hint`]).
fn io_hint(path: &std::path::Path, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::FileTooLarge {
        return FILE_TOO_LARGE_HINT.into();
    }
    let socket = socket_hint(path, error);
    if !socket.is_empty() {
        return socket;
    }
    // A message that says the link already (`--out` to a link to a missing directory).
    let link = if error.to_string().contains("is a symbolic link") { String::new() } else { link_hint(path) };
    if link.is_empty() {
        not_found_hint(path, error)
    } else {
        link
    }
}

/// For a path that is a symbolic link which cannot be followed, which `ls` lists as a file
/// while opening it said only "No such file or directory (os error 2)" or "Too many
/// levels of symbolic links (os error 40)": the chain of links, and where it breaks (a
/// target that does not exist: its file moved or deleted) or that it leads back to
/// itself. Nothing for a path that is no link, or whose link leads to something.
fn link_hint(path: &std::path::Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let link = |p: &std::path::Path| std::fs::symlink_metadata(p).ok().filter(|m| m.file_type().is_symlink());
        let Some(first) = link(path) else { return String::new() };
        if std::fs::metadata(path).is_ok() {
            return String::new();
        }
        // Each link's own inode, to know a loop however its links spell their targets.
        let mut seen = vec![(first.dev(), first.ino())];
        let mut shown = vec![path.display().to_string()];
        let mut current = path.to_path_buf();
        while let Ok(target) = std::fs::read_link(&current) {
            shown.push(target.display().to_string());
            let next = current.parent().map_or_else(|| target.clone(), |dir| dir.join(&target));
            match std::fs::symlink_metadata(&next) {
                Err(_) => {
                    let chain = shown.get(1..).unwrap_or_default().join(", a link to ");
                    return format!(
                        " (a symbolic link to {chain}, which does not exist: its file moved or deleted? give the \
                         file's own path, or remove the link)"
                    );
                }
                Ok(m) if m.file_type().is_symlink() => {
                    if seen.contains(&(m.dev(), m.ino())) || seen.len() >= 40 {
                        return format!(
                            " (a symbolic link that leads back to itself: {}; give the file's own path, or mend \
                             the link)",
                            shown.join(" -> ")
                        );
                    }
                    seen.push((m.dev(), m.ino()));
                }
                // A link to something that is there: the error is another one.
                Ok(_) => return String::new(),
            }
            current = next;
        }
    }
    let _ = path;
    String::new()
}

/// For a write past the file size limit (`ulimit -f`), "File too large (os error 27)",
/// which reads as a limit of stancekit's or of the file system: says whose it is.
pub const FILE_TOO_LARGE_HINT: &str =
    " (the file would pass this shell's file size limit, ulimit -f: raise it, e.g. ulimit -f unlimited)";

/// For a socket opened as a file, which fails with "No such device or address (os error
/// 6)" on Linux, as if the path were wrong: says what it is. Nothing for another error.
fn socket_hint(path: &std::path::Path, error: &std::io::Error) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let is_socket = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket());
        if is_socket && error.kind() != std::io::ErrorKind::NotFound {
            return " (it is a socket, where programs connect to each other, not a file: give the file that holds \
                    the data)"
                .into();
        }
    }
    let _ = (path, error);
    String::new()
}

/// For a path not found, what it most likely was instead of a file name: a Windows
/// path ([`backslash_hint`]), a list of files with commas (`--data a.csv,b.csv`, as
/// `--data-weight 1,2` is written), a wildcard pattern the shell did not expand (in
/// quotes), or `-` where standard input is not read. Nothing for another error.
fn not_found_hint(path: &std::path::Path, error: &std::io::Error) -> String {
    let backslash = backslash_hint(path, error);
    if !backslash.is_empty() || error.kind() != std::io::ErrorKind::NotFound {
        return backslash;
    }
    let Some(text) = path.to_str() else { return String::new() };
    // `--model -` (`cat m.json | stancekit predict --model - ...`): `-` is standard input
    // only where rows are read; a model, lexicon or word-classes file is opened by name.
    if text == "-" {
        return " (read as a file named '-': standard input is read only for rows to label or train on, so give \
                this file's own path)"
            .into();
    }
    let parts: Vec<&str> = text.split(',').collect();
    if parts.len() > 1 && parts.iter().all(|part| std::path::Path::new(part).exists()) {
        return " (files joined by commas: give each file as an argument of its own)".into();
    }
    let wildcard = text.contains('*') || text.contains('?') || (text.contains('[') && text.contains(']'));
    if wildcard {
        return " (a wildcard pattern, which is read as a file name: the shell expands it only when it is not in \
                quotes)"
            .into();
    }
    missing_directory_hint(path)
}

/// For a path not found because a directory on the way to it is not there (`--out
/// results/m.json` before `results` is made, `--data dat/a.csv` for `data/a.csv`): names
/// that directory, which "No such file or directory" left to be guessed among the path's
/// parts. Nothing when every directory above the file is there.
fn missing_directory_hint(path: &std::path::Path) -> String {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else { return String::new() };
    let mut prefix = std::path::PathBuf::new();
    for component in parent.components() {
        prefix.push(component);
        if std::fs::symlink_metadata(&prefix).is_err() {
            return format!(
                " (there is no directory {}: a misspelt path, or a directory not made yet?)",
                prefix.display()
            );
        }
    }
    String::new()
}

/// For a path not found that holds a backslash (`models\\sentiment.json`, `C:\\data\\a.csv`,
/// copied from Windows), where directories are separated by `/`: says so, with the path
/// spelt with slashes. Nothing on Windows, or for another error.
fn backslash_hint(path: &std::path::Path, error: &std::io::Error) -> String {
    let Some(text) = path.to_str().filter(|p| p.contains('\\')) else { return String::new() };
    if cfg!(windows) || error.kind() != std::io::ErrorKind::NotFound {
        return String::new();
    }
    format!(
        " (a path with backslashes, as Windows writes it: here directories are separated by '/', as in {})",
        text.replace('\\', "/")
    )
}

/// `text` with each character that is not seen (a zero-width space, a soft hyphen)
/// written as `\u{200b}`, so a message shows it where it would print as nothing.
pub fn show_unseen(text: &str) -> String {
    text.chars()
        .map(|c| if crate::text::is_unseen(c) { c.escape_unicode().to_string() } else { c.to_string() })
        .collect()
}

/// What is wrong with a label that [`Error::LabelSpaces`] names: empty, only white space,
/// or white space at its start or end (`'positive '`, which prints as `positive`).
fn label_space_problem(label: &str) -> String {
    let ends = (label.trim_start() != label, label.trim_end() != label);
    let place = match ends {
        _ if label.trim().is_empty() => {
            return match label.is_empty() {
                true => "empty label (give the row its label, or leave the row out)".into(),
                false => format!("label '{label}' is only white space (give the row its label, or leave the row out)"),
            }
        }
        (true, true) => "start and end",
        (true, false) => "start",
        _ => "end",
    };
    format!("label '{label}' has white space at its {place} (labels are taken as written, never trimmed: remove it)")
}

/// A serde_json error's message without the ` at line L column C` serde ends it with:
/// each caller says the place itself, counted in the file rather than in the part or
/// line serde was given.
pub(crate) fn json_message(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let place = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&place).map(str::to_string).unwrap_or(message)
}

/// `n` and its noun as a message says them: "1 row", "2 rows" (`noun` in the singular,
/// an English plural in s, or es after an s: "2 classes").
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else if noun.ends_with('s') {
        // "60 classes", not "60 classs".
        format!("{n} {noun}es")
    } else {
        format!("{n} {noun}s")
    }
}

/// A number as a message or report shows it: in full, or in exponent notation when it is
/// very large or small (1e-300 in full would be 300 digits).
pub fn shown_number(x: f64) -> String {
    if x.is_finite() && x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e7) {
        format!("{x:e}")
    } else {
        x.to_string()
    }
}

impl Error {
    /// The same error, saying that `--lossy` would have read it when it is invalid UTF-8
    /// (readers whose caller takes the flag).
    pub fn offering_lossy(self) -> Error {
        match self {
            Error::InvalidUtf8 { location, offset, legacy, .. } => {
                Error::InvalidUtf8 { location, offset, lossy_offered: true, legacy }
            }
            other => other,
        }
    }
}

impl From<linfa::error::Error> for Error {
    fn from(error: linfa::error::Error) -> Self {
        Error::Linfa(error.to_string())
    }
}

/// The library's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// A single-byte encoding that a file which is not UTF-8 looks saved in, named in the
/// message with the command that re-encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Legacy {
    /// Windows-1252: Excel's "CSV (Comma delimited)", Notepad's "ANSI".
    Windows1252,
    /// Mac Roman, with the lone CR line ends of classic Mac OS: Excel for Mac's "Comma
    /// Separated Values (.csv)", old Mac files.
    MacRoman,
}

impl Legacy {
    fn looks_like(self) -> &'static str {
        match self {
            Legacy::Windows1252 => "it looks like Windows-1252, which Excel and Notepad save: ",
            Legacy::MacRoman => {
                "it looks like Mac Roman, with the CR line ends of old Mac files, which Excel for Mac saves as Comma \
                 Separated Values: "
            }
        }
    }

    fn iconv(self) -> &'static str {
        match self {
            Legacy::Windows1252 => ", e.g. iconv -f WINDOWS-1252 -t UTF-8",
            Legacy::MacRoman => ", e.g. iconv -f MACINTOSH -t UTF-8",
        }
    }
}

/// The encoding the first byte that is not UTF-8, at `bad` in `bytes`, reads as text in,
/// if any: Mac Roman when the file's lines end with a lone CR (`mac_line_ends`, as Excel
/// for Mac and classic Mac programs save; every byte from 0x80 is a Mac Roman letter or
/// mark), else Windows-1252 ([`looks_like_windows_1252`]). Read as Windows-1252, as the
/// message advised, Excel for Mac's "Caf\x8E" (café) became "CafŽ".
pub fn legacy_encoding(bytes: &[u8], bad: usize, mac_line_ends: bool) -> Option<Legacy> {
    let before_is_ascii = bytes.get(..bad).is_some_and(<[u8]>::is_ascii);
    let high = bytes.get(bad).is_some_and(|&b| b >= 0x80);
    let next_continues = bytes.get(bad + 1).is_some_and(|&b| (0x80..0xC0).contains(&b));
    match () {
        () if mac_line_ends && before_is_ascii && high && !next_continues => Some(Legacy::MacRoman),
        () if looks_like_windows_1252(bytes, bad) => Some(Legacy::Windows1252),
        () => None,
    }
}

/// Whether `bytes`, a whole file, ends its lines with a lone CR, as classic Mac OS did:
/// a CR and no line feed.
pub fn mac_line_ends(bytes: &[u8]) -> bool {
    memchr::memchr(b'\r', bytes).is_some() && memchr::memchr(b'\n', bytes).is_none()
}

/// Whether the first byte that is not UTF-8, at `bad` in `bytes`, reads as text in
/// Windows-1252, the encoding Excel's "CSV (Comma delimited)" and other Windows programs
/// save in: everything before it is ASCII (a file with UTF-8 letters before it is UTF-8
/// damaged, not another encoding), the byte is a character of Windows-1252 (0x81, 0x8D,
/// 0x8F, 0x90 and 0x9D are not), and the byte after it does not continue a UTF-8 letter.
/// "Caf\xE9" (café) does; a UTF-8 letter cut short does not.
pub fn looks_like_windows_1252(bytes: &[u8], bad: usize) -> bool {
    let before_is_ascii = bytes.get(..bad).is_some_and(<[u8]>::is_ascii);
    let defined = bytes.get(bad).is_some_and(|&b| b >= 0x80 && !matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D));
    let next_continues = bytes.get(bad + 1).is_some_and(|&b| (0x80..0xC0).contains(&b));
    before_is_ascii && defined && !next_continues
}
