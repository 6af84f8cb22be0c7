//! The files a command is given: labelled data read and joined, and every output path
//! checked before any work (a directory, one of the inputs, a model it would replace), a
//! file given twice refused, and the names used to say which file went wrong.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::Result;
use stancekit::input::{read_labelled, Columns, LabelledData};

use super::args::DataArgs;

/// Reads every `--data` file; also returns how many rows each file gave.
///
/// # Errors
/// Two `--filter`s on one column with different values (no row could pass both), or
/// filters that leave no row: said with the filters, not as an empty file.
pub fn read_data(args: &DataArgs, group: Option<&str>, earlier: Option<&Path>) -> Result<(LabelledData, Vec<usize>)> {
    for (i, (column, value)) in args.filter.iter().enumerate() {
        if let Some((_, other)) = args.filter.iter().take(i).find(|(c, v)| c == column && v != value) {
            anyhow::bail!(
                "--filter {column}={other} and --filter {column}={value} cannot both hold (a row has one value in \
                 column '{column}'; give one --filter per column)"
            );
        }
    }
    let columns = Columns {
        text: args.text_column.clone(),
        label: args.label_column.clone(),
        group: group.map(str::to_string),
        filters: args.filter.clone(),
    };
    let (data, per_file) = read_files(&args.data, &columns, earlier)?;
    if data.is_empty() && !args.filter.is_empty() {
        let filters: Vec<String> = args.filter.iter().map(|(c, v)| format!("--filter {c}={v}")).collect();
        return Err(nothing_in(
            &args.data,
            &format!("{} match {}", in_files("no rows", &args.data), filters.join(" ")),
        ));
    }
    Ok((data, per_file))
}

/// `what`, and with several files "`what` in any of a.csv, b.csv".
pub fn in_files(what: &str, files: &[PathBuf]) -> String {
    match files {
        [_] => what.to_string(),
        files => {
            let files: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
            format!("{what} in any of {}", files.join(", "))
        }
    }
}

/// The error of data files that give nothing to work on, named by the first of them.
pub fn nothing_in(files: &[PathBuf], reason: &str) -> anyhow::Error {
    let path = files.first().cloned().unwrap_or_default();
    stancekit::error::Error::Data { path, reason: reason.to_string() }.into()
}

/// Says how to end the input when a data file is `-` and standard input is a terminal
/// (`stancekit train --data - --out m.json` typed without a pipe or a file): it waited
/// without a word, which looked like a hang, as `predict` did before it said so.
pub fn note_terminal_input(files: &[PathBuf], header: &str) {
    if files.iter().any(|file| is_stdin(file)) && io::stdin().is_terminal() {
        diagnostic!(
            "stancekit: reading standard input from the terminal: type or paste CSV rows under a header line \
             ({header}), and end with Ctrl-D (or give the file in place of -)"
        );
    }
}

/// Reads the data files with the same columns; `earlier` is a file of this run read with
/// them before (`--data`, when these are `--test-data` or `--extra-data`).
///
/// # Errors
/// A file without a column an earlier file has is said as such: the hint to choose the
/// column with its flag would have named it in every file, so the earlier one would fail.
pub fn read_files(files: &[PathBuf], columns: &Columns, earlier: Option<&Path>) -> Result<(LabelledData, Vec<usize>)> {
    note_terminal_input(files, &format!("{},{}", columns.text, columns.label));
    let mut all = LabelledData::default();
    let mut per_file = Vec::with_capacity(files.len());
    let mut hashes = Vec::with_capacity(files.len());
    for (i, path) in files.iter().enumerate() {
        let earlier = i.checked_sub(1).and_then(|before| files.get(before)).map(PathBuf::as_path).or(earlier);
        let data = read_labelled(path, columns).map_err(|error| match (error, earlier) {
            (stancekit::error::Error::MissingColumn { path, column, found, flag }, Some(earlier)) => {
                let reason = format!(
                    "no column '{column}' (columns found: {}; {} has one, and --{flag} names the column in every data \
                     file: name this file's column '{column}' too)",
                    found.join(", "),
                    earlier.display()
                );
                stancekit::error::Error::Data { path, reason }
            }
            (error, _) => error,
        })?;
        per_file.push(data.len());
        hashes.push(data.sha256.clone());
        all.append(data)?;
    }
    all.sha256 = hashes.join(",");
    Ok((all, per_file))
}

/// Refuses, before any work, an output path that cannot be written (a directory, a
/// missing directory) or that is one of the inputs: `--out data.csv` would replace
/// the data with the model. `inputs` pairs each input file with how the user named it.
pub fn check_output(flag: &str, what: &str, out: &Path, inputs: &[(&str, &Path)]) -> Result<()> {
    // `-` is standard input among predict's inputs; as an output path it would quietly be
    // a file named `-` in the working directory.
    if out.as_os_str() == "-" {
        anyhow::bail!(
            "{flag} -: '-' is not standard output here (it would be a file named '-'): give {flag} /dev/stdout to \
             write to standard output, or {flag} ./- for a file of that name"
        );
    }
    if let Some((name, input)) = inputs.iter().find(|(_, input)| stancekit::output::same_file(out, input)) {
        anyhow::bail!(
            "{flag} {} is the same file as {name} {} (choose another output path)",
            out.display(),
            input.display()
        );
    }
    // A FIFO this run reads to its end has no reader left when the output is written to
    // it, so the write waited forever (`train --data f.fifo --out f.fifo`).
    if let Some((name, input)) = inputs.iter().find(|(_, input)| stancekit::output::same_pipe(out, input)) {
        anyhow::bail!(
            "{flag} {} is the same pipe as {name} {}, which this run reads to its end, so nothing would be left to \
             read what is written into it (choose another output path)",
            out.display(),
            input.display()
        );
    }
    // What the path holds now, read once for both checks below.
    let head = file_head(out);
    let holds_model = head.as_deref().is_some_and(stancekit::model::laid_out_as_a_model);
    // A CSV or page written over a model that is no input of this run (`eval --model a.json
    // --predictions b.json`, the model meant for `--model`; `--html models/cooperation.json`
    // with other models) replaced it without a word, and every later load of it failed.
    if what != "model" && holds_model {
        let (written, example) = match what {
            "HTML" => ("HTML page", "page.html"),
            "CSV" => ("corpus CSV", "corpus.csv"),
            _ => ("predictions CSV", "predictions.csv"),
        };
        anyhow::bail!(
            "{flag} {} is a stancekit model, which the {written} would replace (give {flag} a path of its own, e.g. \
             {example}; to delete the model, remove it first)",
            out.display()
        );
    }
    // A model written over a file of something else (`--out test.csv`, meant for
    // `--test-data`) replaced the data without a word. An empty file (`mktemp`'s) and a
    // model (training again) are replaced.
    if what == "model" {
        if let Some(start) = stancekit::model::other_than_a_model(out) {
            anyhow::bail!(
                "{flag} {} holds something other than a stancekit model (it starts '{start}'), which the model would \
                 replace (give {flag} a path of its own, e.g. model.json; to replace the file, remove it first)",
                out.display(),
            );
        }
    }
    stancekit::output::check_target(out).map_err(|error| writing(what, out, error))
}

/// The first bytes of `path` after a byte order mark and white space, when it is a
/// regular file that can be read; `None` otherwise (read no further than 256 bytes).
fn file_head(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    // Its type first: opening a FIFO to read (`--html fifo`, written directly) would wait
    // for a writer that never comes.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let mut head = Vec::with_capacity(256);
    file.take(256).read_to_end(&mut head).ok()?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    Some(head.get(start..).unwrap_or_default().to_vec())
}

/// `reading lexicon lex: lex/cues.tsv:3: ...`, `reading lexicon: /x: No such file or
/// directory (os error 2)`: the path once ([`stancekit::error::reading`]).
pub fn reading_file(what: &str, path: &Path, error: stancekit::error::Error) -> anyhow::Error {
    let context = stancekit::error::reading(what, path, &error);
    anyhow::Error::new(error).context(context)
}

/// `writing model: m/x.json: No such file or directory (os error 2)`: what was being
/// written, the path once, the reason.
pub fn writing(what: &str, path: &Path, error: io::Error) -> anyhow::Error {
    anyhow::Error::new(stancekit::error::Error::Io { path: path.to_path_buf(), error })
        .context(format!("writing {what}"))
}

/// Refuses a file given twice to one flag (also by another name, or through a link):
/// its rows would count twice, unlike any other file's, and every one of them would
/// be on both sides of a fold (`eval --data f.csv f.csv --folds 5` scored 0.943 where
/// `--data f.csv` scored 0.692).
pub fn refuse_repeated_files(flag: &str, files: &[PathBuf]) -> Result<()> {
    refuse_repeated(flag, files, "its rows would count twice; to weigh a file more, give --data-weight")
}

/// Refuses a `flag` file that is also a `--data` file, saying `why` it matters: the
/// overlap warning of a partial copy would say every row, and `--quiet` hides it.
pub fn refuse_data_file_as(flag: &str, files: &[PathBuf], data: &[PathBuf], why: &str) -> Result<()> {
    for file in files {
        if is_stdin(file) && data.iter().any(|d| is_stdin(d)) {
            anyhow::bail!("{flag} - is standard input, as --data - is: {READ_ONCE}");
        }
        if let Some(same) = data.iter().find(|d| stancekit::output::same_file(d, file)) {
            anyhow::bail!("{flag} {} is the same file as --data {} ({why})", file.display(), same.display());
        }
        if let Some(same) = data.iter().find(|d| stancekit::output::same_pipe(d, file)) {
            anyhow::bail!("{flag} {} is the same pipe as --data {}: {PIPE_READ_ONCE}", file.display(), same.display());
        }
    }
    Ok(())
}

/// Why `-` (standard input) cannot be given twice among the data files: the first
/// read takes all of it, and the second found it empty, which was said as `-: the file is
/// empty: no header line naming its columns` (`train --data - -`, `eval --data -
/// --test-data -`).
const READ_ONCE: &str =
    "standard input can be read only once (save its rows to a file, and give each file where it belongs)";

/// Why a pipe (a FIFO, `/dev/stdin`) cannot be given twice among the data files: the
/// first read takes all of it, and the second waited forever for a writer (a FIFO opened
/// again after its writer had gone) or found it empty.
const PIPE_READ_ONCE: &str = "a pipe (FIFO) can be read only once (save its rows to a file, and give each file where \
                              it belongs)";

/// Whether `path` is `-`, standard input, as the data readers take it.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuses a file given twice to `flag`, saying `why` it matters.
pub fn refuse_repeated(flag: &str, files: &[PathBuf], why: &str) -> Result<()> {
    for (i, file) in files.iter().enumerate() {
        if is_stdin(file) && files.iter().take(i).any(|e| is_stdin(e)) {
            anyhow::bail!("{flag} - is given twice: {READ_ONCE}");
        }
        // `--data a.csv is given twice`, or `--data a.csv and b.csv are the same file` (a link).
        let names = |earlier: &PathBuf, same: &str| {
            if earlier == file {
                format!("{flag} {} is given twice", file.display())
            } else {
                format!("{flag} {} and {} are the same {same}", earlier.display(), file.display())
            }
        };
        if let Some(earlier) = files.iter().take(i).find(|e| stancekit::output::same_pipe(e, file)) {
            anyhow::bail!("{}: {PIPE_READ_ONCE}", names(earlier, "pipe"));
        }
        if let Some(earlier) = files.iter().take(i).find(|e| stancekit::output::same_file(e, file)) {
            anyhow::bail!("{} ({why})", names(earlier, "file"));
        }
    }
    Ok(())
}
