//! Bad input of every kind (issue 6): each case asserts the message and the exit
//! status, and that nothing is lost (one output row per input row).

mod util;

use std::path::Path;

use util::{mr_sample, run_in, run_with_stdin, write};

/// Trains a small real model once per test that needs one.
fn model(dir: &Path) -> String {
    let data = mr_sample(dir, 150);
    let r = run_in(dir, &["train", "-q", "--data", data.to_str().unwrap(), "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    dir.join("m.json").display().to_string()
}

fn train_error(dir: &Path, name: &str, content: &[u8], extra: &[&str]) -> String {
    let path = write(dir, name, content);
    let mut args = vec!["train", "--data", path.to_str().unwrap(), "--out", "out.json"];
    args.extend_from_slice(extra);
    let r = run_in(dir, &args);
    assert_eq!(r.status, 2, "{name}: expected failure, got {}: {}", r.status, r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{name}: one line: {}", r.stderr);
    assert!(!dir.join("out.json").exists(), "{name}: no model written");
    r.stderr
}

const UNCLOSED: &str =
    "malformed CSV: the quote that opens this field is never closed (the rest of the file would be one field)";

#[test]
fn malformed_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: &[(&str, &[u8], &str)] = &[
        ("quote.csv", b"text,label\n\"unbalanced quote,a\nx,b\n", &format!("quote.csv:2: column 'text': {UNCLOSED}")),
        ("header_only.csv", b"text,label\n", "no rows to train on"),
        (
            "no_header.csv",
            b"a fine film,positive\na bad film,negative\n",
            "no column 'text' (columns found: 'a fine film', 'positive'",
        ),
        ("dup.csv", b"text,text,label\nx,y,a\n", "column 'text' appears twice in the header"),
        (
            "spaces.csv",
            b"text,label\nx,positive\ny,positive \n",
            "label 'positive ' has white space at its end (labels are taken as written, never trimmed: remove it)",
        ),
        (
            "case.csv",
            b"text,label\nx,Positive\ny,positive\nz,negative\n",
            "case.csv:3: column 'label': label 'positive' differs from 'Positive' (line 2) only by case; make them agree",
        ),
        ("empty.csv", b"text,label\nx,a\n\"   \",b\n", "empty.csv:3: column 'text': empty text"),
        (
            "misspelt.csv",
            b"txt,label\nx,a\n",
            "no column 'text' (columns found: 'txt', 'label'; choose one with --text-column)",
        ),
        ("allempty.csv", b"text,label\n\"\",a\n\"\",b\n", "allempty.csv:2: column 'text': empty text"),
        // A comma ending every line, or only the header line; DOS's end-of-file mark. They
        // were said only as counts, or with the hint about a comma inside a text.
        (
            "trailing.csv",
            b"text,label\nx,a,\ny,b,\n",
            "trailing.csv:2: malformed CSV: row has 3 fields but the header has 2 (the row ends with a comma, which \
             starts one more, empty field: remove the comma at the end of the line)",
        ),
        (
            "header_comma.csv",
            b"text,label,\nx,a\ny,b\n",
            "header_comma.csv:2: malformed CSV: row has 2 fields but the header has 3 (the header line ends with a \
             comma, which names one more, empty column: remove it)",
        ),
        (
            "ctrl_z.csv",
            b"text,label\nx,a\ny,b\n\x1a",
            "ctrl_z.csv:4: malformed CSV: row has 1 field but the header has 2 (the line holds only U+001A, Ctrl-Z, \
             the end-of-file mark of old DOS programs: delete it)",
        ),
    ];
    for (name, content, expected) in cases {
        let err = train_error(d, name, content, &[]);
        assert!(err.contains(expected), "{name}: expected {expected:?} in {err}");
    }
}

/// Column errors say something useful in the odd cases: an empty file, a column name
/// with a line break (still one line), an actors file (whose columns no flag chooses).
#[test]
fn missing_column_messages_fit_the_case() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = train_error(d, "nothing.csv", b"", &[]);
    let expected = "/nothing.csv: the file is empty: no header line naming its columns (column 'text' is needed)\n";
    assert!(err.ends_with(expected), "{err}");
    // Standard input is not called a file: it said `-: the file is empty`.
    let empty_stdin =
        "-: standard input is empty (did the command before the pipe write nothing, or fail?): no header \
                       line naming its columns (column 'text' is needed)";
    let out = d.join("out.json");
    let r = run_with_stdin(&["train", "--data", "-", "--out", out.to_str().unwrap()], b"");
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {empty_stdin}\n")));
    let r = run_with_stdin(&["eval", "--data", "-", "--folds", "2"], b"");
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {empty_stdin}\n")));
    let err = train_error(d, "tr.csv", b"text,label\nx,a\n", &["--text-column", "it's\nb"]);
    let expected = "/tr.csv: no column 'it's\\nb' (columns found: 'text', 'label'; choose one with --text-column)\n";
    assert!(err.ends_with(expected), "{err}");
    write(d, "a.csv", b"text,accusation,source\nx,none,y\n");
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let r = run_in(d, &["actors", "--data", "a.csv", "--lexicon", lexicon.to_str().unwrap()]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (
            2,
            "stancekit: error: a.csv: no column 'target' (columns found: 'text', 'accusation', 'source'; an actors file \
             has columns text, accusation, source, target)\n"
        )
    );
}

/// A semicolon- or tab-separated file given as CSV has a header of one long column: the
/// message says which delimiter it has, where it used to list `'text;label'` as the one
/// column found and ask for --text-column.
/// JSON given where CSV is read (training data exported by pandas or jq as JSON Lines
/// or as an array) was read as CSV: 'no column 'text' (columns found: '{"text": "a
/// fine ', ...' listing the first line split at its commas (a one-line array: the
/// whole file, in one message), or 'row has 2 fields but the header has 5'.
#[test]
fn a_json_file_given_as_csv_is_named_as_json_with_how_to_convert_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lines = "{\"text\": \"a fine, rousing film\", \"label\": \"positive\"}\n{\"text\": \"dull\", \"label\": \"negative\"}\n";
    write(d, "tr.jsonl", lines.as_bytes());
    write(d, "tr.json", b"[{\"text\": \"a fine, rousing film\", \"label\": \"positive\"}, {\"text\": \"dull\", \"label\": \"negative\"}]");
    write(d, "pretty.json", b"[\n  {\n    \"text\": \"a fine, rousing film\",\n    \"label\": \"positive\"\n  }\n]\n");
    write(d, "rows.csv", format!("\u{feff}{lines}").as_bytes());
    // Compact, as pandas' to_json(lines=True) and jq -c write it: it fails CSV's quoting
    // check on its first line, which used to be the message.
    write(d, "compact.jsonl", b"{\"text\":\"a fine, rousing film\",\"label\":\"positive\"}\n");
    let convert = |file: &str, lines: &str, out: &str| {
        format!("python3 -c \"import pandas as pd; pd.read_json('{file}'{lines}).to_csv('{out}', index=False)\"")
    };
    let json_lines = "the file is JSON Lines (its first line is a JSON object), not CSV with a header line naming its \
                      columns (convert it, e.g.";
    let array = "the file is a JSON array, not CSV with a header line naming its columns (convert it, e.g.";
    let cases: [(&[&str], String); 6] = [
        (
            &["train", "--data", "tr.jsonl", "--out", "m.json"],
            format!(
                "tr.jsonl: {json_lines} {}; predict reads it with --input-format jsonl)",
                convert("tr.jsonl", ", lines=True", "tr.csv")
            ),
        ),
        (
            &["eval", "--data", "tr.json", "--folds", "2"],
            format!("tr.json: {array} {})", convert("tr.json", "", "tr.csv")),
        ),
        (
            &["train", "--data", "pretty.json", "--out", "m.json"],
            format!("pretty.json: {array} {})", convert("pretty.json", "", "pretty.csv")),
        ),
        (
            &["actors", "--data", "tr.jsonl"],
            format!(
                "tr.jsonl: {json_lines} {}; predict reads it with --input-format jsonl)",
                convert("tr.jsonl", ", lines=True", "tr.csv")
            ),
        ),
        (
            &["train", "--data", "rows.csv", "--out", "m.json"],
            format!(
                "rows.csv: {json_lines} {}; predict reads it with --input-format jsonl)",
                convert("rows.csv", ", lines=True", "rows-table.csv")
            ),
        ),
        (
            &["eval", "--data", "compact.jsonl", "--folds", "2"],
            format!(
                "compact.jsonl: {json_lines} {}; predict reads it with --input-format jsonl)",
                convert("compact.jsonl", ", lines=True", "compact.csv")
            ),
        ),
    ];
    for (args, expected) in cases {
        let r = run_in(d, args);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr, format!("stancekit: error: {expected}\n"), "{args:?}");
        assert!(!d.join("m.json").exists());
    }
    // predict: the input's one error row, the other inputs labelled.
    let model = model(d);
    write(d, "ok.csv", b"text\nThe talks failed.\n");
    let r = run_in(d, &["predict", "--model", &model, "rows.csv", "ok.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert!(rows[0].starts_with("rows.csv\t-\t-\t-\terror: rows.csv: the file is JSON Lines"), "{}", rows[0]);
    assert!(rows[1].starts_with("1\t0\t"), "{}", rows[1]);
    // A CSV whose first column name merely starts with a brace is read as CSV.
    write(d, "braces.csv", b"{id},text,label\n1,good fun,positive\n2,bad mess,negative\n");
    let r = run_in(d, &["predict", "--model", &model, "braces.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

/// JSON written over several lines (`jq .` without `-c`, Python's `json.dump(..., indent=2)`)
/// given as JSON Lines, on standard input or where CSV is read: said once for the input,
/// with the command that writes it a record a line. `predict` gave each of its lines an
/// error row that did not say why (`the line ends while parsing an object at column 1`,
/// `trailing characters at column 9`, `expected value at column 1`), and `train` said
/// `no column 'text' (columns found: '{')`.
#[test]
fn json_written_over_several_lines_is_named_as_such_with_how_to_write_it_a_record_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pretty = b"{\n  \"text\": \"The talks failed.\",\n  \"label\": \"negative\"\n}\n{\n  \"text\": \"A deal.\",\n  \"label\": \"positive\"\n}\n";
    write(d, "pretty.jsonl", pretty);
    write(d, "array.json", b"\xEF\xBB\xBF[\n  {\n    \"text\": \"The talks failed.\"\n  }\n]\n");
    write(d, "ok.jsonl", b"{\"text\": \"The talks failed.\"}\n");
    let model = model(d);
    let how = "written over several lines (its first line is '{' alone, as jq . or Python's json.dump(..., indent=2) \
               writes it)";
    let r = run_in(d, &["predict", "--model", &model, "pretty.jsonl", "ok.jsonl"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().skip(1).collect();
    assert_eq!(
        rows[0],
        format!(
            "pretty.jsonl\t-\t-\t-\terror: pretty.jsonl: the file is JSON {how}, not JSON Lines (write each record on \
             one line, e.g. jq -c . pretty.jsonl > records.jsonl)"
        )
    );
    assert!(rows[1].starts_with("1\t0\t"), "{}", rows[1]);
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    let r = run_in(d, &["predict", "--model", &model, "--input-format", "jsonl", "array.json"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "error: array.json: the file is a JSON array written over several lines (its first line is '[' alone, \
             as jq . or Python's json.dump(..., indent=2) writes it), not JSON Lines (write each record on one line, \
             e.g. jq -c '.[]' array.json > records.jsonl)"
        ),
        "{}",
        r.stdout
    );
    let r = run_with_stdin(&["predict", "--model", &model], pretty);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().nth(1).unwrap(),
        format!(
            "-\t-\t-\t-\terror: -: standard input is JSON {how}, not JSON Lines (write each record on one line, e.g. \
             pipe it through jq -c .; if the lines are plain text, give --input-format plain-lines)"
        )
    );
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    // Where CSV is read.
    let r = run_in(d, &["train", "--data", "pretty.jsonl", "--out", "m2.json"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(
        r.stderr.starts_with(&format!(
            "stancekit: error: pretty.jsonl: the file is JSON {how}, not CSV with a header line naming its columns \
             (write each record on one line, e.g. jq -c . pretty.jsonl > records.jsonl, then convert that:"
        )),
        "{}",
        r.stderr
    );
    // Plain lines are read as text, whatever they hold.
    let r = run_with_stdin(&["predict", "--model", &model, "--input-format", "plain-lines"], b"{\nThe talks failed.\n");
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
}

/// A model given where data is read (`eval --data m.json --model test.csv`, the two
/// swapped; `train --data models/sentiment.json`) was told to convert its JSON Lines to
/// CSV with pandas.
#[test]
fn a_model_given_as_data_is_named_as_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let said = "m.json: the file is a stancekit model, not CSV data (a model is given with --model; data is a CSV \
                with a header line naming its columns)\n";
    for args in [
        &["train", "--data", "m.json", "--out", "o.json"][..],
        &["eval", "--model", "mr_sample.csv", "--data", "m.json"][..],
        &["actors", "--data", "m.json"][..],
        &["corpus", "--spans", "m.json", "--out", "c.csv"][..],
    ] {
        let r = run_in(d, args);
        assert_eq!(r.status, 2, "{args:?}");
        assert!(r.stderr.ends_with(said), "{args:?}: {}", r.stderr);
    }
    let r = run_in(d, &["predict", "--model", &m, "--input-format", "csv", "m.json"]);
    assert_eq!(r.status, 2);
    assert!(r.stdout.ends_with(&format!("error: {said}")), "{}", r.stdout);
}

#[test]
fn a_semicolon_or_tab_separated_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fix = "not commas (CSV files are read comma-separated: save it with commas)\n";
    let err = train_error(d, "semi.csv", b"text;label\nGood film;pos\nBad film;neg\n", &[]);
    let expected = format!("/semi.csv: no column 'text': the header 'text;label' is separated by semicolons, {fix}");
    assert!(err.ends_with(&expected), "{err}");
    let err = train_error(d, "tab.csv", b"text\tlabel\nGood film\tpos\nBad film\tneg\n", &[]);
    let expected = format!("/tab.csv: no column 'text': the header 'text\\tlabel' is separated by tabs, {fix}");
    assert!(err.ends_with(&expected), "{err}");
    // A one-column file without either is the usual message.
    let err = train_error(d, "one.csv", b"sentence\nGood film\n", &[]);
    assert!(err.ends_with("/one.csv: no column 'text' (columns found: 'sentence'; choose one with --text-column)\n"));
}

#[test]
fn the_same_column_for_text_and_labels_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = train_error(d, "same.csv", b"text,label\nGood film,pos\nBad film,neg\n", &["--text-column", "label"]);
    let expected = "/same.csv: column 'label' is both the text column and the label column (choose the text with \
                    --text-column and the labels with --label-column)\n";
    assert!(err.ends_with(expected), "{err}");
    // Grouped by its labels, each fold lacks the classes it tests: it was refused fold by
    // fold, "use fewer folds or other groups", which no number of folds could help.
    let data = mr_sample(d, 30);
    let r = run_in(d, &["eval", "--data", data.to_str().unwrap(), "--folds", "2", "--group-column", "label"]);
    assert_eq!((r.status, r.stdout.as_str()), (2, ""));
    let expected = "/mr_sample.csv: column 'label' is both the group column and the label column, so each fold \
                    would test classes its training side has no row of (group rows by what they share, e.g. their \
                    article, with --group-column)\n";
    assert!(r.stderr.ends_with(expected), "{}", r.stderr);
}

#[test]
fn labels_differing_only_by_case_are_refused_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 30 rows spell it 'positive', one (line 62) 'Positive': that one is named.
    let mut rows = String::from("text,label\n");
    for i in 0..30 {
        rows.push_str(&format!("good {i},positive\nbad {i},negative\n"));
    }
    rows.push_str("great,Positive\n");
    let err = train_error(d, "tr_case.csv", rows.as_bytes(), &["--min-df", "1"]);
    let expected = format!(
        "stancekit: error: {}:62: column 'label': label 'Positive' differs from 'positive' (line 2) only by case; \
         make them agree\n",
        d.join("tr_case.csv").display()
    );
    assert_eq!(err, expected);
    write(d, "tr.csv", b"text,label\ngood,positive\nbad,negative\nfine,positive\nugly,negative\n");
    write(d, "up.csv", b"text,label\ngreat,Positive\nawful,negative\n");
    let expected = "stancekit: error: up.csv:2: column 'label': label 'Positive' differs from 'positive' (tr.csv:2) \
                    only by case; make them agree\n";
    let runs = [
        vec!["train", "--data", "tr.csv", "up.csv", "--out", "x.json", "--min-df", "1"],
        vec!["eval", "--data", "tr.csv", "up.csv", "--folds", "2", "--min-df", "1"],
        vec!["eval", "--data", "tr.csv", "--extra-data", "up.csv", "--folds", "2", "--min-df", "1"],
    ];
    for args in runs {
        let r = run_in(d, &args);
        assert_eq!((r.status, r.stderr.as_str()), (2, expected), "{args:?}");
    }
    assert!(!d.join("x.json").exists());
}

/// "négatif" with its é as one character (NFC) and as "e" plus a combining accent (NFD,
/// as a Mac saves file names and some PDFs copy text) look the same in every terminal;
/// they used to train as two classes ("négatif 2, négatif 4" in inspect), without a word.
#[test]
fn labels_differing_only_in_how_an_accent_is_encoded_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (nfc, nfd) = ("n\u{e9}gatif", "ne\u{301}gatif");
    let mut rows = String::from("text,label\n");
    for i in 0..10 {
        rows.push_str(&format!("good {i},positif\nbad {i},{nfc}\n"));
    }
    let base = rows.clone();
    rows.push_str(&format!("awful,{nfd}\n"));
    let err = train_error(d, "nf.csv", rows.as_bytes(), &["--min-df", "1"]);
    let how = "how an accent is encoded (as one character, or as a letter and a combining mark: Unicode NFC against \
               NFD; save both the same way)";
    assert_eq!(
        err,
        format!(
            "stancekit: error: {}:22: column 'label': label '{nfd}' differs from '{nfc}' (line 3) only by {how}; \
             make them agree\n",
            d.join("nf.csv").display()
        )
    );
    // Case and encoding both: said as such.
    let rows = format!("{base}worst,N{}\n", &nfd[1..]);
    let err = train_error(d, "nf2.csv", rows.as_bytes(), &["--min-df", "1"]);
    assert!(
        err.contains(&format!("label 'N{}' differs from '{nfc}' (line 3) only by case and {how}", &nfd[1..])),
        "{err}"
    );
}

/// A label with a character that is not seen, as text copied from a web page or a
/// spreadsheet carries it (a zero-width space after `pos`, a soft hyphen inside it):
/// it printed as `pos` and trained as a class of its own beside it (`pos 20, pos 1` in
/// inspect), exit 0.
#[test]
fn labels_with_an_invisible_character_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut base = String::from("text,label\n");
    for i in 0..10 {
        base.push_str(&format!("good {i},pos\nbad {i},neg\n"));
    }
    let rows = format!("{base}great,pos\u{200b}\n");
    let err = train_error(d, "zw.csv", rows.as_bytes(), &["--min-df", "1"]);
    assert_eq!(
        err,
        format!(
            "stancekit: error: {}:22: column 'label': label 'pos\\u{{200b}}' has the invisible character U+200B at \
             its end (copied from a web page or a spreadsheet? it prints as 'pos' but would be a class of its own: \
             delete it)\n",
            d.join("zw.csv").display()
        )
    );
    let rows = format!("{base}great,po\u{ad}s\n");
    let err = train_error(d, "shy.csv", rows.as_bytes(), &["--min-df", "1"]);
    assert!(
        err.contains(
            "shy.csv:22: column 'label': label 'po\\u{ad}s' differs from 'pos' (line 2) only by the invisible \
             character U+00AD (copied from a web page or a spreadsheet? it prints as nothing: delete it); make them \
             agree"
        ),
        "{err}"
    );
    // Tested against a model's label: said as such, not as an unknown label.
    let r = run_in(
        d,
        &[
            "train",
            "-q",
            "--data",
            write(d, "tr.csv", base.as_bytes()).to_str().unwrap(),
            "--out",
            "m.json",
            "--min-df",
            "1",
            "--calibration-folds",
            "0",
        ],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    write(d, "te.csv", "text,label\ngreat,p\u{2060}os\n".as_bytes());
    let r = run_in(d, &["eval", "--model", "m.json", "--data", "te.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stderr.contains("te.csv:2: column 'label': label 'p\\u{2060}os' differs from the model's label 'pos' only by the invisible character U+2060"), "{}", r.stderr);
}

/// A tested label that is a model's label with its accent encoded the other way is
/// said to be so; it used to be `unknown label 'négatif' (expected one of: négatif,
/// positif)`, two spellings that print alike.
#[test]
fn a_tested_label_encoded_unlike_the_models_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (nfc, nfd) = ("n\u{e9}gatif", "ne\u{301}gatif");
    let mut rows = String::from("text,label\n");
    for i in 0..20 {
        rows.push_str(&format!("good deal {i},positif\nbad loss {i},{nfc}\n"));
    }
    write(d, "tr.csv", rows.as_bytes());
    write(d, "te.csv", format!("text,label\nthe talks failed,{nfd}\n").as_bytes());
    let r = run_in(d, &["train", "-q", "--data", "tr.csv", "--out", "m.json", "--calibration-folds", "0"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let expected = format!(
        "stancekit: error: te.csv:2: column 'label': label '{nfd}' differs from the model's label '{nfc}' only by how \
         an accent is encoded (as one character, or as a letter and a combining mark: Unicode NFC against NFD; save \
         both the same way); make them agree\n"
    );
    for args in [
        vec!["eval", "--model", "m.json", "--data", "te.csv"],
        vec!["eval", "--data", "tr.csv", "--test-data", "te.csv", "--calibration-folds", "0"],
    ] {
        let r = run_in(d, &args);
        assert_eq!((r.status, r.stderr.as_str()), (2, expected.as_str()), "{args:?}");
    }
}

/// Text scraped from web pages or feeds keeps HTML character references: they are read
/// as the characters they stand for. "didn&#39;t fail" was read as the words `didn`, `39`,
/// `t`, `fail`, its negation lost: the shipped sentiment model said negative (0.591)
/// where it says neutral of "didn't fail"; `&quot;` gave a word `quot`.
#[test]
fn html_character_references_in_scraped_text_are_read_as_their_characters() {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let lines = "The talks didn't fail.\nThe talks didn&#39;t fail.\nThe talks didn&rsquo;t fail.\n\
                 Officials \"rejected\" the claims.\nOfficials &quot;rejected&quot; the claims.\n";
    let r = run_with_stdin(
        &["predict", "--model", model.to_str().unwrap(), "--input-format", "plain-lines", "--format", "json"],
        lines.as_bytes(),
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let prediction = |i: usize| rows[i]["predictions"]["sentiment"].clone();
    assert_eq!(prediction(1), prediction(0), "{}", r.stdout);
    assert_eq!(prediction(2), prediction(0), "{}", r.stdout);
    assert_eq!(prediction(4), prediction(3), "{}", r.stdout);
    // The text is written as given.
    assert_eq!(rows[1]["text"], "The talks didn&#39;t fail.");
}

/// A line break in a spreadsheet cell is stored in an .xlsx as Excel's escape `_x000D_`,
/// which pandas' `read_excel` leaves in the text, and so in the CSV it writes. It was
/// read as a word: the model learnt `x000d` and the n-grams across it (`x000d both`).
#[test]
fn excel_line_break_escapes_are_read_as_line_breaks_not_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows: String = (0..10)
        .map(|i| {
            format!(
                "\"Talks failed in round {i}._x000D_\nBoth sides left.\",negative\n\
                 Talks went well._x000D_Deal {i} signed.,positive\n"
            )
        })
        .collect();
    write(d, "xl.csv", format!("text,label\n{rows}").as_bytes());
    let r = run_in(d, &["train", "-q", "--data", "xl.csv", "--out", "m.json", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let model = stancekit::model::ModelFile::load(&d.join("m.json")).unwrap();
    let names: Vec<String> = (0..model.featurizer.n_features()).map(|i| model.featurizer.feature_name(i)).collect();
    assert!(names.iter().any(|n| n == "both"), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("x000d")), "{names:?}");
}

#[test]
fn line_endings_bom_and_embedded_newlines_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // BOM + CRLF, lone CR, and a quoted newline: all train (one-class error proves the rows parsed).
    for (name, content) in [
        ("crlf.csv", &b"\xEF\xBB\xBFtext,label\r\nx,a\r\n\"multi\r\nline\",a\r\n"[..]),
        ("cr.csv", &b"text,label\rx,a\ry,a\r"[..]),
    ] {
        let err = train_error(d, name, content, &[]);
        assert!(err.contains("only one class ('a')"), "{name}: {err}");
    }
    // Line numbers are exact whatever ends the lines: the empty label is on line 4.
    for (name, content) in [
        ("lone_cr.csv", &b"text,label\ra,x\rb,y\rc,\r"[..]),
        ("lf_then_crlf.csv", &b"text,label\na,x\r\nb,y\r\nc,\r\n"[..]),
        ("blank_lines.csv", &b"text,label\na,x\n\nc,\n"[..]),
    ] {
        let err = train_error(d, name, content, &[]);
        assert!(err.contains(&format!("{name}:4: column 'label': empty label (give the row")), "{err}");
    }
}

/// Old Mac line endings (a lone CR) end a JSON Lines record or a line of standard input,
/// as they end a CSV row or an article's line: such a file used to be one malformed JSON
/// record (`trailing characters at column 38`), standard input one text of every line.
#[test]
fn json_lines_and_stdin_lines_ended_by_a_lone_cr_are_one_row_each() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let model = model.to_str().unwrap();
    write(d, "mac.jsonl", b"{\"id\":\"a\",\"text\":\"Talks went well.\"}\r{\"id\":\"b\",\"text\":\"They lied.\"}\r");
    let r = run_in(d, &["predict", "--model", model, "mac.jsonl"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    let ids: Vec<String> = ids_and_texts(&r.stdout).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["a", "b"], "{}", r.stdout);
    let r = run_with_stdin(&["predict", "--model", model, "-"], b"Talks went well.\rThey lied.\r\rFine.\r\n");
    assert_eq!(r.status, 2, "the empty line is an error row: {}", r.stderr);
    let rows = ids_and_texts(&r.stdout);
    let ids: Vec<&str> = rows.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4"], "{}", r.stdout);
    assert_eq!((rows[1].1.as_str(), rows[2].1.as_str()), ("They lied.", "error: -:3: empty text"));
}

#[test]
fn an_unclosed_quote_is_an_error_not_the_rest_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The csv crate alone reads 3 rows here, the third holding lines 4 to 7.
    let content =
        b"label,text\na,good deal signed\nb,war threat\na,\"peace talks agreed\nb,attack on border\na,good talks\nb,bombing raid\n";
    let expected = format!("sw.csv:4: column 'text': {UNCLOSED}");
    let err = train_error(d, "sw.csv", content, &["--min-df", "1"]);
    assert!(err.contains(&expected), "{err}");
    let r = run_in(d, &["eval", "--data", "sw.csv", "--min-df", "1"]);
    assert_eq!((r.status, r.stderr.lines().count()), (2, 1), "{}", r.stderr);
    assert!(r.stderr.contains(&expected), "{}", r.stderr);
    // So does actors, which reads its own columns.
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    write(
        d,
        "actors.csv",
        b"text,accusation,source,target\nRussia accused the U.S.,accusation,Russia,\"the U.S.\nx,none,,\n",
    );
    let r = run_in(d, &["actors", "--data", "actors.csv", "--lexicon", lexicon.to_str().unwrap()]);
    assert_eq!((r.status, r.stderr.lines().count()), (2, 1), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("actors.csv:2: column 'target': {UNCLOSED}")), "{}", r.stderr);

    // predict labels the rows before it and flags the broken one; the rows it swallowed
    // cannot be told apart, so they get no row of their own.
    let model = model(d);
    write(d, "in.csv", b"id,text\n1,a fine film\n2,\"a\"b\"c\n3,\"hello there\n4,world is good\n5,foo bar\n");
    let r = run_in(d, &["predict", "--model", &model, "--format", "json", "in.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert!(rows[0]["error"].is_null() && rows[0]["predictions"]["label"]["label"].is_string());
    assert_eq!(
        rows[1]["error"],
        "in.csv:3: column 'text': malformed CSV: text after the closing quote of this field (inside quotes, write a quote as \"\")"
    );
    assert_eq!(rows[2]["error"], format!("in.csv:4: column 'text': {UNCLOSED}"));
    assert!(r.stderr.contains("2 of 3 input rows could not be read"), "{}", r.stderr);
}

/// A `--filter` cell that differs from the value only as a hand-typed copy would (`Train`,
/// `train ` with a space from a spreadsheet, `1.0` for `1`) is named, as labels that differ
/// so are: the row was left out without a word (only when no row at all matched was
/// anything said), so `train --filter split=train` trained on fewer rows, exit 0.
#[test]
fn a_filter_cell_that_differs_from_the_value_only_by_case_or_spaces_is_named_not_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = "text,label,split\ngood film,pos,train\nbad film,neg,train\ngreat,pos,dev\nawful,neg,{cell}\n";
    for (cell, filter, how) in [
        ("Train", "split=train", "case"),
        ("train ", "split=train", "white space around it (cells are compared as written, never trimmed: remove it)"),
        (
            "1.0",
            "split=1",
            "how the number is written (a column of numbers saved as decimals by a spreadsheet or pandas writes 1 as \
             1.0; write them the same way)",
        ),
    ] {
        write(
            d,
            "tr.csv",
            rows.replace("{cell}", cell).replace("train\n", if cell == "1.0" { "1\n" } else { "train\n" }).as_bytes(),
        );
        let expected = format!(
            "stancekit: error: tr.csv:5: column 'split': '{cell}' differs from --filter {filter} only by {how}, so the \
             row would be left out; make them agree\n"
        );
        for command in
            [&["train", "--data", "tr.csv", "--out", "x.json"][..], &["eval", "--data", "tr.csv", "--folds", "2"]]
        {
            let r = run_in(d, &[command, &["--filter", filter]].concat());
            assert_eq!((r.status, r.stderr.as_str()), (2, expected.as_str()), "{cell:?} {command:?}");
        }
        assert!(!d.join("x.json").exists());
    }
    // Another value is another value: left out, as before.
    write(d, "tr.csv", rows.replace("{cell}", "train").replace("dev", "test").as_bytes());
    let r = run_in(d, &["train", "-q", "--data", "tr.csv", "--out", "x.json", "--filter", "split=train"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
}

/// Filters that leave no row are named in the error; two filters on one column could
/// never both hold, so they are refused before reading.
#[test]
fn filters_that_match_nothing_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "tr.csv", b"text,label,grp\ngood film,pos,a\nbad film,neg,b\n");
    write(d, "tr2.csv", b"text,label,grp\ngood film,pos,a\n");
    for (extra, expected) in [
        (&["--filter", "grp=zzz"][..], "tr.csv: no rows match --filter grp=zzz"),
        (
            &["--filter", "grp=a", "--filter", "label=neg"][..],
            "tr.csv: no rows match --filter grp=a --filter label=neg",
        ),
        (
            &["--filter", "grp=a", "--filter", "grp=b"][..],
            "--filter grp=a and --filter grp=b cannot both hold (a row has one value in column 'grp'; give one \
             --filter per column)",
        ),
    ] {
        for command in
            [&["train", "--data", "tr.csv", "--out", "x.json"][..], &["eval", "--data", "tr.csv", "--folds", "2"]]
        {
            let r = run_in(d, &[command, extra].concat());
            assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {expected}\n")), "{command:?} {extra:?}");
        }
    }
    let r = run_in(d, &["train", "--data", "tr.csv", "tr2.csv", "--out", "x.json", "--filter", "grp=zzz"]);
    assert_eq!(r.stderr, "stancekit: error: tr.csv: no rows in any of tr.csv, tr2.csv match --filter grp=zzz\n");
    // No column before '=' (`--filter $COL=a` with COL unset): it was `tr.csv: no column ''`.
    let r = run_in(d, &["train", "--data", "tr.csv", "--out", "x.json", "--filter", "=a"]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.starts_with(
            "error: invalid value '=a' for '--filter <COLUMN=VALUE>': '=a' names no column before '=' (write \
             COLUMN=VALUE, e.g. split=train)\n"
        ),
        "{}",
        r.stderr
    );
    assert!(!d.join("x.json").exists());
}

/// The keyword rule maps labels to lexicon categories by name: labels that name none
/// would all get the first label, so they are refused; a second label without a
/// category, which the rule can never give, is warned about.
#[test]
fn keyword_rule_needs_labels_named_as_lexicon_categories() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let lexicon = lexicon.to_str().unwrap();
    write(d, "yn.csv", b"text,label\nThey accused him,yes\nA fine day,no\n");
    let r = run_in(d, &["eval", "--keyword-rule", "--lexicon", lexicon, "--data", "yn.csv"]);
    assert_eq!((r.status, r.stdout.as_str()), (2, ""));
    assert!(
        r.stderr
            .starts_with("stancekit: error: invalid --keyword-rule: no label (no, yes) is a category of the lexicon ("),
        "{}",
        r.stderr
    );
    write(d, "ac.csv", b"text,label\nThey accused him,accusation\nA fine day,none\nok then,other\n");
    let r = run_in(d, &["eval", "--keyword-rule", "--lexicon", lexicon, "--data", "ac.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "stancekit: warning: --keyword-rule never gives 'other': only one label without a lexicon category can be its \
         answer when no cue is found\n"
    );
}

#[test]
fn training_data_problems() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A class with a single example still trains (it is data, not an error).
    let single = write(d, "single.csv", b"text,label\ngood film,pos\nfine film,pos\nbad film,neg\n");
    let r = run_in(d, &["train", "--data", single.to_str().unwrap(), "--out", "single.json", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // More folds than rows.
    let r = run_in(d, &["eval", "--data", single.to_str().unwrap(), "--folds", "5"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("invalid --folds: 5 folds but only 3 rows"), "{}", r.stderr);
    // Counts of one are said in the singular ("1 groups", "1 values" before).
    write(d, "grouped.csv", b"text,label,doc\ngood film,pos,a\nfine film,pos,a\nbad film,neg,a\n");
    let r = run_in(d, &["eval", "--data", "grouped.csv", "--folds", "2", "--group-column", "doc"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("invalid --folds: 2 folds but only 1 group\n"), "{}", r.stderr);
    let r = run_in(d, &["train", "--data", "single.csv", "grouped.csv", "--data-weight", "2", "--out", "w.json"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--data-weight has 1 value for 2 --data files"), "{}", r.stderr);
    let r = run_in(d, &["train", "--data", "single.csv", "--data-weight", "2", "1", "--out", "w.json"]);
    assert_eq!(r.stderr, "stancekit: error: --data-weight has 2 values for 1 --data file\n");
    // Duplicate rows are counted and reported.
    let dup =
        write(d, "dup.csv", b"text,label\ngood film,pos\ngood film,pos\nbad film,neg\nbad film,neg\nbad film,neg\n");
    let r = run_in(d, &["train", "--data", dup.to_str().unwrap(), "--out", "dup.json", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning: 3 rows repeat an earlier (text, label) pair"), "{}", r.stderr);
    // A label column of ids (every row a class of its own) is refused before fitting.
    let ids: String = (0..150).map(|i| format!("row{i},text number {i} here,{}\n", i % 2)).collect();
    write(d, "ids.csv", format!("id,text,label\n{ids}").as_bytes());
    let r = run_in(d, &["train", "--data", "ids.csv", "--label-column", "id", "--out", "ids.json"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "stancekit: error: ids.csv: 150 classes in 150 rows, 150 of them with a single row: no class can be learnt \
         from one example (is this the label column? an id or a text column gives every row a class of its own)\n"
    );
    assert!(!d.join("ids.json").exists());
    // A column of the article each pair of rows came from: most classes of two rows. It
    // trained 1,500 such classes of 3,000 rows in 1.9 GB into a 74 MB model, exit 0.
    let pairs: String = (0..300).map(|i| format!("doc{},text number {i} here,{}\n", i / 2, i % 2)).collect();
    write(d, "pairs.csv", format!("doc,text,label\n{pairs}").as_bytes());
    let r = run_in(d, &["train", "--data", "pairs.csv", "--label-column", "doc", "--out", "pairs.json"]);
    assert_eq!(
        (r.status, r.stderr),
        (
            2,
            "stancekit: error: pairs.csv: 150 classes in 300 rows, 150 of them with two rows or fewer: no class can be \
             learnt from so few examples (is this the label column? an id of the article or speaker a row belongs to \
             gives each few rows a class of their own)\n"
                .to_string()
        )
    );
    let r = run_in(d, &["train", "--data", "ids.csv", "--out", "labels.json", "--min-df", "1", "-q"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let one = write(d, "one_dup.csv", b"text,label\ngood film,pos\ngood film,pos\nbad film,neg\n");
    let r = run_in(d, &["train", "--data", one.to_str().unwrap(), "--out", "one.json", "--min-df", "1"]);
    assert!(r.stderr.contains("warning: 1 row repeats an earlier (text, label) pair"), "{}", r.stderr);
    let r = run_in(d, &["inspect", "--model", "dup.json", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["provenance"]["n_duplicates"], 3);
}

#[test]
fn model_file_damage() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = std::fs::read(model(d)).unwrap();
    let truncated = &good[..good.len() * 2 / 3];
    let text = String::from_utf8(good.clone()).unwrap();
    // Change one character of the packed weights: still JSON and base64, caught by the checksum.
    let at = text.find("\"weights\":[\"").unwrap() + 12;
    let mut flipped = good.clone();
    flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
    let version = stancekit::model::VERSION;
    let newer = text.replacen(&format!("\"version\":{version}"), &format!("\"version\":{}", version + 1), 1);
    let newer_message = format!(
        "newer.json: model format version {} is not supported (this build reads versions 1 to {version}",
        version + 1
    );
    // A featurizer damaged by hand, the checksum recomputed so that only the parse can tell.
    let mut edited: serde_json::Value = serde_json::from_slice(&good).unwrap();
    edited["featurizer"]["vocabulary"] = 5.into();
    edited["checksum"] = "0".repeat(64).into();
    let edited = stancekit::model::with_checksum(&serde_json::to_string(&edited).unwrap());
    // The same for the classifier: its packed weights are not whole floats.
    let mut bad_weights: serde_json::Value = serde_json::from_slice(&good).unwrap();
    bad_weights["classifier"]["weights"][0] = "AACA".into();
    bad_weights["checksum"] = "0".repeat(64).into();
    let bad_weights = stancekit::model::with_checksum(&serde_json::to_string(&bad_weights).unwrap());
    // A count of the provenance typed as a word: serde's message named no field.
    let mut bad_count: serde_json::Value = serde_json::from_slice(&good).unwrap();
    bad_count["provenance"]["n_rows"] = "many".into();
    bad_count["checksum"] = "0".repeat(64).into();
    let bad_count = stancekit::model::with_checksum(&serde_json::to_string(&bad_count).unwrap());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("missing.json", Vec::new(), "missing.json: No such file or directory"),
        ("empty.json", Vec::new(), "empty.json: not a valid stancekit model: the file is empty"),
        ("truncated.json", truncated.to_vec(), "truncated.json: not a valid stancekit model: not JSON at line 1"),
        ("flipped.json", flipped, "flipped.json: not a valid stancekit model: checksum mismatch"),
        ("newer.json", newer.into_bytes(), &newer_message),
        ("csv.json", b"text,label\nx,y\n".to_vec(), "csv.json: not a valid stancekit model: not JSON"),
        (
            "edited.json",
            edited.clone().into_bytes(),
            "edited.json: not a valid stancekit model: in the featurizer at line 1 column ",
        ),
        // The same file: the message names the field (serde's alone did not).
        ("edited.json", edited.into_bytes(), ": field 'vocabulary': invalid type: integer `5`, expected the n-grams"),
        (
            "count.json",
            bad_count.into_bytes(),
            "count.json: not a valid stancekit model: field 'provenance.n_rows': invalid type: string \"many\", \
             expected usize",
        ),
        (
            "weights.json",
            bad_weights.into_bytes(),
            "weights.json: not a valid stancekit model: in the classifier at line 1 column ",
        ),
    ];
    for (name, bytes, expected) in cases {
        if name != "missing.json" {
            write(d, name, &bytes);
        }
        let r = run_with_stdin(&["predict", "--model", d.join(name).to_str().unwrap(), "-"], b"some text\n");
        assert_eq!(r.status, 2, "{name}");
        assert!(r.stderr.contains(expected), "{name}: expected {expected:?} in {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{name}: {}", r.stderr);
    }
}

#[test]
fn a_sealed_model_with_impossible_labels_or_numbers_is_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good: serde_json::Value = serde_json::from_slice(&std::fs::read(model(d)).unwrap()).unwrap();
    let n_ngrams = good["featurizer"]["vocabulary"].as_str().unwrap().split('|').count();
    let cases: [(&str, &str, serde_json::Value, &str); 5] = [
        ("labels", "dup.json", serde_json::json!(["a", "a"]), "label 'a' appears twice"),
        // `inspect` pairs labels with their counts: one edited out dropped a label from
        // its list without a word.
        ("label_counts", "counts.json", serde_json::json!([75]), "2 labels but 1 label count in the provenance"),
        ("labels", "empty.json", serde_json::json!(["a", ""]), "an empty label (every class needs a name)"),
        ("intercepts", "three.json", serde_json::json!([0.0, 0.0, 0.0]), "2 labels but 3 intercepts"),
        // Decimal arrays are read too (format version 1); 1e39 is beyond f32, and JSON
        // numbers are read exactly (serde_json's float_roundtrip), so it is out of range.
        ("idf", "idf.json", serde_json::json!(vec![1e39; n_ngrams]), "in the featurizer at line 1 column"),
    ];
    for (field, name, value, expected) in cases {
        let mut edited = good.clone();
        match field {
            "idf" => edited["featurizer"]["idf"] = value,
            "intercepts" => edited["classifier"]["intercepts"] = value,
            "label_counts" => edited["provenance"][field] = value,
            _ => edited[field] = value,
        }
        edited["checksum"] = "0".repeat(64).into();
        write(d, name, stancekit::model::with_checksum(&serde_json::to_string(&edited).unwrap()).as_bytes());
        let r = run_with_stdin(&["predict", "--model", d.join(name).to_str().unwrap(), "-"], b"some text\n");
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{name}");
        let expected = format!("{name}: not a valid stancekit model: {expected}");
        assert!(r.stderr.contains(&expected), "{name}: expected {expected:?} in {}", r.stderr);
        if name == "idf.json" {
            assert!(r.stderr.ends_with(": number out of range\n"), "{}", r.stderr);
        }
    }
    let r = run_in(d, &["inspect", "--model", "counts.json"]);
    assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{}", r.stdout);
}

/// The lexicon a model file carries, edited by hand and sealed again: its cues were not
/// checked at load, so a weight of -5 turned a cue against its category and 1e30 made
/// it decide every sentence that holds it (the shipped sentiment model's 0.908 for
/// "They accuse him of lying." became 0.731 and 1.000), a cue without a word counted for
/// its category's columns, and a category that no cues file allows ('Bad Cat') was
/// reported as a count of weights. Each is refused by the rule a cues file is read with.
#[test]
fn a_model_whose_lexicon_was_edited_is_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json")).unwrap(),
    )
    .unwrap();
    let first = &good["featurizer"]["lexicon"]["cues"][0];
    assert_eq!((first["term"].as_str(), first["category"].as_str()), (Some("accuse"), Some("accusation")));
    let cases: [(&str, &str, serde_json::Value, &str); 6] = [
        ("weight", "negative.json", (-5.0).into(), "lexicon cue 1 ('accuse'): weight -5 is outside (0, 2]"),
        ("weight", "huge.json", 1e30.into(), "lexicon cue 1 ('accuse'): weight 1e30 is outside (0, 2]"),
        ("weight", "zero.json", 0.0.into(), "lexicon cue 1 ('accuse'): weight 0 is outside (0, 2]"),
        ("term", "blank.json", "  ".into(), "lexicon cue 1: term '  ' has no words"),
        (
            "category",
            "category.json",
            "Bad Cat".into(),
            "lexicon cue 1 ('accuse'): category 'Bad Cat' must be lower-case letters or '_'",
        ),
        // A new category of the right form adds two cue columns the weights lack: the
        // count says what the features are made of.
        (
            "category",
            "new.json",
            "blame".into(),
            "a weight row has 75955 values for 75957 features (75943 n-grams and 2 columns for each of the lexicon's 7 \
             cue categories)",
        ),
    ];
    for (field, name, value, expected) in cases {
        let mut edited = good.clone();
        edited["featurizer"]["lexicon"]["cues"][0][field] = value;
        edited["checksum"] = "0".repeat(64).into();
        write(d, name, stancekit::model::with_checksum(&serde_json::to_string(&edited).unwrap()).as_bytes());
        let r = run_with_stdin(
            &["predict", "--model", d.join(name).to_str().unwrap(), "-"],
            b"They accuse him of lying.\n",
        );
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{name}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            format!("stancekit: error: {}: not a valid stancekit model: {expected}\n", d.join(name).display()),
            "{name}"
        );
    }
}

/// A model's `version` edited to something other than a whole number (a string, as a
/// tool that quotes every value writes it; a decimal; a negative number) was "no 'version'
/// number", as if the field were missing; a truncated file said its place twice ("not JSON
/// at line 1 column 900: EOF while parsing a string at line 1 column 900"); a count of one
/// said "1 labels", "1 offsets".
#[test]
fn a_model_version_that_is_not_a_whole_number_is_named_by_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = std::fs::read_to_string(model(d)).unwrap();
    let version = stancekit::model::VERSION;
    let blanked = {
        let v: serde_json::Value = serde_json::from_str(&good).unwrap();
        let stored = v["checksum"].as_str().unwrap().to_string();
        good.replacen(&stored, &"0".repeat(64), 1)
    };
    let sealed_with =
        |field: &str| stancekit::model::with_checksum(&blanked.replacen(&format!("\"version\":{version}"), field, 1));
    let hint = format!("a model file holds it as a whole number, e.g. {version}");
    let mut labels: serde_json::Value = serde_json::from_str(&good).unwrap();
    labels["labels"] = serde_json::json!(["a"]);
    labels["classifier"]["weights"] = serde_json::json!([labels["classifier"]["weights"][0]]);
    labels["classifier"]["intercepts"] = serde_json::json!([0.0]);
    labels["checksum"] = "0".repeat(64).into();
    let mut offsets: serde_json::Value = serde_json::from_str(&good).unwrap();
    offsets["classifier"]["decision"] =
        serde_json::json!({"offsets": [0.0], "folds": 5, "rows": 300, "macro_f1_before": 0.5, "macro_f1_after": 0.6});
    offsets["checksum"] = "0".repeat(64).into();
    let cases: Vec<(&str, String, String)> = vec![
        (
            "string.json",
            sealed_with(&format!("\"version\":\"{version}\"")),
            format!("'version' is the string \"{version}\", not a number ({hint})"),
        ),
        (
            "decimal.json",
            sealed_with(&format!("\"version\":{version}.5")),
            format!("'version' {version}.5 is a decimal ({hint})"),
        ),
        (
            "float.json",
            sealed_with(&format!("\"version\":{version}.0")),
            format!("'version' {version}.0 is a decimal ({hint})"),
        ),
        (
            "negative.json",
            sealed_with("\"version\":-1"),
            format!("'version' -1 is not a format version (this build reads versions 1 to {version})"),
        ),
        ("bool.json", sealed_with("\"version\":true"), format!("'version' is a bool, not a number ({hint})")),
        (
            "huge.json",
            sealed_with("\"version\":18446744073709551615"),
            format!(
                "model format version 18446744073709551615 is not supported (this build reads versions 1 to {version}; \
                 retrain the model or upgrade stancekit)"
            ),
        ),
        (
            "truncated.json",
            good.get(..900).unwrap().to_string(),
            "not a valid stancekit model: not JSON at line 1 column 900: EOF while parsing a string (truncated or \
             damaged?)"
                .to_string(),
        ),
        (
            "one.json",
            stancekit::model::with_checksum(&serde_json::to_string(&labels).unwrap()),
            "not a valid stancekit model: 1 label; at least 2 are needed".to_string(),
        ),
        (
            "offsets.json",
            stancekit::model::with_checksum(&serde_json::to_string(&offsets).unwrap()),
            "not a valid stancekit model: decision has 1 offset for 2 classes".to_string(),
        ),
    ];
    for (name, text, expected) in cases {
        write(d, name, text.as_bytes());
        let r = run_with_stdin(&["predict", "--model", d.join(name).to_str().unwrap(), "-"], b"some text\n");
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{name}: {}", r.stderr);
        let expected = if expected.starts_with("not a valid") || expected.starts_with("model format") {
            format!("stancekit: error: {}: {expected}\n", d.join(name).display())
        } else {
            format!("stancekit: error: {}: not a valid stancekit model: {expected}\n", d.join(name).display())
        };
        assert_eq!(r.stderr, expected, "{name}");
    }
}

/// A cues or word-classes file saved as CSV, or copied from a web page that turned its
/// tabs into spaces, was only `expected 3 tab-separated fields (...), found 1`.
#[test]
fn a_lexicon_line_separated_by_commas_or_spaces_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    let tabs = "the file is tab-separated, one TAB between fields)";
    let cues = "malformed lexicon line: expected 3 tab-separated fields (term, category, weight), found 1";
    let classes = "malformed word-classes line: expected 2 tab-separated fields (word, class), found 1";
    let spaces = "separated by spaces, as text copied from a web page or an editor that turns tabs into spaces has it";
    let cases: [(&str, &[u8], &str, String); 5] = [
        (
            "--lexicon",
            b"term,category,weight\ngood,positive,1\n",
            "reading lexicon: ",
            format!("1: {cues} (the line is separated by commas: {tabs}"),
        ),
        (
            "--lexicon",
            b"good;positive;1\n",
            "reading lexicon: ",
            format!("1: {cues} (the line is separated by semicolons: {tabs}"),
        ),
        (
            "--lexicon",
            b"term\tcategory\tweight\nheld responsible  accusation  1\n",
            "reading lexicon: ",
            format!("2: {cues} (the line is {spaces}: {tabs}"),
        ),
        (
            "--word-classes",
            b"good,c1\n",
            "reading word classes: ",
            format!("1: {classes} (the line is separated by commas: {tabs}"),
        ),
        (
            "--word-classes",
            b"good    c1\n",
            "reading word classes: ",
            format!("1: {classes} (the line is {spaces}: {tabs}"),
        ),
    ];
    for (flag, content, context, expected) in cases {
        write(d, "f.tsv", content);
        let r = run_in(d, &["train", "--data", data, "--out", "m.json", flag, "f.tsv"]);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {context}f.tsv:{expected}\n")), "{flag}");
    }
    // A line of the wrong number of tabs has no such hint.
    write(d, "f.tsv", b"good\tpositive\n");
    let r = run_in(d, &["train", "--data", data, "--out", "m.json", "--lexicon", "f.tsv"]);
    assert!(r.stderr.ends_with(&format!("f.tsv:1: {}\n", cues.replace("found 1", "found 2"))), "{}", r.stderr);
}

/// Header lines as a table export writes them: `word<TAB>class` (pandas'
/// `to_csv(sep="\t")`) was read as an entry, the word "word" in a class "class" of its
/// own, and `Term<TAB>Category<TAB>Weight` was refused as a category not in lower case.
#[test]
fn header_lines_of_word_classes_and_cues_in_any_case_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    write(d, "classes.tsv", b"Word\tClass\ngood\tc1\nbad\tc2\n");
    write(d, "cues.tsv", b"Term\tCategory\tWeight\ngood\tpositive\t1\nbad\tnegative\t1\n");
    let args =
        ["train", "-q", "--data", data, "--out", "m.json", "--word-classes", "classes.tsv", "--lexicon", "cues.tsv"];
    let r = run_in(d, &args);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    let r = run_in(d, &["inspect", "--model", "m.json"]);
    assert!(r.stdout.contains("word classes (2 words, 2 classes)"), "{}", r.stdout);
    assert!(r.stdout.contains("(2 cues)"), "{}", r.stdout);
    // Only the first line is a header: the word "word" later is an entry.
    write(d, "classes.tsv", b"good\tc1\nword\tclass\n");
    let r = run_in(d, &args);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    let r = run_in(d, &["inspect", "--model", "m.json"]);
    assert!(r.stdout.contains("word classes (2 words, 2 classes)"), "{}", r.stdout);
}

/// A text's numbers are all one token, so a cue `2004` matched every number: the keyword
/// rule called "Prices fell 3 percent in 1999." positive by it, exit 0. A list term with
/// a number likewise; the word-classes reader already refused numbers.
#[test]
fn a_lexicon_term_holding_a_number_is_refused_not_matched_to_every_number() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("lex")).unwrap();
    write(
        d,
        "kw.csv",
        b"text,label\nPrices fell 3 percent in 1999.,negative\nAn awful year.,negative\nA fine day.,positive\n",
    );
    let every =
        "and a text's numbers are all one token, <num>, so it would match every number: leave numbers out of terms";
    for (file, content, expected) in [
        ("cues.tsv", &b"term\tcategory\tweight\n2004\tpositive\t1\nawful\tnegative\t1\n"[..], format!("cues.tsv:2: column 'term': malformed lexicon line: term '2004' holds the number '2004', {every}")),
        ("cues.tsv", b"awful\tnegative\t1\nfirst 100 days\tpositive\t1\n", format!("cues.tsv:2: column 'term': malformed lexicon line: term 'first 100 days' holds the number '100', {every}")),
        ("negators.txt", b"not\n10\n", format!("negators.txt:2: malformed lexicon line: term '10' holds the number '10', {every}")),
    ] {
        write(&d.join("lex"), "cues.tsv", b"awful\tnegative\t1\nfine\tpositive\t1\n");
        write(&d.join("lex"), file, content);
        let r = run_in(d, &["eval", "--keyword-rule", "--lexicon", "lex", "--data", "kw.csv"]);
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{file}: {}", r.stderr);
        assert_eq!(r.stderr, format!("stancekit: error: reading lexicon lex: lex/{expected}\n"));
        let _ = std::fs::remove_file(d.join("lex/negators.txt"));
    }
    // Words with digits in them are words: g20, covid-19.
    write(&d.join("lex"), "cues.tsv", b"g20\tcooperative\t1\ncovid-19\tnegative\t1\n");
    let r = run_in(d, &["train", "-q", "--data", "kw.csv", "--out", "m.json", "--lexicon", "lex", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

#[test]
fn malformed_lexicon_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    std::fs::create_dir(d.join("lex")).unwrap();
    write(&d.join("lex"), "cues.tsv", b"term\tcategory\tweight\ngood\tpositive\t1\nbad\tnegative\n");
    let r = run_in(d, &["train", "--data", data.to_str().unwrap(), "--out", "m.json", "--lexicon", "lex"]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("lex/cues.tsv:3: malformed lexicon line: expected 3 tab-separated fields"),
        "{}",
        r.stderr
    );
}

/// A lexicon or word-classes file that is missing, or malformed when given itself (not
/// its directory), was named twice: 'reading lexicon nope: nope: No such file or
/// directory (os error 2)'.
#[test]
fn a_missing_or_malformed_lexicon_file_is_named_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "tr.csv", b"text,label\ngood fun,pos\nbad mess,neg\n");
    write(d, "actors.csv", b"text,accusation,source,target\nA accused B.,accusation,A,B\n");
    write(d, "bad.tsv", b"accus\taccusation\theavy\n");
    std::fs::create_dir(d.join("lex")).unwrap();
    write(d, "lex/cues.tsv", b"accus\taccusation\theavy\n");
    let train = ["train", "--data", "tr.csv", "--out", "m.json"];
    let missing = "No such file or directory (os error 2)";
    let weight = "column 'weight': malformed lexicon line: weight 'heavy' is not a number";
    let cases: [(&[&str], &[&str], String); 6] = [
        (&train, &["--lexicon", "nope"], format!("reading lexicon: nope: {missing}")),
        (&train, &["--word-classes", "nope.tsv"], format!("reading word classes: nope.tsv: {missing}")),
        (&["actors", "--data", "actors.csv"], &["--lexicon", "nope"], format!("reading lexicon: nope: {missing}")),
        (&train, &["--lexicon", "bad.tsv"], format!("reading lexicon: bad.tsv:1: {weight}")),
        // A directory is still said before the file in it that the error names.
        (&train, &["--lexicon", "lex"], format!("reading lexicon lex: lex/cues.tsv:1: {weight}")),
        (&train, &["--lexicon", "."], format!("reading lexicon .: ./cues.tsv: {missing}")),
    ];
    for (command, flags, expected) in cases {
        let mut args = command.to_vec();
        args.extend_from_slice(flags);
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{flags:?}: {}", r.stderr);
        assert_eq!(r.stderr, format!("stancekit: error: {expected}\n"), "{flags:?}");
    }
}

/// A lexicon saved with old Mac line endings (a lone CR) is read line by line, as a
/// CSV or an article is: the cues file used to be one line, its header, and training
/// stopped with `a lexicon with no cues`.
#[test]
fn a_lexicon_with_lone_cr_line_endings_is_read_line_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    std::fs::create_dir(d.join("lex")).unwrap();
    write(d, "lex/cues.tsv", b"term\tcategory\tweight\rgood\tpositive\t1\rdull\tnegative\t1\r");
    write(d, "lex/negators.txt", b"not\rnever\r");
    let r = run_in(d, &["train", "-q", "--data", data.to_str().unwrap(), "--lexicon", "lex", "--out", "m.json"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    let r = run_in(d, &["inspect", "--model", "m.json"]);
    assert!(r.stdout.contains("(2 cues)"), "{}", r.stdout);
}

#[test]
fn a_lexicon_saved_as_a_document_is_refused_by_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    std::fs::create_dir(d.join("lex")).unwrap();
    // A word list saved from a word processor: a ZIP archive.
    write(&d.join("lex"), "cues.tsv", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00");
    let r = run_in(d, &["train", "--data", data.to_str().unwrap(), "--out", "m.json", "--lexicon", "lex"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: reading lexicon lex: lex/cues.tsv: the file is a ZIP archive (a .zip, or a document such as .docx, .xlsx or \
         .odt), not text (save or export its text as a UTF-8 .txt file, or a sheet as a UTF-8 CSV)\n"
    );
}

/// A lexicon or word-classes file is read whole, so it is bounded, and its first bytes are
/// judged before the rest is read: `--lexicon /dev/zero` (or `--word-classes`) used to be
/// read until memory ran out, as was any endless device.
#[test]
fn an_endless_or_huge_lexicon_file_is_refused_not_read_until_memory_runs_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    let big = d.join("big.tsv");
    let mut file = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut file, b"term\tcategory\tweight\ngood\tpositive\t1\n").unwrap();
    // Sparse: the rest reads as zeros without taking disk space.
    file.set_len(stancekit::input::MAX_TEXT_FILE_BYTES + 1).unwrap();
    for flag in ["--lexicon", "--word-classes"] {
        let r = run_in(d, &["train", "--data", data, "--out", "m.json", flag, "big.tsv"]);
        assert_eq!(r.status, 2, "{flag}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{flag}: {}", r.stderr);
        let said = "big.tsv: holds more than 64 MiB, too much for a lexicon or word-classes file (an endless device \
                    such as /dev/urandom? give the file of its terms)\n";
        assert!(r.stderr.ends_with(said), "{flag}: {}", r.stderr);
        if Path::new("/dev/zero").exists() {
            let r = run_in(d, &["train", "--data", data, "--out", "m.json", flag, "/dev/zero"]);
            assert_eq!(r.status, 2, "{flag}: {}", r.stderr);
            assert!(r.stderr.ends_with("/dev/zero: the file is zero-filled (it starts with NUL bytes, not characters), not text (as a crash can leave a file that was being written, or a device such as /dev/zero: restore it from a copy, or write it again)\n"), "{flag}: {}", r.stderr);
        }
    }
    assert!(!d.join("m.json").exists());
}

#[test]
fn a_misspelt_lexicon_category_is_named_not_a_category_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("lex")).unwrap();
    // The cue "accused" used to count for a category 'acusation' of its own: the keyword
    // rule (and the actor finder, and training's cue columns) never saw it as an accusation.
    write(&d.join("lex"), "cues.tsv", b"term\tcategory\tweight\ndenied\tdenial\t1\naccused\tacusation\t1\n");
    write(d, "ac.csv", b"text,label\nThey accused him,accusation\nThey denied it,denial\nA fine day,none\n");
    let r = run_in(d, &["eval", "--keyword-rule", "--lexicon", "lex", "--data", "ac.csv"]);
    assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "stancekit: error: reading lexicon lex: lex/cues.tsv:3: column 'category': malformed lexicon line: category \
         'acusation' looks like a misspelling of 'accusation' (the known categories are cooperative, adversarial, accusation, denial, \
         positive, negative; a category of your own needs a name further from them)\n"
    );
    // A category of one's own, far from the known ones, is fine.
    write(&d.join("lex"), "cues.tsv", b"term\tcategory\tweight\ndenied\tdenial\t1\naccused\tblame\t1\n");
    let r = run_in(d, &["eval", "--keyword-rule", "--lexicon", "lex", "--data", "ac.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

/// A bad field of a cues file is named by its column as well as its line, as a bad
/// CSV cell is (`file:line: column 'name': ...`); a line of the wrong shape has no
/// column to name.
#[test]
fn a_bad_lexicon_field_is_named_by_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("lex")).unwrap();
    write(d, "ac.csv", b"text,label\nThey accused him,accusation\nA fine day,none\n");
    let cases: &[(&[u8], &str)] = &[
        (b"...\taccusation\t1", "column 'term': malformed lexicon line: term '...' has no words"),
        (
            b"accused\tAccusation\t1",
            "column 'category': malformed lexicon line: category 'Accusation' must be lower-case letters or '_'",
        ),
        (b"accused\taccusation\theavy", "column 'weight': malformed lexicon line: weight 'heavy' is not a number"),
        // A decimal comma, as a spreadsheet in a German or French locale saves it: it was
        // only `is not a number`.
        (
            b"accused\taccusation\t1,5",
            "column 'weight': malformed lexicon line: weight '1,5' is not a number (a decimal comma, as a \
             spreadsheet in some locales writes it: write 1.5)",
        ),
        (b"accused\taccusation\t1,5,2", "column 'weight': malformed lexicon line: weight '1,5,2' is not a number"),
        (b"accused\taccusation\t3", "column 'weight': malformed lexicon line: weight 3 is outside (0, 2]"),
        // Said as written, not as the f32 it rounds to ("weight 0", "weight inf").
        (b"accused\taccusation\t1e-50", "column 'weight': malformed lexicon line: weight 1e-50 is outside (0, 2]"),
        (b"accused\taccusation\t1e50", "column 'weight': malformed lexicon line: weight 1e50 is outside (0, 2]"),
        (
            b"accused\taccusation",
            "malformed lexicon line: expected 3 tab-separated fields (term, category, weight), found 2",
        ),
    ];
    for (line, expected) in cases {
        write(&d.join("lex"), "cues.tsv", &[&b"term\tcategory\tweight\ndenied\tdenial\t1\n"[..], line, b"\n"].concat());
        let r = run_in(d, &["eval", "--keyword-rule", "--lexicon", "lex", "--data", "ac.csv"]);
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{}", r.stderr);
        assert_eq!(r.stderr, format!("stancekit: error: reading lexicon lex: lex/cues.tsv:3: {expected}\n"));
    }
}

/// A negators or reporting-verbs list that is there but holds no term: an emptied
/// negators.txt (meant as "no negators") was read as the default negators, an empty
/// reporting_verbs.txt as the actor finder's default verbs, without a word. An empty
/// intensifiers list has no defaults, and is read as none.
#[test]
fn an_empty_negators_or_reporting_verbs_list_is_refused_not_read_as_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    let lex = d.join("lex");
    std::fs::create_dir(&lex).unwrap();
    write(&lex, "cues.tsv", b"term\tcategory\tweight\ngood\tpositive\t1\naccused\taccusation\t1\n");
    write(
        d,
        "a.csv",
        b"text,accusation,source,target\nThe minister accused the rebels.,accusation,The minister,the rebels\n",
    );
    let none = "a list with no terms, which is not read as none (delete the file for";
    for (name, command, expected) in [
        ("negators.txt", &["train", "--data", data, "--out", "m.json", "--lexicon", "lex"][..], format!("lex/negators.txt: {none} the default negators (not, no, never, ...), or train with --no-negation to mark none)")),
        ("reporting_verbs.txt", &["actors", "--data", "a.csv", "--lexicon", "lex"][..], format!("lex/reporting_verbs.txt: {none} the default reporting verbs (said, says, told, ...), or list the verbs in it)")),
    ] {
        write(&lex, name, b"# none\n\n");
        let r = run_in(d, command);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: reading lexicon lex: {expected}\n")), "{name}");
        std::fs::remove_file(lex.join(name)).unwrap();
        let r = run_in(d, command);
        assert_eq!(r.status, 0, "{name}: without the file, the defaults: {}", r.stderr);
    }
    write(&lex, "intensifiers.txt", b"");
    let r = run_in(d, &["train", "-q", "--data", data, "--out", "m.json", "--lexicon", "lex"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
}

/// A lexicon list under a name that is not quite its own (`Negators.txt`, `negator.txt`,
/// `reporting-verbs.txt`) was never read, and a `negators.txt` that is a link to nothing
/// was taken for no file: either way the defaults were used, exit 0, without a word.
#[test]
fn a_misnamed_or_dangling_lexicon_list_is_refused_not_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    let lex = d.join("lex");
    std::fs::create_dir(&lex).unwrap();
    write(&lex, "cues.tsv", b"term\tcategory\tweight\ngood\tpositive\t1\n");
    let train = ["train", "-q", "--data", data, "--out", "m.json", "--lexicon", "lex"];
    for (name, meant) in [
        ("Negators.txt", "negators.txt"),
        ("negator.txt", "negators.txt"),
        ("reporting-verbs.txt", "reporting_verbs.txt"),
        ("intensifiers.tsv", "intensifiers.txt"),
    ] {
        write(&lex, name, b"hardly\n");
        let r = run_in(d, &train);
        let said = format!(
            "lex/{name}: is not read: a lexicon directory's list is named {meant}, exactly (rename it, or it is as if \
             there were no {meant})"
        );
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: reading lexicon lex: {said}\n")), "{name}");
        // Beside the list's own name, it is another file of the directory (as README.md).
        write(&lex, meant, b"hardly\n");
        let r = run_in(d, &train);
        assert_eq!((r.status, r.stderr.as_str()), (0, ""), "{name} beside {meant}");
        std::fs::remove_file(lex.join(name)).unwrap();
        std::fs::remove_file(lex.join(meant)).unwrap();
    }
    std::os::unix::fs::symlink("nowhere.txt", lex.join("negators.txt")).unwrap();
    let r = run_in(d, &train);
    let said = "lex/negators.txt: is a symbolic link to nowhere.txt, which does not exist (link it to the list, or \
                delete it for the defaults)";
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: reading lexicon lex: {said}\n")));
    std::fs::remove_file(lex.join("negators.txt")).unwrap();
    // A cues file not named cues.tsv (hunt 21): it was `lex/cues.tsv: No such file or
    // directory (os error 2)` of a directory that shows one.
    std::fs::rename(lex.join("cues.tsv"), lex.join("Cues.tsv")).unwrap();
    let r = run_in(d, &train);
    let said = "lex/Cues.tsv: is not read: a lexicon directory's cues file is named cues.tsv, exactly (rename it)";
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: reading lexicon lex: {said}\n")));
    // The shipped lexicon directory (with its README.md and actors.tsv) is read as before.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let r = run_in(d, &["train", "-q", "--data", data, "--out", "m.json", "--lexicon", shipped.to_str().unwrap()]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
}

#[test]
fn a_list_line_with_a_tab_or_no_word_is_named_not_a_silently_different_term() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let lex = d.join("lex");
    std::fs::create_dir(&lex).unwrap();
    write(&lex, "cues.tsv", b"term\tcategory\tweight\ngood\tpositive\t1\n");
    // Each used to train (exit 0): "not<TAB>1" as the negator "not 1", so "not" negated
    // nothing; "..." as no negator at all (nor the defaults); "very much" as two intensifiers.
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "negators.txt",
            b"never\r\nnot\t1\r\n",
            "lex/negators.txt:2: malformed lexicon line: 'not\\t1' holds a tab (a .txt list has one term per line, \
             without weights or other columns)",
        ),
        ("negators.txt", b"# only marks\n...\n", "lex/negators.txt:2: malformed lexicon line: term '...' has no words"),
        (
            "intensifiers.txt",
            b"very much\n",
            "lex/intensifiers.txt:1: malformed lexicon line: intensifier 'very much' has 2 words (an intensifier is the \
             one word right before a cue)",
        ),
        ("reporting_verbs.txt", b"said\tspeech\n", "lex/reporting_verbs.txt:1: malformed lexicon line: 'said\\tspeech'"),
    ];
    for (name, content, expected) in cases {
        let _ = ["negators.txt", "intensifiers.txt", "reporting_verbs.txt"].map(|n| std::fs::remove_file(lex.join(n)));
        write(&lex, name, content);
        let r = run_in(d, &["train", "--data", data.to_str().unwrap(), "--out", "m.json", "--lexicon", "lex"]);
        assert_eq!(r.status, 2, "{name}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{name}: expected {expected:?} in {}", r.stderr);
    }
    // Multi-word negators and reporting verbs, CRLF and comments are fine.
    write(&lex, "negators.txt", b"# negators\r\nnot\r\nno longer\r\n");
    write(&lex, "reporting_verbs.txt", b"said\naccording to\n");
    write(&lex, "intensifiers.txt", b"very\n");
    let r = run_in(d, &["train", "--data", data.to_str().unwrap(), "--out", "m.json", "--lexicon", "lex"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

#[test]
fn difficult_text_gets_an_answer_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    // NUL bytes, emoji, right-to-left script, no punctuation, only whitespace, a long line.
    let long = "word ".repeat(200_000);
    let input = format!(
        "nul\u{0}inside a line\nemoji 😀🎉 are fine\nמשפט בעברית ללא סימני פיסוק\nno punctuation at all here\n   \n{long}\n"
    );
    let r = run_with_stdin(&["predict", "--model", &m, "--format", "json", "-"], input.as_bytes());
    assert_eq!(r.status, 2, "the whitespace-only row fails: {}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 6, "one row per input line");
    assert!(rows[4]["error"].as_str().unwrap().contains("-:5: empty text"));
    assert!(rows.iter().enumerate().filter(|(i, _)| *i != 4).all(|(_, v)| v["predictions"].is_object()));
    assert!(r.stderr.contains("1 of 6 input rows could not be read"));
}

#[test]
fn invalid_utf8_is_named_or_read_lossily() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let article = write(d, "bad.txt", b"A fine film.\nThen a bad byte \xFF here.\n");
    let r = run_in(d, &["predict", "--model", &m, article.to_str().unwrap()]);
    assert_eq!(r.status, 2);
    assert!(r.stdout.contains("bad.txt:2: invalid UTF-8 at byte offset 29"), "{}", r.stdout);
    let r = run_in(d, &["predict", "--model", &m, "--lossy", "--format", "json", article.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Then a bad byte \u{FFFD} here."));
}

#[test]
fn utf16_input_is_refused_naming_the_encoding_never_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let le = |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let be = |text: &str| -> Vec<u8> { text.encode_utf16().flat_map(u16::to_be_bytes).collect() };
    let fix = |encoding: &str| {
        format!("not UTF-8 (every other byte is NUL; re-encode it as UTF-8, e.g. iconv -f {encoding} -t UTF-8)")
    };
    let marked =
        "is UTF-16LE, not UTF-8 (it starts with a UTF-16 byte order mark; re-encode it as UTF-8, e.g. iconv -f \
                  UTF-16LE -t UTF-8)";
    // Without a byte order mark UTF-16 is valid UTF-8 (ASCII and NUL bytes): it used to be
    // labelled, exit 0. With one, --lossy used to label it too.
    let cases: Vec<(&str, Vec<u8>, &[&str], String)> = vec![
        ("le.txt", le("A fine film.\n"), &[], format!("le.txt: the file is UTF-16LE, {}", fix("UTF-16LE"))),
        ("be.txt", be("A fine film.\n"), &[], format!("be.txt: the file is UTF-16BE, {}", fix("UTF-16BE"))),
        ("bom.txt", le("\u{feff}A fine film."), &["--lossy"], format!("bom.txt: the file {marked}")),
        ("rows.csv", le("\u{feff}text\nA fine film.\n"), &[], format!("rows.csv: the file {marked}")),
    ];
    for (name, content, extra, expected) in &cases {
        let path = write(d, name, content);
        let mut args = vec!["predict", "--model", &m, "--format", "json"];
        args.extend_from_slice(extra);
        args.push(path.to_str().unwrap());
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{name}: {}", r.stderr);
        let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), 1, "{name}: one error row: {}", r.stdout);
        assert!(rows[0]["error"].as_str().unwrap().ends_with(expected.as_str()), "{name}: {}", rows[0]["error"]);
    }
    let r = run_with_stdin(&["predict", "--model", &m, "-"], &le("\u{feff}A fine film.\n"));
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains(&format!("-: standard input {marked}")), "{}", r.stderr);
    // Training data and lexicons: one error line, exit 2.
    let stderr = train_error(d, "train.csv", &le("text,label\na,x\nb,y\n"), &[]);
    assert!(stderr.contains(&format!("train.csv: the file is UTF-16LE, {}", fix("UTF-16LE"))), "{stderr}");
    std::fs::create_dir(d.join("lex")).unwrap();
    write(&d.join("lex"), "cues.tsv", &le("\u{feff}term\tcategory\tweight\ngood\tpositive\t1\n"));
    let data = mr_sample(d, 30);
    let r = run_in(d, &["train", "--data", data.to_str().unwrap(), "--out", "m2.json", "--lexicon", "lex"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains(&format!("lex/cues.tsv: the file {marked}")), "{}", r.stderr);
}

/// UTF-32 (Python's `encoding="utf-32"`, a few Windows tools) is named as such, with the
/// iconv command that converts it. It passed for UTF-16: `the file is UTF-16LE, not UTF-8
/// (every other byte is NUL; ... iconv -f UTF-16LE -t UTF-8)`, whose output was UTF-16,
/// refused again.
#[test]
fn utf32_input_is_named_as_utf32_with_the_command_that_converts_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let le = |text: &str| -> Vec<u8> { text.chars().flat_map(|c| u32::from(c).to_le_bytes()).collect() };
    let be = |text: &str| -> Vec<u8> { text.chars().flat_map(|c| u32::from(c).to_be_bytes()).collect() };
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "le.txt",
            le("A fine film.\n"),
            "le.txt: the file is UTF-32LE, not UTF-8 (three bytes of every four are NUL; \
                                            re-encode it as UTF-8, e.g. iconv -f UTF-32LE -t UTF-8)",
        ),
        (
            "be.txt",
            be("A fine film.\n"),
            "be.txt: the file is UTF-32BE, not UTF-8 (three bytes of every four are NUL; \
                                            re-encode it as UTF-8, e.g. iconv -f UTF-32BE -t UTF-8)",
        ),
        (
            "bom.csv",
            le("\u{feff}text\nA fine film.\n"),
            "bom.csv: the file is UTF-32LE, not UTF-8 (it starts with a UTF-32 byte order mark; re-encode it as \
             UTF-8, e.g. iconv -f UTF-32LE -t UTF-8)",
        ),
    ];
    for (name, content, expected) in &cases {
        write(d, name, content);
        let r = run_in(d, &["predict", "--model", &m, "--format", "json", name]);
        assert_eq!(r.status, 2, "{name}: {}", r.stderr);
        let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), 1, "{name}: one error row: {}", r.stdout);
        assert_eq!(rows[0]["error"].as_str().unwrap(), *expected, "{name}");
    }
    let stderr = train_error(d, "train.csv", &be("text,label\na,x\nb,y\n"), &[]);
    assert!(
        stderr.contains("train.csv: the file is UTF-32BE, not UTF-8 (three bytes of every four are NUL"),
        "{stderr}"
    );
}

/// A compressed file, an archive or a document given as text is refused by what it is,
/// even with `--lossy`: its bytes used to be an invalid-UTF-8 error that advised
/// `--lossy`, which then labelled them as sentences with exit 0 (and RTF, which is
/// ASCII, was labelled as its markup without a word).
#[test]
fn compressed_files_and_documents_are_refused_by_what_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let office = "save or export its text as a UTF-8 .txt file, or a sheet as a UTF-8 CSV";
    let cases: [(&str, &[u8], String); 4] = [
        (
            "speech.docx",
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xdf\xa4\xd2lZ\x01",
            format!(
                "the file is a ZIP archive (a .zip, or a document such as .docx, .xlsx or .odt), not text ({office})"
            ),
        ),
        (
            "rows.csv.gz",
            b"\x1f\x8b\x08\x08\xb1\x8e\x27i\x00\x03rows.csv\x00\xcb",
            "the file is gzip-compressed, not text (decompress it first, e.g. gunzip -k)".into(),
        ),
        (
            "report.pdf",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
            "the file is a PDF document, not text (extract its text first, e.g. with pdftotext)".into(),
        ),
        (
            "memo.rtf",
            b"{\\rtf1\\ansi\\deff0 The minister resigned.}",
            format!("the file is an RTF document, not text ({office})"),
        ),
    ];
    for (name, content, expected) in &cases {
        write(d, name, content);
        let r = run_in(d, &["predict", "--model", &m, "--format", "json", "--lossy", name]);
        assert_eq!(r.status, 2, "{name}: {}", r.stderr);
        let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), 1, "{name}: one error row: {}", r.stdout);
        assert_eq!(rows[0]["error"], format!("{name}: {expected}"), "{name}");
    }
    let r = run_with_stdin(&["predict", "--model", &m, "-"], cases[1].1);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("-: standard input is gzip-compressed, not text (decompress"), "{}", r.stderr);
    let stderr = train_error(d, "train.csv.gz", cases[1].1, &[]);
    assert!(
        stderr.ends_with("train.csv.gz: the file is gzip-compressed, not text (decompress it first, e.g. gunzip -k)\n")
    );
}

/// A negative number given to a numeric flag is named as that flag's invalid value; clap
/// used to take it for another argument: `unexpected argument '-1' found`, and for
/// `--min-accuracy -0.5` `unexpected argument '-0' found`.
#[test]
fn a_negative_number_is_an_invalid_value_of_its_flag_not_an_unexpected_argument() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "tr.csv", b"text,label\ngood,a\nbad,b\n");
    let train = ["train", "--data", "tr.csv", "--out", "m.json"];
    let eval = ["eval", "--data", "tr.csv"];
    let cases: [(&[&str], &str, &str); 8] = [
        (&train, "--cue-scale", "-1"),
        (&train, "--min-df", "-1"),
        (&train, "--seed", "-1"),
        (&train, "--data-weight", "-1"),
        (&eval, "--folds", "-2"),
        (&eval, "--min-accuracy", "-0.5"),
        (&["predict", "x.txt"], "--batch-size", "-1"),
        (&["inspect", "--model", "m.json"], "--top", "-1"),
    ];
    for (command, flag, value) in cases {
        let mut args = command.to_vec();
        args.extend([flag, value]);
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{args:?}");
        let said = [format!("error: invalid value '{value}' for '{flag} <"), format!("error: invalid {flag}: {value}")];
        assert!(said.iter().any(|s| r.stderr.contains(s.as_str())), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("unexpected argument"), "{args:?}: {}", r.stderr);
    }
    assert!(!d.join("m.json").exists());
    // --explain's N is optional: a negative one was 'unexpected argument '-1' found', with
    // clap's tip to write '-- -1', which would make it an input file.
    write(d, "a.txt", b"The talks failed.\n");
    for value in ["-1", "-2.5"] {
        let r = run_in(d, &["predict", "a.txt", "--explain", value]);
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{value}");
        let expected =
            format!("error: invalid value '{value}' for '--explain [<N>]': not a count of features: N is 1 or more");
        assert!(r.stderr.starts_with(&expected), "{value}: {}", r.stderr);
    }
    // `--explain 0` asked for explanations and printed none, exit 0, without a word.
    let r = run_in(d, &["predict", "a.txt", "--explain", "0"]);
    assert_eq!((r.status, r.stdout.as_str()), (2, ""));
    let expected = "error: invalid value '0' for '--explain [<N>]': 0 features would explain nothing: N is 1 or more \
                    (leave --explain out for no explanations)";
    assert!(r.stderr.starts_with(expected), "{}", r.stderr);
}

#[test]
fn contradictory_and_out_of_range_flags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 20);
    let data = data.to_str().unwrap();
    for (args, expected) in [
        (vec!["eval", "--data", data, "--model", "m.json", "--folds", "3"], "cannot be used with"),
        // Training options mean nothing to a trained model: refused, not ignored.
        (vec!["eval", "--data", data, "--model", "m.json", "--c", "2"], "'--model <MODEL>' cannot be used with '--c <C>'"),
        (vec!["eval", "--data", data, "--model", "m.json", "--no-stem"], "'--model <MODEL>' cannot be used with '--no-stem'"),
        (
            vec!["eval", "--data", data, "--model", "m.json", "--lexicon", "datasets/lexicons"],
            "'--model <MODEL>' cannot be used with '--lexicon <LEXICON>'",
        ),
        (
            vec!["eval", "--data", data, "--model", "m.json", "--group-column", "g"],
            "'--model <MODEL>' cannot be used with '--group-column <GROUP_COLUMN>'",
        ),
        (vec!["eval", "--data", data, "--folds", "0"], "invalid --folds: 0 must be at least 2"),
        // An empty column name (an unset shell variable) was said per input as `no column ''`.
        (
            vec!["predict", "--text-column", "", "a.txt"],
            "invalid value '' for '--text-column <TEXT_COLUMN>': '' names no column (give the name of a column of \
             the header; an unset shell variable?)",
        ),
        (vec!["train", "--data", data, "--out", "x.json", "--label-column", " "], "' ' names no column"),
        (vec!["eval", "--data", data, "--folds", "2", "--group-column", ""], "'' names no column"),
        (vec!["predict", "--id-column", "", "a.txt"], "'' names no column"),
        (vec!["train", "--data", data, "--out", "x.json", "--c", "-2"], "invalid --c: -2 must be a positive number"),
        // Infinity is positive (hunt 23's leftover: it was said not to be).
        (vec!["train", "--data", data, "--out", "x.json", "--c", "inf"], "invalid --c: inf must be a finite positive number"),
        (
            vec!["train", "--data", data, "--out", "x.json", "--max-features", "0"],
            "invalid --max-features: 0 must be at least 1 (leave it out to keep every n-gram)",
        ),
        (
            vec!["train", "--data", data, "--out", "x.json", "--tolerance", "-1"],
            "invalid --tolerance: -1 must be a number above 0 and below 1",
        ),
        (
            vec!["train", "--data", data, "--out", "x.json", "--tolerance", "1e308"],
            "invalid --tolerance: 1e308 must be a number above 0 and below 1",
        ),
        (vec!["train", "--data", data, "--out", "x.json", "--ngram-min", "3", "--ngram-max", "1"], "3..1 is empty"),
        // 0..2 holds n-grams of one and two words: it was called empty.
        (
            vec!["train", "--data", data, "--out", "x.json", "--ngram-min", "0"],
            "invalid n-gram range: --ngram-min 0 must be at least 1 (an n-gram has one word or more)\n",
        ),
        (vec!["train", "--data", data, "--out", "x.json", "--min-df", "0"], "invalid --min-df: must be at least 1"),
        (vec!["eval", "--data", data, "--keyword-rule"], "--lexicon"),
        (
            vec!["train", "--data", data, "--out", "x.json", "--cue-scale", "2e38"],
            "invalid --cue-scale: 2e38 must be a number from 0 to 1000",
        ),
        (
            vec!["train", "--data", data, "--out", "x.json", "--cue-scale", "1e300"],
            "invalid value '1e300' for '--cue-scale <CUE_SCALE>': must be a number from 0 to 1000",
        ),
        (
            vec!["train", "--data", data, "--out", "x.json", "--min-df", "41"],
            "invalid --min-df: no n-gram is in 41 or more of the 40 training texts, so no n-gram column is left (lower --min-df)",
        ),
        (
            vec!["train", "--data", data, "--out", "x.json", "--data-weight", "1e100"],
            "invalid value '1e100' for '--data-weight <DATA_WEIGHT>...': must be 0 or a number from 1e-6 to 1e6",
        ),
        (
            vec!["train", "--data", data, "--out", "x.json", "--data-weight", "0"],
            "--data-weight gives every row weight 0: no row is left to train on",
        ),
        (
            vec!["eval", "--data", data, "--folds", "2", "--extra-data", data, "--extra-weight", "1e-100"],
            "invalid value '1e-100' for '--extra-weight <EXTRA_WEIGHT>': must be 0 or a number from 1e-6 to 1e6",
        ),
        (
            vec!["eval", "--data", data, "--folds", "2", "--min-accuracy", "nan"],
            "invalid value 'nan' for '--min-accuracy <MIN_ACCURACY>': must be a number from 0 to 1",
        ),
        (
            vec!["predict", "--batch-size", "100000000000000000", "x.txt"],
            "invalid value '100000000000000000' for '--batch-size <BATCH_SIZE>': must be a whole number from 1 to 1000000",
        ),
        (
            vec!["predict", "--batch-size", "0", "x.txt"],
            "invalid value '0' for '--batch-size <BATCH_SIZE>': must be a whole number from 1 to 1000000",
        ),
        (vec!["corpus", "--spans", data, "--split", "foo", "--out", "o.csv"], "invalid value 'foo' for '--split <SPLIT>'"),
    ] {
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{args:?}: expected {expected:?} in {}", r.stderr);
    }
}

/// Flags that a mode of `eval` does nothing with are refused, as `eval --model` refuses
/// training options: `--test-data` took `--extra-data` and `--group-column` (which
/// belong to `--folds`) and `--keyword-rule` took every training option, and each
/// scored exactly as without them, exit 0 (clap lets a flag that `requires` --folds
/// through when a flag that conflicts with --folds is given).
#[test]
fn eval_refuses_flags_that_its_mode_would_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 20);
    let data = data.to_str().unwrap();
    write(
        d,
        "g.csv",
        b"text,label,grp\ngood fun,positive,a\nbad mess,negative,a\ngood joy,positive,b\nbad bore,negative,b\n",
    );
    write(d, "ac.csv", b"text,label\nThey accused him.,accusation\nHe denied it.,denial\nIt rained.,none\n");
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let lexicon = lexicon.to_str().unwrap();
    let test = ["eval", "--data", data, "--test-data", "g.csv"];
    let rule = ["eval", "--data", "ac.csv", "--keyword-rule", "--lexicon", lexicon];
    let cases: [(&[&str], &[&str], &str); 8] = [
        (&test, &["--extra-data", "g.csv"], "'--test-data <TEST_DATA>...' cannot be used with '--extra-data"),
        (&test, &["--group-column", "grp"], "'--test-data <TEST_DATA>...' cannot be used with '--group-column"),
        (&rule, &["--c", "9"], "'--keyword-rule' cannot be used with '--c <C>'"),
        (&rule, &["--tune"], "'--keyword-rule' cannot be used with '--tune'"),
        (&rule, &["--no-stem"], "'--keyword-rule' cannot be used with '--no-stem'"),
        (&rule, &["--extra-data", "g.csv"], "'--keyword-rule' cannot be used with '--extra-data"),
        (&rule, &["--calibration-folds", "3"], "'--keyword-rule' cannot be used with '--calibration-folds"),
        (&rule, &["--seed", "7"], "'--keyword-rule' cannot be used with '--seed"),
    ];
    for (command, extra, expected) in cases {
        let mut args = command.to_vec();
        args.extend_from_slice(extra);
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{extra:?}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{extra:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{extra:?}: no scores: {}", r.stdout);
    }
    // Each mode still runs with the flags it takes.
    for args in
        [&test[..], &rule[..], &["eval", "--data", "g.csv", "--folds", "2", "--group-column", "grp", "--min-df", "1"]]
    {
        let r = run_in(d, args);
        assert_eq!(r.status, 0, "{args:?}: {}", r.stderr);
        assert!(r.stdout.starts_with("accuracy") || r.stdout.starts_with("fold"), "{args:?}: {}", r.stdout);
    }
}

/// `predict` with `stdin` as standard input: the run must end (within 60 s).
fn predict_with_stdin_from(dir: &Path, args: &[&str], stdin: std::fs::File) -> util::Run {
    let out = std::fs::File::create(dir.join("stdout")).unwrap();
    let err = std::fs::File::create(dir.join("stderr")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(args)
        .current_dir(dir)
        .stdin(stdin)
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("predict did not end");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    util::Run {
        status: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(dir.join("stdout")).unwrap(),
        stderr: std::fs::read_to_string(dir.join("stderr")).unwrap(),
    }
}

#[test]
fn a_directory_on_standard_input_is_one_error_not_endless_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let r = predict_with_stdin_from(d, &["predict", "--model", &m], std::fs::File::open(d).unwrap());
    assert_eq!(r.status, 2, "{}", r.stderr);
    let error = "-: cannot read standard input: Is a directory (os error 21)";
    assert_eq!(r.stdout, format!("id\tsentence\tlabel\tp\ttext\n-\t-\t-\t-\terror: {error}\n"));
    assert_eq!(
        r.stderr,
        format!(
            "stancekit: error: {error}\nstancekit: 1 of 1 input rows could not be read (see their 'error' field)\n"
        )
    );
}

#[cfg(unix)]
#[test]
fn a_directory_symlink_loop_labels_each_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    std::fs::create_dir_all(d.join("corpus/sub")).unwrap();
    write(&d.join("corpus"), "a.txt", b"A fine film.");
    std::os::unix::fs::symlink("..", d.join("corpus/sub/loop")).unwrap();
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "corpus"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let sources = sources_of(&r.stdout);
    assert_eq!(sources, ["corpus/a.txt", "corpus/a.txt"], "its sentence row and its article row, once");
    assert_eq!(r.stderr, "stancekit: warning: corpus/sub/loop: skipped, a symlink loop back to corpus\n");
}

/// A file reached by two inputs (named twice, named beside a directory that holds it,
/// or a directory given twice under two names) is labelled once: each used to be
/// labelled again, its rows counted twice downstream, with exit 0 and no word.
#[test]
fn a_file_reached_by_two_inputs_is_labelled_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    std::fs::create_dir_all(d.join("corpus")).unwrap();
    write(&d.join("corpus"), "a.txt", b"A fine film.");
    write(&d.join("corpus"), "b.txt", b"A dull film.");
    write(d, "rows.csv", b"id,text\n1,A fine film.\n");
    let args = ["corpus", "corpus/a.txt", "./corpus", "rows.csv", "corpus/../rows.csv", "rows.csv"];
    let r = run_in(d, &[&["predict", "--model", &m, "--format", "json"][..], &args].concat());
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        sources_of(&r.stdout),
        ["corpus/a.txt", "corpus/a.txt", "corpus/b.txt", "corpus/b.txt", "rows.csv"],
        "each article's sentence and article rows, and the CSV's row, once"
    );
    let once = "read already (each file is labelled once)";
    assert_eq!(
        r.stderr,
        format!(
            "stancekit: warning: corpus/a.txt: skipped, {once}\nstancekit: warning: ./corpus: skipped, the same \
             directory as corpus\nstancekit: warning: corpus/../rows.csv: skipped, the same file as rows.csv\n\
             stancekit: warning: rows.csv: skipped, {once}\n"
        )
    );
}

/// `--summary-only` drops the sentence rows of articles; the rows of a CSV without
/// `--articles` are still printed, and now under their header, with a warning: they
/// used to come without it, so a tab-separated reader took the first row for the header.
#[test]
fn summary_only_keeps_the_header_of_rows_that_are_not_articles() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "rows.csv", b"id,text\n1,A fine film.\n2,A dull film.\n");
    write(d, "a.txt", b"A fine film.");
    let r = run_in(d, &["predict", "--model", &m, "--summary-only", "rows.csv", "a.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 5, "header, two rows, the article's two summary lines: {}", r.stdout);
    assert_eq!(lines[0], "id\tsentence\tlabel\tp\ttext");
    assert!(lines[1].starts_with("1\t0\t") && lines[2].starts_with("2\t0\t"), "{}", r.stdout);
    assert_eq!(lines[3], "# article a.txt (1 sentence)");
    assert_eq!(
        r.stderr,
        "stancekit: warning: --summary-only: the rows of rows.csv are not articles, so each is printed as a sentence \
         row (give --articles to read each row as an article and print its summary)\n"
    );
    // Articles only: summaries, no header, no warning.
    let r = run_in(d, &["predict", "--model", &m, "--summary-only", "a.txt"]);
    assert_eq!((r.status, r.stdout.lines().count(), r.stderr.as_str()), (0, 2, ""));
    let r = run_in(d, &["predict", "--model", &m, "--summary-only", "--articles", "rows.csv"]);
    assert_eq!((r.status, r.stdout.lines().count(), r.stderr.as_str()), (0, 4, ""), "{}", r.stdout);
}

/// The `source` of each JSON Lines row, in order.
fn sources_of(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["source"].as_str().unwrap().to_string())
        .collect()
}

/// A FIFO found in a directory would block the run forever: it is skipped with a
/// warning, and the files around it are labelled.
#[cfg(unix)]
#[test]
fn a_fifo_in_a_directory_is_skipped_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    std::fs::create_dir(d.join("fd")).unwrap();
    write(&d.join("fd"), "a.txt", b"Great film.");
    assert!(std::process::Command::new("mkfifo").arg(d.join("fd/b.txt")).status().unwrap().success());
    // A text the model knows a word of: "Awful." alone is unknown to it, and half the
    // sentences unknown would add a warning of its own.
    write(&d.join("fd"), "c.txt", b"An awful film.");
    let stdin = std::fs::File::open("/dev/null").unwrap();
    let args = ["predict", "--model", &m, "--summary-only", "--format", "json", "fd"];
    let r = predict_with_stdin_from(d, &args, stdin);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let sources = sources_of(&r.stdout);
    assert_eq!(sources, ["fd/a.txt", "fd/c.txt"], "{}", r.stdout);
    assert_eq!(r.stderr, "stancekit: warning: fd/b.txt: skipped, not a regular file (name it on its own to read it)\n");
}

#[cfg(unix)]
#[test]
fn an_unreadable_input_is_one_error_row_and_the_next_inputs_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "good.csv", b"id,text\n1,a fine film\n2,a dull film\n");
    write(d, "nocolumn.csv", b"id,txt\n1,a fine film\n");
    std::fs::create_dir(d.join("articles")).unwrap();
    std::os::unix::fs::symlink("gone.txt", d.join("articles/a.txt")).unwrap();
    write(&d.join("articles"), "b.txt", b"A fine film.");
    let args = ["predict", "--model", &m, "--format", "json", "good.csv", "missing.csv", "nocolumn.csv", "articles"];
    let r = run_in(d, &args);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary: Vec<(&str, &str, bool)> = rows
        .iter()
        .map(|v| (v["source"].as_str().unwrap(), v["type"].as_str().unwrap(), v["error"].is_string()))
        .collect();
    assert_eq!(
        summary,
        [
            ("good.csv", "sentence", false),
            ("good.csv", "sentence", false),
            ("missing.csv", "sentence", true),
            ("nocolumn.csv", "sentence", true),
            ("articles/a.txt", "article", true),
            ("articles/b.txt", "sentence", false),
            ("articles/b.txt", "article", false),
        ]
    );
    let errors = [
        "missing.csv: No such file or directory (os error 2)",
        "nocolumn.csv: no column 'text' (columns found: 'id', 'txt'; choose one with --text-column)",
        "articles/a.txt: No such file or directory (os error 2) (a symbolic link to gone.txt, which does not exist: \
         its file moved or deleted? give the file's own path, or remove the link)",
    ];
    for (row, error) in [&rows[2], &rows[3], &rows[4]].iter().zip(errors) {
        assert_eq!(row["error"], error);
        assert_eq!(row["id"], row["source"], "an input's error row is named by the input");
    }
    let expected: Vec<String> = errors.iter().map(|e| format!("stancekit: error: {e}")).collect();
    assert_eq!(
        r.stderr.lines().collect::<Vec<_>>(),
        [&expected[..], &["stancekit: 3 of 6 input rows could not be read (see their 'error' field)".to_string()]]
            .concat()
    );
}

/// A directory given where a CSV file is read (`--data news`, meant as the files in it;
/// `--extra-data`, `corpus --spans`, `actors --data`) names the CSV files it holds and how
/// to give them; it was `news: Is a directory (os error 21)`.
#[test]
fn a_directory_given_as_csv_data_names_the_files_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("news")).unwrap();
    std::fs::create_dir_all(d.join("none")).unwrap();
    write(&d.join("news"), "b.csv", b"text,label\nx,a\n");
    write(&d.join("news"), "a.csv", b"text,label\ny,b\n");
    write(&d.join("news"), "notes.txt", b"x");
    write(d, "tr.csv", b"text,label\nx,a\ny,b\nz,a\nw,b\n");
    let expected = "stancekit: error: news: is a directory, not a CSV file: it holds a.csv, b.csv (give a file's own \
                    path, e.g. news/a.csv, or news/*.csv for all of them where several files are taken)\n";
    for args in [
        vec!["train", "--data", "news", "--out", "m.json"],
        vec!["eval", "--data", "tr.csv", "--folds", "2", "--extra-data", "news"],
        vec!["corpus", "--spans", "news", "--out", "c.csv"],
        vec!["actors", "--data", "news"],
    ] {
        let r = run_in(d, &args);
        assert_eq!((r.status, r.stderr.as_str()), (2, expected), "{args:?}");
    }
    let r = run_in(d, &["train", "--data", "none", "--out", "m.json"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (2, "stancekit: error: none: is a directory, not a CSV file, and holds no .csv file (give the file's own path)\n")
    );
    assert!(!d.join("m.json").exists() && !d.join("c.csv").exists());
}

#[test]
fn a_directory_without_text_files_is_a_warning_or_nothing_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    std::fs::create_dir(d.join("empty")).unwrap();
    write(d, "rows.csv", b"id,text\n1,a fine film\n");
    let r = run_in(d, &["predict", "--model", &m, "empty", "rows.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 2, "header and the CSV's row: {}", r.stdout);
    assert_eq!(r.stderr, "stancekit: warning: empty: no .txt or .html files found\n");
    let r = run_in(d, &["predict", "--model", &m, "empty"]);
    assert_eq!(r.status, 2);
    assert_eq!(r.stdout, "", "no header for nothing");
    assert_eq!(r.stderr, "stancekit: error: nothing to read: empty: no .txt or .html files found\n");
}

/// Files below a directory given to predict that are not `.txt` (an article saved as
/// `.md` or without an extension by a scraper, a table among the articles) are said in
/// one warning for the input, naming the first three; they were left out without a word,
/// exit 0. A hidden one (`.DS_Store`) is still left out quietly.
#[test]
fn files_below_a_directory_that_are_not_txt_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let corpus = d.join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    write(&corpus, "a.txt", b"A fine film.");
    write(&corpus, "b.md", b"A dull film.");
    write(&corpus, "12345", b"A long film.");
    write(&corpus, ".DS_Store", b"\0\0\0\x01Bud1");
    write(&corpus.join("sub"), "rows.csv", b"id,text\n1,a fine film\n");
    write(&corpus.join("sub"), "notes.text", b"A short film.");
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "corpus"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(sources_of(&r.stdout), ["corpus/a.txt", "corpus/a.txt"]);
    assert_eq!(
        r.stderr,
        "stancekit: warning: corpus: skipped 4 files below it that are not .txt or .html (12345, b.md, sub/notes.text \
         and 1 more; a directory is read for its .txt and .html articles: name a file on its own to read it, e.g. \
         corpus/12345)\n"
    );
    std::fs::remove_file(corpus.join("a.txt")).unwrap();
    let r = run_in(d, &["predict", "--model", &m, "corpus/sub"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: nothing to read: corpus/sub: skipped 2 files below it that are not .txt or .html \
         (notes.text, rows.csv; a directory is read for its .txt and .html articles: name a file on its own to read \
         it, e.g. corpus/sub/notes.text); corpus/sub: no .txt or .html files found\n"
    );
}

#[test]
fn failed_articles_are_article_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "articles.csv", b"id,text\nok,A fine film. A dull one.\nbad,\n");
    let r = run_in(d, &["predict", "--model", &m, "--articles", "--summary-only", "--format", "json", "articles.csv"]);
    assert_eq!(r.status, 2);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|v| v["type"] == "article"), "{}", r.stdout);
    assert_eq!(rows[1]["error"], "articles.csv:3: column 'text': empty text");
}

/// `report` on an article with no text fails as `predict` does on it, and writes no
/// page of 0 sentences (an existing page is kept).
/// A text of nothing but a byte order mark, zero-width or soft-hyphen characters and
/// spaces is an empty text: a file holding only a byte order mark (Notepad's empty file)
/// used to be labelled as one sentence whose text was the invisible mark, exit 0.
#[test]
fn a_text_of_only_invisible_characters_is_an_empty_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let model = model.to_str().unwrap();
    write(d, "bom.txt", b"\xEF\xBB\xBF \n");
    write(d, "rows.csv", "id,text\na,\u{200b}\u{ad}\nb,Talks went well.\n".as_bytes());
    let r = run_in(d, &["predict", "--model", model, "bom.txt", "rows.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows = ids_and_texts(&r.stdout);
    let expected = [
        ("bom.txt", "error: bom.txt:1: empty text"),
        ("a", "error: rows.csv:2: column 'text': empty text"),
        ("b", "Talks went well."),
    ];
    assert_eq!(rows.iter().map(|(i, t)| (i.as_str(), t.as_str())).collect::<Vec<_>>(), expected, "{}", r.stdout);
    let r = run_in(d, &["report", "bom.txt", "--model", model, "--html", "r.html"]);
    assert_eq!((r.status, r.stderr.as_str()), (2, "stancekit: error: bom.txt:1: empty text\n"));
    assert!(!d.join("r.html").exists());
    let err = train_error(d, "tr.csv", "text,label\ngood,a\n\u{feff},b\n".as_bytes(), &[]);
    assert!(err.ends_with("tr.csv:3: column 'text': empty text\n"), "{err}");
}

/// A text of only Excel's escapes of white space (`_x000D_`, the carriage return of a
/// cell's line break, as pandas' `read_excel` leaves it): the splitter reads them as
/// white space, so such an article was split into no sentence, and its row had no
/// sentence row and no error (`# article 1 (0 sentences)`, exit 0), `report` drew a page
/// of none; a row read as a sentence was labelled as the text `_x000D_`.
#[test]
fn a_text_of_only_excel_escapes_of_white_space_is_an_empty_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let model = model.to_str().unwrap();
    write(d, "rows.csv", b"id,text\na,\"_x000D_\n_x000D_\"\nb,Talks went well.\n");
    for articles in [true, false] {
        let mut args = vec!["predict", "--model", model, "--format", "json", "rows.csv"];
        if articles {
            args.push("--articles");
        }
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{}", r.stderr);
        let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows[0]["id"], "a", "{}", r.stdout);
        assert_eq!(rows[0]["error"], "rows.csv:2: column 'text': empty text", "{}", r.stdout);
        assert!(rows.iter().skip(1).all(|row| row["id"] == "b" && row["error"].is_null()), "{}", r.stdout);
    }
    write(d, "cell.txt", b"_x000D_\n");
    let r = run_in(d, &["report", "cell.txt", "--model", model, "--html", "r.html"]);
    assert_eq!((r.status, r.stderr.as_str()), (2, "stancekit: error: cell.txt:1: empty text\n"));
    assert!(!d.join("r.html").exists());
}

/// A model whose task is the name of a column of `predict --format csv`'s table (trained
/// on a label column named `source` or `error`): the table had that column twice, exit
/// 0, and a reader by name (csv.DictReader) took the label for the input's file.
#[test]
fn predict_csv_refuses_a_task_named_as_a_column_of_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 150);
    let r = run_in(d, &["train", "-q", "--data", data.to_str().unwrap(), "--task", "source", "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    write(d, "a.txt", b"A gripping film.\n");
    let r = run_in(d, &["predict", "--model", "m.json", "--format", "csv", "a.txt"]);
    assert_eq!(
        (r.status, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "stancekit: error: invalid --format csv: --model m.json would give the table a second column 'source' (a \
             model's columns are named after its task, 'source'; give --format json, whose rows hold each model's \
             results under its task, or train the model with another --task)\n"
        )
    );
    // A table of summaries has no column 'source' of the model's, and JSON keys it apart.
    for args in [&["--format", "csv", "--summary-only"][..], &["--format", "json"]] {
        let r = run_in(d, &[&["predict", "--model", "m.json", "a.txt"][..], args].concat());
        assert_eq!(r.status, 0, "{args:?}: {}", r.stderr);
    }
}

/// A second data file (`--data a.csv b.csv`, `--test-data`, `--extra-data`) whose text
/// is under another name than the first's: its error said "choose one with
/// --text-column", which names the column in every file, so the first would then fail.
#[test]
fn a_data_file_without_the_column_an_earlier_one_has_is_told_to_name_it_alike() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.csv", b"text,label\nGood film,pos\nBad film,neg\nFine film,pos\nPoor film,neg\n");
    write(d, "b.csv", b"body,label\nNice film,pos\nAwful film,neg\n");
    let expected = "stancekit: error: b.csv: no column 'text' (columns found: 'body', 'label'; a.csv has one, and \
                    --text-column names the column in every data file: name this file's column 'text' too)\n";
    for args in [
        &["train", "--data", "a.csv", "b.csv", "--out", "m.json"][..],
        &["eval", "--data", "a.csv", "--test-data", "b.csv", "--min-df", "1"],
        &["eval", "--data", "a.csv", "--folds", "2", "--extra-data", "b.csv", "--min-df", "1"],
    ] {
        let r = run_in(d, args);
        assert_eq!((r.status, r.stderr.as_str()), (2, expected), "{args:?}");
    }
    // The first file has nothing before it to go by: the flag chooses the column.
    let r = run_in(d, &["train", "--data", "b.csv", "a.csv", "--out", "m.json"]);
    assert!(r.stderr.ends_with("choose one with --text-column)\n"), "{}", r.stderr);
}

#[test]
fn report_of_an_empty_article_is_an_error_not_an_empty_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "empty.txt", b"");
    write(d, "blank.txt", b"  \n\t\r\n");
    write(d, "old.html", b"old page");
    for name in ["empty.txt", "blank.txt"] {
        let r = run_in(d, &["report", name, "--html", "new.html", "--model", &m]);
        assert_eq!((r.status, r.stderr.clone()), (2, format!("stancekit: error: {name}:1: empty text\n")));
        assert!(!d.join("new.html").exists(), "{name}: no page written");
        let r = run_in(d, &["report", name, "--html", "old.html", "--model", &m]);
        assert_eq!(r.status, 2, "{}", r.stderr);
        assert_eq!(std::fs::read(d.join("old.html")).unwrap(), b"old page");
    }
}

/// A file name that is not UTF-8 (from an old Latin-1 archive) is written in ids and
/// `source` with its bytes as `\xFF`; each was U+FFFD, so `a\xFF.txt` and `a\xFE.txt`
/// had one id and neither named its file back.
#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_keeps_its_bytes_in_ids() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    std::fs::create_dir(d.join("in")).unwrap();
    for name in [&b"a\xFF.txt"[..], b"a\xFE.txt"] {
        std::fs::write(d.join("in").join(std::ffi::OsStr::from_bytes(name)), "The talks went well.").unwrap();
    }
    let csv = std::ffi::OsStr::from_bytes(b"r\xE9sum\xE9.csv");
    std::fs::write(d.join(csv), "text\nA fine film.\n").unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(["predict", "--model", &m, "--format", "json", "in"])
        .arg(csv)
        .current_dir(d)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let ids: Vec<(&str, &str)> = rows
        .iter()
        .filter(|row| row["type"] == "sentence")
        .map(|row| (row["id"].as_str().unwrap(), row["source"].as_str().unwrap()))
        .collect();
    assert_eq!(
        ids,
        [("in/a\\xFE.txt", "in/a\\xFE.txt"), ("in/a\\xFF.txt", "in/a\\xFF.txt"), ("1", "r\\xE9sum\\xE9.csv")]
    );
    // The file column of eval --predictions likewise.
    std::fs::write(d.join(csv), "text,label\nA fine film.,positive\n").unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(["eval", "-q", "--model", &m, "--predictions", "p.csv", "--data"])
        .arg(csv)
        .current_dir(d)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let written = std::fs::read_to_string(d.join("p.csv")).unwrap();
    assert!(written.lines().nth(1).unwrap().starts_with("r\\xE9sum\\xE9.csv,2,,positive,"), "{written}");
}

/// `train` with an argument that is not UTF-8 (`--out`, `--data` or `--lexicon` in a
/// directory from an old Latin-1 archive) writes the model, the argument's bytes as `\xFF`
/// in its provenance; it panicked after the training (`std::env::args` at a non-UTF-8
/// argument), status 101, no model written.
#[cfg(unix)]
#[test]
fn train_with_an_argument_that_is_not_utf8_writes_the_model() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 60);
    let csv = std::ffi::OsStr::from_bytes(b"r\xE9sum\xE9.csv");
    std::fs::copy(&data, d.join(csv)).unwrap();
    let out = std::ffi::OsStr::from_bytes(b"m\xFF.json");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(["train", "-q", "--data"])
        .arg(csv)
        .arg("--out")
        .arg(out)
        .current_dir(d)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let model: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join(out)).unwrap()).unwrap();
    assert_eq!(model["provenance"]["data"], serde_json::json!(["r\\xE9sum\\xE9.csv"]));
    assert_eq!(
        model["provenance"]["command"],
        serde_json::json!(["train", "-q", "--data", "r\\xE9sum\\xE9.csv", "--out", "m\\xFF.json"])
    );
}

#[test]
fn ids_and_control_characters_stay_on_one_text_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "ids.csv", b"id,text\n\"1\n2\t3\",a fine film\n\"a\x1b[31m\",red \x07 film\n\"x\ny\",\n");
    let r = run_in(d, &["predict", "--model", &m, "ids.csv"]);
    assert_eq!(r.status, 2, "the third row is empty: {}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "header and one line per row: {}", r.stdout);
    let fields: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    assert!(fields.iter().all(|f| f.len() == 5), "{fields:?}");
    assert_eq!((fields[1][0], fields[2][0], fields[3][0]), ("1 2 3", "a\\u{1b}[31m", "x y"));
    assert_eq!(fields[2][4], "red \\u{7} film");
    assert!(!r.stdout.contains('\x1b') && !r.stdout.contains('\x07'));
}

/// An `--id-column` given by the user must exist (a CSV without it is the input's error
/// row); without the flag a missing `id` means row numbers. A JSON id that is not a
/// string or number makes its record an error row instead of passing its line number
/// off as the id.
/// A CSV whose header names the id column twice is refused as one naming the text
/// column twice is; the first id column used to be taken without a word.
#[test]
fn an_id_column_named_twice_is_refused_as_the_text_column_is() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    write(d, "ids.csv", b"id,text,id\na1,Talks went well.,b1\n");
    write(d, "ok.csv", b"id,text\na2,They lied.\n");
    let r = run_in(d, &["predict", "--model", model.to_str().unwrap(), "ids.csv", "ok.csv"]);
    let message = "ids.csv: column 'id' appears twice in the header (rename one)";
    assert_eq!((r.status, r.stderr.lines().next()), (2, Some(format!("stancekit: error: {message}").as_str())));
    let rows = ids_and_texts(&r.stdout);
    assert_eq!(rows, [("ids.csv".to_string(), format!("error: {message}")), ("a2".into(), "They lied.".into())]);
}

#[test]
fn an_id_column_that_is_asked_for_must_exist() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "p.csv", b"key,text\nk1,Great film.\n");
    let r = run_in(d, &["predict", "--model", &m, "p.csv", "--id-column", "nope"]);
    assert_eq!(r.status, 2);
    let error = "p.csv: no column 'nope' (columns found: 'key', 'text'; choose one with --id-column)";
    assert_eq!(r.stdout, format!("id\tsentence\tlabel\tp\ttext\np.csv\t-\t-\t-\terror: {error}\n"));
    assert!(r.stderr.starts_with(&format!("stancekit: error: {error}\n")), "{}", r.stderr);
    let ids = |r: &util::Run| -> Vec<String> {
        r.stdout.lines().skip(1).map(|l| l.split('\t').next().unwrap().into()).collect()
    };
    let r = run_in(d, &["predict", "--model", &m, "p.csv", "--id-column", "key"]);
    assert_eq!((r.status, ids(&r)), (0, vec!["k1".to_string()]), "{}", r.stderr);
    let r = run_in(d, &["predict", "--model", &m, "p.csv"]);
    assert_eq!((r.status, ids(&r)), (0, vec!["1".to_string()]), "no id column, no flag: row numbers");

    write(
        d,
        "q.jsonl",
        b"{\"id\":true,\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"id\":null,\"text\":\"c\"}\n{\"id\":7,\"text\":\"d\"}\n",
    );
    let errors = |r: &util::Run| -> Vec<String> {
        r.stdout.lines().skip(1).map(|l| l.rsplit('\t').next().unwrap().to_string()).collect()
    };
    let not_an_id = |line: u32, kind: &str| {
        format!("error: q.jsonl:{line}: malformed JSON: field 'id' is {kind}, not a string or number (write the id as a string)")
    };
    let r = run_in(d, &["predict", "--model", &m, "q.jsonl"]);
    assert_eq!(r.status, 2);
    assert_eq!(ids(&r), ["1", "2", "3", "7"]);
    assert_eq!(errors(&r), [not_an_id(1, "a bool"), "b".into(), "c".into(), "d".into()]);
    let r = run_in(d, &["predict", "--model", &m, "q.jsonl", "--id-column", "id"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        errors(&r),
        [
            not_an_id(1, "a bool"),
            "error: q.jsonl:2: malformed JSON: no field 'id' (set it with --id-column)".into(),
            not_an_id(3, "null"),
            "d".into()
        ]
    );
}

#[test]
fn a_model_whose_numbers_overflow_gives_error_rows_not_nan() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = std::fs::read(model(d)).unwrap();
    // Every weight near f32's largest value: the scores overflow to infinity. The
    // checksum is recomputed so that the file loads.
    let mut edited: serde_json::Value = serde_json::from_slice(&good).unwrap();
    let n_features = {
        let m = stancekit::model::ModelFile::from_bytes(&good, Path::new("m.json")).unwrap();
        m.featurizer.n_features()
    };
    edited["classifier"]["weights"] = serde_json::json!([vec![3e38f32; n_features], vec![3e38f32; n_features]]);
    edited["checksum"] = "0".repeat(64).into();
    write(d, "huge.json", stancekit::model::with_checksum(&serde_json::to_string(&edited).unwrap()).as_bytes());
    let input = b"a fine and moving film\n";
    let r = run_with_stdin(&["predict", "--model", d.join("huge.json").to_str().unwrap(), "--format", "json"], input);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(!r.stdout.contains("null"), "{}", r.stdout);
    let row: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(
        row["error"],
        "-:1: model 'label' gave an infinite or undefined score for the text, so no probabilities (its numbers overflow; retrain it)"
    );
    // eval refuses such rows as predict does. It printed figures of NaN probabilities
    // (log-loss 34.5388, Brier NaN, ECE NaN, every row the first label's) and exited 0.
    write(d, "test.csv", b"text,label\na fine and moving film,positive\n");
    let r = run_in(d, &["eval", "--model", "huge.json", "--data", "test.csv"]);
    assert_eq!(r.status, 2, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr.trim_end(),
        "stancekit: error: test.csv:2: column 'text': model 'label' gave an infinite or undefined score for the text, \
         so no probabilities (its numbers overflow; retrain it)"
    );
}

/// Two versions of one model (same task name) both keep their results: the later one is
/// named by its file stem, or its path when the stems are equal too; the same file twice
/// is refused.
#[test]
fn models_with_one_task_name_get_distinct_output_names() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    model(d);
    std::fs::create_dir(d.join("v2")).unwrap();
    std::fs::create_dir(d.join("v3")).unwrap();
    std::fs::copy(d.join("m.json"), d.join("v2/m.json")).unwrap();
    std::fs::copy(d.join("m.json"), d.join("v3/m.json")).unwrap();
    write(d, "p.csv", b"id,text\n1,Great film.\n");
    let r = run_in(
        d,
        &["predict", "--model", "m.json", "--model", "v2/m.json", "--model", "v3/m.json", "p.csv", "--format", "json"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let row: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    let names: Vec<&String> = row["predictions"].as_object().unwrap().keys().collect();
    // serde_json keeps one of two equal keys, so three names prove three distinct keys.
    assert_eq!(names, ["label", "m", "v3/m.json"], "{}", r.stdout);
    assert_eq!(
        r.stderr,
        "stancekit: warning: --model v2/m.json has task 'label' as --model m.json does: its results are named 'm'\n\
         stancekit: warning: --model v3/m.json has task 'label' as --model m.json does: its results are named 'v3/m.json'\n"
    );
    let r = run_in(d, &["predict", "--model", "m.json", "--model", "m.json", "p.csv"]);
    assert_eq!((r.status, r.stdout.as_str()), (2, ""));
    assert_eq!(r.stderr, "stancekit: error: --model m.json is given twice (give each model once)\n");
    // Spelt otherwise, it was loaded twice, with a warning, its results printed twice.
    std::os::unix::fs::symlink("m.json", d.join("link.json")).unwrap();
    for other in ["./m.json", "link.json"] {
        let r = run_in(d, &["predict", "--model", "m.json", "--model", other, "p.csv"]);
        assert_eq!((r.status, r.stdout.as_str()), (2, ""));
        let said =
            format!("stancekit: error: --model m.json and --model {other} are the same file (give each model once)\n");
        assert_eq!(r.stderr, said);
    }
}

#[test]
fn actors_refuses_unknown_labels_and_files_with_nothing_to_score() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let lexicon = lexicon.to_str().unwrap();
    for (content, expected) in [
        (
            &b"text,accusation,source,target\n"[..],
            "actors.csv: no row labelled accusation or denial to score (0 rows read)",
        ),
        (
            b"text,accusation,source,target\nHe lied.,accusation,He,\nShe lied.,acusation,She,\n",
            "actors.csv:3: column 'accusation': unknown label 'acusation' (expected one of: accusation, denial, none)",
        ),
        (b"text,accusation,source,target\nHe lied.,accusation\n", "actors.csv:2: malformed CSV: row has 2 fields"),
        // One row is said in the singular ("1 rows read" before).
        (
            b"text,accusation,source,target\nHe lied.,none,,\n",
            "actors.csv: no row labelled accusation or denial to score (1 row read)\n",
        ),
    ] {
        write(d, "actors.csv", content);
        let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "actors.csv"]);
        assert_eq!(r.status, 2, "{expected}: {}", r.stdout);
        assert_eq!(r.stdout, "");
        assert!(r.stderr.starts_with(&format!("stancekit: error: {expected}")), "{expected}: {}", r.stderr);
    }
}

#[test]
fn killed_training_leaves_the_old_model_whole() {
    // Kill `train` at several moments while it works on mr; the model file written
    // before must stay byte-identical and loadable every time.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = model(d);
    let before = std::fs::read(&path).unwrap();
    let mr = util::shared().join("datasets/mr/mr.csv");
    for delay_ms in [5u64, 50, 150, 400] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
            .args(["train", "-q", "--data", mr.to_str().unwrap(), "--out", &path])
            .current_dir(d)
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let after = std::fs::read(&path).unwrap();
        // Either the old model, byte for byte, or (if the kill came after the rename)
        // the whole new one: never a mix.
        let whole_new = stancekit::model::ModelFile::from_bytes(&after, Path::new("m.json")).is_ok();
        assert!(after == before || whole_new, "killed after {delay_ms} ms ({status}): half-written model");
        if !status.success() && after != before {
            assert!(whole_new);
        }
    }
}

/// Rows of `stdout` (JSON Lines of one article) whose sentences must cover `len` bytes
/// in order, each at most [`stancekit::text::LONGEST_SENTENCE`] long, `gap` bytes apart.
fn assert_pieces_cover(stdout: &str, len: u64, gap: u64) {
    let rows: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let (article, sentences) = rows.split_last().unwrap();
    assert_eq!(article["n_sentences"].as_u64(), Some(sentences.len() as u64));
    assert!(sentences.len() as u64 >= len / stancekit::text::LONGEST_SENTENCE as u64);
    let spans: Vec<(u64, u64)> =
        sentences.iter().map(|r| (r["start"].as_u64().unwrap(), r["end"].as_u64().unwrap())).collect();
    assert_eq!(spans.first().map(|s| s.0), Some(0));
    assert_eq!(spans.last().map(|s| s.1), Some(len));
    for pair in spans.windows(2) {
        assert_eq!(pair[1].0, pair[0].1 + gap, "{pair:?}");
    }
    assert!(spans.iter().all(|(start, end)| end - start <= stancekit::text::LONGEST_SENTENCE as u64));
    assert!(sentences.iter().all(|r| r["predictions"]["cooperation"]["label"].is_string()));
}

/// Text without sentence marks is cut into pieces of at most 20,000 bytes at white
/// space, which cover it: labelled as one sentence it took 22 s and 4.2 GB of memory
/// (8.4 s and 2.5 GB cut, `/usr/bin/time`, under load).
#[test]
fn a_100_mb_line_without_punctuation_is_cut_into_sentences_that_cover_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 100 MB of words with no sentence punctuation and no newline.
    let words = ["officials", "said", "talks", "would", "resume", "after", "the", "border", "dispute"];
    let mut text = String::with_capacity(100_000_000 + 16);
    for word in words.iter().cycle() {
        if text.len() + word.len() + 1 > 100_000_000 {
            break;
        }
        text.push_str(word);
        text.push(' ');
    }
    // End on a letter: a trailing space would not belong to the sentence.
    text.pop();
    while text.len() < 100_000_000 {
        text.push('x');
    }
    let path = write(d, "long.txt", text.as_bytes());
    drop(text);
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/cooperation.json");
    let r = run_in(d, &["predict", "--model", model.to_str().unwrap(), "--format", "json", path.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // Cut at single spaces, so each piece starts a byte after the last ends.
    assert_pieces_cover(&r.stdout, 100_000_000, 1);
}

#[test]
fn a_long_run_of_letters_and_dots_without_spaces_is_labelled_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Each dot of "a.a.a." used to rescan the run before it, in the tokenizer (is the word
    // single dotted letters?) and in the splitter (is it an abbreviation?): 160 KB took
    // over 2 minutes, these 1.2 MB hours. Linear, they take well under a second; the deadline
    // only stops a hang. Glued words ("ab.Cd", where a period may end a sentence without a
    // space) read the whole run around each period: 200 KB took 23 s.
    let text = format!("{}{}{}", "a.".repeat(300_000), "A.-".repeat(200_000), "ab.Cd".repeat(100_000));
    let path = write(d, "dots.txt", text.as_bytes());
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/cooperation.json");
    let args = ["predict", "--model", model.to_str().unwrap(), "--format", "json", path.to_str().unwrap()];
    let r = predict_with_stdin_from(d, &args, std::fs::File::open("/dev/null").unwrap());
    assert_eq!(r.status, 0, "{}", r.stderr);
    // No space anywhere, so no sentence boundary: pieces of the longest length, cut at
    // the limit, that cover the text.
    assert_pieces_cover(&r.stdout, text.len() as u64, 0);
}

/// A character device made for the test (`mknod` needs root; `None` without it), so a
/// test never points `--out` or a redirection at the machine's own /dev/null or /dev/full.
fn device(dir: &Path, name: &str, minor: u32) -> Option<std::path::PathBuf> {
    let path = dir.join(name);
    let made = std::process::Command::new("mknod").arg(&path).args(["c", "1", &minor.to_string()]).status();
    matches!(made, Ok(s) if s.success()).then_some(path)
}

fn is_model(bytes: &[u8]) -> bool {
    stancekit::model::ModelFile::from_bytes(bytes, Path::new("m.json")).is_ok()
}

/// Runs `script` in bash in `dir` with `$SK` set to the binary; returns (status, stderr).
fn bash_in(dir: &Path, script: &str) -> (i32, String) {
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("SK", env!("CARGO_BIN_EXE_stancekit"))
        .current_dir(dir)
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Standard output appended to an input (`predict in.csv >> in.csv`) read back the rows it
/// wrote as input rows, without end: 744 MB in 10 s from a 1.3 MB file, until the disk
/// was full. `predict dir/ > dir/out.txt` labelled its own output as an article.
#[test]
fn an_input_that_is_standard_output_is_refused_not_read_back_without_end() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let rows: String = (0..5000).map(|i| format!("The talks failed in round {i}.\n")).collect();
    write(d, "in.csv", format!("text\n{rows}").as_bytes());
    std::fs::create_dir(d.join("dir")).unwrap();
    write(d, "dir/a.txt", b"The talks failed.");
    write(d, "s.txt", b"The talks failed.\n");
    let said = "is the file standard output writes to, so the rows written would be read back as input (send the \
                output to a file that is not among the inputs)";
    // A file size limit (10 MB) ends the endless run as it was, should it come back.
    for (script, name) in [
        (format!("ulimit -f 10000; \"$SK\" predict --model {m} in.csv >> in.csv"), "in.csv"),
        (format!("\"$SK\" predict --model {m} dir > dir/out.txt"), "dir/out.txt"),
        (format!("\"$SK\" predict --model {m} < s.txt >> s.txt"), "-: standard input"),
    ] {
        let (status, stderr) = bash_in(d, &script);
        assert_eq!((status, stderr), (2, format!("stancekit: error: {name} {said}\n")), "{script}");
    }
    assert_eq!(std::fs::read(d.join("in.csv")).unwrap(), format!("text\n{rows}").as_bytes());
    assert_eq!(std::fs::read(d.join("dir/out.txt")).unwrap(), b"");
    // Another file, and a device, are written to as before.
    let (status, stderr) = bash_in(d, &format!("\"$SK\" predict --model {m} dir in.csv > out.txt"));
    assert_eq!(
        (status, stderr.as_str()),
        (2, "stancekit: 1 of 5002 input rows could not be read (see their 'error' field)\n"),
        "dir/out.txt is empty, so an error row"
    );
    let (status, _) = bash_in(d, &format!("\"$SK\" predict --model {m} in.csv > /dev/null"));
    assert_eq!(status, 0);
}

#[test]
fn output_to_a_fifo_or_device_writes_through_it_and_keeps_it() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    assert!(std::process::Command::new("mkfifo").arg(d.join("ff")).status().unwrap().success());
    // A read-write handle opens without waiting and keeps the FIFO open for the reader,
    // which then ends when that handle is dropped, whether or not train wrote to it.
    let keep_open = std::fs::OpenOptions::new().read(true).write(true).open(d.join("ff")).unwrap();
    let mut pipe = std::fs::File::open(d.join("ff")).unwrap();
    let reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut pipe, &mut bytes).unwrap();
        bytes
    });
    let r = run_in(d, &["train", "-q", "--data", data, "--out", "ff"]);
    drop(keep_open);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(is_model(&reader.join().unwrap()), "the reader got the whole model");
    assert!(std::fs::symlink_metadata(d.join("ff")).unwrap().file_type().is_fifo(), "still a FIFO");
    if let Some(null) = device(d, "null", 3) {
        let r = run_in(d, &["train", "-q", "--data", data, "--out", null.to_str().unwrap()]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_char_device(), "still a device");
        write(d, "a.txt", b"Talks made progress.\n");
        let r = run_in(d, &["train", "-q", "--data", data, "--out", "m.json"]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let r = run_in(d, &["report", "a.txt", "--model", "m.json", "--html", null.to_str().unwrap()]);
        assert_eq!(r.status, 0, "{}", r.stderr);
        assert!(std::fs::symlink_metadata(&null).unwrap().file_type().is_char_device(), "still a device");
    }
}

/// A device that takes no write (`/dev/full`) given as `--out` was found only when the
/// model was written, after the whole training; now before any data is read.
#[test]
fn output_to_a_device_that_takes_nothing_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let Some(full) = device(d, "full", 7) else { return };
    // Header only: without the early check, this is said first ("no rows to train on").
    write(d, "empty.csv", b"text,label\n");
    let r = run_in(d, &["train", "--data", "empty.csv", "--out", full.to_str().unwrap()]);
    assert_eq!(
        (r.status, r.stderr),
        (2, format!("stancekit: error: writing model: {}: No space left on device (os error 28)\n", full.display()))
    );
    // A device that takes writes is still written to.
    let null = device(d, "null", 3).unwrap();
    let r = run_in(d, &["train", "--data", "empty.csv", "--out", null.to_str().unwrap()]);
    assert_eq!((r.status, r.stderr.as_str()), (2, "stancekit: error: empty.csv: no rows to train on\n"));
}

#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    std::fs::create_dir(d.join("models")).unwrap();
    // The model it links to, which training again replaces (a file of something else is refused).
    let old = std::fs::read(model(d)).unwrap();
    write(&d.join("models"), "v1.json", &old);
    std::os::unix::fs::symlink("models/v1.json", d.join("current.json")).unwrap();
    let r = run_in(d, &["train", "-q", "--data", data.to_str().unwrap(), "--out", "current.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(std::fs::symlink_metadata(d.join("current.json")).unwrap().file_type().is_symlink());
    let new = std::fs::read(d.join("models/v1.json")).unwrap();
    assert!(is_model(&new) && new != old, "the linked model replaced");
    let names: Vec<_> = std::fs::read_dir(d.join("models")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["v1.json"], "no temporary file left");
}

#[test]
fn output_that_is_an_input_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let before = std::fs::read(&data).unwrap();
    std::os::unix::fs::symlink("mr_sample.csv", d.join("link.csv")).unwrap();
    std::fs::hard_link(&data, d.join("hard.csv")).unwrap();
    write(d, "other.csv", b"text,label\n");
    for out in ["mr_sample.csv", "link.csv", "hard.csv", "./sub/../mr_sample.csv"] {
        std::fs::create_dir_all(d.join("sub")).unwrap();
        let r = run_in(d, &["train", "--data", "other.csv", "mr_sample.csv", "--out", out]);
        assert_eq!(r.status, 2, "{out}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "stancekit: error: --out {out} is the same file as --data mr_sample.csv (choose another output path)\n"
            ),
            "{out}: refused before other.csv (no rows) is read"
        );
        assert_eq!(std::fs::read(&data).unwrap(), before, "{out}: the data is untouched");
    }
    let article = write(d, "a.txt", b"Talks made progress.\n");
    let r = run_in(d, &["report", "a.txt", "--html", "a.txt"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: --html a.txt is the same file as the article a.txt (choose another output path)\n"
    );
    assert_eq!(std::fs::read(article).unwrap(), b"Talks made progress.\n");
    write(d, "spans.csv", b"dataset,doc_id,start,end,sha256,label,split\n");
    let r = run_in(d, &["corpus", "--spans", "spans.csv", "--out", "spans.csv"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: --out spans.csv is the same file as --spans spans.csv (choose another output path)\n"
    );
}

/// `--out` naming a file of the `--lexicon` directory is refused as `--out` naming the
/// lexicon file is; the model used to replace the user's cues.tsv or negators.txt.
#[test]
fn output_that_is_a_file_of_the_lexicon_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    std::fs::create_dir(d.join("lex")).unwrap();
    let cues = b"term\tcategory\tweight\ngood\tpositive\t1\n";
    write(d, "lex/cues.tsv", cues);
    write(d, "lex/negators.txt", b"not\n");
    for name in ["cues.tsv", "negators.txt"] {
        let out = format!("lex/{name}");
        let r = run_in(d, &["train", "-q", "--data", data.to_str().unwrap(), "--lexicon", "lex", "--out", &out]);
        let expected =
            format!("stancekit: error: --out {out} is the same file as --lexicon {out} (choose another output path)\n");
        assert_eq!((r.status, r.stderr.as_str()), (2, expected.as_str()));
    }
    assert_eq!(std::fs::read(d.join("lex/cues.tsv")).unwrap(), cues);
    assert_eq!(std::fs::read(d.join("lex/negators.txt")).unwrap(), b"not\n");
}

/// inspect writes a data file name with a tab or a line break escaped, one line each, as
/// predict writes ids; `bu\tsi\nness.csv` used to break the lines that name it in two.
#[test]
fn inspect_keeps_a_file_name_with_a_line_break_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    std::fs::copy(&data, d.join("bu\tsi\nness.csv")).unwrap();
    let r = run_in(d, &["train", "-q", "--data", "bu\tsi\nness.csv", "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run_in(d, &["inspect", "--model", "m.json", "--top", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().filter(|l| l.contains("ness.csv")).collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(lines.iter().all(|l| l.contains("bu\\tsi\\nness.csv")), "{lines:?}");
}

/// An error naming a file whose name holds a line break stays one line, the break
/// written `\n`; it used to be two lines of stderr.
#[test]
fn an_error_naming_a_file_with_a_line_break_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let r = run_in(d, &["train", "--data", "no\nsuch.csv", "--out", "m.json"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (2, "stancekit: error: no\\nsuch.csv: No such file or directory (os error 2)\n")
    );
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let r = run_in(d, &["predict", "--model", model.to_str().unwrap(), "no\tsuch\n.txt"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr.lines().next(),
        Some("stancekit: error: no\\tsuch\\n.txt: No such file or directory (os error 2)"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 2, "the error and the count of failed rows: {}", r.stderr);
}

#[test]
fn output_directory_problems_are_one_clean_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The data file has no rows: an error found only after the output checks.
    write(d, "empty.csv", b"text,label\n");
    for (out, expected) in [
        (".", "stancekit: error: writing model: .: is a directory\n"),
        (
            "no/such/m.json",
            "stancekit: error: writing model: no/such/m.json: No such file or directory (os error 2) (there is no \
             directory no: a misspelt path, or a directory not made yet?)\n",
        ),
        ("empty.csv/m.json", "stancekit: error: writing model: empty.csv/m.json: Not a directory (os error 20)\n"),
        // A directory that is not there, named with a final '/': it used to be found at the
        // rename, after the training, as "Not a directory (os error 20)".
        ("new/", &format!("stancekit: error: writing model: new/: {NO_SUCH_DIRECTORY}\n")),
    ] {
        let r = run_in(d, &["train", "--data", "empty.csv", "--out", out]);
        assert_eq!(r.status, 2, "{out}");
        assert_eq!(r.stderr, expected, "{out}");
    }
    let r = run_in(d, &["report", "empty.csv", "--html", "no/r.html"]);
    assert_eq!(
        r.stderr,
        "stancekit: error: writing HTML: no/r.html: No such file or directory (os error 2) (there is no directory no: \
         a misspelt path, or a directory not made yet?)\n"
    );
    let r = run_in(d, &["report", "empty.csv", "--html", "new/"]);
    assert_eq!(r.stderr, format!("stancekit: error: writing HTML: new/: {NO_SUCH_DIRECTORY}\n"));
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 1, "nothing written beside the data");
    // A link to such a directory, likewise.
    std::os::unix::fs::symlink("new/", d.join("link")).unwrap();
    let r = run_in(d, &["train", "--data", "empty.csv", "--out", "link"]);
    let said = "link: is a symbolic link to new/, a directory that does not exist (link it to the file to write)";
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: writing model: {said}\n")));
}

const NO_SUCH_DIRECTORY: &str = "no such directory (a path ending in '/' names a directory, not the file to write: \
                                 give the file's own path, in a directory that exists)";

#[test]
fn failing_stderr_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    // stderr is a pipe nobody reads: every diagnostic gets EPIPE.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(["train", "--data", data.to_str().unwrap(), "--out", "m.json"])
        .current_dir(d)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "trained, and the summary line's failure ignored");
    assert!(is_model(&std::fs::read(d.join("m.json")).unwrap()));
    if device(d, "full", 7).is_some() {
        let (status, _) = bash_in(d, &format!("\"$SK\" train --data {} --out m2.json 2>full", data.display()));
        assert_eq!(status, 0);
        let (status, _) = bash_in(d, "\"$SK\" train --data missing.csv --out m2.json 2>full");
        assert_eq!(status, 2, "the error's exit status survives a failed error line");
    }
}

#[test]
fn failing_stdout_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let closed = "stancekit: error: writing to standard output: Bad file descriptor (os error 9)\n";
    for command in [
        format!("echo 'talks made progress' | \"$SK\" predict --model {m} >&-"),
        format!("\"$SK\" inspect --model {m} >&-"),
        format!("\"$SK\" inspect --model {m} 1<{m}"),
        "\"$SK\" --help >&-".to_string(),
    ] {
        let (status, stderr) = bash_in(d, &command);
        assert_eq!((status, stderr.as_str()), (2, closed), "{command}");
    }
    if device(d, "full", 7).is_some() {
        let full = "stancekit: error: writing to standard output: No space left on device (os error 28)\n";
        for command in [
            format!("echo 'talks made progress' | \"$SK\" predict --model {m} >full"),
            format!("\"$SK\" inspect --model {m} >full"),
            "\"$SK\" --help >full".to_string(),
        ] {
            let (status, stderr) = bash_in(d, &command);
            assert_eq!((status, stderr.as_str()), (2, full), "{command}");
        }
    }
    // A closed pipe stays a quiet success (`| head`).
    let (status, stderr) = bash_in(d, &format!("\"$SK\" inspect --model {m} | head -c 0; exit ${{PIPESTATUS[0]}}"));
    assert_eq!((status, stderr.as_str()), (0, ""));
}

/// A file replaced by `--out` (`--html`, `--predictions`) keeps its permissions, as a
/// shell's `>` keeps them: a model made private (0600) came back as 0644, readable by
/// everyone, when trained again. A write-protected one (`chmod a-w`) is refused before
/// any work: it was replaced, and made writable.
#[cfg(unix)]
#[test]
fn a_replaced_output_keeps_its_permissions_and_a_write_protected_one_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    write(d, "a.txt", b"The talks failed.\n");
    let mode = |name: &str| std::fs::metadata(d.join(name)).unwrap().permissions().mode() & 0o777;
    let set_mode =
        |name: &str, mode: u32| std::fs::set_permissions(d.join(name), PermissionsExt::from_mode(mode)).unwrap();
    for (name, args) in [
        ("private.json", vec!["train", "-q", "--data", data, "--out", "private.json"]),
        ("private.html", vec!["report", "--model", &m, "--html", "private.html", "a.txt"]),
        ("private.csv", vec!["eval", "--model", &m, "--data", data, "--predictions", "private.csv"]),
    ] {
        // Training again replaces a model; the other outputs replace any file.
        let old: Vec<u8> = if name.ends_with(".json") { std::fs::read(&m).unwrap() } else { b"old".to_vec() };
        write(d, name, &old);
        set_mode(name, 0o600);
        let r = run_in(d, &args);
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
        assert_ne!(std::fs::read(d.join(name)).unwrap(), old, "{name} written");
        assert_eq!(mode(name), 0o600, "{name}");
    }
    let said = "is write-protected (mode 444), so it is not replaced (make it writable, e.g. chmod u+w, or choose \
                another output path)";
    for (name, args, what) in [
        ("kept.json", vec!["train", "--data", data, "--out", "kept.json"], "writing model"),
        ("kept.html", vec!["report", "--model", &m, "--html", "kept.html", "a.txt"], "writing HTML"),
    ] {
        let old: Vec<u8> = if name.ends_with(".json") { std::fs::read(&m).unwrap() } else { b"old".to_vec() };
        write(d, name, &old);
        set_mode(name, 0o444);
        let r = run_in(d, &args);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {what}: {name}: {said}\n")));
        assert_eq!(std::fs::read(d.join(name)).unwrap(), old);
        assert_eq!(mode(name), 0o444);
    }
}

/// `train --out` over a file that is not a model (`--out test.csv`, meant for
/// `--test-data`) replaced the data with the model, exit 0. Now refused before any work,
/// the file kept; an empty file (`mktemp`'s), a model and a model laid out by another
/// program are still replaced.
#[test]
fn train_out_over_a_file_that_is_not_a_model_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    write(d, "test.csv", b"text,label\nGood film.,pos\n");
    let r = run_in(d, &["train", "-q", "--data", data, "--out", "test.csv"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (
            2,
            "stancekit: error: --out test.csv holds something other than a stancekit model (it starts 'text,label'), \
             which the model would replace (give --out a path of its own, e.g. model.json; to replace the file, \
             remove it first)\n"
        )
    );
    assert_eq!(std::fs::read(d.join("test.csv")).unwrap(), b"text,label\nGood film.,pos\n");
    // As jq or Python's json.dump lay it out: the format first, on a line of its own.
    let pretty = std::fs::read_to_string(&m).unwrap().replacen("{\"format\":", "{\n  \"format\": ", 1);
    for (name, old) in
        [("empty.json", String::new()), ("model.json", std::fs::read_to_string(&m).unwrap()), ("pretty.json", pretty)]
    {
        write(d, name, old.as_bytes());
        let r = run_in(d, &["train", "-q", "--data", data, "--out", name]);
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
        assert!(
            std::fs::read_to_string(d.join(name)).unwrap().starts_with("{\"format\":\"stancekit-model\""),
            "{name}"
        );
    }
}

/// A model file rewritten in place while it loads (`cp new.json m.json` truncates it
/// first, then writes): reading its map faulted, and the process died of SIGBUS ("Bus
/// error", status 135) without a word, in about one run of five here. Now every run
/// labels, or fails with one line naming the file, exit 2.
#[cfg(target_os = "linux")]
#[test]
fn a_model_cut_short_while_it_loads_is_an_error_not_a_bus_error() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let shipped = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json")).unwrap();
    std::fs::write(d.join("m.json"), &shipped).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (d, stop) = (d.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // As cp does: truncate, then write.
                let mut file = std::fs::File::create(d.join("m.json")).unwrap();
                std::io::Write::write_all(&mut file, &shipped).unwrap();
            }
        })
    };
    let cut_short = "stancekit: error: m.json: not a valid stancekit model: the file was cut short while it was read \
                     (another program rewrote it in place, as cp does, while stancekit loaded it: run again once it is \
                     written, and put a new model in place with mv or train --out, which replace the file whole)\n";
    let mut said = 0;
    for _ in 0..150 {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
            .args(["inspect", "--model", "m.json", "--top", "0"])
            .current_dir(&d)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.signal(), None, "ended by a signal: {stderr}");
        assert!(output.status.code() == Some(0) || output.status.code() == Some(2), "{stderr}");
        if output.status.code() == Some(2) {
            assert!(stderr.starts_with("stancekit: error: m.json: not a valid stancekit model: "), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
        }
        said += usize::from(stderr == cut_short);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    eprintln!("{said} of 150 runs found the file cut short under the map");
}

/// A model stored or downloaded compressed (`m.json.gz`, a `.zip` of models) is said as
/// such, as a compressed data file is: it was `not JSON at line 1 column 1: a model file
/// is a JSON object, starting with '{'`.
#[test]
fn a_compressed_model_is_named_as_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/model_v5.json")).unwrap();
    let mut gz = b"\x1F\x8B\x08\x00".to_vec();
    gz.extend_from_slice(&model[..64]);
    write(d, "m.json.gz", &gz);
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(&model[..64]);
    write(d, "models.zip", &zip);
    let said = "not a valid stancekit model: the file is";
    for (name, expected) in [
        ("m.json.gz", format!("m.json.gz: {said} gzip-compressed, not a model's JSON text (decompress it first, e.g. gunzip -k, and give the model file)")),
        ("models.zip", format!("models.zip: {said} a ZIP archive (a .zip, or a document such as .docx, .xlsx or .odt), not a model's JSON text (extract it first, e.g. unzip, and give the model file)")),
    ] {
        let r = run_in(d, &["inspect", "--model", name]);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {expected}\n")), "{name}");
    }
}

/// A file growing past the file size limit (`ulimit -f`): SIGXFSZ killed the process
/// without a word (bash: "File size limit exceeded", status 153) and left a hidden
/// `.stancekit-*.tmp` of part of the model or page beside the target. Now the write
/// fails as any write does: one line naming the file and the limit, exit 2, no debris.
#[test]
fn a_file_past_the_size_limit_is_a_write_error_leaving_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "a.txt", b"The talks failed. Both sides blamed each other.\n");
    let data = mr_sample(d, 30);
    let data = data.display();
    std::fs::create_dir(d.join("out")).unwrap();
    let limit = "File too large (os error 27) (the file would pass this shell's file size limit, ulimit -f: raise it, \
                 e.g. ulimit -f unlimited)";
    for (command, said) in [
        (format!("\"$SK\" train --data {data} --out out/m.json"), format!("writing model: out/m.json: {limit}")),
        (format!("\"$SK\" report --html out/r.html --model {m} a.txt"), format!("writing HTML: out/r.html: {limit}")),
        (
            format!("\"$SK\" eval --model {m} --data {data} --predictions out/p.csv >/dev/null"),
            format!("writing predictions: out/p.csv: {limit}"),
        ),
        (format!("\"$SK\" predict --model {m} {data} > out/rows.txt"), format!("writing to standard output: {limit}")),
    ] {
        // Blocks of 512 bytes: every output here is larger.
        let (status, stderr) = bash_in(d, &format!("ulimit -f 1; {command}"));
        assert_eq!((status, stderr), (2, format!("stancekit: error: {said}\n")), "{command}");
        let left: Vec<_> = std::fs::read_dir(d.join("out")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(left.iter().all(|name| name == "rows.txt"), "{command}: left {left:?}");
    }
}

/// The CLI's handler of SIGINT, SIGTERM and SIGHUP (which removes the temporary file of a
/// write under way: `output::remove_unfinished`, tested there) still ends the process by
/// the signal, and a signal the parent ignores (`nohup`'s SIGHUP) stays ignored.
#[cfg(target_os = "linux")]
#[test]
fn an_ending_signal_still_ends_the_run_by_that_signal() {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (signal, ignored) in
        [(libc::SIGINT, false), (libc::SIGTERM, false), (libc::SIGHUP, false), (libc::SIGHUP, true)]
    {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"));
        command.args(["train", "--data", "-", "--out", "m.json"]).current_dir(d);
        command.stdin(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
        if ignored {
            // SAFETY: signal(2) between fork and exec touches no memory of the parent.
            unsafe {
                command.pre_exec(move || {
                    libc::signal(signal, libc::SIG_IGN);
                    Ok(())
                });
            }
        }
        let mut child = command.spawn().unwrap();
        // Reading its data from standard input, which stays open, once its handler is in
        // place (or the signal is ignored): a fixed wait was too short on a loaded
        // machine, and the run ended before the test could see which.
        await_disposition(child.id(), signal, if ignored { "SigIgn" } else { "SigCgt" });
        // SAFETY: kill(2) of the child this test started.
        assert_eq!(unsafe { libc::kill(i32::try_from(child.id()).unwrap(), signal) }, 0);
        std::thread::sleep(std::time::Duration::from_millis(300));
        if ignored {
            assert!(child.try_wait().unwrap().is_none(), "an ignored SIGHUP stays ignored");
            drop(child.stdin.take());
        }
        let status = child.wait().unwrap();
        if ignored {
            assert_eq!(status.code(), Some(2), "ran on to its end: no rows");
        } else {
            assert_eq!(status.signal(), Some(signal), "ended by signal {signal}");
        }
        let left: Vec<_> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "signal {signal} (ignored: {ignored}): nothing written, but left {left:?}");
    }
}

/// Waits (up to 20 s) until process `pid` catches or ignores `signal`, as its
/// `/proc/PID/status` line `field` (`SigCgt` or `SigIgn`, a hexadecimal mask) says.
#[cfg(target_os = "linux")]
fn await_disposition(pid: u32, signal: i32, field: &str) {
    let bit = 1u64 << (signal - 1);
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(20) {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let mask = status
            .lines()
            .find_map(|line| line.strip_prefix(field).and_then(|rest| rest.strip_prefix(':')))
            .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok());
        if mask.is_some_and(|mask| mask & bit != 0) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("process {pid} did not show signal {signal} in {field} within 20 s");
}

#[test]
fn corpus_refuses_a_span_label_outside_its_task() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("bbc_news")).unwrap();
    write(d, "bbc_news/bbc_news.csv", b"doc_id,text\nd1,Hello world.\n");
    // 185f8db32271fe25: the first 16 hex digits of sha256("Hello") (`printf Hello | sha256sum`).
    write(
        d,
        "spans.csv",
        b"dataset,doc_id,start,end,sha256,cooperation,split\nbbc_news,d1,0,5,185f8db32271fe25,bogus,train\n",
    );
    let r = run_in(d, &["corpus", "--spans", "spans.csv", "--datasets", ".", "--out", "out.csv"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: spans.csv:2: column 'cooperation': unknown label 'bogus' \
         (expected one of: cooperative, adversarial, neutral)\n"
    );
    assert!(!d.join("out.csv").exists(), "nothing written");
    // An empty cell (a span not yet labelled), a space after a label, in a label or the
    // split column, and an actors file's claim: they were "unknown label ''" and
    // "unknown label 'neutral '" beside a list holding `neutral`.
    let header = "dataset,doc_id,start,end,sha256,cooperation,split\nbbc_news,d1,0,5,185f8db32271fe25,";
    let taken = "(labels are taken as written, never trimmed: remove it)";
    for (row, expected) in [
        (",train", "column 'cooperation': empty label (give the row its label, or leave the row out)".to_string()),
        ("neutral ,train", format!("column 'cooperation': label 'neutral ' has white space at its end {taken}")),
        ("neutral, train", format!("column 'split': label ' train' has white space at its start {taken}")),
    ] {
        write(d, "spans.csv", format!("{header}{row}\n").as_bytes());
        let r = run_in(d, &["corpus", "--spans", "spans.csv", "--datasets", ".", "--out", "out.csv"]);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: spans.csv:2: {expected}\n")), "{row}");
        assert!(!d.join("out.csv").exists(), "nothing written");
    }
    write(d, "a.csv", b"text,accusation,source,target\nHe lied.,none ,,\n");
    let r = run_in(d, &["actors", "--data", "a.csv"]);
    let expected =
        format!("stancekit: error: a.csv:2: column 'accusation': label 'none ' has white space at its end {taken}\n");
    assert_eq!((r.status, r.stderr), (2, expected));
}

#[test]
fn grouped_folds_refuse_a_training_side_without_a_class() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Every negative row is in group n: the fold that tests n trains on positives only.
    let mut csv = String::from("text,label,grp\n");
    for i in 0..4 {
        csv.push_str(&format!("good fine film {i},positive,p{i}\nbad dull film {i},negative,n\n"));
    }
    write(d, "onegrp.csv", csv.as_bytes());
    let r = run_in(d, &["eval", "--data", "onegrp.csv", "--folds", "2", "--group-column", "grp", "--min-df", "1"]);
    assert_eq!(r.status, 2, "{}", r.stdout);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // Group n (4 rows) is dealt first, largest first, to fold 1.
    assert_eq!(
        r.stderr,
        "stancekit: error: invalid --folds: fold 1 of 2 trains on no 'negative' row: its groups hold all of them; \
         use fewer folds or other groups\n"
    );
}

/// Group cells written alike (an article id typed `Doc1` on one row and `doc1` on
/// another, or with a trailing space) were separate groups without a word, so one
/// article's rows could be tested in one fold and trained on in another.
#[test]
fn groups_written_alike_are_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut csv = String::from("text,label,grp\n");
    for i in 0..4 {
        csv.push_str(&format!("good fine film {i},positive,a{i}\nbad dull film {i},negative,b{i}\n"));
    }
    for (extra, said) in [
        ("bad film again,negative,B1\n", "groups 'B1' (g.csv:10) and 'b1' (g.csv:5) differ only by case"),
        (
            "bad film again,negative,\"b1 \"\n",
            "groups 'b1 ' (g.csv:10) and 'b1' (g.csv:5) differ only by white space around it",
        ),
    ] {
        write(d, "g.csv", format!("{csv}{extra}").as_bytes());
        let args = ["eval", "--data", "g.csv", "--folds", "2", "--group-column", "grp", "--min-df", "1"];
        let r = run_in(d, &args);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let expected = format!(
            "stancekit: warning: --group-column grp: {said}; they are separate groups, so their rows can fall in \
             different folds (make them agree if they are one article)\n"
        );
        assert!(r.stderr.starts_with(&expected), "{extra}: {}", r.stderr);
        // --quiet keeps it quiet; groups written otherwise say nothing.
        let quiet = run_in(d, &[&args[..], &["--quiet"]].concat());
        assert!(!quiet.stderr.contains("written alike") && !quiet.stderr.contains("differ only"), "{}", quiet.stderr);
    }
    write(d, "g.csv", csv.as_bytes());
    let r = run_in(d, &["eval", "--data", "g.csv", "--folds", "2", "--group-column", "grp", "--min-df", "1"]);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn an_empty_group_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut csv = String::from("text,label,grp\n");
    for i in 0..4 {
        csv.push_str(&format!("good fine film {i},positive,a{i}\nbad dull film {i},negative,b{i}\n"));
    }
    csv.push_str("bad film again,negative, \n");
    write(d, "g.csv", csv.as_bytes());
    let r = run_in(d, &["eval", "--data", "g.csv", "--folds", "2", "--group-column", "grp", "--min-df", "1"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: g.csv:10: column 'grp': empty group (give every row a group, or leave out --group-column)\n"
    );
}

#[test]
fn a_model_saved_with_a_byte_order_mark_still_loads() {
    // Editors on some systems add U+FEFF when saving; it is not part of the JSON the
    // checksum covers, so the model is the same model.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = model(d);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&std::fs::read(&path).unwrap());
    write(d, "bom.json", &bom);
    let plain = run_with_stdin(&["predict", "--model", &path, "-"], b"some text\n");
    let marked = run_with_stdin(&["predict", "--model", d.join("bom.json").to_str().unwrap(), "-"], b"some text\n");
    assert_eq!(marked.status, 0, "{}", marked.stderr);
    assert_eq!(marked.stdout, plain.stdout);
}

/// Makes `d` a datasets directory with one bbc_news document, "Hello world.".
fn span_datasets(d: &Path) {
    std::fs::create_dir(d.join("bbc_news")).unwrap();
    write(d, "bbc_news/bbc_news.csv", b"doc_id,text\nd1,Hello world.\n");
}

/// Span rows of "Hello" (0..5) and "world" (6..11): the first 16 hex digits of their
/// sha256 (`printf Hello | sha256sum`, `printf world | sha256sum`).
const HELLO: &str = "bbc_news,d1,0,5,185f8db32271fe25";
const WORLD: &str = "bbc_news,d1,6,11,486ea46224d1bb4f";

#[test]
fn corpus_matches_label_columns_by_name_across_span_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    span_datasets(d);
    let meta = "dataset,doc_id,start,end,sha256";
    write(
        d,
        "a.csv",
        format!("{meta},cooperation,accusation,sentiment,split\n{HELLO},adversarial,accusation,neutral,train\n")
            .as_bytes(),
    );
    // The same three columns in another order, and the split before them.
    write(
        d,
        "b.csv",
        format!("{meta},split,sentiment,cooperation,accusation\n{WORLD},train,positive,cooperative,denial\n")
            .as_bytes(),
    );
    let r = run_in(d, &["corpus", "--spans", "a.csv", "b.csv", "--datasets", ".", "--out", "out.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(d.join("out.csv")).unwrap(),
        "id,doc,text,cooperation,accusation,sentiment\n\
         bbc_news:d1:0,bbc_news:d1,Hello,adversarial,accusation,neutral\n\
         bbc_news:d1:6,bbc_news:d1,world,cooperative,denial,positive\n"
    );
    // A split that keeps no row still names the label columns, for `train --label-column`.
    let r =
        run_in(d, &["corpus", "--spans", "a.csv", "b.csv", "--datasets", ".", "--split", "dev", "--out", "dev.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(d.join("dev.csv")).unwrap(), "id,doc,text,cooperation,accusation,sentiment\n");
}

/// A span file of only its header (a new labelling round not yet begun) wrote the
/// corpus header without its label columns, `id,doc,text`, which `train
/// --label-column sentiment` then called a missing column, not a file without rows.
#[test]
fn corpus_of_span_files_without_rows_names_their_label_columns() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    span_datasets(d);
    let header = "dataset,doc_id,start,end,sha256,sentiment,cooperation,split";
    write(d, "empty.csv", format!("{header}\n").as_bytes());
    write(d, "empty2.csv", format!("{header}\r\n").as_bytes());
    for spans in [&["empty.csv"][..], &["empty.csv", "empty2.csv"]] {
        let mut args = vec!["corpus", "--datasets", ".", "--out", "out.csv", "--spans"];
        args.extend_from_slice(spans);
        let r = run_in(d, &args);
        assert_eq!(r.status, 0, "{spans:?}: {}", r.stderr);
        assert_eq!(r.stderr, "stancekit: 0 of 0 spans rebuilt and verified -> out.csv\n");
        assert_eq!(std::fs::read_to_string(d.join("out.csv")).unwrap(), "id,doc,text,sentiment,cooperation\n");
        let r = run_in(d, &["train", "--data", "out.csv", "--label-column", "sentiment", "--out", "m.json"]);
        assert_eq!(r.status, 2);
        assert_eq!(r.stderr, "stancekit: error: out.csv: no rows to train on\n");
    }
}

#[test]
fn corpus_refuses_span_files_whose_label_columns_differ() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    span_datasets(d);
    let meta = "dataset,doc_id,start,end,sha256";
    // a.csv's span has a wrong hash: the columns are compared before any span is read.
    write(d, "a.csv", format!("{meta},cooperation,accusation,sentiment,split\nbbc_news,d1,0,5,0000000000000000,neutral,none,neutral,train\n").as_bytes());
    write(d, "short.csv", format!("{meta},cooperation,accusation,split\n{WORLD},neutral,none,train\n").as_bytes());
    write(
        d,
        "other.csv",
        format!("{meta},topic,cooperation,sentiment,split\n{WORLD},x,neutral,neutral,train\n").as_bytes(),
    );
    write(d, "twice.csv", format!("{meta},cooperation,accusation,sentiment,split,accusation\n").as_bytes());
    let what_to_do = "(give every span file the same label columns, in any order)";
    for (spans, expected) in [
        (["a.csv", "short.csv"], format!("short.csv: its label columns differ from those of a.csv: 'sentiment' missing {what_to_do}")),
        (["short.csv", "a.csv"], format!("a.csv: its label columns differ from those of short.csv: 'sentiment' extra {what_to_do}")),
        (
            ["a.csv", "other.csv"],
            format!("other.csv: its label columns differ from those of a.csv: 'accusation' missing, 'topic' extra {what_to_do}"),
        ),
        (["a.csv", "twice.csv"], "twice.csv: column 'accusation' appears twice in the header (rename one)".to_string()),
    ] {
        let r = run_in(d, &["corpus", "--spans", spans[0], spans[1], "--datasets", ".", "--out", "out.csv"]);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {expected}\n")), "{spans:?}");
        assert!(!d.join("out.csv").exists(), "{spans:?}: nothing written");
    }
}

#[test]
fn corpus_refuses_a_split_other_than_train_or_dev() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    span_datasets(d);
    for split in ["Train", "test", ""] {
        let spans = format!(
            "dataset,doc_id,start,end,sha256,sentiment,split\n{HELLO},neutral,train\n{WORLD},neutral,{split}\n"
        );
        write(d, "spans.csv", spans.as_bytes());
        let r =
            run_in(d, &["corpus", "--spans", "spans.csv", "--datasets", ".", "--split", "train", "--out", "out.csv"]);
        assert_eq!(r.status, 2, "{split:?}: {}", r.stderr);
        let what = match split {
            "" => "empty label (give the row its label, or leave the row out)".to_string(),
            // Said as eval says a model's label spelt otherwise (it was an unknown label).
            "Train" => {
                "label 'Train' differs from the expected label 'train' only by case; make them agree".to_string()
            }
            _ => format!("unknown label '{split}' (expected one of: train, dev)"),
        };
        assert_eq!(r.stderr, format!("stancekit: error: spans.csv:3: column 'split': {what}\n"));
        assert!(!d.join("out.csv").exists(), "{split:?}: nothing written");
    }
}

/// A span given twice (the same span file twice, or a span copied into another file,
/// perhaps with other labels) was two rows of one sentence in the corpus, exit 0.
/// `corpus --out` naming a document file it reads from `--datasets` replaced the shared
/// dataset with the corpus, exit 0.
#[test]
fn corpus_refuses_an_output_that_is_a_shared_dataset_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("bbc_news")).unwrap();
    let documents = b"doc_id,text\nd1,Hello world.\n";
    write(d, "bbc_news/bbc_news.csv", documents);
    // 185f8db32271fe25: the first 16 hex digits of sha256("Hello") (`printf Hello | sha256sum`).
    write(
        d,
        "spans.csv",
        b"dataset,doc_id,start,end,sha256,cooperation,split\nbbc_news,d1,0,5,185f8db32271fe25,neutral,train\n",
    );
    let r = run_in(d, &["corpus", "--spans", "spans.csv", "--datasets", ".", "--out", "./bbc_news/bbc_news.csv"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (
            2,
            "stancekit: error: --out ./bbc_news/bbc_news.csv is the same file as --datasets ./bbc_news/bbc_news.csv \
             (choose another output path)\n"
        )
    );
    assert_eq!(std::fs::read(d.join("bbc_news/bbc_news.csv")).unwrap(), documents);
    let r = run_in(d, &["corpus", "--spans", "spans.csv", "--datasets", ".", "--out", "out.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

/// `report --html` naming a shipped model, read when no --model is given, replaced it with
/// the page, exit 0, and every later run that needed it failed to load it.
#[test]
fn report_refuses_an_output_that_is_a_shipped_model_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("models")).unwrap();
    for task in ["cooperation", "accusation", "sentiment"] {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("models/{task}.json"));
        std::fs::copy(shipped, d.join(format!("models/{task}.json"))).unwrap();
    }
    write(d, "a.txt", b"The talks failed.");
    let before = std::fs::read(d.join("models/sentiment.json")).unwrap();
    let (status, stderr) = bash_in(d, "STANCEKIT_MODELS=models \"$SK\" report --html models/sentiment.json a.txt");
    let said = "stancekit: error: --html models/sentiment.json is the same file as the shipped model \
                models/sentiment.json (choose another output path)\n";
    assert_eq!((status, stderr.as_str()), (2, said));
    assert_eq!(std::fs::read(d.join("models/sentiment.json")).unwrap(), before);
    let (status, stderr) = bash_in(d, "STANCEKIT_MODELS=models \"$SK\" report --html r.html a.txt");
    assert_eq!((status, stderr.as_str()), (0, "stancekit: 1 sentence -> r.html\n"));
}

#[test]
fn corpus_refuses_a_span_given_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    span_datasets(d);
    let header = "dataset,doc_id,start,end,sha256,sentiment,split";
    write(d, "a.csv", format!("{header}\n{HELLO},neutral,train\n{WORLD},positive,train\n").as_bytes());
    write(d, "b.csv", format!("{header}\n{WORLD},negative,dev\n").as_bytes());
    write(d, "c.csv", format!("{header}\n{HELLO},neutral,train\n{HELLO},negative,train\n").as_bytes());
    let cases: [(&[&str], &str); 4] = [
        (&["a.csv", "a.csv"], "--spans a.csv is given twice (each of its spans would be two rows of the corpus)"),
        (
            &["a.csv", "./a.csv"],
            "--spans a.csv and ./a.csv are the same file (each of its spans would be two rows of the corpus)",
        ),
        (
            &["a.csv", "b.csv"],
            "b.csv:2: span 6..11 of bbc_news d1 is also at a.csv:3 (a span is one row of the corpus: keep one of them)",
        ),
        (
            &["c.csv"],
            "c.csv:3: span 0..5 of bbc_news d1 is also at line 2 (a span is one row of the corpus: keep one of them)",
        ),
    ];
    for (spans, expected) in cases {
        let mut args = vec!["corpus", "--spans"];
        args.extend_from_slice(spans);
        args.extend(["--datasets", ".", "--out", "out.csv"]);
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{spans:?}: {}", r.stderr);
        assert_eq!(r.stderr, format!("stancekit: error: {expected}\n"), "{spans:?}");
        assert!(!d.join("out.csv").exists(), "{spans:?}: nothing written");
    }
}

#[test]
fn corpus_refuses_a_label_column_named_like_one_it_writes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    span_datasets(d);
    for column in ["id", "doc", "text"] {
        let spans = format!("dataset,doc_id,start,end,sha256,sentiment,{column},split\n{HELLO},neutral,x,train\n");
        write(d, "spans.csv", spans.as_bytes());
        let r = run_in(d, &["corpus", "--spans", "spans.csv", "--datasets", ".", "--out", "out.csv"]);
        assert_eq!(r.status, 2, "{column}: {}", r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "stancekit: error: spans.csv: column '{column}' has the name of a column corpus writes itself \
                 (rename it; id, doc and text are taken)\n"
            )
        );
        assert!(!d.join("out.csv").exists(), "{column}: nothing written");
    }
}

#[test]
fn a_class_whose_rows_all_weigh_0_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Every 'neg' row is in n.csv, which --data-weight gives weight 0: the model would
    // say 'pos' of everything.
    write(d, "p.csv", b"text,label\ngood movie,pos\ngreat film,pos\n");
    write(d, "n.csv", b"text,label\nbad movie,neg\nawful film,neg\n");
    let expected =
        "stancekit: error: invalid --data-weight: every row of class 'neg' has weight 0, so the model could \
                    never predict it (give its rows a weight above 0, or leave them out)\n";
    let data = ["--data", "p.csv", "n.csv", "--data-weight", "1,0", "--min-df", "1"];
    let r = run_in(d, &[&["train", "--out", "m.json"][..], &data].concat());
    assert_eq!((r.status, r.stderr.as_str()), (2, expected));
    assert!(!d.join("m.json").exists());
    let r = run_in(d, &[&["eval", "--folds", "2"][..], &data].concat());
    assert_eq!((r.status, r.stderr.as_str(), r.stdout.as_str()), (2, expected, ""));
    write(d, "t.csv", b"text,label\nlovely film,pos\ndull film,neg\n");
    let r = run_in(d, &[&["eval", "--test-data", "t.csv"][..], &data].concat());
    assert_eq!((r.status, r.stderr.as_str(), r.stdout.as_str()), (2, expected, ""));
    // Weight 0 on some rows of a class, not all, still trains.
    write(d, "n2.csv", b"text,label\nbad film,neg\n");
    let r = run_in(d, &["train", "--out", "m.json", "--data", "p.csv", "n.csv", "n2.csv", "--data-weight", "1,1,0"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

#[test]
fn folds_and_tune_refuse_a_training_side_without_a_class() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Nine 'a' rows, one 'b': dealt round-robin, 'a' takes folds 1, 2, 1, ... and 'b',
    // the tenth row, fold 2, whose training side then has no 'b'.
    let mut rare = String::from("text,label\n");
    for word in ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"] {
        rare.push_str(&format!("good {word},a\n"));
    }
    rare.push_str("bad,b\n");
    write(d, "rare.csv", rare.as_bytes());
    let r = run_in(d, &["eval", "--data", "rare.csv", "--folds", "2", "--min-df", "1"]);
    assert_eq!(r.status, 2);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "stancekit: error: invalid --folds: fold 2 of 2 trains on no 'b' row: class 'b' has 1 row, fewer than the 2 \
         folds (use fewer folds, or add 'b' rows)\n"
    );
    // One row per class: no inner fold of --tune can train on both, so every C scored
    // 0 and the smallest won; now refused, while plain training goes on.
    write(d, "two.csv", b"text,label\ngood,pos\nbad,neg\n");
    let r = run_in(d, &["train", "--data", "two.csv", "--tune", "--min-df", "1", "--out", "t.json"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: invalid --tune: class 'neg' has 1 row in the training data, too few for --tune's inner \
         folds (each class needs 2: one to train on, one to test; leave out --tune and give --c)\n"
    );
    assert!(!d.join("t.json").exists());
    let r = run_in(d, &["train", "--data", "two.csv", "--min-df", "1", "--out", "t.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // Three rows per class in 2 outer folds: 'neg' takes folds 1, 2, 1 and 'pos' 2, 1, 2,
    // so fold 1 trains on one 'neg' row, too few for --tune inside it.
    write(d, "six.csv", b"text,label\ngood,pos\nfine,pos\nnice,pos\nbad,neg\nawful,neg\npoor,neg\n");
    let r = run_in(d, &["eval", "--data", "six.csv", "--folds", "2", "--tune", "--min-df", "1"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: in fold 1 of 2 of --folds: invalid --tune: class 'neg' has 1 row in the training data, too \
         few for --tune's inner folds (each class needs 2: one to train on, one to test; leave out --tune and give \
         --c)\n"
    );
    let r = run_in(d, &["eval", "--data", "six.csv", "--folds", "3", "--tune", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

#[test]
fn a_failure_inside_a_fold_names_the_fold() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 'x' is in 3 of the 6 texts, so --min-df 3 keeps it when training on all of them;
    // each of 3 folds trains on 4 texts, two of them with 'x'.
    write(d, "md.csv", b"text,label\nx good,pos\nx great,pos\nx fine,pos\nbad,neg\nawful,neg\npoor,neg\n");
    let r = run_in(d, &["train", "--data", "md.csv", "--min-df", "3", "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let no_ngram = "invalid --min-df: no n-gram is in 3 or more of the 4 training texts, so no n-gram column is left \
                    (lower --min-df)";
    let r = run_in(d, &["train", "--data", "md.csv", "--min-df", "3", "--tune", "--out", "t.json"]);
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: in fold 1 of 3 of --tune: {no_ngram}\n")));
    let r = run_in(d, &["eval", "--data", "md.csv", "--min-df", "3", "--folds", "3"]);
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: in fold 1 of 3 of --folds: {no_ngram}\n")));
}

#[test]
fn stancekit_models_must_hold_the_three_models() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    std::fs::create_dir(d.join("empty")).unwrap();
    std::fs::create_dir(d.join("one")).unwrap();
    std::os::unix::fs::symlink(shipped.join("cooperation.json"), d.join("one/cooperation.json")).unwrap();
    let holding = "(set it to a directory holding cooperation.json, accusation.json and sentiment.json, or unset it)";
    for (value, expected) in [
        ("empty", format!("STANCEKIT_MODELS=empty has no cooperation.json, accusation.json, sentiment.json {holding}")),
        ("one", format!("STANCEKIT_MODELS=one has no accusation.json, sentiment.json {holding}")),
        ("missing", format!("STANCEKIT_MODELS=missing is not a directory {holding}")),
        ("", format!("STANCEKIT_MODELS is set but empty {holding}")),
    ] {
        // Before, each fell back to ./models or the build tree's models with exit 0.
        let (status, stderr) =
            bash_in(d, &format!("echo 'They accused him.' | STANCEKIT_MODELS='{value}' $SK predict -"));
        assert_eq!((status, stderr), (2, format!("stancekit: error: {expected}\n")), "{value:?}");
    }
    let (status, stderr) =
        bash_in(d, &format!("echo 'They accused him.' | STANCEKIT_MODELS='{}' $SK predict -", shipped.display()));
    assert_eq!((status, stderr.as_str()), (0, ""));
}

/// A shipped-models directory (`$STANCEKIT_MODELS`) whose file holds another task's model:
/// `sentiment.json` copied in as `cooperation.json` was labelled with as sentiment twice,
/// with a warning about a `--model` nobody gave (`--model wrong/sentiment.json has task
/// 'sentiment' as --model wrong/cooperation.json does`), and a model trained with a task
/// of its own (`label`) took the cooperation column's place without a word, exit 0.
#[test]
fn a_shipped_model_file_holding_another_tasks_model_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let own = model(d);
    for (name, cooperation, task) in
        [("wrong", shipped.join("sentiment.json"), "sentiment"), ("own", own.into(), "label")]
    {
        std::fs::create_dir(d.join(name)).unwrap();
        std::fs::copy(cooperation, d.join(name).join("cooperation.json")).unwrap();
        for other in ["accusation.json", "sentiment.json"] {
            std::os::unix::fs::symlink(shipped.join(other), d.join(name).join(other)).unwrap();
        }
        let expected = format!(
            "stancekit: error: {name}/cooperation.json: holds a model of task '{task}', not cooperation (the shipped \
             models' directory holds each task's model under that task's name: put the cooperation model there, or \
             give models with --model)\n"
        );
        for command in [
            "echo 'They accused him.' | STANCEKIT_MODELS={name} $SK predict -",
            "echo 'They accused him.' > a.txt; STANCEKIT_MODELS={name} $SK report --html r.html a.txt",
        ] {
            let (status, stderr) = bash_in(d, &command.replace("{name}", name));
            assert_eq!((status, stderr.as_str()), (2, expected.as_str()), "{command}");
        }
        assert!(!d.join("r.html").exists());
    }
}

#[test]
fn actors_refuses_empty_sentences_and_foreign_spans_and_prints_0_of_0_as_undefined() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let lexicon = lexicon.to_str().unwrap();
    let header = "id,text,accusation,source,target\n1,X accused Y of lying.,accusation,X,Y\n";
    let not_in = "is not in the sentence (copy it exactly as written there: same case, same punctuation)";
    for (row, expected) in [
        ("2,,accusation,Q,\n", "actors.csv:3: column 'text': empty text".to_string()),
        ("2,\"   \",denial,,\n", "actors.csv:3: column 'text': empty text".to_string()),
        ("2,foo,accusation,nothere,\n", format!("actors.csv:3: column 'source': gold span 'nothere' {not_in}")),
        ("2,X accused Y.,accusation,X,y\n", format!("actors.csv:3: column 'target': gold span 'y' {not_in}")),
    ] {
        write(d, "actors.csv", format!("{header}{row}").as_bytes());
        let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "actors.csv"]);
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{row}");
        assert_eq!(r.stderr, format!("stancekit: error: {expected}\n"));
    }
    // One denial: its target is neither given nor predicted, so target precision and
    // recall are 0/0, undefined rather than 0.
    write(d, "denial.csv", b"id,text,accusation,source,target\n1,Z denied it.,denial,Z,\n");
    let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "denial.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "source  precision 1.0000 (1/1)  recall 1.0000 (1/1)\ntarget  precision n/a (0/0)  recall n/a (0/0)\n"
    );
    let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "denial.csv", "--format", "json"]);
    let target: serde_json::Value = serde_json::from_str(r.stdout.lines().nth(1).unwrap()).unwrap();
    assert_eq!(target["role"], "target");
    assert!(target["precision"].is_null() && target["recall"].is_null(), "{target}");
}

/// A gold span with white space around it (a spreadsheet cell typed `The minister `) was
/// in its sentence, so it was read, and then counted as missed whatever the extractor
/// found: source precision and recall 0 where the source was found.
#[test]
fn actors_refuses_a_gold_span_with_white_space_around_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let lexicon = lexicon.to_str().unwrap();
    let header = "text,accusation,source,target\n";
    let sentence = "The minister accused the rebels.";
    let compared = "(spans are compared exactly, and a found span starts and ends with a word: remove it)";
    for (row, expected) in [
        ("accusation,The minister ,the rebels", format!("column 'source': gold span 'The minister ' has white space at its end {compared}")),
        ("accusation,The minister,\" the rebels\"", format!("column 'target': gold span ' the rebels' has white space at its start {compared}")),
        ("accusation,\"\t\",the rebels", "column 'source': gold span '\\t' is only white space (leave the cell empty when the sentence names no actor)".to_string()),
    ] {
        write(d, "a.csv", format!("{header}{sentence},{row}\n").as_bytes());
        let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "a.csv"]);
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{row}");
        assert_eq!(r.stderr, format!("stancekit: error: a.csv:2: {expected}\n"), "{row}");
    }
    write(d, "a.csv", format!("{header}{sentence},accusation,The minister,the rebels\n").as_bytes());
    let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "a.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("source  precision 1.0000 (1/1)  recall 1.0000 (1/1)\n"), "{}", r.stdout);
}

/// A row labelled `none` with a gold source or target (a claim mislabelled, or spans
/// typed on the wrong row) was skipped with its spans, and the scores printed as if the
/// row held nothing: exit 0.
#[test]
fn actors_refuses_gold_spans_on_a_row_labelled_none() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let lexicon = lexicon.to_str().unwrap();
    let header = "text,accusation,source,target\nThe minister accused the rebels.,accusation,The minister,the rebels\n";
    let why = "on a row labelled 'none' (a sentence that accuses or denies nothing has no source or target, and its \
               spans would not be scored: label the row accusation or denial, or empty the cell)";
    for (row, expected) in [
        ("Russia accused Ukraine.,none,Russia,Ukraine", format!("column 'source': gold span 'Russia' {why}")),
        ("Kyiv denied it.,none,,Kyiv", format!("column 'target': gold span 'Kyiv' {why}")),
    ] {
        write(d, "a.csv", format!("{header}{row}\n").as_bytes());
        let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "a.csv"]);
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{row}");
        assert_eq!(r.stderr, format!("stancekit: error: a.csv:3: {expected}\n"), "{row}");
    }
    // A `none` row without spans is read as before.
    write(d, "a.csv", format!("{header}Talks went well.,none,,\n").as_bytes());
    let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "a.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

/// An output that is no model given the path of a model that this run does not read
/// (`eval --model a.json --predictions b.json`, b.json meant as a second model; a page or
/// corpus written over `models/...`) replaced the model with CSV or HTML, exit 0, and
/// every later load of it failed. `train --out` still replaces a model.
#[test]
fn outputs_other_than_models_refuse_to_replace_a_model() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    std::fs::copy(&m, d.join("other.json")).unwrap();
    let before = std::fs::read(d.join("other.json")).unwrap();
    write(d, "test.csv", b"text,label\na fine film,positive\na dull film,negative\n");
    write(d, "a.txt", b"A fine film. A dull film.\n");
    write(d, "spans.csv", b"dataset,doc_id,start,end,sha256,sentiment,split\n");
    let own = "; to delete the model, remove it first)";
    for (args, said) in [
        (
            vec!["eval", "-q", "--model", m.as_str(), "--data", "test.csv", "--predictions", "other.json"],
            format!("--predictions other.json is a stancekit model, which the predictions CSV would replace (give --predictions a path of its own, e.g. predictions.csv{own}"),
        ),
        (
            vec!["report", "--model", m.as_str(), "--html", "other.json", "a.txt"],
            format!("--html other.json is a stancekit model, which the HTML page would replace (give --html a path of its own, e.g. page.html{own}"),
        ),
        (
            vec!["corpus", "--spans", "spans.csv", "--out", "other.json"],
            format!("--out other.json is a stancekit model, which the corpus CSV would replace (give --out a path of its own, e.g. corpus.csv{own}"),
        ),
    ] {
        let r = run_in(d, &args);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {said}\n")), "{args:?}");
        assert_eq!(std::fs::read(d.join("other.json")).unwrap(), before, "{args:?}: the model is kept");
    }
    let data = mr_sample(d, 20);
    let r = run_in(d, &["train", "-q", "--data", data.to_str().unwrap(), "--out", "other.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_ne!(std::fs::read(d.join("other.json")).unwrap(), before, "train replaces a model");
    // A FIFO is not opened to be looked at: with only a reader at its other end, that open
    // waited for a writer, for ever. (The read-write open after the run frees the reader
    // if it did.)
    assert!(std::process::Command::new("mkfifo").arg(d.join("ff")).status().unwrap().success());
    let script = format!(
        "cat ff > got.html 2>/dev/null & timeout 20 \"$SK\" report --model {m} --html ff a.txt 2>/dev/null; s=$?; \
         exec 3<>ff; exec 3>&-; wait; exit $s"
    );
    let (status, _) = bash_in(d, &script);
    assert_eq!(status, 0, "report --html to a FIFO ends");
    assert!(std::fs::read_to_string(d.join("got.html")).unwrap().contains("<html"), "the reader got the page");
}

/// Direction marks (U+200F, U+202E, ...) print as nothing: an article line of only them
/// was a sentence, labelled and counted in the article's shares, and a training text of
/// only them was trained on.
#[test]
fn direction_marks_alone_are_an_empty_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.txt", "Talks failed.\n\u{200F}\nBoth sides agreed.\n".as_bytes());
    write(d, "only.txt", "\u{200F}\u{200E} \u{202E}\n".as_bytes());
    let r = run_in(d, &["predict", "--summary-only", "a.txt", "only.txt"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stdout.contains("# article a.txt (2 sentences)"), "{}", r.stdout);
    assert!(r.stdout.contains("error: only.txt:1: empty text"), "{}", r.stdout);
    let err = train_error(d, "tr.csv", "text,label\nx,a\n\u{200F},b\n".as_bytes(), &[]);
    assert!(err.ends_with("tr.csv:3: column 'text': empty text\n"), "{err}");
}

/// A `--word-classes` file none of whose words the training texts use (another
/// language's, one built for other texts) added no column: the model trained as without
/// it, and nothing said so.
#[test]
fn word_classes_that_no_training_text_uses_are_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 20);
    std::fs::copy(&data, d.join("test.csv")).unwrap();
    let data = data.to_str().unwrap();
    write(d, "fr.tsv", "accusé\tc1\nsommet\tc2\n".as_bytes());
    let said =
        "stancekit: warning: no word of the training texts is in --word-classes fr.tsv (2 words), so it adds no \
                column and the model trains as without it (a file made for other texts, or another language?)";
    for args in [
        vec!["train", "--data", data, "--word-classes", "fr.tsv", "--out", "m.json"],
        vec!["eval", "--data", data, "--folds", "2", "--word-classes", "fr.tsv"],
        vec!["eval", "--data", data, "--test-data", "test.csv", "--word-classes", "fr.tsv"],
    ] {
        let r = run_in(d, &args);
        assert_eq!(r.status, 0, "{args:?}: {}", r.stderr);
        assert!(r.stderr.lines().any(|l| l == said), "{args:?}: {}", r.stderr);
    }
    write(d, "en.tsv", b"film\tc1\nmovie\tc1\n");
    let r = run_in(d, &["train", "--data", data, "--word-classes", "en.tsv", "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("--word-classes"), "{}", r.stderr);
}

/// A `--lexicon` of cues that no training text holds gave cue columns of 0 on every row:
/// the model trained as without it, and nothing said so.
#[test]
fn a_lexicon_that_no_training_text_uses_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 20);
    let data = data.to_str().unwrap();
    write(d, "fr.tsv", "accusé\taccusation\t1\nsommet\tcooperative\t1\n".as_bytes());
    let said = "stancekit: warning: no cue of --lexicon fr.tsv (2 cues) is in the training texts, so its cue columns \
                are 0 on every row and the model trains as without it (a lexicon made for other texts, or another \
                language?)";
    let r = run_in(d, &["train", "--data", data, "--lexicon", "fr.tsv", "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.lines().any(|l| l == said), "{}", r.stderr);
    let r = run_in(d, &["eval", "--data", data, "--folds", "2", "--lexicon", "fr.tsv"]);
    assert!(r.stderr.lines().any(|l| l == said), "{}", r.stderr);
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let r = run_in(d, &["train", "--data", data, "--lexicon", shipped.to_str().unwrap(), "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("no cue of"), "{}", r.stderr);
}

/// The first field and the last field of each output row of `predict`'s text format.
fn ids_and_texts(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .skip(1)
        .map(|l| (l.split('\t').next().unwrap().into(), l.rsplit('\t').next().unwrap().into()))
        .collect()
}

/// A JSON id that is a number is kept as written: through f64, 100000000000000000000
/// and 100000000000000000001 both printed as `1e+20`, `1.10` as `1.1`, `-0` as `-0.0`.
#[test]
fn json_number_ids_are_kept_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let ids = ["100000000000000000000", "100000000000000000001", "1.10", "1.1", "-0", "1e20", "1.5e400", "12"];
    let lines: Vec<String> = ids.iter().map(|id| format!("{{\"id\": {id} ,\"text\":\"a fine film\"}}\n")).collect();
    write(d, "n.jsonl", lines.concat().as_bytes());
    let r = run_in(d, &["predict", "--model", &m, "n.jsonl"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let found: Vec<String> = ids_and_texts(&r.stdout).into_iter().map(|(id, _)| id).collect();
    assert_eq!(found, ids);
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "n.jsonl"]);
    let found: Vec<serde_json::Value> =
        r.stdout.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].clone()).collect();
    assert_eq!(found, ids.map(serde_json::Value::from));
}

/// A text field that is not a string, or a line that is not an object, says what it
/// is; an invalid UTF-8 byte's offset counts from the start of the file, as in a CSV.
#[test]
fn json_records_name_what_they_hold_instead_of_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let input = b"{\"text\":5}\n{\"text\":null}\n{\"text\":[\"a\"]}\n{\"text\":{\"a\":1}}\n{\"id\":1}\n\"a film\"\n\
                  [1]\n{\"text\":\"caf\xe9\"}\n";
    write(d, "t.jsonl", input);
    let r = run_in(d, &["predict", "--model", &m, "t.jsonl"]);
    assert_eq!(r.status, 2);
    let not_a_string =
        |line: u32, kind: &str| format!("error: t.jsonl:{line}: malformed JSON: field 'text' is {kind}, not a string");
    let not_an_object = |line: u32, kind: &str| {
        format!("error: t.jsonl:{line}: malformed JSON: the line is {kind}, not an object with a 'text' field")
    };
    // The bad byte: 11 + 14 + 15 + 17 + 9 + 9 + 4 = 79 bytes in the seven lines before,
    // then the 12 of `{"text":"caf`.
    let offset = input.iter().position(|&b| b == 0xe9).unwrap();
    assert_eq!(offset, 79 + 12);
    let expected = [
        ("1", not_a_string(1, "a number")),
        ("2", not_a_string(2, "null")),
        ("3", not_a_string(3, "an array")),
        ("4", not_a_string(4, "an object")),
        ("1", "error: t.jsonl:5: malformed JSON: no field 'text' (fields found: 'id'; set it with --text-column)".into()),
        ("6", not_an_object(6, "a string")),
        ("7", not_an_object(7, "an array")),
        (
            "8",
            format!("error: t.jsonl:8: invalid UTF-8 at byte offset {offset} (it looks like Windows-1252, which Excel and Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t \
             UTF-8, or pass --lossy)"),
        ),
    ];
    let expected: Vec<(String, String)> = expected.into_iter().map(|(id, e)| (id.to_string(), e)).collect();
    assert_eq!(ids_and_texts(&r.stdout), expected);
}

/// A record without the text field lists the fields it has, in their order, as a CSV
/// without the column lists its columns: it said only `no field 'text'`, on every line
/// of a file whose texts are under another key.
#[test]
fn a_json_record_without_the_text_field_lists_its_fields() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let many: Vec<String> = (0..25).map(|i| format!("\"k{i}\":{i}")).collect();
    // The last: its text under a key in another case (as pandas heads a column), which
    // was listed among the fields found as if another name.
    let input = format!(
        "{{\"Body\":\"a film\",\"id\":\"x\",\"tags\":[\"a\"]}}\n{{}}\n{{{}}}\n{{\"Text\":\"a film\",\"id\":\"y\"}}\n",
        many.join(",")
    );
    write(d, "t.jsonl", input.as_bytes());
    let r = run_in(d, &["predict", "--model", &m, "t.jsonl"]);
    assert_eq!(r.status, 2);
    let no_text = |line: u32, found: &str| {
        format!("error: t.jsonl:{line}: malformed JSON: no field 'text' ({found}; set it with --text-column)")
    };
    let first_20: Vec<String> = (0..20).map(|i| format!("'k{i}'")).collect();
    let expected = [
        ("x".to_string(), no_text(1, "fields found: 'Body', 'id', 'tags'")),
        ("2".to_string(), no_text(2, "the record has no fields")),
        ("3".to_string(), no_text(3, &format!("fields found: {}, and 5 more", first_20.join(", ")))),
        (
            "y".to_string(),
            "error: t.jsonl:4: malformed JSON: no field 'text', but a field 'Text' (keys are compared in their case: \
             choose it with --text-column Text)"
                .to_string(),
        ),
    ];
    assert_eq!(ids_and_texts(&r.stdout), expected);
}

/// An id cell that is not UTF-8 is refused as a text cell is (read lossily, `a\xe9` and
/// `a\xe8` would both be `a\u{fffd}`): an error row naming the file, line and column,
/// unless --lossy.
#[test]
fn a_csv_id_that_is_not_utf8_is_an_error_row_unless_lossy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "w.csv", b"id,text\na\xe9,a fine film\nb,a dull film\n");
    let r = run_in(d, &["predict", "--model", &m, "w.csv"]);
    assert_eq!(r.status, 2);
    // `id,text\na` is 9 bytes: the bad byte is at offset 9.
    let error =
        "error: w.csv:2: column 'id': invalid UTF-8 at byte offset 9 (it looks like Windows-1252, which Excel and Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t \
             UTF-8, or pass --lossy)";
    assert_eq!(ids_and_texts(&r.stdout), [("1".into(), error.into()), ("b".into(), "a dull film".into())]);
    let r = run_in(d, &["predict", "--model", &m, "--lossy", "w.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(ids_and_texts(&r.stdout)[0], ("a\u{fffd}".into(), "a fine film".into()));
}

/// Labels and task names are written into tab-separated rows, summaries, the confusion
/// matrix and page titles: a tab, a line break or another control character in one is
/// refused when training (naming the first such label's file, line and column, or the
/// flag), and in a model file at load.
#[test]
fn labels_and_task_names_with_control_characters_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut csv = String::from("text,label\n");
    for i in 0..4 {
        csv.push_str(&format!("good fine film {i},positive\nbad dull film {i},negative\n"));
    }
    let good = write(d, "good.csv", csv.as_bytes());
    let tab = format!("{csv}bad again,\"nega\ttive\"\nworse,\"neg\nx\"\n");
    let label_error = |file: &str, label: &str, character: &str| {
        format!(
            "stancekit: error: {}:10: column 'label': label '{label}' holds the control character {character} \
             (labels are written into tab-separated output; remove it)\n",
            d.join(file).display()
        )
    };
    let err = train_error(d, "tab.csv", tab.as_bytes(), &["--min-df", "1"]);
    assert_eq!(err, label_error("tab.csv", "nega\\ttive", "U+0009"));
    let err = train_error(d, "esc.csv", format!("{csv}x,neg\x1b[31m\n").as_bytes(), &[]);
    assert_eq!(err, label_error("esc.csv", "neg\\u{1b}[31m", "U+001B"));
    let task = |flag: &str, name: &str| {
        format!(
            "stancekit: error: invalid {flag}: '{name}' holds the control character U+000A (it names the model's task, \
             which is written into tab-separated output; remove it)\n"
        )
    };
    let err = train_error(d, "task.csv", csv.as_bytes(), &["--task", "a\nb"]);
    assert_eq!(err, task("--task", "a\\nb"));
    let err =
        train_error(d, "column.csv", csv.replace("label", "\"la\nbel\"").as_bytes(), &["--label-column", "la\nbel"]);
    assert_eq!(err, task("--label-column", "la\\nbel"));
    // eval's training folds read labels the same way.
    let r = run_in(d, &["eval", "--data", "tab.csv", "--folds", "2", "--min-df", "1"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("tab.csv:10: column 'label': label 'nega\\ttive' holds"), "{}", r.stderr);

    let r = run_in(d, &["train", "-q", "--data", good.to_str().unwrap(), "--out", "m.json", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let sound: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("m.json")).unwrap()).unwrap();
    let cases = [
        (
            "labels",
            serde_json::json!(["negative", "posi\ttive"]),
            "label 'posi\\ttive' holds the control character U+0009",
        ),
        ("task", serde_json::json!("sent\r"), "task 'sent\\r' holds the control character U+000D"),
    ];
    for (field, value, expected) in cases {
        let mut edited = sound.clone();
        edited[field] = value;
        edited["checksum"] = "0".repeat(64).into();
        write(d, "edited.json", stancekit::model::with_checksum(&serde_json::to_string(&edited).unwrap()).as_bytes());
        let r = run_in(d, &["predict", "--model", "edited.json", "good.csv"]);
        assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{field}");
        assert_eq!(r.stderr, format!("stancekit: error: edited.json: not a valid stancekit model: {expected}\n"));
    }
}

#[test]
fn an_endless_device_or_a_large_non_model_is_refused_at_its_first_byte() {
    // /dev/zero used to be read until memory ran out; a file that cannot be a model is
    // named by its first byte, not after a scan of the whole of it.
    if Path::new("/dev/zero").exists() {
        let r = run_with_stdin(&["predict", "--model", "/dev/zero", "-"], b"some text\n");
        assert_eq!(r.status, 2, "{}", r.stderr);
        assert!(r.stderr.ends_with("/dev/zero: not a valid stancekit model: not JSON at line 1 column 1: a model file is a JSON object, starting with '{'\n"), "{}", r.stderr);
    }
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "m.json", b"\n  text,label\nx,y\n");
    let r = run_with_stdin(&["predict", "--model", csv.to_str().unwrap(), "-"], b"some text\n");
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.ends_with(
            "m.json: not a valid stancekit model: not JSON at line 2 column 3: a model file is a JSON object, starting with '{'\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_model_file_given_as_an_input_is_an_error_row_not_an_article() {
    // `--model a.json b.json` takes b.json as an input: it used to be labelled as a
    // one-sentence article of JSON, with exit 0.
    let dir = tempfile::tempdir().unwrap();
    let m = model(dir.path());
    let article = write(dir.path(), "a.txt", b"The two sides signed the accord. Talks went well.");
    let r = run_in(dir.path(), &["predict", "--model", &m, &m, article.to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let errors: Vec<&serde_json::Value> = rows.iter().filter(|row| row.get("error").is_some()).collect();
    assert_eq!(errors.len(), 1, "{rows:?}");
    assert_eq!(
        errors[0]["error"],
        format!(
            "{m}: is a stancekit model file, not an article (give each model with its own --model: --model a.json \
             --model b.json)"
        )
    );
    // The article after it is still labelled.
    assert_eq!(rows.iter().filter(|row| row["type"] == "sentence").count(), 2);
}

/// A `.json` (a JSON array of records) or `.tsv` file given to `predict` is data, not an
/// article: each used to be labelled as one article of its markup, with exit 0.
#[test]
fn a_json_or_tsv_file_is_not_labelled_as_an_article_by_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "rows.json", b"[{\"id\": 1, \"text\": \"A fine film.\"},\n {\"id\": 2, \"text\": \"A dull film.\"}]\n");
    write(d, "rows.tsv", b"id\ttext\n1\tA fine film.\n2\tA dull film.\n");
    write(d, "a.txt", b"The two sides signed the accord. Talks went well.");
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "rows.json", "rows.tsv", "a.txt"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let errors: Vec<&str> = rows.iter().filter_map(|row| row.get("error")?.as_str()).collect();
    assert_eq!(
        errors,
        [
            "rows.json: is a JSON file, not an article (give --input-format jsonl if it holds one JSON object per \
             line; convert a JSON array to that first, e.g. jq -c '.[]' rows.json > rows.jsonl; --input-format text \
             labels it as one article)",
            "rows.tsv: is a tab-separated table, not an article (predict reads comma-separated .csv files: save it \
             as CSV; --input-format text labels it as one article)",
        ]
    );
    // The article after them is labelled; a format given by the user is obeyed.
    assert_eq!(rows.iter().filter(|row| row["type"] == "sentence" && row.get("error").is_none()).count(), 2);
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "--input-format", "text", "rows.tsv"]);
    assert_eq!((r.status, r.stdout.lines().count()), (0, 4), "{}", r.stderr);
}

#[test]
fn data_too_small_to_calibrate_trains_an_uncalibrated_model_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let data = write(dir.path(), "tiny.csv", b"text,label\ngood fun film,pos\nfine good cast,pos\nbad dull film,neg\n");
    let r = run_in(dir.path(), &["train", "--data", data.to_str().unwrap(), "--min-df", "1", "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let why = "class 'neg' has 1 row(s) to hold out, and the folds need 2";
    assert!(
        r.stderr.starts_with(&format!("stancekit: warning: the probabilities are not calibrated: {why}\n")),
        "{}",
        r.stderr
    );
    let r = run_in(dir.path(), &["inspect", "--model", "m.json"]);
    assert!(
        r.stdout.contains(&format!("\ncalibrated no (probabilities are the softmax of the scores; {why})\n")),
        "{}",
        r.stdout
    );
    // Two rows of each class but fewer than 50 in all: too few to fit on.
    let data = write(
        dir.path(),
        "small.csv",
        b"text,label
good fun,pos
fine good,pos
bad dull,neg
dull bad,neg
",
    );
    let r = run_in(dir.path(), &["train", "--data", data.to_str().unwrap(), "--min-df", "1", "--out", "s.json"]);
    assert!(r.stderr.contains("not calibrated: 4 rows to fit on, fewer than 50\n"), "{}", r.stderr);
    // Enough rows: calibrated, and --calibration-folds 1 is refused.
    let sample = mr_sample(dir.path(), 60);
    let r = run_in(dir.path(), &["train", "--data", sample.to_str().unwrap(), "--out", "c.json"]);
    assert!(!r.stderr.contains("not calibrated"), "{}", r.stderr);
    let r = run_in(dir.path(), &["inspect", "--model", "c.json", "--format", "json"]);
    let inspected: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(inspected["calibration"]["folds"], 5);
    assert_eq!(inspected["calibration"]["rows"], 120);
    let r = run_in(
        dir.path(),
        &["train", "--data", sample.to_str().unwrap(), "--calibration-folds", "1", "--out", "d.json"],
    );
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--calibration-folds: 1 fold holds no row out of training"), "{}", r.stderr);
    // eval --folds scores the fold models' probabilities, pooled; calibrating each fold's
    // model changes them, not its labels.
    let metrics = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["eval", "--data", sample.to_str().unwrap(), "--folds", "3", "--format", "json", "-q"];
        args.extend_from_slice(extra);
        let r = run_in(dir.path(), &args);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let metrics = r.stdout.lines().find(|l| l.contains("\"type\":\"metrics\"")).unwrap().to_string();
        serde_json::from_str(&metrics).unwrap()
    };
    let (plain, calibrated) = (metrics(&[]), metrics(&["--calibration-folds", "5"]));
    assert_eq!(plain["macro_f1"], calibrated["macro_f1"]);
    assert_eq!(plain["n"], 120);
    for m in [&plain, &calibrated] {
        let log_loss = m["log_loss"].as_f64().unwrap();
        assert!(log_loss > 0.0 && log_loss < 2f64.ln() + 0.2, "{m}");
        assert!(m["ece"].as_f64().unwrap() >= 0.0 && m["brier"].as_f64().unwrap() <= 2.0, "{m}");
    }
    assert_ne!(plain["log_loss"], calibrated["log_loss"]);
}

#[test]
fn an_article_of_one_sentence_is_counted_in_the_singular() {
    let dir = tempfile::tempdir().unwrap();
    let m = model(dir.path());
    write(dir.path(), "one.txt", b"The talks went well.");
    write(dir.path(), "two.txt", b"The talks went well. Both sides were pleased.");
    let r = run_in(dir.path(), &["predict", "--model", &m, "one.txt", "two.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\n# article one.txt (1 sentence)\n"), "{}", r.stdout);
    assert!(r.stdout.contains("\n# article two.txt (2 sentences)\n"), "{}", r.stdout);
}

#[test]
fn invalid_utf8_in_an_article_is_named_by_line_and_an_empty_task_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let m = model(dir.path());
    write(dir.path(), "bad.txt", b"Good talks.\nThe deal \xff was signed.\n");
    let r = run_in(dir.path(), &["predict", "--model", &m, "bad.txt", "--format", "json"]);
    assert_eq!(r.status, 2);
    let row: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        row["error"],
        "bad.txt:2: invalid UTF-8 at byte offset 21 (it looks like Windows-1252, which Excel and Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t \
             UTF-8, or pass --lossy)"
    );
    let data = mr_sample(dir.path(), 30);
    for task in ["", "  "] {
        let r = run_in(dir.path(), &["train", "--data", data.to_str().unwrap(), "--task", task, "--out", "t.json"]);
        assert_eq!(r.status, 2, "{task:?}");
        assert_eq!(
            r.stderr,
            "stancekit: error: invalid --task: is empty (it names the model's task and its results; give a name such \
             as 'sentiment')\n"
        );
    }
}

#[test]
fn a_macro_f1_decision_lifts_the_rare_class_and_needs_out_of_fold_scores() {
    let dir = tempfile::tempdir().unwrap();
    // 600 mr rows of which 60 negative: unweighted, the highest score rarely says negative.
    let sample = mr_sample(dir.path(), 540);
    let text = std::fs::read_to_string(&sample).unwrap();
    let mut lines = text.lines();
    let mut kept = vec![lines.next().unwrap().to_string()];
    let (mut negative, mut positive) = (0, 0);
    for line in lines {
        let is_negative = line.ends_with(",negative");
        if is_negative && negative < 60 {
            negative += 1;
            kept.push(line.to_string());
        } else if !is_negative && positive < 540 {
            positive += 1;
            kept.push(line.to_string());
        }
    }
    assert_eq!((negative, positive), (60, 540));
    let skewed = write(dir.path(), "skewed.csv", (kept.join("\n") + "\n").as_bytes());
    let skewed = skewed.to_str().unwrap();
    let metrics = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["eval", "--data", skewed, "--folds", "5", "--format", "json", "-q"];
        args.extend_from_slice(extra);
        let r = run_in(dir.path(), &args);
        assert_eq!(r.status, 0, "{}", r.stderr);
        let metrics = r.stdout.lines().find(|l| l.contains("\"type\":\"metrics\"")).unwrap().to_string();
        serde_json::from_str(&metrics).unwrap()
    };
    // Each fold's model chooses its offsets on inner folds of its own training side.
    let plain = metrics(&[])["macro_f1"].as_f64().unwrap();
    let decided = metrics(&["--decision", "macro-f1"])["macro_f1"].as_f64().unwrap();
    assert!(decided > plain + 0.02, "macro-F1 {plain} -> {decided}");
    // The model records its offsets; inspect shows them.
    let r = run_in(dir.path(), &["train", "--data", skewed, "--decision", "macro-f1", "--out", "d.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run_in(dir.path(), &["inspect", "--model", "d.json", "--format", "json"]);
    let inspected: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    let decision = &inspected["decision"];
    assert_eq!(decision["folds"], 5);
    assert_eq!(decision["rows"], 600);
    assert_eq!(decision["offsets"][0], 0.0);
    // Labels are [negative, positive]: the rare class gains when positive's offset is below 0.
    assert!(decision["offsets"][1].as_f64().unwrap() < 0.0, "{decision}");
    assert!(decision["macro_f1_after"].as_f64().unwrap() > decision["macro_f1_before"].as_f64().unwrap());
    let r = run_in(dir.path(), &["inspect", "--model", "d.json"]);
    assert!(r.stdout.contains("\ndecision   highest score plus offsets negative +0.000, positive -"), "{}", r.stdout);
    // Without out-of-fold scores there is nothing to choose the offsets on.
    let r = run_in(
        dir.path(),
        &["train", "--data", skewed, "--decision", "macro-f1", "--calibration-folds", "0", "--out", "e.json"],
    );
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--decision: macro-f1 chooses its offsets on out-of-fold scores"), "{}", r.stderr);
    assert!(!dir.path().join("e.json").exists());
    // Too little data: the model trains with the plain decision and says why.
    let tiny = write(dir.path(), "tiny.csv", b"text,label\ngood fun,pos\nfine good,pos\nbad dull,neg\ndull bad,neg\n");
    let r = run_in(
        dir.path(),
        &["train", "--data", tiny.to_str().unwrap(), "--min-df", "1", "--decision", "macro-f1", "--out", "t.json"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "warning: no macro-F1 decision rule (labels are the highest score): 4 rows to fit on, fewer than 50\n"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn tune_keeps_copies_of_a_text_in_one_fold() {
    // Sixty texts of words of their own, labels with no pattern, each row given twice:
    // nothing is learnable, so no C should score much above chance. With a copy of each
    // tested text on the training side every C from 1 up scored 0.867 (0.583 below).
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("text,label\n");
    for i in 0..60 {
        let words: Vec<String> = (0..5).map(|j| format!("w{}x", i * 5 + j)).collect();
        let label = if (i * 37 + 11) % 7 < 3 { "a" } else { "b" };
        csv.push_str(&format!("{},{label}\n", words.join(" ")).repeat(2));
    }
    write(dir.path(), "copies.csv", csv.as_bytes());
    let r = run_in(dir.path(), &["train", "--data", "copies.csv", "--tune", "--min-df", "1", "--out", "m.json", "-q"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run_in(dir.path(), &["inspect", "--model", "m.json", "--format", "json"]);
    let inspected: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    let tuning = inspected["metrics"]["tuning"].as_array().unwrap();
    assert_eq!(tuning.len(), 8);
    for candidate in tuning {
        let accuracy = candidate[1].as_f64().unwrap();
        assert!(accuracy < 0.75, "C {}: cv accuracy {accuracy}", candidate[0]);
    }
}

#[test]
fn repeated_texts_share_a_calibration_fold() {
    // Thirty texts of words of their own, each given twice, labelled without pattern: no
    // text tells anything about another, so the out-of-fold scores carry no
    // information. With the copy of each test text on the training side they looked sure
    // and right, and the calibration made every probability surer (temperature 0.182).
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("text,label\n");
    for i in 0..30 {
        csv += &format!("w{i}x w{i}y,{0}\nw{i}x w{i}y,{0}\n", if i % 2 == 1 { "a" } else { "b" });
    }
    let data = write(dir.path(), "pairs.csv", csv.as_bytes());
    let r = run_in(dir.path(), &["train", "--data", data.to_str().unwrap(), "--min-df", "1", "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("not calibrated: the fitted temperature "), "{}", r.stderr);
    assert!(r.stderr.contains(" the out-of-fold scores carry no information\n"), "{}", r.stderr);
    // A class whose rows are copies of one text cannot be held out: said so.
    let mut csv = String::from("text,label\n");
    for i in 0..60 {
        csv += &format!("good film {i},pos\n");
    }
    csv += "the same bad text,neg\nthe same bad text,neg\n";
    let data = write(dir.path(), "one_text.csv", csv.as_bytes());
    let r = run_in(dir.path(), &["train", "--data", data.to_str().unwrap(), "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let why = "class 'neg' has 2 rows to hold out, all of one text, and the folds need 2 texts";
    assert!(
        r.stderr.contains(&format!("stancekit: warning: the probabilities are not calibrated: {why}\n")),
        "{}",
        r.stderr
    );
    // Real sentences given twice (--data FILE COPY): the scores of a model fitted on
    // 200 sentences are too sure (temperature above 1 with each given once), and stay so
    // with each given twice; the copies made them look too unsure, and sharpened them
    // (temperature 2.138 once, 0.376 twice).
    let sample = mr_sample(dir.path(), 100);
    let temperature = |args: &[&str]| -> f64 {
        let mut train = vec!["train", "-q", "--out", "c.json", "--data"];
        train.extend_from_slice(args);
        assert_eq!(run_in(dir.path(), &train).status, 0);
        let r = run_in(dir.path(), &["inspect", "--model", "c.json", "--format", "json"]);
        let inspected: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
        inspected["calibration"]["temperature"].as_f64().unwrap()
    };
    let copy = write(dir.path(), "copy.csv", &std::fs::read(&sample).unwrap());
    let (sample, copy) = (sample.to_str().unwrap(), copy.to_str().unwrap());
    let (once, twice) = (temperature(&[sample]), temperature(&[sample, copy]));
    assert!(once > 1.0 && twice > 1.0, "temperature {twice} with each row twice, {once} with each once");
}

#[test]
fn eval_says_when_the_probabilities_it_scores_are_not_calibrated() {
    // eval prints log loss, Brier score and ECE; of a model left uncalibrated they are
    // those of its softmax, and eval used to print them without a word.
    let dir = tempfile::tempdir().unwrap();
    let sample = mr_sample(dir.path(), 10);
    let sample = sample.to_str().unwrap();
    let eval = |args: &[&str]| -> String {
        let mut all = vec!["eval", "--data", sample];
        all.extend_from_slice(args);
        let r = run_in(dir.path(), &all);
        assert_eq!(r.status, 0, "{}", r.stderr);
        assert!(r.stdout.contains("\nlog-loss "), "{}", r.stdout);
        r.stderr
    };
    let too_few = "stancekit: warning: the probabilities are not calibrated: 20 rows to fit on, fewer than 50\n";
    let test = write(dir.path(), "test.csv", b"text,label\na fine film,positive\na dull film,negative\n");
    let test = test.to_str().unwrap();
    assert_eq!(eval(&["--test-data", test]), too_few);
    let r = run_in(dir.path(), &["train", "-q", "--data", sample, "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // Scored on its own training file, which eval also says.
    let trained_on = format!(
        "stancekit: warning: --data {sample} is a file --model m.json was trained on (the same sha256 in its \
         provenance), so these figures flatter it: test on rows it did not see (another file, or eval --folds / \
         --test-data with the training options)\n"
    );
    assert_eq!(eval(&["--model", "m.json"]), format!("{trained_on}{too_few}"));
    assert_eq!(
        eval(&["--folds", "2", "--calibration-folds", "5"]),
        "stancekit: warning: the probabilities of all 2 folds are not calibrated (fold 1: 10 rows to fit on, fewer \
         than 50)\n"
    );
    // Not asked to calibrate, or asked to be quiet: nothing to say.
    assert_eq!(eval(&["--folds", "2"]), "");
    assert_eq!(eval(&["--test-data", test, "--calibration-folds", "0"]), "");
    assert_eq!(eval(&["--test-data", test, "-q"]), "");
}

/// `-` (standard input) named twice among the data files: the first read takes all of
/// it, and the second found it empty, said as `-: the file is empty: no header line
/// naming its columns` of an input that was not empty.
#[test]
fn standard_input_given_twice_as_data_is_refused_as_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read(mr_sample(dir.path(), 30)).unwrap();
    let out = dir.path().join("m.json");
    let out = out.to_str().unwrap();
    let once = "standard input can be read only once (save its rows to a file, and give each file where it belongs)";
    let as_data = "is standard input, as --data - is";
    let cases: [(&[&str], String); 4] = [
        (&["train", "--data", "-", "-", "--out", out], format!("--data - is given twice: {once}")),
        (&["eval", "--data", "-", "--test-data", "-"], format!("--test-data - {as_data}: {once}")),
        (&["eval", "--data", "-", "--folds", "2", "--extra-data", "-"], format!("--extra-data - {as_data}: {once}")),
        (&["corpus", "--spans", "-", "-", "--out", out], format!("--spans - is given twice: {once}")),
    ];
    for (args, said) in cases {
        let r = run_with_stdin(args, &sample);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {said}\n")), "{args:?}");
    }
    assert!(!dir.path().join("m.json").exists());
    // Given once, it is read as before.
    let r = run_with_stdin(&["train", "-q", "--data", "-", "--out", out], &sample);
    assert_eq!((r.status, r.stderr), (0, String::new()));
}

#[test]
fn a_data_file_given_twice_is_refused_and_copied_texts_are_warned_of_in_eval() {
    // A file given twice counted every row twice and put each on both sides of every
    // fold: 5-fold accuracy on 1,500 mr rows went from 0.69 to 0.94, without a word.
    let dir = tempfile::tempdir().unwrap();
    let sample = mr_sample(dir.path(), 30);
    let sample = sample.to_str().unwrap();
    let twice = "(its rows would count twice; to weigh a file more, give --data-weight)\n";
    let r = run_in(dir.path(), &["train", "--data", sample, sample, "--out", "m.json"]);
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: --data {sample} is given twice {twice}")));
    assert!(!dir.path().join("m.json").exists());
    let r = run_in(dir.path(), &["eval", "--data", "mr_sample.csv", "./mr_sample.csv", "--folds", "2"]);
    assert_eq!(
        (r.status, r.stderr),
        (2, format!("stancekit: error: --data mr_sample.csv and ./mr_sample.csv are the same file {twice}"))
    );
    for flag in ["--test-data", "--extra-data"] {
        let mut args = vec!["eval", "--data", sample, flag, "mr_sample.csv", "mr_sample.csv"];
        args.extend_from_slice(if flag == "--extra-data" { &["--folds", "2"][..] } else { &[] });
        let r = run_in(dir.path(), &args);
        assert_eq!(r.stderr, format!("stancekit: error: {flag} mr_sample.csv is given twice {twice}"));
    }
    // Copies across files, or within one, are data: eval says what they do to its scores.
    let copy = write(dir.path(), "copy.csv", &std::fs::read(sample).unwrap());
    let copy = copy.to_str().unwrap();
    let r = run_in(dir.path(), &["eval", "--data", sample, copy, "--folds", "2"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "stancekit: warning: 120 of 120 tested rows have their text in another row that a fold can train on, which \
         flatters the scores (remove the copies, or give them one group with --group-column)\n"
    );
    let r = run_in(dir.path(), &["eval", "--data", sample, "--folds", "2", "--extra-data", copy]);
    assert!(
        r.stderr.starts_with("stancekit: warning: 60 of 60 tested rows have their text in another"),
        "{}",
        r.stderr
    );
    let r = run_in(dir.path(), &["eval", "--data", sample, "--test-data", copy, "--calibration-folds", "0"]);
    assert_eq!(
        r.stderr,
        "stancekit: warning: 60 of 60 test rows have their text in the training data (--data), which flatters the \
         scores\n"
    );
    // Copies within one group never straddle a fold; without copies nothing is said.
    let mut grouped = String::from("text,label,grp\n");
    for i in 0..6 {
        let (text, label) = if i % 2 == 0 { ("good fun film", "pos") } else { ("bad dull film", "neg") };
        grouped += &format!("{text} {},{label},g{}\n{text} {},{label},g{}\n", i / 2, i, i / 2, i);
    }
    let grouped = write(dir.path(), "g.csv", grouped.as_bytes());
    let r = run_in(
        dir.path(),
        &["eval", "--data", grouped.to_str().unwrap(), "--group-column", "grp", "--folds", "2", "--min-df", "1"],
    );
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    assert_eq!(run_in(dir.path(), &["eval", "--data", sample, "--folds", "2"]).stderr, "");
}

#[test]
fn extra_data_labels_that_no_tested_row_has_are_warned_of() {
    // 'pos' beside 'positive' trained a class of its own that no fold tests, and every
    // tested row given it counted as wrong, with exit 0 and no word.
    let dir = tempfile::tempdir().unwrap();
    let sample = mr_sample(dir.path(), 30);
    let extra =
        write(dir.path(), "extra.csv", b"text,label\na fine good film,pos\na dull bad film,neg\nbad,negative\n");
    let args = ["eval", "--data", sample.to_str().unwrap(), "--folds", "2", "--extra-data", extra.to_str().unwrap()];
    let r = run_in(dir.path(), &args);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "stancekit: warning: --extra-data has label(s) 'neg', 'pos' that no --data row has ('negative', 'positive'): \
         they are trained on and never tested, and a tested row given one counts as wrong\n"
    );
    // Labels that are a part of the tested ones: nothing to say.
    write(dir.path(), "extra.csv", b"text,label\na fine good film,positive\n");
    assert_eq!(run_in(dir.path(), &args).stderr, "");
}

#[test]
fn an_article_saved_with_a_byte_order_mark_does_not_start_its_first_sentence_with_it() {
    // Notepad saves UTF-8 with a byte order mark; the first sentence's text used to be
    // "\u{feff}Talks resumed." in every output format.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    write(d, "bom.txt", "\u{feff}Talks resumed. Both sides met.\n".as_bytes());
    let r = run_in(d, &["predict", "--model", model.to_str().unwrap(), "--format", "json", "bom.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let sentences: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .filter(|row: &serde_json::Value| row["type"] == "sentence")
        .collect();
    let texts: Vec<&str> = sentences.iter().map(|row| row["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Talks resumed.", "Both sides met."], "{}", r.stdout);
    // Offsets count the file's bytes, the mark's 3 included.
    assert_eq!((sentences[0]["start"].as_u64(), sentences[0]["end"].as_u64()), (Some(3), Some(17)));
}

#[test]
fn corpus_names_a_missing_datasets_directory_as_such() {
    // It used to name the first file it looked for in it, '/x/bbc_news/bbc_news.csv: No
    // such file or directory', without a word about --datasets.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let spans = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/news/bbc_labels.csv");
    let missing = d.join("no-such-dir");
    let r = run_in(
        d,
        &["corpus", "--spans", spans.to_str().unwrap(), "--datasets", missing.to_str().unwrap(), "--out", "o.csv"],
    );
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        format!(
            "stancekit: error: {}: no such directory: the span files point into the shared datasets; pass their \
             directory with --datasets\n",
            missing.display()
        )
    );
    assert!(!d.join("o.csv").exists());
}

/// `actors --show-errors` lists each sentence it got wrong: in text, on stderr, the
/// sentence (named by file and line) and its two spans on lines of their own; with
/// `--format json`, one JSON row each on stdout before the scores. Since the escaping of
/// control characters in diagnostics (hunt 7) the text block came out as one line with
/// literal `\n`s, and `--format json` gave that text on stderr, not JSON.
#[test]
fn actors_show_errors_lists_wrong_sentences_readably_and_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let lexicon = lexicon.to_str().unwrap();
    write(
        d,
        "a.csv",
        b"text,accusation,source,target\nThe minister accused the mayor of lying.,accusation,The minister,the mayor\n\
          The minister accused the mayor of lying.,accusation,the mayor,\n",
    );
    let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "a.csv", "--show-errors"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "a.csv:3: The minister accused the mayor of lying.\n  source: got \"The minister\", gold \"the mayor\"\n  \
         target: got \"the mayor\", gold \"\"\n"
    );
    assert!(r.stdout.starts_with("source  precision 0.5000 (1/2)"), "{}", r.stdout);
    let r = run_in(d, &["actors", "--lexicon", lexicon, "--data", "a.csv", "--show-errors", "--format", "json"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 3, "{}", r.stdout);
    assert_eq!(
        rows[0],
        serde_json::json!({"type": "actors_error", "data": "a.csv", "line": 3,
            "text": "The minister accused the mayor of lying.",
            "got": {"source": "The minister", "target": "the mayor"}, "gold": {"source": "the mayor", "target": ""}})
    );
    assert_eq!((rows[1]["type"].as_str(), rows[1]["role"].as_str()), (Some("actors"), Some("source")));
}

/// Excel's CSV export for some locales starts with a line `sep=,` naming the delimiter:
/// it is skipped, and lines are still counted from the top of the file. It used to be
/// taken for the header: `no column 'text' (columns found: 'sep=', '')`. Another
/// delimiter named there is said to be one.
#[test]
fn an_excel_sep_line_before_the_header_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "x.csv", b"sep=,\r\ntext,label\r\nGood film,pos\r\n,neg\r\n");
    let r = run_in(d, &["train", "--data", "x.csv", "--out", "m.json"]);
    assert_eq!((r.status, r.stderr.as_str()), (2, "stancekit: error: x.csv:4: column 'text': empty text\n"));
    write(d, "x.csv", b"sep=,\ntext,label\nGood film,pos\nBad film,neg\nFine film,pos\nAwful film,neg\n");
    let r = run_in(d, &["train", "-q", "--data", "x.csv", "--out", "m.json", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    write(d, "p.csv", b"sep=,\nid,text\na,Good film\n");
    let r = run_in(d, &["predict", "--model", "m.json", "--format", "json", "p.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let row: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!((row["id"].as_str(), row["line"].as_u64()), (Some("a"), Some(3)));
    let err = train_error(d, "semi.csv", b"sep=;\ntext;label\nGood film;pos\n", &[]);
    assert!(
        err.ends_with(
            "/semi.csv:1: malformed CSV: the line 'sep=;' says the file is separated by semicolons, not commas (CSV files are read \
             comma-separated: save it with commas)\n"
        ),
        "{err}"
    );
}

/// A header written with a space after each comma (`id, text, label`) has no column
/// `text`, but ` text`: the message says the name is there with a space around it,
/// where it used to list `' text'` among the columns found as if it were another name.
#[test]
fn a_column_name_with_surrounding_spaces_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = train_error(d, "sp.csv", b"id, text, label\n1, Good film, pos\n", &[]);
    assert!(
        err.ends_with(
            "/sp.csv: no column 'text', but a column ' text' (with a space around its name: remove the spaces after \
             the commas, or choose it with --text-column ' text')\n"
        ),
        "{err}"
    );
    // A zero-width space in a name (copied from a web page) is named, not shown as 'text​'.
    let err = train_error(d, "zw.csv", "text\u{200b},label\nGood film,pos\n".as_bytes(), &[]);
    assert!(
        err.ends_with(
            "/zw.csv: no column 'text', but a column 'text\\u{200b}' with the invisible character U+200B in its name \
             (delete it from the header)\n"
        ),
        "{err}"
    );
    // Spaces in the name asked for, not in the header's, are the usual message.
    let err = train_error(d, "tr.csv", b"text,label\nGood film,pos\n", &["--label-column", " label"]);
    assert!(err.ends_with("no column ' label' (columns found: 'text', 'label'; choose one with --label-column)\n"));
}

/// A header naming the column in another case (`Text`, `Label`, as pandas or a spreadsheet
/// heads a column) is said so, with the flag that chooses it; it was listed among the
/// columns found as if it were another name (among 40 columns of an export, one to spot).
#[test]
fn a_column_name_in_another_case_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let content = b"ID,Text,Label,split\n1,Good film,pos,train\n2,Bad film,neg,train\n";
    let cases: [(&[&str], &str); 3] = [
        (&[], "no column 'text', but a column 'Text' (names are compared in their case: choose it with --text-column Text)"),
        (
            &["--text-column", "Text"],
            "no column 'label', but a column 'Label' (names are compared in their case: choose it with --label-column \
             Label)",
        ),
        (
            &["--text-column", "Text", "--label-column", "Label", "--filter", "Split=train"],
            "no column 'Split', but a column 'split' (names are compared in their case: write it as 'split' in \
             --filter)",
        ),
    ];
    for (extra, expected) in cases {
        let err = train_error(d, "cap.csv", content, extra);
        assert!(err.ends_with(&format!("/cap.csv: {expected}\n")), "{err}");
    }
    // predict: the input's one error row says it too.
    let m = model(d);
    let r = run_in(d, &["predict", "--model", &m, "cap.csv"]);
    assert_eq!(r.status, 2);
    assert!(r.stdout.contains("error: cap.csv: no column 'text', but a column 'Text' ("), "{}", r.stdout);
    // A fixed column of a span or actors file is the header's to rename.
    write(d, "a.csv", b"text,Accusation,source,target\nThey accused him.,accusation,They,him\n");
    let r = run_in(d, &["actors", "--data", "a.csv"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (
            2,
            "stancekit: error: a.csv: no column 'accusation', but a column 'Accusation' (names are compared in their \
             case: rename it 'accusation' in the header)\n"
        )
    );
    // Two names in other cases: which was meant cannot be told, so both are listed.
    let err = train_error(d, "two.csv", b"TEXT,Text,label\na,b,c\n", &[]);
    assert!(err.ends_with("no column 'text' (columns found: 'TEXT', 'Text', 'label'; choose one with --text-column)\n"));
}

/// A model edited by hand so that one label is another spelt with its accent encoded the
/// other way (NFD `ne\u{301}gatif` beside NFC `négatif`) is refused at load, as training
/// refuses such labels: its two classes print alike. It used to load and label rows with
/// either spelling (`inspect`: `labels négatif 3, négatif 3`).
#[test]
fn a_model_with_labels_that_print_alike_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good: serde_json::Value = serde_json::from_slice(&std::fs::read(model(d)).unwrap()).unwrap();
    let mut edited = good.clone();
    edited["labels"] = serde_json::json!(["ne\u{301}gatif", "n\u{e9}gatif"]);
    edited["checksum"] = "0".repeat(64).into();
    write(d, "alike.json", stancekit::model::with_checksum(&serde_json::to_string(&edited).unwrap()).as_bytes());
    let r = run_in(d, &["inspect", "--model", "alike.json"]);
    assert_eq!(
        (r.status, r.stdout.as_str(), r.stderr.as_str()),
        (
            2,
            "",
            "stancekit: error: alike.json: not a valid stancekit model: labels 'ne\u{301}gatif' and 'n\u{e9}gatif' differ \
             only by how an accent is encoded (as one character, or as a letter and a combining mark: Unicode NFC \
             against NFD; save both the same way)\n"
        )
    );
}

/// A model edited by hand to a blank task (`"  "`) names its results by the file's stem,
/// as one with an empty task does; the blank used to be the column's name (`id sentence
/// "  " p text`).
#[test]
fn a_model_with_a_blank_task_is_named_by_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut edited: serde_json::Value = serde_json::from_slice(&std::fs::read(model(d)).unwrap()).unwrap();
    edited["task"] = "  ".into();
    edited["checksum"] = "0".repeat(64).into();
    write(d, "blank.json", stancekit::model::with_checksum(&serde_json::to_string(&edited).unwrap()).as_bytes());
    write(d, "p.txt", b"A fine film.\n");
    let r = run_in(d, &["predict", "--model", "blank.json", "p.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("id\tsentence\tblank\tp\ttext\n"), "{}", r.stdout);
}

/// `-` given as an output path (`train --out -`, `report --html -`, `corpus --out -`), where
/// `-` means standard input for `predict`, is refused before any work, saying how to
/// write to standard output or to a file of that name; it used to write a file named
/// `-` in the working directory, exit 0, while the user looked for the model on stdout.
#[test]
fn a_dash_as_output_path_is_refused_not_a_file_named_dash() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    write(d, "a.txt", b"The minister praised the deal.\n");
    for args in [
        &["train", "-q", "--data", data.to_str().unwrap(), "--out", "-"][..],
        &["report", "a.txt", "--html", "-"],
        &["corpus", "--spans", "s.csv", "--out", "-"],
    ] {
        let r = run_in(d, args);
        let flag = args[args.len() - 2];
        assert_eq!(
            (r.status, r.stdout.as_str(), r.stderr.as_str()),
            (
                2,
                "",
                format!(
                    "stancekit: error: {flag} -: '-' is not standard output here (it would be a file named '-'): give \
                     {flag} /dev/stdout to write to standard output, or {flag} ./- for a file of that name\n"
                )
                .as_str()
            ),
            "{args:?}"
        );
        assert!(!d.join("-").exists(), "{args:?}");
    }
}

/// A directory given as a model (`--model models`, meant as the shipped three) is named
/// as a directory with the model files it holds; it used to be `models: Is a directory
/// (os error 21)`, which did not say what to give instead.
#[test]
fn a_directory_given_as_a_model_names_the_model_files_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    model(d);
    std::fs::create_dir(d.join("models")).unwrap();
    std::fs::copy(d.join("m.json"), d.join("models/sentiment.json")).unwrap();
    std::fs::copy(d.join("m.json"), d.join("models/accusation.json")).unwrap();
    write(d, "a.txt", b"The minister praised the deal.\n");
    let expected = "stancekit: error: models: is a directory, not a model file: it holds accusation.json, \
                    sentiment.json (name each model file, e.g. models/accusation.json)\n";
    for args in [&["predict", "--model", "models", "a.txt"][..], &["inspect", "--model", "models"]] {
        let r = run_in(d, args);
        assert_eq!((r.status, r.stdout.as_str(), r.stderr.as_str()), (2, "", expected), "{args:?}");
    }
}

/// `report` draws one article: a table given to it (`.csv`, `.jsonl`, `.json`, `.tsv`) is
/// refused before any work, naming predict for its rows; it used to be drawn as one
/// article of its markup ('text,label Good film,pos ...'), exit 0.
#[test]
fn report_refuses_a_table_as_its_article() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "rows.csv", b"text,label\nThe minister praised the deal.,pos\n");
    write(d, "rows.jsonl", b"{\"text\": \"The minister praised the deal.\"}\n");
    for (name, kind) in [("rows.csv", "a CSV file"), ("rows.jsonl", "a JSON Lines file")] {
        let r = run_in(d, &["report", name, "--html", "r.html"]);
        assert_eq!(
            (r.status, r.stderr.as_str()),
            (
                2,
                format!(
                    "stancekit: error: {name}: is {kind}, not an article (report draws the page of one article, \
                     a text file: label the rows of a table with predict, or its articles with predict --articles)\n"
                )
                .as_str()
            )
        );
        assert!(!d.join("r.html").exists(), "{name}");
    }
}

/// A path written with backslashes, as Windows writes it (`models\sentiment.json`), is
/// not found here, where directories are separated by `/`: the message says so, with the
/// path spelt with slashes; it used to be only `No such file or directory (os error 2)`.
#[cfg(unix)]
#[test]
fn a_path_with_backslashes_is_said_to_be_a_windows_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    model(d);
    std::fs::create_dir(d.join("models")).unwrap();
    std::fs::rename(d.join("m.json"), d.join("models/m.json")).unwrap();
    write(d, "a.txt", b"The minister praised the deal.\n");
    let hint = "(a path with backslashes, as Windows writes it: here directories are separated by '/', as in";
    let r = run_in(d, &["predict", "--model", "models\\m.json", "a.txt"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (
            2,
            format!("stancekit: error: models\\m.json: No such file or directory (os error 2) {hint} models/m.json)\n")
                .as_str()
        )
    );
    let r = run_in(d, &["train", "--data", "data\\tr.csv", "--out", "x.json"]);
    assert!(r.stderr.ends_with(&format!("(os error 2) {hint} data/tr.csv)\n")), "{}", r.stderr);
}

/// `report` of an article of one sentence draws its page and says `1 sentence`, where it
/// said `1 sentences`; the page's summary already said `1 sentence`.
#[test]
fn report_of_one_sentence_says_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "one.txt", b"The minister praised the deal.");
    let r = run_in(d, &["report", "one.txt", "--model", &m, "--html", "one.html"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, "stancekit: 1 sentence -> one.html\n"));
    let page = std::fs::read_to_string(d.join("one.html")).unwrap();
    assert!(page.contains("<b>1</b> sentence"), "{page}");
}

/// An output path in a directory that takes no new file (read-only, another user's, a
/// read-only file system) is refused before any work, as a missing directory is: the
/// write used to fail only after the training (1.7 s of `--tune` on mr), or here, with
/// data of one class, the run ended on that instead. `/sys` refuses new files even to root.
#[cfg(target_os = "linux")]
#[test]
fn an_output_directory_that_takes_no_file_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    if std::fs::File::create("/sys/stancekit-probe.json").is_ok() || !Path::new("/sys/kernel").is_dir() {
        eprintln!("skipped: /sys takes new files here");
        return;
    }
    write(d, "one.csv", b"text,label\nGood film,pos\nFine film,pos\n");
    let r = run_in(d, &["train", "--data", "one.csv", "--out", "/sys/m.json"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (2, "stancekit: error: writing model: /sys/m.json: Permission denied (os error 13)\n")
    );
    write(d, "a.txt", b"");
    let r = run_in(d, &["report", "a.txt", "--html", "/sys/r.html"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (2, "stancekit: error: writing HTML: /sys/r.html: Permission denied (os error 13)\n")
    );
}

/// Standard input closed (`stancekit predict <&-`, a script run without one) is a read
/// error, as a closed stdout is a write error: the input's one error row, exit 2. Rust's
/// runtime reopens a closed stdin on /dev/null, so it used to read as empty: the header
/// and no row, exit 0.
#[cfg(target_os = "linux")]
#[test]
fn a_closed_standard_input_is_an_error_not_an_empty_input() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"));
    command.args(["predict", "--model", &m, "-"]).current_dir(d);
    // SAFETY: close(2) between fork and exec touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            libc::close(0);
            Ok(())
        });
    }
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("stancekit: error: -: cannot read standard input: Bad file descriptor (os error 9)\n"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.lines().count(), 2, "the header and the input's error row: {stdout}");
}

#[test]
fn a_windows_1252_file_is_named_as_such_with_the_command_that_converts_it() {
    // Excel's "CSV (Comma delimited)" saves Windows-1252: "Caf\xE9" is "Café". The message
    // used to say only "re-encode the file as UTF-8", without naming the likely encoding.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = train_error(d, "excel.csv", b"text,label\nCaf\xE9 prices rose,pos\nok,neg\n", &[]);
    assert!(
        err.ends_with(
            "excel.csv:2: column 'text': invalid UTF-8 at byte offset 14 (it looks like Windows-1252, which Excel and \
             Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8)\n"
        ),
        "{err}"
    );
    // UTF-8 letters before the bad byte: a damaged UTF-8 file, not another encoding.
    let err = train_error(d, "mixed.csv", b"text,label\nCaf\xC3\xA9 then caf\xE9,pos\nok,neg\n", &[]);
    assert!(err.ends_with("invalid UTF-8 at byte offset 25 (re-encode the file as UTF-8)\n"), "{err}");
    // A UTF-8 letter cut short before its continuation byte is not taken for Windows-1252.
    let err = train_error(d, "cut.csv", b"text,label\nab\xE2\x80x,pos\nok,neg\n", &[]);
    assert!(err.ends_with("invalid UTF-8 at byte offset 13 (re-encode the file as UTF-8)\n"), "{err}");
}

/// A malformed word-classes file is named by file, line and column, before any model is
/// written; `--out` onto the classes file is refused as onto any input.
#[test]
fn a_malformed_word_classes_file_is_named_by_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "train.csv",
        b"text,label\nthe talks went well,pos\nthe talks failed,neg\nwell done,pos\nit failed,neg\n",
    );
    write(dir.path(), "classes.tsv", b"well\tc1\nfailed\tc2\ncease fire\tc3\n");
    let r = run_in(dir.path(), &["train", "--data", "train.csv", "--word-classes", "classes.tsv", "--out", "m.json"]);
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("classes.tsv:3: column 'word': malformed word-classes line: 'cease fire' is 2 words"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("m.json").exists());
    write(dir.path(), "classes.tsv", b"well\tc1\nfailed\tc2\nWell\tc3\n");
    let r = run_in(dir.path(), &["train", "--data", "train.csv", "--word-classes", "classes.tsv", "--out", "m.json"]);
    assert!(
        r.stderr.contains(
            "classes.tsv:3: malformed word-classes line: word 'well' is in class 'c3' here and in class 'c1' on line 1"
        ),
        "{}",
        r.stderr
    );
    let r =
        run_in(dir.path(), &["train", "--data", "train.csv", "--word-classes", "classes.tsv", "--out", "classes.tsv"]);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("--word-classes"), "{}", r.stderr);
    assert_eq!(std::fs::read(dir.path().join("classes.tsv")).unwrap(), b"well\tc1\nfailed\tc2\nWell\tc3\n");
}

#[test]
fn a_zero_filled_input_is_refused_by_what_it_is() {
    // A file a crash left zero-filled (allocated, never written) used to be labelled as
    // one sentence of NULs, a CSV header of 4,096 `\0`s filled the message, and an
    // endless device (/dev/zero) was read until memory ran out.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let zeros = [0u8; 4096];
    let what = "the file is zero-filled (it starts with NUL bytes, not characters), not text (as a crash can leave a \
                file that was being written, or a device such as /dev/zero: restore it from a copy, or write it again)";
    for name in ["z.txt", "z.csv", "z.jsonl"] {
        write(d, name, &zeros);
        let r = run_in(d, &["predict", "--model", &m, "--format", "json", "--lossy", name]);
        assert_eq!(r.status, 2, "{name}: {}", r.stderr);
        let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), 1, "{name}: one error row: {}", r.stdout);
        assert_eq!(rows[0]["error"], format!("{name}: {what}"), "{name}");
    }
    let stderr = train_error(d, "data.csv", &zeros, &[]);
    assert!(stderr.ends_with(&format!("data.csv: {what}\n")), "{stderr}");
    let r = run_with_stdin(&["predict", "--model", &m, "-"], &zeros);
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("-: standard input is zero-filled (it starts with NUL bytes"), "{}", r.stderr);
    if Path::new("/dev/zero").exists() {
        let r = run_in(d, &["predict", "--model", &m, "--input-format", "text", "/dev/zero"]);
        assert_eq!(r.status, 2, "{}", r.stderr);
        assert!(r.stderr.contains(&format!("/dev/zero: {what}")), "{}", r.stderr);
    }
    // Text with NUL bytes in it is still text.
    write(d, "nul.txt", b"The minister\0 resigned.\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    let r = run_in(d, &["predict", "--model", &m, "nul.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

#[test]
fn cue_flags_without_a_lexicon_are_refused_not_ignored() {
    // --cue-ngrams (which the shipped models use) and --cue-scale work on a lexicon's cues;
    // without --lexicon they used to be ignored without a word, the model trained as if
    // they had not been given.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    for (flags, flag, what) in [
        (&["--cue-ngrams"][..], "--cue-ngrams", "adds n-grams of"),
        (&["--cue-scale", "3"][..], "--cue-scale", "scales the columns of"),
        (&["--cue-scale", "0"][..], "--cue-scale", "scales the columns of"),
    ] {
        let expected = format!(
            "stancekit: error: invalid {flag}: {what} the cues of a lexicon, and no --lexicon is given (give one, e.g. \
             --lexicon datasets/lexicons, or leave {flag} out)\n"
        );
        let mut args = vec!["train", "--data", data, "--out", "out.json"];
        args.extend_from_slice(flags);
        let r = run_in(d, &args);
        assert_eq!((r.status, r.stderr.as_str()), (2, expected.as_str()), "train {flags:?}");
        assert!(!d.join("out.json").exists());
        let mut args = vec!["eval", "--data", data, "--folds", "3"];
        args.extend_from_slice(flags);
        let r = run_in(d, &args);
        assert_eq!((r.status, r.stderr.as_str()), (2, expected.as_str()), "eval {flags:?}");
    }
    // With a lexicon they are taken; --cue-scale 1, the default, needs none.
    let lexicon = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/lexicons");
    let r = run_in(
        d,
        &["train", "-q", "--data", data, "--out", "out.json", "--cue-ngrams", "--lexicon", lexicon.to_str().unwrap()],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run_in(d, &["train", "-q", "--data", data, "--out", "out.json", "--cue-scale", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

#[test]
fn texts_without_a_word_are_named_as_such_not_a_min_df_to_lower() {
    // Texts of only symbols, or of punctuation that --no-punctuation leaves out, give no
    // n-gram at any --min-df; the message used to advise lowering it, and at --min-df 1
    // said 'no n-gram is in 1 or more of the 6 training texts ... (lower --min-df)'.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let expected = "none of the 6 training texts has a word to make an n-gram of (they hold only symbols or \
                    punctuation marks): check that the text column holds the texts\n";
    let symbols =
        "text,label\n\u{2605}\u{2605},pos\n\u{2014},neg\n\u{a9} \u{2122},pos\n\u{2194},neg\n\u{25b6},pos\n#,neg\n";
    for min_df in ["1", "2"] {
        let err = train_error(d, "symbols.csv", symbols.as_bytes(), &["--min-df", min_df]);
        assert!(err.ends_with(expected), "{err}");
    }
    // Emoji are words (their own n-grams) since 2026-11-28: such texts train.
    let emoji =
        "text,label\n\u{1F600},pos\n\u{1F621},neg\n\u{1F44D}\u{1F44D},pos\n\u{1F621}!,neg\n\u{2764},pos\n#,neg\n";
    write(d, "emoji.csv", emoji.as_bytes());
    let r = run_in(d, &["train", "-q", "--data", "emoji.csv", "--min-df", "1", "--out", "emoji.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let punctuation = b"text,label\n!!!,pos\n...,neg\n?!,pos\n--,neg\n!,pos\n?,neg\n";
    let err = train_error(d, "marks.csv", punctuation, &["--min-df", "1", "--no-punctuation"]);
    assert!(err.ends_with(expected), "{err}");
    // A --min-df that leaves no n-gram of texts that have words is still named as such.
    let err = train_error(d, "words.csv", b"text,label\na b,pos\nc d,neg\ne f,pos\ng h,neg\n", &[]);
    assert!(err.ends_with("(lower --min-df)\n"), "{err}");
}

#[test]
fn actors_finds_the_shipped_lexicon_outside_the_checkout_as_predict_finds_the_models() {
    // Without --lexicon, actors read ./datasets/lexicons only: run anywhere else (where
    // predict finds the shipped models in the source tree) it failed with 'reading lexicon
    // datasets/lexicons: datasets/lexicons: No such file or directory (os error 2)'.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let heldout = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/actors/heldout.csv");
    let here = run_in(d, &["actors", "--data", heldout.to_str().unwrap()]);
    assert_eq!(here.status, 0, "{}", here.stderr);
    let root = util::run(&["actors", "--data", heldout.to_str().unwrap()]);
    assert_eq!(root.status, 0, "{}", root.stderr);
    assert_eq!(here.stdout, root.stdout);
    // A lexicon directory in the working directory is still the one read.
    std::fs::create_dir_all(d.join("datasets/lexicons")).unwrap();
    write(d, "datasets/lexicons/cues.tsv", b"term\tcategory\tweight\nzzz\taccusation\t1\n");
    let own = run_in(d, &["actors", "--data", heldout.to_str().unwrap()]);
    assert_eq!(own.status, 0, "{}", own.stderr);
    assert_ne!(own.stdout, root.stdout, "the working directory's lexicon, with one cue, scores otherwise");
}

#[test]
fn a_blank_header_line_is_named_as_such_not_listed_as_columns() {
    // A file of only white space, or a header of empty fields (a sheet exported empty),
    // used to be 'no column 'text' (columns found: '  '; choose one with --text-column)'.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let expected = "no column 'text': the header line is blank (only spaces, tabs or empty fields), so it names no \
                    column (the first line that is not empty must name the columns)";
    for (name, content) in [("ws.csv", &b"\n\n  \n\t\n\n"[..]), ("commas.csv", b",,\n,,\n"), ("tabs.csv", b" \t \r\n")]
    {
        let err = train_error(d, name, content, &[]);
        assert!(err.ends_with(&format!("{name}: {expected}\n")), "{err}");
        let r = run_in(d, &["predict", "--model", &m, "--format", "json", name]);
        assert_eq!(r.status, 2, "{}", r.stderr);
        let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(rows.len(), 1, "{name}: one error row: {}", r.stdout);
        assert_eq!(rows[0]["error"], format!("{name}: {expected}"), "{name}");
    }
    // An empty file is still named as empty.
    let err = train_error(d, "empty.csv", b"", &[]);
    assert!(err.ends_with("the file is empty: no header line naming its columns (column 'text' is needed)\n"), "{err}");
}

/// Rows of only commas (`,,`), as a spreadsheet exports the blank rows below its data,
/// are named as blank rows; they were `column 'text': empty text`, of a row that has
/// no text and no label either. A row with a label and an empty text is still an empty
/// text.
#[test]
fn a_row_of_only_commas_is_named_as_a_blank_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let blank = "blank row: every field is empty (as a spreadsheet exports blank rows below its data: delete the \
                 lines of only commas)";
    let err = train_error(d, "sheet.csv", b"text,label,note\nx,a,\ny,b,\n,,\n , ,\n", &[]);
    assert!(err.ends_with(&format!("sheet.csv:4: {blank}\n")), "{err}");
    let err = train_error(d, "lab.csv", b"text,label\nx,a\n,b\n", &[]);
    assert!(err.ends_with("lab.csv:3: column 'text': empty text\n"), "{err}");
    write(d, "rows.csv", b"id,text\n1,A fine film.\n,\n");
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "rows.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert_eq!(rows[1]["error"], format!("rows.csv:3: {blank}"));
}

#[test]
fn an_empty_label_or_one_with_spaces_is_named_as_such() {
    // These used to be "unknown label 'negative ' (expected one of: a non-empty label
    // without surrounding spaces)", a list of one description; in eval --model, where the
    // model's labels are known, the same, and an empty cell "unknown label ''".
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let taken = "(labels are taken as written, never trimmed: remove it)";
    let cases = [
        ("end.csv", "a,negative \n", format!("end.csv:3: column 'label': label 'negative ' has white space at its end {taken}")),
        ("start.csv", "a,\"  negative\"\n", format!("start.csv:3: column 'label': label '  negative' has white space at its start {taken}")),
        ("both.csv", "a,\" negative \"\n", format!("both.csv:3: column 'label': label ' negative ' has white space at its start and end {taken}")),
        ("empty.csv", "a,\n", "empty.csv:3: column 'label': empty label (give the row its label, or leave the row out)".into()),
        ("blank.csv", "a,   \n", "blank.csv:3: column 'label': label '   ' is only white space (give the row its label, or leave the row out)".into()),
    ];
    for (name, row, expected) in &cases {
        let content = format!("text,label\nb,positive\n{row}");
        let err = train_error(d, name, content.as_bytes(), &[]);
        assert!(err.ends_with(&format!("/{expected}\n")), "{name}: {err}");
        let r = run_in(d, &["eval", "--model", &m, "--data", name]);
        assert_eq!((r.status, r.stderr.clone()), (2, format!("stancekit: error: {expected}\n")), "{name}");
    }
}

#[test]
fn a_ragged_row_says_how_a_comma_in_a_text_splits_it_and_counts_one_field_as_one() {
    // The commonest ragged row: a text with a comma, not in quotes. The message used to
    // stop at 'row has 3 fields but the header has 2'; a row of one field said '1 fields'.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let err = train_error(d, "comma.csv", b"text,label\nTalks in Paris, France failed,neg\nok,pos\n", &[]);
    assert!(
        err.ends_with(
            "comma.csv:2: malformed CSV: row has 3 fields but the header has 2 (a comma inside a field that is not in \
             double quotes? Quote such a field: \"Paris, France\")\n"
        ),
        "{err}"
    );
    let err = train_error(d, "short.csv", b"text,label\nx,pos\nalone\n", &[]);
    assert!(err.ends_with("short.csv:3: malformed CSV: row has 1 field but the header has 2\n"), "{err}");
    let m = model(d);
    write(d, "one.csv", b"text\nfine\nbad,extra\n");
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "one.csv"]);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert_eq!(
        rows[1]["error"],
        "one.csv:3: malformed CSV: row has 2 fields but the header has 1 (a comma inside a field that is not in \
         double quotes? Quote such a field: \"Paris, France\")"
    );
}

#[test]
fn report_of_a_directory_says_it_draws_one_article() {
    // It used to be 'corpus: Is a directory (os error 21)', after the models were loaded.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("corpus")).unwrap();
    write(d, "corpus/a.txt", b"The minister praised the deal.");
    let r = run_in(d, &["report", "corpus", "--html", "r.html"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (
            2,
            "stancekit: error: corpus: is a directory, not an article (report draws the page of one article, a text \
             file: give one of its files, or label all of them with predict)\n"
        )
    );
    assert!(!d.join("r.html").exists());
}

#[test]
fn a_comma_list_or_a_quoted_wildcard_not_found_is_said_to_be_one() {
    // '--data a.csv,b.csv' (as --data-weight 1,2 is written) and a wildcard in quotes
    // (which no shell expands) used to stop at 'No such file or directory (os error 2)'.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.csv", b"text,label\ngood,pos\nbad,neg\n");
    write(d, "b.csv", b"text,label\nfine,pos\nawful,neg\n");
    let not_found = "No such file or directory (os error 2)";
    let r = run_in(d, &["train", "--data", "a.csv,b.csv", "--out", "m.json"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (
            2,
            format!(
                "stancekit: error: a.csv,b.csv: {not_found} (files joined by commas: give each file as an argument of \
                 its own)\n"
            )
            .as_str()
        )
    );
    let r = run_in(d, &["train", "--data", "*.csv", "--out", "m.json"]);
    assert_eq!(
        (r.status, r.stderr.as_str()),
        (
            2,
            format!(
                "stancekit: error: *.csv: {not_found} (a wildcard pattern, which is read as a file name: the shell \
                 expands it only when it is not in quotes)\n"
            )
            .as_str()
        )
    );
    // A comma in a name that is not a list of files, and a plain missing file: no hint.
    let r = run_in(d, &["train", "--data", "a.csv,c.csv", "--out", "m.json"]);
    assert_eq!(r.stderr, format!("stancekit: error: a.csv,c.csv: {not_found}\n"));
}

/// `-` where a file is opened by name (`cat m.json | stancekit predict --model - ...`)
/// used to stop at `-: No such file or directory (os error 2)`, as if `-` were a typo.
#[test]
fn a_dash_where_no_standard_input_is_read_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let data = d.join("mr_sample.csv");
    let data = data.to_str().unwrap();
    let out = d.join("o.json");
    let out = out.to_str().unwrap();
    let said = "-: No such file or directory (os error 2) (read as a file named '-': standard input is read only for \
                rows to label or train on, so give this file's own path)\n";
    for (args, context) in [
        (&["predict", "--model", "-", "a.txt"][..], ""),
        (&["inspect", "--model", "-"][..], ""),
        (&["eval", "--model", "-", "--data", data][..], ""),
        (&["train", "--data", data, "--out", out, "--lexicon", "-"][..], "reading lexicon: "),
        (&["train", "--data", data, "--out", out, "--word-classes", "-"][..], "reading word classes: "),
    ] {
        let r = run_with_stdin(args, &std::fs::read(&m).unwrap());
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {context}{said}")), "{args:?}");
    }
}

#[test]
fn labels_that_write_one_number_two_ways_are_refused() {
    // pandas writes a label column with a missing value as decimals ('1.0'); beside a file
    // that says '1', the two used to train as two classes without a word ('1 2, 1.0 2' in
    // inspect), each predicted, neither the class meant.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "tr.csv", b"text,label\ngood,1\nbad,0\nfine,1\nugly,0\n");
    write(d, "pd.csv", b"text,label\ngreat,1.0\nawful,0.0\n");
    let expected = "stancekit: error: pd.csv:2: column 'label': label '1.0' differs from '1' (tr.csv:2) only by how \
                    the number is written (a column of numbers saved as decimals by a spreadsheet or pandas writes 1 \
                    as 1.0; write them the same way); make them agree\n";
    for args in [
        vec!["train", "--data", "tr.csv", "pd.csv", "--out", "x.json", "--min-df", "1"],
        vec!["eval", "--data", "tr.csv", "--extra-data", "pd.csv", "--folds", "2", "--min-df", "1"],
    ] {
        let r = run_in(d, &args);
        assert_eq!((r.status, r.stderr.as_str()), (2, expected), "{args:?}");
    }
    assert!(!d.join("x.json").exists());
    // Labels that are numbers written one way, and codes that only look alike, train.
    write(d, "codes.csv", b"text,label\ngood,1\nbad,2\nfine,1\nugly,2\nok,1-2\nmeh,1-2\n");
    let r = run_in(d, &["train", "-q", "--data", "codes.csv", "--out", "x.json", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // Codes with a leading zero are not numbers: CAMEO's 010 (make statement) and 10
    // (demand), 020 (appeal) and 20 (mass violence) are four classes.
    let cameo =
        b"text,label\nsaid,010\nstated,010\ndemanded,10\ninsisted,10\nurged,020\nasked,020\nmassacred,20\nshelled,20\n";
    write(d, "cameo.csv", cameo);
    let r = run_in(
        d,
        &["train", "-q", "--data", "cameo.csv", "--out", "c.json", "--min-df", "1", "--calibration-folds", "0"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let r = run_in(d, &["inspect", "--model", "c.json", "--format", "json"]);
    let labels = serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["labels"].clone();
    assert_eq!(labels, serde_json::json!(["010", "020", "10", "20"]));
}

#[test]
fn corpus_names_a_bad_span_cell_by_line_and_column_and_says_what_is_wrong() {
    // These used to be 'spans.csv: line 2: ...' without the column; a span that ends
    // before it starts 'is outside the document or splits a character', an empty one 'hashes
    // to e3b0c44298fc1c14, ...: the source text changed', an offset -5 'start is not a number'.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("bbc_news")).unwrap();
    write(d, "bbc_news/bbc_news.csv", "doc_id,text\nd1,Hello world.\nd2,Caf\u{e9} r\u{e9}ouvert.\n".as_bytes());
    let header = "dataset,doc_id,start,end,sha256,sentiment,split";
    let cases = [
        ("bbc_news,d1,5,0,185f8db32271fe25", "column 'end': span 5..0 ends before it starts"),
        ("bbc_news,d1,3,3,185f8db32271fe25", "column 'end': span 3..3 is empty (end is the offset after its last byte)"),
        ("bbc_news,d1,0,99,185f8db32271fe25", "column 'end': span 0..99 ends after its document, bbc_news d1, of 12 bytes"),
        ("bbc_news,d2,0,4,185f8db32271fe25", "column 'end': span 0..4 splits a character of bbc_news d2 (offsets count bytes of UTF-8)"),
        ("bbc_news,d1,-5,5,185f8db32271fe25", "column 'start': '-5' is not a byte offset (a whole number from 0, counted in bytes)"),
        ("bbc_news,d9,0,5,185f8db32271fe25", "column 'doc_id': no document 'd9' in bbc_news"),
        ("bbc,d1,0,5,185f8db32271fe25", "column 'dataset': unknown dataset 'bbc' (expected one of: bbc_news, fnc1)"),
        ("bbc_news,d1,0,5,185f8db3", "column 'sha256': sha256 '185f8db3' is missing or malformed (expected the first 16 lower-case hex digits of the span's sha256)"),
        ("bbc_news,d1,0,4,185f8db32271fe25", "column 'sha256': span 0..4 of bbc_news d1 hashes to"),
    ];
    for (row, expected) in cases {
        write(d, "spans.csv", format!("{header}\n{HELLO},positive,train\n{row},positive,train\n").as_bytes());
        let r = run_in(d, &["corpus", "--spans", "spans.csv", "--datasets", ".", "--out", "out.csv"]);
        assert_eq!(r.status, 2, "{row}: {}", r.stderr);
        assert!(r.stderr.starts_with(&format!("stancekit: error: spans.csv:3: {expected}")), "{row}: {}", r.stderr);
        assert!(!d.join("out.csv").exists());
    }
}

/// A pseudo-terminal: (leader, follower); the follower side is given to a child as its
/// standard input, and what is written to the leader is typed there.
#[cfg(target_os = "linux")]
fn terminal() -> (std::fs::File, std::fs::File) {
    use std::os::fd::FromRawFd;
    // SAFETY: plain calls on descriptors this test opens and owns.
    unsafe {
        let leader = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
        assert!(leader >= 0 && libc::grantpt(leader) == 0 && libc::unlockpt(leader) == 0);
        let name = std::ffi::CStr::from_ptr(libc::ptsname(leader)).to_owned();
        let follower = libc::open(name.as_ptr(), libc::O_RDWR | libc::O_NOCTTY);
        assert!(follower >= 0);
        (std::fs::File::from_raw_fd(leader), std::fs::File::from_raw_fd(follower))
    }
}

/// Runs `stancekit ARGS` in `dir` with a pseudo-terminal as its standard input, types
/// `typed` there (end it with `\x04`, Ctrl-D at the start of a line) and waits.
#[cfg(target_os = "linux")]
fn run_at_terminal(dir: &std::path::Path, args: &[&str], typed: &[u8]) -> std::process::Output {
    use std::io::Write;
    let (leader, follower) = terminal();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(args)
        .current_dir(dir)
        .stdin(follower)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut typing = &leader;
    typing.write_all(typed).unwrap();
    child.wait_with_output().unwrap()
}

/// `stancekit predict` typed at a terminal without a file reads standard input from it:
/// it used to print the header alone and wait, without a word, which looked like a hang.
#[cfg(target_os = "linux")]
#[test]
fn predict_reading_a_terminal_says_how_to_end_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    // A line, then Ctrl-D (end of input at the start of a line of a terminal).
    let output = run_at_terminal(d, &["predict", "--model", &m], b"a gripping, beautifully acted film\n\x04");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr,
        "stancekit: reading standard input from the terminal: type or paste texts, one a line, and end with Ctrl-D \
         (or give the files to label: stancekit predict FILE...)\n"
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 2, "the header and the line's row");
    // Not said for a pipe, nor for files.
    let r = run_with_stdin(&["predict", "--model", &m], b"a fine film\n");
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
}

/// `train --data -` (`eval`, `actors`, `corpus`) typed at a terminal waited without a word,
/// which looked like a hang, as `predict` did before it said how to end its input.
#[cfg(target_os = "linux")]
#[test]
fn training_data_read_from_a_terminal_says_how_to_end_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The rows, then Ctrl-D (end of input at the start of a line of a terminal).
    let rows = b"text,label\na fine film,pos\na dull film,neg\nfine acting,pos\ndull acting,neg\n\x04";
    let output = run_at_terminal(d, &["train", "-q", "--data", "-", "--out", "m.json", "--min-df", "1"], rows);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.starts_with(
            "stancekit: reading standard input from the terminal: type or paste CSV rows under a header line \
             (text,label), and end with Ctrl-D (or give the file in place of -)\n"
        ),
        "{stderr}"
    );
    assert!(d.join("m.json").exists());
    // report's article likewise.
    // An article its four-row model knows a word of: one it does not would add a warning.
    let output = run_at_terminal(d, &["report", "--model", "m.json", "--html", "r.html", "-"], b"A fine film.\n\x04");
    assert_eq!(
        (output.status.code(), String::from_utf8_lossy(&output.stderr).as_ref()),
        (
            Some(0),
            "stancekit: reading the article from the terminal: type or paste its text, and end with Ctrl-D\n\
             stancekit: 1 sentence -> r.html\n"
        )
    );
    // Not said for a pipe.
    let r = run_with_stdin(
        &["train", "-q", "--data", "-", "--out", d.join("m2.json").to_str().unwrap(), "--min-df", "1"],
        b"text,label\na fine film,pos\na dull film,neg\n",
    );
    assert!(!r.stderr.contains("terminal"), "{}", r.stderr);
}

#[test]
fn a_model_saved_with_a_final_line_break_still_loads() {
    // An editor adds a line break at the end on saving (vim, nano; `echo >> m.json`), after
    // the JSON the checksum covers; such a model used to be refused, 'checksum mismatch:
    // the file was changed or damaged after it was written'.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = model(d);
    let plain = run_with_stdin(&["predict", "--model", &path, "-"], b"some text\n");
    for (name, end) in [("lf.json", &b"\n"[..]), ("crlf.json", b"\r\n"), ("spaces.json", b" \n\n\t")] {
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(end);
        write(d, name, &bytes);
        let r = run_with_stdin(&["predict", "--model", d.join(name).to_str().unwrap(), "-"], b"some text\n");
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
        assert_eq!(r.stdout, plain.stdout, "{name}");
        let r = run_in(d, &["inspect", "--model", name]);
        assert_eq!(r.status, 0, "{name}: {}", r.stderr);
    }
    // A change inside the JSON is still caught.
    let text = std::fs::read_to_string(&path).unwrap().replacen("\"seed\":42", "\"seed\":43", 1);
    write(d, "edited.json", text.as_bytes());
    let r = run_with_stdin(&["predict", "--model", d.join("edited.json").to_str().unwrap(), "-"], b"some text\n");
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("checksum mismatch"), "{}", r.stderr);
}

#[test]
fn a_repeated_header_row_of_joined_files_is_named_not_trained_on() {
    // `cat a.csv b.csv > all.csv` keeps b's header as a row: it used to train as a class
    // 'label' of one row with the text 'text' (3 labels, exit 0), and predict labelled it.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let repeats = "malformed CSV: this row repeats the header (files joined together, each with its header line? \
                   keep only the first header line, or give the files one by one)";
    let joined = b"text,label\ngood film,pos\nbad film,neg\ntext,label\nfine film,pos\nawful film,neg\n";
    let err = train_error(d, "all.csv", joined, &["--min-df", "1"]);
    assert!(err.ends_with(&format!("all.csv:4: {repeats}\n")), "{err}");
    // The second file saved with a byte order mark, as Excel saves it.
    let marked = b"\xEF\xBB\xBFtext,label\ngood film,pos\nbad film,neg\n\xEF\xBB\xBFtext,label\nfine film,pos\n";
    let err = train_error(d, "marked.csv", marked, &["--min-df", "1"]);
    assert!(err.ends_with(&format!("marked.csv:4: {repeats}\n")), "{err}");
    let m = model(d);
    write(d, "rows.csv", b"id,text\n1,good film\nid,text\n2,bad film\n");
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "rows.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 3, "one row per input row: {}", r.stdout);
    assert_eq!(rows[1]["error"], format!("rows.csv:3: {repeats}"));
    assert!(rows[0]["error"].is_null() && rows[2]["error"].is_null());
}

#[test]
fn a_reformatted_model_is_said_to_be_reformatted() {
    // A model pretty-printed to be read (jq . m.json > m2.json) or rewritten by Python's
    // json.dump used to be 'checksum mismatch: the file was changed or damaged after it
    // was written', as if damaged.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = model(d);
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let expected = "not a valid stancekit model: checksum mismatch: the file was changed after it was written: it is \
                    laid out otherwise than stancekit writes it (reformatted, as by jq, Python's json.dump or an \
                    editor's formatter?), and the checksum covers the bytes as written (use the file as stancekit \
                    wrote it, or train the model again)\n";
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    // As Python's json.dump writes it: a space after each colon and comma.
    let spaced = std::fs::read_to_string(&path).unwrap().replacen("{\"format\":", "{\"format\": ", 1);
    assert!(spaced.starts_with("{\"format\": \""));
    for (name, text) in [("pretty.json", pretty), ("spaced.json", spaced)] {
        write(d, name, text.as_bytes());
        let r = run_in(d, &["inspect", "--model", name]);
        assert_eq!((r.status, r.stderr.clone()), (2, format!("stancekit: error: {name}: {expected}")), "{name}");
    }
    // A compact file changed inside is still 'changed or damaged'.
    let text = std::fs::read_to_string(&path).unwrap().replacen("\"seed\":42", "\"seed\":43", 1);
    write(d, "edited.json", text.as_bytes());
    let r = run_in(d, &["inspect", "--model", "edited.json"]);
    assert!(
        r.stderr.ends_with("checksum mismatch: the file was changed or damaged after it was written\n"),
        "{}",
        r.stderr
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_socket_given_as_a_file_is_said_to_be_one() {
    // Opening a socket fails with 'No such device or address (os error 6)', which read as
    // a wrong path; as an input, a --data file or a --model it now says what it is.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let _listener = std::os::unix::net::UnixListener::bind(d.join("app.sock")).unwrap();
    let said = "app.sock: No such device or address (os error 6) (it is a socket, where programs connect to each \
                other, not a file: give the file that holds the data)";
    let r = run_in(d, &["predict", "--model", &m, "--format", "json", "app.sock"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    assert_eq!(rows[0]["error"], said);
    let r = run_in(d, &["train", "--data", "app.sock", "--out", "out.json"]);
    assert_eq!((r.status, r.stderr.clone()), (2, format!("stancekit: error: {said}\n")));
    let r = run_in(d, &["inspect", "--model", "app.sock"]);
    assert_eq!((r.status, r.stderr.clone()), (2, format!("stancekit: error: {said}\n")));
}

/// An article is read whole, so it is bounded: an endless device (`/dev/urandom`) used
/// to be read until memory ran out. A file over the bound is the input's one error row;
/// the other inputs are labelled.
#[test]
fn an_article_over_the_size_bound_is_one_error_row_not_read_to_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    let mut file = std::fs::File::create(&big).unwrap();
    std::io::Write::write_all(&mut file, b"A first sentence. ").unwrap();
    // Sparse: the rest reads as zeros without taking disk space.
    file.set_len(stancekit::input::MAX_ARTICLE_BYTES + 1).unwrap();
    write(dir.path(), "small.txt", b"The talks went well.");
    let r = run_in(dir.path(), &["predict", "big.txt", "small.txt", "--format", "json"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stderr.contains("big.txt: holds more than 256 MiB, too much for one article"), "{}", r.stderr);
    assert_eq!(r.stdout.lines().filter(|l| l.contains("\"error\"")).count(), 1, "{}", r.stdout);
    assert!(r.stdout.contains("The talks went well."), "{}", r.stdout);
}

/// A data file is read whole: from an endless character device (`--data /dev/urandom`,
/// `--data - < /dev/urandom`) it was read until memory ran out. A device is now read to
/// the article bound; files and pipes to their end. `/dev/null` is an empty file.
#[test]
fn training_data_from_an_endless_device_is_refused_at_a_bound() {
    if !Path::new("/dev/urandom").exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let said = "is a device that gave more than 256 MiB without an end (an endless device such as /dev/urandom? give \
                the file that holds the data)";
    // A memory limit (2 GB) and a time limit end the run as it was, should it come back.
    for (script, name) in [
        ("ulimit -v 2000000; timeout 120 \"$SK\" train --data /dev/urandom --out m.json", "/dev/urandom"),
        ("ulimit -v 2000000; timeout 120 \"$SK\" actors --data /dev/urandom", "/dev/urandom"),
        ("ulimit -v 2000000; timeout 120 \"$SK\" train --data - --out m.json < /dev/urandom", "-"),
    ] {
        let (status, stderr) = bash_in(d, script);
        assert_eq!((status, stderr), (2, format!("stancekit: error: {name}: {said}\n")), "{script}");
    }
    let (status, stderr) = bash_in(d, "\"$SK\" train --data /dev/null --out m.json");
    assert_eq!(status, 2);
    assert!(
        stderr.ends_with("/dev/null: the file is empty: no header line naming its columns (column 'text' is needed)\n"),
        "{stderr}"
    );
    assert!(!d.join("m.json").exists());
}

#[test]
fn eval_refuses_the_data_file_as_its_test_or_extra_data() {
    // Testing on the training rows scored 0.995 on mr rows with only a warning, which
    // --quiet hid; as extra data the rows counted twice and were tested by models that
    // trained on them.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    let data = data.to_str().unwrap();
    std::fs::hard_link(data, d.join("linked.csv")).unwrap();
    let linked = d.join("linked.csv");
    let linked = linked.to_str().unwrap();
    for (flag, other, folds) in
        [("--test-data", data, None), ("--test-data", linked, None), ("--extra-data", linked, Some("3"))]
    {
        let mut args = vec!["eval", "--data", data, flag, other, "--quiet"];
        if let Some(folds) = folds {
            args.extend(["--folds", folds]);
        }
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stdout);
        assert!(r.stdout.is_empty(), "no figures printed: {}", r.stdout);
        let said = format!("stancekit: error: {flag} {other} is the same file as --data {data} (");
        assert!(r.stderr.starts_with(&said), "{args:?}: {}", r.stderr);
    }
}

/// A JSON Lines record that gives its text (or id) key twice, as a hand edit or a
/// concatenating script leaves it, was labelled by its last value without a word
/// (`{"text":"A fine day.","text":"Talks failed."}` labelled "Talks failed.", exit 0),
/// where a CSV refuses a repeated column: it is the row's error now, naming the key.
#[test]
fn a_json_lines_record_with_a_repeated_text_or_id_key_is_an_error_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "rep.jsonl",
        b"{\"id\":\"a\",\"text\":\"Talks failed.\"}\n{\"id\":\"b\",\"text\":\"A fine day.\",\"text\":\"Talks failed.\"}\n\
          {\"id\":\"c\",\"text\":\"A fine day.\",\"id\":\"d\"}\n{\"id\":\"e\",\"text\":\"A fine day.\"}\n",
    );
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let r = run_in(d, &["predict", "--model", model.to_str().unwrap(), "--input-format", "jsonl", "rep.jsonl"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(rows.len(), 5, "{}", r.stdout);
    let hint = "(a record has one of each field; which value was meant cannot be known: keep one of them)";
    assert!(rows[1].starts_with("a\t0\tnegative\t"), "{}", rows[1]);
    assert_eq!(
        rows[2],
        format!("2\t-\t-\t-\terror: rep.jsonl:2: malformed JSON: the key 'text' is given again at column 37 {hint}")
    );
    assert_eq!(
        rows[3],
        format!("3\t-\t-\t-\terror: rep.jsonl:3: malformed JSON: the key 'id' is given again at column 35 {hint}")
    );
    assert!(rows[4].starts_with("e\t0\tpositive\t"), "{}", rows[4]);
    assert!(
        r.stderr.ends_with("stancekit: 2 of 4 input rows could not be read (see their 'error' field)\n"),
        "{}",
        r.stderr
    );
}

/// `--calibration-folds` above what the rarest class allows (each fold holds at least one
/// of its texts out) was lowered without a word: `--calibration-folds 100000` on 60 rows
/// of a class ran 60 folds, exit 0, silent. It still trains, and says so.
#[test]
fn calibration_folds_lowered_to_what_the_rarest_class_allows_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 60);
    let train = |folds: &str| {
        run_in(d, &["train", "--data", data.to_str().unwrap(), "--out", "m.json", "--calibration-folds", folds])
    };
    let r = train("100000");
    assert_eq!(r.status, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(
        lines[0],
        "stancekit: warning: --calibration-folds 100000: 60 folds were run, as many as the rarest class has distinct texts \
         (each fold holds at least one of them out)"
    );
    assert!(lines[1].starts_with("stancekit: trained 'label' on 120 rows"), "{}", r.stderr);
    let r = run_in(d, &["inspect", "--model", "m.json", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["calibration"]["folds"], 60, "{}", r.stdout);
    // Folds the class allows, and the default, say nothing more.
    for folds in ["60", "10"] {
        let r = train(folds);
        assert_eq!((r.status, r.stderr.lines().count()), (0, 1), "{}", r.stderr);
    }
}

/// `--char-ngrams -3-5` (a negative length, a typo for 3-5) is no number, so clap's
/// allow_negative_numbers did not take it: "unexpected argument '-3' found"; it is the
/// flag's invalid value now, saying lengths are 1 or more, and a flag in its place says so.
#[test]
fn a_char_ngrams_range_with_a_negative_length_is_its_invalid_value() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "tr.csv", b"text,label\ngood,a\nbad,b\n");
    let cases = [
        (
            &["train", "--data", "tr.csv", "--out", "m.json", "--char-ngrams", "-3-5"][..],
            "'-3-5' is not a range like 3-5: lengths are 1 or more",
        ),
        (
            &["train", "--data", "tr.csv", "--out", "m.json", "--char-ngrams", "3--5"],
            "'3--5' is not a range like 3-5: lengths are 1 or more",
        ),
        (
            &["eval", "--data", "tr.csv", "--folds", "2", "--char-ngrams", "-3"],
            "'-3' is not a range like 3-5: lengths are 1 or more",
        ),
        (
            &["train", "--data", "tr.csv", "--out", "m.json", "--char-ngrams", "--no-stem"],
            "'--no-stem' is not a range like 3-5 (a flag where its range should be: --char-ngrams 3-5)",
        ),
    ];
    for (args, expected) in cases {
        let r = run_in(d, args);
        assert_eq!(r.status, 2, "{args:?}");
        let value = args.last().unwrap();
        let said = format!("error: invalid value '{value}' for '--char-ngrams <MIN-MAX>': {expected}\n");
        assert!(r.stderr.starts_with(&said), "{args:?}: {}", r.stderr);
    }
    assert!(!d.join("m.json").exists());
}

/// The tone and the cooperative / adversarial shares are p(cooperative) and the
/// labels `cooperative` and `adversarial` of the `cooperation` model: one trained with
/// labels of its own (`peace` / `conflict`) has neither, so they are undefined (`null`,
/// no tone line), where every article used to get a tone of +0.000 and shares of 0 %,
/// a figure that reads as "balanced" whatever the sentences said.
#[test]
fn the_tone_of_a_cooperation_model_without_its_labels_is_undefined_not_zero() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 60);
    let relabelled =
        std::fs::read_to_string(&data).unwrap().replace(",positive", ",peace").replace(",negative", ",conflict");
    write(d, "peace.csv", relabelled.as_bytes());
    let r = run_in(d, &["train", "-q", "--data", "peace.csv", "--task", "cooperation", "--out", "coop.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    write(d, "a.txt", b"The two sides signed a peace deal. Talks went well. Both praised the accord.\n");
    let r = run_in(d, &["predict", "--model", "coop.json", "--format", "json", "a.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let article: serde_json::Value = serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    assert_eq!(article["type"], "article");
    assert_eq!(
        article["counts"]["cooperation"].as_object().unwrap().values().map(|n| n.as_u64().unwrap()).sum::<u64>(),
        3
    );
    for figure in ["tone", "cooperative_share", "adversarial_share"] {
        assert!(article[figure].is_null(), "{figure}: {}", r.stdout);
    }
    let r = run_in(d, &["predict", "--model", "coop.json", "a.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("tone"), "{}", r.stdout);
    // The shipped cooperation model has the labels: its tone is a number.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/cooperation.json");
    let r = run_in(d, &["predict", "--model", shipped.to_str().unwrap(), "--format", "json", "a.txt"]);
    let article: serde_json::Value = serde_json::from_str(r.stdout.lines().last().unwrap()).unwrap();
    assert!(article["tone"].as_f64().unwrap() > 0.0, "{}", r.stdout);
    assert!(article["cooperative_share"].as_f64().is_some(), "{}", r.stdout);
}

/// An output file that is a pipe whose reader stops (`--out /dev/stdout | head`, which
/// the `--out -` message suggests, or a FIFO) ends as standard output does into `| head`:
/// quietly, status 0. The csv writer's errors lost their kind, so it was `stancekit:
/// error: writing CSV: /dev/stdout: Broken pipe (os error 32)`, exit 2 (`corpus`, `eval
/// --predictions`); `eval`'s figures and `--min-accuracy` still follow cut predictions.
#[test]
fn an_output_file_into_a_pipe_closed_by_its_reader_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    mr_sample(d, 1500);
    std::fs::create_dir(d.join("bbc_news")).unwrap();
    write(d, "bbc_news/bbc_news.csv", format!("doc_id,text\nd1,{}\n", "Hello ".repeat(20_000)).as_bytes());
    let spans: String =
        (0..20_000).map(|i| format!("bbc_news,d1,{},{},185f8db32271fe25,positive,train\n", 6 * i, 6 * i + 5)).collect();
    write(d, "spans.csv", format!("dataset,doc_id,start,end,sha256,sentiment,split\n{spans}").as_bytes());
    for command in [
        "\"$SK\" corpus --spans spans.csv --datasets . --out /dev/stdout | head -1 >/dev/null; exit ${PIPESTATUS[0]}",
        &format!(
            "\"$SK\" eval -q --model {m} --data mr_sample.csv --predictions /dev/stdout | head -1 >/dev/null; exit \
             ${{PIPESTATUS[0]}}"
        ),
    ] {
        let (status, stderr) = bash_in(d, command);
        assert_eq!((status, stderr.as_str()), (0, ""), "{command}");
    }
    // A FIFO read only in part: the figures are printed, and --min-accuracy decides.
    let (status, stderr) = bash_in(
        d,
        &format!(
            "\"$SK\" eval -q --model {m} --data mr_sample.csv --predictions >(head -c 1 >/dev/null) \
             --min-accuracy 1 >out.txt"
        ),
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("is below --min-accuracy 1"), "{stderr}");
    assert!(std::fs::read_to_string(d.join("out.txt")).unwrap().starts_with("accuracy"));
}

/// A span file or a shared dataset file without a column corpus reads says what the
/// file's columns are: no flag chooses them, and the message used to end `choose one
/// with --spans`, a flag that names files.
#[test]
fn corpus_names_a_missing_column_without_a_flag_that_cannot_choose_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    span_datasets(d);
    write(d, "a.csv", b"dataset,doc_id,start,end,sentiment,split\nbbc_news,d1,0,5,positive,train\n");
    let r = run_in(d, &["corpus", "--spans", "a.csv", "--datasets", ".", "--out", "out.csv"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: a.csv: no column 'sha256' (columns found: 'dataset', 'doc_id', 'start', 'end', \
         'sentiment', 'split'; a span file has columns dataset, doc_id, start, end, sha256, split and a label column \
         per task)\n"
    );
    write(d, "bbc_news/bbc_news.csv", b"doc_id,body\nd1,Hello world.\n");
    write(d, "b.csv", format!("dataset,doc_id,start,end,sha256,sentiment,split\n{HELLO},positive,train\n").as_bytes());
    let r = run_in(d, &["corpus", "--spans", "b.csv", "--datasets", ".", "--out", "out.csv"]);
    assert_eq!(r.status, 2);
    assert_eq!(
        r.stderr,
        "stancekit: error: ./bbc_news/bbc_news.csv: no column 'text' (columns found: 'doc_id', 'body'; the documents \
         of dataset 'bbc_news' are read from its columns doc_id and text: is --datasets the shared datasets \
         directory?)\n"
    );
    assert!(!d.join("out.csv").exists());
}

/// An empty text in a CSV row or a JSON Lines record is named by its column, as in
/// training data (`tr.csv:3: column 'text': empty text`) and as every other bad cell of a
/// row is; `predict` said `rows.csv:3: empty text`, naming no column (with `--text-column
/// body` the user could not tell which cell was meant). An article or a line of plain
/// text has no column.
#[test]
fn an_empty_text_in_a_csv_or_json_lines_row_is_named_by_its_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    write(d, "rows.csv", b"id,title,body\n1,Talks,\"A fine film.\"\n2,Threats,\"  \"\n");
    write(d, "rows.jsonl", b"{\"body\": \"A fine film.\"}\n{\"body\": \"\"}\n");
    write(d, "a.txt", b" \n");
    for args in [&["rows.csv"][..], &["--articles", "rows.csv"], &["rows.jsonl"]] {
        let mut all = vec!["predict", "--model", &m, "--format", "json", "--text-column", "body"];
        all.extend_from_slice(args);
        let r = run_in(d, &all);
        assert_eq!(r.status, 2, "{}", r.stderr);
        let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let file = args.last().unwrap();
        let line = if file.ends_with(".csv") { 3 } else { 2 };
        let errors: Vec<&str> = rows.iter().filter_map(|row| row["error"].as_str()).collect();
        assert_eq!(errors, [format!("{file}:{line}: column 'body': empty text")], "{}", r.stdout);
    }
    let r = run_in(d, &["predict", "--model", &m, "a.txt"]);
    assert!(r.stdout.contains("error: a.txt:1: empty text"), "{}", r.stdout);
    let r = run_with_stdin(&["predict", "--model", &m, "-"], b"fine\n\n");
    assert!(r.stdout.contains("error: -:2: empty text"), "{}", r.stdout);
}

/// `-` named twice (`predict - notes.txt -`, a script's list of inputs) reads standard
/// input once, as a file named twice is read once, and says so: the second `-` used to
/// read nothing (its end was reached) without a word.
#[test]
fn standard_input_named_twice_is_read_once_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let m = model(d);
    let r = run_with_stdin(&["predict", "--model", &m, "-", "-"], b"A fine film.\nA dull one.\n");
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 3, "the header and one row a line: {}", r.stdout);
    assert_eq!(
        r.stderr,
        "stancekit: warning: -: skipped, standard input is read once (its lines are labelled already)\n"
    );
}

#[test]
fn texts_given_with_two_labels_are_warned_of_in_train_and_eval() {
    // Crowd-labelled data has them: one text, two labels. No model can get both rows right,
    // and in cross-validation the copy a fold trains on pushes its model to the other label:
    // 3,000 mr texts given again with the other label took 10-fold accuracy to 0.476, and
    // eval's warning said the copies flattered the scores.
    let dir = tempfile::tempdir().unwrap();
    let rows = "text,label\ntalks went well,pos\ntalks went well,neg\na fine day,pos\na grim day,neg\n\
                good news today,pos\nbad news today,neg\ngood news today,pos\na grim day,neg\n";
    write(dir.path(), "two.csv", rows.as_bytes());
    let r = run_in(dir.path(), &["train", "--data", "two.csv", "--out", "m.json", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let warnings: Vec<&str> = r.stderr.lines().filter(|l| l.contains("warning")).collect();
    assert_eq!(
        warnings,
        [
            "stancekit: warning: 2 rows repeat an earlier (text, label) pair",
            "stancekit: warning: 1 text is given with more than one label (2 rows; the first at two.csv:3: column \
             'label'): no model can tell their rows apart, so at most one label of each is learnt (check the labels, \
             or keep one label a text)",
            "stancekit: warning: the probabilities are not calibrated: 8 rows to fit on, fewer than 50",
        ]
    );
    // Every row is its own place in the folds: the 6 rows of the 3 repeated texts have a
    // copy on a training side, 2 of them with the other label.
    let r = run_in(dir.path(), &["eval", "--data", "two.csv", "--folds", "2", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "stancekit: warning: 6 of 8 tested rows have their text in another row that a fold can train on, which \
         flatters the scores of the 4 with the same label there and lowers those of the 2 with another label: a \
         fold's model trained on a copy gives its label (check the labels; remove the copies, or give them one group \
         with --group-column)\n"
    );
    // With only copies of other labels, the scores can only be lowered.
    let rows = "text,label\ntalks went well,pos\ntalks went well,neg\na fine day,pos\na grim day,neg\n\
                good news today,pos\nbad news today,neg\n";
    write(dir.path(), "only.csv", rows.as_bytes());
    let r = run_in(dir.path(), &["eval", "--data", "only.csv", "--folds", "2", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "stancekit: warning: 2 of 6 tested rows have their text in another row that a fold can train on, each with \
         another label there, which lowers the scores: a fold's model trained on a copy gives its label (check the \
         labels; remove the copies, or give them one group with --group-column)\n"
    );
}

/// `report` of an article holding control characters (a NUL, a terminal colour escape
/// from a log) or a noncharacter: the page shows them as `\u{1b}`, as the text output
/// writes them. They went into the page raw, where HTML allows none of them (parse
/// errors), a browser drops a NUL without a trace and shows the rest as nothing or boxes.
#[test]
fn report_writes_control_characters_of_the_article_visibly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/cooperation.json");
    write(d, "a.txt", "Both sides met \0 today \u{1b}[31m in \u{85}Geneva\u{fffe}.\n".as_bytes());
    let r = run_in(d, &["report", "a.txt", "--model", model.to_str().unwrap(), "--html", "a.html"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(d.join("a.html")).unwrap();
    let forbidden: Vec<char> = page.chars().filter(|c| c.is_control() && *c != '\n' || *c == '\u{fffe}').collect();
    assert!(forbidden.is_empty(), "{forbidden:?}");
    assert!(page.contains(r">Both sides met \u{0} today \u{1b}[31m in \u{85}Geneva\u{fffe}.</span>"), "{page}");
}

/// `report` of an article with right-to-left sentences, or a direction override (U+202E,
/// as spoofed text carries): each sentence, quoted sentence and actor name on the page is
/// a bidirectional isolate (`dir="auto"`, `<bdi>`), so an override ends with its sentence
/// and an Arabic sentence keeps its full stop at its end. The sentences were spans of one
/// left-to-right paragraph: an unclosed U+202E reversed every sentence after it, and an
/// Arabic sentence's full stop was drawn at its start.
#[test]
fn report_isolates_the_direction_of_each_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let (cooperation, accusation) = (shipped.join("cooperation.json"), shipped.join("accusation.json"));
    let text = "\u{202e}The minister accused the rebels of lying. مرحبا بالعالم. Both sides met today.\n";
    write(d, "a.txt", text.as_bytes());
    let args = ["report", "a.txt", "--model", cooperation.to_str().unwrap(), "--model", accusation.to_str().unwrap()];
    let r = run_in(d, &[&args[..], &["--html", "a.html"]].concat());
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(d.join("a.html")).unwrap();
    let sentences: Vec<&str> = page.split("<span class=\"s ").skip(1).filter(|s| s.contains("data-sentence")).collect();
    assert_eq!(sentences.len(), 3, "{page}");
    for s in sentences {
        assert!(s.contains(" dir=\"auto\" "), "not isolated: {s}");
    }
    assert!(page.contains("Top accusation: &ldquo;<bdi>\u{202e}The minister accused"), "{page}");
    assert!(page.contains("(<bdi>The minister</bdi> &rarr; <bdi>the rebels</bdi>)"), "{page}");
}

/// `report` with models that are not the cooperation model (`--model sentiment.json`):
/// no sentence is coloured and the legend names only what the page marks. Every sentence
/// used to be drawn grey as cooperation `neutral` (a label no model gave it) under a
/// legend of cooperation colours and accusation lines that no model had predicted.
#[test]
fn report_without_the_cooperation_model_colours_no_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sentiment = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    write(d, "a.txt", b"The minister accused the rebels of lying. Both sides met today.\n");
    let r = run_in(d, &["report", "a.txt", "--model", sentiment.to_str().unwrap(), "--html", "a.html"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(d.join("a.html")).unwrap();
    assert_eq!(page.matches("<span class=\"s\" id=").count(), 2, "{page}");
    for mark in ["neutral", "cooperative", "adversarial", "accusation", "denial"] {
        assert!(!page.contains(&format!("class=\"s {mark}")), "{mark}: {page}");
        assert!(!page.contains(&format!("class=\"{mark}\"")), "{mark}: {page}");
    }
    assert!(page.contains("<p class=\"legend\">Hover a sentence for its probabilities.</p>"), "{page}");
}

/// `predict --explain N --format json` on a text without a feature the model knows (only
/// emoji or symbols): its tasks carry `"explanation": []`, as every other row's do. The key
/// was left out, so a reader of the rows (`row["predictions"][task]["explanation"]`, Python's
/// `Model.explain(text)["explanation"]`) failed on such a row alone.
#[test]
fn explanations_of_a_text_without_features_are_an_empty_list() {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let m = model.to_str().unwrap();
    let r = run_with_stdin(
        &["predict", "--model", m, "--explain", "2", "--format", "json", "-"],
        "🎉🎉\nA fine day.\n".as_bytes(),
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert_eq!(rows[0]["predictions"]["sentiment"]["explanation"], serde_json::json!([]), "{}", r.stdout);
    assert_eq!(rows[1]["predictions"]["sentiment"]["explanation"].as_array().map(Vec::len), Some(2), "{}", r.stdout);
    // Without --explain there is no key, as before.
    let r = run_with_stdin(&["predict", "--model", m, "--format", "json", "-"], "🎉🎉\n".as_bytes());
    assert!(!r.stdout.contains("explanation"), "{}", r.stdout);
}

/// Who accuses whom in a text of two sentences (a CSV row or a line given to `predict` as
/// it is, an `actors --data` row): the spans stop at the end of a sentence. The target
/// ran on into the next sentence (`[The minister -> the rebels. They denied it]`), and
/// the one denying was taken from the sentence before (`[The minister]` for `They denied
/// it`), since only commas, quotes and dashes ended a phrase.
#[test]
fn actor_spans_stop_at_the_end_of_a_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/accusation.json");
    write(d, "two.csv", b"id,text\n1,\"The minister accused the rebels. They denied it.\"\n");
    let r = run_in(d, &["predict", "--model", model.to_str().unwrap(), "--format", "json", "two.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let row: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    let label = row["predictions"]["accusation"]["label"].as_str().unwrap();
    let expected = match label {
        "accusation" => ("The minister", Some("the rebels")),
        "denial" => ("They", None),
        other => panic!("label {other}: {}", r.stdout),
    };
    assert_eq!(row["actors"]["source"]["text"].as_str(), Some(expected.0), "{}", r.stdout);
    assert_eq!(row["actors"]["target"]["text"].as_str(), expected.1, "{}", r.stdout);
    let gold = "text,accusation,source,target\n\"The minister accused the rebels. They denied it.\",accusation,The \
                minister,the rebels\n";
    write(d, "gold.csv", gold.as_bytes());
    let r = run_in(d, &["actors", "--data", "gold.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "source  precision 1.0000 (1/1)  recall 1.0000 (1/1)\ntarget  precision 1.0000 (1/1)  recall 1.0000 (1/1)\n"
    );
}

/// `report` of an article with a word wider than the page (a URL, a hash, 400 letters
/// without a space): the page breaks it (`overflow-wrap:anywhere`). It ran past the right
/// edge of the text column and of a 900-pixel window, with a horizontal scroll bar
/// (checked in chromium's screenshot, before and after).
#[test]
fn report_breaks_a_word_wider_than_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/cooperation.json");
    write(d, "long.txt", format!("The talks failed. {} was the code.\n", "x".repeat(400)).as_bytes());
    let r = run_in(d, &["report", "long.txt", "--model", model.to_str().unwrap(), "--html", "long.html"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(d.join("long.html")).unwrap();
    let body_style = page.split("body{").nth(1).and_then(|s| s.split('}').next()).unwrap();
    assert!(body_style.contains("overflow-wrap:anywhere"), "{body_style}");
}

/// `predict --id-column` naming the text column (`--id-column text`, or `--id-column body
/// --text-column body`): refused before any work, as `train` refuses the text column as
/// the label column. Each row's id was its whole text, an article of any length repeated
/// in its summary and in every sentence row, exit 0.
#[test]
fn predict_refuses_the_text_column_as_the_id_column() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/cooperation.json");
    let m = model.to_str().unwrap();
    write(d, "arts.csv", b"id,body\n1,The talks failed. Both sides left.\n");
    for extra in [&["--id-column", "body", "--text-column", "body"][..], &["--id-column", "text"][..]] {
        let column = extra[1];
        let r = run_in(d, &[&["predict", "--articles", "--model", m, "arts.csv"][..], extra].concat());
        assert_eq!(r.status, 2, "{extra:?}: {}", r.stdout);
        assert_eq!(r.stdout, "", "{extra:?}");
        assert_eq!(
            r.stderr,
            format!(
                "stancekit: error: invalid --id-column: '{column}' is also the text column, so each row's id would \
                 be its whole text (choose the id column with --id-column and the text with --text-column, or \
                 leave --id-column out to number the rows)\n"
            )
        );
    }
}

/// `predict --id-column` (or a `--text-column` of its own) where no input has columns:
/// articles (a `.txt` file, a directory of them, `--input-format text`) or plain lines.
/// The flag was ignored without a word, exit 0, the ids being file names where a
/// column's were asked for. With one input that has columns, or a `.json` input (refused
/// with its own message), it is used as before.
#[test]
fn predict_refuses_column_flags_when_no_input_has_columns() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/cooperation.json");
    let m = model.to_str().unwrap();
    write(d, "a.txt", b"The talks failed. Both sides left.\n");
    std::fs::create_dir(d.join("dir")).unwrap();
    write(d, "dir/b.txt", b"The talks resumed.\n");
    write(d, "rows.csv", b"doc,text\nd1,The talks failed.\n");
    let tail =
        "so it would name nothing (ids are file names and sentence or line numbers; a table is read as CSV from \
                a .csv file or --input-format csv, as JSON Lines from a .jsonl file or --input-format jsonl)";
    let articles = "the inputs are articles (plain text), which have no columns";
    let lines = "the inputs are plain lines (--input-format plain-lines), which have no columns";
    for (args, said) in [
        (&["--id-column", "doc", "a.txt"][..], format!("invalid --id-column: 'doc': {articles}, {tail}")),
        (&["--id-column", "doc", "dir", "a.txt"][..], format!("invalid --id-column: 'doc': {articles}, {tail}")),
        (&["--text-column", "body", "a.txt"][..], format!("invalid --text-column: 'body': {articles}, {tail}")),
        (
            &["--text-column", "body", "--input-format", "plain-lines", "a.txt"][..],
            format!("invalid --text-column: 'body': {lines}, {tail}"),
        ),
    ] {
        let r = run_in(d, &[&["predict", "--model", m][..], args].concat());
        assert_eq!((r.status, r.stdout.as_str(), r.stderr), (2, "", format!("stancekit: error: {said}\n")), "{args:?}");
    }
    let r = run_in(d, &["predict", "--model", m, "--id-column", "doc", "a.txt", "rows.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\nd1\t"), "{}", r.stdout);
    let r = run_with_stdin(&["predict", "--model", m, "--text-column", "body"], b"{\"body\":\"The talks failed.\"}\n");
    assert_eq!(r.status, 0, "standard input may hold JSON records: {}", r.stderr);
}

/// A class count too large for the weights to be indexed (`LogisticParams::n_classes`
/// near `usize::MAX`, given by a caller of the library) is an error naming the classes:
/// `fit` panicked with "capacity overflow" allocating a count per class.
#[test]
fn fit_refuses_a_class_count_whose_weights_cannot_be_indexed() {
    use stancekit::features::SparseRows;
    use stancekit::train::{fit, LogisticParams};

    let rows = || SparseRows::try_from_rows(vec![(vec![0], vec![1.0]), (vec![1], vec![1.0])], 3).unwrap();
    let y = || ndarray::Array1::from(vec![0, 1]);
    for k in [usize::MAX, usize::MAX / 2] {
        let error = fit(&LogisticParams::new().n_classes(k), rows(), y()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid classes: {k} classes of 3 feature columns: more weights than one fit can hold")
        );
    }
    // A class count above the targets' classes still fits (a class absent from a fold).
    let classifier = fit(&LogisticParams::new().n_classes(3), rows(), y()).unwrap();
    assert_eq!(classifier.n_classes(), 3);
}

/// `Decision::fit` without rows, or with a class count whose product with the rows
/// overflows, is the error of too few rows or of scores not `k` per row: both panicked
/// ("capacity overflow" allocating a total per class; the overflowing product).
#[test]
fn decision_fit_refuses_no_rows_and_an_overflowing_class_count() {
    use stancekit::decision::Decision;

    let error = Decision::fit(&[], &[], &[], usize::MAX, 1).unwrap_err();
    assert!(error.starts_with("0 rows to fit on, fewer than "), "{error}");
    let error = Decision::fit(&[], &[0, 0], &[], usize::MAX / 2 + 1, 1).unwrap_err();
    assert_eq!(error, format!("0 scores for 2 rows of {} classes", usize::MAX / 2 + 1));
}

/// `Examples` (public fields) given to `train_model` or `cross_validate` with a weight
/// that is NaN, negative or infinite is refused naming it: the fit took it as 0 and said
/// "every row of class 'a' has weight 0", which no weight was. Fields of other lengths
/// say "60 classes" (it said "60 classs").
#[test]
fn examples_with_a_weight_out_of_range_or_fields_of_other_lengths_say_so() {
    use stancekit::features::FeatureParams;
    use stancekit::pipeline::{cross_validate, train_model, Examples, TrainOptions};

    let texts: Vec<String> =
        (0..60).map(|i| format!("talks {} day {}", if i % 2 == 0 { "good" } else { "bad" }, i % 7)).collect();
    let labels: Vec<String> = (0..60).map(|i| if i % 2 == 0 { "a" } else { "b" }.to_string()).collect();
    let options =
        TrainOptions { features: FeatureParams { min_df: 1, ..FeatureParams::default() }, ..TrainOptions::default() };
    let examples = Examples::new(&texts, &labels, Path::new("toy")).unwrap();
    for (weight, shown) in [(f64::NAN, "NaN"), (-1.0, "-1"), (f64::INFINITY, "inf")] {
        let mut weights = vec![1.0; 60];
        weights[3] = weight;
        let weighted = examples.clone().with_weights(weights);
        let said = format!("invalid examples weights[3]: {shown} must be 0 or a number from 1e-6 to 1e6");
        assert_eq!(train_model(&weighted, &options, "t", Default::default()).unwrap_err().to_string(), said);
        assert_eq!(cross_validate(&weighted, &options, 2, &mut |_| {}).unwrap_err().to_string(), said);
    }
    let mut short = examples.clone();
    short.texts.truncate(3);
    let error = train_model(&short, &options, "t", Default::default()).unwrap_err();
    assert_eq!(error.to_string(), "invalid examples classes: 60 classes for 3 texts: one class per text is needed");
}

/// A `Classifier` whose public fields disagree (a weight row fewer than intercepts, or
/// no class at all) still gives one label and one probability row per row given: the
/// scores were cut into rows of the wrong width, so 4 rows gave 2 labels, and none gave 0.
#[test]
fn classify_rows_gives_one_row_per_row_whatever_the_classifier_fields() {
    use stancekit::features::SparseRows;
    use stancekit::train::Classifier;

    let x = SparseRows::try_from_rows(
        vec![(vec![0], vec![1.0]), (vec![1], vec![1.0]), (vec![], vec![]), (vec![0], vec![2.0])],
        2,
    )
    .unwrap();
    let classifier = |weights: Vec<Vec<f32>>, intercepts: Vec<f32>| Classifier {
        weights,
        intercepts,
        iterations: 0,
        converged: true,
        calibration: None,
        decision: None,
    };
    // Class 1 has no weight row: its score is its intercept, 0.
    let (labels, probabilities) = classifier(vec![vec![1.0, -1.0]], vec![0.0, 0.0]).classify_rows(&x);
    assert_eq!(labels, [0, 1, 0, 0]);
    assert_eq!(probabilities.shape(), [4, 2]);
    let (labels, probabilities) = classifier(vec![], vec![]).classify_rows(&x);
    assert_eq!(labels.len(), 4);
    assert_eq!(probabilities.shape(), [4, 0]);
}

#[test]
fn a_model_that_gives_every_training_row_one_label_is_warned_of() {
    // 300 movie reviews, every fifth labelled 'rare' and the rest 'common', whatever it
    // says: regularised to almost nothing (--c 1e-6) the model learns the shares alone and
    // labels every row 'common' (training accuracy 0.8000), which trained with exit 0 and
    // no word. At the default C the same rows are told apart by heart, and the real
    // labels at --c 1e-6 still sort most rows (tiny weights keep their signs).
    let dir = tempfile::tempdir().unwrap();
    let sample = mr_sample(dir.path(), 150);
    let mut reader = csv::Reader::from_path(&sample).unwrap();
    let mut shares = String::from("text,label\n");
    for (i, record) in reader.records().enumerate() {
        let text = record.unwrap()[0].replace('"', "\"\"");
        shares.push_str(&format!("\"{text}\",{}\n", if i % 5 == 0 { "rare" } else { "common" }));
    }
    let shares = write(dir.path(), "shares.csv", shares.as_bytes());
    let shares = shares.to_str().unwrap();
    let warning = "stancekit: warning: the model gives every training row the label 'common': it learnt the labels' \
                   shares and nothing of the texts";
    let tiny = ["--c", "1e-6", "--calibration-folds", "0"];
    let r = run_in(dir.path(), &[&["train", "--data", shares, "--out", "flat.json"][..], &tiny].concat());
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains(warning), "{}", r.stderr);
    assert!(r.stderr.contains("training accuracy 0.8000"), "{}", r.stderr);
    let r = run_in(dir.path(), &["train", "--data", shares, "--out", "fit.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("gives every training row"), "{}", r.stderr);
    let real = sample.to_str().unwrap();
    let r = run_in(dir.path(), &[&["train", "--data", real, "--out", "real.json"][..], &tiny].concat());
    assert!(!r.stderr.contains("gives every training row"), "{}", r.stderr);
    // --quiet says nothing, as for the other training warnings.
    let r = run_in(dir.path(), &[&["train", "-q", "--data", shares, "--out", "flat2.json"][..], &tiny].concat());
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
}

/// A column added after the CRLF line ends of a Windows file (`paste -d, a.csv b.csv`,
/// `awk '{print $0",g"}'`, `sed 's/$/,g/'`) leaves a carriage return inside each line,
/// `text,label\r,grp\n`: the header is said to be cut there. It was read as two lines,
/// so the added column was a row of its own: `no column 'grp' (columns found: 'text',
/// 'label')` of a header naming it, or `column 'text': empty text` on line 2 without it.
/// Old Mac files (lone CRs, no line feed), whose rows may start with an empty field, are
/// read as before.
#[test]
fn a_column_added_after_windows_line_ends_is_named_not_read_as_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let said = "malformed CSV: the header line holds a carriage return (\\r, a Windows line end) before ',grp', so it \
                reads as two lines (a column added after the line ends of a Windows file, with paste, awk or sed? \
                remove the carriage returns, e.g. tr -d '\\r' < ";
    for content in
        [&b"text,label\r,grp\nGood film,pos\r,1\nBad film,neg\r,2\n"[..], b"text,label\r,grp\r\nGood,pos\r,1\r\n"]
    {
        write(d, "g.csv", content);
        for extra in [&[][..], &["--group-column", "grp"], &["--filter", "grp=1"]] {
            let args = [&["eval", "--data", "g.csv", "--folds", "2"][..], extra].concat();
            let r = run_in(d, &args);
            assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
            assert_eq!(r.stderr, format!("stancekit: error: g.csv:1: {said}g.csv > fixed.csv)\n"), "{args:?}");
        }
    }
    let model = model(d);
    write(d, "p.csv", b"id,text\r,grp\n1,Good film\r,1\n");
    let r = run_in(d, &["predict", "--model", &model, "--format", "json", "p.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1, "{}", r.stdout);
    assert!(rows[0]["error"].as_str().unwrap().contains("p.csv:1: malformed CSV: the header line holds a carriage"));
    // Old Mac line ends: a first row with an empty text is that, not a cut header.
    write(d, "mac.csv", b"text,label\r,neg\rGood film,pos\r");
    let r = run_in(d, &["train", "--data", "mac.csv", "--out", "m2.json"]);
    assert_eq!((r.status, r.stderr.as_str()), (2, "stancekit: error: mac.csv:2: column 'text': empty text\n"));
}

/// A row without its label, as R's write.csv writes it (`NA`), or pandas once the column
/// is made text (`nan`), is refused as an empty label is, in training and in `eval`. Each
/// trained as a class of its own, exit 0 (`3 labels` for two), and `eval --model` called
/// it an unknown label.
#[test]
fn a_missing_value_written_as_a_label_is_refused_not_a_class() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let r_export =
        b"\"\",\"text\",\"label\"\n\"1\",\"Good film\",\"pos\"\n\"2\",\"Bad film\",\"neg\"\n\"3\",\"A film\",NA\n";
    let err = train_error(d, "r.csv", r_export, &["--min-df", "1"]);
    assert!(
        err.ends_with(
            "/r.csv:4: column 'label': label 'NA' is how R's write.csv writes a missing value: the row has no label \
             (give the row its label, or leave the row out; for a class of its own, choose another name)\n"
        ),
        "{err}"
    );
    let model = model(d);
    write(d, "te.csv", b"text,label\nGood film,positive\nA film,nan\n");
    let r = run_in(d, &["eval", "--model", &model, "--data", "te.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .starts_with("stancekit: error: te.csv:3: column 'label': label 'nan' is how pandas' astype(str) writes"),
        "{}",
        r.stderr
    );
}

/// What a spreadsheet or R writes in place of a value: a formula error as a label
/// (`#REF!`, a lookup into deleted cells) or as a text (`#NAME?`, a tweet typed starting
/// with `-` or `+`, which Excel and Google Sheets take for a formula), or R's `NA` as a
/// text. Each trained as a class or a text of its own (the word `name`), exit 0, and
/// `predict` labelled `#NAME?` and `NA` as sentences.
#[test]
fn a_spreadsheet_formula_error_or_missing_value_is_refused_as_a_label_or_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = "Good film,pos\nBad film,neg\n";
    let label = train_error(d, "ref.csv", format!("text,label\n{rows}A film,#REF!\n").as_bytes(), &[]);
    assert!(
        label.ends_with(
            "/ref.csv:4: column 'label': label '#REF!' is a spreadsheet's formula error (a reference to cells that \
             were deleted), not a label (the formula that made the cell failed: mend it and export again, or leave \
             the row out)\n"
        ),
        "{label}"
    );
    let name = "text '#NAME?' is a spreadsheet's formula error (a name it does not know), not a text (a text typed \
                starting with =, + or - is read as a formula: type ' before it, or import the column as text, and \
                export again)";
    let text = train_error(d, "name.csv", format!("text,label\n{rows}#NAME?,pos\n").as_bytes(), &[]);
    assert!(text.ends_with(&format!("/name.csv:4: column 'text': {name}\n")), "{text}");
    let r_export = b"\"\",\"text\",\"label\"\n\"1\",\"Good film\",\"pos\"\n\"2\",NA,\"neg\"\n";
    let missing = train_error(d, "r.csv", r_export, &[]);
    let na = "text 'NA' is how R's write.csv writes a missing value: the row has no text (give the row its text, or \
              leave the row out)";
    assert!(missing.ends_with(&format!("/r.csv:3: column 'text': {na}\n")), "{missing}");
    // predict: those rows are error rows, the others labelled.
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    write(d, "p.csv", b"id,text\n1,The talks failed.\n2,#NAME?\n3,NA\n");
    let r = run_in(d, &["predict", "--model", model.to_str().unwrap(), "--format", "json", "p.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let errors: Vec<Option<&str>> = rows.iter().map(|row| row["error"].as_str()).collect();
    let (name, na) = (format!("p.csv:3: column 'text': {name}"), format!("p.csv:4: column 'text': {na}"));
    assert_eq!(errors, [None, Some(name.as_str()), Some(na.as_str())], "{}", r.stdout);
}

/// `report` of an article that is R's missing text (`NA`) or a spreadsheet's formula
/// error, and an `actors` row of such a sentence: each was read as a sentence, exit 0 (a
/// page of one neutral sentence; a row scored), where `predict` and training refuse them.
#[test]
fn report_and_actors_refuse_a_text_that_is_a_missing_value_or_a_formula_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    write(d, "na.txt", b"NA");
    let r = run_in(d, &["report", "na.txt", "--model", model.to_str().unwrap(), "--html", "r.html"]);
    let na = "text 'NA' is how R's write.csv writes a missing value: the row has no text (give the row its text, or \
              leave the row out)";
    assert_eq!((r.status, r.stderr.as_str()), (2, format!("stancekit: error: na.txt:1: {na}\n").as_str()));
    assert!(!d.join("r.html").exists());
    write(
        d,
        "act.csv",
        b"text,accusation,source,target\nThe minister accused the rebels.,accusation,,\n#REF!,none,,\n",
    );
    let r = run_in(d, &["actors", "--data", "act.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(
        r.stderr.ends_with(
            "act.csv:3: column 'text': text '#REF!' is a spreadsheet's formula error (a reference to cells that were \
             deleted), not a text (the formula that made the cell failed: mend it and export again, or leave the row \
             out)\n"
        ),
        "{}",
        r.stderr
    );
}

/// An article file of `NA` and its line end (R's `writeLines` of a missing text), or a CSV
/// cell ` #REF!`: each was labelled as a sentence, exit 0, where `NA` without its line
/// end was refused (predict, report, training).
#[test]
fn a_missing_value_with_white_space_around_it_is_no_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let model = model.to_str().unwrap();
    write(d, "na.txt", b"NA\n");
    write(d, "rows.csv", b"id,text\na, #REF!\nb,Talks went well.\n");
    let r = run_in(d, &["predict", "--model", model, "na.txt", "rows.csv"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows = ids_and_texts(&r.stdout);
    let na = "error: na.txt:1: text 'NA' is how R's write.csv writes a missing value: the row has no text (give the \
              row its text, or leave the row out)";
    let reference = "error: rows.csv:2: column 'text': text '#REF!' is a spreadsheet's formula error (a reference to \
                     cells that were deleted), not a text (the formula that made the cell failed: mend it and export \
                     again, or leave the row out)";
    let expected = [("na.txt", na), ("a", reference), ("b", "Talks went well.")];
    assert_eq!(rows.iter().map(|(i, t)| (i.as_str(), t.as_str())).collect::<Vec<_>>(), expected, "{}", r.stdout);
    let r = run_in(d, &["report", "na.txt", "--model", model, "--html", "r.html"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(!d.join("r.html").exists());
}

/// Labels that differ only in the white space inside them, two spaces typed for one or a
/// no-break space copied from a web page (which prints as a space): each trained as a
/// class of its own, exit 0 (`labels very  positive 1, very positive 2, very positive 1`).
#[test]
fn labels_differing_only_in_white_space_inside_are_refused_as_one_label_spelt_two_ways() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = "text,label\nGood film,very positive\nFine film,very positive\nBad film,negative\n\
                Nice film,very\u{a0}positive\n";
    let err = train_error(d, "ws.csv", data.as_bytes(), &["--min-df", "1"]);
    assert!(
        err.ends_with(
            "/ws.csv:5: column 'label': label 'very\u{a0}positive' differs from 'very positive' (line 2) only by the \
             white space inside it (two spaces, or a no-break space, where the other has one space); make them agree\n"
        ),
        "{err}"
    );
}

/// Labels as an annotation tool exports them (doccano's `["positive"]`, a list of several
/// for a multi-label task) or as pandas writes a list column, and labels inside quotes
/// that are part of them (`"positive"`, a CSV quoted twice): each trained as a class of
/// its own beside `positive` (or one per combination of labels), exit 0.
#[test]
fn a_label_written_as_a_list_or_inside_its_quotes_is_refused_not_a_class() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rows = "Good film,positive\nBad film,negative\n";
    let list = "as an annotation tool (doccano, Label Studio) or pandas writes a list";
    for (name, cell, expected) in [
        (
            "one.csv",
            "\"[\"\"positive\"\"]\"",
            format!(
                "label '[\"positive\"]' is a list of one label, {list} (a row takes one label: write it alone, \
                 positive)"
            ),
        ),
        (
            "two.csv",
            "\"['positive', 'negative']\"",
            format!(
                "label '['positive', 'negative']' is a list of 2 labels, {list} (a row takes one label: keep one of \
                 them, or leave the row out)"
            ),
        ),
        (
            "quoted.csv",
            "\"\"\"positive\"\"\"",
            "label '\"positive\"' has quotes around it that are part of the label (a CSV quoted twice, or typed \
             with its quotes? write it without them: positive)"
                .to_string(),
        ),
    ] {
        let err = train_error(d, name, format!("text,label\n{rows}A film,{cell}\n").as_bytes(), &["--min-df", "1"]);
        assert!(err.ends_with(&format!("/{name}:4: column 'label': {expected}\n")), "{err}");
    }
}

/// A table under a name that is not `.csv` or `.jsonl` (`<(grep ... a.csv)`, which is
/// `/dev/fd/63`; `a.csv.txt`, as Notepad saves a file named `a.csv`; a name without an
/// extension), or piped in (`head a.csv | stancekit predict`), is the input's one error
/// row saying what it holds and how to read it, known by a first line that is a header
/// naming the text column or a JSON object. Each was labelled as text of its markup, the
/// header `id,text` a sentence, exit 0. `--input-format` reads it as the user says, and a
/// line or article that only holds the word (`text, images and video`) is text.
#[test]
fn a_table_under_another_name_or_piped_in_is_named_not_labelled_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = model(d);
    write(d, "a.csv.txt", b"id,text\n1,\"Talks failed, again.\"\n2,Both sides agreed.\n");
    write(d, "rows", b"\xEF\xBB\xBF\"id\",\"text\"\r\n\"1\",\"Talks failed.\"\r\n");
    write(d, "j.txt", b"{\"text\": \"Talks failed.\"}\n{\"text\": \"Both sides agreed.\"}\n");
    write(d, "t.txt", b"id\ttext\n1\tTalks failed.\n");
    write(d, "words.txt", b"text, images and video are allowed here.\nThe rest of the article.\n");
    let r = run_in(
        d,
        &["predict", "--model", &model, "--format", "json", "a.csv.txt", "rows", "j.txt", "t.txt", "words.txt"],
    );
    assert_eq!(r.status, 2, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let errors: Vec<&str> = rows.iter().filter_map(|row| row["error"].as_str()).collect();
    let csv =
        "holds a CSV table (its first line 'id,text' names a column 'text'), not an article (give --input-format \
               csv to label its rows; --input-format text labels it as one article)";
    assert_eq!(
        errors,
        [
            format!("a.csv.txt: {csv}"),
            format!("rows: {}", csv.replace("'id,text'", "'\"id\",\"text\"'")),
            "j.txt: holds JSON Lines (its first line is a JSON object), not an article (give --input-format jsonl to \
             label its records; --input-format text labels it as one article)"
                .to_string(),
            "t.txt: holds a tab-separated table (its first line 'id\\ttext' names a column 'text'), not an article \
             (predict reads comma-separated CSV: save it as CSV, then give --input-format csv; --input-format text \
             labels it as one article)"
                .to_string(),
        ]
    );
    // The article that only holds the word: its two sentences and its summary.
    assert_eq!(rows.len(), 4 + 3, "{}", r.stdout);
    // Read as the user says.
    let r = run_in(d, &["predict", "--model", &model, "--input-format", "csv", "a.csv.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1 + 2, "{}", r.stdout);
    // Piped in: standard input's one error row, where the header and each row were texts.
    let r = run_with_stdin(&["predict", "--model", &model], b"id,text\n1,\"Talks failed,\nagain.\"\n");
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1 + 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "error: -: standard input holds a CSV table (its first line 'id,text' names a column 'text'), not one text \
             a line (give --input-format csv to label its rows; if the lines are plain text, give --input-format \
             plain-lines)"
        ),
        "{}",
        r.stdout
    );
    let r = run_with_stdin(&["predict", "--model", &model, "--input-format", "plain-lines"], b"id,text\n1,a\n");
    assert_eq!((r.status, r.stdout.lines().count()), (0, 1 + 2), "{}", r.stderr);
    let r = run_with_stdin(&["predict", "--model", &model], b"text, images and video are allowed\n");
    assert_eq!(r.status, 0, "{}", r.stderr);
    // report draws no page of a table.
    let r = run_in(d, &["report", "--model", &model, "--html", "r.html", "a.csv.txt"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with("stancekit: error: a.csv.txt: holds a CSV table (its first line"), "{}", r.stderr);
    assert!(!d.join("r.html").exists());
}

/// Excel for Mac's "Comma Separated Values (.csv)" saves Mac Roman with the lone CR line
/// ends of classic Mac OS, as old Mac files are: a byte that is not UTF-8 in such a file
/// is said to look like Mac Roman, with its iconv command. The message said Windows-1252,
/// whose command turned "Caf\x8E" (café) into "CafŽ", and it gave no encoding for the
/// Mac Roman letters ç (0x8D), è (0x8F), ê (0x90) and ù (0x9D), which Windows-1252 lacks.
/// Files with line feeds still get the Windows-1252 hint.
#[test]
fn a_byte_of_an_old_mac_file_is_said_to_look_like_mac_roman() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mac = "(it looks like Mac Roman, with the CR line ends of old Mac files, which Excel for Mac saves as Comma \
               Separated Values: re-encode the file as UTF-8, e.g. iconv -f MACINTOSH -t UTF-8";
    let err = train_error(d, "mac.csv", b"text,label\rCaf\x8e ouvert,pos\rbad,neg\r", &[]);
    assert!(err.ends_with(&format!("mac.csv:2: column 'text': invalid UTF-8 at byte offset 14 {mac})\n")), "{err}");
    let err = train_error(d, "gar.csv", b"text,label\rGar\x8don,pos\rbad,neg\r", &[]);
    assert!(err.ends_with(&format!("gar.csv:2: column 'text': invalid UTF-8 at byte offset 14 {mac})\n")), "{err}");
    let err = train_error(d, "win.csv", b"text,label\r\nCaf\xe9 ouvert,pos\r\nbad,neg\r\n", &[]);
    assert!(err.contains("(it looks like Windows-1252, which Excel and Notepad save"), "{err}");
    let model = model(d);
    write(d, "mac.txt", b"Le caf\x8e est ouvert.\rIl pleut.\r");
    let r = run_in(d, &["predict", "--model", &model, "--format", "json", "mac.txt"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let row: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(
        row["error"].as_str().unwrap(),
        format!("mac.txt:1: invalid UTF-8 at byte offset 6 {mac}, or pass --lossy)")
    );
}

/// A byte that is not UTF-8 in an article of old Mac line ends (lone CRs) is named by its
/// line, as in a file of line feeds: every such byte was said to be on line 1.
#[test]
fn a_bad_byte_of_an_old_mac_article_is_named_by_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = model(d);
    write(d, "mac3.txt", b"Le cafe est ouvert.\rIl pleut.\rLa caf\x8e.\r");
    write(d, "win3.txt", b"Le cafe est ouvert.\r\nIl pleut.\r\nLa caf\xe9.\r\n");
    let r = run_in(d, &["predict", "--model", &model, "--format", "json", "mac3.txt", "win3.txt"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let errors: Vec<String> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["error"].as_str().unwrap().to_string())
        .collect();
    assert!(
        errors[0].starts_with("mac3.txt:3: invalid UTF-8 at byte offset 36 (it looks like Mac Roman"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("win3.txt:3: invalid UTF-8 at byte offset 38 (it looks like Windows-1252"),
        "{errors:?}"
    );
}

/// Windows PowerShell's `Export-Csv` (5.1, without `-NoTypeInformation`) writes a line
/// `#TYPE System.Management.Automation.PSCustomObject` above the header: it is skipped,
/// lines still counted from the top of the file, as Excel's `sep=,` is. It was taken for
/// the header: `no column 'text' (columns found: '#TYPE System.Management.Automation.
/// PSCustomObject'; ...)`, in training and as predict's one error row.
#[test]
fn a_powershell_type_line_before_the_header_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ps = b"#TYPE System.Management.Automation.PSCustomObject\r\n\"text\",\"label\"\r\n\"Good film\",\"pos\"\r\n\
               \"Bad film\",\"neg\"\r\n\"Fine film\",\"pos\"\r\n\"\",\"neg\"\r\n";
    write(d, "ps.csv", ps);
    let r = run_in(d, &["train", "--data", "ps.csv", "--out", "m.json", "--min-df", "1"]);
    assert_eq!((r.status, r.stderr.as_str()), (2, "stancekit: error: ps.csv:6: column 'text': empty text\n"));
    write(d, "ps.csv", &ps[..ps.len() - b"\"\",\"neg\"\r\n".len()]);
    let r = run_in(d, &["train", "-q", "--data", "ps.csv", "--out", "m.json", "--min-df", "1"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""));
    write(d, "p.csv", b"#TYPE Selected.System.Object\r\n\"id\",\"text\"\r\n\"a\",\"Good film\"\r\n");
    let r = run_in(d, &["predict", "--model", "m.json", "--format", "json", "p.csv"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let row: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!((row["id"].as_str(), row["line"].as_u64()), (Some("a"), Some(3)));
}

/// The data file of a statistics package or a data-frame library given as CSV or text
/// (pandas' `to_stata`, `to_parquet`, `to_feather`, `to_pickle`; SPSS; SQLite), known by
/// its first bytes, as compressed files and documents are: refused, with the command
/// that exports it as CSV. Each was an invalid byte whose message advised re-encoding it
/// from Windows-1252 (`d.dta:1: invalid UTF-8 at byte offset 541 (it looks like
/// Windows-1252, ...)`), or a header of binary bytes listed as the columns found.
#[test]
fn a_statistics_package_data_file_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let stata = b"r\x02\x01\x00\x02\x00\x03\x00\x00\x00\x00\x00\x00\x00text\x00label\x00";
    let err = train_error(d, "d.dta", stata, &[]);
    assert!(
        err.ends_with(
            "/d.dta: the file is a Stata data file (.dta), not text (export it as CSV first, e.g. in Stata: export \
             delimited using data.csv, or in Python: pandas.read_stata(path).to_csv('data.csv', index=False))\n"
        ),
        "{err}"
    );
    let model = model(d);
    write(d, "d.parquet", b"PAR1\x15\x04\x15J\x15@L\x15\x06\x15\x00\x12\x00\x00%H\t\x00\x00\x00Good film");
    let r = run_in(d, &["predict", "--model", &model, "--format", "json", "--input-format", "csv", "d.parquet"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let row: serde_json::Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(
        row["error"].as_str().unwrap(),
        "d.parquet: the file is a Parquet file, not text (convert it to CSV first, e.g. in Python: \
         pandas.read_parquet(path).to_csv('data.csv', index=False))"
    );
}

#[test]
fn a_text_column_named_as_the_default_id_column_leaves_the_rows_numbered() {
    // `--text-column id` says the text is in the column `id`: the rows have no id column
    // of their own, so they are numbered, in a CSV and in JSON Lines alike. Each row's id
    // used to be its whole text (hunt 21's leftover).
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = model(d);
    write(d, "a.csv", b"id,title\n\"The talks failed again.\",x\n\"Both sides agreed.\",y\n");
    write(d, "a.jsonl", b"{\"id\": \"The talks failed again.\"}\n{\"id\": \"Both sides agreed.\"}\n");
    for file in ["a.csv", "a.jsonl"] {
        let r = run_in(d, &["predict", "--model", &model, "--format", "json", "--text-column", "id", file]);
        assert_eq!(r.status, 0, "{file}: {}", r.stderr);
        let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let ids: Vec<&str> = rows.iter().filter_map(|row| row["id"].as_str()).collect();
        let texts: Vec<&str> = rows.iter().filter_map(|row| row["text"].as_str()).collect();
        assert_eq!(ids, ["1", "2"], "{file}");
        assert_eq!(texts, ["The talks failed again.", "Both sides agreed."], "{file}");
    }
}

#[test]
fn a_data_weight_written_with_a_decimal_comma_is_refused_not_read_as_weight_0() {
    // `0,5` (a half, in a locale with a decimal comma) read as the weights 0 and 5: with two
    // --data files the first was dropped without a word (hunt 21's leftover). Weights
    // written apart, or joined by commas otherwise, are read as before.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a.csv", b"text,label\ngood film,pos\nbad film,neg\nfine film,pos\ndull film,neg\n");
    write(d, "b.csv", b"text,label\ngreat film,pos\nawful film,neg\nnice film,pos\npoor film,neg\n");
    let train = |weights: &[&str]| {
        let mut args = vec!["train", "--data", "a.csv", "b.csv", "--min-df", "1", "--out", "m.json", "--data-weight"];
        args.extend_from_slice(weights);
        run_in(d, &args)
    };
    let r = train(&["0,5"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "'0,5' reads as two weights, 0 and 5, and weight 0 drops the first --data file (a decimal comma? a \
             fraction is written with a point, 0.5; to give a file weight 0, write the weights apart: --data-weight \
             0 5)"
        ),
        "{}",
        r.stderr
    );
    assert!(!d.join("m.json").exists());
    for weights in [&["0", "5"][..], &["1,2"], &["0.5,1"], &["1", "2"]] {
        let r = train(weights);
        assert_eq!(r.status, 0, "{weights:?}: {}", r.stderr);
    }
}

/// `stancekit ARGS` in `dir` with standard input from /dev/null: the run must end within
/// `seconds`, or the test fails (the child is killed).
fn run_with_deadline(dir: &Path, args: &[&str], seconds: u64) -> util::Run {
    let out = std::fs::File::create(dir.join("stdout")).unwrap();
    let err = std::fs::File::create(dir.join("stderr")).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(args)
        .current_dir(dir)
        .env_remove("STANCEKIT_MODELS")
        .stdin(std::fs::File::open("/dev/null").unwrap())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("stancekit {args:?} did not end within {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    util::Run {
        status: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(dir.join("stdout")).unwrap(),
        stderr: std::fs::read_to_string(dir.join("stderr")).unwrap(),
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_given_twice_or_as_input_and_output_is_refused_not_waited_on() {
    // A FIFO is read once: `eval --data f --test-data f` opened it again after its writer
    // had gone and waited forever, and `train --data f --out f` waited forever for a
    // reader of the model. Now refused before any read, as `-` given twice is.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(std::process::Command::new("mkfifo").arg(d.join("rows.csv")).status().unwrap().success());
    std::os::unix::fs::symlink("rows.csv", d.join("link.csv")).unwrap();
    let read_once =
        "a pipe (FIFO) can be read only once (save its rows to a file, and give each file where it belongs)";
    let cases: &[(&[&str], String)] = &[
        (
            &["eval", "--data", "rows.csv", "--test-data", "rows.csv"],
            format!("--test-data rows.csv is the same pipe as --data rows.csv: {read_once}"),
        ),
        (
            &["train", "--data", "rows.csv", "rows.csv", "--out", "m.json"],
            format!("--data rows.csv is given twice: {read_once}"),
        ),
        (
            &["train", "--data", "rows.csv", "link.csv", "--out", "m.json"],
            format!("--data rows.csv and link.csv are the same pipe: {read_once}"),
        ),
        (
            &["train", "--data", "rows.csv", "--out", "link.csv"],
            "--out link.csv is the same pipe as --data rows.csv, which this run reads to its end, so nothing would be \
             left to read what is written into it (choose another output path)"
                .to_string(),
        ),
        (
            &["corpus", "--spans", "rows.csv", "link.csv", "--out", "c.csv"],
            format!("--spans rows.csv and link.csv are the same pipe: {read_once}"),
        ),
    ];
    for (args, message) in cases {
        let r = run_with_deadline(d, args, 30);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr, format!("stancekit: error: {message}\n"), "{args:?}");
    }
    assert!(!d.join("m.json").exists() && !d.join("c.csv").exists());
}

#[cfg(unix)]
#[test]
fn a_broken_or_looping_symbolic_link_is_said_to_be_one() {
    // `ls` lists such a link as a file, and the message stopped at the OS's "No such file
    // or directory (os error 2)" or "Too many levels of symbolic links (os error 40)".
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("articles")).unwrap();
    write(&d.join("articles"), "a.txt", b"The talks failed.");
    std::os::unix::fs::symlink("moved.txt", d.join("articles/b.txt")).unwrap();
    std::os::unix::fs::symlink("articles/b.txt", d.join("m.json")).unwrap();
    std::os::unix::fs::symlink("loop2.csv", d.join("loop1.csv")).unwrap();
    std::os::unix::fs::symlink("./loop1.csv", d.join("loop2.csv")).unwrap();
    let gone = "(a symbolic link to moved.txt, which does not exist: its file moved or deleted? give the file's own \
                path, or remove the link)";
    let r = run_in(d, &["predict", "--format", "json", "articles"]);
    assert_eq!(r.status, 2, "{}", r.stderr);
    let said = format!("articles/b.txt: No such file or directory (os error 2) {gone}");
    assert!(r.stdout.contains(&serde_json::to_string(&said).unwrap()), "{}", r.stdout);
    assert!(r.stderr.contains(&format!("stancekit: error: {said}\n")), "{}", r.stderr);
    let r = run_in(d, &["inspect", "--model", "m.json"]);
    let said = "m.json: No such file or directory (os error 2) (a symbolic link to articles/b.txt, a link to \
                moved.txt, which does not exist: its file moved or deleted? give the file's own path, or remove the \
                link)";
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {said}\n")));
    let r = run_in(d, &["train", "--data", "loop1.csv", "--out", "out.json"]);
    let said =
        "loop1.csv: Too many levels of symbolic links (os error 40) (a symbolic link that leads back to itself: \
                loop1.csv -> loop2.csv -> ./loop1.csv; give the file's own path, or mend the link)";
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {said}\n")));
    assert!(!d.join("out.json").exists());
}

#[test]
fn corpus_says_a_datasets_path_one_level_off_and_the_way_to_mend_it() {
    // `--datasets ../shared/datasets/bbc_news` (the dataset's own directory) or `../shared`
    // used to be said as the file looked for, `.../bbc_news/bbc_news/bbc_news.csv: No such
    // file or directory (os error 2)`, and a file as `no such directory`.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("shared/datasets/bbc_news")).unwrap();
    std::fs::create_dir(d.join("empty")).unwrap();
    write(&d.join("shared/datasets/bbc_news"), "bbc_news.csv", b"doc_id,text\nd1,Hello world.\n");
    let spans = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/news/bbc_labels.csv");
    let holds = "the span files point into the shared datasets directory, which holds bbc_news/bbc_news.csv and \
                 fnc1/bodies.csv";
    let cases = [
        (
            "shared/datasets/bbc_news",
            format!("is a dataset's own directory, not the shared datasets directory: {holds} (pass --datasets shared/datasets)"),
        ),
        (
            "shared/datasets/bbc_news/bbc_news.csv",
            format!("is a dataset's own file, not the shared datasets directory: {holds} (pass --datasets shared/datasets)"),
        ),
        (
            "shared",
            format!("holds the shared datasets directory, not its datasets: {holds} (pass --datasets shared/datasets)"),
        ),
        ("empty", format!("has no bbc_news/bbc_news.csv: {holds} (pass it with --datasets)")),
        (spans.to_str().unwrap(), format!("is a file, not a directory: {holds} (pass it with --datasets)")),
    ];
    for (datasets, said) in cases {
        let r = run_in(d, &["corpus", "--spans", spans.to_str().unwrap(), "--datasets", datasets, "--out", "o.csv"]);
        assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {datasets}: {said}\n")), "{datasets}");
    }
    // From inside the dataset's directory: the one above it.
    let r = run_in(
        &d.join("shared/datasets/bbc_news"),
        &["corpus", "--spans", spans.to_str().unwrap(), "--datasets", ".", "--out", "o.csv"],
    );
    assert!(r.stderr.ends_with("(pass --datasets ..)\n"), "{}", r.stderr);
    assert!(!d.join("o.csv").exists());
}

#[test]
fn a_text_column_of_only_numbers_is_refused_not_trained_on() {
    // A column of ids, counts or years given as the texts: every number is the one token
    // <num>, and it trained, exit 0, a model of that one n-gram giving every text the
    // commonest label (two warnings that did not say why).
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut rows = String::from("id,text,label\n");
    for i in 0..40 {
        let text = match i % 4 {
            0 => format!("{}", 1000 + i * 37),
            1 => format!("\"{},{}.5\"", i, i * 3),
            2 => format!("2024-{:02}-{:02}", 1 + i % 12, i),
            _ => format!("{}%", i),
        };
        rows.push_str(&format!("r{i},{text},{}\n", if i % 3 == 0 { "a" } else { "b" }));
    }
    write(d, "num.csv", rows.as_bytes());
    let said = "stancekit: error: num.csv:2: column 'text': every one of the 40 training texts is only a number or \
                numbers (the first: '1000'), and the model reads every number as the one token <num>, so it could \
                learn nothing from them: check that the text column holds the texts\n";
    let r = run_in(d, &["train", "--data", "num.csv", "--min-df", "1", "--out", "m.json"]);
    assert_eq!((r.status, r.stderr.as_str()), (2, said));
    assert!(!d.join("m.json").exists());
    let r = run_in(d, &["eval", "--data", "num.csv", "--min-df", "1", "--folds", "2"]);
    assert_eq!((r.status, r.stderr.as_str()), (2, said));
    // Texts that hold a word beside numbers train as before.
    let mixed = rows.replacen("r0,1000,", "r0,1000 troops withdrawn,", 1);
    write(d, "mixed.csv", mixed.as_bytes());
    let r = run_in(
        d,
        &["train", "-q", "--data", "mixed.csv", "--min-df", "1", "--calibration-folds", "0", "--out", "m.json"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
}

#[test]
fn eval_of_a_model_on_another_tasks_labels_says_so() {
    // `eval --model sentiment.json --label-column cooperation`: the two share only
    // `neutral`, and the message stopped at the first unknown label and the model's list.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let sentiment = models.join("sentiment.json");
    let accusation = models.join("accusation.json");
    write(
        d,
        "news.csv",
        b"text,cooperation,sentiment\nThe two sides signed a deal.,cooperative,positive\nTalks collapsed.,adversarial,\
          negative\nThe meeting is on Monday.,neutral,neutral\n",
    );
    let eval = |model: &Path, column: &str| {
        run_in(d, &["eval", "--model", model.to_str().unwrap(), "--data", "news.csv", "--label-column", column])
    };
    let r = eval(&sentiment, "cooperation");
    let said = "news.csv:2: column 'cooperation': unknown label 'cooperative' (expected one of: negative, neutral, \
                positive): of the labels of column 'cooperation', only 'neutral' is one the model gives, a model of \
                task 'sentiment' (a model trained for another task? test it on a column of its task's labels, e.g. \
                --label-column sentiment)";
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {said}\n")));
    let r = eval(&accusation, "sentiment");
    let said = "news.csv:2: column 'sentiment': unknown label 'positive' (expected one of: accusation, denial, none): \
                no label of column 'sentiment' is one the model gives, a model of task 'accusation' (a model trained \
                for another task? test it on a column of its task's labels, e.g. --label-column accusation)";
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {said}\n")));
    // One unknown label among the model's (a typo) is said as before.
    write(d, "typo.csv", b"text,label\nA fine day.,postive\nA bad day.,negative\nA day.,neutral\n");
    let r = run_in(d, &["eval", "--model", sentiment.to_str().unwrap(), "--data", "typo.csv"]);
    let said = "typo.csv:2: column 'label': unknown label 'postive' (expected one of: negative, neutral, positive)";
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: {said}\n")));
    // The right column scores.
    assert_eq!(eval(&sentiment, "sentiment").status, 0);
}

/// `report` warns of text the models do not know, as `predict` does (hunt 23): the page
/// coloured a Chinese sentence as if the English models had read it, and said only
/// `1 sentence -> zh.html`.
#[test]
fn report_says_when_sentences_hold_no_word_the_models_know() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let warning = |counted: &str| {
        format!(
            "stancekit: warning: {counted} no word or cue the models know (text in another language? the shipped \
             models know English news): its labels are the models' leanings, not a reading of the text\n"
        )
    };
    write(d, "zh.txt", "两国领导人在北京签署了和平协议。\n".as_bytes());
    let r = run_in(d, &["report", "--html", "zh.html", "zh.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(d.join("zh.html").exists(), "the page is written as before");
    assert_eq!(r.stderr, "stancekit: 1 sentence -> zh.html\n".to_string() + &warning("1 of 1 sentence holds"));
    write(d, "mixed.txt", "两国领导人在北京签署了和平协议。 The talks failed.\n".as_bytes());
    let r = run_in(d, &["report", "--html", "m.html", "mixed.txt"]);
    assert!(r.stderr.ends_with(&warning("1 of 2 sentences holds")), "{}", r.stderr);
    // English news: no warning.
    write(d, "en.txt", b"The two leaders signed a peace deal. Talks on trade failed.\n");
    let r = run_in(d, &["report", "--html", "en.html", "en.txt"]);
    assert_eq!(r.stderr, "stancekit: 2 sentences -> en.html\n");
}

/// `eval --model` on a file whose labels are in a column named for the model's task
/// (`sentiment`, as our span files and corpus name them) says that column is the one
/// (hunt 23's leftover: `no column 'label'` listed it among the columns found).
#[test]
fn eval_model_names_the_column_of_its_task() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "news.csv", b"id,text,sentiment\n1,Profits rose.,positive\n2,Talks failed.,negative\n");
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/sentiment.json");
    let model = model.to_str().unwrap();
    let r = run_in(d, &["eval", "--model", model, "--data", "news.csv"]);
    let said = format!(
        "stancekit: error: news.csv: no column 'label', but a column 'sentiment', the task of --model {model} (score \
         the model on its task's labels with --label-column sentiment)\n"
    );
    assert_eq!((r.status, r.stderr), (2, said));
    // Without such a column, the message is as before.
    write(d, "other.csv", b"text,tone\nProfits rose.,positive\n");
    let r = run_in(d, &["eval", "--model", model, "--data", "other.csv"]);
    assert!(r.stderr.contains("no column 'label' (columns found: 'text', 'tone'; choose one with --label-column)"));
    let r = run_in(d, &["eval", "--model", model, "--data", "news.csv", "--label-column", "sentiment", "-q"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
}

#[test]
fn a_path_through_a_missing_directory_names_that_directory() {
    // `--data dat/a.csv` for `data/a.csv`, `--out results/m.json` before `results` is
    // made: "No such file or directory" left it to be guessed which part was missing.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("data")).unwrap();
    write(&d.join("data"), "a.csv", b"text,label\ngood film,pos\nbad film,neg\n");
    let hint = |missing: &str| {
        format!("No such file or directory (os error 2) (there is no directory {missing}: a misspelt path, or a directory not made yet?)")
    };
    let r = run_in(d, &["train", "--data", "dat/a.csv", "--out", "m.json"]);
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: dat/a.csv: {}\n", hint("dat"))));
    let r = run_in(d, &["train", "--data", "data/a.csv", "--out", "data/results/m.json"]);
    let said = format!("stancekit: error: writing model: data/results/m.json: {}\n", hint("data/results"));
    assert_eq!((r.status, r.stderr), (2, said));
    let r = run_in(d, &["predict", "--model", "data/sub/../m.json", "data/a.csv"]);
    assert_eq!((r.status, r.stderr), (2, format!("stancekit: error: data/sub/../m.json: {}\n", hint("data/sub"))));
    // A file missing from a directory that is there: no hint, as before.
    let r = run_in(d, &["train", "--data", "data/b.csv", "--out", "m.json"]);
    assert_eq!(r.stderr, "stancekit: error: data/b.csv: No such file or directory (os error 2)\n");
}

/// Imbalanced data (60 positive among 2,060 mr rows) trained without class weights: the
/// model labelled 1 of the positive rows it learnt from positive, and eval's folds none,
/// with an accuracy of 0.97 and nothing said but a recall of 0 in the table. `train` and
/// `eval` now say so, and what weighs the classes equally; with that, nothing is said.
#[test]
fn a_rare_class_the_model_passes_over_is_said_with_its_remedy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut reader = csv::Reader::from_path(util::shared().join("datasets/mr/mr.csv")).unwrap();
    let rows: Vec<(String, String)> =
        reader.records().map(|r| r.unwrap()).map(|r| (r[0].into(), r[1].into())).collect();
    let mut writer = csv::Writer::from_path(d.join("rare.csv")).unwrap();
    writer.write_record(["text", "label"]).unwrap();
    let negative = rows.iter().filter(|r| r.1 == "negative").take(2000);
    let positive = rows.iter().filter(|r| r.1 == "positive").take(60);
    for (text, label) in negative.chain(positive) {
        writer.write_record([text, label]).unwrap();
    }
    writer.flush().unwrap();
    let r = run_in(d, &["train", "--data", "rare.csv", "--out", "m.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("of the 60 training rows of 'positive' (2.9% of all) as such, on the very rows it learnt from: the common classes outweigh a rare one (--class-weight balanced weighs the classes equally"),
        "{}",
        r.stderr
    );
    let r = run_in(d, &["eval", "--data", "rare.csv", "--folds", "5"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("of the 60 tested rows of 'positive' (2.9% of all) were labelled as such"),
        "{}",
        r.stderr
    );
    for command in
        [&["train", "--data", "rare.csv", "--out", "b.json"][..], &["eval", "--data", "rare.csv", "--folds", "5"]]
    {
        let r = run_in(d, &[command, &["--class-weight", "balanced"]].concat());
        assert_eq!(r.status, 0, "{}", r.stderr);
        assert!(!r.stderr.contains("outweigh"), "{}", r.stderr);
    }
}
