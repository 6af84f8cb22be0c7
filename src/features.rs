//! Sentences to sparse feature rows. Input: texts. Output: CSR rows of bag-of-words
//! n-grams (tf-idf or binary) followed by cue-word columns from a [`Lexicon`].
//!
//! `FeatureParams` (unchecked builder) -> `check` -> `fit` on training texts ->
//! [`Featurizer`] (vocabulary, idf, lexicon), which `transform`s any text the same way
//! and is stored whole in the model file.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use sprs::CsMat;

use crate::error::{Error, Result};
use crate::lexicon::{default_negation_matcher, opposite, CueMatch, CueMatcher, Lexicon};
use crate::stems;
use crate::text::{tokenize_into, Token, TokenKind};
use crate::vocabulary::Vocabulary;
use crate::word_classes::WordClasses;

/// Prefix of a word inside a negation scope ("not_good"). Tokens never hold `_`, so it
/// cannot collide with a real word.
pub const NEGATED_PREFIX: &str = "not_";
/// What a character n-gram's name starts with; no word can (words are letters, digits
/// and joiners), so the two never share a column.
pub const CHAR_PREFIX: &str = "~";
/// The longest character n-gram allowed.
const MAX_CHAR_NGRAM: usize = 8;

/// Largest `cue_scale`. Training accuracy of the accusation model on
/// `datasets/written/diplomacy.csv` with the shipped lexicon stops changing from 100 on
/// (0.9966 from 100 to 1e37); near f32's largest number (2e38) the cue values
/// overflow and the model predicts one third for every class. 1000 leaves a decade
/// of room above where it stops mattering.
pub const MAX_CUE_SCALE: f32 = 1000.0;

/// How n-gram counts become values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Weighting {
    /// Term frequency times smoothed inverse document frequency, row l2-normalised.
    Tfidf,
    /// 1 when present, 0 otherwise, not normalised (as in NBSVM).
    Binary,
}

/// Feature settings: stored in the model file so prediction repeats them exactly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureParams {
    /// Smallest n-gram length. Default 1.
    pub ngram_min: usize,
    /// Largest n-gram length. Default 2 (scikit-learn's common choice for sentences).
    pub ngram_max: usize,
    /// Keep n-grams seen in at least this many training texts. Default 2: an n-gram
    /// seen once rarely generalises, and the fit takes well under half the time of 1
    /// (on mr, 10-fold CV, 2026-11-27: 1.6 s against 4.3 s; accuracy 0.7922 against 0.7963).
    pub min_df: usize,
    /// Keep at most this many n-grams (the most frequent). Default: all.
    pub max_features: Option<usize>,
    /// tf-idf or binary. Default tf-idf.
    pub weighting: Weighting,
    /// Use 1 + ln(tf) instead of tf. Default true.
    pub sublinear_tf: bool,
    /// Mark words after a negator, up to the next punctuation, as negated. Default true.
    pub negation: bool,
    /// Multiplier of the cue-word columns. Default 1.
    pub cue_scale: f32,
    /// Add class-based n-grams for each cue found: its category tag (`#accusation`,
    /// `#not_cooperative` when negated), the tag with the word before and after it
    /// ("the #accusation", "#accusation of"), and where it stands (`#denial@clause1` in
    /// the first clause, `#denial@reported` right after a reporting verb). These let
    /// what is learnt for one cue carry to its synonyms. Default false (the defaults
    /// serve data without a lexicon too); the shipped models use them, as on our news
    /// train split (grouped 5-fold CV at 7,398 sentences) they paid +0.001 to +0.007
    /// macro-F1. Needs a lexicon.
    #[serde(default)]
    pub cue_ngrams: bool,
    /// Scale each n-gram column by how well it tells the classes apart: 1 plus the
    /// largest absolute naive-Bayes log-count ratio of any class against the rest (Wang
    /// and Manning's NBSVM ratio r, one-vs-rest for more than two classes), from the
    /// training rows' presence counts with add-one smoothing. Default true: 10-fold CV
    /// accuracy +0.006 to +0.010 on mr, cr, subj and financial_phrasebank, +0.006 on
    /// emergent's test split, +0.000 on mpqa (with |r| alone, as NBSVM scales). The 1
    /// keeps a column that does not separate the training classes at its tf-idf weight
    /// instead of removing it: over |r| alone, +0.002 mr, -0.001 cr, +0.002 subj,
    /// +0.002 mpqa, +0.002 financial_phrasebank, +0.013 emergent, and on FNC-1's
    /// agree / disagree / discuss (headline and body, official split), where |r| alone
    /// lost to no scaling, accuracy 0.645 -> 0.675 (`bench/README.md`). Model files
    /// hold the scales, so a model trained before the 1 predicts as before; files from
    /// before NB scaling read as false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub nb_scale: bool,
    /// Reduce each word to its Snowball English (Porter 2) stem before n-grams are
    /// formed ("accuses", "accused", "accusing" -> "accus"), so what is learnt for one
    /// form of a word carries to the others. Cues are still matched on the words as
    /// written. Default true: 10-fold CV accuracy +0.013 on mpqa, +0.005 on cr, +0.004
    /// on financial_phrasebank, +0.001 on mr, -0.001 on subj, and +0.008 on emergent's
    /// test split; it costs about a quarter more prediction time. Model files from
    /// before it read as false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub stem: bool,
    /// Add the character n-grams of each word, `[shortest, longest]` characters, the
    /// word padded with `<` and `>` (scikit-learn's `char_wb`): "accusing" gives
    /// `~<ac`, `~acc`, ..., `~ing>`, so spelling variants and unseen forms share
    /// columns. Their block of columns is L2-normalised apart from the word n-grams.
    /// Default off. Model files from before it read as off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub char_ngrams: Option<[usize; 2]>,
    /// Count question marks, exclamation marks and quotation marks as words of the
    /// n-grams (`?`, `!`, `"`), where they stand: a question or a quote often marks a
    /// claim reported rather than made ("Did the mayor lie?"). Cues and negation scope
    /// still see words only. Default true: accuracy +0.025 on emergent's test split,
    /// on the bench's 10 folds +0.003 on cr, +0.001 on subj, -0.001 on mr, none on mpqa
    /// and financial_phrasebank. Model files from before it read as false.
    #[serde(default, skip_serializing_if = "is_false")]
    pub punctuation: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl Default for FeatureParams {
    fn default() -> Self {
        FeatureParams {
            ngram_min: 1,
            ngram_max: 2,
            min_df: 2,
            max_features: None,
            weighting: Weighting::Tfidf,
            sublinear_tf: true,
            negation: true,
            cue_scale: 1.0,
            cue_ngrams: false,
            nb_scale: true,
            stem: true,
            char_ngrams: None,
            punctuation: true,
        }
    }
}

impl FeatureParams {
    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] for an empty or inverted n-gram range, n-grams above 4,
    /// `min_df` 0, `max_features` 0 or a cue scale outside 0 to [`MAX_CUE_SCALE`].
    pub fn check(&self) -> Result<()> {
        let bad = |name: &str, reason: String| Err(Error::InvalidParams { name: name.into(), reason });
        // 0..2 holds n-grams of one and two words: it was called empty.
        if self.ngram_min == 0 {
            return bad("n-gram range", "--ngram-min 0 must be at least 1 (an n-gram has one word or more)".into());
        }
        if self.ngram_min > self.ngram_max {
            return bad(
                "n-gram range",
                format!("{}..{} is empty (use e.g. --ngram-min 1 --ngram-max 2)", self.ngram_min, self.ngram_max),
            );
        }
        if self.ngram_max > 4 {
            return bad("n-gram range", format!("--ngram-max {} is above 4", self.ngram_max));
        }
        if self.min_df == 0 {
            return bad("--min-df", "must be at least 1".into());
        }
        if self.max_features == Some(0) {
            return bad("--max-features", "0 must be at least 1 (leave it out to keep every n-gram)".into());
        }
        if !(self.cue_scale.is_finite() && (0.0..=MAX_CUE_SCALE).contains(&self.cue_scale)) {
            return bad("--cue-scale", format!("{:?} must be a number from 0 to {MAX_CUE_SCALE}", self.cue_scale));
        }
        if let Some([shortest, longest]) = self.char_ngrams {
            if shortest == 0 || shortest > longest || longest > MAX_CHAR_NGRAM {
                return bad(
                    "--char-ngrams",
                    format!("{shortest}-{longest} is not a range within 1-{MAX_CHAR_NGRAM} (use e.g. 3-5)"),
                );
            }
        }
        Ok(())
    }

    /// Refuses the settings of cue columns without a lexicon (`has_lexicon`), which has
    /// the cues: `--cue-ngrams` or a `--cue-scale` other than 1 would be ignored without a
    /// word, and the model trained as if they had not been given.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] naming the setting.
    pub fn check_lexicon(&self, has_lexicon: bool) -> Result<()> {
        let refuse = |flag: &str, what: &str| {
            Err(Error::InvalidParams {
                name: flag.into(),
                reason: format!(
                    "{what} the cues of a lexicon, and no --lexicon is given (give one, e.g. --lexicon \
                     datasets/lexicons, or leave {flag} out)"
                ),
            })
        };
        if !has_lexicon && self.cue_ngrams {
            return refuse("--cue-ngrams", "adds n-grams of");
        }
        if !has_lexicon && self.cue_scale != 1.0 {
            return refuse("--cue-scale", "scales the columns of");
        }
        Ok(())
    }

    /// Learns the vocabulary and idf from `texts` and binds the lexicon.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] as in [`FeatureParams::check`].
    pub fn fit<S: AsRef<str> + Sync>(&self, texts: &[S], lexicon: Option<Lexicon>) -> Result<Featurizer> {
        self.fit_labelled(texts, &[], lexicon)
    }

    /// As [`FeatureParams::fit`], with the class index of each text, which
    /// [`FeatureParams::nb_scale`] needs (without classes it scales nothing).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] as in [`FeatureParams::check`]; when `classes` is neither
    /// empty nor one per text.
    pub fn fit_labelled<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        classes: &[usize],
        lexicon: Option<Lexicon>,
    ) -> Result<Featurizer> {
        let analyzer = self.analyzer(lexicon)?;
        let texts: Vec<&str> = texts.iter().map(AsRef::as_ref).collect();
        let analyzed = analyzer.analyze_all(&texts);
        let analyzed: Vec<&Analysis> = analyzed.iter().collect();
        analyzer.fit_analyzed(&texts, &analyzed, classes)
    }

    /// A featurizer with these settings and lexicon but no vocabulary yet: it analyses
    /// texts ([`Featurizer::analyze_all`]) and fits from the analyses
    /// ([`Featurizer::fit_analyzed`]), so cross-validation reads each text once for all
    /// its folds.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] as in [`FeatureParams::check`].
    pub fn analyzer(&self, lexicon: Option<Lexicon>) -> Result<Featurizer> {
        self.check()?;
        self.check_lexicon(lexicon.is_some())?;
        Ok(Featurizer::empty(self.clone(), lexicon))
    }
}

/// A fitted featurizer: everything needed to turn any text into the model's columns.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Featurizer {
    /// The settings it was fitted with.
    pub params: FeatureParams,
    /// N-grams, one per column, sorted; words joined by a space.
    pub vocabulary: Vocabulary,
    /// Smoothed idf of each n-gram: ln((1 + n) / (1 + df)) + 1, as scikit-learn.
    #[serde(with = "crate::packed")]
    pub idf: Vec<f32>,
    /// The cue lexicon, whole, if one was used.
    pub lexicon: Option<Lexicon>,
    /// Cue categories, one pair of columns each (plain, negated), sorted.
    pub categories: Vec<String>,
    /// Per n-gram column scale from [`FeatureParams::nb_scale`]; empty when off.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "crate::packed")]
    pub nb_weights: Vec<f32>,
    /// Word classes whose n-grams are columns too ([`crate::word_classes`]): the class
    /// of each word that has one (as written, before stems and negation), in n-grams of
    /// the word n-grams' lengths over the sequence of classed words. Model files from
    /// before them have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word_classes: Option<Arc<WordClasses>>,
    /// Column of each n-gram, keyed by [`gram_key`]: a lookup touches one table slot
    /// and compares one integer instead of chasing and comparing a stored string.
    #[serde(skip)]
    index: ColumnIndex,
    /// The first character n-gram column: they come after the word n-grams, so that
    /// each block is normalised on its own.
    #[serde(skip)]
    char_start: u32,
    /// For each cue of the lexicon: its category's position and the opposite
    /// category's, so counting a match needs no string lookup.
    #[serde(skip)]
    cue_slots: Vec<(Option<usize>, Option<usize>)>,
    #[serde(skip)]
    matcher: CueMatcher,
    /// The column of each n-gram number, when fitted from numbered analyses (a
    /// cross-validation fold): their columns are then read from an array.
    #[serde(skip)]
    numbering: Option<Numbering>,
}

/// Columns by n-gram number (see [`GramNames::number`]).
#[derive(Debug, Clone)]
struct Numbering {
    /// The tag of the names that gave the numbers.
    tag: u64,
    /// The column of each number; `u32::MAX` when the n-gram has none.
    columns: Vec<u32>,
}

/// The 64-bit key of one word (XXH3 of its bytes).
pub(crate) fn word_key(word: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(word)
}

/// The key of an n-gram extended by one more word: the two keys mixed by a multiply
/// and xor, then MurmurHash3's 64-bit finaliser, so every bit of both reaches every
/// bit of the result. N-gram keys are built from word keys this way, without ever
/// writing the n-gram out as a string.
fn extend_key(prefix: u64, word: u64) -> u64 {
    let mut x = prefix.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ word;
    x ^= x >> 33;
    x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    x ^= x >> 33;
    x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    x ^ (x >> 33)
}

/// The 64-bit key of an n-gram string (words joined by single spaces): the key the
/// analysis computes from its words. Two vocabulary entries with the same key are
/// refused when the index is built; an unseen n-gram takes a vocabulary entry's
/// column only on a 64-bit collision (about 1 in 10^13 per lookup for a
/// million-entry vocabulary).
fn gram_key(gram: &str) -> u64 {
    let mut words = gram.as_bytes().split(|&b| b == b' ');
    let first = words.next().map_or(0, word_key);
    words.fold(first, |key, word| extend_key(key, word_key(word)))
}

/// The column of each n-gram key, and the first character n-gram column. The keys are
/// hashed in parallel, then inserted into the index's two halves at once ([`ColumnIndex`]).
///
/// # Errors
/// [`Error::InvalidParams`] when two n-grams share a key, or a word n-gram follows the
/// character n-grams.
fn column_index(vocabulary: &Vocabulary) -> Result<(ColumnIndex, u32)> {
    let keys: Vec<u64> =
        (0..vocabulary.len()).into_par_iter().map(|i| gram_key(vocabulary.get(i).unwrap_or_default())).collect();
    let index = ColumnIndex::of_keys(&keys).map_err(|(other, column)| {
        let gram = vocabulary.get(column).unwrap_or_default();
        let other = vocabulary.get(other).unwrap_or_default();
        Error::InvalidParams {
            name: "featurizer".into(),
            reason: format!("n-grams {other:?} and {gram:?} share a 64-bit hash (or repeat); drop one"),
        }
    })?;
    let char_start = vocabulary.iter().position(is_char_gram).unwrap_or(vocabulary.len());
    if !vocabulary.iter().skip(char_start).all(is_char_gram) {
        return Err(Error::InvalidParams {
            name: "featurizer".into(),
            reason: "a word n-gram follows the character n-grams in the vocabulary".into(),
        });
    }
    Ok((index, char_start as u32))
}

/// The column of each n-gram key, in two tables by the key's top bit: a load fills them
/// on two cores at once (filling one table was a fifth of a one-sentence `predict`).
#[derive(Debug, Clone, Default)]
struct ColumnIndex {
    halves: [FxHashMap<u64, u32>; 2],
}

impl ColumnIndex {
    /// The index of `keys`, key `i` giving column `i`; the two columns of the first key
    /// (by its later column) given twice otherwise.
    fn of_keys(keys: &[u64]) -> std::result::Result<ColumnIndex, (usize, usize)> {
        let half = |top: u64| {
            let mut table = FxHashMap::default();
            table.reserve(keys.len() / 2 + 16);
            for (column, &key) in keys.iter().enumerate().filter(|(_, &key)| key >> 63 == top) {
                if let Some(earlier) = table.insert(key, column as u32) {
                    return Err((earlier as usize, column));
                }
            }
            Ok(table)
        };
        match rayon::join(|| half(0), || half(1)) {
            (Ok(low), Ok(high)) => Ok(ColumnIndex { halves: [low, high] }),
            (Err(low), Err(high)) => Err(if low.1 <= high.1 { low } else { high }),
            (Err(repeat), _) | (_, Err(repeat)) => Err(repeat),
        }
    }

    /// The column of `key`, if it has one.
    #[inline]
    fn get(&self, key: u64) -> Option<u32> {
        self.halves.get((key >> 63) as usize)?.get(&key).copied()
    }
}

/// Whether a vocabulary entry is a character n-gram (see [`CHAR_PREFIX`]).
fn is_char_gram(gram: &str) -> bool {
    gram.starts_with(CHAR_PREFIX)
}

/// The matcher of a lexicon's cues and negators; without a lexicon, of the default negators.
fn matcher_of(lexicon: Option<&Lexicon>) -> CueMatcher {
    lexicon.map(Lexicon::matcher).unwrap_or_else(default_negation_matcher)
}

/// Where a word as the n-grams see it is written.
#[derive(Clone, Copy)]
enum WordPlace {
    /// In the text, as tokenized.
    Surface,
    /// In the analysis's own scratch string (a negated word).
    Arena(usize, usize),
    /// In the stem cache.
    Cache((u32, u32)),
}

/// `items` (a sentence's words, or their keys) with the punctuation `marks` (each after
/// the number of words it follows) put in their places, each mark as `of_mark` makes it,
/// into `out` (cleared first).
fn interleave<'a, T: Copy>(items: &[T], marks: &[(usize, &'a str)], of_mark: impl Fn(&'a str) -> T, out: &mut Vec<T>) {
    out.clear();
    out.reserve(items.len() + marks.len());
    let mut marks = marks.iter().peekable();
    for i in 0..=items.len() {
        while let Some(&(_, mark)) = marks.next_if(|(position, _)| *position == i) {
            out.push(of_mark(mark));
        }
        if let Some(&item) = items.get(i) {
            out.push(item);
        }
    }
}

/// Hands `on_gram` the character n-grams of each word (see
/// [`FeatureParams::char_ngrams`]), each named and keyed as one word.
fn char_grams(words: &[&str], [shortest, longest]: [usize; 2], on_gram: &mut dyn FnMut(u64, &[&str])) {
    let mut padded = String::new();
    let mut bounds: Vec<usize> = Vec::new();
    let mut name = String::new();
    for word in words {
        padded.clear();
        padded.push('<');
        padded.push_str(word);
        padded.push('>');
        bounds.clear();
        bounds.extend(padded.char_indices().map(|(i, _)| i));
        bounds.push(padded.len());
        for n in shortest..=longest {
            for (&start, &end) in bounds.iter().zip(bounds.iter().skip(n)) {
                name.clear();
                name.push_str(CHAR_PREFIX);
                name.push_str(padded.get(start..end).unwrap_or_default());
                on_gram(word_key(name.as_bytes()), &[name.as_str()]);
            }
        }
    }
}

/// Hands `on_gram` every n-gram of the words keyed `keys`, `shortest` to `longest` words
/// long, with its words when `words` holds them (naming n-grams) and none when it is
/// empty (counting them): word n-grams, and n-grams of the words' classes.
fn ngrams(words: &[&str], keys: &[u64], [shortest, longest]: [usize; 2], on_gram: &mut dyn FnMut(u64, &[&str])) {
    for n in shortest..=longest {
        for (start, window) in keys.windows(n).enumerate() {
            if let Some((&first, rest)) = window.split_first() {
                let named = words.get(start..start + n).unwrap_or_default();
                on_gram(rest.iter().fold(first, |key, &word| extend_key(key, word)), named);
            }
        }
    }
}

/// Buffers one thread's analyses reuse, so a sentence allocates none of them once they
/// have grown to its size. Lists of borrowed words are kept empty with a `'static`
/// lifetime and [`recycle`]d to each text's.
#[derive(Default)]
struct Scratch {
    /// The text lower-cased, when it is ASCII.
    lowered: String,
    tokens: Vec<Token<'static>>,
    words: Vec<&'static str>,
    marks: Vec<(usize, &'static str)>,
    boundary_after: Vec<bool>,
    negated: Vec<bool>,
    /// Each word's own key.
    keys: Vec<u64>,
    /// Each word's stem if it was cached.
    stems: Vec<Option<stems::Stem>>,
    /// Each word's key as the n-grams see it (stemmed, negated).
    word_keys: Vec<u64>,
    /// `word_keys` with the punctuation marks' keys in their places.
    gram_keys: Vec<u64>,
}

/// Words a [`Scratch`] keeps room for between texts: a long document's buffers are
/// dropped after it rather than held by the thread for good.
const SCRATCH_WORDS: usize = 1 << 14;

impl Scratch {
    /// Drops buffers grown past [`SCRATCH_WORDS`].
    fn trim(&mut self) {
        if self.tokens.capacity() > SCRATCH_WORDS
            || self.keys.capacity() > SCRATCH_WORDS
            || self.lowered.capacity() > 8 * SCRATCH_WORDS
        {
            *self = Scratch::default();
        }
    }
}

/// An empty list of another element type in the same buffer: `Vec`'s in-place collect
/// reuses the allocation when the two types have one size and alignment (as `&'a str`
/// and `&'static str` do), and no element is converted as the list is empty. Otherwise
/// it is a new empty list.
fn recycle<T, U>(mut list: Vec<T>) -> Vec<U> {
    list.clear();
    list.into_iter().filter_map(|_| None).collect()
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    static LOOKUP: std::cell::RefCell<Lookup> = std::cell::RefCell::new(Lookup::default());
}

/// Runs `f` with this thread's analysis buffers (fresh ones if they are in use further
/// up the stack).
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    crate::thread_state::with_local(&SCRATCH, f)
}

/// The n-gram keys of a text and their columns: [`Featurizer::transform_one`]'s lists.
#[derive(Default)]
struct Lookup {
    keys: Vec<u64>,
    columns: Vec<u32>,
}

/// Runs `f` with this thread's lists of keys and columns (fresh ones if they are in use
/// further up the stack), emptied.
fn with_lookup<R>(f: impl FnOnce(&mut Lookup) -> R) -> R {
    crate::thread_state::with_local(&LOOKUP, |lookup| {
        lookup.keys.clear();
        lookup.columns.clear();
        let result = f(lookup);
        if lookup.keys.capacity() > SCRATCH_WORDS {
            *lookup = Lookup::default();
        }
        result
    })
}

/// N-gram strings by key, written once for many fits on subsets of the same texts
/// ([`Featurizer::name_all`]). Each named n-gram also has a number, its position in
/// vocabulary order, so that fits on subsets of texts [`GramNames::number`]ed with
/// these names count and look up n-grams in arrays instead of hash tables.
#[derive(Debug, Clone, Default)]
pub struct GramNames {
    names: FxHashMap<u64, String>,
    /// The named keys in vocabulary order (word n-grams, then character n-grams, each
    /// sorted by name); an n-gram's number is its position here.
    keys: Vec<u64>,
    /// Tells these names from any others, so numbers are read only with the names
    /// that gave them.
    tag: u64,
}

/// The tag of the next [`GramNames`] (0 is no names).
static NEXT_NAMES_TAG: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl GramNames {
    fn new(names: FxHashMap<u64, String>) -> GramNames {
        let mut keys: Vec<(&str, u64)> = names.iter().map(|(&key, name)| (name.as_str(), key)).collect();
        keys.sort_unstable_by_key(|&(name, _)| (is_char_gram(name), name));
        let keys = keys.into_iter().map(|(_, key)| key).collect();
        let tag = NEXT_NAMES_TAG.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        GramNames { names, keys, tag }
    }

    /// Gives each analysis the numbers of its named n-gram occurrences (sorted, with
    /// repeats), in parallel.
    pub fn number(&self, analyzed: &mut [Analysis]) {
        let numbers: FxHashMap<u64, u32> = self.keys.iter().enumerate().map(|(i, &key)| (key, i as u32)).collect();
        analyzed.par_iter_mut().for_each(|analysis| {
            analysis.numbers = analysis.keys.iter().filter_map(|key| numbers.get(key).copied()).collect();
            analysis.numbers.sort_unstable();
            analysis.numbered_by = self.tag;
        });
    }

    /// Whether every analysis was numbered with these names.
    fn numbered(&self, analyzed: &[&Analysis]) -> bool {
        analyzed.iter().all(|analysis| analysis.numbered_by == self.tag)
    }
}

/// What a text yields before weighting: the key of every n-gram occurrence (filled
/// only by [`Featurizer::analyze_all`]) and its cue-category sums.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    keys: Vec<u64>,
    cue_plain: Vec<f32>,
    cue_negated: Vec<f32>,
    /// The numbers of its named n-gram occurrences, sorted (see [`GramNames::number`]).
    numbers: Vec<u32>,
    /// The tag of the names that numbered it; 0 when not numbered.
    numbered_by: u64,
}

impl Analysis {
    /// Whether the text yields any n-gram (a word, or a punctuation mark when they count).
    pub fn has_ngrams(&self) -> bool {
        !self.keys.is_empty()
    }
}

impl Featurizer {
    fn empty(params: FeatureParams, lexicon: Option<Lexicon>) -> Featurizer {
        let mut featurizer = Featurizer {
            params,
            vocabulary: Vocabulary::default(),
            idf: Vec::new(),
            lexicon,
            categories: Vec::new(),
            nb_weights: Vec::new(),
            word_classes: None,
            index: ColumnIndex::default(),
            char_start: 0,
            cue_slots: Vec::new(),
            matcher: CueMatcher::default(),
            numbering: None,
        };
        featurizer.bind_lexicon();
        featurizer
    }

    /// The same featurizer adding n-grams of these word classes (see
    /// [`Featurizer::word_classes`]).
    pub fn with_word_classes(mut self, word_classes: Option<Arc<WordClasses>>) -> Featurizer {
        self.word_classes = word_classes;
        self
    }

    /// Derives the categories, the per-cue slots and the matcher from the lexicon.
    fn bind_lexicon(&mut self) {
        self.bind_lexicon_with(matcher_of(self.lexicon.as_ref()));
    }

    /// As [`Featurizer::bind_lexicon`], the matcher built already.
    fn bind_lexicon_with(&mut self, matcher: CueMatcher) {
        self.categories = self.lexicon.as_ref().map(Lexicon::categories).unwrap_or_default();
        self.matcher = matcher;
        let position = |category: &str| self.categories.iter().position(|c| c == category);
        self.cue_slots = self
            .lexicon
            .iter()
            .flat_map(|l| &l.cues)
            .map(|cue| (position(&cue.category), opposite(&cue.category).and_then(position)))
            .collect();
    }

    /// Rebuilds the lookup tables after deserialising.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] when the stored parts disagree (vocabulary vs idf).
    pub fn restore(&mut self) -> Result<()> {
        self.params.check()?;
        if !self.nb_weights.is_empty() && self.nb_weights.len() != self.vocabulary.len() {
            return Err(Error::InvalidParams {
                name: "featurizer".into(),
                reason: format!("{} n-grams but {} NB scales", self.vocabulary.len(), self.nb_weights.len()),
            });
        }
        if self.vocabulary.len() != self.idf.len() {
            return Err(Error::InvalidParams {
                name: "featurizer".into(),
                reason: format!("{} n-grams but {} idf values", self.vocabulary.len(), self.idf.len()),
            });
        }
        // Smoothed idf is at least 1 and an NB scale is an absolute log ratio: a value that
        // is negative or not finite can only come from an edited file, and would turn every
        // score into NaN or flip a column's sign.
        for (name, values) in [("idf value", &self.idf), ("NB scale", &self.nb_weights)] {
            if let Some((i, v)) = crate::packed::first_negative_or_not_finite(values) {
                return Err(Error::InvalidParams {
                    name: "featurizer".into(),
                    reason: format!("{name} {v} of n-gram {} must be a finite number >= 0", i + 1),
                });
            }
        }
        if let Some(classes) = self.word_classes.as_mut() {
            Arc::make_mut(classes).restore()?;
        }
        // The two tables are independent, and building them is most of a load after parsing.
        let (matcher, index) = rayon::join(|| matcher_of(self.lexicon.as_ref()), || column_index(&self.vocabulary));
        self.bind_lexicon_with(matcher);
        (self.index, self.char_start) = index?;
        Ok(())
    }

    fn rebuild_index(&mut self) -> Result<()> {
        (self.index, self.char_start) = column_index(&self.vocabulary)?;
        Ok(())
    }

    /// Whether `other` turns every text into the same columns: same settings,
    /// vocabulary, idf, lexicon and scales (the categories and lookup tables follow
    /// from these).
    pub fn same_as(&self, other: &Featurizer) -> bool {
        self.params == other.params
            && self.vocabulary == other.vocabulary
            && self.idf == other.idf
            && self.lexicon == other.lexicon
            && self.nb_weights == other.nb_weights
            && self.word_classes == other.word_classes
    }

    /// The matcher of the lexicon's cues and negators, built once per featurizer.
    pub fn cue_matcher(&self) -> &CueMatcher {
        &self.matcher
    }

    /// Number of n-gram columns.
    pub fn n_ngrams(&self) -> usize {
        self.vocabulary.len()
    }

    /// Total number of columns: n-grams, then two per cue category.
    pub fn n_features(&self) -> usize {
        self.vocabulary.len() + 2 * self.categories.len()
    }

    /// Whether column `index` is an n-gram of punctuation marks alone (`?`, `" !`), which
    /// tells nothing of what a text is about: a text whose only features these are holds
    /// nothing the model knows ([`crate::predict::SentencePrediction::unknown`]).
    pub fn is_mark_gram(&self, index: usize) -> bool {
        self.vocabulary.get(index).is_some_and(|gram| gram.split(' ').all(|word| matches!(word, "?" | "!" | "\"")))
    }

    /// How many rows of `x` (made by this featurizer) hold nothing it knows: no column
    /// but n-grams of punctuation marks alone ([`Featurizer::is_mark_gram`]), as
    /// [`crate::predict::SentencePrediction::unknown`] tells of a sentence.
    pub fn unknown_rows(&self, x: &SparseRows) -> usize {
        x.0.outer_iterator().filter(|row| self.knows_nothing(row.indices().iter().copied())).count()
    }

    /// Whether a text whose columns are `columns` holds nothing this featurizer knows:
    /// none but n-grams of punctuation marks alone ([`Featurizer::is_mark_gram`]).
    pub fn knows_nothing(&self, mut columns: impl Iterator<Item = usize>) -> bool {
        columns.all(|j| self.is_mark_gram(j))
    }

    /// A readable name for column `index` ("not_good", "cue:denial", "cue:denial:negated").
    pub fn feature_name(&self, index: usize) -> String {
        if let Some(g) = self.vocabulary.get(index) {
            return g.to_string();
        }
        let rest = index - self.vocabulary.len();
        match self.categories.get(rest / 2) {
            Some(c) if rest.is_multiple_of(2) => format!("cue:{c}"),
            Some(c) => format!("cue:{c}:negated"),
            None => format!("#{index}"),
        }
    }

    /// Tokenizes `text`, hands every n-gram to `on_gram` as its key and, when `names`, its
    /// words (a cue n-gram as one part), and returns the cue sums when `with_cues`.
    /// Without `names`, word n-grams come with no words (`&[]`), which spares writing
    /// negated words out: prediction needs only the keys.
    fn analyze(&self, text: &str, with_cues: bool, names: bool, on_gram: &mut dyn FnMut(u64, &[&str])) -> Analysis {
        with_scratch(|scratch| self.analyze_with(scratch, text, with_cues, names, on_gram))
    }

    /// [`Featurizer::analyze`] in one thread's reused buffers.
    fn analyze_with(
        &self,
        scratch: &mut Scratch,
        text: &str,
        with_cues: bool,
        names: bool,
        on_gram: &mut dyn FnMut(u64, &[&str]),
    ) -> Analysis {
        // Scraped text's `&#39;` and `&quot;` are read as the characters they stand for.
        let text = crate::text::decode_character_references(text);
        // ASCII text is lower-cased here at once, which gives the tokens the tokenizer
        // would lower-case one word at a time, in a buffer the thread keeps.
        let mut lowered = std::mem::take(&mut scratch.lowered);
        let text = if text.is_ascii() {
            lowered.clear();
            lowered.push_str(&text);
            lowered.make_ascii_lowercase();
            lowered.as_str()
        } else {
            &text
        };
        let mut tokens = recycle(std::mem::take(&mut scratch.tokens));
        tokenize_into(text, &mut tokens);
        let mut words: Vec<&str> = recycle(std::mem::take(&mut scratch.words));
        // Punctuation marks that are n-gram words: (words before it, the mark).
        let mut marks: Vec<(usize, &str)> = recycle(std::mem::take(&mut scratch.marks));
        let Scratch { boundary_after, negated, keys, stems, word_keys, gram_keys, .. } = &mut *scratch;
        boundary_after.clear();
        for t in &tokens {
            match t.kind {
                TokenKind::Word => {
                    words.push(&t.text);
                    boundary_after.push(false);
                }
                TokenKind::Boundary => {
                    if let Some(last) = boundary_after.last_mut() {
                        *last = true;
                    }
                    if self.params.punctuation && matches!(&*t.text, "?" | "!") {
                        marks.push((words.len(), &t.text));
                    }
                }
                TokenKind::Quote if self.params.punctuation => marks.push((words.len(), &t.text)),
                TokenKind::Quote => {}
            }
        }
        keys.clear();
        keys.extend(words.iter().map(|w| word_key(w.as_bytes())));
        self.matcher.negation_scope_keyed(&words, keys, boundary_after, negated);
        // Cue n-grams name the words around a cue as the n-grams see them.
        let spell = names || (self.lexicon.is_some() && self.params.cue_ngrams);
        let analysis = stems::with_cache(|cache| {
            cache.make_room();
            // Each word as the n-grams see it, and its key. When spelt out, a negated
            // word is written into `arena`, a stem lives in the cache, others are borrowed.
            let mut arena = String::new();
            let mut places: Vec<WordPlace> = Vec::with_capacity(if spell { words.len() } else { 0 });
            let mut word_classes: Vec<u32> = Vec::new();
            word_keys.clear();
            // Every cached stem first, in a loop of lookups alone: their table reads are
            // independent, and the processor overlaps them when nothing else sits between.
            stems.clear();
            if self.params.stem {
                stems.extend(keys.iter().map(|&key| cache.cached(key)));
            }
            for (((w, &key), &n), &cached) in
                words.iter().zip(keys.iter()).zip(negated.iter()).zip(stems.iter().chain(std::iter::repeat(&None)))
            {
                if let Some(class) = self.word_classes.as_ref().and_then(|classes| classes.class_of(key)) {
                    word_classes.push(class);
                }
                let stem = match cached {
                    Some(stem) => Some(stem),
                    None if self.params.stem => Some(cache.stem(w, key, |stem| word_key(stem.as_bytes()))),
                    None => None,
                };
                let range = stem.and_then(|stem| stem.range);
                if n && self.params.negation {
                    match stem {
                        // The cache keyed the negated stem when it stemmed the word.
                        Some(stem) if !spell => word_keys.push(stem.negated),
                        _ => {
                            let start = arena.len();
                            arena.push_str(NEGATED_PREFIX);
                            arena.push_str(range.map_or(w, |range| cache.text(range)));
                            word_keys.push(word_key(arena.get(start..).unwrap_or_default().as_bytes()));
                            places.push(WordPlace::Arena(start, arena.len()));
                        }
                    }
                } else {
                    word_keys.push(stem.map_or(key, |stem| stem.key));
                    if spell {
                        places.push(range.map_or(WordPlace::Surface, WordPlace::Cache));
                    }
                }
            }
            let lengths = [self.params.ngram_min, self.params.ngram_max];
            let marked: Vec<&str> = if spell {
                words
                    .iter()
                    .zip(&places)
                    .map(|(w, place)| match *place {
                        WordPlace::Surface => *w,
                        WordPlace::Arena(a, b) => arena.get(a..b).unwrap_or_default(),
                        WordPlace::Cache(range) => cache.text(range),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            if marks.is_empty() {
                ngrams(if names { &marked } else { &[] }, word_keys, lengths, on_gram);
            } else {
                let mut gram_words = Vec::new();
                if names {
                    interleave(&marked, &marks, |mark| mark, &mut gram_words);
                }
                interleave(word_keys, &marks, |mark| word_key(mark.as_bytes()), gram_keys);
                ngrams(&gram_words, gram_keys, lengths, on_gram);
            }
            if let Some(classes) = &self.word_classes {
                let names: Vec<&str> = word_classes.iter().map(|&class| classes.name(class)).collect();
                let keys: Vec<u64> = word_classes.iter().map(|&class| classes.name_key(class)).collect();
                ngrams(&names, &keys, lengths, on_gram);
            }
            self.char_grams_and_cues(&words, &marked, negated, boundary_after, with_cues, on_gram)
        });
        scratch.words = recycle(words);
        scratch.marks = recycle(marks);
        scratch.tokens = recycle(tokens);
        scratch.lowered = lowered;
        scratch.trim();
        analysis
    }

    /// The char n-grams and cue n-grams of a text's words (`marked`: as the n-grams see
    /// them) handed to `on_gram`, and its cue sums when `with_cues`.
    fn char_grams_and_cues(
        &self,
        words: &[&str],
        marked: &[&str],
        negated: &[bool],
        boundary_after: &[bool],
        with_cues: bool,
        on_gram: &mut dyn FnMut(u64, &[&str]),
    ) -> Analysis {
        if let Some(lengths) = self.params.char_ngrams {
            char_grams(words, lengths, on_gram);
        }
        let mut cue_plain = vec![0.0f32; self.categories.len()];
        let mut cue_negated = vec![0.0f32; self.categories.len()];
        if let Some(lexicon) = &self.lexicon {
            let matches = self.matcher.find(lexicon, words, negated);
            if self.params.cue_ngrams {
                let first_boundary = boundary_after.iter().position(|&b| b).unwrap_or(words.len());
                let mut grams = Vec::new();
                for m in &matches {
                    let Some(cue) = lexicon.cues.get(m.cue) else {
                        continue;
                    };
                    push_cue_grams(&mut grams, marked, m, &cue.category, first_boundary, &self.matcher);
                }
                grams.iter().for_each(|g| on_gram(gram_key(g), &[g.as_str()]));
            }
            if with_cues {
                for m in matches {
                    let Some(&(Some(ci), opposite_slot)) = self.cue_slots.get(m.cue) else {
                        continue;
                    };
                    let (Some(plain), Some(negated)) = (cue_plain.get_mut(ci), cue_negated.get_mut(ci)) else {
                        continue;
                    };
                    if m.negated {
                        *negated += m.weight;
                        // "not good" also counts as negative, "no longer cooperating" as adversarial.
                        if let Some(o) = opposite_slot.and_then(|oi| cue_plain.get_mut(oi)) {
                            *o += m.weight;
                        }
                    } else {
                        *plain += m.weight;
                    }
                }
            }
        }
        Analysis { keys: Vec::new(), cue_plain, cue_negated, numbers: Vec::new(), numbered_by: 0 }
    }

    /// Per-category cue sums of one text (negated cues counted for the opposite
    /// category), in [`Featurizer::categories`] order.
    pub fn cue_sums(&self, text: &str) -> Vec<f32> {
        self.analyze(text, true, false, &mut |_, _| {}).cue_plain
    }

    /// The sparse row of one text: sorted column indices and their values.
    pub fn transform_one(&self, text: &str) -> (Vec<u32>, Vec<f32>) {
        with_lookup(|Lookup { keys, columns }| {
            let analysis = self.analyze(text, true, false, &mut |key, _| keys.push(key));
            // The columns in a loop of lookups alone, so their table reads overlap.
            columns.extend(keys.iter().filter_map(|key| self.index.get(*key)));
            self.weigh(columns, &analysis)
        })
    }

    /// Rows for many texts, in parallel, as one CSR matrix.
    pub fn transform<S: AsRef<str> + Sync>(&self, texts: &[S]) -> SparseRows {
        let rows: Vec<(Vec<u32>, Vec<f32>)> = texts.par_iter().map(|t| self.transform_one(t.as_ref())).collect();
        SparseRows::from_rows(rows, self.n_features())
    }

    /// Analyses texts for [`Featurizer::fit_analyzed`] and
    /// [`Featurizer::transform_analyzed`], in parallel. Any featurizer with the same
    /// settings and lexicon gives the same analyses.
    pub fn analyze_all(&self, texts: &[&str]) -> Vec<Analysis> {
        texts
            .par_iter()
            .map(|text| {
                let mut keys = Vec::with_capacity(text.len() / 3);
                let analysis = self.analyze(text, true, false, &mut |key, _| keys.push(key));
                Analysis { keys, ..analysis }
            })
            .collect()
    }

    /// Appends the column of each n-gram occurrence of an analysed text that has one.
    fn columns_of(&self, analysis: &Analysis, columns: &mut Vec<u32>) {
        match &self.numbering {
            Some(numbering) if numbering.tag == analysis.numbered_by => columns.extend(
                analysis
                    .numbers
                    .iter()
                    .filter_map(|&number| numbering.columns.get(number as usize).copied())
                    .filter(|&column| column != u32::MAX),
            ),
            _ => columns.extend(analysis.keys.iter().filter_map(|key| self.index.get(*key))),
        }
    }

    /// Rows of analysed texts: the same rows [`Featurizer::transform`] gives for the texts.
    pub fn transform_analyzed(&self, analyzed: &[&Analysis]) -> SparseRows {
        let rows: Vec<(Vec<u32>, Vec<f32>)> = analyzed
            .par_iter()
            .map(|analysis| {
                let mut columns = Vec::with_capacity(analysis.keys.len());
                self.columns_of(analysis, &mut columns);
                self.weigh(&mut columns, analysis)
            })
            .collect();
        SparseRows::from_rows(rows, self.n_features())
    }

    /// One row from the columns of a text's n-gram occurrences (in any order, a column
    /// once per occurrence) and its cue sums.
    fn weigh(&self, columns: &mut [u32], analysis: &Analysis) -> (Vec<u32>, Vec<f32>) {
        columns.sort_unstable();
        let mut indices = Vec::with_capacity(columns.len() + 2 * self.categories.len());
        let mut values = Vec::with_capacity(indices.capacity());
        // Runs of one column in the sorted list: its term frequency.
        for run in columns.chunk_by(|a, b| a == b) {
            let Some(&col) = run.first() else { continue };
            let tf = run.len() as u32;
            let value = match self.params.weighting {
                Weighting::Binary => 1.0,
                Weighting::Tfidf => {
                    let tf = if self.params.sublinear_tf { 1.0 + (tf as f32).ln() } else { tf as f32 };
                    tf * self.idf.get(col as usize).copied().unwrap_or(1.0)
                }
            };
            let value = value * self.nb_weights.get(col as usize).copied().unwrap_or(1.0);
            indices.push(col);
            values.push(value);
        }
        if self.params.weighting == Weighting::Tfidf {
            let words = indices.partition_point(|&column| column < self.char_start);
            let (word_values, char_values) = values.split_at_mut(words);
            for block in [word_values, char_values] {
                let norm = block.iter().map(|v| v * v).sum::<f32>().sqrt();
                if norm > 0.0 {
                    block.iter_mut().for_each(|v| *v /= norm);
                }
            }
        }
        let base = self.vocabulary.len() as u32;
        for (ci, (&plain, &negated)) in analysis.cue_plain.iter().zip(&analysis.cue_negated).enumerate() {
            for (offset, value) in [(0u32, plain), (1u32, negated)] {
                if value > 0.0 {
                    indices.push(base + 2 * ci as u32 + offset);
                    values.push(self.params.cue_scale * value.ln_1p());
                }
            }
        }
        (indices, values)
    }

    /// Fits the vocabulary, idf and NB scales from texts this unfitted featurizer (see
    /// [`FeatureParams::analyzer`]) has analysed, `analyzed[i]` being `texts[i]`'s.
    /// Document frequencies are counted by key (two n-grams sharing a 64-bit key, odds
    /// of about 1 in 10^7 for a million distinct n-grams, would count as one); only the
    /// n-grams kept are written out as strings, each from the first text holding it.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] when two kept n-grams share a 64-bit key; when
    /// `analyzed` is not one analysis per text, or `classes` neither empty nor one per text.
    pub fn fit_analyzed(&self, texts: &[&str], analyzed: &[&Analysis], classes: &[usize]) -> Result<Featurizer> {
        self.fit_analyzed_named(texts, analyzed, classes, None)
    }

    /// Names of every n-gram in at least `min_df` of `texts` (analysed as `analyzed`):
    /// a superset of what any subset of them keeps, so the folds of a
    /// cross-validation can share one set of names instead of each writing its own.
    pub fn name_all(&self, texts: &[&str], analyzed: &[&Analysis]) -> GramNames {
        GramNames::new(self.name_grams(texts, &self.frequent_keys(analyzed, None)))
    }

    /// As [`Featurizer::fit_analyzed`], taking n-gram names from `names` (see
    /// [`Featurizer::name_all`]) where it has them.
    ///
    /// # Errors
    /// As [`Featurizer::fit_analyzed`].
    pub fn fit_analyzed_named(
        &self,
        texts: &[&str],
        analyzed: &[&Analysis],
        classes: &[usize],
        names: Option<&GramNames>,
    ) -> Result<Featurizer> {
        // Classes for some texts only used to leave the NB scales out without a word, and
        // analyses for some texts only to fit on part of them.
        let per_text = |name: &str, n: usize| {
            Err(Error::InvalidParams {
                name: name.into(),
                reason: format!("{n} for {} texts: one per text is needed", texts.len()),
            })
        };
        if analyzed.len() != texts.len() {
            return per_text("analyses", analyzed.len());
        }
        if !classes.is_empty() && classes.len() != texts.len() {
            return per_text("classes", classes.len());
        }
        let params = &self.params;
        let mut featurizer =
            Featurizer::empty(params.clone(), self.lexicon.clone()).with_word_classes(self.word_classes.clone());
        let numbered = names.filter(|names| names.numbered(analyzed));
        let own;
        // (n-gram, document frequency, its number when numbered).
        let mut kept: Vec<(&str, u32, Option<u32>)> = match (numbered, names) {
            (Some(names), _) => frequent_numbers(analyzed, names.keys.len(), params.min_df)
                .into_iter()
                .filter_map(|(number, n)| {
                    let name = names.keys.get(number as usize).and_then(|key| names.names.get(key))?;
                    Some((name.as_str(), n, Some(number)))
                })
                .collect(),
            (None, names) => {
                // With shared names only named n-grams are counted, so every kept one has a name.
                let frequent = self.frequent_keys(analyzed, names);
                let names = match names {
                    Some(shared) => &shared.names,
                    None => {
                        own = self.name_grams(texts, &frequent);
                        &own
                    }
                };
                frequent.iter().filter_map(|(key, n, _)| names.get(key).map(|name| (name.as_str(), *n, None))).collect()
            }
        };
        if let Some(max) = params.max_features {
            // Most frequent first; ties broken by the n-gram so the choice is stable.
            kept.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            kept.truncate(max);
        }
        // Word n-grams, then character n-grams, each sorted.
        kept.sort_unstable_by_key(|(gram, _, _)| (is_char_gram(gram), *gram));
        if let Some(names) = numbered {
            let mut columns = vec![u32::MAX; names.keys.len()];
            for (column, (_, _, number)) in kept.iter().enumerate() {
                if let Some(slot) = number.and_then(|number| columns.get_mut(number as usize)) {
                    *slot = column as u32;
                }
            }
            featurizer.numbering = Some(Numbering { tag: names.tag, columns });
        }
        let n_docs = texts.len() as f64;
        featurizer.idf = kept.iter().map(|(_, n, _)| ((1.0 + n_docs) / (1.0 + *n as f64)).ln() as f32 + 1.0).collect();
        featurizer.vocabulary = kept.into_iter().map(|(g, _, _)| g).collect();
        featurizer.rebuild_index()?;
        if params.nb_scale && classes.len() == texts.len() {
            featurizer.nb_weights = nb_ratios(&featurizer, analyzed, classes);
        }
        Ok(featurizer)
    }

    /// `(key, document frequency, first document)` of every n-gram in at least
    /// `min_df` of the analysed texts. With `among`, the names of the n-grams frequent
    /// in a superset of these texts, only those are counted: an n-gram rare in the
    /// superset is rare here too, and most n-grams are (a fold then counts a few
    /// thousand n-grams instead of a few hundred thousand).
    fn frequent_keys(&self, analyzed: &[&Analysis], among: Option<&GramNames>) -> Vec<(u64, u32, u32)> {
        let mut df: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
        if let Some(names) = among {
            df.reserve(names.names.len());
        }
        let mut unique: Vec<u64> = Vec::new();
        for (doc, analysis) in analyzed.iter().enumerate() {
            unique.clear();
            match among {
                Some(names) => unique.extend(analysis.keys.iter().filter(|key| names.names.contains_key(key))),
                None => unique.extend_from_slice(&analysis.keys),
            }
            unique.sort_unstable();
            unique.dedup();
            for &key in &unique {
                df.entry(key).or_insert((0, doc as u32)).0 += 1;
            }
        }
        df.into_iter().filter(|(_, (n, _))| *n as usize >= self.params.min_df).map(|(k, (n, d))| (k, n, d)).collect()
    }

    /// The n-gram string of each `(key, df, first document)`, read back from its first
    /// document (the documents in parallel).
    fn name_grams(&self, texts: &[&str], kept: &[(u64, u32, u32)]) -> FxHashMap<u64, String> {
        let mut wanted: FxHashMap<u32, Vec<u64>> = FxHashMap::default();
        for &(key, _, doc) in kept {
            wanted.entry(doc).or_default().push(key);
        }
        let mut docs: Vec<(u32, Vec<u64>)> = wanted.into_iter().collect();
        docs.iter_mut().for_each(|(_, keys)| keys.sort_unstable());
        docs.par_iter()
            .flat_map_iter(|(doc, keys)| {
                let mut named: Vec<(u64, String)> = Vec::with_capacity(keys.len());
                let text = texts.get(*doc as usize).copied().unwrap_or_default();
                self.analyze(text, false, true, &mut |key, words| {
                    if keys.binary_search(&key).is_ok() && !named.iter().any(|(k, _)| *k == key) {
                        named.push((key, words.join(" ")));
                    }
                });
                named
            })
            .collect()
    }
}

/// `(number, document frequency)` of every numbered n-gram (of `n_numbers`) in at
/// least `min_df` of the analysed texts, in number order: [`Featurizer::frequent_keys`]
/// with an array for the hash table.
fn frequent_numbers(analyzed: &[&Analysis], n_numbers: usize, min_df: usize) -> Vec<(u32, u32)> {
    let mut df = vec![0u32; n_numbers];
    for analysis in analyzed {
        // Numbers are sorted, so each distinct one starts a run.
        for run in analysis.numbers.chunk_by(|a, b| a == b) {
            if let Some(n) = run.first().and_then(|&number| df.get_mut(number as usize)) {
                *n += 1;
            }
        }
    }
    df.into_iter().enumerate().filter(|&(_, n)| n as usize >= min_df).map(|(number, n)| (number as u32, n)).collect()
}

/// For each vocabulary column, 1 plus the largest |log-count ratio| of a class against
/// the rest: ln((a + n_c) / |a + n_c|_1) - ln((a + n_rest) / |a + n_rest|_1) with a = 1,
/// where n counts the training texts holding the n-gram (see [`FeatureParams::nb_scale`]
/// for why the 1).
fn nb_ratios(featurizer: &Featurizer, analyzed: &[&Analysis], classes: &[usize]) -> Vec<f32> {
    const SMOOTHING: f64 = 1.0;
    let n_cols = featurizer.vocabulary.len();
    // A row of counts per class present, and one row of zeros standing for every absent
    // class below the largest (they all give the same ratios): a row per index up to the
    // largest failed to allocate for a class index of 2^40, and for `usize::MAX` it
    // wrapped to no row at all, scaling nothing.
    let mut present = classes.to_vec();
    present.sort_unstable();
    present.dedup();
    let any_absent = present.last().is_some_and(|&largest| largest >= present.len());
    let mut counts = vec![vec![0.0f64; n_cols]; present.len() + usize::from(any_absent)];
    let mut columns: Vec<u32> = Vec::new();
    for (doc, &class) in analyzed.iter().zip(classes) {
        columns.clear();
        featurizer.columns_of(doc, &mut columns);
        columns.sort_unstable();
        columns.dedup();
        if let Some(row) = present.binary_search(&class).ok().and_then(|row| counts.get_mut(row)) {
            for &c in &columns {
                if let Some(n) = row.get_mut(c as usize) {
                    *n += 1.0;
                }
            }
        }
    }
    let totals: Vec<f64> =
        (0..n_cols).map(|j| counts.iter().map(|row| row.get(j).copied().unwrap_or(0.0)).sum()).collect();
    let mut weights = vec![0.0f32; n_cols];
    for row in &counts {
        let rest_row: Vec<f64> = totals.iter().zip(row).map(|(t, n)| t - n).collect();
        let norm_class: f64 = row.iter().map(|n| n + SMOOTHING).sum();
        let norm_rest: f64 = rest_row.iter().map(|n| n + SMOOTHING).sum();
        // With two classes both rows give the same |r|; the max keeps it once.
        for ((w, n), rest) in weights.iter_mut().zip(row).zip(&rest_row) {
            let r = ((n + SMOOTHING) / norm_class).ln() - ((rest + SMOOTHING) / norm_rest).ln();
            *w = w.max(r.abs() as f32);
        }
    }
    weights.iter_mut().for_each(|w| *w += 1.0);
    weights
}

/// Words a reporting verb may sit back from a cue and still introduce it
/// ("said on Tuesday it denied"): a short window, our choice, not tuned.
const REPORTING_WINDOW: usize = 4;

/// The class-based n-grams of one cue match (see [`FeatureParams::cue_ngrams`]).
fn push_cue_grams(
    grams: &mut Vec<String>,
    marked: &[&str],
    m: &CueMatch,
    category: &str,
    first_boundary: usize,
    matcher: &CueMatcher,
) {
    let tag = if m.negated { format!("#not_{category}") } else { format!("#{category}") };
    if let Some(prev) = m.first_word.checked_sub(1).and_then(|i| marked.get(i)) {
        grams.push(format!("{prev} {tag}"));
    }
    if let Some(next) = marked.get(m.first_word + m.n_words) {
        grams.push(format!("{tag} {next}"));
    }
    if m.first_word <= first_boundary {
        grams.push(format!("{tag}@clause1"));
    }
    let from = m.first_word.saturating_sub(REPORTING_WINDOW);
    if marked.get(from..m.first_word).is_some_and(|before| before.iter().any(|w| matcher.is_reporting_verb(w))) {
        grams.push(format!("{tag}@reported"));
    }
    grams.push(tag);
}

/// Sparse feature rows (CSR, `f32`), the records type the trainer fits on.
#[derive(Debug, Clone)]
pub struct SparseRows(pub CsMat<f32>);

impl SparseRows {
    /// Builds a CSR matrix from per-row (indices, values), each row's indices sorted,
    /// distinct and below `n_cols`, one value per index: the rows the featurizer makes.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] naming the first row that breaks those rules (sprs would
    /// panic on it).
    pub fn try_from_rows(rows: Vec<(Vec<u32>, Vec<f32>)>, n_cols: usize) -> Result<SparseRows> {
        let bad = |row: usize, reason: String| Error::InvalidParams {
            name: "rows".into(),
            reason: format!("row {row}: {reason}"),
        };
        for (row, (indices, values)) in rows.iter().enumerate() {
            if indices.len() != values.len() {
                return Err(bad(row, format!("{} indices but {} values", indices.len(), values.len())));
            }
            if indices.windows(2).any(|pair| matches!(pair, [a, b] if a >= b)) {
                return Err(bad(row, "its indices are not in increasing order, each once".into()));
            }
            if let Some(&last) = indices.last().filter(|&&last| last as usize >= n_cols) {
                return Err(bad(row, format!("index {last} is not below the {n_cols} columns")));
            }
        }
        Ok(SparseRows::from_rows(rows, n_cols))
    }

    /// [`SparseRows::try_from_rows`] for rows known to keep its rules (those of the
    /// featurizer and the trainer); sprs panics on others.
    pub(crate) fn from_rows(rows: Vec<(Vec<u32>, Vec<f32>)>, n_cols: usize) -> SparseRows {
        let nnz: usize = rows.iter().map(|r| r.0.len()).sum();
        let mut indptr = Vec::with_capacity(rows.len() + 1);
        let mut indices = Vec::with_capacity(nnz);
        let mut data = Vec::with_capacity(nnz);
        indptr.push(0usize);
        for (idx, val) in &rows {
            indices.extend(idx.iter().map(|&i| i as usize));
            data.extend_from_slice(val);
            indptr.push(indices.len());
        }
        SparseRows(CsMat::new((rows.len(), n_cols), indptr, indices, data))
    }

    /// The rows at `picks`, in that order.
    ///
    /// # Errors
    /// [`Error::InvalidParams`] naming the first pick that is not a row: it used to give
    /// an empty row, which a model scores as a text without a word, without a word.
    pub fn select(&self, picks: &[usize]) -> Result<SparseRows> {
        let rows = picks
            .iter()
            .map(|&r| {
                let row = self.0.outer_view(r).ok_or_else(|| Error::InvalidParams {
                    name: "picks".into(),
                    reason: format!("row {r} is not one of the {}", crate::error::counted(self.n_rows(), "row")),
                })?;
                Ok((row.indices().iter().map(|&i| i as u32).collect(), row.data().to_vec()))
            })
            .collect::<Result<_>>()?;
        Ok(SparseRows::from_rows(rows, self.0.cols()))
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.0.rows()
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.0.cols()
    }
}

impl linfa::dataset::Records for SparseRows {
    type Elem = f32;

    fn nsamples(&self) -> usize {
        self.0.rows()
    }

    fn nfeatures(&self) -> usize {
        self.0.cols()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_that_break_csr_rules_are_refused_by_row_not_a_panic() {
        // sprs's CsMat::new panics on such rows; a library caller gets an error naming the row.
        let message = |rows: Vec<(Vec<u32>, Vec<f32>)>| SparseRows::try_from_rows(rows, 3).unwrap_err().to_string();
        let ok = (vec![0, 2], vec![1.0, 0.5]);
        assert_eq!(
            message(vec![ok.clone(), (vec![2, 1], vec![1.0, 1.0])]),
            "invalid rows: row 1: its indices are not in increasing order, each once"
        );
        assert_eq!(
            message(vec![(vec![1, 1], vec![1.0, 1.0])]),
            "invalid rows: row 0: its indices are not in increasing order, each once"
        );
        assert_eq!(message(vec![(vec![3], vec![1.0])]), "invalid rows: row 0: index 3 is not below the 3 columns");
        assert_eq!(
            message(vec![ok.clone(), ok.clone(), (vec![0, 1], vec![1.0])]),
            "invalid rows: row 2: 2 indices but 1 values"
        );
        let x = SparseRows::try_from_rows(vec![ok, (vec![], vec![])], 3).unwrap();
        assert_eq!((x.0.rows(), x.0.cols(), x.0.nnz()), (2, 3, 2));
        // A pick past the rows was an empty row, scored as a text without a word.
        assert_eq!(x.select(&[0, 2]).unwrap_err().to_string(), "invalid picks: row 2 is not one of the 2 rows");
        let picked = x.select(&[1, 0, 0]).unwrap();
        assert_eq!((picked.n_rows(), picked.0.nnz()), (3, 4));
    }

    #[test]
    fn tfidf_matches_scikit_learn_by_hand() {
        // Two docs: "a b" and "a c", unigrams. idf(a) = ln(3/3)+1 = 1, idf(b) = idf(c) = ln(3/2)+1.
        // Row 0 = [1, 1.405465] / norm -> a = 1/sqrt(1 + 1.405465^2) = 0.579739.
        let params = FeatureParams { min_df: 1, ngram_max: 1, negation: false, ..FeatureParams::default() };
        let f = params.fit(&["a b", "a c"], None).unwrap();
        assert_eq!(f.vocabulary, ["a", "b", "c"]);
        let (idx, val) = f.transform_one("a b");
        assert_eq!(idx, [0, 1]);
        assert!((val[0] - 0.579739).abs() < 1e-5, "{val:?}");
        assert!((val[1] - 0.814802).abs() < 1e-5, "{val:?}");
    }

    #[test]
    fn negation_marks_words_until_punctuation() {
        let params =
            FeatureParams { min_df: 1, ngram_max: 1, weighting: Weighting::Binary, ..FeatureParams::default() };
        let f = params.fit(&["it is not good, fine"], None).unwrap();
        assert_eq!(f.vocabulary, ["fine", "is", "it", "not", "not_good"]);
    }

    #[test]
    fn min_df_and_max_features_prune() {
        let params = FeatureParams { ngram_max: 1, min_df: 2, ..FeatureParams::default() };
        let f = params.fit(&["a b c", "a b", "a"], None).unwrap();
        assert_eq!(f.vocabulary, ["a", "b"]);
        let params = FeatureParams { ngram_max: 1, max_features: Some(1), ..FeatureParams::default() };
        let f = params.fit(&["a b c", "a b", "a"], None).unwrap();
        assert_eq!(f.vocabulary, ["a"]);
    }

    #[test]
    fn negated_cue_flips_to_opposite() {
        let lexicon = Lexicon {
            cues: vec![
                crate::lexicon::Cue { term: "good".into(), category: "positive".into(), weight: 1.0 },
                crate::lexicon::Cue { term: "bad".into(), category: "negative".into(), weight: 1.0 },
            ],
            negators: vec!["not".into()],
            ..Lexicon::default()
        };
        let params = FeatureParams { ngram_max: 1, ..FeatureParams::default() };
        let f = params.fit(&["x"], Some(lexicon)).unwrap();
        assert_eq!(f.categories, ["negative", "positive"]);
        // "not good": negative gets ln(2), positive:negated gets ln(2); no plain positive.
        let (idx, val) = f.transform_one("not good");
        let base = f.n_ngrams() as u32;
        assert_eq!(idx, [base, base + 3]);
        assert!((val[0] - 2f32.ln()).abs() < 1e-6);
        assert_eq!(f.feature_name(base as usize + 3), "cue:positive:negated");
    }

    /// A lexicon of one cue, with "not" as its negator.
    fn one_cue_lexicon(term: &str, category: &str) -> Lexicon {
        Lexicon {
            cues: vec![crate::lexicon::Cue { term: term.into(), category: category.into(), weight: 1.0 }],
            negators: vec!["not".into()],
            ..Lexicon::default()
        }
    }

    /// The n-gram keys and cue sums of `text`, with or without spelling the words out.
    fn keys_of(f: &Featurizer, text: &str, names: bool) -> (Vec<u64>, Vec<f32>, Vec<f32>) {
        let mut keys = Vec::new();
        let analysis = f.analyze(text, true, names, &mut |key, _| keys.push(key));
        (keys, analysis.cue_plain, analysis.cue_negated)
    }

    proptest::proptest! {
        /// Prediction's keys-only analysis (reused buffers, cached negated stems, keys
        /// without words) gives the keys and cue sums of the analysis that spells every
        /// n-gram out, under every setting that changes the per-word path.
        #[test]
        fn keys_only_analysis_equals_the_spelt_out_one(
            texts in proptest::collection::vec(
                "([A-Za-z]{1,6}|not|Never|no longer|accused|Accuses|fake news|good|[ ,.?!\"'\u{e9}\u{2019}]|n't|'s){0,30}",
                1..4,
            ),
            stem in proptest::bool::ANY,
            negation in proptest::bool::ANY,
            punctuation in proptest::bool::ANY,
            cue_ngrams in proptest::bool::ANY,
        ) {
            let lexicon = Lexicon {
                cues: vec![
                    crate::lexicon::Cue { term: "accused".into(), category: "accusation".into(), weight: 1.0 },
                    crate::lexicon::Cue { term: "fake news".into(), category: "denial".into(), weight: 1.0 },
                    crate::lexicon::Cue { term: "good".into(), category: "positive".into(), weight: 1.0 },
                ],
                negators: vec!["not".into(), "never".into(), "no longer".into()],
                ..Lexicon::default()
            };
            let params = FeatureParams { min_df: 1, stem, negation, punctuation, cue_ngrams, ..FeatureParams::default() };
            for lexicon in [None, Some(lexicon)] {
                let params = FeatureParams { cue_ngrams: cue_ngrams && lexicon.is_some(), ..params.clone() };
                let f = params.fit(&texts, lexicon).unwrap();
                for text in &texts {
                    // Twice, so the second run reads the buffers and stems the first left.
                    for _ in 0..2 {
                        proptest::prop_assert_eq!(keys_of(&f, text, false), keys_of(&f, text, true), "{:?}", text);
                    }
                }
            }
        }
    }

    #[test]
    fn recycled_lists_keep_their_buffer() {
        let mut words: Vec<&'static str> = Vec::with_capacity(64);
        let buffer = words.as_ptr();
        let text = String::from("a b");
        let mut borrowed: Vec<&str> = recycle(std::mem::take(&mut words));
        borrowed.extend(text.split(' '));
        words = recycle(borrowed);
        assert!(words.is_empty());
        assert_eq!((words.as_ptr(), words.capacity()), (buffer, 64));
    }

    #[test]
    fn stemming_joins_forms_of_a_word_and_leaves_cues_as_written() {
        let lexicon = one_cue_lexicon("accused", "accusation");
        let params = FeatureParams { min_df: 1, ngram_max: 1, stem: true, ..FeatureParams::default() };
        let f = params.fit(&["police accused him", "she accuses them, not accusing"], Some(lexicon)).unwrap();
        // Snowball English stems, checked by hand: accused, accuses, accusing -> accus;
        // police -> polic; negation marks the stem.
        assert_eq!(f.vocabulary, ["accus", "him", "not", "not_accus", "polic", "she", "them"]);
        // The cue matches "accused" as written, not its stem's other forms.
        let cue = f.n_ngrams() as u32;
        assert!(f.transform_one("they accused her").0.contains(&cue));
        assert!(!f.transform_one("they accuse her").0.contains(&cue));
        // Off, the forms stay apart.
        let plain = FeatureParams { stem: false, ..params };
        let g = plain.fit(&["accused accuses"], None).unwrap();
        assert_eq!(g.vocabulary, ["accused", "accuses"]);
    }

    #[test]
    fn question_exclamation_and_quotation_marks_are_n_gram_words_where_they_stand() {
        let lexicon = one_cue_lexicon("fake news", "denial");
        let params = FeatureParams { min_df: 1, stem: false, ..FeatureParams::default() };
        let f =
            params.fit(&["did he lie? not true!", "he called it \u{201C}fake news\u{201D}"], Some(lexicon)).unwrap();
        // By hand: words and marks in order: did he lie ? not not_true ! / he called it " fake news ";
        // negation marks "true" only ("?" and "!" end clauses and are never negated).
        let expected = [
            "\"",
            "\" fake",
            "!",
            "? not",
            "called",
            "called it",
            "did",
            "did he",
            "fake",
            "fake news",
            "he",
            "he called",
            "he lie",
            "it",
            "it \"",
            "lie",
            "lie ?",
            "news",
            "news \"",
            "not",
            "not not_true",
            "not_true",
            "not_true !",
            "?",
        ];
        let mut vocabulary: Vec<&str> = f.vocabulary.iter().collect();
        vocabulary.sort_unstable();
        let mut expected = expected.to_vec();
        expected.sort_unstable();
        assert_eq!(vocabulary, expected);
        // The cue still matches across the quotation mark inside it: cues see words only.
        let cue = f.n_ngrams() as u32;
        assert!(f.transform_one("they said \"fake news\"").0.contains(&cue));
        // Off, no mark is a word.
        let plain = FeatureParams { punctuation: false, ..params };
        let g = plain.fit(&["did he lie?", "\"no\""], None).unwrap();
        assert_eq!(g.vocabulary, ["did", "did he", "he", "he lie", "lie", "no"]);
    }

    #[test]
    fn character_n_grams_follow_the_words_and_are_normalised_apart() {
        let params = FeatureParams { min_df: 1, ngram_max: 1, char_ngrams: Some([3, 5]), ..FeatureParams::default() };
        let f = params.fit(&["acc"], None).unwrap();
        // "<acc>" by hand: 3-grams <ac acc cc>, 4-grams <acc acc>, 5-gram <acc>; bytewise order.
        assert_eq!(f.vocabulary, ["acc", "~<ac", "~<acc", "~<acc>", "~acc", "~acc>", "~cc>"]);
        // One text: every idf is 1; the word block (one column) and the character block
        // (six columns) each have unit length.
        let (idx, val) = f.transform_one("acc");
        assert_eq!(idx, [0, 1, 2, 3, 4, 5, 6]);
        assert!((val[0] - 1.0).abs() < 1e-6, "{val:?}");
        assert!(val[1..].iter().all(|v| (v - 1.0 / 6f32.sqrt()).abs() < 1e-6), "{val:?}");
        // A multi-byte word is cut at characters: "<é>" has the one 3-gram.
        let g = FeatureParams { char_ngrams: Some([3, 3]), ..params.clone() }.fit(&["é"], None).unwrap();
        assert_eq!(g.vocabulary, ["é", "~<é>"]);
        // A vocabulary with a word after the character n-grams is refused on load.
        let mut json: serde_json::Value = serde_json::to_value(&f).unwrap();
        json["vocabulary"] = serde_json::json!(["~<ac", "acc", "~<acc", "~<acc>", "~acc", "~acc>", "~cc>"]);
        let mut bad: Featurizer = serde_json::from_value(json).unwrap();
        assert!(bad.restore().unwrap_err().to_string().contains("follows the character n-grams"));
        let out_of_range = FeatureParams { char_ngrams: Some([4, 3]), ..params };
        assert!(out_of_range.check().unwrap_err().to_string().contains("--char-ngrams"));
    }

    #[test]
    fn nb_scale_is_one_plus_the_largest_log_count_ratio() {
        // By hand, add-one smoothing over the vocabulary [bad, film, good, plot]:
        // "pos" presence counts 0 1 2 1 -> 1 2 3 2 (sum 8); "neg" 1 1 0 0 -> 2 2 1 1 (sum 6).
        // |r| = |ln(a/8) - ln(b/6)|: bad ln(6/16), film ln(12/16), good ln(18/8), plot ln(12/8);
        // the scale is 1 + |r|.
        let texts = ["good film", "good plot", "bad film"];
        let params = FeatureParams { min_df: 1, ngram_max: 1, ..FeatureParams::default() };
        let f = params.fit_labelled(&texts, &[0, 0, 1], None).unwrap();
        assert_eq!(f.vocabulary, ["bad", "film", "good", "plot"]);
        let expected =
            [(6.0f32 / 16.0).ln().abs(), (12.0f32 / 16.0).ln().abs(), 2.25f32.ln(), 1.5f32.ln()].map(|r| 1.0 + r);
        for (got, want) in f.nb_weights.iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{:?} vs {expected:?}", f.nb_weights);
        }
        // Without classes, or switched off, nothing is scaled.
        assert!(params.fit(&texts, None).unwrap().nb_weights.is_empty());
        let off = FeatureParams { nb_scale: false, ..params };
        assert!(off.fit_labelled(&texts, &[0, 0, 1], None).unwrap().nb_weights.is_empty());
    }

    #[test]
    fn nb_scale_takes_one_class_per_text_whatever_its_number() {
        let texts = ["good film", "good plot", "bad film"];
        let params = FeatureParams { min_df: 1, ngram_max: 1, ..FeatureParams::default() };
        let scales = params.fit_labelled(&texts, &[0, 0, 1], None).unwrap().nb_weights;
        assert_eq!(scales.len(), 4);
        // Classes 0 and 2^40, or usize::MAX, split the texts as 0 and 1 do: the same scales
        // (2^40 failed to allocate a row per index; usize::MAX wrapped to no row, all 1).
        for big in [1usize << 40, usize::MAX] {
            assert_eq!(params.fit_labelled(&texts, &[0, 0, big], None).unwrap().nb_weights, scales);
        }
        // An absent class below the largest counts as it did: 0 and 2 as 0, 1 and 2 of three.
        let gap = params.fit_labelled(&texts, &[0, 0, 2], None).unwrap().nb_weights;
        assert_eq!(params.fit_labelled(&texts, &[1, 1, 3], None).unwrap().nb_weights.len(), 4);
        assert_eq!(params.fit_labelled(&texts, &[1, 1, 3], None).unwrap().nb_weights, gap);
        // Classes for some texts only: said, never a fit without the scales asked for.
        let error = params.fit_labelled(&texts, &[0, 1], None).unwrap_err().to_string();
        assert!(error.contains("invalid classes: 2 for 3 texts: one per text is needed"), "{error}");
        let analyzer = params.analyzer(None).unwrap();
        let analyzed = analyzer.analyze_all(&texts);
        let error = analyzer.fit_analyzed(&texts, &[&analyzed[0]], &[]).unwrap_err().to_string();
        assert!(error.contains("invalid analyses: 1 for 3 texts"), "{error}");
    }

    #[test]
    fn ngram_keys_from_words_are_the_keys_of_the_ngram_strings() {
        // Marked words, by hand: the talks did not not_fail officials said (the comma ends
        // the negation scope): 7 unigrams, 6 bigrams, 5 trigrams.
        let text = "The talks did not fail, officials said.";
        let params = FeatureParams { min_df: 1, ngram_max: 3, stem: false, ..FeatureParams::default() };
        let fitted = params.fit(&[text], None).unwrap();
        assert_eq!(fitted.vocabulary.len(), 18, "{:?}", fitted.vocabulary);
        for gram in ["not_fail", "not not_fail", "not_fail officials said", "the talks did"] {
            assert!(fitted.vocabulary.iter().any(|g| g == gram), "{gram} missing from {:?}", fitted.vocabulary);
        }
        // The analysis hashes word by word; the index hashes the strings: same keys.
        let analysis = params.analyzer(None).unwrap().analyze_all(&[text]).remove(0);
        let mut from_words = analysis.keys.clone();
        from_words.sort_unstable();
        let mut from_strings: Vec<u64> = fitted.vocabulary.iter().map(gram_key).collect();
        from_strings.sort_unstable();
        assert_eq!(from_words, from_strings);
        assert_eq!(fitted.transform_one(text).0.len(), 18, "every n-gram finds its column");
        // Order and length matter.
        let keys = ["a b", "b a", "a", "b", "a b a", "ab"].map(gram_key);
        let mut distinct = keys.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), keys.len());
    }

    #[test]
    fn the_column_index_finds_keys_of_both_halves_and_names_the_first_repeat() {
        // Keys with the top bit clear and set, and absent keys of each half.
        let high = 1u64 << 63;
        let keys = [5, high | 5, 7, high | 9, 1 << 40];
        let index = ColumnIndex::of_keys(&keys).unwrap();
        for (column, &key) in keys.iter().enumerate() {
            assert_eq!(index.get(key), Some(column as u32), "key {key:#x}");
        }
        assert_eq!((index.get(9), index.get(high | 7), index.get(high)), (None, None, None));
        // Repeats in both halves: the one whose second copy comes first is named.
        assert_eq!(ColumnIndex::of_keys(&[high | 1, 2, 3, 2, high | 1]).unwrap_err(), (1, 3));
        assert_eq!(ColumnIndex::of_keys(&[high | 1, 2, high | 1, 3, 2]).unwrap_err(), (0, 2));
        // A vocabulary that repeats an n-gram is refused on load, naming it.
        let mut f = FeatureParams { min_df: 1, ..FeatureParams::default() }.fit(&["good film"], None).unwrap();
        let mut json: serde_json::Value = serde_json::to_value(&f).unwrap();
        json["vocabulary"] = serde_json::json!(["film", "good", "good film", "good"]);
        json["idf"] = serde_json::json!([1.0, 1.0, 1.0, 1.0]);
        f = serde_json::from_value(json).unwrap();
        let message = f.restore().unwrap_err().to_string();
        assert!(message.contains(r#"n-grams "good" and "good" share a 64-bit hash (or repeat)"#), "{message}");
    }

    #[test]
    fn fitting_from_shared_analyses_equals_fitting_from_texts() {
        let texts = ["good film", "good plot", "bad film", "not good at all", "a bad, bad plot"];
        let classes = [0, 0, 1, 1, 1];
        let params = FeatureParams { min_df: 1, ..FeatureParams::default() };
        let analyzer = params.analyzer(None).unwrap();
        let analyzed = analyzer.analyze_all(&texts);
        // A subset, as a cross-validation fold takes it.
        let rows = [0, 2, 3, 4];
        let subset: Vec<&str> = rows.iter().map(|&r| texts[r]).collect();
        let subset_analyzed: Vec<&Analysis> = rows.iter().map(|&r| &analyzed[r]).collect();
        let subset_classes: Vec<usize> = rows.iter().map(|&r| classes[r]).collect();
        let shared = analyzer.fit_analyzed(&subset, &subset_analyzed, &subset_classes).unwrap();
        let direct = params.fit_labelled(&subset, &subset_classes, None).unwrap();
        assert_eq!(shared.vocabulary, direct.vocabulary);
        assert_eq!(shared.idf, direct.idf);
        assert_eq!(shared.nb_weights, direct.nb_weights);
        let all: Vec<&Analysis> = analyzed.iter().collect();
        assert_eq!(shared.transform_analyzed(&all).0, direct.transform(&texts).0);
        // Names written once for all the texts serve the subset's fit.
        let names = analyzer.name_all(&texts, &all);
        let named = analyzer.fit_analyzed_named(&subset, &subset_analyzed, &subset_classes, Some(&names)).unwrap();
        assert_eq!(named.vocabulary, direct.vocabulary);
        assert_eq!(named.idf, direct.idf);
    }

    #[test]
    fn fitting_from_numbered_analyses_equals_fitting_from_texts() {
        let texts = [
            "talks made good progress",
            "the talks made progress, not threats",
            "they traded threats over the talks",
            "good progress at the talks",
            "threats again",
            "the deal was good",
        ];
        let classes = [0, 0, 1, 0, 1, 0];
        for params in [
            FeatureParams { min_df: 2, ..FeatureParams::default() },
            FeatureParams { min_df: 1, char_ngrams: Some([2, 3]), ..FeatureParams::default() },
            FeatureParams { min_df: 1, max_features: Some(7), ..FeatureParams::default() },
        ] {
            let analyzer = params.analyzer(None).unwrap();
            let mut analyzed = analyzer.analyze_all(&texts);
            let names = analyzer.name_all(&texts, &analyzed.iter().collect::<Vec<_>>());
            names.number(&mut analyzed);
            let rows = [0, 1, 2, 4, 5];
            let subset: Vec<&str> = rows.iter().map(|&r| texts[r]).collect();
            let subset_analyzed: Vec<&Analysis> = rows.iter().map(|&r| &analyzed[r]).collect();
            let subset_classes: Vec<usize> = rows.iter().map(|&r| classes[r]).collect();
            let numbered =
                analyzer.fit_analyzed_named(&subset, &subset_analyzed, &subset_classes, Some(&names)).unwrap();
            assert!(numbered.numbering.is_some(), "{params:?}");
            let direct = params.fit_labelled(&subset, &subset_classes, None).unwrap();
            assert!(direct.vocabulary.len() >= 7, "{params:?}: a vocabulary worth comparing");
            assert_eq!(numbered.vocabulary, direct.vocabulary, "{params:?}");
            assert_eq!(numbered.idf, direct.idf, "{params:?}");
            assert_eq!(numbered.nb_weights, direct.nb_weights, "{params:?}");
            let all: Vec<&Analysis> = analyzed.iter().collect();
            let (by_number, by_text) = (numbered.transform_analyzed(&all).0, direct.transform(&texts).0);
            assert_eq!(by_number, by_text, "{params:?}");
            // Analyses numbered by other names are looked up by key, with the same rows.
            let mut other = analyzer.analyze_all(&texts);
            analyzer.name_all(&texts, &other.iter().collect::<Vec<_>>()).number(&mut other);
            let other: Vec<&Analysis> = other.iter().collect();
            assert_eq!(numbered.transform_analyzed(&other).0, by_text, "{params:?}");
        }
    }

    #[test]
    fn rejects_inverted_ngram_range() {
        let params = FeatureParams { ngram_min: 3, ngram_max: 1, ..FeatureParams::default() };
        assert!(params.check().unwrap_err().to_string().contains("3..1"));
    }
}
