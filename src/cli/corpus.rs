//! `stancekit corpus`: span files (offsets + labels) and ../shared -> a training CSV,
//! every span checked against its hash.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use stancekit::report;

use super::files::{check_output, note_terminal_input, refuse_repeated, writing};
use super::Outcome;

#[derive(Args)]
pub struct CorpusCommand {
    /// Span label files (dataset, doc_id, start, end, sha256, labels..., split).
    #[arg(long, required = true, num_args = 1..)]
    spans: Vec<PathBuf>,
    /// The shared datasets directory the spans point into.
    #[arg(long, default_value = "../shared/datasets")]
    datasets: PathBuf,
    /// Keep only rows of this split; default: all.
    #[arg(long, value_parser = ["train", "dev"])]
    split: Option<String>,
    /// Output CSV (columns: id, text, then each label column).
    #[arg(long)]
    out: PathBuf,
}

pub fn run(command: CorpusCommand) -> Result<Outcome> {
    let mut inputs: Vec<(&str, &Path)> = command.spans.iter().map(|p| ("--spans", p.as_path())).collect();
    // The shared documents are inputs too: `--out` naming one (`../shared/datasets/
    // bbc_news/bbc_news.csv`) replaced the shared dataset with the corpus, exit 0.
    let documents: Vec<PathBuf> =
        stancekit::input::SPAN_SOURCES.iter().map(|(_, file, _, _)| command.datasets.join(file)).collect();
    inputs.extend(documents.iter().map(|p| ("--datasets", p.as_path())));
    check_output("--out", "CSV", &command.out, &inputs)?;
    // Every span would be two rows of the corpus (2,222 rows of 1,111 sentences).
    refuse_repeated("--spans", &command.spans, "each of its spans would be two rows of the corpus")?;
    note_terminal_input(&command.spans, "dataset,doc_id,start,end,sha256,split and a column per task");
    let (tasks, rows) = stancekit::input::read_spans(&command.spans, &command.datasets)?;
    let kept: Vec<_> = rows.iter().filter(|r| command.split.as_ref().is_none_or(|s| &r.split == s)).collect();
    stancekit::output::write_atomically(&command.out, |out| report::write_span_csv(out, &tasks, &kept))
        .map_err(|error| writing("CSV", &command.out, error))?;
    diagnostic!("stancekit: {} of {} spans rebuilt and verified -> {}", kept.len(), rows.len(), command.out.display());
    Ok(Outcome::Ok)
}
