//! Actors files: sentences with their gold accusation claim, source and target, the
//! reference `crate::actors` is scored against. Input: a CSV with fixed columns.
//! Output: [`ActorRow`]s, each with its line.

use std::path::Path;

use super::csv_rows::{find_column, read_table};
use super::one_of;
use crate::error::{Error, Location, Result};

/// The labels of an actors file's `accusation` column.
pub const ACTOR_CLAIMS: &[&str] = &["accusation", "denial", "none"];

/// A sentence of an actors file: its gold claim and actor spans.
#[derive(Debug, Clone)]
pub struct ActorRow {
    /// 1-based line where the row starts.
    pub line: u64,
    /// The sentence.
    pub text: String,
    /// One of [`ACTOR_CLAIMS`].
    pub claim: String,
    /// The gold source, as written in the sentence (empty when unsaid).
    pub source: String,
    /// The gold target (empty when unsaid).
    pub target: String,
}

/// Reads an actors file: a CSV with columns `text`, `accusation`, `source`, `target`.
///
/// # Errors
/// [`Error::Io`], [`Error::Csv`], [`Error::MissingColumn`], [`Error::InvalidUtf8`],
/// [`Error::UnknownLabel`] for an `accusation` value not in [`ACTOR_CLAIMS`] (a typo
/// there would silently drop the row from the scores), [`Error::EmptyText`] for an
/// empty or whitespace-only sentence, [`Error::NotAValue`] for a sentence such as `NA`
/// or `#REF!` ([`crate::input::check_text`]), and [`Error::SpanNotInText`] for a gold span its
/// sentence does not contain (it could never be matched, so it would only lower recall),
/// [`Error::Value`] for a gold span on a row labelled `none` (never scored).
pub fn read_actor_rows(path: &Path) -> Result<Vec<ActorRow>> {
    let (header, records) = read_table(path)?;
    // Its columns are fixed: no flag chooses them, so the message lists them instead.
    let column = |name: &str| {
        find_column(path, &header, name, "data").map_err(|error| match error {
            Error::MissingColumn { path, column, found, .. } => Error::Data {
                path,
                reason: format!(
                    "no column '{column}' (columns found: {}; an actors file has columns text, accusation, source, target)",
                    found.join(", ")
                ),
            },
            other => other,
        })
    };
    let (text, claim, source, target) = (column("text")?, column("accusation")?, column("source")?, column("target")?);
    let mut rows = Vec::new();
    for (line, record) in records {
        let field = |index: usize| record.get(index).unwrap_or_default().to_string();
        let claim =
            one_of(field(claim), ACTOR_CLAIMS, || Location::file(path).at_line(line).with_column("accusation"))?;
        let row = ActorRow { line, text: field(text), claim, source: field(source), target: field(target) };
        let at = |column: &str| Location::file(path).at_line(line).with_column(column);
        // As training and `predict` take a text: `NA` or `#REF!` was scored as a sentence.
        crate::input::check_text(&row.text, || at("text"))?;
        // The actor guide: spans are copied exactly, so a plain substring search finds them.
        for (column, span) in [("source", &row.source), ("target", &row.target)] {
            // The extractor's spans start and end with a word, and are compared exactly: a
            // gold span with a space around it (a spreadsheet cell typed `The minister `)
            // was in its sentence, so it was read, and counted as missed whatever was found.
            if let Some(reason) = span_space_problem(span) {
                return Err(Error::Value { location: at(column), reason });
            }
            if !span.is_empty() && !row.text.contains(span.as_str()) {
                return Err(Error::SpanNotInText { location: at(column), span: span.clone() });
            }
        }
        // Only accusations and denials are scored: the spans of a `none` row were dropped
        // without a word, so a claim mislabelled `none` left the scores as if unlabelled.
        if row.claim == "none" {
            if let Some((column, span)) =
                [("source", &row.source), ("target", &row.target)].into_iter().find(|(_, span)| !span.is_empty())
            {
                let shown = crate::input::escape_controls(span);
                return Err(Error::Value {
                    location: at(column),
                    reason: format!(
                        "gold span '{shown}' on a row labelled 'none' (a sentence that accuses or denies nothing has \
                         no source or target, and its spans would not be scored: label the row accusation or denial, \
                         or empty the cell)"
                    ),
                });
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// What is wrong with a gold span of only white space, or with white space at its start
/// or end; `None` for an empty span (no actor) or one that starts and ends with a
/// character of the sentence.
fn span_space_problem(span: &str) -> Option<String> {
    let shown = crate::input::escape_controls(span);
    if !span.is_empty() && span.trim().is_empty() {
        return Some(format!(
            "gold span '{shown}' is only white space (leave the cell empty when the sentence names no actor)"
        ));
    }
    let place = match (span.trim_start() != span, span.trim_end() != span) {
        (true, true) => "start and end",
        (true, false) => "start",
        (false, true) => "end",
        (false, false) => return None,
    };
    Some(format!(
        "gold span '{shown}' has white space at its {place} (spans are compared exactly, and a found span starts and \
         ends with a word: remove it)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actors_file_names_its_unknown_labels_and_bad_rows() {
        let f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        let path = f.path().display().to_string();
        std::fs::write(f.path(), "text,accusation,source,target\nHe lied.,accusation,He,\nx,accusaton,a,b\n").unwrap();
        assert_eq!(
            read_actor_rows(f.path()).unwrap_err().to_string(),
            format!(
                "{path}:3: column 'accusation': unknown label 'accusaton' (expected one of: accusation, denial, none)"
            )
        );
        // A label of the list in another case is named as such, not as unknown.
        std::fs::write(f.path(), "text,accusation,source,target\nHe lied.,Denial,He,\n").unwrap();
        assert_eq!(
            read_actor_rows(f.path()).unwrap_err().to_string(),
            format!(
                "{path}:2: column 'accusation': label 'Denial' differs from the expected label 'denial' only by case; \
                 make them agree"
            )
        );
        std::fs::write(f.path(), "text,accusation,source,target\nHe lied.,accusation,He\n").unwrap();
        assert_eq!(
            read_actor_rows(f.path()).unwrap_err().to_string(),
            format!("{path}:2: malformed CSV: row has 3 fields but the header has 4")
        );
        std::fs::write(f.path(), "text,accusation,source,target\r\nHe lied.,accusation,He,\r\n").unwrap();
        let rows = read_actor_rows(f.path()).unwrap();
        assert_eq!((rows[0].line, rows[0].source.as_str(), rows[0].target.as_str()), (2, "He", ""));
    }

    #[test]
    fn actors_file_refuses_empty_sentences_and_spans_not_in_them() {
        let f = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
        let path = f.path().display().to_string();
        let err = |content: &str| {
            std::fs::write(f.path(), content).unwrap();
            read_actor_rows(f.path()).unwrap_err().to_string()
        };
        let header = "text,accusation,source,target\nX accused Y.,accusation,X,Y\n";
        assert_eq!(err(&format!("{header}\"\",none,,\n")), format!("{path}:3: column 'text': empty text"));
        assert_eq!(err(&format!("{header}\"  \",denial,,\n")), format!("{path}:3: column 'text': empty text"));
        let not_in = "is not in the sentence (copy it exactly as written there: same case, same punctuation)";
        // Case counts: the guide's spans are found by a plain substring search.
        assert_eq!(
            err(&format!("{header}X accused Y.,accusation,x,\n")),
            format!("{path}:3: column 'source': gold span 'x' {not_in}")
        );
        assert_eq!(
            err(&format!("{header}Z denied it.,none,Z,Q\n")),
            format!("{path}:3: column 'target': gold span 'Q' {not_in}")
        );
    }
}
