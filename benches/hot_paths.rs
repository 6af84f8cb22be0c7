//! Criterion benchmarks of the hot paths of `predict`: tokenizing, featurizing one
//! sentence, labelling one sentence with the three shipped models, and loading them.
//! Run with `cargo bench --bench hot_paths`; criterion compares each run with the last
//! and reports regressions. Whole-process comparisons with the peers are in `bench/`.

use std::path::{Path, PathBuf};

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use stancekit::model::ModelFile;
use stancekit::predict::Predictor;
use stancekit::text::{split_sentences, tokenize};

/// The allocator of the CLI, so that the figures are the CLI's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A sentence in the register of the news the models are for (written for this bench).
const SENTENCE: &str = "The foreign ministry on Tuesday accused the neighbouring government of \
    violating the ceasefire, a charge officials there flatly denied, saying talks would go on.";

fn shipped(task: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("models").join(format!("{task}.json"))
}

fn shipped_paths() -> Vec<PathBuf> {
    ["cooperation", "accusation", "sentiment"].iter().map(|task| shipped(task)).collect()
}

fn hot_paths(c: &mut Criterion) {
    let article = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/samples/article.txt"))
        .expect("sample article");
    let models = ModelFile::load_all(&shipped_paths()).expect("shipped models load");
    let cooperation = models.first().expect("three models").clone();
    let predictor = Predictor::new(models).expect("three tasks");

    let mut group = c.benchmark_group("sentence");
    group.throughput(Throughput::Bytes(SENTENCE.len() as u64));
    group.bench_function("tokenize", |b| b.iter(|| tokenize(black_box(SENTENCE)).len()));
    group.bench_function("featurize (cooperation model)", |b| {
        b.iter(|| cooperation.featurizer.transform_one(black_box(SENTENCE)).0.len())
    });
    group.bench_function("predict (three shipped models)", |b| b.iter(|| predictor.predict_text(black_box(SENTENCE))));
    group.finish();

    let mut group = c.benchmark_group("article");
    group.throughput(Throughput::Bytes(article.len() as u64));
    group.bench_function("split sentences", |b| b.iter(|| split_sentences(black_box(&article)).len()));
    group.bench_function("predict article (three shipped models)", |b| {
        b.iter(|| predictor.predict_article(black_box(&article)).len())
    });
    group.finish();

    let mut group = c.benchmark_group("models");
    group.sample_size(20);
    group.bench_function("load cooperation model", |b| b.iter(|| ModelFile::load(&shipped("cooperation"))));
    // As `predict` loads them: in parallel, their shared featurizer once.
    let paths = shipped_paths();
    group.bench_function("load the three shipped models", |b| b.iter(|| ModelFile::load_all(&paths)));
    // As the CLI loads them: through memory maps, which it may use because its SIGBUS
    // handler names a file cut short while mapped (`stancekit::model::map_model_files`).
    stancekit::model::map_model_files();
    group.bench_function("load the three shipped models, mapped (the CLI)", |b| b.iter(|| ModelFile::load_all(&paths)));
    group.finish();
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
