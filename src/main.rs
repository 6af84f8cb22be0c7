//! The `stancekit` command line: train, eval, predict, inspect, report, actors and
//! corpus. Parses flags (clap), runs the command (each in a module of `cli`), and turns
//! its outcome into an exit status and an error into one line on stderr.
//! Exit status: 0 ok; 1 a requested check failed (`eval --min-accuracy`); 2 an error,
//! or `predict` rows that could not be read.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[macro_use]
mod cli;

use cli::actors::ActorsCommand;
use cli::corpus::CorpusCommand;
use cli::eval::EvalCommand;
use cli::inspect::InspectCommand;
use cli::predict::PredictCommand;
use cli::process::{handle_signals, stdout_error, stdout_writable};
use cli::report::ReportCommand;
use cli::train::TrainCommand;
use cli::Outcome;

/// mimalloc instead of the system allocator: loading and labelling make many small
/// allocations (lexicon entries, token and feature vectors), and glibc's malloc and
/// free were a third of a one-sentence run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "stancekit",
    version,
    about = "Label news sentences: cooperation, accusation, sentiment",
    max_term_width = 100
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train a model on a labelled CSV and write it to a file.
    Train(TrainCommand),
    /// Measure a model on a labelled CSV, or cross-validate training options.
    Eval(EvalCommand),
    /// Label articles, CSV or JSON Lines rows, or standard input.
    Predict(PredictCommand),
    /// Show what a model was trained on and its strongest features.
    Inspect(InspectCommand),
    /// Write a self-contained HTML reading view of an article.
    Report(ReportCommand),
    /// Score the who-accuses-whom extractor on a CSV of sentences with gold
    /// `accusation`, `source` and `target` columns.
    Actors(ActorsCommand),
    /// Rebuild labelled news sentences from span files (offsets + labels) and
    /// ../shared, checking every span's hash, and write them as a training CSV.
    Corpus(CorpusCommand),
}

fn main() -> ExitCode {
    handle_signals();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    let result = match cli.command {
        Command::Train(c) => cli::train::run(c),
        Command::Eval(c) => cli::eval::run(c),
        Command::Predict(c) => cli::predict::run(c),
        Command::Inspect(c) => cli::inspect::run(c),
        Command::Corpus(c) => cli::corpus::run(c),
        Command::Actors(c) => cli::actors::run(c),
        Command::Report(c) => cli::report::run(c),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::CheckFailed) => ExitCode::from(1),
        Ok(Outcome::RowsFailed) => ExitCode::from(2),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            diagnostic!("stancekit: error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Prints clap's help, version or usage error and exits as `Cli::parse` would, except
/// that help or version text that cannot be written is an error (clap ignores it).
fn clap_exit(error: &clap::Error) -> ExitCode {
    let printed = error.print().and_then(|()| io::stdout().flush());
    let code = ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
    if error.use_stderr() {
        // Nowhere to report a failed write to stderr.
        return code;
    }
    match stdout_writable().and(printed.map_err(stdout_error)) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            diagnostic!("stancekit: error: {e}");
            ExitCode::from(2)
        }
        _ => code,
    }
}

/// Whether `error` is a write to a pipe whose reader has gone (`| head`): standard output,
/// or an output file that is a pipe (`--out /dev/stdout | head`, a FIFO), said as the
/// file's [`stancekit::error::Error::Io`].
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        let io_error = match e.downcast_ref::<stancekit::error::Error>() {
            Some(stancekit::error::Error::Io { error, .. }) => Some(error),
            _ => e.downcast_ref::<io::Error>(),
        };
        io_error.is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
