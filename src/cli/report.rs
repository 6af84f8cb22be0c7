//! `stancekit report`: one article -> a self-contained HTML reading view.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use stancekit::input::{read_documents, InputFormat, ReadOptions};
use stancekit::predict::summarize;

use super::files::{check_output, is_stdin, writing};
use super::predict::{load_predictor, UnknownTally};
use super::Outcome;

#[derive(Args)]
pub struct ReportCommand {
    /// The article (plain text).
    article: PathBuf,
    /// Where to write the HTML page.
    #[arg(long)]
    html: PathBuf,
    /// Model file(s); default: the shipped models.
    #[arg(long)]
    model: Vec<PathBuf>,
    /// Read invalid UTF-8 with replacement characters.
    #[arg(long)]
    lossy: bool,
}

pub fn run(command: ReportCommand) -> Result<Outcome> {
    let mut inputs: Vec<(&str, &Path)> = vec![("the article", command.article.as_path())];
    inputs.extend(command.model.iter().map(|p| ("--model", p.as_path())));
    // Without --model, the shipped models are read: `--html models/sentiment.json`
    // replaced one with the page, exit 0, and every later run failed to load it. (When
    // they cannot be found, loading them says so below.)
    let shipped =
        if command.model.is_empty() { stancekit::shipped::model_paths().unwrap_or_default() } else { Vec::new() };
    inputs.extend(shipped.iter().map(|p| ("the shipped model", p.as_path())));
    check_output("--html", "HTML", &command.html, &inputs)?;
    // A table would be drawn as one article of its markup, as predict used to label it.
    if let Some(kind) = stancekit::input::TableKind::of(&command.article) {
        let reason = format!(
            "is {}, not an article (report draws the page of one article, a text file: label the rows of a table \
             with predict, or its articles with predict --articles)",
            kind.name()
        );
        return Err(stancekit::error::Error::Data { path: command.article.clone(), reason }.into());
    }
    // A folder of articles (predict reads one): it used to be 'Is a directory (os error 21)'.
    if command.article.is_dir() {
        let reason = "is a directory, not an article (report draws the page of one article, a text file: give one of \
                      its files, or label all of them with predict)";
        return Err(stancekit::error::Error::Data { path: command.article.clone(), reason: reason.into() }.into());
    }
    let predictor = load_predictor(&command.model)?;
    let tasks: Vec<(String, Vec<String>)> =
        predictor.models().iter().map(|m| (m.task.clone(), m.labels.clone())).collect();
    // `report --html r.html -` typed at a terminal waited without a word, as predict did.
    if is_stdin(&command.article) && io::stdin().is_terminal() {
        diagnostic!("stancekit: reading the article from the terminal: type or paste its text, and end with Ctrl-D");
    }
    // A web page by its name (`page.html`) or its start, else a plain-text article.
    let format = match InputFormat::Auto.resolve(&command.article) {
        InputFormat::Html => InputFormat::Html,
        _ => InputFormat::Text,
    };
    let options = ReadOptions { format, lossy: command.lossy, ..ReadOptions::default() };
    let document = read_documents(&command.article, &options)?
        .next()
        .ok_or_else(|| anyhow::anyhow!("{}: nothing to read", command.article.display()))?;
    let text = document.text?;
    // A table under another name (`<(grep ... a.csv)`, `a.csv.txt`), as predict says of it.
    if let Some((_, what)) = stancekit::input::table_in_article(&text, "text") {
        let reason = format!(
            "holds {what}, not an article (report draws the page of one article, a text file: label the rows of a \
             table with predict --input-format csv or jsonl, or its articles with predict --articles)"
        );
        return Err(stancekit::error::Error::Data { path: command.article.clone(), reason }.into());
    }
    // As `predict` says of it: a page of no sentences would look like a result, and one
    // of `NA` (R's missing text) or `#REF!` like a reading of an article.
    stancekit::input::check_text(&text, || stancekit::error::Location {
        path: document.source.clone(),
        line: document.line,
        column: None,
    })?;
    let sentences = predictor.predict_article(&text);
    let summary = summarize(&sentences, &tasks);
    let title = command.article.file_name().map_or_else(|| "article".to_string(), |n| n.to_string_lossy().into_owned());
    let page = stancekit::html::article_page(&title, &sentences, &summary);
    stancekit::output::write_atomically(&command.html, |out| out.write_all(page.as_bytes()))
        .map_err(|error| writing("HTML", &command.html, error))?;
    diagnostic!("stancekit: {} {} -> {}", summary.n_sentences, summary.sentence_noun(), command.html.display());
    // As predict says it: the page colours such sentences as if the models had read them.
    let tally = UnknownTally::default();
    tally.add(&sentences);
    if let Some(warning) = tally.warning(command.model.is_empty()) {
        diagnostic!("stancekit: warning: {warning}");
    }
    Ok(Outcome::Ok)
}
