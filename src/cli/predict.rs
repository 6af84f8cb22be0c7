//! `stancekit predict`: articles, CSV or JSON Lines rows, or stdin -> a labelled row per
//! sentence (text, JSON Lines or CSV) and a summary per article, read, labelled and
//! written in a pipeline; a row that cannot be read keeps its place as an error row.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;
use indicatif::ProgressBar;
use stancekit::input::{escape_controls, expand_inputs, read_documents, InputFormat, ReadOptions};
use stancekit::model::ModelFile;
use stancekit::predict::{summarize, Predictor, SentencePrediction};
use stancekit::report::{self, Format, RowOrigin};

use super::args::parse_column;
use super::files::is_stdin;
use super::process::ResultsOut;
use super::progress::{rows_progress, ROWS_PROGRESS};
use super::Outcome;

/// `--batch-size` when not given (README).
const DEFAULT_BATCH_SIZE: usize = 4096;

/// Largest `--batch-size`: a batch's documents are all held in memory at once, and
/// the default 4096 already keeps both cores busy.
const MAX_BATCH_SIZE: usize = 1_000_000;

fn parse_batch_size(text: &str) -> std::result::Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_BATCH_SIZE).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from 1 to {MAX_BATCH_SIZE}")),
    }
}

/// `--explain`'s N. N is optional, so `--explain article.txt` hands the file to N: the
/// message says how to write it instead.
fn parse_explain(text: &str) -> std::result::Result<usize, String> {
    // A negative N: clap took it for a flag ("unexpected argument '-1' found", with the
    // tip '-- -1', which would make it an input file).
    if text.starts_with('-') && text.parse::<f64>().is_ok() {
        return Err("not a count of features: N is 1 or more".into());
    }
    match text.parse::<usize>() {
        // `--explain 0` asked for explanations and printed none, without a word.
        Ok(0) => Err("0 features would explain nothing: N is 1 or more (leave --explain out for no explanations)".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "not a count of features (N is optional: put --explain after the inputs, or give N first: --explain 5 {text})"
        )),
    }
}

#[derive(Args)]
pub struct PredictCommand {
    /// Model file(s); default: the shipped cooperation, accusation and sentiment models.
    #[arg(long)]
    model: Vec<PathBuf>,
    /// Inputs: text articles, web pages (.html), directories of them (.txt and .html files, recursively), .csv,
    /// .jsonl, or - for standard input (one record a line).
    #[arg(default_value = "-")]
    inputs: Vec<PathBuf>,
    /// How to read the inputs.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    input_format: InputFormat,
    /// Column (CSV) or key (JSON) holding the text.
    #[arg(long, default_value = "text", value_parser = parse_column)]
    text_column: String,
    /// Column or key holding a row id [default: id, and row numbers when it is absent;
    /// a column named with this flag must exist].
    #[arg(long, value_parser = parse_column)]
    id_column: Option<String>,
    /// Read invalid UTF-8 with replacement characters instead of failing the row.
    #[arg(long)]
    lossy: bool,
    /// Treat each CSV / JSON Lines / stdin row as an article: split it into sentences
    /// and add an article summary row.
    #[arg(long)]
    articles: bool,
    /// Most documents labelled together in parallel, 1 to 1000000 (default 4096). A batch
    /// takes the documents read so far, so a line piped in alone is answered at once.
    #[arg(long, value_parser = parse_batch_size, allow_negative_numbers = true)]
    batch_size: Option<usize>,
    /// Print only the article summary rows, not the sentences.
    #[arg(long)]
    summary_only: bool,
    /// For each sentence and task, list the N features that pushed the label most [default: off;
    /// --explain alone: 5].
    #[arg(
        long,
        conflicts_with = "summary_only",
        value_name = "N",
        num_args = 0..=1,
        default_missing_value = "5",
        value_parser = parse_explain,
        allow_negative_numbers = true
    )]
    explain: Option<usize>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PredictFormat::Text)]
    format: PredictFormat,
}

/// How `predict` prints its rows: the formats of every command, and CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum PredictFormat {
    /// Text for people: tab-separated rows (`column -t -s $'\t'` aligns them), each article's summary
    /// in `#` lines after its sentences.
    Text,
    /// JSON Lines for programs: sentence rows, then a summary row for each article.
    Json,
    /// CSV for spreadsheets, R and pandas: a header, then one row per sentence with a column for every
    /// class's probability (with --summary-only, one row per article).
    Csv,
}

/// Writes the rows of each document in the format asked for.
enum RowWriter {
    /// Text or JSON Lines, as [`report::write_prediction`] writes them.
    Lines(Format),
    /// One CSV table.
    Csv(report::CsvTable),
}

impl RowWriter {
    fn sentence(&self, out: &mut Vec<u8>, origin: RowOrigin<'_>, sentence: &SentencePrediction) -> io::Result<()> {
        match self {
            RowWriter::Lines(format) => report::write_prediction(out, *format, origin, sentence),
            RowWriter::Csv(table) => table.write_sentence(out, origin, sentence),
        }
    }

    fn article(
        &self,
        out: &mut Vec<u8>,
        origin: RowOrigin<'_>,
        summary: &stancekit::predict::ArticleSummary,
        sentences: &[SentencePrediction],
    ) -> io::Result<()> {
        match self {
            RowWriter::Lines(format) => report::write_article(out, *format, origin, summary, sentences),
            RowWriter::Csv(table) => table.write_article(out, origin, summary, sentences),
        }
    }

    fn error(
        &self,
        out: &mut Vec<u8>,
        origin: RowOrigin<'_>,
        is_article: bool,
        error: &str,
        n_tasks: usize,
    ) -> io::Result<()> {
        match self {
            RowWriter::Lines(format) => {
                report::write_prediction_error(out, *format, origin, is_article, error, n_tasks)
            }
            RowWriter::Csv(table) => table.write_error(out, origin, error),
        }
    }
}

/// Loads the models given, or the shipped ones; each model's task names its output.
pub fn load_predictor(model_paths: &[PathBuf]) -> Result<Predictor> {
    let paths = if model_paths.is_empty() { stancekit::shipped::model_paths()? } else { model_paths.to_vec() };
    // Its results would be printed twice under two names.
    if let Some(path) = paths.iter().enumerate().find_map(|(i, p)| paths.iter().take(i).any(|q| q == p).then_some(p)) {
        anyhow::bail!("--model {} is given twice (give each model once)", path.display());
    }
    // Also when spelt otherwise (`./m.json`, a link): it was loaded twice, with a warning,
    // and its results printed twice, the second under its file's name.
    for (i, path) in paths.iter().enumerate() {
        if let Some(earlier) = paths.iter().take(i).find(|q| stancekit::output::same_file(q, path)) {
            anyhow::bail!(
                "--model {} and --model {} are the same file (give each model once)",
                earlier.display(),
                path.display()
            );
        }
    }
    // Parsing is most of a short run's time: the files are parsed in parallel, and a
    // featurizer the models share (the shipped ones do) only once.
    let loaded = ModelFile::load_all(&paths)?;
    if model_paths.is_empty() {
        stancekit::shipped::check_tasks(&paths, loaded.iter().map(|m| m.task.as_str()))?;
    }
    let mut models = Vec::with_capacity(paths.len());
    for (path, mut model) in paths.iter().zip(loaded) {
        let (task, taken_by) = output_name(&model.task, path, &paths, &models)?;
        if let Some(other) = taken_by {
            diagnostic!(
                "stancekit: warning: --model {} has task '{}' as --model {} does: its results are named '{task}'",
                path.display(),
                model.task,
                other.display()
            );
        }
        model.task = task;
        models.push(model);
    }
    // Tasks are unique by now (`output_name`).
    Ok(Predictor::new(models)?)
}

/// The name of a model's results in `predict` and `report` output, unique among the
/// models before it (`earlier`, loaded from the first `paths`): its task, else its file
/// stem, else its path as given, so two versions of one model can be compared
/// (`sentiment` and `v2/sentiment.json`). Also returns the earlier model's path when
/// the task was taken.
///
/// # Errors
/// When its task, stem and path are all taken, so its results could not be told apart.
fn output_name<'a>(
    task: &str,
    path: &Path,
    paths: &'a [PathBuf],
    earlier: &[ModelFile],
) -> Result<(String, Option<&'a PathBuf>)> {
    let owner = |name: &str| earlier.iter().zip(paths).find(|(m, _)| m.task == name).map(|(_, p)| p);
    // A blank task (a hand-edited file) would be a blank column name: the stem stands in.
    let blank = stancekit::text::is_blank(task);
    let taken_by = if blank { None } else { owner(task) };
    if !blank && taken_by.is_none() {
        return Ok((task.to_string(), None));
    }
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    for name in [stem, path.display().to_string()] {
        if !name.is_empty() && owner(&name).is_none() {
            return Ok((name, taken_by));
        }
    }
    let other = owner(&path.display().to_string()).or(taken_by).map_or_else(String::new, |p| p.display().to_string());
    anyhow::bail!("--model {} and --model {other} cannot be told apart in the output (rename one file)", path.display())
}

/// The documents of one predict input. An input that cannot be read at all (a listing
/// error, a missing file, a CSV without its text column) is one error document named by
/// the input, and the run goes on to the next input, as with a row that cannot be read.
/// Such an error, and a read error part way (which ends its input: the rows after it are
/// not labelled), is said on stderr as it is met, not only in its row.
fn input_documents(
    input: PathBuf,
    listing_error: Option<stancekit::error::Error>,
    options: &ReadOptions,
) -> Box<dyn Iterator<Item = stancekit::input::Document> + Send> {
    match listing_error.map_or_else(|| read_documents(&input, options), Err) {
        Ok(documents) => Box::new(documents.inspect(|document| {
            if let Err(error @ stancekit::error::Error::Io { .. }) = &document.text {
                diagnostic!("stancekit: error: {error}");
            }
        })),
        Err(error) => {
            diagnostic!("stancekit: error: {error}");
            let is_article =
                options.articles || matches!(options.format.resolve(&input), InputFormat::Text | InputFormat::Html);
            let id = stancekit::input::path_text(&input);
            let document = stancekit::input::Document { source: input, id, line: None, text: Err(error), is_article };
            Box::new(std::iter::once(document))
        }
    }
}

/// Writes the output rows of one input document; returns whether it failed to read.
fn render_document(
    out: &mut Vec<u8>,
    predictor: &Predictor,
    tasks: &[(String, Vec<String>)],
    command: &PredictCommand,
    rows: &RowWriter,
    document: &stancekit::input::Document,
    tally: &UnknownTally,
) -> io::Result<bool> {
    let source = stancekit::input::path_text(&document.source);
    let origin = RowOrigin { source: &source, id: &document.id, line: document.line };
    // A CSV cell or JSON Lines field is named by its column, as in training data
    // (`rows.csv:3: column 'text': empty text`); an article or a line has none.
    let location = || {
        let in_column = matches!(command.input_format.resolve(&document.source), InputFormat::Csv | InputFormat::Jsonl);
        let column = in_column.then(|| command.text_column.clone());
        stancekit::error::Location { path: document.source.clone(), line: document.line, column }
    };
    let text = match &document.text {
        Ok(text) => {
            stancekit::input::check_text(text, location).map_err(|error| error.to_string()).and_then(
                |()| match document.is_article {
                    // A web page in a cell or field (a crawl's HTML) is its story, as a page file is.
                    true => stancekit::input::article_text(text).map_err(|why| format!("{}: {why}", location())),
                    false => Ok(std::borrow::Cow::Borrowed(text.as_str())),
                },
            )
        }
        Err(error) => Err(error.to_string()),
    };
    let text = match text {
        Err(message) => {
            rows.error(out, origin, document.is_article, &message, tasks.len())?;
            return Ok(true);
        }
        Ok(text) => text,
    };
    let sentences =
        if document.is_article { predictor.predict_article(&text) } else { vec![predictor.predict_row(&text)] };
    if let Some(message) = non_finite_scores(document, &sentences) {
        rows.error(out, origin, document.is_article, &message, tasks.len())?;
        return Ok(true);
    }
    tally.add(&sentences);
    if !(document.is_article && command.summary_only) {
        for sentence in &sentences {
            rows.sentence(out, origin, sentence)?;
        }
    }
    if document.is_article {
        let summary = summarize(&sentences, tasks);
        rows.article(out, origin, &summary, &sentences)?;
    }
    Ok(false)
}

/// How many of the sentences labelled held nothing the models know, of how many
/// ([`stancekit::predict::unknown_text_warning`]); added to from the labelling threads.
#[derive(Default)]
pub struct UnknownTally {
    unknown: std::sync::atomic::AtomicUsize,
    total: std::sync::atomic::AtomicUsize,
}

impl UnknownTally {
    pub fn add(&self, sentences: &[stancekit::predict::SentencePrediction]) {
        use std::sync::atomic::Ordering::Relaxed;
        self.unknown.fetch_add(sentences.iter().filter(|s| s.unknown).count(), Relaxed);
        self.total.fetch_add(sentences.len(), Relaxed);
    }

    pub fn warning(&self, shipped: bool) -> Option<String> {
        use std::sync::atomic::Ordering::Relaxed;
        stancekit::predict::unknown_text_warning(self.unknown.load(Relaxed), self.total.load(Relaxed), shipped)
    }
}

/// Why a document's probabilities cannot be trusted, if one is not a number
/// ([`stancekit::predict::check_finite`]): said as an error row rather than printed as `null`.
fn non_finite_scores(
    document: &stancekit::input::Document,
    sentences: &[stancekit::predict::SentencePrediction],
) -> Option<String> {
    let location = stancekit::error::Location { path: document.source.clone(), line: document.line, column: None };
    stancekit::predict::check_finite(sentences, &location, document.is_article).err().map(|e| e.to_string())
}

/// Reads documents on one thread, labels each batch of those read (up to `max_batch`,
/// [`stancekit::input::read_in_ready_batches`]) with `label` on this one (in parallel
/// inside), and writes the rendered rows in input order on a third, so reading, labelling
/// and writing overlap. A file fills whole batches; a pipe stage that sends a line and
/// waits gets its answer at once, as the output is flushed whenever the writer has caught
/// up. Returns the rows seen and the rows that failed.
fn label_in_pipeline(
    documents: Box<dyn Iterator<Item = stancekit::input::Document> + Send>,
    max_batch: usize,
    out: &mut (dyn Write + Send),
    progress: &ProgressBar,
    label: impl Fn(&[stancekit::input::Document]) -> Vec<(Vec<u8>, bool)>,
) -> Result<(usize, usize)> {
    use std::sync::mpsc::{sync_channel, TryRecvError};
    let (rendered_sender, rendered) = sync_channel::<Vec<(Vec<u8>, bool)>>(2);
    std::thread::scope(|scope| {
        let writer = scope.spawn(move || -> io::Result<(usize, usize)> {
            let (mut n_rows, mut n_failed) = (0, 0);
            loop {
                let batch = match rendered.try_recv() {
                    Ok(batch) => batch,
                    Err(TryRecvError::Empty) => {
                        out.flush()?;
                        match rendered.recv() {
                            Ok(batch) => batch,
                            Err(_) => break,
                        }
                    }
                    Err(TryRecvError::Disconnected) => break,
                };
                for (bytes, failed) in &batch {
                    n_rows += 1;
                    n_failed += usize::from(*failed);
                    out.write_all(bytes)?;
                }
                progress.inc(batch.len() as u64);
            }
            Ok((n_rows, n_failed))
        });
        // Dropping the batches (the writer has gone: a write failed) stops the reader.
        for batch in stancekit::input::read_in_ready_batches(scope, documents, max_batch) {
            if rendered_sender.send(label(&batch)).is_err() {
                break;
            }
        }
        drop(rendered_sender);
        match writer.join() {
            Ok(result) => result.map_err(anyhow::Error::from),
            Err(_) => Err(anyhow::anyhow!("the output thread stopped unexpectedly")),
        }
    })
}

/// Refuses `--id-column` or a `--text-column` of its own when no input has columns: every
/// one is an article (a text file, a web page, a directory's articles, `--input-format text`) or
/// plain lines. The flag was ignored without a word, the ids being file names and
/// sentence numbers where the user asked for a column's. A `.json` or `.tsv` input,
/// refused with a message of its own, counts as one with columns.
fn refuse_unused_columns(command: &PredictCommand, files: &[(PathBuf, Option<stancekit::error::Error>)]) -> Result<()> {
    let has_columns = |path: &PathBuf| {
        let format = command.input_format.resolve(path);
        !matches!(format, InputFormat::Text | InputFormat::Html | InputFormat::PlainLines)
            || (command.input_format == InputFormat::Auto && stancekit::input::TableKind::of(path).is_some())
    };
    if files.iter().any(|(path, _)| has_columns(path)) {
        return Ok(());
    }
    let given = [
        ("--id-column", command.id_column.as_deref()),
        ("--text-column", Some(command.text_column.as_str()).filter(|column| *column != "text")),
    ];
    let Some((flag, column)) = given.into_iter().find_map(|(flag, column)| column.map(|c| (flag, c))) else {
        return Ok(());
    };
    let inputs = if files.iter().all(|(path, _)| command.input_format.resolve(path) == InputFormat::PlainLines) {
        "the inputs are plain lines (--input-format plain-lines), which have no columns"
    } else {
        "the inputs are articles (plain text), which have no columns"
    };
    let reason = format!(
        "'{}': {inputs}, so it would name nothing (ids are file names and sentence or line numbers; a table is read \
         as CSV from a .csv file or --input-format csv, as JSON Lines from a .jsonl file or --input-format jsonl)",
        escape_controls(column)
    );
    Err(stancekit::error::Error::InvalidParams { name: flag.into(), reason }.into())
}

/// Refuses what one CSV table cannot hold: with --summary-only its rows are articles, so
/// rows of a CSV, JSON Lines or stdin input read as sentences (without --articles, the
/// `rows_input`) have no place in it. (Without --summary-only its rows are sentences, and
/// the articles' summaries are left out: they are the table of --summary-only.)
fn csv_table_fits(command: &PredictCommand, rows_input: Option<&PathBuf>) -> Result<()> {
    if let (true, Some(input)) = (command.summary_only, rows_input) {
        let reason = format!(
            "the rows of {} are not articles, and a CSV table of --summary-only holds one row per article (give \
             --articles to read each row as an article, or leave --summary-only out for a row per sentence)",
            input.display()
        );
        return Err(stancekit::error::Error::InvalidParams { name: "--summary-only".into(), reason }.into());
    }
    Ok(())
}

pub fn run(command: PredictCommand) -> Result<Outcome> {
    // Each row's id would be its whole text (an article of megabytes, in every summary),
    // as `train` refuses the text column as the label column.
    if command.id_column.as_deref() == Some(command.text_column.as_str()) {
        let reason = format!(
            "'{}' is also the text column, so each row's id would be its whole text (choose the id column with \
             --id-column and the text with --text-column, or leave --id-column out to number the rows)",
            command.text_column
        );
        return Err(stancekit::error::Error::InvalidParams { name: "--id-column".into(), reason }.into());
    }
    let predictor = load_predictor(&command.model)?.with_explanations(command.explain.unwrap_or(0));
    let tasks: Vec<(String, Vec<String>)> =
        predictor.models().iter().map(|m| (m.task.clone(), m.labels.clone())).collect();
    let task_names: Vec<String> = tasks.iter().map(|t| t.0.clone()).collect();
    let options = ReadOptions {
        format: command.input_format,
        text_column: command.text_column.clone(),
        id_column: command.id_column.clone().unwrap_or_else(|| ReadOptions::default().id_column),
        require_id_column: command.id_column.is_some(),
        lossy: command.lossy,
        articles: command.articles,
    };
    let inputs = expand_inputs(&command.inputs);
    if inputs.files.is_empty() {
        anyhow::bail!("nothing to read: {}", inputs.warnings.join("; "));
    }
    if let Some(stdout) = stancekit::output::standard_output_file() {
        if let Some((path, _)) =
            inputs.files.iter().find(|(path, _)| stancekit::output::is_standard_output(&stdout, path))
        {
            let name = if is_stdin(path) { "-: standard input".into() } else { path.display().to_string() };
            anyhow::bail!(
                "{name} is the file standard output writes to, so the rows written would be read back as input (send \
                 the output to a file that is not among the inputs)"
            );
        }
    }
    refuse_unused_columns(&command, &inputs.files)?;
    for warning in &inputs.warnings {
        diagnostic!("stancekit: warning: {warning}");
    }
    // Standard input at a terminal (`stancekit predict` typed without a file): said, as
    // the header alone and a wait for input looked like a hang.
    if io::stdin().is_terminal() && inputs.files.iter().any(|(path, _)| is_stdin(path)) {
        diagnostic!(
            "stancekit: reading standard input from the terminal: type or paste texts, one a line, and end with \
             Ctrl-D (or give the files to label: stancekit predict FILE...)"
        );
    }
    let stdout = ResultsOut(io::stdout());
    let interactive = stdout.0.is_terminal();
    // Unlocked handles: the rows are written from the pipeline's output thread.
    let mut out: Box<dyn Write + Send> =
        if interactive { Box::new(stdout) } else { Box::new(BufWriter::with_capacity(1 << 16, stdout)) };
    // --summary-only drops the sentence rows of articles only: the rows of a CSV, JSON
    // Lines or stdin input without --articles are still printed, under their header
    // (they used to come without it, so a table reader took the first row for it).
    let rows_input = inputs
        .files
        .iter()
        .map(|(p, _)| p)
        .find(|p| !matches!(options.format.resolve(p), InputFormat::Text | InputFormat::Html));
    let rows_input = rows_input.filter(|_| !command.articles);
    if let (true, Some(input), false) = (command.summary_only, rows_input, command.format == PredictFormat::Csv) {
        diagnostic!(
            "stancekit: warning: --summary-only: the rows of {} are not articles, so each is printed as a sentence \
             row (give --articles to read each row as an article and print its summary)",
            input.display()
        );
    }
    let rows = match command.format {
        PredictFormat::Text => RowWriter::Lines(Format::Text),
        PredictFormat::Json => RowWriter::Lines(Format::Json),
        PredictFormat::Csv => {
            csv_table_fits(&command, rows_input)?;
            let table = report::CsvTable::new(&tasks, command.explain.is_some(), command.summary_only);
            // A task named as a column of the table (`source`, `error`: the label column
            // of the training data) gave the table that column twice, exit 0.
            if let Some((column, index)) = table.repeated_column() {
                let (task, model) = (tasks.get(index).map_or("", |t| t.0.as_str()), command.model.get(index));
                let model =
                    model.map_or_else(|| format!("the model of task '{task}'"), |p| format!("--model {}", p.display()));
                let reason = format!(
                    "{model} would give the table a second column '{column}' (a model's columns are named \
                     after its task, '{task}'; give --format json, whose rows hold each model's results under its \
                     task, or train the model with another --task)"
                );
                return Err(stancekit::error::Error::InvalidParams { name: "--format csv".into(), reason }.into());
            }
            RowWriter::Csv(table)
        }
    };
    match &rows {
        RowWriter::Lines(Format::Text) if !command.summary_only || rows_input.is_some() => {
            report::write_prediction_header(&mut out, &task_names)?
        }
        RowWriter::Csv(table) => table.write_header(&mut out)?,
        RowWriter::Lines(_) => {}
    }
    let tally = UnknownTally::default();
    let render = |document: &stancekit::input::Document| -> (Vec<u8>, bool) {
        let mut buffer = Vec::with_capacity(256);
        let failed =
            render_document(&mut buffer, &predictor, &tasks, &command, &rows, document, &tally).unwrap_or(true);
        (buffer, failed)
    };
    // Every input's documents in one stream, each input opened when the one before has
    // been read: the files of a directory share batches, so a thousand short articles
    // are labelled on both cores instead of one pipeline a file.
    let max_batch = command.batch_size.unwrap_or(DEFAULT_BATCH_SIZE);
    let documents = inputs
        .files
        .into_iter()
        .flat_map(move |(input, listing_error)| input_documents(input, listing_error, &options));
    let progress = ROWS_PROGRESS.get_or_init(|| rows_progress(interactive));
    let labelled = label_in_pipeline(Box::new(documents), max_batch, &mut out, progress, |batch| {
        if batch.len() == 1 {
            batch.iter().map(render).collect()
        } else {
            use rayon::prelude::*;
            batch.par_iter().map(render).collect()
        }
    });
    progress.finish_and_clear();
    let (n_rows, n_failed) = labelled?;
    out.flush()?;
    // The process ends here: its memory goes back whole, so the models' ~100,000
    // allocations are not freed one by one (a few ms of every short run).
    std::mem::forget(predictor);
    if let Some(warning) = tally.warning(command.model.is_empty()) {
        diagnostic!("stancekit: warning: {warning}");
    }
    if n_failed > 0 {
        diagnostic!("stancekit: {n_failed} of {n_rows} input rows could not be read (see their 'error' field)");
        return Ok(Outcome::RowsFailed);
    }
    Ok(Outcome::Ok)
}
