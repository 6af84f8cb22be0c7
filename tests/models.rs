//! The shipped models: they load, label the seed article's key sentences right, keep
//! their measured quality on our held-out real news (dev) and on Financial PhraseBank,
//! and are reproducible from datasets/ by the documented command.

mod util;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use stancekit::model::ModelFile;
use stancekit::predict::Predictor;
use util::{run, shared};

fn shipped_paths() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    ["cooperation", "accusation", "sentiment"].iter().map(|t| dir.join(format!("{t}.json"))).collect()
}

fn shipped() -> Predictor {
    Predictor::new(ModelFile::load_all(&shipped_paths()).expect("shipped models load")).expect("three tasks")
}

/// The three are trained on the same texts with the same feature settings, so they
/// load with one featurizer between them (a third of the loading and featurizing),
/// and answer exactly as when each is loaded on its own.
#[test]
fn shipped_models_share_one_featurizer() {
    let together = ModelFile::load_all(&shipped_paths()).unwrap();
    assert!(together.iter().all(|m| Arc::ptr_eq(&m.featurizer, &together[0].featurizer)));
    let apart: Vec<ModelFile> = shipped_paths().iter().map(|p| ModelFile::load(p).unwrap()).collect();
    let article =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/samples/article.txt")).unwrap();
    assert_eq!(
        Predictor::new(together).unwrap().predict_article(&article),
        Predictor::new(apart).unwrap().predict_article(&article)
    );
}

/// (substring of the sentence, task, expected label): issue 9's list, checked by hand
/// against the label guide.
const SEED_CASES: &[(&str, &str, &str)] = &[
    ("we had a little bit of progress", "cooperation", "cooperative"),
    ("the atmosphere between the two great powers has grown frosty", "cooperation", "adversarial"),
    ("The U.S. accuses Russia of bombing the convoy", "accusation", "accusation"),
    ("The Russians deny any involvement", "accusation", "denial"),
    ("Russia will not accede to Kerry", "cooperation", "adversarial"),
    ("the cease-fire was supposed to lead to cooperation", "cooperation", "cooperative"),
];

#[test]
fn seed_article_key_sentences() {
    let text = std::fs::read_to_string(shared().join("seed/article.txt")).expect("seed article in ../shared");
    let predictor = shipped();
    let sentences = predictor.predict_article(&text);
    for (needle, task, expected) in SEED_CASES {
        let sentence =
            sentences.iter().find(|s| s.text.contains(needle)).unwrap_or_else(|| panic!("no sentence with {needle:?}"));
        let got = sentence.predictions.iter().find(|p| p.task == *task).expect("task present");
        assert_eq!(&got.label, expected, "{task} of {:?}: {:?}", sentence.text, got.probabilities);
    }
}

/// Our real news rebuilt from its spans, as scripts/build-models.sh rebuilds it: one
/// split, or both (`None`, what the shipped models are trained on).
fn corpus(split: Option<&str>) -> PathBuf {
    // Each call its own file: tests run at once, and each removes its file when done.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = split.unwrap_or("train_dev");
    let out = std::env::temp_dir().join(format!("stancekit-news-{name}-{}-{call}.csv", std::process::id()));
    // Sorted as the shell glob in scripts/build-models.sh sorts them: row order matters.
    let mut spans: Vec<String> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/news"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".csv"))
        .collect();
    spans.sort();
    let mut args = vec!["corpus", "--out", out.to_str().unwrap()];
    if let Some(split) = split {
        args.extend(["--split", split]);
    }
    args.push("--spans");
    args.extend(spans.iter().map(String::as_str));
    let r = run(&args);
    assert_eq!(r.status, 0, "{}", r.stderr);
    out
}

/// The shipped model of `task`, retrained by the command recorded in it with the real
/// news of `news` in place of the build's train + dev corpus, written to `out`.
fn retrain_shipped(task: &str, news: &Path, out: &Path) -> ModelFile {
    let shipped = ModelFile::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("models/{task}.json"))).unwrap();
    let mut args: Vec<String> = shipped.provenance.command.clone();
    let data_at =
        args.iter().position(|a| a == "target/data/news_train_dev.csv").expect("built from the train + dev corpus");
    args[data_at] = news.display().to_string();
    let out_at = args.iter().position(|a| a == "--out").expect("--out recorded") + 1;
    args[out_at] = out.display().to_string();
    let r = run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.status, 0, "{}", r.stderr);
    ModelFile::load(out).unwrap()
}

/// The held-out models: the shipped models' recipe trained on the train split only, as
/// scripts/build-models.sh builds them into target/holdout/ to score them on dev. Built
/// once for all the tests that need them (three fits of about 8 s), in Cargo's scratch
/// directory for tests, where each run overwrites the last.
fn holdout_models() -> &'static [(&'static str, PathBuf)] {
    static MODELS: std::sync::OnceLock<Vec<(&'static str, PathBuf)>> = std::sync::OnceLock::new();
    MODELS.get_or_init(|| {
        let train = corpus(Some("train"));
        let models = ["cooperation", "accusation", "sentiment"]
            .into_iter()
            .map(|task| {
                let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("holdout-{task}.json"));
                retrain_shipped(task, &train, &out);
                (task, out)
            })
            .collect();
        let _ = std::fs::remove_file(train);
        models
    })
}

/// `eval --model MODEL --data DATA --label-column TASK`: its metrics row.
fn metrics(model: &Path, task: &str, data: &Path) -> serde_json::Value {
    let (model, data) = (model.to_str().unwrap(), data.to_str().unwrap());
    let r = run(&["eval", "--model", model, "--data", data, "--label-column", task, "--format", "json"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap()
}

fn macro_f1(args: &[&str]) -> f64 {
    let r = run(args);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let metrics: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    metrics["macro_f1"].as_f64().unwrap()
}

/// Floors set a little below the figures measured by `scripts/build-models.sh` (its
/// held-out models, trained without dev) and recorded in models/README.md, so noise in a
/// rebuild does not fail the suite but a real regression does.
/// Measured 2026-11-26 22:00 (after labelling round 9, 4,431 dev sentences): 0.704 / 0.687 / 0.666.
const DEV_FLOORS: &[(&str, f64)] = &[("cooperation", 0.69), ("accusation", 0.675), ("sentiment", 0.65)];

#[test]
fn dev_macro_f1_floors() {
    let dev = corpus(Some("dev"));
    for ((task, floor), (model_task, model)) in DEV_FLOORS.iter().zip(holdout_models()) {
        assert_eq!(task, model_task);
        let f1 = metrics(model, task, &dev)["macro_f1"].as_f64().unwrap();
        assert!(f1 >= *floor, "{task} dev macro-F1 {f1:.4} below floor {floor}");
    }
    let _ = std::fs::remove_file(dev);
}

/// Calibrated probabilities mean what they say on news the models never saw (the
/// held-out models; the shipped ones have seen dev): over the
/// dev sentences, each class's mean probability is close to its share of the labels,
/// and the expected calibration error is small. Measured 2026-11-26 22:10 (models/README.md):
/// largest gap 0.018 (sentiment neutral), ECE 0.017 / 0.007 / 0.022; trained the same
/// way with `--calibration-folds 0` they missed by up to 0.068 (accusation `none`: 0.804
/// against 0.872), and sentiment's ECE was 0.062.
#[test]
fn held_out_probabilities_match_dev_frequencies() {
    let dev = corpus(Some("dev"));
    let mut args = vec!["predict", dev.to_str().unwrap(), "--format", "json"];
    for (_, model) in holdout_models() {
        args.extend(["--model", model.to_str().unwrap()]);
    }
    let r = run(&args);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let rows: Vec<serde_json::Value> = r.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let truth = std::fs::read_to_string(&dev).unwrap();
    let mut reader = csv::Reader::from_reader(truth.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let gold: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), gold.len());
    for (task, model) in holdout_models() {
        let task = *task;
        let column = headers.iter().position(|h| h == task).unwrap();
        let labels: Vec<String> =
            rows[0]["predictions"][task]["probabilities"].as_object().unwrap().keys().cloned().collect();
        for label in &labels {
            let mean_p =
                rows.iter().map(|r| r["predictions"][task]["probabilities"][label].as_f64().unwrap()).sum::<f64>()
                    / rows.len() as f64;
            let share = gold.iter().filter(|g| &g[column] == label).count() as f64 / gold.len() as f64;
            assert!((mean_p - share).abs() < 0.03, "{task} {label}: mean probability {mean_p:.3}, share {share:.3}");
        }
        let ece = metrics(model, task, &dev)["ece"].as_f64().unwrap();
        assert!(ece < 0.035, "{task} dev ECE {ece:.4}");
    }
    let _ = std::fs::remove_file(dev);
}

#[test]
fn financial_phrasebank_sentiment_floor() {
    // Never trained on; agreement == 100 rows only. Measured 0.690 (models/README.md; 0.675
    // before the refit on train + dev).
    let data = shared().join("datasets/financial_phrasebank/financial_phrasebank.csv");
    let f1 = macro_f1(&[
        "eval",
        "--model",
        "models/sentiment.json",
        "--data",
        data.to_str().unwrap(),
        "--filter",
        "agreement=100",
        "--format",
        "json",
    ]);
    assert!(f1 >= 0.675, "financial phrasebank macro-F1 {f1:.4}");
}

#[test]
fn predict_without_model_uses_all_three_shipped_models() {
    let r = run(&["predict", "--format", "json", "datasets/samples/article.txt"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let first: serde_json::Value = serde_json::from_str(r.stdout.lines().next().unwrap()).unwrap();
    let tasks: Vec<&String> = first["predictions"].as_object().unwrap().keys().collect();
    assert_eq!(tasks, ["accusation", "cooperation", "sentiment"]);
    assert!(r.stdout.lines().count() >= 8);
}

#[test]
fn shipped_models_rebuild_identically() {
    // Retrain one task exactly as scripts/build-models.sh does and compare everything
    // but the output path recorded in the command.
    let news = corpus(None);
    let shipped =
        ModelFile::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/accusation.json").as_path()).unwrap();
    let out = std::env::temp_dir().join(format!("stancekit-rebuilt-{}.json", std::process::id()));
    let rebuilt = retrain_shipped("accusation", &news, &out);
    assert_eq!(rebuilt.labels, shipped.labels);
    assert!(
        rebuilt.featurizer.vocabulary == shipped.featurizer.vocabulary,
        "vocabularies differ: rebuild with scripts/build-models.sh"
    );
    assert!(rebuilt.classifier == shipped.classifier, "weights differ: rebuild with scripts/build-models.sh");
    assert_eq!(rebuilt.provenance.data_sha256, shipped.provenance.data_sha256);
    let _ = std::fs::remove_file(out);
    let _ = std::fs::remove_file(news);
}

/// The shipped models have seen the dev split (refitted on train + dev); the held-out
/// models that the dev figures measure have not, and are otherwise the same recipe.
#[test]
fn shipped_models_saw_dev_and_held_out_models_did_not() {
    let dev = corpus(Some("dev"));
    let dev_text = std::fs::read_to_string(&dev).unwrap();
    let dev_rows = csv::Reader::from_reader(dev_text.as_bytes()).records().count();
    let train = corpus(Some("train"));
    let train_rows = csv::Reader::from_reader(std::fs::read(&train).unwrap().as_slice()).records().count();
    for (task, model) in holdout_models() {
        let held_out = ModelFile::load(model).unwrap();
        let shipped =
            ModelFile::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("models/{task}.json"))).unwrap();
        assert_eq!(shipped.provenance.n_rows, held_out.provenance.n_rows + dev_rows, "{task}");
        assert!(held_out.provenance.n_rows > train_rows, "{task}: written sentences too");
    }
    let _ = std::fs::remove_file(dev);
    let _ = std::fs::remove_file(train);
}
