//! Progress on stderr: a bar for training and folds, and predict's count of rows, shown
//! only on a terminal (and never with `--quiet`), so piped runs stay quiet.

use std::io::{self, IsTerminal};

use indicatif::{ProgressBar, ProgressStyle};

/// `predict`'s count of rows labelled ([`rows_progress`]), once it runs.
pub static ROWS_PROGRESS: std::sync::OnceLock<ProgressBar> = std::sync::OnceLock::new();

pub fn progress(len: u64, quiet: bool, message: &str) -> ProgressBar {
    if quiet || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.to_string());
    bar
}

/// A count of the input rows labelled, with their rate, on stderr while `predict` runs:
/// shown when stderr is a terminal and the rows go elsewhere (`> out.jsonl`, a pipe),
/// since labelling a large corpus showed nothing until it ended; hidden when the rows
/// are printed on the terminal, where they show the progress themselves.
pub fn rows_progress(rows_to_terminal: bool) -> ProgressBar {
    if rows_to_terminal || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} labelled {human_pos} input rows ({rate} a second) {elapsed}")
    {
        let rate = |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            write!(w, "{}", indicatif::HumanCount(state.per_sec() as u64)).ok();
        };
        bar.set_style(style.with_key("rate", rate));
    }
    // Drawn at once, so a run shorter than a tick shows it too.
    bar.tick();
    bar.enable_steady_tick(std::time::Duration::from_millis(250));
    bar
}
