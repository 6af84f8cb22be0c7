//! The library used as the crate docs show it, from outside the crate: a model trained
//! with `Default::default()` for its provenance still says which stancekit trained it,
//! and `inspect` does not print fields the caller never gave as if they were empty.

use stancekit::features::FeatureParams;
use stancekit::pipeline::{train_model, Examples, TrainOptions};
use stancekit::report::{write_inspection, Format};

#[test]
fn a_model_trained_through_the_library_records_its_version_and_inspects_cleanly() {
    let texts: Vec<String> = ["talks made progress", "the deal was signed", "they traded threats", "talks collapsed"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let labels: Vec<String> = ["coop", "coop", "adv", "adv"].iter().map(|s| s.to_string()).collect();
    let examples = Examples::new(&texts, &labels, std::path::Path::new("example")).unwrap();
    let options =
        TrainOptions { features: FeatureParams { min_df: 1, ..FeatureParams::default() }, ..TrainOptions::default() };
    let model = train_model(&examples, &options, "cooperation", Default::default()).unwrap();
    assert_eq!(model.provenance.crate_version, env!("CARGO_PKG_VERSION"));

    let mut out = Vec::new();
    write_inspection(&mut out, Format::Text, "m.json", &model, 3).unwrap();
    let text = String::from_utf8(out).unwrap();
    let line = |key: &str| text.lines().find(|l| l.starts_with(key)).unwrap_or_default().to_string();
    assert_eq!(line("trained on"), "trained on 4 rows (data files not recorded)");
    assert_eq!(line("seed"), format!("seed       42   stancekit {}", env!("CARGO_PKG_VERSION")));
    assert_eq!(line("command"), "command    (not recorded)");
}
