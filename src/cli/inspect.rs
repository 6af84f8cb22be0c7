//! `stancekit inspect`: a model file -> its provenance, labels and strongest features.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use stancekit::model::ModelFile;
use stancekit::report::{self, Format};

use super::process::ResultsOut;
use super::Outcome;

#[derive(Args)]
pub struct InspectCommand {
    /// The model file.
    #[arg(long)]
    model: PathBuf,
    /// How many top features to list per class.
    #[arg(long, default_value_t = 15, allow_negative_numbers = true)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(command: InspectCommand) -> Result<Outcome> {
    let model = ModelFile::load(&command.model)?;
    let mut out = BufWriter::new(ResultsOut(io::stdout().lock()));
    report::write_inspection(&mut out, command.format, &command.model.display().to_string(), &model, command.top)?;
    out.flush()?;
    Ok(Outcome::Ok)
}
