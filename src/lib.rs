//! stancekit: sentence-level cooperation, accusation and sentiment labels for news.
//!
//! The pipeline, one module a step: text ([`text`]: sentences and tokens with byte
//! offsets) -> features ([`features`]: tf-idf n-grams with negation marking, plus cue
//! counts from an editable [`lexicon`]) -> model ([`train`]: sparse L2 logistic
//! regression as a linfa estimator, stored by [`model`]) -> predictions ([`predict`]:
//! labels, probabilities, explanations, article summaries, and who accuses whom from
//! [`actors`]) -> reports ([`report`], [`html`]). [`input`] reads files, [`eval`]
//! measures, [`pipeline`] ties training and cross-validation together, [`shipped`]
//! finds the models and lexicon that ship with the crate.
//!
//! ```
//! use stancekit::features::FeatureParams;
//! use stancekit::pipeline::{predict_classes, train_model, Examples, TrainOptions};
//!
//! let texts: Vec<String> = ["talks made progress", "the deal was signed", "they traded threats", "talks collapsed in anger"]
//!     .iter().map(|s| s.to_string()).collect();
//! let labels: Vec<String> = ["coop", "coop", "adv", "adv"].iter().map(|s| s.to_string()).collect();
//! let examples = Examples::new(&texts, &labels, std::path::Path::new("example")).unwrap();
//! let options = TrainOptions { features: FeatureParams { min_df: 1, ..FeatureParams::default() }, ..TrainOptions::default() };
//! let model = train_model(&examples, &options, "cooperation", Default::default()).unwrap();
//! assert_eq!(model.labels, ["adv", "coop"]);
//! let predicted = predict_classes(&model, &["the deal made progress"]);
//! assert_eq!(model.labels[predicted[0]], "coop");
//! ```
//!
//! Labelling with the shipped models (`models/` of the repository, or the directory
//! `STANCEKIT_MODELS` names: [`shipped::model_paths`]). [`model::ModelFile::load_all`]
//! reads the files in parallel and shares the featurizer they have in common:
//!
//! ```
//! use stancekit::predict::Predictor;
//!
//! let predictor = Predictor::shipped().unwrap();
//! let predictions = predictor.predict_text("The ministry denied any wrongdoing and called the report baseless.");
//! let accusation = &predictions[1];
//! assert_eq!((accusation.task.as_str(), accusation.label.as_str()), ("accusation", "denial"));
//! assert!(accusation.probability("denial") > 0.5);
//! // An article: sentences with byte offsets, each with every task's prediction.
//! let sentences = predictor.predict_article("Talks resumed on Monday. Both sides praised the progress made.");
//! assert_eq!(sentences.len(), 2);
//! assert_eq!(sentences[1].predictions[0].label, "cooperative");
//! ```
#![warn(missing_docs)]
// Input must never panic the library: no unwrap, expect, panic or indexing outside tests.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]
pub mod actors;
pub mod baseline;
pub mod calibration;
pub mod decision;
pub mod error;
pub mod eval;
pub mod features;
pub mod html;
pub mod input;
pub mod lexicon;
pub mod model;
pub mod output;
pub mod packed;
pub mod pipeline;
pub mod predict;
pub mod report;
pub mod shipped;
mod signal_paths;
mod stems;
pub mod text;
mod thread_state;
pub mod train;
pub mod vocabulary;
pub mod word_classes;
