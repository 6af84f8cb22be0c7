//! The keyword rule: the floor every trained model must beat. Input: a lexicon, a
//! task's labels and texts. Output: for each text, the label whose lexicon category has
//! the largest cue sum, or the label with no category (`neutral`, `none`) when no cue
//! of the task's categories is found.

use crate::error::Result;
use crate::features::{FeatureParams, Featurizer};
use crate::lexicon::Lexicon;

/// A keyword classifier over one task's labels.
pub struct KeywordRule {
    featurizer: Featurizer,
    /// For each label, the index of its lexicon category, if it has one.
    label_category: Vec<Option<usize>>,
    /// The label chosen when no cue is found.
    fallback: usize,
}

impl KeywordRule {
    /// Builds the rule for `labels` (class order) from `lexicon`.
    ///
    /// # Errors
    /// None in practice: the fixed unigram settings always pass their check.
    pub fn new(lexicon: Lexicon, labels: &[String]) -> Result<KeywordRule> {
        let params =
            FeatureParams { ngram_min: 1, ngram_max: 1, min_df: 1, cue_ngrams: false, ..FeatureParams::default() };
        let empty: [&str; 0] = [];
        let featurizer = params.fit(&empty, Some(lexicon))?;
        let label_category: Vec<Option<usize>> =
            labels.iter().map(|l| featurizer.categories.iter().position(|c| c == l)).collect();
        let fallback = label_category.iter().position(Option::is_none).unwrap_or(0);
        Ok(KeywordRule { featurizer, label_category, fallback })
    }

    /// The class index the rule gives `text`.
    pub fn predict(&self, text: &str) -> usize {
        let sums = self.featurizer.cue_sums(text);
        let mut best = (self.fallback, 0.0f32);
        for (label, category) in self.label_category.iter().enumerate() {
            if let Some(score) = category.and_then(|c| sums.get(c)) {
                if *score > best.1 {
                    best = (label, *score);
                }
            }
        }
        best.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Cue;

    #[test]
    fn picks_strongest_category_or_fallback() {
        let lexicon = Lexicon {
            cues: vec![
                Cue { term: "accused".into(), category: "accusation".into(), weight: 1.0 },
                Cue { term: "denied".into(), category: "denial".into(), weight: 1.5 },
            ],
            negators: vec!["not".into()],
            ..Lexicon::default()
        };
        let labels: Vec<String> = ["accusation", "denial", "none"].iter().map(|s| s.to_string()).collect();
        let rule = KeywordRule::new(lexicon, &labels).unwrap();
        assert_eq!(rule.predict("They accused him"), 0);
        assert_eq!(rule.predict("He denied that he was accused"), 1);
        assert_eq!(rule.predict("The weather was fine"), 2);
    }
}
