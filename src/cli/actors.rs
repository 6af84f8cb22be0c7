//! `stancekit actors`: scores the who-accuses-whom extractor on gold spans.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use stancekit::input::escape_controls;
use stancekit::lexicon::Lexicon;
use stancekit::report::{self, Format};

use super::files::{note_terminal_input, reading_file};
use super::process::ResultsOut;
use super::Outcome;

#[derive(Args)]
pub struct ActorsCommand {
    /// CSV with columns text, accusation (accusation/denial/none), source, target.
    #[arg(long)]
    data: PathBuf,
    /// Lexicon directory (cues and reporting verbs) [default: the shipped one, datasets/lexicons, here or in the
    /// source tree]
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Also list each sentence where a span is wrong: on stderr, or with --format json
    /// as `actors_error` rows on stdout before the scores.
    #[arg(long)]
    show_errors: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(command: ActorsCommand) -> Result<Outcome> {
    use stancekit::actors::{extract_with, Claim, SpanScore};
    let path = match &command.lexicon {
        Some(path) => path.clone(),
        None => stancekit::shipped::lexicon_dir().context("no --lexicon given (give one with --lexicon)")?,
    };
    let lexicon = Lexicon::load(&path).map_err(|e| reading_file("lexicon", &path, e))?;
    let matcher = lexicon.matcher();
    note_terminal_input(std::slice::from_ref(&command.data), "text,accusation,source,target");
    let rows = stancekit::input::read_actor_rows(&command.data)?;
    let (mut source_score, mut target_score) = (SpanScore::default(), SpanScore::default());
    let mut n_scored = 0;
    let mut out = BufWriter::new(ResultsOut(io::stdout().lock()));
    let data = command.data.display().to_string();
    for row in &rows {
        let claim = match row.claim.as_str() {
            "accusation" => Claim::Accusation,
            "denial" => Claim::Denial,
            _ => continue,
        };
        n_scored += 1;
        let actors = extract_with(&row.text, claim, &lexicon, &matcher);
        let source = actors.source.map(|s| s.text).unwrap_or_default();
        let target = actors.target.map(|s| s.text).unwrap_or_default();
        source_score.add(&row.source, &source);
        target_score.add(&row.target, &target);
        if command.show_errors && (source != row.source || target != row.target) {
            match command.format {
                // A result asked for, not a diagnostic: a row of its own among the scores.
                Format::Json => report::write_span_error(&mut out, &data, row, &source, &target)?,
                // A block of three lines (not `diagnostic!`, which would write its line
                // breaks as `\n`); the file name and sentence with controls escaped.
                Format::Text => {
                    let _ = writeln!(
                        io::stderr(),
                        "{}:{}: {}\n  source: got {source:?}, gold {:?}\n  target: got {target:?}, gold {:?}",
                        escape_controls(&data),
                        row.line,
                        escape_controls(&row.text),
                        row.source,
                        row.target
                    );
                }
            }
        }
    }
    if n_scored == 0 {
        // Precision and recall of nothing would print as 0/0 and look like a result.
        let read = stancekit::error::counted(rows.len(), "row");
        let reason = format!("no row labelled accusation or denial to score ({read} read)");
        return Err(stancekit::error::Error::Data { path: command.data.clone(), reason }.into());
    }
    report::write_span_scores(&mut out, command.format, &[("source", source_score), ("target", target_score)])?;
    out.flush()?;
    Ok(Outcome::Ok)
}
