//! Arbitrary bytes as a model file, and mutations of a real one: a clear error or a
//! model that predicts, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use stancekit::model::ModelFile;

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = ModelFile::from_bytes(data, std::path::Path::new("fuzz.json")) {
        let (i, v) = model.featurizer.transform_one("a test sentence");
        let _ = model.classifier.probabilities(&i, &v);
    }
});
