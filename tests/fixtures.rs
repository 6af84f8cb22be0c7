//! Model files of every older format version, each written by the build that wrote that
//! version (tests/fixtures/README.md says which commit and command): this build loads
//! them, labels our hand-written sentences exactly as the old build did, with the same
//! probabilities, and refuses any of them once it claims a version newer than this
//! build's.

mod util;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use stancekit::model::VERSION;
use util::{run, run_in, write};

/// The sentences each old build labelled, with a hand label where the sentence is
/// clearly positive or negative (empty where it is neutral or mixed).
const SENTENCES: &str = "tests/fixtures/sentences.csv";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Every version before this build's: one fixture each. A new format version makes the
/// file of the one before it old, and this fails until its fixture is added.
fn old_versions() -> std::ops::Range<u32> {
    1..VERSION
}

fn model_path(version: u32) -> String {
    format!("tests/fixtures/model_v{version}.json")
}

/// The part of a `predict --format json` sentence row compared across builds.
#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    predictions: BTreeMap<String, Prediction>,
}

#[derive(Debug, Deserialize)]
struct Prediction {
    label: String,
    probabilities: BTreeMap<String, f64>,
}

/// The `sentiment` prediction of each row of `predict --format json` output, by id.
fn sentiment(jsonl: &str) -> Vec<(String, Prediction)> {
    jsonl
        .lines()
        .map(|line| serde_json::from_str::<Row>(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .map(|mut row| (row.id, row.predictions.remove("sentiment").expect("a sentiment prediction")))
        .collect()
}

fn predict(version: u32) -> Vec<(String, Prediction)> {
    let r = run(&["predict", "--model", &model_path(version), SENTENCES, "--format", "json"]);
    assert_eq!((r.status, r.stderr.as_str()), (0, ""), "model_v{version}.json");
    sentiment(&r.stdout)
}

/// A probability as the JSON output prints it, in millionths (it is rounded to 6 decimals).
fn millionths(p: f64) -> i64 {
    (p * 1e6).round() as i64
}

#[test]
fn old_model_versions_load_and_predict_as_the_build_that_wrote_them() {
    for version in old_versions() {
        let r = run(&["inspect", "--model", &model_path(version), "--format", "json"]);
        assert_eq!(r.status, 0, "model_v{version}.json: {}", r.stderr);
        let inspected: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        assert_eq!(inspected["version"], version);
        assert_eq!(inspected["labels"], serde_json::json!(["negative", "positive"]));
        // Calibration came with version 4 (whose build calibrated by default, so its
        // fixture has one) and decision offsets with version 5.
        assert_eq!(inspected["calibration"].is_null(), version < 4, "model_v{version}.json");
        assert!(inspected["decision"].is_null(), "model_v{version}.json");

        let expected = std::fs::read_to_string(fixture(&format!("model_v{version}.expected.jsonl"))).unwrap();
        let expected = sentiment(&expected);
        let got = predict(version);
        assert_eq!(got.len(), expected.len(), "model_v{version}.json: one row per sentence");
        for ((id, now), (old_id, old)) in got.iter().zip(&expected) {
            assert_eq!(id, old_id);
            assert_eq!(now.label, old.label, "model_v{version}.json, {id}: {now:?}, the old build said {old:?}");
            assert!(now.probabilities.keys().eq(old.probabilities.keys()), "model_v{version}.json, {id}");
            // Both are printed to 6 decimals, so values within 1e-6 of each other print at
            // most one millionth apart.
            for (label, p) in &now.probabilities {
                let p_old = old.probabilities[label];
                assert!(
                    (millionths(*p) - millionths(p_old)).abs() <= 1,
                    "model_v{version}.json, {id}: p({label}) {p}, the old build said {p_old}"
                );
            }
        }
    }
}

#[test]
fn old_models_label_the_clear_sentences_as_labelled_by_hand() {
    let mut reader = csv::Reader::from_path(fixture("sentences.csv")).unwrap();
    let hand: Vec<(String, String)> =
        reader.records().map(Result::unwrap).map(|r| (r[0].to_string(), r[2].to_string())).collect();
    // Three clearly positive and three clearly negative sentences, written for this test.
    assert_eq!(hand.iter().filter(|(_, label)| label == "positive").count(), 3);
    assert_eq!(hand.iter().filter(|(_, label)| label == "negative").count(), 3);
    for version in old_versions() {
        let got = predict(version);
        assert_eq!(got.len(), hand.len(), "model_v{version}.json: one row per sentence");
        for ((id, prediction), (hand_id, hand_label)) in got.iter().zip(&hand) {
            assert_eq!(id, hand_id);
            if !hand_label.is_empty() {
                assert_eq!(&prediction.label, hand_label, "model_v{version}.json, {id}: {prediction:?}");
            }
        }
    }
}

/// The version is judged before anything else of the file, whatever its layout and
/// whatever checksum it holds (sha256 before version 3): an old file claiming a newer
/// version is refused as newer, not as damaged. (A file of this build's version claiming
/// the next is tested in tests/hardening.rs, `model_file_damage`.)
#[test]
fn an_old_model_claiming_a_newer_version_is_refused_as_newer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let newer = VERSION + 1;
    for version in old_versions() {
        let text = std::fs::read_to_string(fixture(&format!("model_v{version}.json"))).unwrap();
        let claimed = text.replacen(&format!("\"version\":{version},"), &format!("\"version\":{newer},"), 1);
        assert_ne!(claimed, text);
        let name = format!("claims_v{newer}_was_v{version}.json");
        write(d, &name, claimed.as_bytes());
        for command in [vec!["inspect", "--model", &name], vec!["predict", "--model", &name, "-"]] {
            let r = run_in(d, &command);
            assert_eq!((r.status, r.stdout.as_str()), (2, ""), "{command:?}");
            assert_eq!(
                r.stderr,
                format!(
                    "stancekit: error: {name}: model format version {newer} is not supported (this build reads \
                     versions 1 to {VERSION}; retrain the model or upgrade stancekit)\n"
                ),
                "{command:?}"
            );
        }
    }
}
