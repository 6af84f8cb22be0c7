//! Labelled CSV files for training and evaluation. Input: a CSV with a text and a
//! label column (optionally a group column and row filters). Output: [`LabelledData`],
//! each row with its line, so a bad label or text names where it was read.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::csv_rows::{escape_controls, find_column, CsvRows};
use super::{hex, read_all};
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

    /// The warning for two groups written alike (`Doc1` and `doc1`, `d7` and `d7 `): they
    /// are separate groups, so the rows of what is most likely one article can fall in
    /// different folds and the cross-validation tests on text it trained on. Ids may be
    /// case-sensitive on purpose, so this warns rather than refuses. `None` when no two
    /// groups are written alike.
    pub fn groups_written_alike(&self, column: &str) -> Option<String> {
        let at = |row: usize| {
            let place = self.location(row);
            Location { column: None, ..place }.to_string()
        };
        let raw: std::collections::HashMap<&str, usize> =
            self.groups.iter().enumerate().rev().map(|(row, g)| (g.as_str(), row)).collect();
        let spaced = self.groups.iter().enumerate().find_map(|(row, g)| {
            let trimmed = g.trim();
            (trimmed != g).then(|| raw.get(trimmed).map(|&other| (row, other, "white space around it".to_string())))?
        });
        let trimmed: Vec<String> = self.groups.iter().map(|g| g.trim().to_string()).collect();
        let (odd, usual, how) = spaced.or_else(|| {
            let (odd, usual) = case_conflict(&trimmed)?;
            let (a, b) = (trimmed.get(odd)?, trimmed.get(usual)?);
            Some((odd, usual, label_difference(a, b)))
        })?;
        let (a, b) = (self.groups.get(odd)?, self.groups.get(usual)?);
        Some(format!(
            "--group-column {column}: groups '{}' ({}) and '{}' ({}) differ only by {how}; they are separate groups, \
             so their rows can fall in different folds (make them agree if they are one article)",
            escape_controls(a),
            at(odd),
            escape_controls(b),
            at(usual)
        ))
    }

    /// Counts how many rows repeat an earlier (text, label) pair.
    pub fn n_duplicates(&self) -> usize {
        let mut seen = std::collections::HashSet::new();
        self.texts.iter().zip(&self.labels).filter(|pair| !seen.insert(*pair)).count()
    }

    /// Texts given with more than one label: how many such texts, how many rows hold
    /// them, and the first of those rows whose label differs from an earlier row's of its
    /// text. No model can tell such rows apart, so at most one label of each text is
    /// right; crowd-labelled data and data joined from sources that disagree have them.
    pub fn conflicting_labels(&self) -> Conflicts {
        let mut first_label: std::collections::HashMap<&str, (&str, bool)> = std::collections::HashMap::new();
        let mut first_row = None;
        for (row, (text, label)) in self.texts.iter().zip(&self.labels).enumerate() {
            let (first, conflicting) = first_label.entry(text.as_str()).or_insert((label.as_str(), false));
            if *first != label.as_str() {
                *conflicting = true;
                first_row = first_row.or(Some(row));
            }
        }
        let conflicting: std::collections::HashSet<&str> =
            first_label.iter().filter(|(_, (_, conflicting))| *conflicting).map(|(text, _)| *text).collect();
        let n_rows = self.texts.iter().filter(|text| conflicting.contains(text.as_str())).count();
        Conflicts { n_texts: conflicting.len(), n_rows, first_row }
    }
}

/// Texts of a [`LabelledData`] given with more than one label ([`LabelledData::conflicting_labels`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conflicts {
    /// Distinct texts with two or more labels.
    pub n_texts: usize,
    /// Rows holding those texts, all of their copies.
    pub n_rows: usize,
    /// The first row whose label differs from an earlier row's of its text.
    pub first_row: Option<usize>,
}

/// Reads a labelled CSV (with a header) for training or evaluation.
///
/// # Errors
/// [`Error::Io`], [`Error::Csv`] (ragged rows, bad quoting), [`Error::MissingColumn`],
/// [`Error::DuplicateColumn`], [`Error::EmptyText`], [`Error::InvalidUtf8`], and
/// a label [`check_label`] refuses.
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
    super::refuse_directory(path, "a CSV file")?;
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
    // Trained on its own labels, a model scores 1.0 on them and learns nothing.
    if text_index == label_index {
        return Err(Error::Data {
            path: path.to_path_buf(),
            reason: format!(
                "column '{label_column}' is both the text column and the label column (choose the text with \
                 --text-column and the labels with --label-column)"
            ),
        });
    }
    let group_index = match group_column {
        Some(column) => Some(find_column(path, &header, column, "group-column")?),
        None => None,
    };
    // Grouped by its labels, each fold tests whole classes that its training side lacks:
    // it was refused fold by fold with "use fewer folds or other groups", where no number
    // of folds could help.
    if group_index == Some(label_index) {
        return Err(Error::Data {
            path: path.to_path_buf(),
            reason: format!(
                "column '{label_column}' is both the group column and the label column, so each fold would test \
                 classes its training side has no row of (group rows by what they share, e.g. their article, with \
                 --group-column)"
            ),
        });
    }
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
            for (i, value) in &filters {
                let cell = record.get(*i).and_then(|cell| std::str::from_utf8(cell).ok()).unwrap_or_default();
                if let Some(how) = filter_near_miss(cell, value) {
                    let column = header.get(*i).unwrap_or_default();
                    return Err(Error::Value {
                        location: Location::file(path).at_line(line).with_column(column),
                        reason: format!(
                            "'{}' differs from --filter {column}={value} only by {how}, so the row would be left \
                             out; make them agree",
                            escape_controls(cell)
                        ),
                    });
                }
            }
            continue;
        }
        if super::csv_rows::is_blank_row(&record) {
            return Err(Error::BlankRow { location: Location::file(path).at_line(line) });
        }
        let text = rows.text(&record, text_index, text_column, false, line)?;
        check_text(&text, || Location::file(path).at_line(line).with_column(text_column))?;
        let label = rows.text(&record, label_index, label_column, false, line)?;
        check_label(&label, || Location::file(path).at_line(line).with_column(label_column))?;
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

/// Checks a class label as training takes it (a CSV cell, an item of Python's
/// `labels`): not empty, without surrounding spaces (trimming would be a guess), and
/// without control characters, which would break the tab-separated output, summaries,
/// the confusion matrix and page titles it is written into. `location` says where it is.
///
/// # Errors
/// [`Error::LabelSpaces`] for an empty label or one with surrounding spaces,
/// [`Error::LabelControl`] for a tab, a line break or another control character,
/// [`Error::LabelInvisible`] for a zero-width space or another unseen character at an end,
/// [`Error::LabelMissing`] for a missing value as a program writes it (`NA`, `nan`),
/// [`Error::NotAValue`] for a spreadsheet's formula error (`#REF!`), [`Error::Value`]
/// for a label written as a list or with its quotes ([`wrapped_label`]).
pub fn check_label(label: &str, location: impl FnOnce() -> Location) -> Result<()> {
    // Before the spaces: `b\r` (a CRLF line end inside quotes) is best named by its `\r`.
    if let Some(character) = control_character(label) {
        return Err(Error::LabelControl { location: location(), label: escape_controls(label), character });
    }
    if label.trim().is_empty() || label.trim() != label {
        return Err(Error::LabelSpaces { location: location(), label: label.to_string() });
    }
    if let Some(writer) = missing_value_writer(label) {
        return Err(Error::LabelMissing { location: location(), label: label.to_string(), writer });
    }
    if formula_error(label).is_some() {
        return Err(Error::NotAValue { location: location(), value: label.to_string(), is_label: true });
    }
    if let Some(reason) = wrapped_label(label) {
        return Err(Error::Value { location: location(), reason });
    }
    // `pos\u{200b}` printed as `pos` and trained as a class of its own beside it.
    let unseen = crate::text::is_unseen;
    let ends = (label.chars().next().filter(|&c| unseen(c)), label.chars().next_back().filter(|&c| unseen(c)));
    let (first, place) = match ends {
        (Some(c), Some(_)) => (c, "start and end"),
        (Some(c), None) => (c, "start"),
        (None, Some(c)) => (c, "end"),
        (None, None) => return Ok(()),
    };
    let at = format!("U+{:04X} at its {place}", u32::from(first));
    Err(Error::LabelInvisible { location: location(), label: label.to_string(), at })
}

/// What is wrong with a label written as a list (`["positive"]`, `['a', 'b']`: what an
/// annotation tool such as doccano or Label Studio exports, or pandas writes of a list
/// column) or inside quotes that are part of it (`"positive"`, a CSV quoted twice), if it
/// is so written. Each trained as a class of its own beside `positive`, or of every
/// combination of labels.
fn wrapped_label(label: &str) -> Option<String> {
    fn unquoted(item: &str) -> Option<&str> {
        let item = item.trim();
        ['"', '\''].into_iter().find_map(|quote| {
            let inner = item.strip_prefix(quote)?.strip_suffix(quote)?;
            (!inner.contains(quote)).then_some(inner)
        })
    }
    let tools = "as an annotation tool (doccano, Label Studio) or pandas writes a list";
    if let Some(inner) = label.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
        if inner.trim().is_empty() {
            return Some(format!(
                "label '{label}' is an empty list, {tools}: the row has no label (give the row its label, or leave \
                 the row out)"
            ));
        }
        let items: Vec<&str> = inner.split(',').map(unquoted).collect::<Option<_>>()?;
        return Some(match items.as_slice() {
            [one] => format!(
                "label '{label}' is a list of one label, {tools} (a row takes one label: write it alone, {one})"
            ),
            many => format!(
                "label '{label}' is a list of {} labels, {tools} (a row takes one label: keep one of them, or leave \
                 the row out)",
                many.len()
            ),
        });
    }
    let inner = unquoted(label)?;
    let fix = match inner.trim() {
        "" => "the row has no label: give the row its label, or leave the row out".to_string(),
        _ => format!("write it without them: {inner}"),
    };
    Some(format!(
        "label '{label}' has quotes around it that are part of the label (a CSV quoted twice, or typed with its \
         quotes? {fix})"
    ))
}

/// Checks a text as training and `predict` take it (a CSV cell, a JSON Lines field, a
/// line, an item of Python's `texts`): not blank, and not what a program writes in place
/// of a text, a missing value (`NA`, R's write.csv of a missing string) or a
/// spreadsheet's formula error (`#NAME?`, which a tweet typed starting with `-` or `+`
/// becomes). Those trained as texts (the word `name`), or were labelled as sentences.
///
/// # Errors
/// [`Error::EmptyText`] for a blank text, [`Error::NotAValue`] for the others.
pub fn check_text(text: &str, location: impl FnOnce() -> Location) -> Result<()> {
    if crate::text::is_blank(text) {
        return Err(Error::EmptyText { location: location() });
    }
    // Trimmed: an article file is a line with its line end (R's `writeLines(NA)` writes
    // `NA\n`), which was labelled as a sentence where `NA` alone was refused.
    let trimmed = text.trim();
    if is_placeholder(trimmed) {
        return Err(Error::NotAValue { location: location(), value: trimmed.to_string(), is_label: false });
    }
    Ok(())
}

/// Whether a cell holds what a program writes in place of a value ([`check_text`]).
fn is_placeholder(value: &str) -> bool {
    missing_value_writer(value).is_some() || formula_error(value).is_some()
}

/// Why a text cannot be labelled, as [`check_text`] finds it, said without where it is:
/// for a row of a batch whose error is a field of its own (Python's and Spark's rows).
pub fn text_problem(text: &str) -> Option<String> {
    if crate::text::is_blank(text) {
        Some("empty text".into())
    } else {
        let trimmed = text.trim();
        is_placeholder(trimmed).then(|| not_a_value(trimmed, false))
    }
}

/// What [`Error::NotAValue`] says of a cell after where it is: "text 'NA' is how R's
/// write.csv writes a missing value: ...".
pub fn not_a_value(value: &str, is_label: bool) -> String {
    format!("{} '{value}' is {}", if is_label { "label" } else { "text" }, placeholder_problem(value, is_label))
}

/// What [`Error::NotAValue`] says of `value`, a label cell or a text cell: what wrote it
/// so, and what to do.
pub fn placeholder_problem(value: &str, is_label: bool) -> String {
    let what = if is_label { "label" } else { "text" };
    if let Some(writer) = missing_value_writer(value) {
        return format!(
            "how {writer} writes a missing value: the row has no {what} (give the row its {what}, or leave the row out)"
        );
    }
    let meaning = formula_error(value).unwrap_or("an error");
    let fix = match value {
        // A cell typed `-Putin says ...` or `+1 to this` was taken for a formula.
        "#NAME?" | "#ERROR!" if !is_label => {
            "a text typed starting with =, + or - is read as a formula: type ' before it, or import the column as \
             text, and export again"
        }
        _ => "the formula that made the cell failed: mend it and export again, or leave the row out",
    };
    format!("a spreadsheet's formula error ({meaning}), not a {what} ({fix})")
}

/// What a spreadsheet's formula error means, when `cell` is one as Excel, LibreOffice or
/// Google Sheets export it: a cell made by a formula that failed (a lookup into deleted
/// cells, `#REF!`), or a text taken for a formula (`#NAME?`). Each trained as a class or
/// a text of its own. `#N/A` is a missing value ([`missing_value_writer`]).
fn formula_error(cell: &str) -> Option<&'static str> {
    Some(match cell {
        "#NAME?" => "a name it does not know",
        "#ERROR!" => "a formula it cannot read",
        "#REF!" => "a reference to cells that were deleted",
        "#VALUE!" => "a value of the wrong type",
        "#DIV/0!" => "a division by zero",
        "#NUM!" => "a number out of range",
        "#NULL!" => "ranges that do not meet",
        "#SPILL!" => "results that would cover other cells",
        "#CALC!" => "a calculation it cannot do",
        "#GETTING_DATA" => "data still loading when it was saved",
        _ => return None,
    })
}

/// What writes `label` for a missing value, when it is such a marker: an unlabelled row
/// exported by R (`NA`), by pandas or NumPy once the column is made text (`nan`, `<NA>`),
/// by Excel (`#N/A`) or by a database (`NULL`, `\N`). Each trained as a class of its own
/// (`NA 2, negative 75, positive 25` in `inspect` of 100 mr rows and two `NA`). `N/A` and `None` are left alone: a
/// coder may mean "not applicable" or the accusation task's `none`.
fn missing_value_writer(label: &str) -> Option<&'static str> {
    Some(match label {
        "NA" => "R's write.csv",
        "nan" | "NaN" | "<NA>" => "pandas' astype(str)",
        "#N/A" => "Excel",
        "NULL" | "\\N" => "a database export",
        _ => return None,
    })
}

/// Checks a model's task name, given with `flag` (`--task`): it names the model's
/// columns of tab-separated output and its summaries, as a label does.
///
/// # Errors
/// [`Error::InvalidParams`] for a tab, a line break or another control character.
pub fn check_task(task: &str, flag: &str) -> Result<()> {
    if task.trim().is_empty() {
        // It names the results of predict and report; an empty one is no name.
        return Err(Error::InvalidParams {
            name: flag.to_string(),
            reason: "is empty (it names the model's task and its results; give a name such as 'sentiment')".into(),
        });
    }
    match control_character(task) {
        Some(character) => Err(Error::InvalidParams {
            name: flag.to_string(),
            reason: format!(
                "'{}' holds the control character {character} (it names the model's task, which is written into \
                 tab-separated output; remove it)",
                escape_controls(task)
            ),
        }),
        None => Ok(()),
    }
}

/// The first control character of `name` (a tab, a line break, an escape), if any, as
/// `U+0009`.
pub fn control_character(name: &str) -> Option<String> {
    name.chars().find(|c| c.is_control()).map(|c| format!("U+{:04X}", u32::from(c)))
}

/// Labels that differ only by case ("Positive" and "positive"), or in how an accent is
/// encoded, are almost always one class; training on them as two would be a silent guess.
fn check_label_case(data: &LabelledData) -> Result<()> {
    let Some((odd, usual)) = case_conflict(&data.labels) else { return Ok(()) };
    let (odd_at, usual_at) = (data.location(odd), data.location(usual));
    let usual_at = match (odd_at.path == usual_at.path, usual_at.line) {
        (true, Some(line)) => format!("line {line}"),
        _ => Location { column: None, ..usual_at }.to_string(),
    };
    let (odd, usual) =
        (data.labels.get(odd).map_or("", String::as_str), data.labels.get(usual).map_or("", String::as_str));
    Err(Error::LabelCase {
        location: odd_at,
        label: odd.to_string(),
        other: format!("'{usual}' ({usual_at}) only by {}", label_difference(odd, usual)),
    })
}

/// How two labels that [`case_conflict`] found to be one differ, for its message: by
/// case, in how an accent is encoded, which no terminal shows ("é" as one character,
/// NFC, or as "e" and a combining accent, NFD: a file saved on a Mac, pasted from a PDF),
/// or in how a number is written (`1` and `1.0`).
pub fn label_difference(a: &str, b: &str) -> String {
    // A zero-width space or soft hyphen inside one of them (`po\u{ad}s`): the two print alike.
    let unseen = a.chars().chain(b.chars()).find(|&c| crate::text::is_unseen(c));
    let (a, b) = (crate::text::without_unseen(a), crate::text::without_unseen(b));
    // Two spaces typed for one, or a no-break space copied from a web page, which prints as one.
    let spacing = (white_space_runs(&a) != white_space_runs(&b))
        .then_some("the white space inside it (two spaces, or a no-break space, where the other has one space)");
    let (a, b) = (one_spaced(&a), one_spaced(&b));
    let visible = if number(&a).is_some() && number(&a) == number(&b) {
        "how the number is written (a column of numbers saved as decimals by a spreadsheet or pandas writes 1 as \
         1.0; write them the same way)"
    } else if a == b {
        ""
    } else if a.to_lowercase() == b.to_lowercase() {
        "case"
    } else if a.nfc().eq(b.nfc()) {
        "how an accent is encoded (as one character, or as a letter and a combining mark: Unicode NFC against NFD; \
         save both the same way)"
    } else {
        "case and how an accent is encoded (as one character, or as a letter and a combining mark: Unicode NFC \
         against NFD; save both the same way)"
    };
    let visible = match (visible, spacing) {
        ("", Some(spacing)) => spacing.to_string(),
        (visible, Some(spacing)) => format!("{visible} and {spacing}"),
        (visible, None) => visible.to_string(),
    };
    match unseen {
        None => visible,
        Some(c) => {
            let and = if visible.is_empty() { String::new() } else { format!("{visible} and ") };
            format!(
                "{and}the invisible character U+{:04X} (copied from a web page or a spreadsheet? it prints as nothing: \
                 delete it)",
                u32::from(c)
            )
        }
    }
}

/// The runs of white space inside `label`, in order.
fn white_space_runs(label: &str) -> Vec<&str> {
    label.split(|c: char| !c.is_whitespace()).filter(|run| !run.is_empty()).collect()
}

/// `label` with each run of white space inside it as one space.
fn one_spaced(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How a cell that fails a `--filter` differs from its value, when only as a hand-typed
/// copy of it would (`train ` or `Train` for `train`, `1.0` for `1`): such a row was left
/// out without a word, and only when no row at all matched was anything said. `None` for
/// a cell that is another value.
fn filter_near_miss(cell: &str, value: &str) -> Option<String> {
    // Cheap for the many rows of other values: a copy is about as long as the value.
    if cell == value || cell.is_empty() || cell.len() > 2 * value.len() + 8 {
        return None;
    }
    let trimmed = cell.trim();
    if trimmed == value {
        return Some("white space around it (cells are compared as written, never trimmed: remove it)".into());
    }
    let folded = |s: &str| crate::text::without_unseen(s.trim()).to_lowercase().nfc().collect::<String>();
    let same_number = number(trimmed).is_some() && number(trimmed) == number(value);
    let how = (same_number || folded(cell) == folded(value)).then(|| label_difference(value, trimmed))?;
    Some(match trimmed == cell {
        true => how,
        false => format!("white space around it and {how}"),
    })
}

/// The number a label writes (`1`, `1.0`, `-2.5e1`), when it is one: digits with an
/// optional sign, decimal point and exponent, nothing else. A label with a leading zero
/// (`010`, `02`) is a code, not a number: CAMEO's event codes write "make statement" as
/// `010` and "demand" as `10`, two classes that must not be taken for one.
fn number(label: &str) -> Option<f64> {
    let numeric = label.bytes().any(|b| b.is_ascii_digit())
        && label.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
    let unsigned = label.trim_start_matches(['+', '-']).as_bytes();
    let code = matches!(unsigned, [b'0', next, ..] if next.is_ascii_digit());
    (numeric && !code).then(|| label.parse::<f64>().ok()).flatten().filter(|value| value.is_finite())
}

/// Two spellings of one label that differ only by case, in how an accent is encoded
/// (NFC against NFD) or in how a number is written (`1` and `1.0`), as the first row of the odd one
/// out (the rarer spelling; of equally common ones, the later) and the first row of the
/// most common spelling. `None` when every label has one spelling.
pub fn case_conflict(labels: &[String]) -> Option<(usize, usize)> {
    // Per spelling: its lower case, its number of rows, its first row, in first-seen order.
    let mut spellings: Vec<(String, usize, usize)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (row, label) in labels.iter().enumerate() {
        let at = *index.entry(label.as_str()).or_insert_with(|| {
            let key = match number(label) {
                // `-0` is `0` written otherwise (it was a class of its own: -0.0 prints "-0"); the
                // pattern matches both zeros, as == does.
                Some(0.0) => "0".to_string(),
                Some(value) => format!("{value}"),
                // Without the characters that are not seen: `po\u{ad}s` prints as `pos`; white
                // space inside as one space: `very  positive`, `very\u{a0}positive`.
                None => one_spaced(&crate::text::without_unseen(label).nfc().collect::<String>().to_lowercase()),
            };
            spellings.push((key, 0, row));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::testing::temp_csv;

    #[test]
    fn a_filter_cell_is_a_near_miss_only_as_a_hand_typed_copy_of_the_value() {
        assert_eq!(filter_near_miss("Train", "train").as_deref(), Some("case"));
        assert_eq!(filter_near_miss(" Train", "train").as_deref(), Some("white space around it and case"));
        assert!(filter_near_miss("train ", "train").is_some_and(|how| how.starts_with("white space around it (")));
        assert!(filter_near_miss("1.0", "1").is_some_and(|how| how.starts_with("how the number is written")));
        for other in ["dev", "", "training", "010", "train"] {
            assert_eq!(filter_near_miss(other, if other == "010" { "10" } else { "train" }), None, "{other}");
        }
    }

    #[test]
    fn rejects_empty_text_and_spaced_labels() {
        let f = temp_csv(b"text,label\n  ,a\n");
        assert!(read_labelled_csv(f.path(), "text", "label")
            .unwrap_err()
            .to_string()
            .contains(":2: column 'text': empty text"));
        let f = temp_csv(b"text,label\nx, a\n");
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        let spaced = "label ' a' has white space at its start (labels are taken as written, never trimmed: remove it)";
        assert!(err.ends_with(&format!(":2: column 'label': {spaced}")), "{err}");
        let f = temp_csv(b"text,label\nx,Pos\ny,pos\n");
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        assert!(
            err.ends_with(":3: column 'label': label 'pos' differs from 'Pos' (line 2) only by case; make them agree"),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_missing_value_written_as_a_label() {
        // R's write.csv writes a row without its label as NA, pandas' astype(str) as nan:
        // each trained as a class of its own.
        for (label, writer) in [
            ("NA", "R's write.csv"),
            ("nan", "pandas' astype(str)"),
            ("NaN", "pandas' astype(str)"),
            ("<NA>", "pandas' astype(str)"),
            ("#N/A", "Excel"),
            ("NULL", "a database export"),
            ("\\N", "a database export"),
        ] {
            let f = temp_csv(format!("text,label\nx,pos\ny,{label}\n").as_bytes());
            let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
            let expected = format!(
                ":3: column 'label': label '{label}' is how {writer} writes a missing value: the row has no label (give \
                 the row its label, or leave the row out; for a class of its own, choose another name)"
            );
            assert!(err.ends_with(&expected), "{err}");
        }
        // A coder's "not applicable" and the accusation task's labels are labels.
        for label in ["N/A", "none", "None", "na", "Nan", "null"] {
            assert!(check_label(label, || Location::item("labels", 0)).is_ok(), "{label}");
        }
    }

    #[test]
    fn a_row_s_text_problem_is_check_text_s_error_without_its_location() {
        for text in ["NA", "#NAME?", "  ", "a fine film"] {
            let error = check_text(text, || Location::item("texts", 3)).err().map(|e| e.to_string());
            let expected = error.map(|e| e.trim_start_matches("texts[3]: ").to_string());
            assert_eq!(text_problem(text), expected, "{text}");
        }
        assert_eq!(text_problem(" ").as_deref(), Some("empty text"));
        let na = text_problem("NA").unwrap_or_default();
        assert!(na.starts_with("text 'NA' is how R's write.csv writes a missing value"), "{na}");
    }

    /// An article file of `NA` and its line end (R's `writeLines`), or a cell with a space
    /// around `#REF!`, was labelled as a sentence where `NA` alone was refused.
    #[test]
    fn a_missing_value_with_white_space_around_it_is_no_text() {
        let na = check_text("NA\n", || Location::item("texts", 0)).unwrap_err().to_string();
        assert!(na.starts_with("texts[0]: text 'NA' is how R's write.csv writes a missing value"), "{na}");
        let reference = text_problem(" #REF!\r\n").unwrap_or_default();
        assert!(reference.starts_with("text '#REF!' is a spreadsheet's formula error"), "{reference}");
        assert!(check_text("NA talks", || Location::item("texts", 0)).is_ok());
    }

    #[test]
    fn a_label_written_as_a_list_or_in_its_quotes_is_refused() {
        let said = |label: &str| check_label(label, || Location::item("labels", 0)).err().map(|e| e.to_string());
        let list = "as an annotation tool (doccano, Label Studio) or pandas writes a list";
        assert_eq!(
            said("[\"pos\"]").unwrap_or_default(),
            format!(
                "labels[0]: label '[\"pos\"]' is a list of one label, {list} (a row takes one label: write it \
                 alone, pos)"
            )
        );
        assert!(said("['pos', 'neg']").unwrap_or_default().contains("is a list of 2 labels"));
        assert!(said("[ ]").unwrap_or_default().contains("is an empty list"));
        assert!(said("\"pos\"")
            .unwrap_or_default()
            .ends_with("(a CSV quoted twice, or typed with its quotes? write it without them: pos)"));
        assert!(said("''")
            .unwrap_or_default()
            .ends_with("the row has no label: give the row its label, or leave the row out)"));
        // Brackets or quotes that are not a list or a quoted label: a label as written.
        for label in ["[x]", "[\"a\", b]", "\"", "it's", "\"a\" and \"b\"", "[pos", "'a\"", "5'2\""] {
            assert_eq!(said(label), None, "{label}");
        }
    }

    #[test]
    fn rejects_control_characters_in_labels_and_task_names() {
        let f = temp_csv(b"text,label\nx,a\ny,\"b\r\"\n");
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        let expected = ":3: column 'label': label 'b\\r' holds the control character U+000D \
                        (labels are written into tab-separated output; remove it)";
        assert!(err.ends_with(expected), "{err}");
        // DEL and the C1 controls are control characters too; other characters are not.
        assert_eq!(control_character("a\u{7f}"), Some("U+007F".into()));
        assert_eq!(control_character("a\u{85}b"), Some("U+0085".into()));
        assert_eq!(control_character("négatif ✓"), None);
        assert!(check_task("sentiment", "--task").is_ok());
        assert_eq!(
            check_task("a\u{0}", "task").unwrap_err().to_string(),
            "invalid task: 'a\\0' holds the control character U+0000 (it names the model's task, which is written \
             into tab-separated output; remove it)"
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
    fn a_number_written_otherwise_is_one_label_spelt_two_ways() {
        let spelt = |labels: &[&str]| case_conflict(&labels.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(spelt(&["1", "0", "1.0", "1"]), Some((2, 0)));
        assert_eq!(spelt(&["0", "1", "-0", "0"]), Some((2, 0)));
        assert_eq!(spelt(&["0", "1", "0.0", "+0", "0"]), Some((3, 0)));
        assert_eq!(spelt(&["0", "1", "-1", "10"]), None);
        assert!(label_difference("-0", "0").starts_with("how the number is written"));
    }

    #[test]
    fn labels_differing_in_how_an_accent_is_encoded_are_one_label_spelt_two_ways() {
        // "é" as one character (NFC) and as "e" and U+0301 (NFD).
        let labels: Vec<String> = ["n\u{e9}g", "pos", "n\u{e9}g", "ne\u{301}g"].iter().map(|s| s.to_string()).collect();
        assert_eq!(case_conflict(&labels), Some((3, 0)));
        assert_eq!(label_difference("Pos", "pos"), "case");
        assert!(label_difference("ne\u{301}g", "n\u{e9}g").starts_with("how an accent is encoded"));
        assert!(label_difference("Ne\u{301}g", "n\u{e9}g").starts_with("case and how an accent is encoded"));
    }

    #[test]
    fn labels_with_invisible_characters_are_refused_or_one_label_spelt_two_ways() {
        let f = temp_csv(b"text,label\nx,a\ny,\xe2\x80\x8bb\n");
        let err = read_labelled_csv(f.path(), "text", "label").unwrap_err().to_string();
        assert!(err.contains(":3: column 'label': label '\\u{200b}b' has the invisible character U+200B at its start"));
        assert!(check_label("\u{feff}", || Location::item("labels", 0)).is_err());
        // Inside a label (a Persian word's zero-width non-joiner) it is the label's own.
        assert!(check_label("a\u{200c}b", || Location::item("labels", 0)).is_ok());
        let spelt = |labels: &[&str]| case_conflict(&labels.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(spelt(&["pos", "neg", "po\u{ad}s", "pos"]), Some((2, 0)));
        assert_eq!(spelt(&["pos", "neg", "Po\u{ad}s"]), Some((2, 0)));
        assert!(label_difference("Po\u{ad}s", "pos").starts_with("case and the invisible character U+00AD"));
        assert_eq!(label_difference("Pos", "pos"), "case");
    }

    #[test]
    fn labels_differing_in_white_space_inside_are_one_label_spelt_two_ways() {
        // Two spaces typed for one, a no-break space copied from a web page (it prints as one).
        let spelt = |labels: &[&str]| case_conflict(&labels.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(spelt(&["very pos", "neg", "very pos", "very  pos"]), Some((3, 0)));
        assert_eq!(spelt(&["very pos", "neg", "very\u{a0}pos"]), Some((2, 0)));
        assert_eq!(spelt(&["very pos", "neg", "verypos", "very-pos"]), None);
        let spacing = "the white space inside it (two spaces, or a no-break space, where the other has one space)";
        assert_eq!(label_difference("very\u{a0}pos", "very pos"), spacing);
        assert_eq!(label_difference("Very  pos", "very pos"), format!("case and {spacing}"));
        assert_eq!(label_difference("a b", "a b"), "");
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
}
