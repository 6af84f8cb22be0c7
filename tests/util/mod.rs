//! Helpers for the CLI tests: run the built binary, make temporary files, find ../shared.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The result of one run of the binary.
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

fn finish(output: Output) -> Run {
    Run {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `stancekit ARGS` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(args)
        .current_dir(dir)
        .env_remove("STANCEKIT_MODELS")
        .output()
        .expect("binary runs");
    finish(output)
}

/// Runs `stancekit ARGS` from the repository root.
pub fn run(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// Runs `stancekit ARGS` with `input` on standard input.
pub fn run_with_stdin(args: &[&str], input: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stancekit"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let output = child.wait_with_output().expect("binary finishes");
    let _ = writer.join();
    finish(output)
}

/// A file in `dir` with `content`.
pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write temp file");
    path
}

/// `../shared` beside the repository: real datasets, read at run time, never copied.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("shared")
}

/// A small two-class CSV of movie-review sentences drawn from mr (first and last rows).
pub fn mr_sample(dir: &Path, n_per_class: usize) -> PathBuf {
    let mut reader = csv::Reader::from_path(shared().join("datasets/mr/mr.csv")).expect("mr.csv present in ../shared");
    let rows: Vec<(String, String)> =
        reader.records().map(|r| r.expect("row")).map(|r| (r[0].to_string(), r[1].to_string())).collect();
    let mut writer = csv::Writer::from_path(dir.join("mr_sample.csv")).expect("write");
    writer.write_record(["text", "label"]).expect("write");
    let neg = rows.iter().filter(|r| r.1 == "negative").take(n_per_class);
    let pos = rows.iter().filter(|r| r.1 == "positive").take(n_per_class);
    for (t, l) in neg.chain(pos) {
        writer.write_record([t, l]).expect("write");
    }
    writer.flush().expect("flush");
    dir.join("mr_sample.csv")
}
