//! Labelling text with one or more models. Input: an article or a row of text.
//! Output: one [`SentencePrediction`] per sentence (or per row), each with every
//! model's label and class probabilities.

use crate::model::ModelFile;
use crate::text::split_sentences;
use crate::train::argmax;

/// One model's answer for one piece of text.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPrediction {
    /// The model's task name.
    pub task: String,
    /// The most probable label.
    pub label: String,
    /// Every label with its probability, in the model's label order; they sum to 1.
    pub probabilities: Vec<(String, f64)>,
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
}

/// Several models applied together.
#[derive(Debug, Clone)]
pub struct Predictor {
    /// The models, in output order.
    pub models: Vec<ModelFile>,
}

impl Predictor {
    /// A predictor over `models`.
    pub fn new(models: Vec<ModelFile>) -> Predictor {
        Predictor { models }
    }

    /// Every model's prediction for one text.
    pub fn predict_text(&self, text: &str) -> Vec<TaskPrediction> {
        self.models
            .iter()
            .map(|model| {
                let (indices, values) = model.featurizer.transform_one(text);
                let probabilities = model.classifier.probabilities(&indices, &values);
                let best = argmax(probabilities.iter().copied());
                TaskPrediction {
                    task: model.task.clone(),
                    label: model.labels.get(best).cloned().unwrap_or_default(),
                    probabilities: model.labels.iter().cloned().zip(probabilities).collect(),
                }
            })
            .collect()
    }

    /// Splits an article into sentences and labels each.
    pub fn predict_article(&self, text: &str) -> Vec<SentencePrediction> {
        split_sentences(text)
            .into_iter()
            .enumerate()
            .map(|(index, span)| {
                let sentence = &text[span.start..span.end];
                SentencePrediction {
                    index,
                    start: span.start,
                    end: span.end,
                    text: sentence.to_string(),
                    predictions: self.predict_text(sentence),
                }
            })
            .collect()
    }

    /// Labels a row of text whole, as one unit.
    pub fn predict_row(&self, text: &str) -> SentencePrediction {
        SentencePrediction {
            index: 0,
            start: 0,
            end: text.len(),
            text: text.to_string(),
            predictions: self.predict_text(text),
        }
    }
}
