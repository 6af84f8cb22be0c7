//! The directory walk of `predict`. Input: the paths named on the command line.
//! Output: [`Inputs`], each directory replaced by the regular `.txt` and `.html` files
//! below it, with warnings for what was skipped.

use std::path::{Path, PathBuf};

use super::io_error;
use crate::error::Error;

/// The prediction inputs, directories expanded.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Each file to read (or `-`), in order, with the error that keeps it from being
    /// read, if any: a directory that could not be listed. Each is one input.
    pub files: Vec<(PathBuf, Option<Error>)>,
    /// What was skipped without losing a file: a directory reached again through a
    /// symlink, a directory without articles, an article that is not a regular file,
    /// hidden entries below a directory, the resources a browser saved with a page.
    pub warnings: Vec<String>,
}

/// Expands the prediction inputs: a directory becomes every regular article file below
/// it ([`is_article_file`]: `.txt`, `.html`, `.htm`, `.xhtml`; recursively, following symlinks, in sorted order; a FIFO, socket or device is
/// skipped with a warning, hidden files and directories with one warning for all);
/// files and `-` pass through. A
/// directory is read once, however many links and inputs lead to it, so a symlink loop
/// ends, and so is a file (a link to a `.txt` beside it, a file named twice or inside a
/// directory also given is skipped with a warning), so no file is labelled twice. Never
/// fails: a directory that cannot be listed is an entry with its error, so the other
/// inputs are still read.
pub fn expand_inputs(inputs: &[PathBuf]) -> Inputs {
    let mut expanded = Inputs::default();
    // Every directory and file reached, by any input: `predict corpus corpus/a.txt` (or
    // overlapping globs) used to label a.txt twice, each row counted twice downstream.
    let mut seen: std::collections::HashMap<PathBuf, PathBuf> = std::collections::HashMap::new();
    let mut stdin_seen = false;
    for input in inputs {
        // Standard input is read to its end once: a second `-` read nothing, without a word.
        if input.as_os_str() == "-" {
            if stdin_seen {
                expanded
                    .warnings
                    .push("-: skipped, standard input is read once (its lines are labelled already)".into());
                continue;
            }
            stdin_seen = true;
        }
        let canonical = if input.as_os_str() == "-" { None } else { std::fs::canonicalize(input).ok() };
        if let Some(first) = canonical.as_ref().and_then(|c| seen.get(c)) {
            let what = if input.is_dir() { "directory" } else { "file" };
            expanded.warnings.push(skipped(input, first, what));
            continue;
        }
        if !input.is_dir() {
            if let Some(canonical) = canonical {
                seen.insert(canonical, input.clone());
            }
            expanded.files.push((input.clone(), None));
            continue;
        }
        let mut found = Vec::new();
        let mut skips = Skips::default();
        collect_text_files(input, &mut seen, &mut found, &mut skips);
        let Skips { warnings, hidden, others } = skips;
        expanded.warnings.extend(warnings);
        if hidden > 0 {
            let entries = if hidden == 1 { "entry" } else { "entries" };
            expanded.warnings.push(format!(
                "{}: skipped {hidden} hidden {entries} below it (a name starting with '.', such as .git or \
                 .ipynb_checkpoints; name a file on its own to read it)",
                input.display()
            ));
        }
        if let Some(warning) = others_warning(input, &others) {
            expanded.warnings.push(warning);
        }
        if found.is_empty() {
            expanded.warnings.push(format!("{}: no .txt or .html files found", input.display()));
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        expanded.files.extend(found);
    }
    expanded
}

/// What a directory walk leaves out, said once for its input.
#[derive(Default)]
struct Skips {
    /// Warnings of the walk (a loop of links, a FIFO, a file reached twice), in order.
    warnings: Vec<String>,
    /// Hidden articles and directories (a name starting with `.`).
    hidden: usize,
    /// Files that are not articles (`notes.md`, `rows.csv`, a scraper's `12345`).
    others: Vec<PathBuf>,
}

/// The warning for the files below `input` that are not articles and so were not read,
/// naming the first three: an article saved as `.md`, `.text` or without an extension,
/// or a table (`.csv`, `.jsonl`) among the articles, was left out without a word, exit 0.
fn others_warning(input: &Path, others: &[PathBuf]) -> Option<String> {
    let first = others.first()?;
    let name = |path: &PathBuf| path.strip_prefix(input).unwrap_or(path).display().to_string();
    let names: Vec<String> = others.iter().take(3).map(name).collect();
    let listed = match others.len() {
        1..=3 => names.join(", "),
        n => format!("{} and {} more", names.join(", "), n - 3),
    };
    let noun = if others.len() == 1 { "file" } else { "files" };
    Some(format!(
        "{}: skipped {} {noun} below it that {} not .txt or .html ({}; a directory is read for its .txt and .html \
         articles: name a file on its own to read it, e.g. {})",
        input.display(),
        others.len(),
        if others.len() == 1 { "is" } else { "are" },
        crate::input::escape_controls(&listed),
        crate::input::escape_controls(&first.display().to_string()),
    ))
}

/// The warning for `path`, skipped as the same directory or file as `first`.
fn skipped(path: &Path, first: &Path, what: &str) -> String {
    if path == first {
        format!("{}: skipped, read already (each file is labelled once)", path.display())
    } else {
        format!("{}: skipped, the same {what} as {}", path.display(), first.display())
    }
}

/// Whether `path` names an article a directory is read for: a text (`.txt`, any case)
/// or a web page ([`super::is_web_page_name`]).
fn is_article_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt")) || super::is_web_page_name(path)
}

/// The page a browser saved `dir` with, when `dir` is such a folder: `NAME_files` beside
/// `NAME.html` or `NAME.htm` ("Web page, complete" in Chrome and Firefox).
fn saved_with_page(dir: &Path) -> Option<PathBuf> {
    let name = dir.file_name()?.to_str()?;
    let stem = name.strip_suffix("_files").filter(|stem| !stem.is_empty())?;
    let mut pages = ["html", "htm"].into_iter().map(|extension| dir.with_file_name(format!("{stem}.{extension}")));
    pages.find(|page| page.is_file()).filter(|_| dir.is_dir())
}

/// Adds the article files below `dir` to `found`; `seen` maps each directory read and
/// each file found to the path it was first reached by. Hidden directories and articles
/// (a name starting with `.`) are counted in `hidden`, not read: Jupyter's
/// `.ipynb_checkpoints` holds a copy of each text edited in a notebook, which was
/// labelled twice, and an editor's lock link (Emacs' `.#a.txt`) was an error row. The
/// folder a browser saves beside a page (`page_files/` beside `page.html`: its scripts,
/// styles and the pages of its ad frames) is skipped with a warning. Other files that
/// are not articles are listed in `skips.others`, to be said.
fn collect_text_files(
    dir: &Path,
    seen: &mut std::collections::HashMap<PathBuf, PathBuf>,
    found: &mut Vec<(PathBuf, Option<Error>)>,
    skips: &mut Skips,
) {
    let canonical = match std::fs::canonicalize(dir) {
        Ok(canonical) => canonical,
        Err(error) => return found.push((dir.to_path_buf(), Some(io_error(dir, error)))),
    };
    if let Some(first) = seen.get(&canonical) {
        let warning = if dir != first && dir.starts_with(first) {
            format!("{}: skipped, a symlink loop back to {}", dir.display(), first.display())
        } else {
            skipped(dir, first, "directory")
        };
        skips.warnings.push(warning);
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
        let is_text = is_article_file(&path);
        let is_hidden = path.file_name().is_some_and(|name| name.as_encoded_bytes().starts_with(b"."));
        if is_hidden && (is_text || path.is_dir()) {
            skips.hidden += 1;
        } else if let Some(page) = saved_with_page(&path) {
            skips.warnings.push(format!(
                "{}: skipped, the files a browser saved with the page {} (name one on its own to read it)",
                path.display(),
                page.display()
            ));
        } else if path.is_dir() {
            collect_text_files(&path, seen, found, skips);
        } else if !is_text {
            // A hidden file that is no article (`.DS_Store`) is left out without a word.
            if !is_hidden {
                skips.others.push(path);
            }
        } else {
            // A FIFO would block the run until something writes to it, a device might
            // never end. A broken link stays in, to be its input's error row.
            match std::fs::metadata(&path) {
                Ok(metadata) if !metadata.is_file() => skips
                    .warnings
                    .push(format!("{}: skipped, not a regular file (name it on its own to read it)", path.display())),
                // A link to a file already found (or found later by its own name) would
                // label one article twice; the first path walked keeps it.
                Ok(_) => match std::fs::canonicalize(&path) {
                    Ok(canonical) => match seen.get(&canonical) {
                        Some(first) => skips.warnings.push(skipped(&path, first, "file")),
                        None => {
                            seen.insert(canonical, path.clone());
                            found.push((path, None));
                        }
                    },
                    Err(_) => found.push((path, None)),
                },
                Err(_) => found.push((path, None)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_input_named_twice_is_read_once_and_said() {
        let inputs = expand_inputs(&[PathBuf::from("-"), PathBuf::from("-")]);
        assert_eq!(inputs.files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(), [PathBuf::from("-")]);
        assert_eq!(inputs.warnings, ["-: skipped, standard input is read once (its lines are labelled already)"]);
    }

    #[cfg(unix)]
    #[test]
    fn directory_walk_reads_each_directory_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("a/sub")).unwrap();
        // Outside the corpus: a directory the corpus holds is read with it, not again.
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        std::fs::write(root.join("a/one.txt"), "One.").unwrap();
        std::os::unix::fs::symlink("..", root.join("a/sub/loop")).unwrap();
        std::os::unix::fs::symlink("a", root.join("b")).unwrap();
        std::os::unix::fs::symlink("nowhere.txt", root.join("broken.txt")).unwrap();
        // A link to a file the walk also reaches by its own name: labelled once.
        std::os::unix::fs::symlink("a/one.txt", root.join("copy.txt")).unwrap();
        let inputs = expand_inputs(&[root.clone(), dir.path().join("empty"), PathBuf::from("-")]);
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
                format!("{r}/copy.txt: skipped, the same file as {a}/one.txt"),
                format!("{}/empty: no .txt or .html files found", dir.path().display()),
            ]
        );
    }

    #[test]
    fn files_that_are_not_txt_below_an_input_are_said_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.txt"), "One.").unwrap();
        std::fs::write(root.join("b.TXT"), "Two.").unwrap();
        std::fs::write(root.join("sub/c.md"), "Three.").unwrap();
        std::fs::write(root.join(".DS_Store"), "x").unwrap();
        let inputs = expand_inputs(std::slice::from_ref(&root));
        assert_eq!(inputs.files.len(), 2);
        assert_eq!(
            inputs.warnings,
            [format!(
                "{r}: skipped 1 file below it that is not .txt or .html (sub/c.md; a directory is read for its .txt \
                 and .html articles: name a file on its own to read it, e.g. {r}/sub/c.md)",
                r = root.display()
            )]
        );
    }

    #[test]
    fn hidden_files_and_directories_below_an_input_are_skipped_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join(".ipynb_checkpoints")).unwrap();
        std::fs::create_dir_all(root.join("sub/.git")).unwrap();
        std::fs::write(root.join("a.txt"), "One.").unwrap();
        std::fs::write(root.join(".ipynb_checkpoints/a-checkpoint.txt"), "One.").unwrap();
        std::fs::write(root.join("sub/.draft.txt"), "Two.").unwrap();
        std::fs::write(root.join("sub/b.txt"), "Three.").unwrap();
        std::fs::write(root.join("sub/.git/notes.txt"), "Four.").unwrap();
        // A hidden name given on its own is read.
        let inputs = expand_inputs(&[root.clone(), root.join("sub/.draft.txt")]);
        let files: Vec<PathBuf> = inputs.files.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(files, [root.join("a.txt"), root.join("sub/b.txt"), root.join("sub/.draft.txt")]);
        assert_eq!(
            inputs.warnings,
            [format!(
                "{}: skipped 3 hidden entries below it (a name starting with '.', such as .git or .ipynb_checkpoints; \
                 name a file on its own to read it)",
                root.display()
            )]
        );
    }
}
