//! The keyword rule: the floor every trained model must beat. Input: a lexicon, a
//! task's labels and texts. Output: for each text, the label whose lexicon category has
//! the largest cue sum, or the label with no category (`neutral`, `none`) when no cue
//! of the task's categories is found.

use crate::error::{Error, Result};
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
    /// [`Error::InvalidParams`] when no label is the name of a lexicon category: the
    /// rule would give every text the same label (`yes`/`no` labels against the
    /// cooperation lexicon).
    pub fn new(lexicon: Lexicon, labels: &[String]) -> Result<KeywordRule> {
        let params =
            FeatureParams { ngram_min: 1, ngram_max: 1, min_df: 1, cue_ngrams: false, ..FeatureParams::default() };
        let empty: [&str; 0] = [];
        let featurizer = params.fit(&empty, Some(lexicon))?;
        let label_category: Vec<Option<usize>> =
            labels.iter().map(|l| featurizer.categories.iter().position(|c| c == l)).collect();
        if label_category.iter().all(Option::is_none) {
            return Err(Error::InvalidParams {
                name: "--keyword-rule".into(),
                reason: format!(
                    "no label ({}) is a category of the lexicon ({}), so every row would get '{}' (label the rows \
                     with the lexicon's categories, or give a lexicon for these labels)",
                    labels.join(", "),
                    featurizer.categories.join(", "),
                    labels.first().map_or("", String::as_str)
                ),
            });
        }
        let fallback = label_category.iter().position(Option::is_none).unwrap_or(0);
        Ok(KeywordRule { featurizer, label_category, fallback })
    }

    /// The labels without a lexicon category that the rule never gives: all but the
    /// first such label, which is its answer when no cue is found.
    pub fn unreachable_labels<'a>(&self, labels: &'a [String]) -> Vec<&'a str> {
        let without = self.label_category.iter().zip(labels).filter(|(c, _)| c.is_none());
        without.skip(1).map(|(_, l)| l.as_str()).collect()
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
        assert!(rule.unreachable_labels(&labels).is_empty());
    }

    #[test]
    fn refuses_labels_that_name_no_category() {
        let lexicon = Lexicon {
            cues: vec![Cue { term: "accused".into(), category: "accusation".into(), weight: 1.0 }],
            ..Lexicon::default()
        };
        let labels: Vec<String> = ["no", "yes"].iter().map(|s| s.to_string()).collect();
        let error = KeywordRule::new(lexicon.clone(), &labels).err().map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "invalid --keyword-rule: no label (no, yes) is a category of the lexicon (accusation), so every row \
                 would get 'no' (label the rows with the lexicon's categories, or give a lexicon for these labels)"
            )
        );
        // One label with a category: the first without one is the fallback, the others unreachable.
        let labels: Vec<String> = ["accusation", "none", "other"].iter().map(|s| s.to_string()).collect();
        let rule = KeywordRule::new(lexicon, &labels).unwrap();
        assert_eq!(rule.unreachable_labels(&labels), ["other"]);
    }
}
