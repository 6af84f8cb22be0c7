//! The commands of the `stancekit` binary, one module each (`train`, `eval`, `predict`,
//! `inspect`, `report`, `actors`, `corpus`), and what they share: the flags of training
//! (`args`), the data files they read and the outputs they check (`files`), progress on
//! stderr (`progress`), and the process's set-up and standard output (`process`).
//! Each `run` takes its parsed command and returns an [`Outcome`] or an error for `main`.

/// Prints one diagnostic line to stderr, a control character in it (a line break in a
/// file name the user gave) written escaped, `\n`. A failed write is ignored: stderr is
/// where its error would go (`eprintln!` panics instead, e.g. with `2>/dev/full`).
macro_rules! diagnostic {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let line = ::stancekit::input::escape_controls(&format!($($arg)*));
        // Written above predict's count of rows, not into its line.
        match $crate::cli::progress::ROWS_PROGRESS.get() {
            Some(bar) => bar.suspend(|| writeln!(::std::io::stderr(), "{line}")),
            None => writeln!(::std::io::stderr(), "{line}"),
        }
        .ok();
    }};
}

/// How a command ended when it did not fail outright.
pub enum Outcome {
    Ok,
    CheckFailed,
    RowsFailed,
}

pub mod actors;
pub mod args;
pub mod corpus;
pub mod eval;
pub mod files;
pub mod inspect;
pub mod predict;
pub mod process;
pub mod progress;
pub mod report;
pub mod train;
