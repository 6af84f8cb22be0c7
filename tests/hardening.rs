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

#[test]
fn malformed_csv_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: &[(&str, &[u8], &str)] = &[
        ("quote.csv", b"text,label\n\"unbalanced quote,a\nx,b\n", "quote.csv"),
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
            "unknown label 'positive ' (expected one of: a non-empty label without surrounding spaces)",
        ),
        ("case.csv", b"text,label\nx,Positive\ny,positive\nz,negative\n", "labels differ only by case"),
        ("empty.csv", b"text,label\nx,a\n\"   \",b\n", "empty.csv:3: column 'text': empty text"),
        (
            "misspelt.csv",
            b"txt,label\nx,a\n",
            "no column 'text' (columns found: 'txt', 'label'; choose one with --text-column)",
        ),
        ("allempty.csv", b"text,label\n\"\",a\n\"\",b\n", "allempty.csv:2: column 'text': empty text"),
    ];
    for (name, content, expected) in cases {
        let err = train_error(d, name, content, &[]);
        assert!(err.contains(expected), "{name}: expected {expected:?} in {err}");
    }
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
    // Duplicate rows are counted and reported.
    let dup =
        write(d, "dup.csv", b"text,label\ngood film,pos\ngood film,pos\nbad film,neg\nbad film,neg\nbad film,neg\n");
    let r = run_in(d, &["train", "--data", dup.to_str().unwrap(), "--out", "dup.json", "--min-df", "1"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning: 3 rows repeat an earlier (text, label) pair"), "{}", r.stderr);
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
    let newer = text.replacen("\"version\":3", "\"version\":4", 1);
    // A featurizer damaged by hand, the checksum recomputed so that only the parse can tell.
    let mut edited: serde_json::Value = serde_json::from_slice(&good).unwrap();
    edited["featurizer"]["vocabulary"] = 5.into();
    edited["checksum"] = "0".repeat(64).into();
    let blank = serde_json::to_string(&edited).unwrap();
    let digest = stancekit::input::hex(&<sha2::Sha256 as sha2::Digest>::digest(blank.as_bytes()));
    let edited = blank.replacen(&"0".repeat(64), &digest, 1);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("missing.json", Vec::new(), "missing.json: No such file or directory"),
        ("empty.json", Vec::new(), "empty.json: not a valid stancekit model: the file is empty"),
        ("truncated.json", truncated.to_vec(), "truncated.json: not a valid stancekit model: not JSON at line 1"),
        ("flipped.json", flipped, "flipped.json: not a valid stancekit model: checksum mismatch"),
        (
            "newer.json",
            newer.into_bytes(),
            "newer.json: model format version 4 is not supported (this build reads versions 1 to 3",
        ),
        ("csv.json", b"text,label\nx,y\n".to_vec(), "csv.json: not a valid stancekit model: not JSON"),
        (
            "edited.json",
            edited.into_bytes(),
            "edited.json: not a valid stancekit model: in the featurizer at line 1 column ",
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
    assert!(r.stdout.contains("bad.txt: invalid UTF-8 at byte offset 29"), "{}", r.stdout);
    let r = run_in(d, &["predict", "--model", &m, "--lossy", "--format", "json", article.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("Then a bad byte \u{FFFD} here."));
}

#[test]
fn contradictory_and_out_of_range_flags() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 20);
    let data = data.to_str().unwrap();
    for (args, expected) in [
        (vec!["eval", "--data", data, "--model", "m.json", "--folds", "3"], "cannot be used with"),
        (vec!["eval", "--data", data, "--folds", "0"], "invalid --folds: 0 must be at least 2"),
        (vec!["train", "--data", data, "--out", "x.json", "--c", "-2"], "invalid --c: -2 must be a positive number"),
        (vec!["train", "--data", data, "--out", "x.json", "--ngram-min", "3", "--ngram-max", "1"], "3..1 is empty"),
        (vec!["train", "--data", data, "--out", "x.json", "--min-df", "0"], "invalid --min-df: must be at least 1"),
        (vec!["eval", "--data", data, "--keyword-rule"], "--lexicon"),
    ] {
        let r = run_in(d, &args);
        assert_eq!(r.status, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(expected), "{args:?}: expected {expected:?} in {}", r.stderr);
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

#[test]
fn a_100_mb_line_without_punctuation_is_one_sentence_and_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // 100 MB of words with no sentence punctuation and no newline: one sentence.
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
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 2, "one sentence row and the article row");
    assert_eq!((rows[0]["start"].as_u64(), rows[0]["end"].as_u64()), (Some(0), Some(100_000_000)));
    assert!(rows[0]["predictions"]["cooperation"]["label"].is_string());
    assert_eq!(rows[1]["n_sentences"], 1);
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

#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = mr_sample(d, 30);
    std::fs::create_dir(d.join("models")).unwrap();
    write(&d.join("models"), "v1.json", b"old");
    std::os::unix::fs::symlink("models/v1.json", d.join("current.json")).unwrap();
    let r = run_in(d, &["train", "-q", "--data", data.to_str().unwrap(), "--out", "current.json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(std::fs::symlink_metadata(d.join("current.json")).unwrap().file_type().is_symlink());
    assert!(is_model(&std::fs::read(d.join("models/v1.json")).unwrap()));
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

#[test]
fn output_directory_problems_are_one_clean_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The data file has no rows: an error found only after the output checks.
    write(d, "empty.csv", b"text,label\n");
    for (out, expected) in [
        (".", "stancekit: error: writing model: .: is a directory\n"),
        ("no/such/m.json", "stancekit: error: writing model: no/such/m.json: No such file or directory (os error 2)\n"),
        ("empty.csv/m.json", "stancekit: error: writing model: empty.csv/m.json: Not a directory (os error 20)\n"),
    ] {
        let r = run_in(d, &["train", "--data", "empty.csv", "--out", out]);
        assert_eq!(r.status, 2, "{out}");
        assert_eq!(r.stderr, expected, "{out}");
    }
    let r = run_in(d, &["report", "empty.csv", "--html", "no/r.html"]);
    assert_eq!(r.stderr, "stancekit: error: writing HTML: no/r.html: No such file or directory (os error 2)\n");
}

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
