//! Who accuses whom, and who denies. Input: one sentence already labelled `accusation`
//! or `denial`, and the lexicon (cues, reporting verbs). Output: the `source` (accuser,
//! or the one denying) and the `target` (the accused; empty for denials) as exact spans
//! of the sentence, or empty when the sentence does not say (see
//! `../shared/guides/actors.md`).
//!
//! No parser: a few patterns of news grammar, tried in order, over the tokens and the
//! punctuation between them:
//! 1. `"...," X said` / `"...," said X`: X is the source.
//! 2. `according to X`: X is the source.
//! 3. `Y was accused (by X) of`: passive; Y is the target, X the source. With a verb of
//!    wrongdoing rather than of accusing (`robbed by X`) the agent X is the target.
//! 4. `X accused Y of`: active; X is the subject, Y the object up to `of/for/with/...`.
//!    With a verb of wrongdoing (`X lied to Y`, `X allegedly took`) X is the target and
//!    no source is named.
//! 5. `X said (that) Y ...cue`: X is the source, Y the subject of the reported clause
//!    (also after a verb of finding: `X found that Y ...`).
//!
//! Noun phrases are cut the way the guide asks: determiners, titles and possessives
//! kept, appositions between commas and trailing adverbs ("on Tuesday") dropped. Every
//! span then gets one last cut (`Context::tidy`), and without any cue or reporting verb
//! an accusation's subject is taken as the accused. Those rules came from real news
//! (`datasets/actors/news_train_spans.csv`); `news_dev_spans.csv` measures them.

use crate::lexicon::{CueMatcher, Lexicon};
use crate::text::{split_sentences, tokenize, TokenKind};

/// A span of the sentence: byte offsets and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// Byte offset in the sentence.
    pub start: usize,
    /// One past the end.
    pub end: usize,
    /// The sentence's text between them.
    pub text: String,
}

/// The actors of an accusation or a denial.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Actors {
    /// The accuser, or the one who denies.
    pub source: Option<Span>,
    /// The accused (accusations only).
    pub target: Option<Span>,
}

/// Which kind of sentence the actors are sought in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Someone accuses or blames an actor.
    Accusation,
    /// Someone rejects a claim.
    Denial,
}

/// Verbs that report speech, used when the lexicon brings none.
const DEFAULT_REPORTING: &[&str] = &["said", "says", "say", "told", "added", "claimed", "insisted", "wrote", "stated"];
/// Extra verbs of saying that introduce fronted quotes ("...," she shouted).
const QUOTE_VERBS: &[&str] =
    &["shouted", "wrote", "tweeted", "declared", "argued", "replied", "told", "warned", "insisted", "added"];
/// Words that end a subject phrase when read backwards from a verb: auxiliaries and
/// adverbs that sit between a subject and its verb ("Police on Tuesday formally
/// charged").
const TRAILING_NOISE: &[&str] = &[
    "has",
    "have",
    "had",
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "did",
    "does",
    "do",
    "also",
    "again",
    "formally",
    "strongly",
    "repeatedly",
    "publicly",
    "previously",
    "later",
    "earlier",
    "yesterday",
    "today",
    "now",
    "already",
    "still",
    "flatly",
    "categorically",
    "firmly",
    "vehemently",
    "swiftly",
    "quickly",
    "then",
    "has been",
    "not",
    "never",
    "always",
    "openly",
    "explicitly",
    "effectively",
    "reportedly",
    "allegedly",
    "officially",
    "once",
    "even",
    "both",
    "all",
    "just",
    "immediately",
    "initially",
    "subsequently",
    "eventually",
    "finally",
    "each",
];
/// Day and time words after `on` that close a temporal phrase to drop ("on Tuesday").
const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "weekend",
    "morning",
    "evening",
    "night",
    "afternoon",
];
/// Words that open a sentence or clause before its subject ("But", "Eventually"): not
/// part of the actor's name.
const LEADING_NOISE: &[&str] = &[
    "but",
    "and",
    "so",
    "yet",
    "or",
    "eventually",
    "meanwhile",
    "however",
    "also",
    "initially",
    "now",
    "then",
    "still",
    "later",
    "earlier",
    "yesterday",
    "today",
    "tonight",
    "finally",
    "indeed",
    "instead",
    "thus",
    "except",
];
/// Words that open a time phrase before a subject ("On Monday the minister", "Last
/// week the group").
const TIME_OPENERS: &[&str] = &["on", "last", "this", "next", "over", "during", "earlier", "later", "in"];
/// Nouns that close such a time phrase, besides the days of [`TIME_WORDS`].
const TIME_NOUNS: &[&str] = &[
    "week",
    "month",
    "year",
    "day",
    "decade",
    "weekend",
    "summer",
    "winter",
    "spring",
    "autumn",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
/// Prepositions whose phrase before a comma sets a scene ("At the United Nations,").
const SCENE_PREPOSITIONS: &[&str] =
    &["at", "in", "on", "over", "during", "after", "before", "for", "from", "with", "across", "under", "as", "since"];
/// First words no actor's name starts with: a preposition or an auxiliary there means a
/// verb or a prepositional phrase was taken for a noun phrase ("in her blood tests",
/// "has been issued").
const NOT_A_NAME_START: &[&str] = &[
    "in", "on", "at", "to", "with", "by", "for", "of", "from", "into", "as", "than", "because", "has", "have", "had",
    "is", "are", "was", "were", "be", "been", "being", "would", "will", "can", "could", "should", "may", "might",
    "must", "did", "does", "do", "but", "and", "or", "while", "whereas", "although", "though", "if", "which", "that",
    "thanks",
];
/// Heads of a subject that is the claim itself, not an actor ("The story was a hoax",
/// "the photo is an obvious fake"): a denial of it names no one who denies.
const CLAIM_NOUNS: &[&str] = &[
    "story",
    "stories",
    "report",
    "reports",
    "claim",
    "claims",
    "rumour",
    "rumours",
    "rumor",
    "rumors",
    "photo",
    "photos",
    "picture",
    "pictures",
    "image",
    "images",
    "video",
    "videos",
    "article",
    "tweet",
    "tweets",
    "post",
    "posts",
    "hoax",
    "news",
    "allegation",
    "allegations",
];
/// Adverb endings cut from the end of a phrase ("The Scot initially").
const ADVERB_ENDINGS: &[&str] =
    &["ally", "ently", "antly", "ously", "ively", "fully", "lessly", "edly", "ingly", "ibly", "ably", "icly"];
/// Nouns of accusing or sanctioning whose "against X" names the accused ("tax claims
/// against Yukos", "proceedings against Vivendi"; real news, `news_train_spans.csv`).
const ACCUSING_NOUNS: &[&str] = &[
    "claims",
    "claim",
    "charges",
    "charge",
    "proceedings",
    "case",
    "cases",
    "lawsuit",
    "lawsuits",
    "suit",
    "allegation",
    "allegations",
    "complaint",
    "complaints",
    "action",
    "fine",
    "fines",
    "sanctions",
    "accusations",
    "accusation",
    "operation",
    "investigation",
    "probe",
    "levied",
    "brought",
    "filed",
    "launched",
];
/// Pronouns of the speaker and the one spoken to: in an accusation, the one who speaks,
/// never the accused ("We'll see if ...", "'We were robbed,' he said").
const SPEAKERS: &[&str] = &["we", "you", "i"];
/// Subjects that name no one ("It was ...", "There is ...", "This is ...").
const EXPLETIVES: &[&str] = &["it", "there", "this"];
/// Nouns of a sanction that a possessive pronoun names the accused of ("his arrest").
const SANCTION_NOUNS: &[&str] =
    &["arrest", "conviction", "indictment", "prosecution", "extradition", "detention", "sentencing", "expulsion"];
/// Words that open a subordinate or coordinate clause: a subject starts after them.
const CLAUSE_OPENERS: &[&str] = &[
    "that", "as", "and", "but", "after", "when", "while", "because", "since", "although", "though", "whereas", "if",
    "so", "yet", "where", "before", "until", "once",
];
/// Words that end an object phrase after an accusing verb ("accused Y of ...").
const OBJECT_STOPS: &[&str] = &[
    "of",
    "for",
    "with",
    "over",
    "on",
    "in",
    "after",
    "to",
    "that",
    "as",
    "at",
    "by",
    "during",
    "because",
    "since",
    "from",
    "about",
    "when",
    "while",
    "and",
    "but",
    "before",
    "under",
    "amid",
    "following",
    "near",
    "outside",
    "inside",
    "across",
    // A pronoun after a noun opens a relative clause ("residents they suspected").
    "they",
    "he",
    "she",
    "we",
    "who",
    "which",
];
/// Determiners: a word right after one is a noun ("the claims"), not a verb.
const DETERMINERS: &[&str] =
    &["the", "a", "an", "these", "those", "his", "her", "its", "their", "our", "such", "any", "all"];
/// Common irregular past tenses that end a subject phrase ("saboteurs blew up").
const IRREGULAR_PAST: &[&str] = &[
    "blew", "stole", "took", "made", "set", "shot", "hit", "broke", "fled", "led", "ran", "sent", "began", "gave",
    "paid", "sold", "told", "kept", "left", "met", "fought", "bought", "brought", "caught", "threw", "wrote", "drove",
    "struck", "spent", "lost", "won", "beat", "hid", "lied", "knew", "saw", "did", "got", "sought", "spread", "stood",
    "put", "cut", "let", "bit", "came", "went", "found", "held", "felt", "thought", "became", "fell", "rose", "grew",
    "spoke", "heard", "withdrew",
];
/// Auxiliaries that mark a passive before a past participle.
const PASSIVE_AUX: &[&str] = &["was", "were", "been", "is", "are", "be", "being", "got", "get", "gets"];
/// Word stems of verbs of accusing: in a passive, their `by` agent is the accuser.
/// With any other verb ("robbed by the judges") the agent is the wrongdoer.
const ACCUSING_STEMS: &[&str] = &[
    "accus",
    "blam",
    "charg",
    "alleg",
    "sued",
    "sue",
    "suing",
    "condemn",
    "critici",
    "indict",
    "prosecut",
    "fault",
    "denounc",
    "implicat",
    "suspect",
    "investigat",
    "probe",
    "probing",
    "examin",
    "scrutini",
    "arrest",
    "convict",
    "fined",
    "sanction",
    // Sanctions: the one sanctioned is the accused, as with a charge (real news,
    // `datasets/actors/news_train_spans.csv`: "Collins was suspended by the agency").
    "suspend",
    "banned",
    "detain",
    "jail",
    "sentenc",
    "punish",
    "expel",
    "disqualif",
    "stripped",
    "reprimand",
    "censur",
    "rebuk",
    "berat",
    "lambast",
    "slam",
];
/// Verbs of finding or believing that report a clause after "that" ("concluded that",
/// "revealed that"), like the lexicon's reporting verbs; kept here, not in the lexicon,
/// whose reporting verbs are also model features.
const FINDING_VERBS: &[&str] = &[
    "found",
    "finds",
    "find",
    "concluded",
    "concludes",
    "ruled",
    "rules",
    "revealed",
    "reveals",
    "disclosed",
    "discloses",
    "believe",
    "believes",
    "believed",
    "determined",
    "established",
    "showed",
    "shows",
    "learned",
    "discovered",
    "realised",
    "realized",
];
/// Documents an actor speaks through ("A report from Judicial Watch stated"): a source
/// naming one is the actor behind it.
const REPORT_NOUNS: &[&str] =
    &["report", "statement", "study", "survey", "letter", "complaint", "lawsuit", "filing", "memo", "audit"];
/// First words of the lexicon's phrases of accusing ("held ... responsible", "pointed
/// the finger", "laid the blame", "filed charges"): their subject accuses.
const ACCUSING_PHRASE_HEADS: &[&str] = &[
    "hold", "holds", "held", "holding", "point", "points", "pointed", "pointing", "laid", "lay", "lays", "shifted",
    "shift", "traded", "trade", "brought", "bring", "brings", "filed", "file", "files", "pressed", "press", "presses",
];
/// Verb-like words that end a reported clause's subject ("said Y was behind ...").
const CLAUSE_VERBS: &[&str] = &[
    "was", "were", "is", "are", "had", "has", "have", "would", "will", "could", "did", "may", "might", "must",
    "should", "can",
];

/// A word of the sentence with its byte span and its lower-case form.
struct Word {
    lower: String,
    start: usize,
    end: usize,
}

/// Finds the source and target of `sentence`, read as `claim`.
pub fn extract(sentence: &str, claim: Claim, lexicon: &Lexicon) -> Actors {
    let matcher = lexicon.matcher();
    extract_with(sentence, claim, lexicon, &matcher)
}

/// As [`extract`], with a matcher built once for many sentences.
pub fn extract_with(sentence: &str, claim: Claim, lexicon: &Lexicon, matcher: &CueMatcher) -> Actors {
    // Scraped text's character references are read as the characters they stand for, as
    // the features read them: "Russia&#39;s army" was cut at the reference's `;` (the
    // target `Russia&#39`). The spans are put back on the sentence as given.
    let Some(decoded) = crate::text::decode_with_places(sentence) else {
        return extract_from(sentence, claim, lexicon, matcher);
    };
    let on_given = |span: Span| {
        let (start, end) = (decoded.original_offset(span.start), decoded.original_offset(span.end));
        Span { start, end, text: sentence.get(start..end).unwrap_or_default().to_string() }
    };
    let found = extract_from(&decoded.text, claim, lexicon, matcher);
    Actors { source: found.source.map(on_given), target: found.target.map(on_given) }
}

/// As [`extract_with`], on a sentence without character references.
fn extract_from(sentence: &str, claim: Claim, lexicon: &Lexicon, matcher: &CueMatcher) -> Actors {
    let words: Vec<Word> = tokenize(sentence)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Word)
        .map(|t| Word { lower: t.text.into_owned(), start: t.start, end: t.end })
        .collect();
    if words.is_empty() {
        return Actors::default();
    }
    let lower: Vec<&str> = words.iter().map(|w| w.lower.as_str()).collect();
    // A text of more than one sentence (a CSV row, a line, a Spark row: predict takes
    // them as given) is read sentence by sentence: no span reaches across an end.
    let sentence_ends: Vec<usize> = split_sentences(sentence).iter().map(|s| s.end).collect();
    let reporting: Vec<String> = if lexicon.reporting_verbs.is_empty() {
        DEFAULT_REPORTING.iter().map(|s| s.to_string()).collect()
    } else {
        lexicon.reporting_verbs.iter().filter(|v| !v.contains(' ')).cloned().collect()
    };
    let ctx = Context { sentence, words: &words, lower: &lower, sentence_ends: &sentence_ends, reporting: &reporting };
    let cue = ctx.cue(claim, lexicon, matcher);
    let found = ctx.read(claim, cue);
    ctx.tidied(claim, found)
}

/// The first word and the length of the cue of a claim in a sentence.
type CueAt = (usize, usize);

/// The patterns, tried in order on a sentence with what [`Context::cue`] found: the
/// first that applies gives the actors, before [`Context::tidied`] cuts them.
impl Context<'_> {
    /// The cue of `claim`: the lexicon's first cue of its category, or a verb of
    /// accusing or sanctioning, which stands in for one ("was suspended by", "has
    /// detained"; a verb form, not the noun "investigator"): real news accuses with words
    /// the lexicon files under other categories. An active one before the lexicon's cue
    /// is the cue: the main clause's accusation comes first ("Police have detained three
    /// executives, with reports suggesting they are investigated for fraud"); a passive
    /// one names no accuser ("The envoy was expelled after Paris accused him of spying").
    fn cue(&self, claim: Claim, lexicon: &Lexicon, matcher: &CueMatcher) -> Option<CueAt> {
        let category = match claim {
            Claim::Accusation => "accusation",
            Claim::Denial => "denial",
        };
        let negated = vec![false; self.words.len()];
        let listed = matcher
            .find(lexicon, self.lower, &negated)
            .into_iter()
            .find(|m| lexicon.cues.get(m.cue).is_some_and(|c| c.category == category))
            .map(|m| (m.first_word, m.n_words));
        let verb = (claim == Claim::Accusation)
            .then(|| (0..self.words.len()).find(|&i| self.is_verbish(i) && self.is_accusing(i)).map(|i| (i, 1)))
            .flatten();
        match (listed, verb) {
            (Some(listed), Some(verb)) if verb.0 < listed.0 && self.passive_aux(verb.0).is_none() => Some(verb),
            (listed, verb) => listed.or(verb),
        }
    }

    /// The actors of `claim` by the first pattern that applies.
    fn read(&self, claim: Claim, cue: Option<CueAt>) -> Actors {
        // A fronted quote: the speaker after the closing quote is the source.
        if let Some(actors) = self.fronted_quote(claim, cue) {
            return actors;
        }
        // "according to X" names the source.
        let according = self.lower.windows(2).position(|pair| pair == ["according", "to"]);
        let source = according.and_then(|i| self.phrase_after(i + 2));
        if let Some(actors) = self.facing(claim, cue, source.clone()) {
            return actors;
        }
        let Some((cue_at, cue_len)) = cue else {
            return self.without_cue(claim, according, source);
        };
        if let Some(actors) = self.reported_at_the_end(claim, (cue_at, cue_len)) {
            return actors;
        }
        if let (Some(i), Claim::Accusation) = (according, claim) {
            if self.break_after_phrase(i + 2) {
                return Actors { source, target: self.after_according_clause(i) };
            }
        }
        // "It is alleged that Y ...": the expletive is nobody; Y is the accused.
        if claim == Claim::Accusation
            && self.lower.first() == Some(&"it")
            && (1..cue_at + cue_len + 1).any(|i| self.lower.get(i) == Some(&"that"))
        {
            let that = (1..self.words.len()).find(|&i| self.word(i) == "that").unwrap_or(0);
            return Actors { source, target: self.reported_subject(that + 1, self.words.len()) };
        }
        // "X said (that) Y ... cue": a reporting verb before the cue.
        if let Some(r) = (0..cue_at).find(|&i| self.is_reporting_at(i) && self.word(i) != "alleged") {
            return self.reported_before(claim, (cue_at, cue_len), r, source);
        }
        // A passive ("was accused by"), then an active cue.
        let aux = if self.word(cue_at).ends_with("ing") { None } else { self.passive_aux(cue_at) };
        if let Some(aux) = aux {
            return self.passive(claim, (cue_at, cue_len), aux, source);
        }
        self.active(claim, (cue_at, cue_len), source)
    }

    /// A fronted quote (`"...," X said`): its speaker is the source.
    fn fronted_quote(&self, claim: Claim, cue: Option<CueAt>) -> Option<Actors> {
        let speaker = self.fronted_quote_speaker()?;
        let target = match (claim, cue) {
            (Claim::Denial, _) => None,
            (Claim::Accusation, None) => {
                // "'He's a serial liar,' she said", "'Insurgents attacked our village,' he
                // said": the quote's subject is the one it accuses.
                let limit = (0..self.words.len()).find(|&i| self.break_after(i)).unwrap_or(self.words.len() - 1);
                let end = self.leading_noun_phrase_end(0, limit);
                let pronoun = end == 0 && (SPEAKERS.contains(&self.word(0)) || EXPLETIVES.contains(&self.word(0)));
                if end < limit && !pronoun {
                    self.span(0, end)
                } else {
                    None
                }
            }
            (Claim::Accusation, Some((c, n))) => {
                if self.is_accusing(c) {
                    self.cue_target(c, n, true)
                } else if self.passive_aux(c).is_some() {
                    // "We were robbed by the judges": the agent did the wrong.
                    self.by_agent(c + n)
                } else {
                    // "This government stole the election": the doer is accused.
                    self.quote_subject(c)
                }
            }
        };
        Some(Actors { source: Some(speaker), target })
    }

    /// "The singer faces charges of ...", "A guru is under investigation by police" (before
    /// any cue): the subject is the accused, and the agent, if named, the accuser.
    fn facing(&self, claim: Claim, cue: Option<CueAt>, source: Option<Span>) -> Option<Actors> {
        let at =
            self.facing_accusation().filter(|&at| claim == Claim::Accusation && cue.is_none_or(|(c, _)| at <= c))?;
        let accused = self.subject_before(at)?;
        Some(Actors { source: source.or_else(|| self.by_agent(at + 1)), target: Some(accused) })
    }

    /// No cue of the claim: "X said Y ..." gives the source, else the main clause's
    /// subject; after "according to X, ..." the clause that follows.
    fn without_cue(&self, claim: Claim, according: Option<usize>, source: Option<Span>) -> Actors {
        if source.is_some() {
            let target = match claim {
                Claim::Accusation => self.after_according_clause(according.unwrap_or(0)),
                Claim::Denial => None,
            };
            return Actors { source, target };
        }
        // "The man then attacked a steward, The Post reported": a reporter closing the
        // sentence tells of the main clause's subject.
        if let Some(speaker) = self.trailing_reporter(0) {
            let target = match claim {
                Claim::Accusation => self.main_clause_subject(claim).target,
                Claim::Denial => None,
            };
            return Actors { source: Some(speaker), target };
        }
        if let Some(r) = (0..self.words.len()).find(|&i| self.is_reporting_at(i)) {
            // "The group was reported to have executed two women": a passive of saying names
            // no one who says; its subject is the one told of, unless what it is said to
            // have done is to say ("X was reported to have suggested ...": X speaks).
            let infinitive = if self.word(r + 2) == "have" { r + 3 } else { r + 2 };
            let passive = self
                .passive_aux(r)
                .filter(|_| self.word(r + 1) == "to" && !self.is_reporting_word(self.word(infinitive)));
            if let (Some(aux), Claim::Accusation) = (passive, claim) {
                return Actors { source: None, target: self.subject_before(aux) };
            }
            let target = match claim {
                Claim::Accusation => self.reported_subject(r + 1, self.words.len()),
                Claim::Denial => None,
            };
            return Actors { source: self.subject_before(r), target };
        }
        self.main_clause_subject(claim)
    }

    /// The main clause's subject: in a denial the one who rejects; in an accusation
    /// without a word of accusing, the one whose deed the sentence tells ("They are
    /// murdering people"; real news, `news_train_spans.csv`, where it was the accuser in
    /// few).
    fn main_clause_subject(&self, claim: Claim) -> Actors {
        let end = self.leading_noun_phrase_end(0, self.words.len() - 1);
        if end + 1 >= self.words.len() {
            return Actors::default();
        }
        // "It was ...": no actor; "We'll see if ...": the speaker, not the accused; "An
        // operation was launched against X": no one named.
        let head = self.word(end);
        let speaker = SPEAKERS.contains(&head) && claim == Claim::Accusation;
        // A "phrase" running over a clause opener ("X split after his ...") is no noun
        // phrase.
        let clauses = (1..=end).any(|i| self.word(i) != "and" && CLAUSE_OPENERS.contains(&self.word(i)));
        let nobody = (end == 0 && (EXPLETIVES.contains(&head) || speaker)) || ACCUSING_NOUNS.contains(&head) || clauses;
        let subject = if nobody { None } else { self.span(0, end) };
        // "... leading to his arrest": the one whose arrest it is.
        if let (Claim::Accusation, Some(held)) = (claim, self.possessor_of_sanction()) {
            return Actors { source: None, target: Some(held) };
        }
        // "Demonstrators held the governor responsible": a phrase of accusing, whose
        // subject accuses.
        let accusing = ACCUSING_PHRASE_HEADS.contains(&self.word(end + 1));
        // "Axl Rose is not dead", "He was just another victim of a hoax": the subject of a
        // copula is what the claim was about, not one who denies. ("The police were
        // urging ..." is no copula.)
        let copula = matches!(self.word(end + 1), "is" | "was" | "are" | "were" | "'s" | "\u{2019}s")
            && !(self.word(end + 2).ends_with("ing") && self.is_lower_at(end + 2));
        match (claim, self.against_target()) {
            (Claim::Denial, _) if copula => Actors::default(),
            (Claim::Denial, _) => Actors { source: subject, target: None },
            (Claim::Accusation, None) if accusing => Actors { source: subject, target: None },
            // "The watchdog opened proceedings against X": the subject acts.
            (Claim::Accusation, Some(accused)) => Actors { source: subject, target: Some(accused) },
            (Claim::Accusation, None) => Actors { source: None, target: subject },
        }
    }

    /// "..., the safety board said." at the end: the reporter closes the sentence and is
    /// the source, unless the cue's own clause names the accuser.
    fn reported_at_the_end(&self, claim: Claim, (cue_at, cue_len): CueAt) -> Option<Actors> {
        let speaker = self.trailing_reporter(cue_at)?;
        let accusation = claim == Claim::Accusation;
        // "Militants arrested dozens of residents, a resident said": an active verb of
        // accusing with a subject of its own names the accuser; the reporter only reports
        // it.
        let accuser = (accusation
            && self.is_verbish(cue_at)
            && self.is_accusing_cue(cue_at, cue_len)
            && self.passive_aux(cue_at).is_none())
        .then(|| self.subject_before(cue_at))
        .flatten();
        if let Some(accuser) = accuser {
            return Some(Actors { source: Some(accuser), target: self.cue_target(cue_at, cue_len, false) });
        }
        // "They were detained by police, they said": a passive's agent accuses.
        let passive = self.passive_aux(cue_at).filter(|_| accusation && self.is_accusing(cue_at));
        if let Some((aux, agent)) = passive.and_then(|aux| Some((aux, self.by_agent(cue_at + cue_len)?))) {
            return Some(Actors { source: Some(agent), target: self.subject_before(aux) });
        }
        let target = match (claim, self.passive_aux(cue_at)) {
            (Claim::Denial, _) => None,
            (Claim::Accusation, Some(aux)) => self.subject_before(aux),
            // "She allegedly took it, police said": the doer.
            (Claim::Accusation, None) if self.is_wrongdoing_verb(cue_at, cue_len) => self.subject_before(cue_at),
            (Claim::Accusation, None) => self.cue_target(cue_at, cue_len, false),
        };
        Some(Actors { source: Some(speaker), target })
    }

    /// "X said (that) Y ... cue": the reporting verb at `r` before the cue names the
    /// source.
    fn reported_before(&self, claim: Claim, (cue_at, cue_len): CueAt, r: usize, source: Option<Span>) -> Actors {
        let source = source.or_else(|| self.subject_before(r));
        if claim == Claim::Denial {
            return Actors { source, target: None };
        }
        // "X said Y accused Z": Z; "X said (that) Y lied": Y, the doer.
        let clause = (r + 1..cue_at).find(|&i| self.word(i) == "that").map_or(r + 1, |t| t + 1);
        // "X said: 'The aunt was arrested ...'": a passive's subject is the accused.
        let passive = self.passive_aux(cue_at).filter(|&aux| aux > clause && self.is_accusing(cue_at));
        let target = if let Some(aux) = passive {
            self.reported_subject(clause, aux)
        } else if self.is_accusing(cue_at) {
            self.cue_target(cue_at, cue_len, false)
        } else {
            self.reported_subject(clause, cue_at)
        };
        Actors { source, target }
    }

    /// A passive cue with its auxiliary at `aux`: "Y was accused by X" (X accuses Y),
    /// "robbed by X" (X did the wrong), "the claims were denied by X".
    fn passive(&self, claim: Claim, (cue_at, cue_len): CueAt, aux: usize, source: Option<Span>) -> Actors {
        let subject = self.subject_before(aux);
        let agent = self.by_agent(cue_at + cue_len);
        match claim {
            Claim::Accusation if self.is_accusing(cue_at) => Actors { source: source.or(agent), target: subject },
            Claim::Accusation => Actors { source, target: agent.or(subject) },
            Claim::Denial => Actors { source: source.or(agent).or(subject), target: None },
        }
    }

    /// An active cue: with a verb of accusing, the subject accuses the object ("X accused Y
    /// of"); with a word of wrongdoing, the subject is the accused and the sentence names
    /// no accuser ("The minister lied to parliament", "She allegedly took it").
    fn active(&self, claim: Claim, (cue_at, cue_len): CueAt, source: Option<Span>) -> Actors {
        if claim == Claim::Accusation && self.is_wrongdoing_verb(cue_at, cue_len) {
            return Actors { source, target: self.subject_before(cue_at) };
        }
        let source = source.or_else(|| self.subject_before(cue_at));
        let target = match claim {
            Claim::Accusation => self.cue_target(cue_at, cue_len, false),
            Claim::Denial => None,
        };
        Actors { source, target }
    }

    /// Every pattern's spans get the same last cut: what a phrase cannot start or end with.
    fn tidied(&self, claim: Claim, found: Actors) -> Actors {
        let target = match claim {
            Claim::Accusation => found
                .target
                .and_then(|s| self.tidy(s))
                .or_else(|| self.against_target())
                .or_else(|| self.possessor_of_sanction()),
            Claim::Denial => found.target.and_then(|s| self.tidy(s)),
        };
        let source = found
            .source
            .map(|s| self.antecedent(&s).unwrap_or(s))
            .and_then(|s| self.tidy(s))
            .map(|s| self.author_of_report(&s).unwrap_or(s))
            .filter(|s| claim == Claim::Accusation || !self.names_a_claim(s));
        Actors { source, target }
    }
}

struct Context<'a> {
    sentence: &'a str,
    words: &'a [Word],
    lower: &'a [&'a str],
    /// Where each sentence of the text ends (byte offsets), as `split_sentences` finds them.
    sentence_ends: &'a [usize],
    /// The lexicon's one-word reporting verbs ([`DEFAULT_REPORTING`] without any).
    reporting: &'a [String],
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201C}' | '\u{2018}' | '\'')
}

fn is_close_quote(c: char) -> bool {
    matches!(c, '"' | '\u{201D}' | '\u{2019}' | '\'')
}

impl<'a> Context<'a> {
    /// A span cut to the phrase that names an actor: a clause's opening words ("But"),
    /// a time phrase ("On Monday", "Last week"), a scene set before a comma ("At the
    /// United Nations,"), trailing adverbs ("initially"), a trailing relative pronoun and
    /// a trailing possessive ("The SEC's" of "The SEC's investigation") are dropped. A
    /// span that then starts with a preposition or an auxiliary is no name and is
    /// dropped. Measured on real news (`datasets/actors/news_train_spans.csv`).
    fn tidy(&self, span: Span) -> Option<Span> {
        let Some((mut first, mut last)) = self.word_range(&span) else { return Some(span) };
        loop {
            let before = first;
            if first < last && LEADING_NOISE.contains(&self.word(first)) {
                first += 1;
            }
            if first < last && TIME_OPENERS.contains(&self.word(first)) {
                // A day, a month, a season, or a year ("In 2012 the US offered").
                let closes = |i: usize| {
                    let w = self.word(i);
                    TIME_WORDS.contains(&w) || TIME_NOUNS.contains(&w) || self.is_year(i)
                };
                if let Some(time) = (first + 1..=(first + 3).min(last)).find(|&i| closes(i)) {
                    if time < last {
                        first = time + 1;
                    } else {
                        // Nothing but a time ("this year" of "in September this year said").
                        return None;
                    }
                }
            }
            if first < last && SCENE_PREPOSITIONS.contains(&self.word(first)) {
                if let Some(comma) = (first..last).find(|&i| self.gap(i, i + 1).contains(',')) {
                    first = comma + 1;
                }
            }
            if first == before {
                break;
            }
        }
        // A relative clause is not part of the name the guide asks for ("a man who joined").
        if let Some(relative) = (first + 1..=last).find(|&i| matches!(self.word(i), "who" | "which" | "whose")) {
            last = relative - 1;
        }
        // Nor what a "with" adds ("The source with knowledge of the talks").
        if let Some(with) = (first + 2..=last).find(|&i| self.word(i) == "with" && self.is_lower_at(i - 1)) {
            last = with - 1;
        }
        // Nor a parenthesis at its end ("Gaza's Civil Defence Directorate (CDD)"); one
        // closed inside it stays ("Two executives from AIG (the insurer) and one from ...").
        if let Some(open) = (first..last).find(|&i| self.gap(i, i + 1).contains('(')) {
            if !(open + 1..last).any(|i| self.gap(i, i + 1).contains(')')) {
                last = open;
            }
        }
        // Nor is an apposition closed by a comma ("Freddie Mac, the country's other
        // mortgage firm, was fined"): a comma then a determiner inside the span, and
        // another comma right after it. A list of names ends the clause instead.
        let closed = self.words.get(last + 1).is_some() && self.gap(last, last + 1).contains(',');
        if let Some(comma) = (first..last).find(|&i| self.gap(i, i + 1).contains(',')) {
            if closed && DETERMINERS.contains(&self.word(comma + 1)) {
                last = comma;
            }
        }
        // Nor a place after it ("a woman in the car", "militants in the area"): "in the"
        // and lower-case words to the end.
        if let Some(place) = (first + 1..last.saturating_sub(1))
            .find(|&i| self.word(i) == "in" && self.word(i + 1) == "the" && (i + 2..=last).all(|j| self.is_lower_at(j)))
        {
            last = place - 1;
        }
        while last > first {
            let w = self.word(last);
            let adverb = self.is_lower_at(last) && w.len() > 5 && ADVERB_ENDINGS.iter().any(|e| w.ends_with(e));
            let possessive = w == "'s" || w == "\u{2019}s";
            // A participle after the name ("the agency based on ..."), not part of it.
            let participle = self.is_lower_at(last) && (w.ends_with("ed") || w.ends_with("ing"));
            if adverb || possessive || participle || matches!(w, "who" | "which" | "that") {
                last -= 1;
            } else {
                break;
            }
        }
        if first < last && self.word(first) == "against" {
            first += 1;
        }
        // A lone verb ("released") or article ("the" of "the accused" cut as a
        // participle) is no name either.
        let lone = first == last && (self.is_verbish(first) || matches!(self.word(first), "the" | "a" | "an"));
        // "pleaded guilty to criminal charges": the accusation itself, not an actor.
        let accusation_itself = self.is_lower_at(last) && ACCUSING_NOUNS.contains(&self.word(last));
        if NOT_A_NAME_START.contains(&self.word(first)) || lone || accusation_itself {
            return None;
        }
        self.span(first, last)
    }

    /// Whether word `i` is written as a year: four digits (the tokenizer reads every
    /// number as one word).
    fn is_year(&self, i: usize) -> bool {
        self.words
            .get(i)
            .and_then(|w| self.sentence.get(w.start..w.end))
            .is_some_and(|text| text.len() == 4 && text.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The first and last words of `span`, a span of this sentence's words.
    fn word_range(&self, span: &Span) -> Option<(usize, usize)> {
        let first = self.words.iter().position(|w| w.start == span.start)?;
        let last = self.words.iter().rposition(|w| w.end == span.end)?;
        Some((first, last))
    }

    /// The author in a source that names a report of theirs ("A report from Judicial
    /// Watch stated", "a statement by the ministry said"): the actor is the author, as the
    /// guide's source is "the actor who makes the accusation". `None` for any other span.
    fn author_of_report(&self, span: &Span) -> Option<Span> {
        let (first, last) = self.word_range(span)?;
        let head = if DETERMINERS.contains(&self.word(first)) { first + 1 } else { first };
        let by = head + 1;
        let is_report = REPORT_NOUNS.contains(&self.word(head)) && matches!(self.word(by), "from" | "by" | "of");
        (is_report && by < last).then(|| self.span(by + 1, last)).flatten()
    }

    /// Whether the head of `span` is a noun of a claim ([`CLAIM_NOUNS`]): "The story",
    /// "the photo", "Reports of a coup" (the head is before "of", "about" or "that").
    fn names_a_claim(&self, span: &Span) -> bool {
        let Some((first, last)) = self.word_range(span) else { return false };
        let head = (first + 1..=last)
            .find(|&i| matches!(self.word(i), "of" | "about" | "that"))
            .map_or(last, |modifier| modifier - 1);
        CLAIM_NOUNS.contains(&self.word(head))
    }

    /// "claims / proceedings / a fine ... against X": X, the accused, after a noun of
    /// accusing or sanctioning at most two words before `against`.
    fn against_target(&self) -> Option<Span> {
        let at = (1..self.words.len()).find(|&i| {
            self.word(i) == "against" && (i.saturating_sub(2)..i).any(|j| ACCUSING_NOUNS.contains(&self.word(j)))
        })?;
        self.phrase_after(at + 1)
    }

    /// Where the sentence's first "faces charges", "under investigation" or "stands
    /// accused" stands: a form of "face" a few words before a noun of accusing or
    /// sanction, "under" right before one, or "stand" before "accused" or "trial".
    fn facing_accusation(&self) -> Option<usize> {
        let accusing_noun = |j: usize| {
            let w = self.word(j);
            ACCUSING_NOUNS.contains(&w)
                || SANCTION_NOUNS.contains(&w)
                || matches!(w, "trial" | "suspicion" | "scrutiny")
        };
        (1..self.words.len()).find(|&i| match self.word(i) {
            "face" | "faces" | "faced" | "facing" => {
                (i + 1..=i + 4).take_while(|&j| j == i + 1 || !self.break_after(j - 1)).any(accusing_noun)
            }
            "under" => !self.break_after(i) && accusing_noun(i + 1) && self.word(i + 1) != "action",
            // "stands accused of", "will stand trial".
            "stand" | "stands" | "stood" => !self.break_after(i) && matches!(self.word(i + 1), "accused" | "trial"),
            _ => false,
        })
    }

    /// For a span that is a lone relative pronoun ("a customer, who says"), the noun
    /// phrase it stands for: the words before it, back to a preposition, a verb or a
    /// break, a parenthesis between them skipped ("Rep. Jane Doe (D-NY) who claimed").
    fn antecedent(&self, span: &Span) -> Option<Span> {
        let (at, end) = self.word_range(span)?;
        if at != end || !matches!(self.word(at), "who" | "which") || at == 0 {
            return None;
        }
        let mut last = at - 1;
        if self.gap(last, at).contains(')') {
            last = (0..last).rev().find(|&i| self.gap(i, i + 1).contains('('))?;
        }
        let mut first = last;
        while first > 0
            && !self.break_after(first - 1)
            && !OBJECT_STOPS.contains(&self.word(first - 1))
            && !self.is_verbish(first - 1)
        {
            first -= 1;
        }
        self.span(first, last)
    }

    /// "his arrest", "their conviction": the pronoun whose sanction the sentence tells.
    fn possessor_of_sanction(&self) -> Option<Span> {
        let at = (1..self.words.len())
            .find(|&i| SANCTION_NOUNS.contains(&self.word(i)) && matches!(self.word(i - 1), "his" | "her" | "their"))?;
        self.span(at - 1, at - 1)
    }

    /// The lower-case word `i`, or "" past the end.
    fn word(&self, i: usize) -> &'a str {
        self.lower.get(i).copied().unwrap_or("")
    }

    /// Whether word `i` starts with a lower-case letter.
    fn is_lower_at(&self, i: usize) -> bool {
        self.words.get(i).is_some_and(|w| is_lower(self.sentence, w))
    }

    fn span(&self, first: usize, last: usize) -> Option<Span> {
        if first > last {
            return None;
        }
        let start = self.words.get(first)?.start;
        let end = self.words.get(last)?.end;
        Some(Span { start, end, text: self.sentence.get(start..end)?.to_string() })
    }

    /// The text between words `a` and `b` (exclusive), e.g. ", " or " ".
    fn gap(&self, a: usize, b: usize) -> &str {
        let from = self.words.get(a).map_or(0, |w| w.end);
        let to = self.words.get(b).map_or(self.sentence.len(), |w| w.start);
        self.sentence.get(from..to).unwrap_or("")
    }

    /// Whether punctuation that ends a phrase (a comma, a quote, a dash) or the end of a
    /// sentence stands between word `i` and word `i + 1`.
    fn break_after(&self, i: usize) -> bool {
        if let (Some(this), Some(next)) = (self.words.get(i), self.words.get(i + 1)) {
            if self.sentence_ends.iter().any(|&end| this.end <= end && end <= next.start) {
                return true;
            }
        }
        let gap = self.gap(i, i + 1);
        // "The families' lawyers": the apostrophe of a plural possessive, no quote.
        let possessive = self.word(i).ends_with('s') && matches!(gap, "' " | "\u{2019} ");
        // A hyphen between spaces is a dash ("four companies - Gazprom, ...").
        let dash = gap.contains(" - ") || gap.contains(" -- ");
        let punctuation = gap.chars().any(|c| {
            matches!(c, ',' | ';' | ':' | '(' | ')' | '\u{2013}' | '\u{2014}') || is_close_quote(c) || is_open_quote(c)
        });
        dash || (punctuation && !possessive)
    }

    /// The subject phrase that ends right before word `verb`: from the clause start,
    /// dropping appositions, introductory phrases and trailing adverbs.
    fn subject_before(&self, verb: usize) -> Option<Span> {
        if verb == 0 {
            return None;
        }
        let mut last = verb - 1;
        // Drop auxiliaries and adverbs between subject and verb, and "on Tuesday".
        loop {
            if TRAILING_NOISE.contains(&self.word(last)) {
                if last == 0 {
                    return None;
                }
                last -= 1;
                continue;
            }
            if TIME_WORDS.contains(&self.word(last)) && last >= 1 && self.word(last - 1) == "on" {
                if last < 2 {
                    return None;
                }
                last -= 2;
                continue;
            }
            break;
        }
        // A parenthesis before the verb ("Rep. Jane Doe (D-NY) said") is no part of the
        // subject: the subject ends before it opens.
        if self.gap(last, last + 1).contains(')') {
            if let Some(open) = (0..last).rev().find(|&i| self.gap(i, i + 1).contains('(')) {
                last = open;
            }
        }
        // A participle after a whole clause ("X, the minister, took a hard line, accusing
        // Y"): the subject is that clause's, found from its verb.
        let participle = self.word(verb).ends_with("ing") && self.is_lower_at(verb);
        if participle && self.gap(last, last + 1).contains(',') {
            let clause = self.clause_start(last);
            if clause > 0 && clause < last && self.is_verbish(clause) {
                return self.subject_before(clause);
            }
        }
        // Apposition: "X, the minister, accused": a comma right before the verb.
        if self.break_after(last) && self.gap(last, last + 1).contains(',') {
            // The apposition runs back to the previous comma; the subject is before it.
            let mut j = last;
            while j > 0 && !self.gap(j - 1, j).contains(',') {
                j -= 1;
            }
            if j > 0 {
                last = j - 1;
            }
        }
        // Clause start: after a comma, quote, or clause opener.
        let mut first = self.clause_start(last);
        // "Airbus and Boeing accuse": an "and" after words without a verb joins two
        // names of one subject, it opens no clause.
        while first >= 2 && self.word(first - 1) == "and" && !self.break_after(first - 2) {
            let before = self.clause_start(first - 2);
            if (before..first - 1).any(|i| self.is_verbish(i)) {
                break;
            }
            first = before;
        }
        // A participle after a verb and its object ("X, a fact-checking site, created an
        // entry debunking the story"): the subject is that verb's.
        let past =
            |i: usize| self.is_lower_at(i) && (self.word(i).ends_with("ed") || IRREGULAR_PAST.contains(&self.word(i)));
        if participle && first > 0 && first < last && past(first) {
            return self.subject_before(first);
        }
        // A subject does not start with a verb of the clause before ("saying X").
        while first < last && self.word(first).ends_with("ing") && self.is_lower_at(first) {
            first += 1;
        }
        // A whole clause before a participle ("X walked out, accusing"): keep its
        // leading noun phrase.
        last = self.leading_noun_phrase_end(first, last);
        self.span(first, last)
    }

    /// The first word of the clause holding word `last`: after a comma, a quote or a
    /// clause opener ("that", "and", "because").
    fn clause_start(&self, last: usize) -> usize {
        let mut first = last;
        while first > 0 {
            let prev = first - 1;
            if self.break_after(prev) || CLAUSE_OPENERS.contains(&self.word(prev)) {
                break;
            }
            first -= 1;
        }
        first
    }

    /// The end of the noun phrase that starts at `first`: it stops before the first
    /// word that looks like a verb (lower-case and ending in -ed, or an auxiliary).
    fn leading_noun_phrase_end(&self, first: usize, last: usize) -> usize {
        let mut end = first;
        for i in first..=last {
            let verbish = i > first && self.is_verbish(i);
            if verbish {
                break;
            }
            end = i;
        }
        end
    }

    /// Whether the cue at word `i` is a verb of accusing (its object is the accused)
    /// rather than of wrongdoing (its subject is).
    fn is_accusing(&self, i: usize) -> bool {
        let word = self.word(i);
        // "Brown allegedly robbed a store": the adverb marks its clause's doer as the
        // accused, as a verb of wrongdoing does; it accuses no object.
        ACCUSING_STEMS.iter().any(|s| word.starts_with(s)) && word != "allegedly"
    }

    /// Whether the cue of `len` words at word `i` accuses its object: a verb of accusing,
    /// or a phrase of one ("held Israel responsible", "pointed the finger at", "laid the
    /// blame on"), where a word of wrongdoing ("lied to", "covered up", "allegedly")
    /// makes its own subject the accused.
    fn is_accusing_cue(&self, i: usize, len: usize) -> bool {
        self.is_accusing(i) || (len > 1 && ACCUSING_PHRASE_HEADS.contains(&self.word(i)))
    }

    /// Whether the cue of `len` words at word `i` tells a deed of its clause's subject:
    /// a verb or adverb of wrongdoing ("lied to", "stole", "covered up", "allegedly"),
    /// not one of accusing. A cue that is no verb ("money laundering" in "X arraigned Y
    /// on counts of money laundering") says nothing of the subject.
    fn is_wrongdoing_verb(&self, i: usize, len: usize) -> bool {
        let verb = self.word(i) == "allegedly" || (self.is_verbish(i) && !CLAUSE_VERBS.contains(&self.word(i)));
        verb && !self.is_accusing_cue(i, len)
    }

    /// Whether word `i` looks like a verb: an auxiliary, a lower-case word ending in
    /// -ed or -ing, or a common irregular past tense.
    fn is_verbish(&self, i: usize) -> bool {
        let w = self.word(i);
        // "anti-doping", "state-owned", "so-called": compound adjectives, not verbs.
        let compound = w.contains('-');
        // "He's a liar": after a pronoun, 's is "is", not a possessive.
        let is_after_pronoun = matches!(w, "'s" | "\u{2019}s")
            && i > 0
            && matches!(self.word(i - 1), "he" | "she" | "it" | "that" | "there" | "who" | "what" | "this");
        is_after_pronoun
            || CLAUSE_VERBS.contains(&w)
            || TRAILING_NOISE.contains(&w)
            || (self.is_lower_at(i)
                && !compound
                && (w.ends_with("ed") || w.ends_with("ing") || IRREGULAR_PAST.contains(&w)))
    }

    /// Whether the phrase starting at word `i` ends at a comma (as in "according to
    /// police, the suspect ...").
    fn break_after_phrase(&self, i: usize) -> bool {
        let mut j = i;
        while j + 1 < self.words.len() && !self.break_after(j) {
            j += 1;
        }
        j + 1 < self.words.len() && self.gap(j, j + 1).contains(',')
    }

    /// After "according to X," the subject of the clause that follows is the accused.
    fn after_according_clause(&self, according: usize) -> Option<Span> {
        let mut j = according + 2;
        while j + 1 < self.words.len() && !self.break_after(j) {
            j += 1;
        }
        if j + 1 >= self.words.len() {
            return None;
        }
        self.reported_subject(j + 1, self.words.len())
    }

    /// Whether `word` is a verb of saying: a reporting verb or a verb that opens a quote.
    fn is_reporting_word(&self, word: &str) -> bool {
        self.reporting.iter().any(|r| r == word) || QUOTE_VERBS.contains(&word)
    }

    /// Whether word `i` is a verb of finding that reports a clause as a verb of saying
    /// does: "The watchdog found that the bank ...", "disclosed in January that" ("that"
    /// within a few words, none of them a break), or "Mr Martin revealed some MPs had been
    /// ..." (a clause without "that", its verb an auxiliary a few words on).
    fn is_finding_at(&self, i: usize) -> bool {
        let that = (i + 1..=i + 4).find(|&j| self.word(j) == "that");
        let clause = || {
            !NOT_A_NAME_START.contains(&self.word(i + 1))
                && (i + 2..=i + 6).find(|&j| CLAUSE_VERBS.contains(&self.word(j))).is_some_and(|verb| {
                    (i..verb).all(|j| !self.break_after(j)) && (i + 1..verb).all(|j| !self.is_verbish(j))
                })
        };
        FINDING_VERBS.contains(&self.word(i))
            && (that.is_some_and(|that| (i..that).all(|j| !self.break_after(j))) || clause())
    }

    /// Whether word `i` reports what follows: a verb of saying or finding, not a noun
    /// ("the claims" after a determiner).
    fn is_reporting_at(&self, i: usize) -> bool {
        (self.is_reporting_word(self.word(i)) || self.is_finding_at(i))
            && !(i > 0 && DETERMINERS.contains(&self.word(i - 1)))
    }

    /// A sentence that ends "..., the safety board said.": the speaker.
    fn trailing_reporter(&self, after: usize) -> Option<Span> {
        let n = self.words.len();
        let r = (after + 1..n).rev().find(|&i| self.is_reporting_at(i))?;
        // The words after the verb must be few (a time or place), none a new clause.
        if n - r > 6 {
            return None;
        }
        // Walk back from the verb to the comma that opens the reporting clause.
        let mut j = r;
        while j > 0 && !self.gap(j - 1, j).contains(',') {
            j -= 1;
            if r - j > 6 {
                return None;
            }
        }
        if j == 0 || j == r {
            return None;
        }
        let mut last = r - 1;
        while last > j && TRAILING_NOISE.contains(&self.word(last)) {
            last -= 1;
        }
        self.span(j, last)
    }

    /// The phrase right after word `i`, up to punctuation or the sentence end.
    fn phrase_after(&self, i: usize) -> Option<Span> {
        if i >= self.words.len() {
            return None;
        }
        let mut last = i;
        while last + 1 < self.words.len()
            && !self.break_after(last)
            && (!OBJECT_STOPS.contains(&self.word(last + 1)) || self.joins_a_name(last + 1))
        {
            last += 1;
        }
        self.span(i, last)
    }

    /// Whether word `i` is a lower-case "and", "of" or "for" between capitalised words,
    /// part of one name ("the Securities and Exchange Commission", "the Bank of England").
    fn joins_a_name(&self, i: usize) -> bool {
        matches!(self.word(i), "and" | "of" | "for")
            && self.is_lower_at(i)
            && i > 0
            && !self.is_lower_at(i - 1)
            && self.words.get(i + 1).is_some_and(|w| !is_lower(self.sentence, w))
            && !self.break_after(i - 1)
            && !self.break_after(i)
    }

    /// The object of the cue: the words after it up to a preposition or punctuation.
    /// With `that` right after the cue, the subject of the that-clause.
    fn cue_target(&self, cue: usize, len: usize, in_quote: bool) -> Option<Span> {
        let first = cue + len;
        if first >= self.words.len() || (cue + len > 0 && self.break_after(first - 1)) {
            return if in_quote { self.quote_subject(cue) } else { None };
        }
        if self.word(first) == "that" {
            return self.reported_subject(first + 1, self.words.len());
        }
        if OBJECT_STOPS.contains(&self.word(first)) {
            return if in_quote { self.quote_subject(cue) } else { None };
        }
        let mut last = first;
        while last + 1 < self.words.len()
            && !self.break_after(last)
            && (!OBJECT_STOPS.contains(&self.word(last + 1)) || self.object_goes_on(cue, last + 1))
            && last - first < 8
        {
            last += 1;
        }
        self.span(first, last)
    }

    /// Whether the object of the cue at word `cue` goes on over word `stop`, a word that
    /// mostly ends it: "of" before a noun after a verb that takes no "of" ("detained a
    /// son of the leader", "arrested dozens of residents"; but "accused Y of fraud",
    /// "of bombing"), and "and" before another noun phrase ("detained a wife and a son";
    /// but "arrested him and seized ...").
    fn object_goes_on(&self, cue: usize, stop: usize) -> bool {
        let next = stop + 1;
        if next >= self.words.len() || self.break_after(stop) {
            return false;
        }
        let noun_follows = !self.is_verbish(next) && !OBJECT_STOPS.contains(&self.word(next));
        match self.word(stop) {
            "of" => {
                let takes_of = ["accus", "suspect", "convict", "acquit", "clear", "strip", "guilty"]
                    .iter()
                    .any(|stem| self.word(cue).starts_with(stem));
                noun_follows && !takes_of
            }
            "and" => noun_follows && (DETERMINERS.contains(&self.word(next)) || !self.is_lower_at(next)),
            _ => false,
        }
    }

    /// Inside a fronted quote, the subject of the quoted clause ("This government stole").
    fn quote_subject(&self, cue: usize) -> Option<Span> {
        let end = self.leading_noun_phrase_end(0, cue.saturating_sub(1));
        if end < cue {
            self.span(0, end)
        } else {
            None
        }
    }

    /// The subject of a reported clause that starts at word `from` ("said [Y] was behind").
    fn reported_subject(&self, from: usize, until: usize) -> Option<Span> {
        let mut first = from;
        if first < until && self.word(first) == "that" {
            first += 1;
        }
        if first >= until {
            return None;
        }
        let mut last = first;
        while last + 1 < until
            && !self.break_after(last)
            && !CLAUSE_VERBS.contains(&self.word(last + 1))
            && last - first < 5
        {
            if self.is_verbish(last + 1) {
                break;
            }
            last += 1;
        }
        self.span(first, last)
    }

    /// The auxiliary of a passive ending at the cue, if any ("was accused", "has been
    /// charged", "were denied by").
    fn passive_aux(&self, cue: usize) -> Option<usize> {
        let mut i = cue;
        let mut skipped = 0;
        while i > 0 && skipped < 3 {
            i -= 1;
            let w = self.word(i);
            if PASSIVE_AUX.contains(&w) {
                return Some(i);
            }
            if !(TRAILING_NOISE.contains(&w) || w.ends_with("ly")) {
                return None;
            }
            skipped += 1;
        }
        None
    }

    /// "by X" after position `from`, before the clause ends.
    fn by_agent(&self, from: usize) -> Option<Span> {
        let mut i = from;
        while i < self.words.len() {
            if self.word(i) == "by" {
                return self.phrase_after(i + 1);
            }
            if i > from && self.break_after(i - 1) {
                return None;
            }
            i += 1;
        }
        None
    }

    /// `"...," X said` or `"...," said X` at the start of the sentence.
    fn fronted_quote_speaker(&self) -> Option<Span> {
        let opens = self.sentence.trim_start().chars().next().is_some_and(is_open_quote);
        if !opens {
            return None;
        }
        // The first word after a closing quote that follows a comma or terminator.
        let close = (0..self.words.len().saturating_sub(1)).find(|&i| {
            let gap = self.gap(i, i + 1);
            gap.chars().any(is_close_quote) && gap.chars().any(|c| matches!(c, ',' | '?' | '!' | '.'))
        })?;
        let after = close + 1;
        if after >= self.words.len() {
            return None;
        }
        if self.is_reporting_word(self.word(after)) {
            return self.phrase_after(after + 1);
        }
        let verb = (after..self.words.len()).find(|&i| self.is_reporting_word(self.word(i)))?;
        if verb == after {
            return None;
        }
        self.span(after, verb - 1)
    }
}

fn is_lower(sentence: &str, word: &Word) -> bool {
    sentence.get(word.start..word.end).and_then(|w| w.chars().next()).is_some_and(|c| c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Cue;

    fn lexicon() -> Lexicon {
        let cue = |t: &str, c: &str| Cue { term: t.into(), category: c.into(), weight: 1.0 };
        Lexicon {
            cues: vec![
                cue("accuses", "accusation"),
                cue("accused", "accusation"),
                cue("blamed", "accusation"),
                cue("charged", "accusation"),
                cue("deny", "denial"),
                cue("denied", "denial"),
                cue("rejected", "denial"),
            ],
            negators: vec!["not".into()],
            intensifiers: vec![],
            reporting_verbs: vec!["said".into(), "says".into()],
        }
    }

    fn pair(sentence: &str, claim: Claim) -> (String, String) {
        pair_with(&lexicon(), sentence, claim)
    }

    /// The source and target found with `lexicon`, each "" when none.
    fn pair_with(lexicon: &Lexicon, sentence: &str, claim: Claim) -> (String, String) {
        let a = extract(sentence, claim, lexicon);
        (a.source.map(|s| s.text).unwrap_or_default(), a.target.map(|s| s.text).unwrap_or_default())
    }

    #[test]
    fn the_main_clause_s_sanction_names_the_accuser_before_a_later_cue_or_a_reporter() {
        // Spans by the actor guide: "If several accusations are reported, mark the one in
        // the main clause"; the one who arrests accuses, the one who reports does not.
        let mut lexicon = lexicon();
        lexicon.cues.push(Cue { term: "investigated for".into(), category: "accusation".into(), weight: 1.0 });
        let cases = [
            (
                "Border guards have detained two ship captains, with officials hinting that they are investigated for smuggling.",
                ("Border guards", "two ship captains"),
            ),
            ("Rebel fighters arrested dozens of villagers near the dam, a farmer said.", ("Rebel fighters", "dozens of villagers")),
            (
                "The navy has detained the owner and a deckhand of the trawler, coastguard officials said.",
                ("The navy", "the owner and a deckhand of the trawler"),
            ),
            // A passive sanction names no accuser: the cue of the lexicon after it does.
            ("The envoy was expelled after Paris accused him of spying.", ("Paris", "him")),
            // "of" after a verb that takes it introduces the charge, not the accused.
            ("The council accused the mayor of fraud.", ("The council", "the mayor")),
        ];
        for (sentence, (source, target)) in cases {
            assert_eq!(pair_with(&lexicon, sentence, Claim::Accusation), (source.into(), target.into()), "{sentence}");
        }
    }

    #[test]
    fn facing_charges_a_sanction_s_possessor_and_a_passive_s_agent_name_the_accused_and_the_accuser() {
        let cases = [
            ("The former treasurer faces charges of embezzlement in two states.", ("", "The former treasurer")),
            (
                "A local contractor is under investigation by the city auditor.",
                ("the city auditor", "A local contractor"),
            ),
            ("The militia commander stands accused of shelling a market.", ("", "The militia commander")),
            ("The agency offered a reward for information leading to her arrest.", ("", "her")),
            (
                "Two reporters were detained by soldiers at a checkpoint, their editor said.",
                ("soldiers", "Two reporters"),
            ),
            ("The firm and its founder were each charged with fraud.", ("", "The firm and its founder")),
            ("Guards detained the workers they suspected of theft.", ("Guards", "the workers")),
        ];
        let mut lexicon = lexicon();
        lexicon.reporting_verbs.push("said".into());
        for (sentence, (source, target)) in cases {
            assert_eq!(pair_with(&lexicon, sentence, Claim::Accusation), (source.into(), target.into()), "{sentence}");
        }
    }

    #[test]
    fn parentheses_relative_pronouns_with_phrases_and_participles_after_an_object_give_the_named_source() {
        let mut lexicon = lexicon();
        lexicon.cues.push(Cue { term: "denying".into(), category: "denial".into(), weight: 1.0 });
        lexicon.cues.push(Cue { term: "lied".into(), category: "accusation".into(), weight: 1.0 });
        let cases = [
            ("Senator Ann Lee (D-OR) said the agency accused the firm of fraud.", Claim::Accusation, "Senator Ann Lee"),
            (
                "The contractor lied about the costs, the National Audit Office (NAO) said.",
                Claim::Accusation,
                "the National Audit Office",
            ),
            (
                "The hearing gave a voice to Mayor Tom Reyes (R) who accused the council of lying.",
                Claim::Accusation,
                "Mayor Tom Reyes",
            ),
            ("The envoy with responsibility for the region denied the report.", Claim::Denial, "The envoy"),
            (
                "The ministry, a frequent target of critics, issued a note denying the claims.",
                Claim::Denial,
                "The ministry",
            ),
        ];
        for (sentence, claim, source) in cases {
            assert_eq!(pair_with(&lexicon, sentence, claim).0, source, "{sentence}");
        }
    }

    #[test]
    fn the_subject_of_a_copula_in_a_denial_without_a_cue_denies_nothing() {
        let cases = [
            ("The singer is not dead.", ""),
            ("He was just another victim of an online hoax.", ""),
            ("The rumoured merger is not happening.", ""),
            // A progressive is no copula: its subject acts.
            ("The protesters were asking the court to quash the verdict.", "The protesters"),
        ];
        for (sentence, source) in cases {
            assert_eq!(pair(sentence, Claim::Denial).0, source, "{sentence}");
        }
    }

    #[test]
    fn a_reporter_closing_a_sentence_without_a_cue_tells_of_the_main_clause_s_subject() {
        let cases = [
            ("The driver then struck a cyclist, The Post reported.", Claim::Accusation, ("The Post", "The driver")),
            (
                "Ten former directors have agreed to repay $5m, reports say.",
                Claim::Accusation,
                ("reports", "Ten former directors"),
            ),
            ("The story is untrue, the ministry said.", Claim::Denial, ("the ministry", "")),
        ];
        let mut lexicon = lexicon();
        lexicon.reporting_verbs.extend(["reported".to_string(), "say".to_string()]);
        for (sentence, claim, (source, target)) in cases {
            assert_eq!(pair_with(&lexicon, sentence, claim), (source.into(), target.into()), "{sentence}");
        }
    }

    #[test]
    fn a_passive_of_saying_tells_of_its_subject_unless_it_reports_a_saying() {
        let mut lexicon = lexicon();
        lexicon.reporting_verbs.push("reported".into());
        let told = pair_with(&lexicon, "The militia was reported to have burned two villages.", Claim::Accusation);
        assert_eq!(told, (String::new(), "The militia".to_string()));
        // Said to have said: the subject speaks.
        let speaker = pair_with(&lexicon, "The senator was reported to have said the agency lied.", Claim::Accusation);
        assert_eq!(speaker.0, "The senator");
    }

    #[test]
    fn closed_appositions_places_and_except_are_cut_from_spans() {
        let cases = [
            ("Acme Corp, the region's largest builder, was charged with bribery.", ("", "Acme Corp")),
            ("A driver in the van was charged with speeding.", ("", "A driver")),
            ("Except Novak, the board blamed the auditors.", ("the board", "the auditors")),
        ];
        for (sentence, (source, target)) in cases {
            assert_eq!(pair(sentence, Claim::Accusation), (source.into(), target.into()), "{sentence}");
        }
    }

    #[test]
    fn a_word_of_wrongdoing_makes_its_subject_the_accused() {
        // Spans by the actor guide: the doer is accused; no accuser unless one is named.
        let mut lexicon = lexicon();
        for term in ["lied to", "allegedly", "stole", "sued", "money laundering"] {
            lexicon.cues.push(Cue { term: term.into(), category: "accusation".into(), weight: 1.0 });
        }
        let pair = |sentence: &str| pair_with(&lexicon, sentence, Claim::Accusation);
        let cases = [
            // The object of a verb of wrongdoing was taken as the accused, its subject as the accuser.
            ("The minister lied to parliament about the contracts.", ("", "The minister")),
            ("Police said Brown allegedly robbed a convenience store.", ("Police", "Brown")),
            ("She allegedly took the files home, prosecutors said.", ("prosecutors", "She")),
            ("The rebels stole fuel from the depot, officials said.", ("officials", "The rebels")),
            // A verb of accusing keeps its roles, in every tense ("suing" was no such verb).
            ("Yukos sued four companies over the sale.", ("Yukos", "four companies")),
            ("Yukos is suing four companies over the sale.", ("Yukos", "four companies")),
            // A cue that is no verb says nothing of the subject.
            ("The agency arraigned a former minister on counts of money laundering.", ("The agency", "")),
        ];
        for (sentence, (source, target)) in cases {
            assert_eq!(pair(sentence), (source.to_string(), target.to_string()), "{sentence}");
        }
    }

    #[test]
    fn names_joined_by_and_are_one_subject_and_a_clause_is_no_name() {
        // By the actor guide; each was cut at "and", ran on over a verb, or was taken as accused.
        assert_eq!(
            pair("Airbus and Boeing accused each other of breaking subsidy rules.", Claim::Accusation),
            ("Airbus and Boeing".into(), "each other".into())
        );
        assert_eq!(
            pair("Two women came forward and said he assaulted them.", Claim::Accusation),
            ("Two women".into(), "he".into())
        );
        // "and" after a verb still opens a clause.
        assert_eq!(
            pair("The talks collapsed and the minister accused Iran of stalling.", Claim::Accusation),
            ("the minister".into(), "Iran".into())
        );
        let found =
            extract("Demonstrators held the governor responsible for the violence.", Claim::Accusation, &lexicon());
        assert_eq!(found.source.map(|s| s.text).as_deref(), Some("Demonstrators"), "the one who holds responsible");
        // No accusation cue, and no noun phrase before a verb: no accused (it was the whole clause).
        assert_eq!(pair("Tiger Woods and his wife split after his infidelity became public", Claim::Accusation).1, "");
    }

    #[test]
    fn compound_adjectives_plural_possessives_and_participles_keep_the_whole_subject() {
        // By the actor guide; the subjects were cut to "The world", "lawyers" and the apposition.
        let cases = [
            (
                "The world anti-doping body accused the national federation of covering up tests.",
                "The world anti-doping body",
            ),
            ("The state-owned broadcaster accused the regulator of bias.", "The state-owned broadcaster"),
            ("The families' lawyers accused the state of failing the children.", "The families' lawyers"),
            (
                "Sir Bernard Ingham, a former press secretary, took a harsher view, accusing the programme of spin.",
                "Sir Bernard Ingham",
            ),
        ];
        for (sentence, source) in cases {
            assert_eq!(pair(sentence, Claim::Accusation).0, source, "{sentence}");
        }
        // A closing quote after a word in s, before punctuation, still ends the phrase.
        assert_eq!(
            pair("'They hid the costs,' the auditors said, and accused the council of lying.", Claim::Accusation).0,
            "the auditors"
        );
    }

    #[test]
    fn a_fronted_quote_without_a_cue_accuses_its_subject_and_a_spaced_hyphen_is_a_dash() {
        // By the actor guide: the quote's subject is the accused; the speaker the accuser.
        let mut lexicon = lexicon();
        lexicon.cues.push(Cue { term: "liar".into(), category: "accusation".into(), weight: 1.0 });
        lexicon.cues.push(Cue { term: "suing".into(), category: "accusation".into(), weight: 1.0 });
        let pair = |sentence: &str| pair_with(&lexicon, sentence, Claim::Accusation);
        let cases = [
            ("\"Insurgents attacked our village at dawn,\" the farmer said.", ("the farmer", "Insurgents")),
            // 's after a pronoun is "is": the subject ends before it.
            ("\u{201C}He\u{2019}s a serial liar,\u{201D} she said.", ("she", "He")),
            // No subject before a verb in the quote: no accused; nor the speaker's "we".
            ("\"Corruption everywhere,\" she said.", ("she", "")),
            ("\"We were cheated,\" the coach said.", ("the coach", "")),
            (
                "Yukos is suing four companies - Gazprom, Rosneft and two others - over the sale.",
                ("Yukos", "four companies"),
            ),
        ];
        for (sentence, (source, target)) in cases {
            assert_eq!(pair(sentence), (source.to_string(), target.to_string()), "{sentence}");
        }
    }

    #[test]
    fn a_verb_of_finding_before_that_reports_the_clause() {
        // By the actor guide: the one who found is the accuser, the clause's subject the accused.
        let mut lexicon = lexicon();
        lexicon.cues.push(Cue { term: "misled".into(), category: "accusation".into(), weight: 1.0 });
        let found =
            extract("The watchdog found that the bank had misled customers about fees.", Claim::Accusation, &lexicon);
        let spans = (found.source.map(|s| s.text), found.target.map(|s| s.text));
        assert_eq!(spans, (Some("The watchdog".into()), Some("the bank".into())));
        // Without "that": the clause's auxiliary a few words on.
        let without_that = pair_with(&lexicon, "Mr Martin revealed some MPs had misled the house.", Claim::Accusation);
        assert_eq!(without_that, ("Mr Martin".into(), "some MPs".into()));
    }

    #[test]
    fn a_claim_denied_is_no_one_who_denies() {
        // By the actor guide: a passive without an agent names no source; the claim is no actor.
        assert_eq!(pair("The story was denied by the palace on Tuesday.", Claim::Denial).0, "the palace");
        assert_eq!(pair("The story was denied on Tuesday.", Claim::Denial).0, "");
        assert_eq!(pair("Reports of a coup were denied.", Claim::Denial).0, "");
        assert_eq!(pair("The minister denied the report.", Claim::Denial).0, "The minister");
    }

    #[test]
    fn a_passive_in_a_reported_clause_accuses_its_subject() {
        // By the actor guide: the one reporting accuses; the subject of the passive is accused.
        assert_eq!(
            pair(
                "A police spokesman said: \"The aunt was arrested and admitted attacking the boy.\"",
                Claim::Accusation
            ),
            ("A police spokesman".into(), "The aunt".into())
        );
        assert_eq!(
            pair("Officials said that the mayor had been charged with fraud.", Claim::Accusation),
            ("Officials".into(), "the mayor".into())
        );
    }

    #[test]
    fn times_names_with_and_or_of_and_verbs_of_examining_are_read() {
        // By the actor guide: each source was missed or cut.
        let mut lexicon = lexicon();
        lexicon.reporting_verbs.push("claimed".into());
        lexicon.cues.push(Cue { term: "cheated".into(), category: "accusation".into(), weight: 1.0 });
        let pair = |sentence: &str| pair_with(&lexicon, sentence, Claim::Accusation);
        let cases = [
            ("In December state media claimed the aircraft dropped weapons.", ("state media", "the aircraft")),
            ("In 2012 the regulator said the firm had cheated.", ("the regulator", "the firm")),
            (
                "The company is being examined by the Securities and Exchange Commission.",
                ("the Securities and Exchange Commission", "The company"),
            ),
            ("The lender was investigated by the Bank of England.", ("the Bank of England", "The lender")),
            ("Al-Zameli also disclosed in January that the coalition had cheated.", ("Al-Zameli", "the coalition")),
        ];
        for (sentence, (source, target)) in cases {
            assert_eq!(pair(sentence), (source.to_string(), target.to_string()), "{sentence}");
        }
        // A span of nothing but a time is no actor.
        assert_eq!(pair("In September this year said that the firm had cheated.").0, "");
    }

    #[test]
    fn short_adverbs_between_subject_and_verb_are_no_part_of_the_subject() {
        // By the actor guide; each source kept its adverb ("Agent Gregg Klein even").
        for (sentence, source) in [
            ("Agent Gregg Klein even denied the report.", "Agent Gregg Klein"),
            ("Klinger and Fuentes both denied the claims.", "Klinger and Fuentes"),
            ("The ministry initially denied any role.", "The ministry"),
        ] {
            assert_eq!(pair(sentence, Claim::Denial).0, source, "{sentence}");
        }
    }

    #[test]
    fn a_report_names_its_author_as_the_source() {
        // By the actor guide: the source is the actor who accuses, not the document.
        assert_eq!(
            pair("A report from the watchdog said the mayor had been charged with fraud.", Claim::Accusation),
            ("the watchdog".into(), "the mayor".into())
        );
        assert_eq!(pair("A statement by the ministry denied the claims.", Claim::Denial).0, "the ministry");
        // A phrase that is no report is kept whole.
        assert_eq!(pair("The head of the agency denied the claims.", Claim::Denial).0, "The head of the agency");
    }

    #[test]
    fn character_references_are_read_and_spans_stay_on_the_text_as_given() {
        let given = "The U.S. accuses Russia&#39;s army of bombing the convoy.";
        let plain = "The U.S. accuses Russia's army of bombing the convoy.";
        assert_eq!(pair(given, Claim::Accusation), ("The U.S.".into(), "Russia&#39;s army".into()));
        assert_eq!(pair(plain, Claim::Accusation), ("The U.S.".into(), "Russia's army".into()));
        let found = extract(given, Claim::Accusation, &lexicon());
        let target = found.target.unwrap();
        assert_eq!(given.get(target.start..target.end), Some("Russia&#39;s army"));
        let denial = "Moscow&rsquo;s envoy denied the charges.";
        assert_eq!(pair(denial, Claim::Denial).0, "Moscow&rsquo;s envoy");
    }

    #[test]
    fn active_accusation() {
        assert_eq!(
            pair("The U.S. accuses Russia of bombing the convoy.", Claim::Accusation),
            ("The U.S.".into(), "Russia".into())
        );
        assert_eq!(
            pair("Beijing on Thursday accused Washington of meddling.", Claim::Accusation),
            ("Beijing".into(), "Washington".into())
        );
    }

    #[test]
    fn spans_stop_at_the_end_of_a_sentence_in_a_text_of_two() {
        // A row of two sentences: the target ran on into the next one ("the rebels. They
        // denied it"), the subject of "denied" back into the one before ("The minister").
        assert_eq!(
            pair("The minister accused the rebels. They denied it.", Claim::Accusation),
            ("The minister".into(), "the rebels".into())
        );
        assert_eq!(pair("The minister accused the rebels. They denied it.", Claim::Denial).0, "They");
        // An abbreviation's full stop ends no sentence.
        assert_eq!(pair("Police accused Mr. Smith of fraud.", Claim::Accusation).1, "Mr. Smith");
    }

    #[test]
    fn denial_subject() {
        assert_eq!(pair("The Russians deny any involvement.", Claim::Denial), ("The Russians".into(), String::new()));
        assert_eq!(
            pair("Ms Chen, the company's founder, denied that she lied.", Claim::Denial),
            ("Ms Chen".into(), String::new())
        );
    }

    #[test]
    fn spans_lose_opening_time_and_scene_phrases_trailing_adverbs_and_possessives() {
        let p = |s| pair(s, Claim::Accusation);
        assert_eq!(p("On Friday the auditors accused the mayor of fraud.").0, "the auditors");
        assert_eq!(p("Last month the regulator accused the bank of hiding losses.").0, "the regulator");
        assert_eq!(p("At the summit in Oslo, the foreign minister accused Moscow of lying.").0, "the foreign minister");
        assert_eq!(p("The coach initially blamed the referee for the defeat.").0, "The coach");
        assert_eq!(p("The agency's report blamed the airline for the delays.").1, "the airline");
    }

    #[test]
    fn sanctions_and_claims_against_someone_name_the_accused() {
        let p = |s| pair(s, Claim::Accusation);
        // A sanction verb in the passive: the one sanctioned is accused, the agent accuses.
        assert_eq!(
            p("The sprinter was suspended by the athletics federation after a failed test."),
            ("the athletics federation".into(), "The sprinter".into())
        );
        // "proceedings against X" without a verb of accusing: the subject acts on X.
        assert_eq!(
            p("The watchdog has opened proceedings against Nordbank over its bonus scheme."),
            ("The watchdog".into(), "Nordbank".into())
        );
        // No verb of accusing at all: the subject's deed is told, so it is the accused.
        assert_eq!(
            p("The gang looted shops across the district for three nights."),
            (String::new(), "The gang".into())
        );
        // A span that would start with a preposition is no name.
        assert_ne!(p("Inspectors found traces in the samples of the rider.").1.split(' ').next(), Some("in"));
    }

    #[test]
    fn relative_clauses_expletives_and_nouns_of_accusing_are_no_actors() {
        let p = |s| pair(s, Claim::Accusation);
        // The name without its relative clause.
        assert_eq!(p("The dispute was settled, according to a lawyer who represented the families.").0, "a lawyer");
        // "It was ..." names nobody; the noun "investigator" is no verb of accusing.
        assert_eq!(p("It was a scandal that shook the whole league for a season.").1, "");
        assert_eq!(p("The investigator filmed the guard taking cash from the till.").0, "");
        // The accusation itself is no actor: "criminal charges" is not the accused.
        assert_eq!(p("Police said criminal charges were filed on Monday."), ("Police".into(), String::new()));
    }

    #[test]
    fn passive_with_and_without_agent() {
        assert_eq!(pair("He was charged with fraud.", Claim::Accusation), (String::new(), "He".into()));
        assert_eq!(
            pair("The senator was accused of harassment by three aides.", Claim::Accusation),
            ("three aides".into(), "The senator".into())
        );
        assert_eq!(
            pair("The senator was accused by three aides of harassment.", Claim::Accusation),
            ("three aides".into(), "The senator".into())
        );
    }

    #[test]
    fn fronted_quote_speaker() {
        assert_eq!(pair("\u{201C}It is false,\u{201D} the spokesman said.", Claim::Denial).0, "the spokesman");
        assert_eq!(pair("\"It is false,\" said Mr Novak.", Claim::Denial).0, "Mr Novak");
    }

    #[test]
    fn spans_are_exact_substrings() {
        let s = "Opposition lawmakers walked out, accusing the speaker of silencing dissent.";
        let a = extract(s, Claim::Accusation, &lexicon());
        for span in [a.source, a.target].into_iter().flatten() {
            assert_eq!(&s[span.start..span.end], span.text);
        }
    }

    #[test]
    fn span_scores_of_nothing_are_undefined_not_zero() {
        let mut score = SpanScore::default();
        // A denial: no gold target, none predicted.
        score.add("", "");
        assert_eq!((score.precision(), score.recall()), (None, None));
        // One wrong prediction: 0 of 1 predicted right; still no gold span.
        score.add("", "He");
        assert_eq!((score.precision(), score.recall()), (Some(0.0), None));
        // One right: 1 of 2 predicted, 1 of 1 gold.
        score.add("She", "She");
        assert_eq!((score.precision(), score.recall()), (Some(0.5), Some(1.0)));
    }
}

/// Precision and recall of extracted spans against gold spans (exact text match).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SpanScore {
    /// Gold spans that are non-empty.
    pub n_gold: usize,
    /// Predicted spans that are non-empty.
    pub n_predicted: usize,
    /// Predicted spans equal to a non-empty gold span.
    pub n_correct: usize,
}

impl SpanScore {
    /// Adds one (gold, predicted) pair; empty strings mean "no span".
    pub fn add(&mut self, gold: &str, predicted: &str) {
        self.n_gold += usize::from(!gold.is_empty());
        self.n_predicted += usize::from(!predicted.is_empty());
        self.n_correct += usize::from(!gold.is_empty() && gold == predicted);
    }

    /// Share of predicted spans that are right; `None` when no span was predicted (0/0
    /// is undefined, and 0 would read as all of them wrong).
    pub fn precision(&self) -> Option<f64> {
        (self.n_predicted > 0).then(|| self.n_correct as f64 / self.n_predicted as f64)
    }

    /// Share of gold spans found; `None` when there is no gold span.
    pub fn recall(&self) -> Option<f64> {
        (self.n_gold > 0).then(|| self.n_correct as f64 / self.n_gold as f64)
    }
}
