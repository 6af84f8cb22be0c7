//! Span label files: offsets and labels into real news documents, never their text.
//! Input: span CSVs and the datasets they point into (`../shared/datasets`). Output:
//! [`SpanRow`]s with each sentence rebuilt and checked against its stored hash, so the
//! labels can be shared without redistributing the articles.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::csv_rows::{find_column, read_table};
use super::{hex, one_of};
use crate::error::{Error, Location, Result};

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
    /// (column, label) pairs for every task column, in the first file's column order.
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

/// Values of a span file's `split` column: any other (`Train`, `test`) would leave its
/// spans out of both `corpus --split` outputs without a word.
const SPAN_SPLITS: &[&str] = &["train", "dev"];

/// Columns `corpus` writes itself: a label column of one of these names would repeat
/// one in its output header, which `train` then refuses.
const CORPUS_COLUMNS: &[&str] = &["id", "doc", "text"];

/// A span file read whole, with its columns found.
struct SpanTable<'a> {
    path: &'a Path,
    records: Vec<(u64, csv::StringRecord)>,
    /// dataset, doc_id, start, end, sha256, split.
    meta: [usize; 6],
    /// (index, name) of each label column.
    tasks: Vec<(usize, String)>,
}

/// Reads a span file and finds its columns.
fn read_span_table(path: &Path) -> Result<SpanTable<'_>> {
    let (header, records) = read_table(path)?;
    let mut meta = [0; 6];
    for (slot, name) in meta.iter_mut().zip(SPAN_META) {
        *slot = fixed_column(
            path,
            &header,
            name,
            "a span file has columns dataset, doc_id, start, end, sha256, split and a label column per task",
        )?;
    }
    let tasks: Vec<(usize, String)> =
        header.iter().enumerate().filter(|(_, h)| !SPAN_META.contains(h)).map(|(i, h)| (i, h.to_string())).collect();
    for (i, (_, name)) in tasks.iter().enumerate() {
        if CORPUS_COLUMNS.contains(&name.as_str()) {
            return Err(Error::Data {
                path: path.to_path_buf(),
                reason: format!(
                    "column '{name}' has the name of a column corpus writes itself (rename it; id, doc and text are taken)"
                ),
            });
        }
        // Labels are matched across files by column name, so a name must say which one.
        if tasks.iter().skip(i + 1).any(|(_, other)| other == name) {
            return Err(Error::DuplicateColumn { path: path.to_path_buf(), column: name.clone() });
        }
    }
    Ok(SpanTable { path, records, meta, tasks })
}

/// The index of `column` in a file whose columns no flag chooses: a missing one is said
/// with `what` the file's columns are (`find_column`'s message ends `choose one with
/// --spans`, a flag that names files, not columns).
fn fixed_column(path: &Path, header: &csv::StringRecord, column: &str, what: &str) -> Result<usize> {
    find_column(path, header, column, "spans").map_err(|error| match error {
        Error::MissingColumn { path, column, found, .. } => {
            Error::Data { path, reason: format!("no column '{column}' (columns found: {}; {what})", found.join(", ")) }
        }
        other => other,
    })
}

/// Orders `table`'s label columns as `first`'s, or says which differ: labels are
/// matched by column name, so files may order their columns differently.
fn match_tasks(table: &mut SpanTable, first: &SpanTable) -> Result<()> {
    let names = |t: &SpanTable, other: &SpanTable| -> Vec<String> {
        t.tasks
            .iter()
            .filter(|(_, n)| !other.tasks.iter().any(|(_, o)| o == n))
            .map(|(_, n)| format!("'{n}'"))
            .collect()
    };
    let (missing, extra) = (names(first, table), names(table, first));
    if !missing.is_empty() || !extra.is_empty() {
        let mut differences = Vec::new();
        if !missing.is_empty() {
            differences.push(format!("{} missing", missing.join(", ")));
        }
        if !extra.is_empty() {
            differences.push(format!("{} extra", extra.join(", ")));
        }
        return Err(Error::Data {
            path: table.path.to_path_buf(),
            reason: format!(
                "its label columns differ from those of {}: {} (give every span file the same label columns, in any order)",
                first.path.display(),
                differences.join(", ")
            ),
        });
    }
    table.tasks.sort_by_key(|(_, name)| first.tasks.iter().position(|(_, n)| n == name));
    Ok(())
}

/// Reads span label files (offsets and labels, never text) and rebuilds each
/// sentence from the documents in `datasets_dir` (`../shared/datasets`), checking
/// that it still hashes to the stored sha256 prefix. Every file must have the same
/// label columns, in any order; each row's labels are in the first file's order.
///
/// # Errors
/// [`Error::Io`] / [`Error::Csv`] for unreadable files; [`Error::Data`] naming a file
/// whose label columns differ from the first file's or use a name `corpus` writes
/// (`id`, `doc`, `text`), checked in every file before any span is read;
/// [`Error::Value`] naming the file, line and column of a span that is out of range,
/// empty, unknown, or whose hash differs;
/// [`Error::DuplicateColumn`] for a column named twice; [`Error::UnknownLabel`] for a
/// task label outside [`SPAN_LABELS`] or a split other than `train` and `dev`.
pub fn read_span_rows(span_files: &[PathBuf], datasets_dir: &Path) -> Result<Vec<SpanRow>> {
    read_spans(span_files, datasets_dir).map(|(_, rows)| rows)
}

/// What is wrong with `--datasets` when its dataset file `file` (`bbc_news/bbc_news.csv`)
/// is not in it: not a directory, a dataset's own directory or file (one level too deep:
/// `--datasets ../shared/datasets/bbc_news`), the directory above the datasets (one level
/// too high: `--datasets ../shared`), or another directory. `None` when the file is
/// there. Each of the first three used to be said as the missing file, `../shared/
/// datasets/bbc_news/bbc_news/bbc_news.csv: No such file or directory (os error 2)`, or,
/// of a file given, as `no such directory`.
fn datasets_dir_problem(datasets_dir: &Path, file: &str) -> Option<String> {
    if datasets_dir.join(file).exists() {
        return None;
    }
    let holds = "the span files point into the shared datasets directory, which holds bbc_news/bbc_news.csv and \
                 fnc1/bodies.csv";
    // A dataset's directory (`.../bbc_news`, `.../fnc1`), or its file (`.../bbc_news.csv`).
    let names: Vec<&std::ffi::OsStr> = SPAN_SOURCES.iter().filter_map(|s| Path::new(s.1).file_name()).collect();
    let too_deep = if names.iter().any(|name| datasets_dir.join(name).exists()) {
        Some(directory_above(datasets_dir))
    } else if datasets_dir.is_file() && datasets_dir.file_name().is_some_and(|name| names.contains(&name)) {
        Some(directory_above(&directory_above(datasets_dir)))
    } else {
        None
    };
    if let Some(above) = too_deep {
        return Some(format!(
            "is a dataset's own {}, not the shared datasets directory: {holds} (pass --datasets {})",
            if datasets_dir.is_dir() { "directory" } else { "file" },
            above.display()
        ));
    }
    if datasets_dir.join("datasets").join(file).exists() {
        return Some(format!(
            "holds the shared datasets directory, not its datasets: {holds} (pass --datasets {})",
            datasets_dir.join("datasets").display()
        ));
    }
    Some(match datasets_dir.metadata() {
        Ok(metadata) if metadata.is_dir() => format!("has no {file}: {holds} (pass it with --datasets)"),
        Ok(_) => format!("is a file, not a directory: {holds} (pass it with --datasets)"),
        Err(_) => "no such directory: the span files point into the shared datasets; pass their directory with \
                   --datasets"
            .into(),
    })
}

/// The directory that holds `path`, as a path to give: `..` above `.`, `.` above a name
/// without a directory.
fn directory_above(path: &Path) -> PathBuf {
    match (path.file_name(), path.parent()) {
        _ if path == Path::new(".") => PathBuf::from(".."),
        (None, _) => path.join(".."),
        (Some(_), Some(parent)) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// [`read_span_rows`], with the label columns of the first file, in its order: the
/// columns of the corpus even when no span is read (a span file of only its header;
/// taken from the first row, they were none, and `corpus` wrote `id,doc,text`).
///
/// # Errors
/// As [`read_span_rows`].
pub fn read_spans(span_files: &[PathBuf], datasets_dir: &Path) -> Result<(Vec<String>, Vec<SpanRow>)> {
    let mut documents: std::collections::HashMap<String, std::collections::HashMap<String, String>> =
        std::collections::HashMap::new();
    let mut tables = span_files.iter().map(|path| read_span_table(path)).collect::<Result<Vec<_>>>()?;
    if let Some((first, rest)) = tables.split_first_mut() {
        for table in rest {
            match_tasks(table, first)?;
        }
    }
    let label_columns: Vec<String> =
        tables.first().map(|t| t.tasks.iter().map(|(_, name)| name.clone()).collect()).unwrap_or_default();
    let mut rows = Vec::new();
    // Where each span was first read: a span given twice (a file given twice, or one
    // span file copied into another) would be two rows of one sentence, and with other
    // labels two rows that contradict each other.
    let mut seen: std::collections::HashMap<(String, String, usize, usize), (PathBuf, u64)> =
        std::collections::HashMap::new();
    for SpanTable { path: span_file, records, meta, tasks } in tables {
        let [c_dataset, c_doc, c_start, c_end, c_hash, c_split] = meta;
        for (line, record) in records {
            // Named by file, line and column, as every other cell is (it used to be
            // `spans.csv: line 2: ...`, without the column).
            let bad = |column: &str, reason: String| Error::Value {
                location: Location::file(span_file).at_line(line).with_column(column),
                reason,
            };
            let field = |i: usize| record.get(i).unwrap_or("").to_string();
            let split =
                one_of(field(c_split), SPAN_SPLITS, || Location::file(span_file).at_line(line).with_column("split"))?;
            let dataset = field(c_dataset);
            if !documents.contains_key(&dataset) {
                let Some((_, file, id_col, text_col)) = SPAN_SOURCES.iter().find(|s| s.0 == dataset) else {
                    return Err(bad(
                        "dataset",
                        format!(
                            "unknown dataset '{dataset}' (expected one of: {})",
                            SPAN_SOURCES.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                };
                if let Some(reason) = datasets_dir_problem(datasets_dir, file) {
                    // Said first: the missing file's own message would not name --datasets.
                    return Err(Error::Data { path: datasets_dir.to_path_buf(), reason });
                }
                let source = datasets_dir.join(file);
                let (source_header, source_records) = read_table(&source)?;
                let what = format!(
                    "the documents of dataset '{dataset}' are read from its columns {id_col} and {text_col}: is \
                     --datasets the shared datasets directory?"
                );
                let id_index = fixed_column(&source, &source_header, id_col, &what)?;
                let text_index = fixed_column(&source, &source_header, text_col, &what)?;
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
                .ok_or_else(|| bad("doc_id", format!("no document '{doc_id}' in {dataset}")))?;
            let offset = |i: usize, column: &str| -> Result<usize> {
                let value = field(i);
                value.parse().map_err(|_| {
                    bad(column, format!("'{value}' is not a byte offset (a whole number from 0, counted in bytes)"))
                })
            };
            let (start, end) = (offset(c_start, "start")?, offset(c_end, "end")?);
            // An empty span hashed to sha256("") and was said to be a changed source text.
            if end == start {
                return Err(bad(
                    "end",
                    format!("span {start}..{end} is empty (end is the offset after its last byte)"),
                ));
            }
            let text = document.get(start..end).ok_or_else(|| {
                if end < start {
                    bad("end", format!("span {start}..{end} ends before it starts"))
                } else if end > document.len() {
                    let reason = format!(
                        "span {start}..{end} ends after its document, {dataset} {doc_id}, of {} bytes",
                        document.len()
                    );
                    bad("end", reason)
                } else {
                    let reason = format!(
                        "span {start}..{end} splits a character of {dataset} {doc_id} (offsets count bytes of UTF-8)"
                    );
                    bad(if document.is_char_boundary(start) { "end" } else { "start" }, reason)
                }
            })?;
            let digest = hex(&Sha256::digest(text.as_bytes()));
            let digest = digest.get(..SPAN_HASH_DIGITS).unwrap_or_default();
            let stored = field(c_hash);
            // A shorter prefix would check little (one digit passes one span in 16).
            if stored.len() != SPAN_HASH_DIGITS
                || !stored.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            {
                return Err(bad("sha256", format!(
                    "sha256 '{stored}' is missing or malformed (expected the first {SPAN_HASH_DIGITS} lower-case hex digits of the span's sha256)"
                )));
            }
            if digest != stored {
                return Err(bad("sha256", format!(
                    "span {start}..{end} of {dataset} {doc_id} hashes to {digest}, stored {stored}: the source text changed"
                )));
            }
            // A typo ("cooperatve") would otherwise train a class of its own.
            for (i, name) in &tasks {
                if let Some((_, allowed)) = SPAN_LABELS.iter().find(|(task, _)| task == name) {
                    one_of(field(*i), allowed, || Location::file(span_file).at_line(line).with_column(name.as_str()))?;
                }
            }
            // After the row's own cells: a span given twice is a problem of the two rows.
            match seen.entry((dataset.clone(), doc_id.clone(), start, end)) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    let (first_file, first_line) = first.get();
                    let at = if first_file == span_file {
                        format!("line {first_line}")
                    } else {
                        format!("{}:{first_line}", first_file.display())
                    };
                    return Err(Error::Value {
                        location: Location::file(span_file).at_line(line),
                        reason: format!(
                            "span {start}..{end} of {dataset} {doc_id} is also at {at} (a span is one row of the \
                             corpus: keep one of them)"
                        ),
                    });
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert((span_file.to_path_buf(), line));
                }
            }
            rows.push(SpanRow {
                dataset,
                doc_id,
                start,
                end,
                split,
                text: text.to_string(),
                labels: tasks.iter().map(|(i, name)| (name.clone(), field(*i))).collect(),
            });
        }
    }
    Ok((label_columns, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(
                span_error(d, stored),
                format!("column 'sha256': {}", malformed.replace("{}", stored)),
                "{stored:?}"
            );
        }
        let other = if full.starts_with('0') { "1" } else { "0" };
        assert!(span_error(d, &format!("{other}{}", &full[1..])).ends_with("the source text changed"));
    }
}
