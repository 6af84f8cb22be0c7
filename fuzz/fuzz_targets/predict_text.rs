//! Arbitrary text through the shipped models: sentence splitting, tokenizing,
//! featurizing, prediction, article summary and actor extraction must never panic.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use stancekit::model::ModelFile;
use stancekit::predict::{summarize, Predictor};

fn predictor() -> &'static Predictor {
    static PREDICTOR: OnceLock<Predictor> = OnceLock::new();
    PREDICTOR.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
        let models = ["cooperation", "accusation", "sentiment"]
            .iter()
            .map(|t| ModelFile::load(&dir.join(format!("{t}.json"))).expect("shipped models present"))
            .collect();
        Predictor::new(models).expect("three tasks").with_explanations(3)
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let p = predictor();
    let sentences = p.predict_article(&text);
    let tasks: Vec<(String, Vec<String>)> = p.models.iter().map(|m| (m.task.clone(), m.labels.clone())).collect();
    let _ = summarize(&sentences, &tasks);
    let _ = p.predict_row(&text);
});
