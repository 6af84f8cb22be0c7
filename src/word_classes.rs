//! Word classes: groups of words that occur in like contexts (distributional clusters,
//! as Brown clusters or k-means of word vectors give), read from a `word<TAB>class` file.
//! Input: the file, or the table stored in a model. Output: the class of a word, by the
//! key the featurizer already computed for it.
//!
//! The featurizer adds n-grams of the words' classes to the word n-grams, so what is
//! learnt for "accused" carries to "charged" and "indicted" when they share a class,
//! including words seen in no training sentence but present in the text the classes
//! were built from. The classes are data: `scripts/build-word-classes.py` builds them
//! from unlabelled news, and any other grouping can be given in the same format.

use std::path::Path;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::features::word_key;
use crate::text::{tokenize, TokenKind, NUMBER_TOKEN};

/// What a class n-gram's name starts with, and what follows its class; brackets end a
/// clause, so no word holds one and no class n-gram shares a column with a word n-gram.
const OPEN: char = '[';
const CLOSE: char = ']';

/// A table of word classes, as stored in a model file: the normalised `word<TAB>class`
/// lines, sorted by word, with lookup tables rebuilt from them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordClasses {
    /// `word<TAB>class` lines joined by line feeds, words as the tokenizer gives them
    /// (lower-cased), sorted, each once.
    table: String,
    /// The class number of each word, by the word's key ([`crate::features`]'s word key).
    #[serde(skip)]
    by_word: FxHashMap<u64, u32>,
    /// Each class number's n-gram name (`[class]`).
    #[serde(skip)]
    names: Vec<String>,
    /// Each class number's n-gram name's key.
    #[serde(skip)]
    name_keys: Vec<u64>,
}

impl PartialEq for WordClasses {
    fn eq(&self, other: &Self) -> bool {
        self.table == other.table
    }
}

impl WordClasses {
    /// Reads a `word<TAB>class` file: one word a line, as a word of the text would be
    /// tokenized (any case), the class any name without spaces, tabs, `|` or brackets.
    /// Blank lines and lines starting with `#` are skipped.
    ///
    /// # Errors
    /// [`Error::Io`] and the other errors of reading a lexicon file; [`Error::WordClasses`]
    /// naming the line and column of a malformed entry, a word given two classes, or a
    /// file without entries.
    pub fn load(path: &Path) -> Result<WordClasses> {
        let text = crate::input::read_text_file(path)?;
        let mut entries: Vec<(String, String, usize)> = Vec::new();
        let mut seen_first = false;
        for (n, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            // A header line naming the columns, as pandas' `to_csv(sep="\t")` writes it
            // (the cues reader skips its `term` header likewise): it was read as an entry,
            // the word "word" in a class "class" of its own.
            if !std::mem::replace(&mut seen_first, true) && is_header(line) {
                continue;
            }
            let location = Location::file(path).at_line(n as u64 + 1);
            let bad = |column: &str, reason: String| Error::WordClasses {
                location: location.clone().with_column(column),
                reason,
            };
            let fields: Vec<&str> = line.split('\t').collect();
            let [word, class] = fields.as_slice() else {
                return Err(Error::WordClasses {
                    location,
                    reason: format!(
                        "expected 2 tab-separated fields (word, class), found {}{}",
                        fields.len(),
                        crate::lexicon::separator_hint(line, 2)
                    ),
                });
            };
            let (word, class) = (word.trim(), class.trim());
            let words: Vec<_> = tokenize(word).into_iter().filter(|t| t.kind == TokenKind::Word).collect();
            let normalised = match words.as_slice() {
                // Every number is one token of the text, so a class for one would be every number's.
                [token] if token.text == NUMBER_TOKEN => {
                    let reason = format!(
                        "'{}' is a number, and the text's numbers are all one token, {NUMBER_TOKEN}: leave numbers out",
                        word.escape_debug()
                    );
                    return Err(bad("word", reason));
                }
                [token] => token.text.to_string(),
                [] => return Err(bad("word", format!("'{}' has no word", word.escape_debug()))),
                words => {
                    let reason = format!(
                        "'{}' is {} words as the text is split into them, not one (a class is given to single words)",
                        word.escape_debug(),
                        words.len()
                    );
                    return Err(bad("word", reason));
                }
            };
            if let Some(reason) = bad_class_name(class) {
                return Err(bad("class", reason));
            }
            entries.push((normalised, class.to_string(), n + 1));
        }
        if entries.is_empty() {
            return Err(Error::Data {
                path: path.to_path_buf(),
                reason: "a word-classes file with no entries (add lines of word and class, separated by a tab)".into(),
            });
        }
        entries.sort();
        // The same word twice: the same class is a harmless repeat, two classes a conflict.
        let mut kept: Vec<(String, String, usize)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match kept.last() {
                Some(last) if last.0 == entry.0 && last.1 == entry.1 => {}
                Some(last) if last.0 == entry.0 => {
                    let (first, second) = if last.2 < entry.2 { (last, &entry) } else { (&entry, last) };
                    return Err(Error::WordClasses {
                        location: Location::file(path).at_line(second.2 as u64),
                        reason: format!(
                            "word '{}' is in class '{}' here and in class '{}' on line {} (a word has one class)",
                            second.0, second.1, first.1, first.2
                        ),
                    });
                }
                _ => kept.push(entry),
            }
        }
        let table = kept.iter().map(|(word, class, _)| format!("{word}\t{class}")).collect::<Vec<_>>().join("\n");
        let mut classes = WordClasses { table, ..WordClasses::default() };
        classes.restore()?;
        Ok(classes)
    }

    /// Rebuilds the lookup tables from the stored table (after reading a model file).
    ///
    /// # Errors
    /// [`Error::InvalidParams`] for a table that [`WordClasses::load`] could not have
    /// written (an edited model file).
    pub fn restore(&mut self) -> Result<()> {
        let invalid = |reason: String| Error::InvalidParams { name: "word classes".into(), reason };
        let mut number_of: FxHashMap<&str, u32> = FxHashMap::default();
        let mut names = Vec::new();
        let mut by_word = FxHashMap::default();
        by_word.reserve(self.table.len() / 12);
        for (n, line) in self.table.split('\n').enumerate() {
            let Some((word, class)) = line.split_once('\t') else {
                return Err(invalid(format!("entry {} is not a word and a class", n + 1)));
            };
            if word.is_empty() || word.contains(char::is_whitespace) {
                return Err(invalid(format!("entry {} has no single word", n + 1)));
            }
            if let Some(reason) = bad_class_name(class) {
                return Err(invalid(format!("entry {}: {reason}", n + 1)));
            }
            let next = number_of.len() as u32;
            let number = *number_of.entry(class).or_insert_with(|| {
                names.push(format!("{OPEN}{class}{CLOSE}"));
                next
            });
            if by_word.insert(word_key(word.as_bytes()), number).is_some() {
                return Err(invalid(format!("word '{word}' repeats (or shares a 64-bit hash with another)")));
            }
        }
        self.by_word = by_word;
        self.name_keys = names.iter().map(|name| word_key(name.as_bytes())).collect();
        self.names = names;
        Ok(())
    }

    /// The class number of the word whose key is `word_key`, if it has a class.
    pub fn class_of(&self, word_key: u64) -> Option<u32> {
        self.by_word.get(&word_key).copied()
    }

    /// The n-gram name of class number `class` (`[class]`).
    pub fn name(&self, class: u32) -> &str {
        self.names.get(class as usize).map_or("", String::as_str)
    }

    /// The key of class number `class`'s n-gram name.
    pub fn name_key(&self, class: u32) -> u64 {
        self.name_keys.get(class as usize).copied().unwrap_or_default()
    }

    /// How many words have a class.
    pub fn n_words(&self) -> usize {
        self.by_word.len()
    }

    /// The warning for these word classes when no word of `texts` (the training texts)
    /// has one: they then add no column and the model trains as without them, which used
    /// to pass without a word. `given` names the file as the user did.
    pub fn unused_warning<S: AsRef<str>>(&self, given: &str, texts: &[S]) -> Option<String> {
        (!self.classifies_any(texts)).then(|| {
            format!(
                "no word of the training texts is in {given} ({}), so it adds no column and the model trains as \
                 without it (a file made for other texts, or another language?)",
                crate::error::counted(self.n_words(), "word")
            )
        })
    }

    /// How many classes there are.
    pub fn n_classes(&self) -> usize {
        self.names.len()
    }

    /// Whether a word of one of `texts`, read as the n-grams read it, has a class: a file
    /// of words none of the texts use (another language's, built for other texts) adds
    /// no column, and the model trained as if it had not been given.
    pub fn classifies_any<S: AsRef<str>>(&self, texts: &[S]) -> bool {
        crate::text::any_text_words(texts, |words| {
            words.iter().any(|word| self.class_of(word_key(word.as_bytes())).is_some())
        })
    }
}

/// Whether `line` is the header `word<TAB>class`, in any case.
fn is_header(line: &str) -> bool {
    let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
    let [word, class] = fields.as_slice() else { return false };
    word.eq_ignore_ascii_case("word") && class.eq_ignore_ascii_case("class")
}

/// Why `class` cannot name a class, if it cannot: it becomes part of an n-gram's name,
/// where spaces join words and `|` joins n-grams in a model file.
fn bad_class_name(class: &str) -> Option<String> {
    if class.is_empty() {
        return Some("the class is empty".into());
    }
    if let Some(c) = class.chars().find(|&c| c.is_whitespace() || c.is_control() || matches!(c, '|' | OPEN | CLOSE)) {
        return Some(format!(
            "class '{}' holds {:?} (spaces, tabs, '|' and brackets are not allowed)",
            class.escape_debug(),
            c
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn key(word: &[u8]) -> u64 {
        word_key(word)
    }

    fn file(text: &str) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(text.as_bytes()).unwrap();
        f
    }

    #[test]
    fn words_are_read_as_the_tokenizer_gives_them_and_classes_are_numbered() {
        let f = file("# comment\nAccused\tc1\ncharged\tc1\n\nagreed\tc2\n");
        let classes = WordClasses::load(f.path()).unwrap();
        assert_eq!((classes.n_words(), classes.n_classes()), (3, 2));
        let accused = classes.class_of(key(b"accused")).unwrap();
        assert_eq!(classes.class_of(key(b"charged")), Some(accused));
        assert_ne!(classes.class_of(key(b"agreed")), Some(accused));
        assert_eq!(classes.name(accused), "[c1]");
        assert_eq!(classes.class_of(key(b"Accused")), None, "looked up by the lower-cased word");
    }

    #[test]
    fn classifies_any_reads_words_as_the_n_grams_do() {
        let f = file("accused\tc1\ncafé\tc2\n");
        let classes = WordClasses::load(f.path()).unwrap();
        assert!(classes.classifies_any(&["They ACCUSED him."]));
        assert!(classes.classifies_any(&["x", "At the caf&eacute;"]));
        assert!(!classes.classifies_any(&["Talks failed.", "Ils ont accusé."]));
        assert!(!classes.classifies_any::<&str>(&[]));
    }

    #[test]
    fn malformed_lines_are_named_by_line_and_column() {
        let message = |text: &str| WordClasses::load(file(text).path()).unwrap_err().to_string();
        assert!(message("a\tc1\nb c\tc2\n").contains(":2"), "{}", message("a\tc1\nb c\tc2\n"));
        assert!(message("a\tc1\nb c\tc2\n").contains("'b c' is 2 words as the text is split into them, not one"));
        assert!(message(",\tc1\n").contains("',' has no word"));
        assert!(message("a\tc 1\n").contains("class 'c 1'"));
        assert!(message("a\n").contains("expected 2 tab-separated fields"));
        assert!(message("a\tc1\tx\n").contains("found 3"));
        let twice = message("war\tc1\npeace\tc2\nWar\tc3\n");
        assert!(twice.contains(":3") && twice.contains("class 'c1' on line 1"), "{twice}");
        assert!(message("# only a comment\n").contains("no entries"));
        assert!(message("war\tc1\n2004\tc2\n").contains(":2: column 'word'"));
        assert!(message("war\tc1\n2004\tc2\n").contains("'2004' is a number"));
        let mut latin1 = tempfile::NamedTempFile::new().unwrap();
        latin1.write_all(b"war\tc1\ncaf\xe9\tc2\n").unwrap();
        let error = WordClasses::load(latin1.path()).unwrap_err().to_string();
        assert!(error.contains(":2: invalid UTF-8 at byte offset 10 (it looks like Windows-1252"), "{error}");
    }

    #[test]
    fn a_repeated_entry_is_kept_once_and_the_table_round_trips() {
        let classes = WordClasses::load(file("war\tc1\nwar\tc1\npeace\tc2\n").path()).unwrap();
        assert_eq!(classes.n_words(), 2);
        let mut copy: WordClasses = serde_json::from_str(&serde_json::to_string(&classes).unwrap()).unwrap();
        copy.restore().unwrap();
        assert_eq!(copy, classes);
        assert_eq!(copy.class_of(key(b"peace")), classes.class_of(key(b"peace")));
    }

    #[test]
    fn an_edited_table_is_refused() {
        for table in ["war", "war\tc1\nwar\tc2", "\tc1", "war\tc[1]"] {
            let mut classes = WordClasses { table: table.into(), ..WordClasses::default() };
            assert!(classes.restore().is_err(), "{table:?}");
        }
    }
}
