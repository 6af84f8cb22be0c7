//! stancekit: sentence-level cooperation, accusation and sentiment labels for news.
//!
//! The pipeline, one module a step: text ([`text`]: sentences and tokens with byte
//! offsets) -> features ([`features`]: tf-idf n-grams with negation marking, plus cue
//! counts from an editable [`lexicon`]) -> model ([`train`]: sparse L2 logistic
//! regression as a linfa estimator, stored by [`model`]) -> predictions ([`predict`]:
//! labels, probabilities, explanations, article summaries, and who accuses whom from
//! [`actors`]) -> reports ([`report`], [`html`]). [`input`] reads files, [`eval`]
//! measures, [`pipeline`] ties training and cross-validation together.
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
mod stems;
pub mod text;
pub mod train;
pub mod vocabulary;
pub mod word_classes;
