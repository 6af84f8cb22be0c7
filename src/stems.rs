//! Snowball English stems of words, cached per thread. Stemming costs ~0.3 µs a word;
//! news repeats its words, so each thread remembers the stems it has computed.
//!
//! The cache is keyed by the word's 64-bit key and holds the stem's key beside the
//! stem, so a hit costs one probe of a table of plain numbers: no string is hashed
//! twice, compared or followed through a pointer. Two words whose keys collide (about
//! 1 in 10^10 among 65,536 words) would share a stem, the same bet the n-gram index
//! makes.

use std::cell::RefCell;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;

use crate::features::NEGATED_PREFIX;

/// Words a thread's cache holds before it starts afresh (a few MB at most).
pub(crate) const CACHE_WORDS: usize = 1 << 16;

/// A word's stem: its key, and where its text is in the cache, unless the word is its
/// own stem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stem {
    /// The stem's key (the word's own key when the word is its own stem).
    pub key: u64,
    /// Byte range of the stem in [`StemCache::text`]; `None` when the word is its own stem.
    pub range: Option<(u32, u32)>,
    /// The key of the stem inside a negation scope (`not_` and the stem), kept so a
    /// negated word costs no string building or hashing once its stem is cached.
    pub negated: u64,
}

/// Stems computed on one thread.
#[derive(Default)]
pub(crate) struct StemCache {
    stems: FxHashMap<u64, Stem>,
    /// The stems that differ from their word, back to back.
    text: String,
    /// Where a negated stem is spelt out to be keyed.
    negated: String,
}

impl StemCache {
    /// Starts afresh when full. Call before a batch of [`StemCache::stem`] calls whose
    /// ranges are read together: nothing is dropped in between.
    pub fn make_room(&mut self) {
        if self.stems.len() >= CACHE_WORDS {
            self.stems.clear();
            self.text.clear();
        }
    }

    /// The stem of the word keyed `key` if cached: a lookup alone, so that a loop of
    /// them over a text's words waits for their table reads together.
    pub fn cached(&self, key: u64) -> Option<Stem> {
        self.stems.get(&key).copied()
    }

    /// The stem of `word`, whose key is `key`; `key_of` gives a new stem's key.
    pub fn stem(&mut self, word: &str, key: u64, key_of: impl Fn(&str) -> u64) -> Stem {
        if let Some(&stem) = self.stems.get(&key) {
            return stem;
        }
        let stemmed = Stemmer::create(Algorithm::English).stem(word);
        self.negated.clear();
        self.negated.push_str(NEGATED_PREFIX);
        self.negated.push_str(&stemmed);
        let negated = key_of(&self.negated);
        let stem = match u32::try_from(self.text.len() + stemmed.len()) {
            Ok(end) if stemmed != word => {
                let start = self.text.len() as u32;
                self.text.push_str(&stemmed);
                Stem { key: key_of(&stemmed), range: Some((start, end)), negated }
            }
            _ => Stem { key, range: None, negated },
        };
        self.stems.insert(key, stem);
        stem
    }

    /// The text of a stem range given by [`StemCache::stem`] since the last
    /// [`StemCache::make_room`].
    pub fn text(&self, (start, end): (u32, u32)) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or_default()
    }
}

thread_local! {
    static CACHE: RefCell<StemCache> = RefCell::new(StemCache::default());
}

/// Runs `f` with this thread's stem cache (with a fresh one if the thread's is in use
/// further up the stack).
pub(crate) fn with_cache<R>(f: impl FnOnce(&mut StemCache) -> R) -> R {
    crate::thread_state::with_local(&CACHE, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_of(word: &str) -> u64 {
        xxhash_rust::xxh3::xxh3_64(word.as_bytes())
    }

    #[test]
    fn cached_stems_are_the_stemmer_s_across_a_cache_reset() {
        // More distinct words than the cache holds, each asked for twice: every answer
        // must be the stemmer's own, whether it came from the cache or not.
        let stemmer = Stemmer::create(Algorithm::English);
        let suffixes = ["", "s", "ed", "ing", "ation", "ly"];
        let words: Vec<String> = (0..CACHE_WORDS / suffixes.len() + 1000)
            .flat_map(|i| suffixes.iter().map(move |suffix| format!("w{i}ord{suffix}")))
            .collect();
        assert!(words.len() > CACHE_WORDS);
        let mut cache = StemCache::default();
        let mut resets = 0;
        for round in 0..2 {
            for word in &words {
                let before = cache.stems.len();
                cache.make_room();
                resets += usize::from(cache.stems.len() < before);
                let stem = cache.stem(word, key_of(word), key_of);
                let expected = stemmer.stem(word);
                let text = stem.range.map_or(word.as_str(), |range| cache.text(range));
                assert_eq!(text, expected, "{word} (round {round})");
                assert_eq!(stem.range.is_some(), expected != word.as_str(), "{word} (round {round})");
                assert_eq!(stem.key, key_of(&expected), "{word} (round {round})");
                assert_eq!(stem.negated, key_of(&format!("not_{expected}")), "{word} (round {round})");
            }
        }
        assert!(resets >= 2, "the cache was reset {resets} times");
    }

    #[test]
    fn cached_is_a_lookup_of_what_stem_computed() {
        let mut cache = StemCache::default();
        assert_eq!(cache.cached(key_of("talking")), None);
        let stem = cache.stem("talking", key_of("talking"), key_of);
        assert_eq!(cache.cached(key_of("talking")), Some(stem));
    }

    #[test]
    fn a_cache_in_use_up_the_stack_is_not_borrowed_twice() {
        let outer = with_cache(|cache| {
            cache.stem("talks", key_of("talks"), key_of);
            with_cache(|inner| inner.stem("talking", key_of("talking"), key_of).key)
        });
        assert_eq!(outer, key_of("talk"));
    }
}
