//! Who accuses whom: precision and recall of the source / target extractor on our
//! hand-labelled sentences. `spans.csv` was used while writing the patterns;
//! `heldout.csv` was written afterwards by someone who saw neither, and is the honest
//! figure. Floors sit a little below the measurements in README.md.

use std::path::Path;

use stancekit::actors::{extract_with, Claim, SpanScore};
use stancekit::lexicon::Lexicon;

fn score(file: &str) -> (SpanScore, SpanScore) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lexicon = Lexicon::load(&root.join("datasets/lexicons")).unwrap();
    let matcher = lexicon.matcher();
    let mut reader = csv::Reader::from_path(root.join(file)).unwrap();
    let (mut source, mut target) = (SpanScore::default(), SpanScore::default());
    let mut n = 0;
    for record in reader.records() {
        let r = record.unwrap();
        let claim = match &r[2] {
            "accusation" => Claim::Accusation,
            "denial" => Claim::Denial,
            _ => continue,
        };
        n += 1;
        let actors = extract_with(&r[1], claim, &lexicon, &matcher);
        for span in [&actors.source, &actors.target].into_iter().flatten() {
            assert_eq!(&r[1][span.start..span.end], span.text, "spans slice back");
        }
        source.add(&r[3], &actors.source.map(|s| s.text).unwrap_or_default());
        target.add(&r[4], &actors.target.map(|s| s.text).unwrap_or_default());
    }
    assert!(n >= 100, "{n} accusation and denial sentences in {file}");
    (source, target)
}

/// Precision and recall, both defined: these sets have gold and predicted spans.
fn scores(s: &SpanScore) -> (f64, f64) {
    (s.precision().unwrap(), s.recall().unwrap())
}

#[test]
fn development_set_floors() {
    // Measured (2026-11-27, lexicon of 2,531 cues): source P 0.910 R 0.896, target P 0.871 R 0.783.
    let (s, t) = score("datasets/actors/spans.csv");
    let (s, t) = (scores(&s), scores(&t));
    assert!(s.0 >= 0.86 && s.1 >= 0.86, "source {s:?}");
    assert!(t.0 >= 0.80 && t.1 >= 0.72, "target {t:?}");
}

#[test]
fn heldout_set_floors() {
    // Measured (2026-11-27, lexicon of 2,531 cues): source P 0.859 R 0.859, target P 0.827 R 0.672.
    let (s, t) = score("datasets/actors/heldout.csv");
    let (s, t) = (scores(&s), scores(&t));
    assert!(s.0 >= 0.83 && s.1 >= 0.83, "source {s:?}");
    assert!(t.0 >= 0.74 && t.1 >= 0.60, "target {t:?}");
}
