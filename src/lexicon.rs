//! Cue-word lexicons: plain data files a user can edit, never code. Input: a directory
//! (or one `cues.tsv`) of term lists. Output: a [`Lexicon`] that finds cues in a token
//! sequence, with negation scope and intensifiers applied.
//!
//! Files in a lexicon directory (all optional but `cues.tsv`; `#` starts a comment):
//! - `cues.tsv`: header `term<TAB>category<TAB>weight`, one cue per line; the term is
//!   tokenized like any text and matched as an exact token sequence.
//! - `negators.txt`, `intensifiers.txt`, `reporting_verbs.txt`: one term per line.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Result};
use crate::text::{tokenize, TokenKind, NUMBER_TOKEN};

/// Negators used when a lexicon brings none: the common English ones.
pub const DEFAULT_NEGATORS: &[&str] =
    &["not", "no", "never", "neither", "nor", "none", "nobody", "nothing", "nowhere", "without", "cannot"];

/// How much an intensifier right before a cue multiplies its weight. VADER uses an
/// additive 0.293 on a 4-point scale for booster words; 1.5x on a unit weight is our
/// own rounder equivalent, not tuned.
pub const INTENSIFIER_FACTOR: f32 = 1.5;

/// The categories of the shipped lexicon, which the tasks' labels and the actor finder
/// name (`datasets/lexicons/README.md`). A lexicon may bring others.
pub const KNOWN_CATEGORIES: &[&str] = &["cooperative", "adversarial", "accusation", "denial", "positive", "negative"];

/// The known category `category` is a misspelling of: one or two letters added, dropped
/// or changed ("postive", "acusation"). Such a cue would silently count for a category
/// of its own, never for the one meant (nor for the keyword rule, negation's opposite
/// category, or the actor finder).
fn misspelt_category(category: &str) -> Option<&'static str> {
    if KNOWN_CATEGORIES.contains(&category) {
        return None;
    }
    KNOWN_CATEGORIES.iter().copied().find(|known| edit_distance(category, known) <= 2)
}

/// Levenshtein distance between two short strings, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut previous = i + 1;
        for (cb, above) in b.iter().zip(row.iter_mut().skip(1)) {
            let cost = if ca == *cb { diagonal } else { diagonal + 1 };
            let value = cost.min(*above + 1).min(previous + 1);
            diagonal = *above;
            *above = value;
            previous = value;
        }
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
    }
    row.last().copied().unwrap_or(0)
}

/// One cue: a token sequence, the category it signals, and how strongly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cue {
    /// The term as written in the file.
    pub term: String,
    /// Category name (`cooperative`, `adversarial`, `accusation`, `denial`, ...).
    pub category: String,
    /// Weight in (0, 2].
    pub weight: f32,
}

/// A full lexicon, as stored inside a model file so prediction needs nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Lexicon {
    /// All cues.
    pub cues: Vec<Cue>,
    /// Terms that open a negation scope.
    pub negators: Vec<String>,
    /// Terms that strengthen the cue right after them.
    pub intensifiers: Vec<String>,
    /// Verbs of saying ("said", "according to"), kept for reporting-verb features.
    pub reporting_verbs: Vec<String>,
}

/// A cue found in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct CueMatch {
    /// Index into [`Lexicon::cues`].
    pub cue: usize,
    /// First word index (into the word-only token list) of the match.
    pub first_word: usize,
    /// Number of words matched.
    pub n_words: usize,
    /// Whether the match lies inside a negation scope.
    pub negated: bool,
    /// Weight after intensifiers.
    pub weight: f32,
}

/// A lexicon ready for matching: term token sequences indexed by their first token.
#[derive(Debug, Clone, Default)]
pub struct CueMatcher {
    by_first: HashMap<String, Vec<(usize, Vec<String>)>>,
    negators: Vec<Vec<String>>,
    /// First words of the negators: most words are not one, and are passed over with a
    /// single lookup.
    negator_starts: HashSet<String>,
    /// The word keys ([`crate::features`]' XXH3) of `negator_starts`: the analysis has
    /// every word's key already, and one probe of a few integers is cheaper than hashing
    /// and comparing the word.
    negator_start_keys: HashSet<u64>,
    intensifiers: HashMap<String, ()>,
    reporting: HashMap<String, ()>,
}

/// The files of a lexicon directory.
const LEXICON_FILES: [&str; 4] = ["cues.tsv", "negators.txt", "intensifiers.txt", "reporting_verbs.txt"];

/// Refuses a file of a lexicon directory named like one of its lists but not as one
/// (`Negators.txt`, `negator.txt`, `reporting-verbs.txt`, `intensifiers.tsv`) while the
/// list's own name is absent: it was never read, and the defaults (or no list) were used
/// without a word. The name is compared in lower case, `-` and ` ` as `_`, without its
/// extension and a final `s`. So is a cues file not named `cues.tsv` (`Cues.tsv`, as a
/// Windows or Mac copy keeps it; `cues.csv`), which was said only as `lex/cues.tsv: No
/// such file or directory (os error 2)` of a directory that shows a cues file.
fn refuse_misnamed_lists(dir: &Path) -> Result<()> {
    let stem = |name: &str| {
        let name = name.to_lowercase().replace(['-', ' '], "_");
        let base = name.split('.').next().unwrap_or_default().to_string();
        base.strip_suffix('s').map(str::to_string).unwrap_or(base)
    };
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(&meant) = LEXICON_FILES.iter().find(|known| stem(known) == stem(&name) && **known != name) else {
            continue;
        };
        if std::fs::symlink_metadata(dir.join(meant)).is_err() {
            // The cues file is needed: without it the directory is no lexicon.
            let reason = match meant {
                "cues.tsv" => {
                    "is not read: a lexicon directory's cues file is named cues.tsv, exactly (rename it)".into()
                }
                _ => format!(
                    "is not read: a lexicon directory's list is named {meant}, exactly (rename it, or it is as if \
                     there were no {meant})"
                ),
            };
            return Err(Error::Data { path: dir.join(&name), reason });
        }
    }
    Ok(())
}

/// Why `term` cannot be matched as written when it holds a number: the tokenizer makes
/// every number one token, `<num>`, so a cue `2004` matched every number of every text
/// (the keyword rule called "Prices fell 3 percent in 1999." positive by it), as the
/// word-classes reader already refuses. `None` for a term without a number.
fn number_problem(term: &str) -> Option<String> {
    let number = tokenize(term).into_iter().find(|t| t.kind == TokenKind::Word && t.text == NUMBER_TOKEN)?;
    let surface = term.get(number.start..number.end).unwrap_or_default();
    Some(format!(
        "term '{term}' holds the number '{surface}', and a text's numbers are all one token, {NUMBER_TOKEN}, so it \
         would match every number: leave numbers out of terms"
    ))
}

fn term_tokens(term: &str) -> Vec<String> {
    tokenize(term).into_iter().filter(|t| t.kind == TokenKind::Word).map(|t| t.text.into_owned()).collect()
}

impl Lexicon {
    /// Reads a lexicon from a directory holding `cues.tsv` (and optionally the lists), or
    /// from a single cues file.
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be read, [`Error::Lexicon`] naming the line of a
    /// malformed entry.
    pub fn load(path: &Path) -> Result<Lexicon> {
        let read = crate::input::read_text_file;
        if path.is_dir() {
            let cues_path = path.join("cues.tsv");
            // Before the cues are read: a misnamed cues file is said as such.
            refuse_misnamed_lists(path)?;
            let mut lexicon = Lexicon { cues: parse_cues(&read(&cues_path)?, &cues_path)?, ..Lexicon::default() };
            let list = |name: &str, single_words: bool| -> Result<Vec<String>> {
                let p = path.join(name);
                // A name that is there, even as a link to nothing, is a list meant to be
                // read: a dangling `negators.txt` link was taken for no file, and the
                // default negators used without a word.
                if let (Ok(link), Err(_)) = (std::fs::read_link(&p), std::fs::metadata(&p)) {
                    let reason = format!(
                        "is a symbolic link to {}, which does not exist (link it to the list, or delete it for the \
                         defaults)",
                        link.display()
                    );
                    return Err(Error::Data { path: p, reason });
                }
                if p.exists() {
                    parse_list(&read(&p)?, &p, single_words)
                } else {
                    Ok(Vec::new())
                }
            };
            lexicon.negators = list("negators.txt", false)?;
            lexicon.intensifiers = list("intensifiers.txt", true)?;
            lexicon.reporting_verbs = list("reporting_verbs.txt", false)?;
            // A list that is there but holds no term is refused where no list at all means
            // the defaults: an emptied negators.txt (meant as "no negators") was read as
            // the default negators, and an empty reporting_verbs.txt as the actor finder's
            // default verbs, without a word.
            let defaults = [
                (
                    "negators.txt",
                    lexicon.negators.is_empty(),
                    "the default negators (not, no, never, ...)",
                    "train with --no-negation to mark none",
                ),
                (
                    "reporting_verbs.txt",
                    lexicon.reporting_verbs.is_empty(),
                    "the default reporting verbs (said, says, told, ...)",
                    "list the verbs in it",
                ),
            ];
            for (name, empty, default, instead) in defaults {
                let p = path.join(name);
                if empty && p.exists() {
                    let reason = format!(
                        "a list with no terms, which is not read as none (delete the file for {default}, or {instead})"
                    );
                    return Err(Error::Data { path: p, reason });
                }
            }
            if lexicon.negators.is_empty() {
                lexicon.negators = DEFAULT_NEGATORS.iter().map(|s| s.to_string()).collect();
            }
            Ok(lexicon)
        } else {
            let cues = parse_cues(&read(path)?, path)?;
            Ok(Lexicon {
                cues,
                negators: DEFAULT_NEGATORS.iter().map(|s| s.to_string()).collect(),
                ..Lexicon::default()
            })
        }
    }

    /// The files [`Lexicon::load`] reads from `path`: a directory's `cues.tsv` and lists
    /// (those that exist or not), or the one cues file.
    pub fn files(path: &Path) -> Vec<std::path::PathBuf> {
        if path.is_dir() {
            LEXICON_FILES.iter().map(|name| path.join(name)).collect()
        } else {
            vec![path.to_path_buf()]
        }
    }

    /// What is wrong with a lexicon stored in a model file, by the rules a cues file is
    /// read with ([`Lexicon::load`]): a cue without a word, a category that is not
    /// lower-case letters or '_', a weight outside (0, 2]. Only a hand edit of the file
    /// makes one; such a model used to load and score with it (a negative weight turns a
    /// cue against its category, an unknown category adds columns the weights lack).
    /// Repeated cues are not judged: files written before they were refused hold some.
    pub fn problem(&self) -> Option<String> {
        // Every model load checks every cue: the good path tokenizes into one reused list
        // and builds no string (a message per cue cost 1.1 ms of the shipped models' load).
        let mut tokens = Vec::new();
        self.cues.iter().enumerate().find_map(|(i, cue)| {
            crate::text::tokenize_into(&cue.term, &mut tokens);
            let has_word = tokens.iter().any(|t| t.kind == TokenKind::Word);
            let category_ok =
                !cue.category.is_empty() && cue.category.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            let weight_ok = cue.weight > 0.0 && cue.weight <= 2.0;
            if has_word && category_ok && weight_ok {
                return None;
            }
            let term = crate::input::escape_controls(&cue.term);
            let n = i + 1;
            if !has_word {
                return Some(format!("lexicon cue {n}: term '{term}' has no words"));
            }
            let reason = if !category_ok {
                format!("category '{}' must be lower-case letters or '_'", crate::input::escape_controls(&cue.category))
            } else {
                let weight = cue.weight;
                let shown =
                    if weight.is_finite() && weight.abs() >= 1e7 { format!("{weight:e}") } else { weight.to_string() };
                format!("weight {shown} is outside (0, 2]")
            };
            Some(format!("lexicon cue {n} ('{term}'): {reason}"))
        })
    }

    /// The categories present, sorted, so feature columns have a stable order.
    pub fn categories(&self) -> Vec<String> {
        let mut categories: Vec<String> = self.cues.iter().map(|c| c.category.clone()).collect();
        categories.sort();
        categories.dedup();
        categories
    }

    /// Whether a cue is found in one of `texts`, read as the features read them: a
    /// lexicon of cues none of the texts use (another language's, one for other texts)
    /// gives cue columns of 0 on every row, and the model trained as if it had not been given.
    pub fn finds_any<S: AsRef<str>>(&self, texts: &[S]) -> bool {
        let matcher = self.matcher();
        crate::text::any_text_words(texts, |words| !matcher.find(self, words, &vec![false; words.len()]).is_empty())
    }

    /// The warning for this lexicon when no cue of it is in `texts` (the training texts):
    /// its cue columns are then 0 on every row and the model trains as without it, which
    /// used to pass without a word. `given` names it as the user did (`--lexicon fr.tsv`).
    pub fn unused_warning<S: AsRef<str>>(&self, given: &str, texts: &[S]) -> Option<String> {
        (!self.finds_any(texts)).then(|| {
            format!(
                "no cue of {given} ({}) is in the training texts, so its cue columns are 0 on every row and the model \
                 trains as without it (a lexicon made for other texts, or another language?)",
                crate::error::counted(self.cues.len(), "cue")
            )
        })
    }

    /// Builds the matcher used at feature time.
    pub fn matcher(&self) -> CueMatcher {
        let mut by_first: HashMap<String, Vec<(usize, Vec<String>)>> = HashMap::default();
        for (i, cue) in self.cues.iter().enumerate() {
            let tokens = term_tokens(&cue.term);
            if let Some(first) = tokens.first() {
                by_first.entry(first.clone()).or_default().push((i, tokens));
            }
        }
        // Longest terms first, so "held responsible" wins over "held".
        for list in by_first.values_mut() {
            list.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        }
        let mut negators: Vec<Vec<String>> =
            self.negators.iter().map(|n| term_tokens(n)).filter(|t| !t.is_empty()).collect();
        negators.sort_by_key(|n| std::cmp::Reverse(n.len()));
        let intensifiers = self.intensifiers.iter().flat_map(|t| term_tokens(t)).map(|t| (t, ())).collect();
        // Single-word reporting verbs; of multi-word ones ("according to") the first word.
        let reporting =
            self.reporting_verbs.iter().filter_map(|t| term_tokens(t).into_iter().next()).map(|t| (t, ())).collect();
        let negator_starts: HashSet<String> = negators.iter().filter_map(|n| n.first().cloned()).collect();
        let negator_start_keys = negator_starts.iter().map(|w| crate::features::word_key(w.as_bytes())).collect();
        CueMatcher { by_first, negators, negator_starts, negator_start_keys, intensifiers, reporting }
    }
}

/// A matcher with no cues and the default negators: negation marking without a lexicon.
pub fn default_negation_matcher() -> CueMatcher {
    Lexicon { negators: DEFAULT_NEGATORS.iter().map(|s| s.to_string()).collect(), ..Lexicon::default() }.matcher()
}

impl CueMatcher {
    /// Whether `word` is (the first word of) a reporting verb of the lexicon.
    pub fn is_reporting_verb(&self, word: &str) -> bool {
        self.reporting.contains_key(word)
    }

    /// Marks which words lie in a negation scope: from a negator to the next clause
    /// boundary. `words` are the word tokens, `boundary_after[i]` says whether a clause
    /// boundary follows word `i`. The negator itself is not negated.
    pub fn negation_scope(&self, words: &[&str], boundary_after: &[bool]) -> Vec<bool> {
        let mut negated = Vec::new();
        self.scope_into(words, boundary_after, |_, w| self.negator_starts.contains(w), &mut negated);
        negated
    }

    /// [`CueMatcher::negation_scope`] into `negated` (cleared first), given the words'
    /// keys (`keys[i]` is `features::word_key` of `words[i]`): a word that starts no
    /// negator is passed over by one probe of a few integers instead of hashing and
    /// comparing it. A key that matches is confirmed on the word, so the scope is
    /// exactly [`CueMatcher::negation_scope`]'s.
    pub(crate) fn negation_scope_keyed(
        &self,
        words: &[&str],
        keys: &[u64],
        boundary_after: &[bool],
        negated: &mut Vec<bool>,
    ) {
        let starts = |i: usize, w: &str| {
            keys.get(i).is_some_and(|k| self.negator_start_keys.contains(k)) && self.negator_starts.contains(w)
        };
        self.scope_into(words, boundary_after, starts, negated);
    }

    /// The negation scope of `words` into `negated`; `starts(i, word)` says whether word
    /// `i` is the first word of a negator.
    fn scope_into(
        &self,
        words: &[&str],
        boundary_after: &[bool],
        starts: impl Fn(usize, &str) -> bool,
        negated: &mut Vec<bool>,
    ) {
        negated.clear();
        negated.resize(words.len(), false);
        let mut in_scope = false;
        let mut i = 0;
        while i < words.len() {
            let rest = words.get(i..).unwrap_or_default();
            let negator_len = if rest.first().is_some_and(|w| starts(i, w)) {
                self.negators.iter().find(|n| starts_with(rest, n)).map(|n| n.len())
            } else {
                None
            };
            if let Some(len) = negator_len {
                in_scope = true;
                let last = i + len - 1;
                i += len;
                if boundary_after.get(last).copied().unwrap_or(false) {
                    in_scope = false;
                }
                continue;
            }
            if let Some(slot) = negated.get_mut(i) {
                *slot = in_scope;
            }
            if boundary_after.get(i).copied().unwrap_or(false) {
                in_scope = false;
            }
            i += 1;
        }
    }

    /// Finds every cue in `words` (longest match first, no overlaps).
    pub fn find(&self, lexicon: &Lexicon, words: &[&str], negated: &[bool]) -> Vec<CueMatch> {
        let mut matches = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut matched = 0;
            if let Some(candidates) = words.get(i).and_then(|w| self.by_first.get(*w)) {
                for (cue, tokens) in candidates {
                    if matched > 0 && tokens.len() < matched {
                        break;
                    }
                    if starts_with(words.get(i..).unwrap_or_default(), tokens) {
                        matched = tokens.len();
                        let boost = if i > 0 && words.get(i - 1).is_some_and(|w| self.intensifiers.contains_key(*w)) {
                            INTENSIFIER_FACTOR
                        } else {
                            1.0
                        };
                        let weight = lexicon.cues.get(*cue).map(|c| c.weight).unwrap_or(0.0) * boost;
                        matches.push(CueMatch {
                            cue: *cue,
                            first_word: i,
                            n_words: tokens.len(),
                            negated: negated.get(i).copied().unwrap_or(false),
                            weight,
                        });
                    }
                }
            }
            i += matched.max(1);
        }
        matches
    }
}

fn starts_with(words: &[&str], term: &[String]) -> bool {
    term.len() <= words.len() && term.iter().zip(words).all(|(a, b)| a == b)
}

/// The terms of a `.txt` list, one a line, lower-cased. A line with a tab (a weight or a
/// second column copied from a `.tsv`) or without a word is refused: matched as tokens,
/// `not<TAB>1` would be the two-word negator "not 1" and `!!!` nothing, so "not" would
/// silently stop negating. Intensifiers (`single_words`) are one word each: only the word
/// right before a cue is looked at, and "very much" would make "much" one.
///
/// # Errors
/// [`Error::Lexicon`] naming the line.
fn parse_list(text: &str, path: &Path, single_words: bool) -> Result<Vec<String>> {
    let mut terms = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let term = raw.trim();
        if term.is_empty() || term.starts_with('#') {
            continue;
        }
        let location = Location::file(path).at_line(n as u64 + 1);
        let reason = if term.contains('\t') {
            Some(format!(
                "'{}' holds a tab (a .txt list has one term per line, without weights or other columns)",
                term.escape_debug()
            ))
        } else {
            match term_tokens(term).len() {
                0 => Some(format!("term '{term}' has no words")),
                words if single_words && words > 1 => Some(format!(
                    "intensifier '{term}' has {words} words (an intensifier is the one word right before a cue)"
                )),
                _ => number_problem(term),
            }
        };
        if let Some(reason) = reason {
            return Err(Error::Lexicon { location, reason });
        }
        terms.push(term.to_lowercase());
    }
    Ok(terms)
}

fn parse_cues(text: &str, path: &Path) -> Result<Vec<Cue>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cues = Vec::new();
    // The line of each (term tokens, category): a repeated cue would count twice.
    let mut lines: HashMap<(Vec<String>, String), usize> = HashMap::default();
    let mut seen_header = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        let location = Location::file(path).at_line(n as u64 + 1);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if !seen_header {
            seen_header = true;
            // In any case: a table exported with its columns named `Term`, `Category` and
            // `Weight` was refused at line 1 as a category that is not lower case.
            if fields.first().is_some_and(|f| f.trim().eq_ignore_ascii_case("term")) {
                continue;
            }
        }
        let [term, category, weight_text] = fields.as_slice() else {
            return Err(Error::Lexicon {
                location,
                reason: format!(
                    "expected 3 tab-separated fields (term, category, weight), found {}{}",
                    fields.len(),
                    separator_hint(line, 3)
                ),
            });
        };
        let (term, category, weight_text) = (term.trim(), category.trim(), weight_text.trim());
        // A bad field is named by its column, as the header (and the format) names it.
        let at = |column: &str| location.clone().with_column(column);
        if term_tokens(term).is_empty() {
            return Err(Error::Lexicon { location: at("term"), reason: format!("term '{term}' has no words") });
        }
        if let Some(reason) = number_problem(term) {
            return Err(Error::Lexicon { location: at("term"), reason });
        }
        if category.is_empty() || !category.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(Error::Lexicon {
                location: at("category"),
                reason: format!("category '{category}' must be lower-case letters or '_'"),
            });
        }
        if let Some(known) = misspelt_category(category) {
            return Err(Error::Lexicon {
                location: at("category"),
                reason: format!(
                    "category '{category}' looks like a misspelling of '{known}' (the known categories are {}; \
                     a category of your own needs a name further from them)",
                    KNOWN_CATEGORIES.join(", ")
                ),
            });
        }
        let weight: f32 = weight_text.parse().map_err(|_| Error::Lexicon {
            location: at("weight"),
            reason: format!("weight '{weight_text}' is not a number{}", decimal_comma_hint(weight_text)),
        })?;
        if !(weight > 0.0 && weight <= 2.0) {
            // Said as written: `1e-50` is 0 as an f32, and "weight 0" named no line's text.
            return Err(Error::Lexicon {
                location: at("weight"),
                reason: format!("weight {} is outside (0, 2]", weight_text.trim()),
            });
        }
        if let Some(first) = lines.insert((term_tokens(term), category.to_string()), n + 1) {
            return Err(Error::Lexicon {
                location,
                reason: format!("cue '{term}' ({category}) repeats line {first} (remove one, or merge their weights)"),
            });
        }
        cues.push(Cue { term: term.to_string(), category: category.to_string(), weight });
    }
    if cues.is_empty() {
        return Err(Error::Data {
            path: path.to_path_buf(),
            reason: "a lexicon with no cues (add lines of term, category and weight, separated by tabs)".into(),
        });
    }
    Ok(cues)
}

/// For a weight written with a decimal comma (`1,5`, as a spreadsheet in a German or French
/// locale saves it), how to write it; empty otherwise. It was only `is not a number`,
/// beside a number anyone reads as one and a half.
fn decimal_comma_hint(weight: &str) -> String {
    let (whole, fraction) = match weight.trim().split_once(',') {
        Some(parts) => parts,
        None => return String::new(),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match digits(whole) && digits(fraction) {
        true => format!(" (a decimal comma, as a spreadsheet in some locales writes it: write {whole}.{fraction})"),
        false => String::new(),
    }
}

/// For a line without a tab that splits into `n_fields` at commas or semicolons, or into
/// at least that many at spaces (a term may have several words): says so. A cues or
/// word-classes file saved as CSV, or copied from a web page that turned its tabs into
/// spaces, was only `found 1`. Empty when the line does not split so.
pub(crate) fn separator_hint(line: &str, n_fields: usize) -> &'static str {
    if line.contains('\t') {
        return "";
    }
    let splits = |separator: &str| line.split(separator).filter(|f| !f.trim().is_empty()).count() == n_fields;
    if splits(",") {
        " (the line is separated by commas: the file is tab-separated, one TAB between fields)"
    } else if splits(";") {
        " (the line is separated by semicolons: the file is tab-separated, one TAB between fields)"
    } else if line.split_whitespace().count() >= n_fields {
        " (the line is separated by spaces, as text copied from a web page or an editor that turns tabs into spaces \
         has it: the file is tab-separated, one TAB between fields)"
    } else {
        ""
    }
}

/// The category whose cues a negation turns into this one's ("not good" counts as
/// negative), for the pairs where that reading holds.
pub fn opposite(category: &str) -> Option<&'static str> {
    match category {
        "positive" => Some("negative"),
        "negative" => Some("positive"),
        "cooperative" => Some("adversarial"),
        "adversarial" => Some("cooperative"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        let text = "term\tcategory\tweight\n# comment\naccuse\taccusation\t1\nheld responsible\taccusation\t1.5\nheld\tneutral_x\t0.5\ngood\tpositive\t1\n";
        Lexicon {
            cues: parse_cues(text, Path::new("cues.tsv")).unwrap(),
            negators: vec!["not".into(), "no longer".into()],
            intensifiers: vec!["very".into()],
            reporting_verbs: vec![],
        }
    }

    #[test]
    fn finds_any_reads_the_texts_as_the_features_do() {
        let lex = lexicon();
        assert!(lex.finds_any(&["x", "They were HELD Responsible."]));
        assert!(lex.finds_any(&["A &quot;good&quot; day"]));
        assert!(!lex.finds_any(&["Talks failed.", "Ils sont bons."]));
        assert!(!lex.finds_any::<&str>(&[]));
    }

    #[test]
    fn longest_cue_wins() {
        let lex = lexicon();
        let words = ["they", "held", "responsible", "him"];
        let found = lex.matcher().find(&lex, &words, &[false; 4]);
        assert_eq!(found.len(), 1);
        assert_eq!(lex.cues[found[0].cue].term, "held responsible");
        assert_eq!(found[0].weight, 1.5);
    }

    proptest::proptest! {
        /// The scope found through word keys is the scope found through the words.
        #[test]
        fn keyed_negation_scope_equals_the_scope_of_words(
            picks in proptest::collection::vec((0usize..8, proptest::bool::ANY), 0..30),
        ) {
            let vocabulary = ["not", "very", "good", "no", "longer", "never", "x", "without"];
            let m = default_negation_matcher();
            let words: Vec<&str> = picks.iter().map(|(i, _)| vocabulary.get(*i).copied().unwrap_or("x")).collect();
            let boundary: Vec<bool> = picks.iter().map(|(_, b)| *b).collect();
            let keys: Vec<u64> = words.iter().map(|w| crate::features::word_key(w.as_bytes())).collect();
            let mut keyed = vec![true; 3];
            m.negation_scope_keyed(&words, &keys, &boundary, &mut keyed);
            proptest::prop_assert_eq!(keyed, m.negation_scope(&words, &boundary));
        }
    }

    #[test]
    fn negation_scope_stops_at_boundary() {
        let lex = lexicon();
        let m = lex.matcher();
        let words = ["not", "very", "good", "but", "fine", "no", "longer", "good"];
        let boundary = [false, false, true, false, false, false, false, false];
        assert_eq!(m.negation_scope(&words, &boundary), [false, true, true, false, false, false, false, true]);
    }

    #[test]
    fn intensifier_boosts_weight() {
        let lex = lexicon();
        let found = lex.matcher().find(&lex, &["very", "good"], &[false, false]);
        assert_eq!(found[0].weight, 1.5);
    }

    #[test]
    fn malformed_line_is_named() {
        let err = parse_cues("term\tcategory\tweight\naccuse\taccusation\n", Path::new("x.tsv")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.tsv:2: malformed lexicon line: expected 3 tab-separated fields (term, category, weight), found 2"
        );
        let err = parse_cues("a\tpositive\t3\n", Path::new("x.tsv")).unwrap_err();
        assert!(err.to_string().contains("x.tsv:1:"), "{err}");
    }

    #[test]
    fn list_lines_with_a_tab_no_word_or_an_intensifier_of_two_words_are_named() {
        let err = |text: &str, single: bool| parse_list(text, Path::new("n.txt"), single).unwrap_err().to_string();
        assert_eq!(
            err("# negators\nnever\nnot\t1\n", false),
            "n.txt:3: malformed lexicon line: 'not\\t1' holds a tab (a .txt list has one term per line, without weights \
             or other columns)"
        );
        assert_eq!(err("never\n\n!!!\n", false), "n.txt:3: malformed lexicon line: term '!!!' has no words");
        assert_eq!(
            err("very\nvery much\n", true),
            "n.txt:2: malformed lexicon line: intensifier 'very much' has 2 words (an intensifier is the one word \
             right before a cue)"
        );
        // Multi-word negators and reporting verbs are fine; spaces around a term and CRLF go.
        let list = parse_list("No Longer \r\n\u{a0}never\r\n", Path::new("n.txt"), false).unwrap();
        assert_eq!(list, ["no longer", "never"]);
        assert_eq!(parse_list("Sharply\r\n", Path::new("i.txt"), true).unwrap(), ["sharply"]);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_lexicon_line() {
        // Old Mac line endings: each file used to be one line, the list the single
        // negator "not never", the cues a header line of 7 fields and no cue.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cues.tsv"), b"term\tcategory\tweight\rgood\tpositive\t1\rbad\tnegative\t1\r")
            .unwrap();
        std::fs::write(dir.path().join("negators.txt"), b"not\rnever\r\r\nno longer\r").unwrap();
        let lexicon = Lexicon::load(dir.path()).unwrap();
        assert_eq!(lexicon.cues.len(), 2);
        assert_eq!(lexicon.negators, ["not", "never", "no longer"]);
        // A file of old Mac line ends is Mac Roman, not Windows-1252 (hunt 21).
        std::fs::write(dir.path().join("negators.txt"), b"not\rn\xFFver\r").unwrap();
        let err = Lexicon::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.ends_with(
                "negators.txt:2: invalid UTF-8 at byte offset 5 (it looks like Mac Roman, with the CR line ends of old \
                 Mac files, which Excel for Mac saves as Comma Separated Values: re-encode the file as UTF-8, e.g. \
                 iconv -f MACINTOSH -t UTF-8)"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_misspelt_category_is_named_and_other_categories_are_kept() {
        let err = |category: &str| {
            let text = format!("term\tcategory\tweight\ngood\tpositive\t1\nfine\t{category}\t1\n");
            parse_cues(&text, Path::new("x.tsv")).err().map(|e| e.to_string())
        };
        let known = "cooperative, adversarial, accusation, denial, positive, negative";
        assert_eq!(
            err("postive").as_deref(),
            Some(
                format!(
                    "x.tsv:3: column 'category': malformed lexicon line: category 'postive' looks like a misspelling \
                     of 'positive' (the known categories are {known}; a category of your own needs a name further from them)"
                )
                .as_str()
            )
        );
        for (typo, meant) in [("acusation", "accusation"), ("adverserial", "adversarial"), ("denials", "denial")] {
            assert!(err(typo).is_some_and(|e| e.contains(&format!("misspelling of '{meant}'"))), "{typo}");
        }
        for fine in ["negative", "neutral_x", "threat", "praise", "positive_strong"] {
            assert_eq!(err(fine), None, "{fine}");
        }
        assert_eq!(
            (edit_distance("", "abc"), edit_distance("kitten", "sitting"), edit_distance("abc", "abc")),
            (3, 3, 0)
        );
    }

    #[test]
    fn empty_repeated_bom_and_invalid_utf8_cue_files() {
        let err = |text: &str| parse_cues(text, Path::new("x.tsv")).unwrap_err().to_string();
        let none = "x.tsv: a lexicon with no cues (add lines of term, category and weight, separated by tabs)";
        assert_eq!(err(""), none);
        assert_eq!(err("term\tcategory\tweight\n# only a comment\n"), none);
        // "Good" and "good" tokenize alike: the same cue; in another category it is not.
        assert_eq!(
            err("term\tcategory\tweight\ngood\tpositive\t1\ngood\tnegative\t1\nGood\tpositive\t0.5\n"),
            "x.tsv:4: malformed lexicon line: cue 'Good' (positive) repeats line 2 (remove one, or merge their weights)"
        );
        let cues = parse_cues("\u{feff}term\tcategory\tweight\ngood\tpositive\t1\n", Path::new("x.tsv")).unwrap();
        assert_eq!(cues.len(), 1);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cues.tsv"), b"\xEF\xBB\xBFterm\tcategory\tweight\ngood\tpositive\t1\n")
            .unwrap();
        assert_eq!(Lexicon::load(dir.path()).unwrap().cues.len(), 1);
        std::fs::write(dir.path().join("negators.txt"), b"not\nn\xFFver\n").unwrap();
        let err = Lexicon::load(dir.path()).unwrap_err().to_string();
        let expected = "negators.txt:2: invalid UTF-8 at byte offset 5 (it looks like Windows-1252, which Excel and \
                        Notepad save: re-encode the file as UTF-8, e.g. iconv -f WINDOWS-1252 -t UTF-8)";
        assert!(err.ends_with(expected), "{err}");
    }
}
