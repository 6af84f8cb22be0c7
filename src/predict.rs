//! Labelling text with one or more models. Input: an article or a row of text.
//! Output: one [`SentencePrediction`] per sentence (or per row), each with every
//! model's label and class probabilities, optionally the features that decided it and,
//! for accusations and denials, who accuses whom; and an [`ArticleSummary`] per article.

use std::sync::Arc;

use crate::actors::{extract_with, Actors, Claim};
use crate::error::{Error, Location, Result};
use crate::features::Featurizer;
use crate::model::ModelFile;
use crate::text::split_sentences;

/// One feature's share of a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The feature's readable name ("accuses russia", "cue:denial").
    pub feature: String,
    /// Its signed contribution to the predicted label's score, relative to the mean
    /// score of all labels: value * (weight of the label - mean weight). Positive
    /// pushes toward the label.
    pub value: f64,
}

/// One model's answer for one piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPrediction {
    /// The model's task name.
    pub task: String,
    /// The model's label: the class of its highest score (the most probable class unless
    /// the model is calibrated; [`crate::train::Classifier::classify`]).
    pub label: String,
    /// Every label with its probability, in the model's label order; they sum to 1.
    pub probabilities: Vec<(String, f64)>,
    /// The features that pushed hardest toward or away from the label, largest magnitude
    /// first: `None` unless explanations were asked for, and empty when the text has no
    /// feature the model knows (so a JSON row still carries its `explanation`).
    pub explanation: Option<Vec<Contribution>>,
}

impl TaskPrediction {
    /// The probability of `label` (0 when the model has no such label).
    pub fn probability(&self, label: &str) -> f64 {
        self.probabilities.iter().find(|(l, _)| l == label).map_or(0.0, |x| x.1)
    }
}

/// Predictions for one sentence (or one row) of an input.
#[derive(Debug, Clone, PartialEq)]
pub struct SentencePrediction {
    /// 0-based index of the sentence within its document.
    pub index: usize,
    /// Byte offset of the sentence in the document's text.
    pub start: usize,
    /// Byte offset one past its end.
    pub end: usize,
    /// The sentence text.
    pub text: String,
    /// One entry per model, in the order the models were given.
    pub predictions: Vec<TaskPrediction>,
    /// Who accuses whom (or who denies), when an `accusation` model labels the
    /// sentence `accusation` or `denial`. Offsets are relative to the sentence.
    pub actors: Option<Actors>,
    /// Whether no model found a word of its own in the text: none of its n-grams but
    /// those of punctuation marks alone, and no cue (a text in another language than the
    /// models', or of words none of their training texts had). Its labels are then the models' leanings alone, not
    /// a reading of the text ([`unknown_text_warning`]).
    pub unknown: bool,
}

impl SentencePrediction {
    /// The prediction of the model for `task`, if one was run.
    pub fn task(&self, task: &str) -> Option<&TaskPrediction> {
        self.predictions.iter().find(|p| p.task == task)
    }
}

/// Several models applied together.
#[derive(Debug, Clone)]
pub struct Predictor {
    /// The models, in output order. Private: the featurizer index below is built from
    /// them, so a model pushed or replaced afterwards would be featurized wrongly or
    /// not at all (build a new `Predictor` instead).
    models: Vec<ModelFile>,
    /// How many features to report per decision; 0 for none.
    pub explain: usize,
    /// The models' distinct featurizers: a text is featurized once for all the models
    /// that have the same one (the shipped models do; see [`ModelFile::load_all`]).
    featurizers: Vec<Arc<Featurizer>>,
    /// Each model's featurizer, as a position in `featurizers`.
    featurizer_of: Vec<usize>,
    /// Index of the `accusation` model, for actor spans.
    accusation: Option<usize>,
}

/// Sentences from which an article's are labelled in parallel: a corpus given as one
/// text file (20 MB, 157,588 sentences) was labelled on one core, where the files of a
/// directory or the lines of a file share both. A news article has a few dozen, labelled
/// faster on one thread than split between two.
pub const PARALLEL_SENTENCES: usize = 256;

/// The task whose labels trigger actor extraction.
pub const ACCUSATION_TASK: &str = "accusation";

/// Refuses two models of one task among models that label together: each model's task
/// keys its predictions ([`SentencePrediction::task`], JSON output, Python's dicts).
///
/// # Errors
/// [`Error::InvalidParams`] naming the first task given twice.
pub fn check_distinct_tasks<'a>(tasks: impl IntoIterator<Item = &'a str>) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    match tasks.into_iter().find(|task| !seen.insert(*task)) {
        None => Ok(()),
        Some(task) => Err(Error::InvalidParams {
            name: "models".into(),
            reason: format!(
                "two models have the task '{task}' (each model's task keys its predictions; train one with another \
                 task)"
            ),
        }),
    }
}

impl Predictor {
    /// A predictor over the shipped models ([`crate::shipped::model_paths`]), as
    /// `stancekit predict` uses without `--model`.
    ///
    /// # Errors
    /// Those of finding the models ([`Error::Shipped`]) and of loading them.
    pub fn shipped() -> Result<Predictor> {
        let paths = crate::shipped::model_paths()?;
        let models = ModelFile::load_all(&paths)?;
        crate::shipped::check_tasks(&paths, models.iter().map(|m| m.task.as_str()))?;
        Predictor::new(models)
    }

    /// A predictor over `models`, each of its own task.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] when two models have one task ([`check_distinct_tasks`]):
    /// they were taken, and [`SentencePrediction::task`] found only the first's
    /// predictions, while JSON output named the task twice. (`predict` names the second
    /// after its file.)
    pub fn new(models: Vec<ModelFile>) -> Result<Predictor> {
        check_distinct_tasks(models.iter().map(|m| m.task.as_str()))?;
        let accusation = models.iter().position(|m| m.task == ACCUSATION_TASK);
        let mut featurizers: Vec<Arc<Featurizer>> = Vec::new();
        let featurizer_of = models
            .iter()
            .map(|model| {
                let same = |f: &Arc<Featurizer>| Arc::ptr_eq(f, &model.featurizer) || f.same_as(&model.featurizer);
                featurizers.iter().position(same).unwrap_or_else(|| {
                    featurizers.push(Arc::clone(&model.featurizer));
                    featurizers.len() - 1
                })
            })
            .collect();
        Ok(Predictor { models, explain: 0, featurizers, featurizer_of, accusation })
    }

    /// The models, in output order (that of [`Predictor::predict_text`]'s predictions).
    pub fn models(&self) -> &[ModelFile] {
        &self.models
    }

    /// The same predictor, reporting the `top` strongest features of each decision.
    pub fn with_explanations(mut self, top: usize) -> Predictor {
        self.explain = top;
        self
    }

    /// Who accuses whom in `sentence`, given the predictions made for it.
    fn actors(&self, sentence: &str, predictions: &[TaskPrediction]) -> Option<Actors> {
        let i = self.accusation?;
        let featurizer = &self.models.get(i)?.featurizer;
        let lexicon = featurizer.lexicon.as_ref()?;
        let claim = match predictions.get(i)?.label.as_str() {
            "accusation" => Claim::Accusation,
            "denial" => Claim::Denial,
            _ => return None,
        };
        Some(extract_with(sentence, claim, lexicon, featurizer.cue_matcher()))
    }

    /// Every model's prediction for one text. Probabilities are returned as computed: a
    /// hand-edited model can make them NaN, which [`check_finite`] refuses, as the CLI does.
    pub fn predict_text(&self, text: &str) -> Vec<TaskPrediction> {
        self.predict_known(text).0
    }

    /// [`Predictor::predict_text`], and whether the text held nothing any model knows
    /// ([`SentencePrediction::unknown`]).
    fn predict_known(&self, text: &str) -> (Vec<TaskPrediction>, bool) {
        let rows: Vec<(Vec<u32>, Vec<f32>)> = self.featurizers.iter().map(|f| f.transform_one(text)).collect();
        let unknown = rows
            .iter()
            .zip(&self.featurizers)
            .all(|((indices, _), featurizer)| featurizer.knows_nothing(indices.iter().map(|&j| j as usize)));
        let predictions = self
            .models
            .iter()
            .zip(&self.featurizer_of)
            .map(|(model, &i)| {
                let (indices, values) = rows.get(i).map_or((&[][..], &[][..]), |(i, v)| (&i[..], &v[..]));
                let (best, probabilities) = model.classifier.classify(indices, values);
                let explanation = (self.explain > 0).then(|| explain(model, indices, values, best, self.explain));
                TaskPrediction {
                    task: model.task.clone(),
                    label: model.labels.get(best).cloned().unwrap_or_default(),
                    probabilities: model.labels.iter().cloned().zip(probabilities).collect(),
                    explanation,
                }
            })
            .collect();
        (predictions, unknown)
    }

    /// Splits an article into sentences and labels each; the sentences of a long one
    /// ([`PARALLEL_SENTENCES`] or more) on every core, in their order.
    pub fn predict_article(&self, text: &str) -> Vec<SentencePrediction> {
        let label = |(index, span): (usize, crate::text::SentenceSpan)| {
            let sentence = text.get(span.start..span.end).unwrap_or_default();
            let (predictions, unknown) = self.predict_known(sentence);
            let actors = self.actors(sentence, &predictions);
            SentencePrediction {
                index,
                start: span.start,
                end: span.end,
                text: sentence.to_string(),
                predictions,
                actors,
                unknown,
            }
        };
        let spans = split_sentences(text);
        if spans.len() >= PARALLEL_SENTENCES {
            use rayon::prelude::*;
            spans.into_par_iter().enumerate().map(label).collect()
        } else {
            spans.into_iter().enumerate().map(label).collect()
        }
    }

    /// Labels a row of text whole, as one unit.
    pub fn predict_row(&self, text: &str) -> SentencePrediction {
        let (predictions, unknown) = self.predict_known(text);
        let actors = self.actors(text, &predictions);
        SentencePrediction { index: 0, start: 0, end: text.len(), text: text.to_string(), predictions, actors, unknown }
    }
}

/// The warning for a run whose texts the models mostly do not know: `unknown` of
/// `total` sentences (or rows) held nothing any model knows ([`SentencePrediction::unknown`]),
/// at least a fifth of them. Such labels are the models' leanings, given with the
/// confidence of those leanings (the shipped models call a Chinese sentence neutral at
/// 0.95), so a run of text in another language would otherwise pass for a reading.
/// A few such sentences in English news ("Ends.", a name alone) are no cause to warn.
/// `shipped`: whether the models are the shipped (English news) ones.
pub fn unknown_text_warning(unknown: usize, total: usize, shipped: bool) -> Option<String> {
    if unknown == 0 || unknown.saturating_mul(5) < total {
        return None;
    }
    let sentences = if total == 1 { "sentence" } else { "sentences" };
    // "1 of 2 sentences holds ...: its labels are", "3 of 3 sentences hold ...: their labels are".
    let (hold, their) = if unknown == 1 { ("holds", "its") } else { ("hold", "their") };
    let trained = if shipped {
        "text in another language? the shipped models know English news"
    } else {
        "text in another language, or of another kind, than the models were trained on?"
    };
    Some(format!(
        "{unknown} of {total} {sentences} {hold} no word or cue the models know ({trained}): {their} labels are the \
         models' leanings, not a reading of the text"
    ))
}

/// Refuses predictions whose probabilities are not all finite: a model whose numbers
/// overflow (a hand-edited file) gives infinite scores, and softmax turns those into
/// NaN. Every caller (CLI rows, Python) says so as an error instead of returning NaN.
///
/// # Errors
/// [`Error::NonFiniteScore`] for the first such sentence, at `location`; `is_article`
/// names the sentence by its index, otherwise the text is one row.
pub fn check_finite(sentences: &[SentencePrediction], location: &Location, is_article: bool) -> Result<()> {
    let found = sentences.iter().find_map(|s| {
        s.predictions.iter().find(|p| p.probabilities.iter().any(|(_, v)| !v.is_finite())).map(|p| (s, p))
    });
    let Some((sentence, task)) = found else { return Ok(()) };
    let which = if is_article { format!("sentence {}", sentence.index) } else { "the text".into() };
    Err(Error::NonFiniteScore { location: location.clone(), task: task.task.clone(), which })
}

/// [`check_finite`] for a matrix of probabilities from [`crate::train::Classifier::predict_probabilities`],
/// one row per text; `location` names row `i`.
///
/// # Errors
/// [`Error::NonFiniteScore`] for the first row with a value that is not finite.
pub fn check_finite_rows(
    model: &ModelFile,
    probabilities: &ndarray::Array2<f64>,
    location: impl Fn(usize) -> Location,
) -> Result<()> {
    match probabilities.outer_iter().position(|row| row.iter().any(|v| !v.is_finite())) {
        None => Ok(()),
        Some(i) => {
            Err(Error::NonFiniteScore { location: location(i), task: model.task.clone(), which: "the text".into() })
        }
    }
}

/// The `top` features with the largest contribution to class `label`'s score,
/// relative to the mean over classes (so the shares add up to the label's margin
/// over the average label, intercepts aside).
pub fn explain(model: &ModelFile, indices: &[u32], values: &[f32], label: usize, top: usize) -> Vec<Contribution> {
    let k = model.classifier.weights.len().max(1) as f64;
    let mut contributions: Vec<Contribution> = indices
        .iter()
        .zip(values)
        .filter_map(|(&j, &v)| {
            let j = j as usize;
            let mean =
                model.classifier.weights.iter().map(|row| row.get(j).copied().unwrap_or(0.0) as f64).sum::<f64>() / k;
            let own = model.classifier.weights.get(label)?.get(j).copied()? as f64;
            Some(Contribution { feature: model.featurizer.feature_name(j), value: v as f64 * (own - mean) })
        })
        .collect();
    contributions.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()).then_with(|| a.feature.cmp(&b.feature)));
    contributions.truncate(top);
    contributions
}

/// What an article says as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleSummary {
    /// Sentences labelled.
    pub n_sentences: usize,
    /// For each task: (label, number of sentences with that label), in label order.
    pub counts: Vec<(String, Vec<(String, usize)>)>,
    /// Share of sentences labelled cooperative (when a cooperation model with that
    /// label ran; `None` for a model of task `cooperation` without it).
    pub cooperative_share: Option<f64>,
    /// Share of sentences labelled adversarial (as [`ArticleSummary::cooperative_share`]).
    pub adversarial_share: Option<f64>,
    /// Net tone in [-1, 1]: the mean over sentences of p(cooperative) - p(adversarial)
    /// (`None` unless the cooperation model has both labels).
    /// +1 when every sentence is surely cooperative, -1 when surely adversarial, 0
    /// when balanced or neutral. Probabilities, not labels, so confident sentences
    /// weigh more than doubtful ones.
    pub tone: Option<f64>,
    /// The accusation sentence with the highest p(accusation), if any.
    pub top_accusation: Option<usize>,
    /// The denial sentence with the highest p(denial), if any.
    pub top_denial: Option<usize>,
}

impl ArticleSummary {
    /// "sentence" or "sentences", as [`ArticleSummary::n_sentences`] asks.
    pub fn sentence_noun(&self) -> &'static str {
        if self.n_sentences == 1 {
            "sentence"
        } else {
            "sentences"
        }
    }
}

/// The task of the cooperation model, whose labels define the tone.
pub const COOPERATION_TASK: &str = "cooperation";

/// Summarises an article's sentence predictions.
pub fn summarize(sentences: &[SentencePrediction], tasks: &[(String, Vec<String>)]) -> ArticleSummary {
    let n = sentences.len();
    let counts = tasks
        .iter()
        .map(|(task, labels)| {
            let per_label = labels
                .iter()
                .map(|l| (l.clone(), sentences.iter().filter(|s| s.task(task).is_some_and(|p| &p.label == l)).count()))
                .collect();
            (task.clone(), per_label)
        })
        .collect();
    // A share or the tone is defined only by a cooperation model that has its labels:
    // one trained with labels of its own (`peace` / `conflict`) has no p(cooperative),
    // and used to give every article a tone of 0 and shares of 0.
    let has_label = |label: &str| {
        n > 0 && tasks.iter().any(|(t, labels)| t == COOPERATION_TASK && labels.iter().any(|l| l == label))
    };
    let share = |label: &str| {
        has_label(label).then(|| {
            sentences.iter().filter(|s| s.task(COOPERATION_TASK).is_some_and(|p| p.label == label)).count() as f64
                / n as f64
        })
    };
    let tone = (has_label("cooperative") && has_label("adversarial")).then(|| {
        sentences
            .iter()
            .filter_map(|s| s.task(COOPERATION_TASK))
            .map(|p| p.probability("cooperative") - p.probability("adversarial"))
            .sum::<f64>()
            / n as f64
    });
    let most_confident = |label: &str| {
        sentences
            .iter()
            .filter_map(|s| {
                s.task(ACCUSATION_TASK).filter(|p| p.label == label).map(|p| (s.index, p.probability(label)))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|x| x.0)
    };
    ArticleSummary {
        n_sentences: n,
        counts,
        cooperative_share: share("cooperative"),
        adversarial_share: share("adversarial"),
        tone,
        top_accusation: most_confident("accusation"),
        top_denial: most_confident("denial"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(index: usize, p: f64) -> SentencePrediction {
        let probabilities = vec![("a".to_string(), p), ("b".to_string(), 1.0 - p)];
        let prediction = TaskPrediction { task: "t".into(), label: "a".into(), probabilities, explanation: None };
        SentencePrediction {
            index,
            start: 0,
            end: 1,
            text: "x".into(),
            predictions: vec![prediction],
            actors: None,
            unknown: false,
        }
    }

    #[test]
    fn text_the_models_do_not_know_is_warned_of_from_a_fifth_of_the_sentences() {
        assert_eq!(unknown_text_warning(0, 10, true), None);
        assert_eq!(unknown_text_warning(1, 6, true), None);
        let warning = unknown_text_warning(2, 10, true).unwrap_or_default();
        assert!(warning.starts_with("2 of 10 sentences hold no word or cue the models know (text in another language?"));
        let warning = unknown_text_warning(1, 1, false).unwrap_or_default();
        assert!(warning.starts_with("1 of 1 sentence holds no word"), "{warning}");
        assert!(warning.ends_with("): its labels are the models' leanings, not a reading of the text"), "{warning}");
        assert!(warning.contains("than the models were trained on?"), "{warning}");
        let warning = unknown_text_warning(1, 3, true).unwrap_or_default();
        assert!(warning.starts_with("1 of 3 sentences holds no word") && warning.contains("its labels"), "{warning}");
    }

    #[test]
    fn a_text_of_words_no_model_knows_is_unknown() {
        use crate::pipeline::{train_model, Examples, TrainOptions};
        let texts: Vec<String> =
            ["Talks failed?", "Talks resumed.", "The talks were praised.", "The talks failed again?"]
                .map(String::from)
                .into();
        let labels: Vec<String> = ["bad", "good", "good", "bad"].map(String::from).into();
        let examples = Examples::new(&texts, &labels, std::path::Path::new("toy")).unwrap();
        let features = crate::features::FeatureParams { min_df: 1, ..Default::default() };
        let options = TrainOptions { features, calibration_folds: 0, ..TrainOptions::default() };
        let model = train_model(&examples, &options, "t", crate::model::Provenance::default()).unwrap();
        // Two models of one task: the second's predictions could not be asked for by task.
        let err = Predictor::new(vec![model.clone(), model.clone()]).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid models: two models have the task 't' (each model's task keys its predictions; train one with \
             another task)"
        );
        let predictor = Predictor::new(vec![model]).unwrap();
        assert!(!predictor.predict_row("The talks failed.").unknown);
        assert!(predictor.predict_row("Xyzzy plugh.").unknown);
        let sentences = predictor.predict_article("会谈失败了。Talks failed.");
        assert_eq!(sentences.iter().map(|s| s.unknown).collect::<Vec<_>>(), [true, false]);
        // Punctuation marks are n-gram words, but say nothing of what the text is about.
        assert!(predictor.predict_row("Xyzzy plugh?").unknown);
        // The same count over a matrix of rows, as the Python API takes texts.
        let featurizer = &predictor.models()[0].featurizer;
        let x = featurizer.transform(&["The talks failed.", "Xyzzy plugh?", "会谈失败了。"]);
        assert_eq!(featurizer.unknown_rows(&x), 2);
    }

    #[test]
    fn non_finite_probabilities_are_an_error_naming_the_sentence() {
        let at = Location::file("a.txt").at_line(1);
        assert!(check_finite(&[sentence(0, 0.5), sentence(1, 1.0)], &at, true).is_ok());
        let err = check_finite(&[sentence(0, 0.5), sentence(1, f64::NAN)], &at, true).unwrap_err().to_string();
        assert_eq!(err, "a.txt:1: model 't' gave an infinite or undefined score for sentence 1, so no probabilities (its numbers overflow; retrain it)");
        let err = check_finite(&[sentence(0, f64::INFINITY)], &at, false).unwrap_err().to_string();
        assert!(err.contains("for the text, so no probabilities"), "{err}");
    }
}
