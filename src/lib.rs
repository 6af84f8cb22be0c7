//! stancekit: sentence-level cooperation, accusation and sentiment labels for news.
pub mod actors;
pub mod baseline;
pub mod error;
pub mod eval;
pub mod features;
pub mod html;
pub mod input;
pub mod lexicon;
pub mod model;
pub mod pipeline;
pub mod predict;
pub mod report;
pub mod text;
pub mod train;
