//! The n-gram vocabulary of a fitted featurizer: every n-gram, in column order, kept
//! in one string. A model holds tens of thousands of n-grams; as one
//! `String` each they were as many allocations to make on every load (a third of a
//! model's parse time) and to free again. In the model file (version 3) it is one JSON
//! string, the n-grams joined by `|`: one string is scanned in a single pass, where an
//! array of strings cost a parser call per n-gram (the separator is a character JSON
//! leaves unescaped, and words are letters and digits). Files of versions 1 and 2
//! hold an array of strings, which still reads; so does a vocabulary whose n-grams
//! cannot be joined unambiguously (one holding a `|`, or a lone empty n-gram).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// N-grams by column.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// The n-grams in column order, each after a [`SEPARATOR`] but the first: the
    /// file's string as it is, so reading and writing it copies one buffer.
    text: String,
    /// Where each n-gram ends in `text`; n-gram `i` starts one byte (the separator)
    /// after `i - 1` ends.
    ends: Vec<usize>,
}

impl Vocabulary {
    /// Number of n-grams.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The n-gram of `column`.
    pub fn get(&self, column: usize) -> Option<&str> {
        let end = *self.ends.get(column)?;
        let start = column.checked_sub(1).and_then(|previous| self.ends.get(previous)).map_or(0, |&end| end + 1);
        self.text.get(start..end)
    }

    /// The n-grams in column order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let gram = self.text.get(start..end).unwrap_or_default();
            start = end + 1;
            gram
        })
    }

    /// Appends one n-gram as the next column.
    pub fn push(&mut self, gram: &str) {
        if !self.ends.is_empty() {
            self.text.push(SEPARATOR);
        }
        self.text.push_str(gram);
        self.ends.push(self.text.len());
    }
}

impl<'a> FromIterator<&'a str> for Vocabulary {
    fn from_iter<I: IntoIterator<Item = &'a str>>(grams: I) -> Vocabulary {
        let mut vocabulary = Vocabulary::default();
        for gram in grams {
            vocabulary.push(gram);
        }
        vocabulary
    }
}

impl fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Vocabulary {
    fn eq(&self, grams: &[&str; N]) -> bool {
        self.len() == N && self.iter().eq(grams.iter().copied())
    }
}

/// What joins the n-grams in the file's one string.
const SEPARATOR: char = '|';

impl Vocabulary {
    /// The n-grams joined by [`SEPARATOR`], when that string reads back as the same
    /// n-grams: none holds the separator, and they are not none or a lone empty one
    /// (both would be "").
    fn joined(&self) -> Option<&str> {
        let separators = memchr::memchr_iter(SEPARATOR as u8, self.text.as_bytes()).count();
        let unambiguous = !self.text.is_empty() || self.len() > 1;
        (unambiguous && separators + 1 == self.len()).then_some(self.text.as_str())
    }

    /// The n-grams of a joined string (see [`Vocabulary::joined`]): the string kept as
    /// it is, its separators found by a vectorised search. They are counted first, so the
    /// ends are written once into memory of their size: collected as found, the vector
    /// grew by doubling, copying itself 17 times for the shipped models' 64,279 n-grams.
    fn split(joined: &str) -> Vocabulary {
        let bytes = joined.as_bytes();
        let mut ends = Vec::with_capacity(memchr::memchr_iter(SEPARATOR as u8, bytes).count() + 1);
        ends.extend(memchr::memchr_iter(SEPARATOR as u8, bytes));
        ends.push(joined.len());
        Vocabulary { text: joined.to_owned(), ends }
    }
}

impl Serialize for Vocabulary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(joined) = self.joined() {
            return serializer.serialize_str(joined);
        }
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for gram in self.iter() {
            seq.serialize_element(gram)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Vocabulary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Vocabulary, D::Error> {
        deserializer.deserialize_any(VocabularyVisitor)
    }
}

struct VocabularyVisitor;

impl<'de> Visitor<'de> for VocabularyVisitor {
    type Value = Vocabulary;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the n-grams, joined by '|' or as an array of strings")
    }

    fn visit_str<E: de::Error>(self, joined: &str) -> Result<Vocabulary, E> {
        Ok(Vocabulary::split(joined))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vocabulary, A::Error> {
        let mut vocabulary = Vocabulary::default();
        vocabulary.ends.reserve(seq.size_hint().unwrap_or(0));
        while seq.next_element_seed(AppendGram(&mut vocabulary))?.is_some() {}
        Ok(vocabulary)
    }
}

/// Reads one string of the array into the vocabulary's buffer, without a `String` of its own.
struct AppendGram<'v>(&'v mut Vocabulary);

impl<'de> DeserializeSeed<'de> for AppendGram<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for AppendGram<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an n-gram string")
    }

    fn visit_str<E: de::Error>(self, gram: &str) -> Result<(), E> {
        self.0.push(gram);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_keep_their_n_grams_through_a_json_round_trip() {
        let vocabulary: Vocabulary = ["a", "not_good", "\"quoted\" \u{e9}t\u{e9}", ""].into_iter().collect();
        assert_eq!(vocabulary.len(), 4);
        assert_eq!(vocabulary.get(1), Some("not_good"));
        assert_eq!(vocabulary.get(3), Some(""));
        assert_eq!(vocabulary.get(4), None);
        let json = serde_json::to_string(&vocabulary).unwrap();
        assert_eq!(json, r#""a|not_good|\"quoted\" été|""#);
        let back: Vocabulary = serde_json::from_str(&json).unwrap();
        assert_eq!(back, vocabulary);
        assert_eq!(back, ["a", "not_good", "\"quoted\" été", ""]);
    }

    #[test]
    fn version_2_arrays_still_read() {
        let back: Vocabulary = serde_json::from_str(r#"["a","not_good",""]"#).unwrap();
        assert_eq!(back, ["a", "not_good", ""]);
    }

    #[test]
    fn n_grams_that_cannot_be_joined_are_written_as_an_array() {
        for grams in [vec!["a", "pipe|d"], vec![""], vec![]] {
            let vocabulary: Vocabulary = grams.iter().copied().collect();
            let json = serde_json::to_string(&vocabulary).unwrap();
            assert!(json.starts_with('['), "{json}");
            let back: Vocabulary = serde_json::from_str(&json).unwrap();
            assert_eq!(back.iter().collect::<Vec<_>>(), grams);
        }
    }

    #[test]
    fn anything_but_a_string_or_an_array_of_strings_is_refused() {
        assert!(serde_json::from_str::<Vocabulary>(r#"["a", 1]"#).is_err());
        assert!(serde_json::from_str::<Vocabulary>("7").is_err());
        assert!(serde_json::from_str::<Vocabulary>(r#"{"a": 1}"#).is_err());
        assert!(serde_json::from_str::<Vocabulary>(r#"["a", null]"#).is_err());
    }
}
