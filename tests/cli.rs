//! The command line end to end: stdout, stderr and exit codes of train, eval, predict
//! and inspect, on real data from ../shared and on broken inputs.

mod util;

use serde::Deserialize;
use stancekit::model::VERSION;
use std::collections::BTreeMap;
use util::*;

/// One `predict --format json` row; unknown fields fail the test, so the schema is pinned.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct SentenceRow {
    r#type: String,
    schema: u32,
    source: String,
    id: String,
    line: Option<u64>,
    sentence: Option<usize>,
    start: Option<usize>,
    end: Option<usize>,
    text: Option<String>,
    predictions: Option<BTreeMap<String, TaskResult>>,
    actors: Option<serde_json::Value>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskResult {
    label: String,
    probabilities: BTreeMap<String, f64>,
    explanation: Option<Vec<serde_json::Value>>,
}

fn rows(stdout: &str) -> Vec<SentenceRow> {
    stdout
        .lines()
        .filter(|l| !l.contains("\"type\":\"article\""))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn trained_model(dir: &std::path::Path) -> std::path::PathBuf {
    let data = mr_sample(dir, 400);
    let model = dir.join("mr.json");
    let r = run_in(dir, &["train", "--data", data.to_str().unwrap(), "--out", "mr.json", "--quiet"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    model
}

#[test]
fn train_then_predict_csv_gives_one_row_per_input_with_probabilities() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let input = write(
        dir.path(),
        "in.csv",
        b"id,text\na1,\"a dull , tedious and boring mess\"\na2,\"a warm , funny and moving film\"\n",
    );
    let r = run(&["predict", "--model", model.to_str().unwrap(), "--format", "json", input.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows = rows(&r.stdout);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].id, "a1");
    let p0 = &rows[0].predictions.as_ref().unwrap()["label"];
    let p1 = &rows[1].predictions.as_ref().unwrap()["label"];
    assert_eq!(p0.label, "negative");
    assert_eq!(p1.label, "positive");
    for p in [p0, p1] {
        let sum: f64 = p.probabilities.values().sum();
        assert!((sum - 1.0).abs() < 1e-5, "{sum}");
        assert_eq!(p.probabilities.keys().collect::<Vec<_>>(), ["negative", "positive"]);
    }
}

#[test]
fn predict_article_splits_sentences_with_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let text = "Mr. Smith saw the film on Jan. 5. It was dull and boring.\n\nA great, funny ride!";
    let article = write(dir.path(), "article.txt", text.as_bytes());
    let r = run(&["predict", "--model", model.to_str().unwrap(), "--format", "json", article.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows = rows(&r.stdout);
    let spans: Vec<&str> = rows.iter().map(|r| &text[r.start.unwrap()..r.end.unwrap()]).collect();
    assert_eq!(spans, ["Mr. Smith saw the film on Jan. 5.", "It was dull and boring.", "A great, funny ride!"]);
    assert_eq!(rows.iter().map(|r| r.sentence.unwrap()).collect::<Vec<_>>(), [0, 1, 2]);
}

/// A saved web page is read as the article a reader sees: its story's headline and
/// paragraphs, one sentence each where a block ends without a full stop, without its
/// scripts, menus, asides or footers; by its name (`.html`), by its start when its name
/// does not say (`page`), and from standard input with `--input-format html`. A page
/// with nothing to read is one error row naming it. `start` and `end` are offsets in
/// that text, which the sentences tile in order.
#[test]
fn predict_reads_a_web_page_as_its_story() {
    let dir = tempfile::tempdir().unwrap();
    let page = r#"<!DOCTYPE html>
<html><head><title>Site</title><script>var x = "<p>Script text.</p>";</script></head>
<body><header><a href="/">Example News</a><nav><a href="/w">World</a> | <a href="/b">Business</a></nav></header>
<article><header><h1>Truce talks stall in Geneva</h1></header>
<p>The ministers met on Monday
   and agreed to keep talking.</p>
<p>Russia accused Ukraine of shelling the plant; Kyiv&#39;s officials <b>denied</b> the claim.</p>
<aside>Read more: markets rally</aside><footer>Share this story</footer></article>
<footer>Copyright 2026</footer></body></html>
"#;
    let expected = [
        "Truce talks stall in Geneva",
        "The ministers met on Monday and agreed to keep talking.",
        "Russia accused Ukraine of shelling the plant; Kyiv's officials denied the claim.",
    ];
    let html = write(dir.path(), "page.html", page.as_bytes());
    let unnamed = write(dir.path(), "page", page.as_bytes());
    for input in [&html, &unnamed] {
        let r = run(&["predict", "--format", "json", input.to_str().unwrap()]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let rows = rows(&r.stdout);
        let texts: Vec<&str> = rows.iter().map(|row| row.text.as_deref().unwrap()).collect();
        assert_eq!(texts, expected, "{}", input.display());
        // Offsets in the page's text: the first sentence starts it, each starts after the last.
        assert_eq!(rows[0].start, Some(0));
        assert_eq!(rows[0].end, Some(expected[0].len()));
        assert!(rows.windows(2).all(|pair| pair[0].end.unwrap() < pair[1].start.unwrap()));
    }
    let r = run_with_stdin(&["predict", "--format", "json", "--input-format", "html", "-"], page.as_bytes());
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(rows(&r.stdout).iter().map(|row| row.text.clone().unwrap()).collect::<Vec<_>>(), expected);

    // `report` reads the page as predict does: its story, not its markup or menus.
    let out = dir.path().join("view.html");
    let r = run(&["report", html.to_str().unwrap(), "--html", out.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let view = std::fs::read_to_string(&out).unwrap();
    assert!(view.contains("Truce talks stall in Geneva") && view.contains("Kyiv&#39;s officials"), "{view}");
    assert!(!view.contains("Example News") && !view.contains("Script text") && !view.contains("&lt;p&gt;"), "{view}");

    let scripted = write(
        dir.path(),
        "app.html",
        b"<!doctype html><html><body><div id=app></div><script>draw()</script></body></html>",
    );
    let r = run(&["predict", "--format", "json", scripted.to_str().unwrap(), html.to_str().unwrap()]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // The empty page's error row (an article's), then the page's three sentences and its summary.
    assert_eq!(lines.len(), 5, "{}", r.stdout);
    assert_eq!(lines[0]["type"], "article");
    assert_eq!(lines[4]["type"], "article");
    let error = lines[0]["error"].as_str().unwrap();
    assert!(error.starts_with(&format!("{}: is a web page with no text to read", scripted.display())), "{error}");
    assert!(error.contains("save the page from the browser"), "{error}");
}

/// With `--articles`, a row holding a web page (a crawl's HTML in a CSV cell) is the
/// text of its story, as a page file is; one with nothing to read is its error row,
/// named by its line and column; a row of plain text is read as it is.
#[test]
fn an_article_row_holding_a_web_page_is_its_story() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,text\n\
               a,\"<!doctype html><html><body><nav>World</nav><p>Talks resumed.</p><p>Aid arrived.</p></body></html>\"\n\
               b,<!doctype html><html><body><script>draw()</script></body></html>\n\
               c,The <p> tag opens a paragraph.\n";
    let rows_csv = write(dir.path(), "rows.csv", csv.as_bytes());
    let r = run(&["predict", "--articles", "--format", "json", rows_csv.to_str().unwrap()]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let sentences: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["type"] == "sentence")
        .map(|l| (l["id"].as_str().unwrap(), l["text"].as_str().unwrap()))
        .collect();
    assert_eq!(sentences, [("a", "Talks resumed."), ("a", "Aid arrived."), ("c", "The <p> tag opens a paragraph.")]);
    let error = lines.iter().find_map(|l| l["error"].as_str()).unwrap();
    let expected = format!("{}:3: column 'text': is a web page with no text to read", rows_csv.display());
    assert!(error.starts_with(&expected), "{error}");
}

/// A web page in the encoding its `<meta charset>` declares (windows-1252, as old news
/// sites serve them) is read in it; without the declaration, such bytes are invalid
/// UTF-8, refused as before; bytes the declared encoding lacks are refused naming it.
#[test]
fn a_web_page_is_read_in_the_encoding_it_declares() {
    let dir = tempfile::tempdir().unwrap();
    let body = b"<body><p>Caf\xe9 owners \x93welcomed\x94 the deal.</p></body></html>";
    let declared = [b"<html><head><meta charset=\"windows-1252\"></head>".as_slice(), body].concat();
    let page = write(dir.path(), "cp1252.html", &declared);
    let r = run(&["predict", "--format", "json", page.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let texts: Vec<String> = rows(&r.stdout).into_iter().map(|row| row.text.unwrap()).collect();
    assert_eq!(texts, ["Caf\u{e9} owners \u{201c}welcomed\u{201d} the deal."]);

    let undeclared = write(dir.path(), "plain.html", &[b"<html><head></head>".as_slice(), body].concat());
    let r = run(&["predict", "--format", "json", undeclared.to_str().unwrap()]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stdout.contains("invalid UTF-8"), "{}", r.stdout);

    // Shift_JIS lacks the lone lead byte 0x81 before a quote mark.
    let wrong = [b"<html><meta charset=\"shift_jis\"><p>Talks \x81\" resumed.</p></html>".as_slice()].concat();
    let wrong = write(dir.path(), "sjis.html", &wrong);
    let r = run(&["predict", "--format", "json", wrong.to_str().unwrap()]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(
        r.stdout.contains("declares its encoding as Shift_JIS, but holds bytes that are not Shift_JIS (give --lossy"),
        "{}",
        r.stdout
    );
}

/// A directory is read for its web pages as for its texts, but not for the folder a
/// browser saves beside a page (`page_files/`, whose frames are pages of ads).
#[test]
fn a_directory_gives_its_web_pages_but_not_what_a_browser_saved_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("page_files")).unwrap();
    write(&corpus, "a.txt", b"The ministers met on Monday.");
    write(&corpus, "page.html", b"<!doctype html><html><body><p>Talks resumed in Geneva.</p></body></html>");
    write(&corpus, "old.HTM", b"<html><body><p>Aid arrived.</p></body></html>");
    write(&corpus, "strict.xhtml", b"<html><body><p>Trade resumed.</p></body></html>");
    write(&corpus.join("page_files"), "ad.html", b"<html><body><p>Buy now.</p></body></html>");
    let r = run_in(dir.path(), &["predict", "--format", "json", "corpus"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let texts: Vec<(String, String)> = rows(&r.stdout).into_iter().map(|row| (row.source, row.text.unwrap())).collect();
    let expected = [
        ("corpus/a.txt", "The ministers met on Monday."),
        ("corpus/old.HTM", "Aid arrived."),
        ("corpus/page.html", "Talks resumed in Geneva."),
        ("corpus/strict.xhtml", "Trade resumed."),
    ];
    assert_eq!(texts, expected.map(|(source, text)| (source.to_string(), text.to_string())));
    assert_eq!(
        r.stderr,
        "stancekit: warning: corpus/page_files: skipped, the files a browser saved with the page corpus/page.html \
         (name one on its own to read it)\n"
    );
}

/// The shipped models are English: an article in another language is labelled (one row
/// a sentence, exit 0) and said to be text they do not know, while English news is not.
#[test]
fn text_the_shipped_models_do_not_know_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let chinese = "外交部周二表示，双方取得了一些进展。美国指责俄罗斯轰炸了车队！俄方否认参与其中？\n";
    let article = write(dir.path(), "zh.txt", chinese.as_bytes());
    let r = run(&["predict", "--format", "json", article.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(rows(&r.stdout).len(), 3);
    assert!(
        r.stderr.contains("warning: 3 of 3 sentences hold no word or cue the models know (text in another language? the shipped models know English news)"),
        "{}",
        r.stderr
    );
    let seed = shared().join("seed/article.txt");
    let r = run(&["predict", seed.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

/// The records of a CSV output, header first, read by the csv crate as any reader would.
fn csv_records(stdout: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(stdout.as_bytes())
        .records()
        .map(|record| record.unwrap().iter().map(String::from).collect())
        .collect()
}

/// `predict --format csv`: one table, a row per sentence with a column for every class's
/// probability, holding what the JSON rows hold; a text with a comma, a quote and a line
/// break comes back whole from a CSV reader; a row that cannot be read keeps its place,
/// its error in the last column.
#[test]
fn predict_csv_is_one_table_of_the_json_rows() {
    let dir = tempfile::tempdir().unwrap();
    let article = "The ministry denied the claims. \"We did nothing wrong,\" it said, adding:\nTalks resume on Monday.";
    let path = write(dir.path(), "a.txt", article.as_bytes());
    let path = path.to_str().unwrap();
    let json = run(&["predict", "--format", "json", path]);
    let csv = run(&["predict", "--format", "csv", path]);
    assert_eq!((json.status, csv.status), (0, 0), "{}{}", json.stderr, csv.stderr);
    let json_rows = rows(&json.stdout);
    let records = csv_records(&csv.stdout);
    let header = &records[0];
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}: {header:?}"));
    assert_eq!(header[..7], ["source", "id", "line", "sentence", "start", "end", "text"]);
    assert_eq!(header.last().map(String::as_str), Some("error"));
    assert_eq!(records.len() - 1, json_rows.len(), "{}", csv.stdout);
    for (record, row) in records[1..].iter().zip(&json_rows) {
        assert_eq!(record.len(), header.len());
        assert_eq!(record[column("text")], *row.text.as_ref().unwrap());
        assert_eq!(record[column("start")], row.start.unwrap().to_string());
        for (task, result) in row.predictions.as_ref().unwrap() {
            assert_eq!(record[column(task)], result.label);
            let mut sum = 0.0;
            for (label, p) in &result.probabilities {
                let cell: f64 = record[column(&format!("{task}_p_{label}"))].parse().unwrap();
                assert_eq!(cell, *p, "{task} {label}");
                sum += cell;
            }
            assert!((sum - 1.0).abs() < 1e-5, "{task}: {sum}");
        }
        let source = row.actors.as_ref().and_then(|a| a["source"]["text"].as_str()).unwrap_or("");
        assert_eq!(record[column("accuser")], source);
        assert_eq!(record[column("error")], "");
    }
    // The second sentence holds quotes, a comma and a line break: read back whole.
    assert!(records[2][column("text")].contains("\"We did nothing wrong,\" it said, adding:\nTalks"), "{records:?}");
    assert_eq!(records[1][column("accusation")], "denial");
    assert_eq!(records[1][column("accuser")], "The ministry");

    // A row that cannot be read: its place kept, every cell but where it came from empty.
    let input = write(dir.path(), "in.csv", b"id,text\n1,Talks resumed.\n2,\n");
    let r = run(&["predict", "--format", "csv", "--model", "models/sentiment.json", input.to_str().unwrap()]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let records = csv_records(&r.stdout);
    assert_eq!(records.len(), 3, "{}", r.stdout);
    let bad = &records[2];
    assert_eq!(bad.len(), records[0].len());
    assert_eq!(bad[..3], [input.to_str().unwrap(), "2", "3"]);
    assert!(bad[3..bad.len() - 1].iter().all(String::is_empty), "{bad:?}");
    assert!(bad.last().unwrap().ends_with("in.csv:3: column 'text': empty text"), "{bad:?}");
}

/// `predict --format csv --summary-only`: a row per article, its label counts adding up to
/// its sentences; rows read as sentences have no place in that table and are refused.
#[test]
fn predict_csv_summary_only_is_a_table_of_articles() {
    let dir = tempfile::tempdir().unwrap();
    let first = write(dir.path(), "a.txt", b"The ministry denied the claims. Talks resume on Monday.");
    let second = write(dir.path(), "b.txt", b"Both sides praised the deal.");
    let r = run(&["predict", "--format", "csv", "--summary-only", first.to_str().unwrap(), second.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let records = csv_records(&r.stdout);
    assert_eq!(records.len(), 3, "{}", r.stdout);
    let header = &records[0];
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name}: {header:?}"));
    for (record, n) in records[1..].iter().zip([2, 1]) {
        assert_eq!(record[column("sentences")], n.to_string());
        for task in ["cooperation", "accusation", "sentiment"] {
            let counted: usize = header
                .iter()
                .zip(record)
                .filter(|(h, _)| h.starts_with(&format!("{task}_n_")))
                .map(|(_, cell)| cell.parse::<usize>().unwrap())
                .sum();
            assert_eq!(counted, n, "{task}: {record:?}");
        }
    }
    assert_eq!(records[1][column("top_denial")], "The ministry denied the claims.");
    assert_eq!(records[1][column("accusation_n_denial")], "1");

    let input = write(dir.path(), "rows.csv", b"id,text\n1,Talks resumed.\n");
    let r = run(&["predict", "--format", "csv", "--summary-only", input.to_str().unwrap()]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("are not articles, and a CSV table of --summary-only holds one row per article (give --articles"),
        "{}",
        r.stderr
    );
    let r = run(&["predict", "--format", "csv", "--summary-only", "--articles", input.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(csv_records(&r.stdout).len(), 2, "{}", r.stdout);
}

#[test]
fn predict_keeps_bad_rows_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let input = write(dir.path(), "in.csv", b"id,text\n1,fine film\n2,\n3,bad \xFF bytes\n4,a,b\n5,good\n");
    let r = run(&["predict", "--model", model.to_str().unwrap(), "--format", "json", input.to_str().unwrap()]);
    assert_eq!(r.status, 2);
    let rows = rows(&r.stdout);
    assert_eq!(rows.len(), 5, "one output row per input row");
    assert!(rows[0].error.is_none() && rows[4].error.is_none());
    assert!(rows[1].error.as_deref().unwrap().contains("in.csv:3: column 'text': empty text"), "{:?}", rows[1].error);
    assert!(
        rows[2].error.as_deref().unwrap().contains("in.csv:4: column 'text': invalid UTF-8 at byte offset"),
        "{:?}",
        rows[2].error
    );
    assert!(rows[3]
        .error
        .as_deref()
        .unwrap()
        .contains("in.csv:5: malformed CSV: row has 3 fields but the header has 2"));
    assert!(r.stderr.contains("3 of 5 input rows could not be read"), "{}", r.stderr);
}

#[test]
fn stdin_lines_give_one_line_each_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let input = b"a boring film\n{\"id\": \"x\", \"text\": \"a lovely film\"}\n{broken json\nplain again\n";
    let r = run_with_stdin(&["predict", "--model", model.to_str().unwrap(), "--format", "json", "-"], input);
    let rows = rows(&r.stdout);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1].id, "x");
    assert_eq!(rows[2].line, Some(3));
    assert!(
        rows[2].error.as_deref().unwrap().starts_with("-:3: malformed JSON: key must be a string at column 2"),
        "{:?}",
        rows[2].error
    );
    assert_eq!(rows[3].text.as_deref(), Some("plain again"));
    assert_eq!(r.status, 2);
}

#[test]
fn plain_lines_read_a_line_starting_with_a_brace_as_text() {
    // Under `lines` (stdin's default) a line starting with `{` is a JSON record, so a
    // post that opens with a brace is an error row that says how to read it as text.
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let model = model.to_str().unwrap();
    let input = b"{Update} a lovely film\n{\"text\": \"a dull mess\"}\n";
    let r = run_with_stdin(&["predict", "--model", model, "--format", "json", "-"], input);
    let guessed = rows(&r.stdout);
    assert_eq!(guessed.len(), 2);
    let error = guessed[0].error.as_deref().unwrap();
    assert!(error.ends_with("if the lines are plain text, give --input-format plain-lines)"), "{error}");
    assert_eq!(guessed[1].text.as_deref(), Some("a dull mess"));
    // A line that is JSON, only not a record with a text, is no text opening with a brace:
    // its error says what is wrong with the record, without the plain-lines hint.
    let r =
        run_with_stdin(&["predict", "--model", model, "--format", "json", "-"], b"{\"text\": 5}\n{\"txt\": \"a\"}\n");
    let errors: Vec<String> = rows(&r.stdout).into_iter().map(|row| row.error.unwrap()).collect();
    assert_eq!(
        errors,
        [
            "-:1: malformed JSON: field 'text' is a number, not a string",
            "-:2: malformed JSON: no field 'text' (fields found: 'txt'; set it with --text-column)"
        ]
    );
    let r =
        run_with_stdin(&["predict", "--model", model, "--format", "json", "--input-format", "plain-lines", "-"], input);
    let texts: Vec<Option<String>> = rows(&r.stdout).into_iter().map(|row| row.text).collect();
    assert_eq!(texts, [Some("{Update} a lovely film".to_string()), Some("{\"text\": \"a dull mess\"}".to_string())]);
    assert_eq!(r.status, 0);
}

#[test]
fn a_piped_line_is_answered_before_the_next_is_sent() {
    // A pipe stage that sends one line and waits for its row: stdin is labelled in
    // batches of what has been read, so a batch must not wait for more lines to come.
    use std::io::{BufRead, Write};
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(["predict", "--model", model.to_str().unwrap(), "--format", "json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (row_sender, rows_read) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            row_sender.send(line).ok();
        }
    });
    for text in ["a boring film", "a lovely film", "a dull mess"] {
        writeln!(stdin, "{text}").unwrap();
        stdin.flush().unwrap();
        let row = rows_read.recv_timeout(std::time::Duration::from_secs(30));
        let row: SentenceRow = serde_json::from_str(&row.expect("the row comes while stdin is still open")).unwrap();
        assert_eq!(row.text.as_deref(), Some(text));
    }
    drop(stdin);
    assert!(child.wait().unwrap().success());
    reader.join().unwrap();
}

#[test]
fn eval_with_model_reports_metrics_and_rejects_unknown_labels() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let test = write(dir.path(), "test.csv", b"text,label\na dull mess,negative\na lovely film,positive\n");
    let r = run(&["eval", "--model", model.to_str().unwrap(), "--data", test.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let metrics: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(metrics["type"], "metrics");
    assert_eq!(metrics["n"], 2);
    let bad = write(dir.path(), "bad.csv", b"text,label\nx,negative\ny,neutral\n");
    let r = run(&["eval", "--model", model.to_str().unwrap(), "--data", bad.to_str().unwrap()]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("bad.csv:3: column 'label': unknown label 'neutral' (expected one of: negative, positive)"),
        "{}",
        r.stderr
    );
}

#[test]
fn eval_with_test_data_equals_train_then_eval_and_names_the_bad_test_file() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let data = dir.path().join("mr_sample.csv");
    let test = write(
        dir.path(),
        "test.csv",
        b"text,label\na dull mess,negative\na lovely film,positive\nwarm and funny,positive\nit drags on,negative\n",
    );
    let (model, data, test) = (model.to_str().unwrap(), data.to_str().unwrap(), test.to_str().unwrap());
    let two_steps = run(&["eval", "--model", model, "--data", test, "--format", "json"]);
    // Both calibrate with 5 folds unless told otherwise.
    let one_step = run(&["eval", "--data", data, "--test-data", test, "--format", "json", "--quiet"]);
    assert_eq!(one_step.status, 0, "{}", one_step.stderr);
    assert_eq!(one_step.stdout, two_steps.stdout, "the same model, so the same metrics and confusion matrix");
    let metrics: serde_json::Value = serde_json::from_str(one_step.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(metrics["n"], 4);
    // Several test files: an unknown label is reported in the file it is in.
    let bad = write(dir.path(), "bad.csv", b"text,label\nx,negative\ny,neutral\n");
    let r = run(&["eval", "--data", data, "--test-data", test, bad.to_str().unwrap(), "--quiet"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("bad.csv:3: column 'label': unknown label 'neutral'"), "{}", r.stderr);
    let r = run(&["eval", "--data", data, "--test-data", test, "--folds", "3"]);
    assert_eq!(r.status, 2, "--test-data and --folds are two different evaluations");
    // A test file with a header and no rows is an error, not accuracy 0.
    let empty = write(dir.path(), "empty.csv", b"text,label\n");
    let empty = empty.to_str().unwrap();
    for r in [
        run(&["eval", "--model", model, "--data", empty]),
        run(&["eval", "--data", data, "--test-data", empty, "--quiet"]),
    ] {
        assert_eq!(r.status, 2, "{}", r.stdout);
        assert!(r.stderr.contains("empty.csv: no labelled rows to test"), "{}", r.stderr);
        assert!(r.stdout.is_empty(), "no metrics printed: {}", r.stdout);
    }
}

/// `train`'s closing line counts its features in English: `1 feature` (hunt 23's
/// leftover: a one-feature model said `1 features`).
#[test]
fn train_says_one_feature_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let data = mr_sample(dir.path(), 20);
    let out = dir.path().join("m.json");
    let args = ["train", "--data", data.to_str().unwrap(), "--out", out.to_str().unwrap(), "--max-features"];
    let r = run(&[&args[..], &["1"]].concat());
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("(2 labels, 1 feature, training accuracy"), "{}", r.stderr);
    let r = run(&[&args[..], &["2"]].concat());
    assert!(r.stderr.contains("(2 labels, 2 features, training accuracy"), "{}", r.stderr);
}

#[test]
fn eval_min_accuracy_exits_1_when_missed() {
    let dir = tempfile::tempdir().unwrap();
    let data = mr_sample(dir.path(), 100);
    let r = run(&["eval", "--data", data.to_str().unwrap(), "--folds", "3", "--min-accuracy", "0.999", "--quiet"]);
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(r.stdout.contains("3 folds: accuracy"));
}

/// The probability scores say whose probabilities they are: `eval --folds` leaves its
/// fold models uncalibrated by default, and their ECE read as that of the model `train`
/// writes, which calibrates (bbc_news by category, 10 folds: ECE 0.126 without a word).
#[test]
fn eval_says_when_its_probability_scores_are_of_uncalibrated_models() {
    let dir = tempfile::tempdir().unwrap();
    let data = mr_sample(dir.path(), 100);
    let data = data.to_str().unwrap();
    let note = "(of fold models left uncalibrated, eval --folds' default: --calibration-folds 5 scores calibrated ones";
    let r = run(&["eval", "--data", data, "--folds", "3", "--quiet"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("ECE ") && r.stdout.contains(note), "{}", r.stdout);
    let r = run(&["eval", "--data", data, "--folds", "3", "--calibration-folds", "5", "--quiet"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("ECE ") && !r.stdout.contains("uncalibrated"), "{}", r.stdout);
    let calibrated = |args: &[&str]| -> bool {
        let r = run(args);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let metrics: serde_json::Value = r
            .stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .find(|v: &serde_json::Value| v["type"] == "metrics")
            .unwrap();
        metrics["calibrated"].as_bool().unwrap()
    };
    assert!(!calibrated(&["eval", "--data", data, "--folds", "3", "--format", "json", "--quiet"]));
    assert!(calibrated(&[
        "eval",
        "--data",
        data,
        "--folds",
        "3",
        "--calibration-folds",
        "5",
        "--format",
        "json",
        "--quiet"
    ]));
    let model = dir.path().join("m.json");
    let model = model.to_str().unwrap();
    let r = run(&["train", "--data", data, "--out", model, "--calibration-folds", "0", "--quiet"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run(&["eval", "--model", model, "--data", data, "--quiet"]);
    assert!(r.stdout.contains("(of an uncalibrated model: the softmax of its scores)"), "{}", r.stdout);
}

/// A per-class figure of 0/0 is `n/a` (`null` in JSON), not 0.0000: the precision of a
/// class never predicted, the recall of a class without rows. F1 is 2 TP / (2 TP + FP +
/// FN) as in scikit-learn, so 0 when only one of them is undefined, and macro-F1 averages
/// the classes whose F1 is defined. Ordinary figures print as before.
#[test]
fn eval_prints_n_a_for_a_figure_of_zero_over_zero() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lexicon = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let lexicon = lexicon.to_str().unwrap();
    // The keyword rule never gives 'other' (it warns so): 'other' has precision 0/0.
    // accusation: tp 1 of 1 predicted, 1 row -> 1, 1, 1; none: tp 1 of 2 predicted, 1 row
    // -> 0.5, 1, 2/3; other: 0/0, 0/1, 0. Accuracy 2/3, macro-F1 (1 + 2/3 + 0) / 3.
    write(d, "ac.csv", b"text,label\nThey accused him,accusation\nA fine day,none\nok then,other\n");
    let r = run_in(d, &["eval", "--keyword-rule", "--lexicon", lexicon, "--data", "ac.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let table: Vec<&str> = r.stdout.lines().skip(5).take(4).collect();
    assert_eq!(
        table,
        [
            "class       precision  recall      f1  support",
            "accusation     1.0000  1.0000  1.0000        1",
            "none           0.5000  1.0000  0.6667        1",
            "other             n/a  0.0000  0.0000        1",
        ],
        "{}",
        r.stdout
    );
    // Every class has one row: the majority is the first, labelling 1 of 3 right.
    assert!(
        r.stdout.starts_with(
            "accuracy  0.6667\nmacro-F1  0.5556\nrows      3\nmajority  0.3333 (the accuracy of labelling every row \
             'accusation', the commonest class)\n"
        ),
        "{}",
        r.stdout
    );
    let r = run_in(d, &["eval", "--keyword-rule", "--lexicon", lexicon, "--data", "ac.csv", "--format", "json"]);
    let metrics: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(metrics["majority"], serde_json::json!({"label": "accusation", "accuracy": 1.0 / 3.0}));
    let classes = metrics["classes"].as_array().unwrap();
    assert_eq!(
        classes[1],
        serde_json::json!({"label": "none", "precision": 0.5, "recall": 1.0, "f1": 2.0 / 3.0, "support": 1})
    );
    assert_eq!(
        classes[2],
        serde_json::json!({"label": "other", "precision": null, "recall": 0.0, "f1": 0.0, "support": 1})
    );
    // A shipped model on rows of one class: the other classes have no row, so recall 0/0.
    write(
        d,
        "neg.csv",
        b"text,label\nThe talks collapsed in bitter anger.,negative\nA terrible and deadly attack.,negative\n",
    );
    let model = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let args = ["eval", "--model", model.to_str().unwrap(), "--data", "neg.csv", "--label-column", "label"];
    let r = run_in(d, &[&args[..], &["--format", "json"]].concat());
    assert_eq!(r.status, 0, "{}", r.stderr);
    let metrics: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    let mut defined = Vec::new();
    for class in metrics["classes"].as_array().unwrap() {
        let empty = class["label"] != "negative";
        assert_eq!((class["support"] == 0, class["recall"].is_null()), (empty, empty), "{class}");
        defined.extend(class["f1"].as_f64());
    }
    let mean = defined.iter().sum::<f64>() / defined.len() as f64;
    assert!((metrics["macro_f1"].as_f64().unwrap() - mean).abs() < 1e-12, "{metrics}");
    let r = run_in(d, &args);
    let table = r.stdout.lines().skip_while(|l| !l.starts_with("class ")).skip(1).take_while(|l| !l.is_empty());
    let recalls: Vec<(&str, &str)> = table
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .map(|cells| (cells[0], if cells[4] == "0" { cells[2] } else { "has rows" }))
        .collect();
    assert_eq!(recalls, [("negative", "has rows"), ("neutral", "n/a"), ("positive", "n/a")], "{}", r.stdout);
}

#[test]
fn inspect_shows_provenance_and_top_features() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let r = run(&["inspect", "--model", model.to_str().unwrap(), "--format", "json", "--top", "3"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["provenance"]["n_rows"], 800);
    assert_eq!(v["provenance"]["label_counts"], serde_json::json!([400, 400]));
    assert_eq!(v["top_features"]["negative"].as_array().unwrap().len(), 3);
    assert_eq!(v["provenance"]["data_sha256"][0].as_str().unwrap().len(), 64);
    // The text view names the feature settings, defaults included.
    let r = run(&["inspect", "--model", model.to_str().unwrap()]);
    let features = r.stdout.lines().find(|l| l.starts_with("features")).unwrap();
    assert!(features.contains("1..2-grams of stems and punctuation marks, min_df 2"), "{features}");
    assert!(features.contains("negation true, NB scaling true, cue n-grams false"), "{features}");
    assert!(r.stdout.contains("\ntop features of 'negative':\n"), "{}", r.stdout);
    // --top 0 asks for no features: no headings over empty lists either.
    let r = run(&["inspect", "--model", model.to_str().unwrap(), "--top", "0"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("top features"), "{}", r.stdout);
}

#[test]
fn same_command_same_model_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let data = mr_sample(dir.path(), 200);
    let d = data.to_str().unwrap();
    assert_eq!(run_in(dir.path(), &["train", "--data", d, "--out", "a.json", "-q"]).status, 0);
    let first = std::fs::read(dir.path().join("a.json")).unwrap();
    assert_eq!(run_in(dir.path(), &["train", "--data", d, "--out", "a.json", "-q"]).status, 0);
    assert_eq!(first, std::fs::read(dir.path().join("a.json")).unwrap());
}

#[test]
fn bad_inputs_get_one_line_errors_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str, content: &[u8]| write(dir.path(), name, content).to_str().unwrap().to_string();
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec![
                "train".into(),
                "--data".into(),
                p("cols.csv", b"sentence,label\nx,a\n"),
                "--out".into(),
                "m.json".into(),
            ],
            "no column 'text' (columns found: 'sentence', 'label'; choose one with --text-column)".into(),
        ),
        (
            vec![
                "train".into(),
                "--data".into(),
                p("ragged.csv", b"text,label\nx,a\ny,b,c\n"),
                "--out".into(),
                "m.json".into(),
            ],
            "ragged.csv:3: malformed CSV: row has 3 fields but the header has 2".into(),
        ),
        (
            vec![
                "train".into(),
                "--data".into(),
                p("one.csv", b"text,label\nx,a\ny,a\n"),
                "--out".into(),
                "m.json".into(),
            ],
            "only one class ('a') in the labels; at least 2 are needed".into(),
        ),
        (
            vec![
                "train".into(),
                "--data".into(),
                p("utf.csv", b"text,label\nx\xC3,a\n"),
                "--out".into(),
                "m.json".into(),
            ],
            // Training data is read strictly: no --lossy to suggest (train has none).
            "utf.csv:2: column 'text': invalid UTF-8 at byte offset 12 (it looks like Windows-1252, which Excel and Notepad \
             save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8)\n"
                .into(),
        ),
        (
            vec!["train".into(), "--data".into(), "no-such-file.csv".into(), "--out".into(), "m.json".into()],
            "no-such-file.csv: No such file or directory".into(),
        ),
        (
            vec!["predict".into(), "--model".into(), p("empty.json", b""), "x.txt".into()],
            "empty.json: not a valid stancekit model: the file is empty".into(),
        ),
        (
            vec!["predict".into(), "--model".into(), p("notjson.json", b"hello"), "x.txt".into()],
            "notjson.json: not a valid stancekit model: not JSON at line 1 column 1".into(),
        ),
        (
            vec!["predict".into(), "--model".into(), p("other.json", b"{\"format\": \"other\"}"), "x.txt".into()],
            "format is 'other', expected 'stancekit-model'".into(),
        ),
        (
            vec![
                "predict".into(),
                "--model".into(),
                p("newer.json", format!("{{\"format\": \"stancekit-model\", \"version\": {}}}", VERSION + 1).as_bytes()),
                "x.txt".into(),
            ],
            format!("model format version {} is not supported (this build reads versions 1 to {VERSION}", VERSION + 1),
        ),
    ];
    for (args, expected) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = run_in(dir.path(), &args);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.starts_with("stancekit: error: "), "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(&expected), "{args:?}: expected {expected:?} in {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
    }
}

#[test]
fn bad_flags_exit_2() {
    for args in [
        vec!["eval", "--data", "x.csv", "--folds", "1"],
        vec!["train", "--data", "x.csv", "--out", "m.json", "--c", "-1"],
        vec!["train", "--data", "x.csv", "--out", "m.json", "--ngram-min", "3", "--ngram-max", "1"],
        vec!["train", "--data", "x.csv"],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let data = mr_sample(dir.path(), 20);
        let args: Vec<&str> = args.iter().map(|a| if *a == "x.csv" { data.to_str().unwrap() } else { a }).collect();
        let r = run_in(dir.path(), &args);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
}

#[test]
fn interrupted_save_leaves_old_model_intact() {
    // A save that cannot complete (directory made read-only after the first model)
    // must fail without touching the existing file.
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let before = std::fs::read(&model).unwrap();
    let sub = dir.path().join("ro");
    std::fs::create_dir(&sub).unwrap();
    let target = sub.join("m.json");
    std::fs::write(&target, &before).unwrap();
    let mut perms = std::fs::metadata(&sub).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    std::fs::set_permissions(&sub, perms).unwrap();
    let data = mr_sample(dir.path(), 50);
    let r = run_in(dir.path(), &["train", "--data", data.to_str().unwrap(), "--out", target.to_str().unwrap(), "-q"]);
    let mut perms = std::fs::metadata(&sub).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(&sub, perms).unwrap();
    // As root the directory stays writable; then the save succeeds and is whole.
    let after = std::fs::read(&target).unwrap();
    if r.status == 0 {
        assert!(run(&["inspect", "--model", target.to_str().unwrap()]).status == 0);
    } else {
        assert_eq!(after, before);
        assert!(r.stderr.contains("writing model"), "{}", r.stderr);
    }
    let leftovers: Vec<_> = std::fs::read_dir(&sub).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left behind: {leftovers:?}");
}

#[test]
fn closed_pipe_exits_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let many: String = (0..20000).map(|i| format!("line {i} of a fine film\n")).collect();
    let input = write(dir.path(), "many.txt", many.as_bytes());
    let script = format!(
        "{} predict --model {} --input-format lines {} | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        env!("CARGO_BIN_EXE_stancekit"),
        model.display(),
        input.display()
    );
    let out = std::process::Command::new("bash").arg("-c").arg(&script).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "0");
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn mr_ten_fold_accuracy_floor() {
    // Issue 2 asked for >= 0.77; with NB scaling and stems on by default we measured 0.7923.
    // scikit-learn tf-idf + LR scores 0.772 on these folds.
    let r = run(&["eval", "--data", "../shared/datasets/mr/mr.csv", "--folds", "10", "--format", "json", "--quiet"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let metrics: serde_json::Value = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "metrics")
        .unwrap();
    let accuracy = metrics["accuracy_mean"].as_f64().unwrap();
    assert!(accuracy >= 0.785, "mr 10-fold accuracy {accuracy}");
}

/// The seed article's accusation and denial, end to end through the shipped models:
/// issue 4's source / target check.
#[test]
fn seed_article_actors_end_to_end() {
    let seed = shared().join("seed/article.txt");
    let r = run(&["predict", "--format", "json", seed.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let lines: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let find =
        |needle: &str| lines.iter().find(|v| v["text"].as_str().is_some_and(|t| t.contains(needle))).unwrap().clone();
    let accusation = find("The U.S. accuses Russia");
    assert_eq!(accusation["actors"]["source"]["text"], "The U.S.");
    assert_eq!(accusation["actors"]["target"]["text"], "Russia");
    let denial = find("The Russians deny");
    assert_eq!(denial["actors"]["source"]["text"], "The Russians");
    assert!(denial["actors"]["target"].is_null());
    // Offsets index the article itself.
    let text = std::fs::read_to_string(&seed).unwrap();
    let (s, e) = (
        accusation["actors"]["target"]["start"].as_u64().unwrap() as usize,
        accusation["actors"]["target"]["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[s..e], "Russia");
    // The article row closes the document, with its top accusation and denial.
    let article = lines.last().unwrap();
    assert_eq!(article["type"], "article");
    assert_eq!(article["top_denial"]["actors"]["source"]["text"], "The Russians");
    let tone = article["tone"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&tone));
}

#[test]
fn summary_only_and_tone_definition() {
    let dir = tempfile::tempdir().unwrap();
    // A CSV of two articles, read as articles.
    let input = write(
        dir.path(),
        "articles.csv",
        b"id,text\nwarm,\"The two leaders signed a trade agreement and praised the constructive talks. Both sides welcomed the deal.\"\ncold,\"The ministry accused its neighbour of shelling border villages. The neighbour denied the claims and threatened retaliation.\"\n",
    );
    let r = run(&["predict", "--articles", "--summary-only", "--format", "json", input.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2, "one summary row per article");
    assert!(rows.iter().all(|v| v["type"] == "article" && v["n_sentences"] == 2));
    assert_eq!(rows[0]["id"], "warm");
    assert!(rows[0]["tone"].as_f64().unwrap() > 0.3, "{}", rows[0]);
    assert!(rows[1]["tone"].as_f64().unwrap() < -0.3, "{}", rows[1]);
    let counts = &rows[1]["counts"]["accusation"];
    assert_eq!(
        counts["accusation"].as_u64().unwrap() + counts["denial"].as_u64().unwrap() + counts["none"].as_u64().unwrap(),
        2
    );
}

#[test]
fn directory_input_and_explanations() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    write(&dir.path().join("a"), "one.txt", b"Police charged the mayor with fraud.");
    write(&dir.path().join("a/b"), "two.txt", b"The company denied any wrongdoing.");
    write(&dir.path().join("a"), "skip.csv", b"id,text\n1,x\n");
    let r = run(&["predict", "--explain", "2", "--format", "json", dir.path().join("a").to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows = rows(&r.stdout.lines().filter(|l| l.contains("\"sentence\"")).collect::<Vec<_>>().join("\n"));
    assert_eq!(rows.len(), 2, "two .txt files, one sentence each; the .csv is skipped");
    // Sorted by path: a/b/two.txt before a/one.txt.
    assert!(rows[0].source.ends_with("b/two.txt") && rows[1].source.ends_with("a/one.txt"));
    for row in &rows {
        for task in row.predictions.as_ref().unwrap().values() {
            assert_eq!(task.explanation.as_ref().unwrap().len(), 2);
        }
    }
    // N is optional: a file right after --explain is taken for N, and the message says
    // how to write it.
    let r = run(&["predict", "--explain", "a.txt"]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains(
            "invalid value 'a.txt' for '--explain [<N>]': not a count of features (N is optional: put \
             --explain after the inputs, or give N first: --explain 5 a.txt)"
        ),
        "{}",
        r.stderr
    );
}

/// `--word-classes`: what is learnt for a word carries to the unseen words of its class.
/// Trained on "accused" (blame) and "praised" (praise) only, the model has seen neither
/// "charged" nor "hailed"; the file puts each in the class of the seen verb, so the two
/// new sentences get those labels. Without the file both are the same bag of known
/// n-grams ("the", "the council"...), so they get the same probabilities.
#[test]
fn word_classes_carry_what_is_learnt_to_unseen_words_of_a_class() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = String::from("text,label\n");
    for actor in ["the minister", "the mayor", "the board"] {
        data.push_str(&format!("{actor} accused the union,blame\n{actor} praised the union,praise\n"));
    }
    write(dir.path(), "train.csv", data.as_bytes());
    write(dir.path(), "classes.tsv", b"# word<TAB>class\naccused\tc1\ncharged\tc1\nPraised\tc2\nhailed\tc2\n");
    write(dir.path(), "new.csv", b"id,text\n1,the governor charged the council\n2,the governor hailed the council\n");
    let train = |out: &str, extra: &[&str]| {
        let mut args = vec!["train", "--data", "train.csv", "--calibration-folds", "0", "--quiet", "--out", out];
        args.extend_from_slice(extra);
        let r = run_in(dir.path(), &args);
        assert_eq!(r.status, 0, "{}", r.stderr);
    };
    let predict = |model: &str| {
        let r = run_in(dir.path(), &["predict", "--model", model, "new.csv", "--format", "json"]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        rows(&r.stdout).into_iter().map(|row| row.predictions.unwrap().remove("label").unwrap()).collect::<Vec<_>>()
    };
    train("classes.json", &["--word-classes", "classes.tsv"]);
    let with = predict("classes.json");
    assert_eq!((with[0].label.as_str(), with[1].label.as_str()), ("blame", "praise"));
    train("plain.json", &[]);
    let without = predict("plain.json");
    assert_eq!(without[0].probabilities, without[1].probabilities, "without classes the two are alike");

    let r = run_in(dir.path(), &["inspect", "--model", "classes.json"]);
    assert!(r.stdout.contains("word classes (4 words, 2 classes)"), "{}", r.stdout);
    // `eval --model` refuses training options, this one too.
    let r = run_in(
        dir.path(),
        &["eval", "--model", "classes.json", "--data", "train.csv", "--word-classes", "classes.tsv"],
    );
    assert_eq!(r.status, 2, "{}", r.stderr);
}

/// The rows of an `eval --predictions` CSV, by header name.
fn tested_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("predictions CSV");
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    reader
        .records()
        .map(|record| header.iter().cloned().zip(record.expect("row").iter().map(str::to_string)).collect())
        .collect()
}

#[test]
fn eval_predictions_write_each_row_out_of_fold_and_add_up_to_the_printed_figures() {
    let dir = tempfile::tempdir().unwrap();
    let data = mr_sample(dir.path(), 60);
    let out = dir.path().join("oof.csv");
    let r = run(&[
        "eval",
        "--data",
        data.to_str().unwrap(),
        "--folds",
        "3",
        "--format",
        "json",
        "--quiet",
        "--predictions",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows = tested_rows(&out);
    // One row per data row, each line of the file once, with its own text and label.
    let mut reader = csv::Reader::from_path(&data).unwrap();
    let data_rows: Vec<(String, String)> =
        reader.records().map(|r| r.unwrap()).map(|r| (r[0].to_string(), r[1].to_string())).collect();
    assert_eq!(rows.len(), 120);
    let mut lines: Vec<usize> = rows.iter().map(|row| row["line"].parse().unwrap()).collect();
    lines.sort_unstable();
    assert_eq!(lines, (2..=121).collect::<Vec<_>>(), "lines 2-121 of the file, each once");
    for row in &rows {
        let (text, label) = &data_rows[row["line"].parse::<usize>().unwrap() - 2];
        assert_eq!((&row["text"], &row["label"], &row["file"]), (text, label, &data.display().to_string()));
        let (negative, positive): (f64, f64) = (row["p_negative"].parse().unwrap(), row["p_positive"].parse().unwrap());
        assert!((negative + positive - 1.0).abs() < 2e-6, "{row:?}");
        let argmax = if positive > negative { "positive" } else { "negative" };
        assert_eq!(row["predicted"], argmax, "uncalibrated folds label by the larger probability: {row:?}");
        assert_eq!(row["correct"], (row["label"] == row["predicted"]).to_string());
    }
    // Stratified folds of 20 rows of each class; each fold's accuracy and the pooled one,
    // counted from the rows, are the figures eval printed.
    let printed: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    for fold in 1..=3 {
        let in_fold: Vec<_> = rows.iter().filter(|row| row["fold"] == fold.to_string()).collect();
        assert_eq!(in_fold.iter().filter(|row| row["label"] == "positive").count(), 20, "fold {fold}");
        assert_eq!(in_fold.len(), 40, "fold {fold}");
        let correct = in_fold.iter().filter(|row| row["correct"] == "true").count() as f64;
        let line = printed.iter().find(|v| v["type"] == "fold" && v["fold"] == fold).expect("fold line");
        assert!((line["accuracy"].as_f64().unwrap() - correct / 40.0).abs() < 1e-12, "fold {fold}: {line}");
    }
    let correct = rows.iter().filter(|row| row["correct"] == "true").count() as f64;
    let pooled = printed.iter().find(|v| v.get("accuracy_mean").is_some()).expect("metrics line");
    assert!((pooled["accuracy"].as_f64().unwrap() - correct / 120.0).abs() < 1e-12, "{pooled}");
}

#[test]
fn eval_predictions_of_a_model_are_what_predict_gives_and_never_replace_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let model = trained_model(dir.path());
    let test = write(
        dir.path(),
        "test.csv",
        b"text,label\na dull mess,negative\na lovely film,positive\nwarm and funny,positive\nit drags on,negative\n",
    );
    let (model, test_path) = (model.to_str().unwrap(), test.to_str().unwrap());
    let out = dir.path().join("tested.csv");
    let r = run(&["eval", "--model", model, "--data", test_path, "--predictions", out.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows = tested_rows(&out);
    let predicted = run(&["predict", "--model", model, "--input-format", "csv", test_path, "--format", "json"]);
    assert_eq!(predicted.status, 0, "{}", predicted.stderr);
    let predicted: Vec<serde_json::Value> =
        predicted.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 4);
    for (row, p) in rows.iter().zip(&predicted) {
        assert_eq!(row["fold"], "", "a held-out test has no fold");
        assert_eq!(row["line"], p["line"].to_string());
        let task = &p["predictions"]["label"];
        assert_eq!(row["predicted"], task["label"].as_str().unwrap());
        for label in ["negative", "positive"] {
            let from_predict = task["probabilities"][label].as_f64().unwrap();
            assert!((row[&format!("p_{label}")].parse::<f64>().unwrap() - from_predict).abs() < 2e-6, "{row:?}");
        }
    }
    // The keyword rule has no probabilities: its cells are empty.
    let r = run(&[
        "eval",
        "--keyword-rule",
        "--lexicon",
        "datasets/lexicons",
        "--data",
        test_path,
        "--predictions",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows = tested_rows(&out);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|row| row["p_negative"].is_empty() && row["p_positive"].is_empty()), "{rows:?}");
    // An output path that is an input is refused before any work, and the input is kept.
    let before = std::fs::read(&test).unwrap();
    let r = run(&["eval", "--model", model, "--data", test_path, "--predictions", test_path]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--predictions") && r.stderr.contains("is the same file as --data"), "{}", r.stderr);
    assert_eq!(std::fs::read(&test).unwrap(), before);
}

/// `--summary-only` prints no sentence rows, so `--explain`'s lists of features, which
/// belong to sentence rows, had nowhere to go: the pair ran and dropped them without a
/// word. It is refused as clap refuses other flags that cannot go together.
#[test]
fn explain_with_summary_only_is_refused_not_dropped() {
    let r = run(&["predict", "--summary-only", "--explain", "3", "datasets/samples/article.txt"]);
    assert_eq!(r.status, 2, "stdout: {}", r.stdout);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains("the argument '--summary-only' cannot be used with '--explain [<N>]'"), "{}", r.stderr);
    // Each alone runs.
    let r = run(&["predict", "--summary-only", "datasets/samples/article.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run(&["predict", "--explain", "3", "datasets/samples/article.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

/// Writes `train.csv` (six short sentences labelled `bad` / `good`) in `d` and trains
/// `m.json` on it.
fn train_bad_good_model(d: &std::path::Path) {
    let rows =
        "text,label\nTalks broke down in anger.,bad\nThe leaders signed a pact.,good\nRivals traded threats.,bad\n\
                Both sides praised the deal.,good\nThe envoy walked out.,bad\nA truce was agreed.,good\n";
    write(d, "train.csv", rows.as_bytes());
    let r =
        run_in(d, &["train", "--data", "train.csv", "--out", "m.json", "--min-df", "1", "--calibration-folds", "0"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

/// `eval --model M --data F` where M was trained on F scores rows the model was fitted to
/// (the README's own example once did it: 0.987 on mr): the figures flatter it, so the
/// file is named on stderr. Another file of the same rows' kind is scored without a word.
#[test]
fn eval_of_a_model_on_its_own_training_file_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    train_bad_good_model(d);
    write(d, "other.csv", b"text,label\nThe ministers walked out.,bad\nThey agreed a deal.,good\n");
    let r = run_in(d, &["eval", "--model", "m.json", "--data", "other.csv", "train.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "stancekit: warning: --data train.csv is a file --model m.json was trained on (the same sha256 in its \
             provenance), so these figures flatter it"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("other.csv"), "{}", r.stderr);
    assert!(r.stdout.contains("accuracy"), "{}", r.stdout);
    // Quiet, or another file: nothing said.
    let r = run_in(d, &["eval", "--model", "m.json", "--data", "train.csv", "--quiet"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    let r = run_in(d, &["eval", "--model", "m.json", "--data", "other.csv"]);
    assert!(!r.stderr.contains("trained on"), "{}", r.stderr);
}

/// A test file whose label differs from the model's only by case (`Positive` against
/// `positive`) or by how a number is written is named as such, as training names two
/// spellings of one label in its data; it used to be an unknown label.
#[test]
fn eval_names_a_label_spelt_otherwise_than_the_model_s() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    train_bad_good_model(d);
    write(d, "test.csv", b"text,label\nThey signed.,good\nThey fought.,Bad\n");
    let r = run_in(d, &["eval", "--model", "m.json", "--data", "test.csv"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: test.csv:3: column 'label': label 'Bad' differs from the model's label 'bad' only by case; \
         make them agree\n"
    );
    // A label the model lacks in any spelling is still unknown.
    write(d, "other.csv", b"text,label\nThey met.,neutral\n");
    let r = run_in(d, &["eval", "--model", "m.json", "--data", "other.csv"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("unknown label 'neutral' (expected one of: bad, good)"), "{}", r.stderr);
}

/// `--help` is read in a terminal: a rustdoc link written in a doc comment that clap
/// shows (``[`crate::decision`]`` under `--decision`) is noise there.
#[test]
fn help_texts_hold_no_rustdoc_links() {
    for command in ["train", "eval", "predict", "inspect", "report", "actors", "corpus"] {
        let help = run(&[command, "--help"]);
        assert_eq!(help.status, 0, "{command} --help: {}", help.stderr);
        assert!(!help.stdout.contains("[`"), "{command} --help shows a rustdoc link:\n{}", help.stdout);
    }
}

/// `--format text` of eval, inspect and actors is aligned with spaces, not tabs: their
/// help said "Tab-separated text", shared with predict's, whose rows are.
#[test]
fn format_help_says_which_text_is_tab_separated() {
    let inspect = run(&["inspect", "--model", "models/sentiment.json", "--top", "1"]);
    assert_eq!(inspect.status, 0, "{}", inspect.stderr);
    assert!(!inspect.stdout.contains('\t'), "inspect's text output has tabs now:\n{}", inspect.stdout);
    let text_line = |command: &str| {
        let help = run(&[command, "--help"]);
        let line = help.stdout.lines().find(|l| l.trim_start().starts_with("- text:") && l.contains("for people"));
        line.unwrap_or_default().to_string()
    };
    for command in ["eval", "inspect", "actors"] {
        let line = text_line(command);
        assert!(line.contains("predict's rows tab-separated"), "{command} --help: {line}");
        assert!(line.contains("aligned with spaces"), "{command} --help: {line}");
    }
    // predict has formats of its own (CSV too): its text is its rows, tab-separated.
    let line = text_line("predict");
    assert!(line.contains("tab-separated rows") && !line.contains("aligned with spaces"), "predict --help: {line}");
}

/// `predict` shows a count of the rows labelled on stderr when stderr is a terminal and
/// the rows go to a file (`script` gives the command a terminal), and none when the rows
/// are printed on that terminal or stderr is not one (every other test here). Labelling
/// a large corpus into a file showed nothing until it ended.
#[test]
fn predict_counts_its_rows_on_a_terminal_while_they_go_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "in.txt", b"Talks resumed.\nThe ministry denied it.\n");
    let (out, typescript) = (dir.path().join("out.jsonl"), dir.path().join("typescript"));
    let on_terminal = |command: String| {
        let status = std::process::Command::new("script")
            .args(["-qec", &command, typescript.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("script (util-linux) gives the command a terminal");
        assert!(status.success(), "{command}");
        String::from_utf8_lossy(&std::fs::read(&typescript).unwrap()).into_owned()
    };
    let predict = format!(
        "{} predict --format json --input-format lines {}",
        env!("CARGO_BIN_EXE_stancekit"),
        input.to_str().unwrap()
    );
    let shown = on_terminal(format!("{predict} > {}", out.to_str().unwrap()));
    assert!(shown.contains("labelled") && shown.contains("input rows"), "{shown}");
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2);
    let shown = on_terminal(predict);
    assert!(!shown.contains("labelled") && shown.contains("\"denial\""), "{shown}");
}
