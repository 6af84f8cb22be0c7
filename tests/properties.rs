//! Property tests: no panic on arbitrary text, sentence spans in order and covering
//! every non-space character, deterministic features, model round trips.

use proptest::prelude::*;
use stancekit::features::FeatureParams;
use stancekit::model::{ModelFile, Provenance};
use stancekit::pipeline::{predict_classes, train_model, Examples, TrainOptions};
use stancekit::text::{split_sentences, tokenize};

fn news_like() -> impl Strategy<Value = String> {
    // Words, abbreviations, quotes, numbers, newlines and arbitrary Unicode mixed.
    let piece = prop_oneof![
        "[A-Za-z]{1,8}",
        Just("U.S.".to_string()),
        Just("Mr.".to_string()),
        Just("\u{201C}".to_string()),
        Just("\u{201D}".to_string()),
        Just("1.5".to_string()),
        Just(". ".to_string()),
        Just("?! ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("don't".to_string()),
        "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.join(" "))
}

proptest! {
    #[test]
    fn sentences_cover_text_in_order(text in news_like()) {
        let spans = split_sentences(&text);
        let mut covered = vec![false; text.len()];
        let mut previous_end = 0;
        for s in &spans {
            prop_assert!(s.start >= previous_end && s.start < s.end && s.end <= text.len());
            prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            let slice = &text[s.start..s.end];
            prop_assert_eq!(slice.trim(), slice);
            covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
            previous_end = s.end;
        }
        for (i, c) in text.char_indices() {
            if !c.is_whitespace() {
                prop_assert!(covered[i], "char {:?} at {} not in any sentence", c, i);
            }
        }
    }

    #[test]
    fn tokens_slice_back_into_text(text in "\\PC{0,200}") {
        for t in tokenize(&text) {
            prop_assert!(t.start < t.end && t.end <= text.len());
            prop_assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        }
    }

    #[test]
    fn featurizing_is_deterministic(texts in prop::collection::vec(news_like(), 1..8)) {
        let f = FeatureParams { min_df: 1, ..FeatureParams::default() }.fit(&texts, None).unwrap();
        let g = FeatureParams { min_df: 1, ..FeatureParams::default() }.fit(&texts, None).unwrap();
        prop_assert_eq!(&f.vocabulary, &g.vocabulary);
        for t in &texts {
            prop_assert_eq!(f.transform_one(t), g.transform_one(t));
        }
    }

    #[test]
    fn model_loader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = ModelFile::from_bytes(&bytes, std::path::Path::new("fuzz.json"));
    }
}

#[test]
fn model_round_trip_gives_identical_predictions() {
    let texts: Vec<String> =
        ["good fun film", "a great cast", "bad dull film", "a boring plot", "fun and great", "dull and bad"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let labels: Vec<String> = ["pos", "pos", "neg", "neg", "pos", "neg"].iter().map(|s| s.to_string()).collect();
    let examples = Examples::new(&texts, &labels, std::path::Path::new("t")).unwrap();
    let options =
        TrainOptions { features: FeatureParams { min_df: 1, ..FeatureParams::default() }, ..TrainOptions::default() };
    let model = train_model(&examples, &options, "t", Provenance::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.json");
    model.save(&path).unwrap();
    let loaded = ModelFile::load(&path).unwrap();
    let probe = ["good film", "bad plot", "unknown words only", ""];
    assert_eq!(predict_classes(&model, &probe), predict_classes(&loaded, &probe));
    for text in probe {
        let (i, v) = model.featurizer.transform_one(text);
        let (j, w) = loaded.featurizer.transform_one(text);
        assert_eq!((model.classifier.probabilities(&i, &v)), loaded.classifier.probabilities(&j, &w));
    }
}
