//! Text to sentences to tokens. Input: a `&str`. Output: sentence spans and tokens, both
//! with byte offsets into the input, so every label can be traced back to its text.
//!
//! Tokens are lower-cased words; contractions are expanded so that negation stays
//! visible ("don't" -> `do` `not`), numbers become `<num>`, punctuation that ends a
//! clause is kept as a boundary token so negation scope can stop there, and quotation
//! marks are kept as quote tokens. In scripts written without spaces between words
//! (Chinese, Japanese, Thai) each character is a word; so is each emoji, and each
//! emoticon that stands alone.

use std::borrow::Cow;

/// The placeholder every number is normalised to ("400,000", "1.5", "2014").
pub const NUMBER_TOKEN: &str = "<num>";

/// A sentence: byte offsets `[start, end)` into the text it was split from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word or number: feature material.
    Word,
    /// Punctuation that ends a clause (`. , ; : ! ?` and brackets, and their forms in other
    /// scripts, whose text is the ASCII mark): ends negation scope.
    Boundary,
    /// A quotation mark (`"`, `“`, `”`, `«`, `»`, `「`, `」`), its text always `"`: reported
    /// speech. Neither a word nor a boundary.
    Quote,
}

/// The text of every [`TokenKind::Quote`].
pub const QUOTE_TOKEN: &str = "\"";

/// A token with its normalised form and its byte span in the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// Normalised form: lower-cased, contraction expanded, numbers as `<num>`. Borrowed
    /// from the text when it needs no change (most words of news text), so
    /// tokenizing allocates only for capitalised and non-ASCII words.
    pub text: Cow<'a, str>,
    /// Byte offset of the first character of the surface form.
    pub start: usize,
    /// Byte offset one past the surface form.
    pub end: usize,
    /// Word or clause boundary.
    pub kind: TokenKind,
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Characters inside a word that are not seen: the soft hyphen (a hyphenation point
/// web pages and typesetting put in long words), the word joiner, zero-width (non-)
/// joiners (inside Persian and Indic words) and U+FEFF as a zero-width no-break space.
/// A word holding one is the word without it: "re\u{AD}jected" used to be "re" and
/// "jected", losing the denial cue "rejected" (the shipped accusation model said `none`
/// where it says `denial` at 1.000).
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{2060}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}')
}

/// True when `text` holds nothing to read: only white space and characters that are not
/// seen (`is_invisible`, the zero-width space). Such a text is an empty text, as one of
/// spaces is: a file holding only a byte order mark (what Notepad saves for an empty
/// file) used to be labelled as one sentence, its text the invisible mark. An Excel
/// escape of white space (`_x000D_`, [`excel_space_at`]) is white space here as it is
/// to the splitter: an article of only such escapes was split into no sentence, so its
/// row had neither a sentence nor an error.
pub fn is_blank(text: &str) -> bool {
    let mut at = 0;
    while let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) {
        if excel_space_at(text, at) {
            at += EXCEL_ESCAPE_LEN;
        } else if c.is_whitespace() || is_unseen(c) || is_direction_mark(c) {
            at += c.len_utf8();
        } else {
            return false;
        }
    }
    true
}

/// The marks that set the direction of right-to-left text and print as nothing: the
/// left-to-right, right-to-left and Arabic letter marks, and the embedding, override and
/// isolate controls. A text (or an article's line) of only these holds nothing to read:
/// it was labelled as a sentence, counted in its article's shares.
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character that takes no room: the zero-width space (which separates words) and
/// those that stand inside them (`is_invisible`).
pub fn is_unseen(c: char) -> bool {
    is_invisible(c) || c == '\u{200B}'
}

/// `text` without the characters that are not seen (`is_unseen`): what it prints as.
pub fn without_unseen(text: &str) -> String {
    text.chars().filter(|&c| !is_unseen(c)).collect()
}

/// `text` with its HTML character references read as the characters they stand for
/// (`&#39;` and `&rsquo;` as apostrophes, `&quot;`, `&amp;`, `&nbsp;`, `&#233;` as é),
/// as a browser shows them: text scraped from web pages or feeds keeps them, and they
/// were read as words: "didn&#39;t fail" was `didn`, `39`, `t`, `fail`, its negation
/// lost (the shipped sentiment model said negative where it says neutral of "didn't
/// fail"), and "&quot;rejected&quot;" gave the word `quot`. A reference escaped once
/// more (`&amp;quot;`, as feeds double-encode) is read as its character too. Numeric
/// references 128 to 159 are read as Windows-1252 (`&#146;` ’), as browsers do; other
/// names, a reference without its `;`, or one of no character are left as written.
/// Excel's escapes (`_x000D_`, [`excel_escape`]) are read likewise. Borrowed when there
/// is nothing to read.
pub fn decode_character_references(text: &str) -> Cow<'_, str> {
    match decode_with_places(text) {
        Some(decoded) => Cow::Owned(decoded.text),
        None => Cow::Borrowed(text),
    }
}

/// A text with its character references read ([`decode_character_references`]), and
/// where each one was, so that a span found in it can be put back on the text as given.
pub struct DecodedText {
    /// The text with the references read.
    pub text: String,
    /// Each reference read: its character's place in `text` and the reference's in the
    /// text as given, in order.
    replaced: Vec<(std::ops::Range<usize>, std::ops::Range<usize>)>,
}

impl DecodedText {
    /// The byte offset in the text as given of `offset` in the decoded text (a place
    /// inside a character read from a reference maps past the reference).
    pub fn original_offset(&self, offset: usize) -> usize {
        let before = self.replaced.partition_point(|(decoded, _)| decoded.start < offset);
        match before.checked_sub(1).and_then(|i| self.replaced.get(i)) {
            None => offset,
            Some((decoded, original)) if offset < decoded.end => original.end,
            Some((decoded, original)) => original.end + (offset - decoded.end),
        }
    }
}

/// `text` with its character references read, or `None` when it has none.
pub fn decode_with_places(text: &str) -> Option<DecodedText> {
    if !text.contains('&') && !text.contains("_x") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut replaced = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['&', '_']) {
        out.push_str(rest.get(..at).unwrap_or_default());
        let from = rest.get(at..).unwrap_or_default();
        // `&amp;` followed by a reference: a reference escaped twice.
        let (skip, reference) = if from.starts_with('_') {
            (0, excel_escape(from))
        } else {
            match from.strip_prefix("&amp;").and_then(|inner| character_reference(&format!("&{inner}"))) {
                Some(found) => (4, Some(found)),
                None => (0, character_reference(from)),
            }
        };
        let original_start = text.len() - from.len();
        match reference {
            Some((c, length)) => {
                let decoded_start = out.len();
                out.push(c);
                replaced.push((decoded_start..out.len(), original_start..original_start + skip + length));
                rest = from.get(skip + length..).unwrap_or_default();
            }
            // `&` or `_`, each one byte.
            None => {
                out.push_str(from.get(..1).unwrap_or_default());
                rest = from.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    (!replaced.is_empty()).then_some(DecodedText { text: out, replaced })
}

/// The character of the escape `from` starts with, `_xHHHH_` (four hex digits), and its
/// length: how Excel's .xlsx stores a character a cell cannot hold as it is, the
/// carriage return of a line break in a cell (`_x000D_`) most of all, which pandas'
/// `read_excel` and other readers of the file leave in the text. It was read as the word
/// `x000d` glued between two words ("talks_x000D_failed" gave `talks`, `x000d`,
/// `failed`). `_x005F_` escapes the `_` of a literal `_x....` that follows.
fn excel_escape(from: &str) -> Option<(char, usize)> {
    let digits = from.strip_prefix("_x")?.get(..5)?.strip_suffix('_')?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let value = u32::from_str_radix(digits, 16).ok()?;
    Some((char::from_u32(value).filter(|&c| c != '\0')?, EXCEL_ESCAPE_LEN))
}

/// The length of an Excel escape ([`excel_escape`]), in bytes and characters alike.
const EXCEL_ESCAPE_LEN: usize = 7;

/// Whether an Excel escape of white space starts at byte `at` of `text`: the carriage
/// return of a cell's line break, `_x000D_`, most of all. To the splitter it is white
/// space, as it is to the features: "failed._x000D_" was no sentence end (a mark must
/// be followed by white space), and a long line of a cell ran into the next.
fn excel_space_at(text: &str, at: usize) -> bool {
    text.as_bytes().get(at) == Some(&b'_')
        && text.get(at..).and_then(excel_escape).is_some_and(|(c, _)| c.is_whitespace())
}

/// The character of the HTML character reference `from` starts with (`&...;`) and the
/// reference's length in bytes, if it is one.
fn character_reference(from: &str) -> Option<(char, usize)> {
    let body = from.strip_prefix('&')?;
    let end = body.bytes().take(33).position(|b| b == b';')?;
    let name = body.get(..end)?;
    let c = match name.strip_prefix('#') {
        Some(number) => {
            let (digits, radix) = match number.strip_prefix(['x', 'X']) {
                Some(hex) => (hex, 16),
                None => (number, 10),
            };
            if digits.is_empty() || digits.len() > 8 || !digits.chars().all(|c| c.is_digit(radix)) {
                return None;
            }
            let value = u32::from_str_radix(digits, radix).ok()?;
            windows_1252(value).or_else(|| char::from_u32(value)).filter(|&c| c != '\0')?
        }
        None => named_reference(name)?,
    };
    Some((c, end + 2))
}

/// What a browser reads a numeric reference of 128 to 159 as: the Windows-1252
/// character of that byte (old pages wrote `&#146;` for ’), not a C1 control.
fn windows_1252(value: u32) -> Option<char> {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2C6}',
        '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}',
        '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}',
        '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
    ];
    let index = usize::try_from(value.checked_sub(0x80)?).ok()?;
    HIGH.get(index).copied()
}

/// The named references scraped news text carries: marks, spaces and the accented
/// letters of Western European languages (numeric references cover the rest).
fn named_reference(name: &str) -> Option<char> {
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "nbsp" => '\u{A0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "shy" => '\u{AD}',
        "zwj" => '\u{200D}',
        "zwnj" => '\u{200C}',
        "lsquo" => '\u{2018}',
        "rsquo" => '\u{2019}',
        "sbquo" => '\u{201A}',
        "ldquo" => '\u{201C}',
        "rdquo" => '\u{201D}',
        "bdquo" => '\u{201E}',
        "laquo" => '\u{AB}',
        "raquo" => '\u{BB}',
        "lsaquo" => '\u{2039}',
        "rsaquo" => '\u{203A}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hellip" => '\u{2026}',
        "bull" => '\u{2022}',
        "middot" => '\u{B7}',
        "prime" => '\u{2032}',
        "deg" => '\u{B0}',
        "pound" => '\u{A3}',
        "euro" => '\u{20AC}',
        "cent" => '\u{A2}',
        "yen" => '\u{A5}',
        "copy" => '\u{A9}',
        "reg" => '\u{AE}',
        "trade" => '\u{2122}',
        "times" => '\u{D7}',
        "iexcl" => '\u{A1}',
        "iquest" => '\u{BF}',
        "szlig" => '\u{DF}',
        _ => return accented_letter(name),
    })
}

/// `eacute`, `Auml`, `ccedil`, ...: a letter and the accent HTML names it with.
fn accented_letter(name: &str) -> Option<char> {
    let mut chars = name.chars();
    let letter = chars.next().filter(char::is_ascii_alphabetic)?;
    let accent = chars.as_str();
    let mark = match accent {
        "acute" => '\u{301}',
        "grave" => '\u{300}',
        "circ" => '\u{302}',
        "tilde" => '\u{303}',
        "uml" => '\u{308}',
        "cedil" => '\u{327}',
        "ring" => '\u{30A}',
        _ => return None,
    };
    use unicode_normalization::UnicodeNormalization;
    let mut composed = [letter, mark].into_iter().nfc();
    match (composed.next(), composed.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' | '\u{300C}' | '\u{300D}' | '\u{300E}' | '\u{300F}'
    )
}

fn is_clause_boundary(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '[' | ']' | '\u{2013}' | '\u{2014}' | '\u{2026}')
        || ascii_boundary(c).is_some()
}

/// The ASCII mark a clause boundary of another script stands for: the ideographic and
/// full-width marks of Chinese and Japanese (`。` `，` `、` `？` `！`), the Arabic comma,
/// semicolon and question mark, and the Devanagari dandas. A boundary token's text is
/// this mark, so `？` counts as the `?` of the n-grams, as `“` counts as `"`.
fn ascii_boundary(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{3002}' | '\u{FF0E}' | '\u{FF61}' | '\u{0964}' | '\u{0965}' => ".",
        '\u{FF0C}' | '\u{3001}' | '\u{FF64}' | '\u{060C}' => ",",
        '\u{FF1B}' | '\u{061B}' => ";",
        '\u{FF1A}' => ":",
        '\u{FF01}' => "!",
        '\u{FF1F}' | '\u{061F}' => "?",
        '\u{FF08}' => "(",
        '\u{FF09}' => ")",
        _ => return None,
    })
}

/// Whether `c` is a letter of a script written without spaces between words (Chinese,
/// Japanese kana, Thai, Lao, Khmer, Myanmar). Each such letter, with the marks that
/// combine with it, is a word of its own, so the n-grams are its characters and their
/// pairs (the usual features for these scripts when no word segmenter is at hand): a
/// clause of them used to be one word, found in no other text.
fn is_unspaced_letter(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}' // Thai, Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
        | '\u{2E80}'..='\u{2FDF}' // CJK and Kangxi radicals
        | '\u{3005}' | '\u{3007}' | '\u{3021}'..='\u{3029}' | '\u{3038}'..='\u{303B}' // ideographic marks and numerals
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{31F0}'..='\u{31FF}' // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}' // half-width Katakana
        | '\u{20000}'..='\u{3134F}' // CJK extensions B to G
    ) && c.is_alphanumeric()
}

/// Whether `c` goes on the word before it: a letter or digit of a spaced script, or a
/// mark that combines with the letter before it (Devanagari's virama in "हिन्दी", Thai
/// tone marks, Hebrew points), which is no letter itself: "हिन्दी" used to be the two
/// words `हिन` and `दी`.
fn continues_word(c: char) -> bool {
    (c.is_alphanumeric() && !is_unspaced_letter(c)) || unicode_normalization::char::is_combining_mark(c)
}

/// Whether `found` holds for the words of one of `texts`, read as the features read
/// them: character references decoded, word tokens only (no punctuation). For the
/// checks that a lexicon or a word-classes file meets the training texts at all.
pub fn any_text_words<S: AsRef<str>>(texts: &[S], mut found: impl FnMut(&[&str]) -> bool) -> bool {
    texts.iter().any(|text| {
        let text = decode_character_references(text.as_ref());
        let tokens = tokenize(&text);
        let words: Vec<&str> = tokens.iter().filter(|t| t.kind == TokenKind::Word).map(|t| t.text.as_ref()).collect();
        found(&words)
    })
}

/// Splits `text` into tokens. Never fails; any input gives some (possibly empty) list.
///
/// A word is a run of letters and digits, joined across single internal apostrophes,
/// hyphens, and the dots of dotted abbreviations ("u.s"). Contractions split off:
/// `n't` -> `not`, `'s` stays `'s`, `'re` -> `are`, `'ll` -> `will`, `'ve` -> `have`,
/// `'m` -> `am`, `'d` -> `would`; `can't` -> `can not`, `won't` -> `will not`.
/// An emoji, or an emoticon standing alone (`:-)`), is a word too.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::with_capacity(text.len() / 5 + 1);
    tokenize_into(text, &mut tokens);
    tokens
}

/// [`tokenize`] into `tokens` (cleared first), so a caller that tokenizes text after
/// text reuses one list.
pub fn tokenize_into<'a>(text: &'a str, tokens: &mut Vec<Token<'a>>) {
    tokens.clear();
    if text.is_ascii() {
        tokenize_ascii(text, tokens)
    } else {
        tokenize_any(text, tokens)
    }
}

/// [`tokenize`] for ASCII text (most news), byte by byte: the same rules as
/// [`tokenize_any`], without decoding characters. A property test holds the two equal.
fn tokenize_ascii<'a>(text: &'a str, tokens: &mut Vec<Token<'a>>) {
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied().unwrap_or(b' ');
    let mut i = 0;
    while i < bytes.len() {
        let c = at(i);
        if c.is_ascii_alphanumeric() {
            let start = i;
            let mut end = i + 1;
            let mut dotted = DottedLetters::new();
            // Whether the word is lower-case letters and digits with a letter among them:
            // such a word is its own token, with no need to look at it again.
            let mut plain = c.is_ascii_lowercase() || c.is_ascii_digit();
            let mut has_letter = c.is_ascii_lowercase();
            // Extend over letters/digits and single joiners followed by a letter/digit.
            loop {
                let n = at(end);
                if n.is_ascii_alphanumeric() {
                    end += 1;
                    dotted.push(n as char);
                    plain &= !n.is_ascii_uppercase();
                    has_letter |= n.is_ascii_lowercase();
                    continue;
                }
                let m = at(end + 1);
                if !(matches!(n, b'\'' | b'-' | b'.' | b',') && m.is_ascii_alphanumeric()) {
                    break;
                }
                if !joins(dotted.single_letters(), at(end - 1) as char, n as char, m as char) {
                    break;
                }
                end += 2;
                dotted.push(n as char);
                dotted.push(m as char);
                plain = false;
            }
            let surface = text.get(start..end).unwrap_or_default();
            if plain && has_letter {
                tokens.push(Token { text: Cow::Borrowed(surface), start, end, kind: TokenKind::Word });
                i = end;
                continue;
            }
            let surface_end = if takes_trailing_dot(surface, at(end) == b'.') { end + 1 } else { end };
            push_word(tokens, surface, start, surface_end);
            i = surface_end;
        } else if c == b'\'' {
            // A detached contraction as in pre-tokenised text: "does n't", "it 's".
            let letters = bytes.get(i + 1..).unwrap_or_default().iter().take_while(|b| b.is_ascii_alphabetic()).count();
            let lower = text.get(i + 1..i + 1 + letters).unwrap_or_default().to_ascii_lowercase();
            if matches!(lower.as_str(), "s" | "re" | "ll" | "ve" | "m" | "d" | "t") {
                let end = i + 1 + letters;
                tokens.push(Token { text: Cow::Borrowed(expand_suffix(&lower)), start: i, end, kind: TokenKind::Word });
                i = end;
            } else {
                i += 1;
            }
        } else if let Some((end, word)) = emoticon_at(text, i, c as char) {
            push_emoticon(tokens, word, i, end);
            i = end;
        } else {
            if c == b'"' {
                tokens.push(Token { text: Cow::Borrowed(QUOTE_TOKEN), start: i, end: i + 1, kind: TokenKind::Quote });
            } else if is_clause_boundary(c as char) {
                let boundary = text.get(i..i + 1).unwrap_or_default();
                tokens.push(Token { text: Cow::Borrowed(boundary), start: i, end: i + 1, kind: TokenKind::Boundary });
            }
            i += 1;
        }
    }
}

/// [`tokenize`] for any text, character by character.
fn tokenize_any<'a>(text: &'a str, tokens: &mut Vec<Token<'a>>) {
    let bytes_len = text.len();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if is_unspaced_letter(c) {
            let mut end = start + c.len_utf8();
            while let Some(&(i, mark)) = chars.peek() {
                if !unicode_normalization::char::is_combining_mark(mark) {
                    break;
                }
                end = i + mark.len_utf8();
                chars.next();
            }
            push_word(tokens, &text[start..end], start, end);
        } else if c.is_alphanumeric() {
            let mut end = start + c.len_utf8();
            let mut dotted = DottedLetters::new();
            // Extend over letters/digits and single joiners followed by a letter/digit.
            loop {
                let rest = text.get(end..).unwrap_or_default();
                let mut it = rest.chars();
                match it.next() {
                    Some(n) if continues_word(n) => {
                        end += n.len_utf8();
                        if n.is_alphanumeric() {
                            dotted.push(n);
                        }
                    }
                    Some(n) if is_apostrophe(n) || is_hyphen(n) || is_invisible(n) || n == '.' || n == ',' => {
                        match it.next() {
                            Some(m) if m.is_alphanumeric() && !is_unspaced_letter(m) => {
                                let prev = text.get(..end).and_then(|t| t.chars().next_back()).unwrap_or(' ');
                                if !joins(dotted.single_letters(), prev, n, m) {
                                    break;
                                }
                                end += n.len_utf8() + m.len_utf8();
                                dotted.push(n);
                                dotted.push(m);
                            }
                            _ => break,
                        }
                    }
                    _ => break,
                }
            }
            // Advance the outer iterator past the consumed word.
            skip_to(&mut chars, end);
            let surface = &text[start..end];
            let mut surface_end = end;
            if takes_trailing_dot(surface, text[end..].starts_with('.')) {
                surface_end = end + 1;
                skip_to(&mut chars, surface_end);
            }
            push_word(tokens, surface, start, surface_end);
        } else if is_apostrophe(c) {
            // A detached contraction as in pre-tokenised text: "does n't", "it 's".
            let rest = &text[start + c.len_utf8()..];
            let word: String = rest.chars().take_while(|ch| ch.is_alphabetic()).collect();
            let lower = word.to_lowercase();
            if matches!(lower.as_str(), "s" | "re" | "ll" | "ve" | "m" | "d" | "t") && !word.is_empty() {
                let end = start + c.len_utf8() + word.len();
                tokens.push(Token { text: Cow::Borrowed(expand_suffix(&lower)), start, end, kind: TokenKind::Word });
                skip_to(&mut chars, end);
            }
        } else if is_quote(c) {
            let end = start + c.len_utf8();
            tokens.push(Token { text: Cow::Borrowed(QUOTE_TOKEN), start, end, kind: TokenKind::Quote });
        } else if let Some((end, word)) = emoticon_at(text, start, c) {
            push_emoticon(tokens, word, start, end);
            skip_to(&mut chars, end);
        } else if is_clause_boundary(c) {
            let end = start + c.len_utf8();
            let mark = ascii_boundary(c).unwrap_or(&text[start..end]);
            tokens.push(Token { text: Cow::Borrowed(mark), start, end, kind: TokenKind::Boundary });
        } else if is_emoji(c) {
            let end = emoji_end(text, start, c);
            let surface = &text[start..end];
            tokens.push(Token { text: emoji_word(surface), start, end, kind: TokenKind::Word });
            skip_to(&mut chars, end);
        }
    }
    debug_assert!(tokens.iter().all(|t| t.end <= bytes_len));
}

/// Advances `chars` to the first character at or after byte `end`.
fn skip_to(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>, end: usize) {
    while chars.next_if(|&(i, _)| i < end).is_some() {}
}

/// Emoticons, each with the word it is read as: without its nose, its letter
/// lower-cased, so that `:-)`, `:)` and `=)` are one word. They carry the tone of posts,
/// comments and reviews, and used to be read as clause marks (`:` `)`) or nothing.
const EMOTICONS: [(&str, &str); 20] = [
    (":-)", ":)"),
    (":)", ":)"),
    (":]", ":)"),
    ("=)", ":)"),
    (":-(", ":("),
    (":(", ":("),
    (":[", ":("),
    ("=(", ":("),
    (":'(", ":'("),
    (":-d", ":d"),
    (":d", ":d"),
    ("=d", ":d"),
    (";-)", ";)"),
    (";)", ";)"),
    (":-p", ":p"),
    (":p", ":p"),
    (":-/", ":/"),
    (":/", ":/"),
    (":-o", ":o"),
    (":o", ":o"),
];

/// The emoticon that starts with `c` at byte `i` of `text` (its end, and the word it
/// is read as, see [`EMOTICONS`]), when it stands alone: at the start or after white
/// space, and before the end, white space, or a mark that ends a clause. The same
/// characters run into other text in other uses ("10:30", "as follows:(a)", "f(x)").
fn emoticon_at(text: &str, i: usize, c: char) -> Option<(usize, &'static str)> {
    if !matches!(c, ':' | ';' | '=') || text.get(..i)?.chars().next_back().is_some_and(|b| !b.is_whitespace()) {
        return None;
    }
    let rest = text.get(i..)?;
    EMOTICONS.iter().find_map(|&(pattern, word)| {
        let end = i + pattern.len();
        let same = rest.as_bytes().get(..pattern.len())?.eq_ignore_ascii_case(pattern.as_bytes());
        let alone = text
            .get(end..)?
            .chars()
            .next()
            .is_none_or(|n| n.is_whitespace() || matches!(n, '.' | ',' | '!' | '?' | ';' | '"'));
        (same && alone).then_some((end, word))
    })
}

/// An emoticon's tokens: a clause boundary, then the word it is read as, both over its
/// span, so that it ends a negation's scope as the marks it is made of did and is not
/// negated itself ("can't believe it :( so sad": neither `:(` nor `sad` is negated).
fn push_emoticon(tokens: &mut Vec<Token<'_>>, word: &'static str, start: usize, end: usize) {
    tokens.push(Token { text: Cow::Borrowed("."), start, end, kind: TokenKind::Boundary });
    tokens.push(Token { text: Cow::Borrowed(word), start, end, kind: TokenKind::Word });
}

/// Whether `c` starts an emoji: a pictograph at U+2600 or above with the Unicode Emoji
/// property (faces, hearts, hands, flags). Each emoji is a word of its own, as fastText's
/// tokens keep them: in posts and comments they carry the tone ("😡", "❤️"), and they
/// used to be dropped. Below U+2600 the property's characters (digits, ©, ®, ™, arrows,
/// bullets) are typography in news text, and stay what they were.
fn is_emoji(c: char) -> bool {
    use unicode_properties::UnicodeEmoji;
    c >= '\u{2600}' && c.is_emoji_char()
}

fn is_regional_indicator(c: char) -> bool {
    matches!(c, '\u{1F1E6}'..='\u{1F1FF}')
}

/// Whether `c` completes the emoji before it: a variant of it ([`varies_emoji`]), the
/// keycap mark or a tag character (of a region's flag).
fn completes_emoji(c: char) -> bool {
    varies_emoji(c) || matches!(c, '\u{20E3}' | '\u{E0020}'..='\u{E007F}')
}

/// Whether `c` picks a variant of the emoji before it: a presentation selector or a
/// skin tone, which the word the emoji is read as leaves out ([`emoji_word`]).
fn varies_emoji(c: char) -> bool {
    matches!(c, '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}')
}

/// The end of the emoji that starts with `first` at byte `start` of `text`: with the
/// characters that complete it (presentation selectors, skin tones, the keycap mark, tag
/// characters), the second letter of a flag (🇺🇸 is two regional indicators), and
/// the emoji joined to it by U+200D (👩‍💻 is one emoji of two).
fn emoji_end(text: &str, start: usize, first: char) -> usize {
    let mut end = start + first.len_utf8();
    let mut flag_letters = usize::from(is_regional_indicator(first));
    loop {
        let mut ahead = text.get(end..).unwrap_or_default().chars();
        let taken = match ahead.next() {
            Some(c) if completes_emoji(c) => c.len_utf8(),
            Some(c) if flag_letters == 1 && is_regional_indicator(c) => {
                flag_letters = 2;
                c.len_utf8()
            }
            Some(zwj @ '\u{200D}') => match ahead.next() {
                Some(next) if is_emoji(next) => {
                    flag_letters = usize::from(is_regional_indicator(next));
                    zwj.len_utf8() + next.len_utf8()
                }
                _ => 0,
            },
            _ => 0,
        };
        if taken == 0 {
            return end;
        }
        end += taken;
    }
}

/// The word an emoji is read as: without its presentation selectors and skin tones, so
/// that "❤️" and "❤", "👍🏽" and "👍" are one word (a skin tone alone stays itself).
fn emoji_word(surface: &str) -> Cow<'_, str> {
    if !surface.chars().any(varies_emoji) {
        return Cow::Borrowed(surface);
    }
    let word: String = surface.chars().filter(|&c| !varies_emoji(c)).collect();
    if word.is_empty() {
        Cow::Borrowed(surface)
    } else {
        Cow::Owned(word)
    }
}

/// Whether `joiner` (an apostrophe, hyphen, dot or comma) between `prev` and `next`,
/// both letters or digits, joins them into one word: a dot joins only single letters
/// ("U.S."; `single_letters`, see [`DottedLetters`]) or digits ("1.5"); a comma only
/// digits ("400,000").
fn joins(single_letters: bool, prev: char, joiner: char, next: char) -> bool {
    match joiner {
        '.' => {
            (prev.is_ascii_digit() && next.is_ascii_digit())
                || (prev.is_alphabetic() && next.is_alphabetic() && single_letters)
        }
        ',' => prev.is_ascii_digit() && next.is_ascii_digit(),
        _ => true,
    }
}

/// Whether the dot right after a word belongs to it: the trailing dot of a dotted
/// abbreviation ("U.S."), not of a number.
fn takes_trailing_dot(surface: &str, dot_follows: bool) -> bool {
    dot_follows && surface.contains('.') && !surface.bytes().any(|b| b.is_ascii_digit())
}

/// Whether the word being built so far is made of single characters joined by dots
/// ("u", "u.s", "u.s.a"), the only words a dot may join, kept up to date as the word
/// grows. Splitting the whole word at each dot instead made a run like "a.a.a." cost
/// the square of its length (160 KB of it took minutes).
struct DottedLetters {
    /// Every part before the last dot has one character.
    earlier_single: bool,
    /// Characters since the last dot (or the word's start).
    part: usize,
}

impl DottedLetters {
    /// The state after a word's first character.
    fn new() -> Self {
        DottedLetters { earlier_single: true, part: 1 }
    }

    /// The word grew by `c`.
    fn push(&mut self, c: char) {
        if c == '.' {
            self.earlier_single = self.single_letters();
            self.part = 0;
        } else {
            self.part += 1;
        }
    }

    /// Whether every part of the word so far, split at its dots, is one character.
    fn single_letters(&self) -> bool {
        self.earlier_single && self.part == 1
    }
}

fn expand_suffix(suffix: &str) -> &'static str {
    match suffix {
        "s" => "'s",
        "re" => "are",
        "ll" => "will",
        "ve" => "have",
        "m" => "am",
        "d" => "would",
        _ => "not",
    }
}

/// The lower-cased form of a word with curly apostrophes made straight; borrowed when
/// the word is already lower-case ASCII.
fn normalise_word(surface: &str) -> Cow<'_, str> {
    if surface.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(surface)
    } else if surface.is_ascii() {
        Cow::Owned(surface.to_ascii_lowercase())
    } else {
        Cow::Owned(surface.to_lowercase().replace(['\u{2019}', '\u{2018}', '\u{02BC}'], "'").replace(is_invisible, ""))
    }
}

/// `word[from..to]`, borrowed when `word` is.
fn slice_of<'a>(word: &Cow<'a, str>, from: usize, to: usize) -> Cow<'a, str> {
    match word {
        Cow::Borrowed(s) => Cow::Borrowed(s.get(from..to).unwrap_or_default()),
        Cow::Owned(s) => Cow::Owned(s.get(from..to).unwrap_or_default().to_string()),
    }
}

fn push_word<'a>(tokens: &mut Vec<Token<'a>>, surface: &'a str, start: usize, end: usize) {
    let word = |text: Cow<'a, str>, start: usize, end: usize| Token { text, start, end, kind: TokenKind::Word };
    let lower = normalise_word(surface);
    if lower.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        tokens.push(word(Cow::Borrowed(NUMBER_TOKEN), start, end));
        return;
    }
    // Byte offset of the last apostrophe in the surface form (it may be multi-byte, and
    // lower-casing may change lengths, so offsets come from the surface).
    let Some(apostrophe) = surface.char_indices().rev().find(|(_, c)| is_apostrophe(*c)).map(|(i, _)| i) else {
        tokens.push(word(lower, start, end));
        return;
    };
    // n't contractions: "don't" -> do not, "can't" -> can not, "won't" -> will not.
    if let Some(stem) = lower.strip_suffix("n't") {
        let stem_len = apostrophe.saturating_sub(1); // the surface before its "n"
        let stem = match stem {
            "ca" => Cow::Borrowed("can"),
            "wo" => Cow::Borrowed("will"),
            "sha" => Cow::Borrowed("shall"),
            other => slice_of(&lower, 0, other.len()),
        };
        if !stem.is_empty() {
            tokens.push(word(stem, start, start + stem_len));
        }
        tokens.push(word(Cow::Borrowed("not"), start + stem_len, end));
        return;
    }
    if let Some(pos) = lower.rfind('\'') {
        let suffix = lower.get(pos + 1..).unwrap_or_default();
        if matches!(suffix, "s" | "re" | "ll" | "ve" | "m" | "d") && pos > 0 {
            let expanded = expand_suffix(suffix);
            tokens.push(word(slice_of(&lower, 0, pos), start, start + apostrophe));
            tokens.push(word(Cow::Borrowed(expanded), start + apostrophe, end));
            return;
        }
    }
    tokens.push(word(lower, start, end));
}

/// Abbreviations after which a period does not end a sentence (titles, months,
/// "No. 10", corporate suffixes mid-sentence). Lower-case, without the dot.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "gov", "sen", "rep",
    "rev", "st", "jr", "sr", "hon", "pres", "amb", "supt", "insp", "det", "cpl", "pvt", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no", "nos", "vs", "v", "etc", "approx", "est", "dept",
    "univ", "fig", "vol", "op", "inc", "corp", "co", "ltd", "bros", "mt", "ft", "e.g", "i.e", "al", "govt", "lieut",
    "ave", "blvd",
];

/// Abbreviations that end a list or a name as often inside a sentence as at its end
/// ("apples, pears, etc. The list ...", "... of Acme Inc. The company ..."): like a
/// dotted abbreviation, a [`SENTENCE_STARTERS`] word after one opens a new sentence.
/// Street names end a sentence as often ("... on Main St. The office ...", "Pennsylvania
/// Ave. The house ..."); "St." as "Saint" comes before a name ("St. Louis", "St. Paul's"),
/// never one of those openers: of the 9 "St." in 600 non-reserved BBC and FNC-1
/// articles, 8 are a saint's before the name ("St. Louis") and one "34th St.,"; their
/// 3 "Blvd." are followed by a comma.
/// Titles ("Gen.", "Sen.") and months stay abbreviations before any word.
const ENDING_ABBREVIATIONS: &[&str] =
    &["etc", "inc", "corp", "co", "ltd", "bros", "al", "jr", "sr", "st", "ave", "blvd"];

/// Words that start a new sentence even right after a dotted abbreviation such as
/// "U.S." ("... talks with the U.S. The Russians ...").
const SENTENCE_STARTERS: &[&str] = &[
    "the",
    "a",
    "an",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "but",
    "and",
    "in",
    "on",
    "this",
    "that",
    "there",
    "his",
    "her",
    "its",
    "their",
    "our",
    "however",
    "meanwhile",
    "officials",
    "after",
    "before",
    "when",
];

/// Splits `text` into sentences. Spans are in order, never overlap, never start or end
/// with whitespace, and together cover every non-whitespace character of `text`.
///
/// A sentence ends at `.`, `!` or `?` (with any closing quotes or brackets) followed by
/// whitespace and an upper-case letter, digit or opening quote, except after a known
/// abbreviation, an initial ("J. Smith") or a dotted abbreviation ("U.S.") unless a
/// common sentence opener follows. A blank line always ends a sentence, and so does a
/// line break after a short line without final punctuation (a headline or dateline)
/// unless the next line continues it: it starts with a lower-case letter, the line
/// ends with a word a sentence never ends on ("of", "the"), or, in text that looks
/// wrapped at a fixed width (e-mail, wire copy, `fmt`, text taken from a PDF), the
/// next line's first word would not have fitted on it. A list item on its own line (a
/// bullet or dash and a space) starts a sentence ([`item_follows`]). Line breaks are `\n`,
/// `\r\n`, a lone `\r` (old Mac files), a vertical tab (Word's manual line break), a
/// form feed (the page break of pdftotext and Word) and the Unicode line and paragraph
/// separators. HTML paragraph and line-break tags left
/// in scraped text separate sentences as spaces do, a closing one ending its sentence.
pub fn split_sentences(text: &str) -> Vec<SentenceSpan> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    // Every line break is seen as `\n`; `pos` stays the byte offset of the original.
    let chars = line_broken_chars(text);
    let wrap_cuts = wrap_cuts(text, &chars);
    let mut line_index = 0usize;
    let mut line_start = 0usize;
    let mut i = 0usize;
    let close = |spans: &mut Vec<SentenceSpan>, start: &mut Option<usize>, end: usize| {
        if let Some(s) = start.take() {
            let trimmed_end = s + text[s..end].trim_end().len();
            // A line of only direction marks (left over around right-to-left text) is no sentence.
            if trimmed_end > s && !is_blank(text.get(s..trimmed_end).unwrap_or_default()) {
                spans.push(SentenceSpan { start: s, end: trimmed_end });
            }
        }
    };
    while let Some(&(pos, c)) = chars.get(i) {
        if c == '\n' {
            // Blank line, or a short unterminated line (headline): hard boundary.
            let line = text[line_start..pos].trim();
            let after_break = after_line_break(text, pos);
            let next_line = text[after_break..].split(is_line_break).next().unwrap_or_default().trim();
            let unterminated_short = !line.is_empty()
                && line.chars().count() < 100
                && unterminated(line)
                && !continues_on(line, next_line)
                && !wrap_cuts.get(line_index).copied().unwrap_or(false);
            if next_line.is_empty() || line.is_empty() || unterminated_short || item_follows(line, next_line) {
                close(&mut spans, &mut start, pos);
            }
            line_start = after_break;
            line_index += 1;
            i += 1;
            continue;
        }
        // A sentence starts at a character that is seen: not at a byte order mark (a text
        // file saved by Notepad starts with one, which used to open its first sentence's
        // text) nor another invisible character.
        if start.is_none() && excel_space_at(text, pos) {
            i += EXCEL_ESCAPE_LEN;
            continue;
        }
        if start.is_none() && !c.is_whitespace() && !is_unseen(c) {
            start = Some(pos);
        }
        if is_sentence_end(c) {
            // Chinese and Japanese end a sentence with a full-width mark and no space.
            let full_width = matches!(c, '\u{3002}' | '\u{FF01}' | '\u{FF1F}' | '\u{FF0E}' | '\u{FF61}');
            // Consume the run of terminators and closing quotes/brackets.
            let mut j = i + 1;
            while chars
                .get(j)
                .is_some_and(|&(_, ch)| matches!(ch, '.' | '!' | '?' | ')' | ']' | '\u{2026}') || is_closing_quote(ch))
            {
                j += 1;
            }
            // French sets its closing guillemet off by a space ("prêts. » Puis").
            if let Some(n) = spaced_closing_guillemet(&chars, j) {
                j = n;
            }
            // A paragraph's closing tags left in scraped text end its sentence with it.
            while let Some(n) = html_tag(&chars, j, true) {
                j += n;
            }
            // Emoji after the mark belong to its sentence ("Great talks! 🎉 The deal ..."): they
            // used to stand where the next sentence's opener was looked for, joining the two.
            let emoji_end = emoji_after(&chars, j);
            let end = chars.get(emoji_end.unwrap_or(j)).map_or(text.len(), |&(p, _)| p);
            // Must be followed by whitespace, then a sentence opener.
            let mut k = emoji_end.unwrap_or(j);
            let mut saw_space = false;
            // A zero-width space separates as a space does; other invisible characters (a
            // soft hyphen, a byte order mark where files were joined) are passed over.
            while let Some(&(at, ch)) = chars.get(k) {
                if excel_space_at(text, at) {
                    // A cell's line break as Excel writes it ("failed._x000D_\nBoth").
                    saw_space = true;
                    k += EXCEL_ESCAPE_LEN;
                    continue;
                }
                if let Some(n) = html_tag(&chars, k, false) {
                    // The next paragraph's opening tag ("failed.</p><p>Both") separates as a space does.
                    saw_space = true;
                    k += n;
                    continue;
                }
                if (ch.is_whitespace() || ch == '\u{200B}') && ch != '\n' {
                    saw_space = true;
                } else if !is_invisible(ch) {
                    break;
                }
                k += 1;
            }
            let after = chars.get(k).map(|&(_, ch)| ch);
            let at_end = after.is_none();
            let followed_by_newline = after == Some('\n');
            // A capital, or a letter of a script without case (Hebrew, Arabic, Chinese).
            let opens = |ch: char| {
                ch.is_uppercase()
                    || (ch.is_alphabetic() && !ch.is_lowercase())
                    || ch.is_ascii_digit()
                    || matches!(ch, '"' | '\'' | '\u{201C}' | '\u{2018}' | '(' | '[')
            };
            // French and German opening quotes ("« Nous", "„Es"); `»` and `›` open a German
            // quotation ("»Gut«") when a word follows them at once.
            let guillemet_opens = matches!(after, Some('\u{00BB}' | '\u{203A}'))
                && chars.get(k + 1).is_some_and(|&(_, ch)| !ch.is_whitespace());
            let opener = after
                .is_some_and(|ch| opens(ch) || matches!(ch, '\u{00AB}' | '\u{2039}' | '\u{201E}' | '\u{201A}'))
                || guillemet_opens
                || (bullet_then(&chars, k, opens)
                    && !start.is_some_and(|s| dateline(text.get(s..pos).unwrap_or_default())));
            // "No." and "Nos." abbreviate "number" only before one ("No. 10"); before a word
            // they are the word no ("He said no. Then he left.").
            let word = word_before(text, pos).trim_start_matches(|ch: char| !ch.is_alphanumeric()).to_lowercase();
            let number_word = matches!(word.as_str(), "no" | "nos");
            let before_number = after.is_some_and(|ch| ch.is_ascii_digit());
            let abbreviation = (!number_word || before_number) && is_abbreviation_before(text, pos);
            if c == '.' && j == i + 1 && !at_end && !followed_by_newline && abbreviation {
                let next_word: String =
                    chars.iter().skip(k).map(|(_, ch)| *ch).take_while(|ch| ch.is_alphabetic()).collect();
                let dotted = word_before(text, pos).contains('.') || ENDING_ABBREVIATIONS.contains(&word.as_str());
                let starter = SENTENCE_STARTERS.contains(&next_word.to_lowercase().as_str());
                // A single capital ends a sentence as often ("Plan B. The talks", "than I. But")
                // before an opener that is no initial itself ("J. A. Smith" stays whole).
                let initial = word.chars().count() == 1
                    && word_before(text, pos).chars().last().is_some_and(char::is_uppercase)
                    && chars.get(k + next_word.chars().count()).is_none_or(|&(_, ch)| ch != '.');
                if !((dotted || initial) && starter && saw_space) {
                    i = j;
                    continue;
                }
            }
            if c == '.' && j == i + 1 && saw_space && !followed_by_newline && list_number(text, line_start, pos) {
                i = j;
                continue;
            }
            if c == '.' && j == i + 1 && !saw_space && glued_to_next_sentence(text, pos) {
                close(&mut spans, &mut start, end);
                i = j;
                continue;
            }
            if at_end || followed_by_newline || ((saw_space || full_width) && opener) {
                close(&mut spans, &mut start, end);
                i = emoji_end.unwrap_or(j);
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    close(&mut spans, &mut start, text.len());
    cut_overlong(text, spans)
}

/// The longest sentence, in bytes (about 3,000 words of English): a "sentence" longer
/// than this is text without sentence marks (a log, a table flattened to one line, a
/// scrape gone wrong). Labelled whole, a 19 MB one took 0.7 to 1.3 GB of memory, its
/// words' analysis held at once; no sentence of the news we labelled comes near it (the
/// longest of 21,746 has 1,937 bytes).
pub const LONGEST_SENTENCE: usize = 20_000;

/// `spans` with each span longer than [`LONGEST_SENTENCE`] cut into pieces of at most
/// that many bytes: after the last white space of a piece's second half, or, in a run
/// of that long without one, at the limit's character boundary.
fn cut_overlong(text: &str, spans: Vec<SentenceSpan>) -> Vec<SentenceSpan> {
    if spans.iter().all(|s| s.end - s.start <= LONGEST_SENTENCE) {
        return spans;
    }
    let mut pieces = Vec::with_capacity(spans.len());
    for span in spans {
        let mut start = span.start;
        while span.end - start > LONGEST_SENTENCE {
            let limit = text.floor_char_boundary(start + LONGEST_SENTENCE);
            let piece = text.get(start..limit).unwrap_or_default();
            let cut = match piece.rfind(char::is_whitespace) {
                Some(at) if at > LONGEST_SENTENCE / 2 => start + at,
                _ => limit,
            };
            let end = start + text.get(start..cut).unwrap_or_default().trim_end().len();
            pieces.push(SentenceSpan { start, end });
            let rest = text.get(cut..span.end).unwrap_or_default();
            start = cut + (rest.len() - rest.trim_start().len());
        }
        if start < span.end {
            pieces.push(SentenceSpan { start, end: span.end });
        }
    }
    pieces
}

/// Quotation marks that may close a quotation: English `" ” ' ’`, the guillemets of
/// French and German (`« » ‹ ›`, which German uses the other way round) and the closing
/// marks of German („…“, ‚…‘), which English uses to open. A sentence's mark is followed
/// through them ("prêts.»", "fertig.“": the sentence ends after them; the guillemets and
/// German marks used to stand where the next sentence's opener was looked for, joining
/// the two), and a line ending on one is looked through to its last word ([`unterminated`]).
fn is_closing_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '\u{201D}'
            | '\u{2019}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{2039}'
            | '\u{203A}'
            | '\u{201C}'
            | '\u{2018}'
    )
}

/// The index just past a French closing guillemet (`»`, `›`) set off by a space after a
/// sentence's mark at `chars[at]` ("« Nous sommes prêts. » Puis ..."), when a space, a
/// line break or the end of the text follows it: a guillemet between spaces closes a
/// quotation (an opening one, German `»Gut«`, is followed by its word at once).
fn spaced_closing_guillemet(chars: &[(usize, char)], at: usize) -> Option<usize> {
    let spaces = chars
        .iter()
        .skip(at)
        .take(3)
        .take_while(|&&(_, ch)| matches!(ch, ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}'))
        .count();
    let mark = at + spaces;
    let closes = spaces > 0
        && chars.get(mark).is_some_and(|&(_, ch)| matches!(ch, '\u{00BB}' | '\u{203A}'))
        && chars.get(mark + 1).is_none_or(|&(_, ch)| ch.is_whitespace());
    closes.then_some(mark + 1)
}

/// Whether `chars[k]` is a list's bullet or dash (`-`, `*`, `•`, `–`, `—`) standing
/// alone, a space and then a character that `opens` a sentence: a list flattened into
/// one line ("... since 1976. - Best lighting design ...", "agreed. • Prisoners freed.").
/// Such items ran into the sentence before them; a dash before a lower-case word goes
/// on with it ("Where is the Love? - picked up the prize").
fn bullet_then(chars: &[(usize, char)], k: usize, opens: impl Fn(char) -> bool) -> bool {
    let at = |n: usize| chars.get(k + n).map(|&(_, ch)| ch);
    at(0).is_some_and(is_bullet) && at(1).is_some_and(|ch| ch == ' ') && at(2).is_some_and(opens)
}

/// A list's bullet or dash: `-`, `*`, `•`, `–`, `—`.
fn is_bullet(c: char) -> bool {
    matches!(c, '-' | '*' | '\u{2022}' | '\u{2013}' | '\u{2014}')
}

/// Whether `next_line` is a list item that starts after `line`: a bullet or dash and a
/// space, then anything after a line ending in a colon ("Key points:" and "• prisoners
/// freed"), or a word that is not lower-case after any other line. The item ran into
/// the line before it when that line ended in a colon, a comma or a semicolon (which
/// go on to the next line), or was long.
fn item_follows(line: &str, next_line: &str) -> bool {
    let mut chars = next_line.chars();
    let bulleted = chars.next().is_some_and(is_bullet) && chars.next() == Some(' ');
    bulleted && (line.ends_with(':') || chars.next().is_some_and(|c| !c.is_lowercase()))
}

/// Whether `opening` (a sentence's text up to a period) is a dateline whose place ends
/// in an abbreviation ("KANSAS CITY, Mo. - Officials said ..."): short, with a comma,
/// every word capitalised. Its dash leads into the story, not a list item.
fn dateline(opening: &str) -> bool {
    opening.len() <= 40
        && opening.contains(',')
        && opening.split_whitespace().all(|word| word.chars().next().is_some_and(char::is_uppercase))
}

/// The length in characters of the HTML tag of a paragraph or line break at `chars[at]`
/// (`<p>`, `</p>`, `<br/>`, `<li class="x">`: one of [`HTML_BREAKS`]), a closing one if
/// `closing`: text scraped from a web page keeps them, and "failed.</p><p>Both ..." was
/// one sentence, the two paragraphs' sentences under one label.
fn html_tag(chars: &[(usize, char)], at: usize, closing: bool) -> Option<usize> {
    if chars.get(at).is_none_or(|&(_, ch)| ch != '<') {
        return None;
    }
    let tag: String = chars.iter().skip(at).take(40).map(|&(_, ch)| ch).collect();
    let inner = tag.strip_prefix('<')?.split('>').next()?;
    let len = inner.chars().count() + 2;
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let name = if closing { inner.strip_prefix('/')? } else { inner };
    let name = name.split(' ').next()?;
    let fits = tag.chars().nth(len - 1) == Some('>') && !inner.contains(['<', '\n']);
    (fits && HTML_BREAKS.contains(&name.to_ascii_lowercase().as_str())).then_some(len)
}

/// The HTML tags that break text into paragraphs or lines.
const HTML_BREAKS: &[&str] = &["p", "br", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "tr", "td"];

/// The index just past a run of emoji at `chars[at]`, after spaces, when there is one
/// ("today! 🎉🎉", "won! 👨‍👩‍👧"): pictographs, symbols, skin tones, variation selectors and
/// the joiners of emoji sequences.
fn emoji_after(chars: &[(usize, char)], at: usize) -> Option<usize> {
    let first = at + chars.iter().skip(at).take_while(|&&(_, ch)| ch == ' ').count();
    let end = first
        + chars
            .iter()
            .skip(first)
            .take_while(|&&(_, ch)| is_emoji(ch) || completes_emoji(ch) || ch == '\u{200D}')
            .count();
    (end > first).then_some(end)
}

/// Whether the period at `dot` follows the number of a numbered list item, one or two
/// digits that open their line ("1. The ceasefire holds."): the item's text follows it.
/// Each such number used to be a sentence of its own ("1."), labelled as one.
/// A letter opening its line is a lettered list's ("a. The first point").
fn list_number(text: &str, line_start: usize, dot: usize) -> bool {
    let number = text.get(line_start..dot).unwrap_or_default().trim_start();
    let letter = number.len() == 1 && number.bytes().all(|b| b.is_ascii_alphabetic());
    letter || ((1..=2).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `c` ends a sentence (when what follows opens one): `. ! ? …`; the full-width
/// marks of Chinese and Japanese (`。 ！ ？ ．`, halfwidth `｡`); the Arabic question mark
/// `؟` and full stop `۔` (Urdu); the Devanagari danda `।` and double danda `॥` (Hindi,
/// Marathi, Nepali). Without them a Hindi article was one sentence with one label, and
/// an Arabic question ran into the next sentence.
fn is_sentence_end(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | '\u{2026}'
            | '\u{3002}'
            | '\u{FF01}'
            | '\u{FF1F}'
            | '\u{FF0E}'
            | '\u{FF61}'
            | '\u{061F}'
            | '\u{06D4}'
            | '\u{0964}'
            | '\u{0965}'
    )
}

/// The characters of `text` with their byte offsets, every line break given as `\n`:
/// a lone `\r` (a `\r` before `\n` is the `\r\n` of Windows; so is `\r\r\n`, which
/// Windows programs writing `\r\n` in text mode produce), a vertical tab, a form feed
/// (the page break pdftotext and Word write), and U+2028 and U+2029. Old Mac files break lines with `\r` alone, and their headlines
/// and paragraphs ran into the next sentence.
fn line_broken_chars(text: &str) -> Vec<(usize, char)> {
    let mut chars: Vec<(usize, char)> = text.char_indices().collect();
    // Walked from the end, so a run of `\r` is looked past once.
    let mut newline_follows = false;
    for (_, c) in chars.iter_mut().rev() {
        match *c {
            '\n' => newline_follows = true,
            '\r' if newline_follows => {}
            other if is_line_break(other) => {
                *c = '\n';
                newline_follows = false;
            }
            _ => newline_follows = false,
        }
    }
    chars
}

/// The byte offset just past the line break at `pos` (`\n`, `\r`, a vertical tab, a form feed, or
/// the three-byte U+2028 and U+2029).
fn after_line_break(text: &str, pos: usize) -> usize {
    pos + text.get(pos..).and_then(|rest| rest.chars().next()).map_or(1, char::len_utf8)
}

/// Whether `c` breaks a line, as [`line_broken_chars`] sees it (a `\r` before `\n`
/// included, which leaves an empty piece between the two when splitting on it).
fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{000B}' | '\u{000C}' | '\u{2028}' | '\u{2029}')
}

/// Whether a line (trimmed) ends without the punctuation that ends a sentence or
/// clause, as a headline, a dateline or a line cut by wrapping does. Closing quotes are
/// looked through: a headline ending on a quoted word (`PM calls the deal "dead"`) is
/// unterminated, and used to run into the article's first sentence; `said "Yes."` is not.
fn unterminated(line: &str) -> bool {
    let bare = line.trim_end_matches(|c: char| is_closing_quote(c) || matches!(c, ' ' | '\u{00A0}' | '\u{202F}'));
    !bare.ends_with(['.', '!', '?', ',', ';', ':'])
}

/// For each line of `text` (`chars` are its [`line_broken_chars`]), whether the break
/// after it was made by wrapping at a fixed width, told by [`filled`]. Each block of
/// non-blank lines is judged alone: it looks wrapped when at least two of its lines
/// without final punctuation go on with a lower-case word, and they make at least a
/// fifth of its breaks. A list, a table or a block of headlines has none. Its width is
/// its longest line but the first, and its first line is never taken for a wrapped one:
/// that is where a headline or dateline stands, often as long as the lines below it.
/// Empty when `text` has one line (a row of a CSV, a sentence per line): no allocation.
fn wrap_cuts(text: &str, chars: &[(usize, char)]) -> Vec<bool> {
    if !chars.iter().any(|&(_, c)| c == '\n') {
        return Vec::new();
    }
    let mut lines: Vec<&str> = Vec::new();
    let mut from = 0usize;
    for &(pos, c) in chars {
        if c == '\n' {
            lines.push(text.get(from..pos).unwrap_or_default().trim_end());
            from = after_line_break(text, pos);
        }
    }
    lines.push(text.get(from..).unwrap_or_default().trim_end());
    let mut cuts = vec![false; lines.len()];
    let mut block_start = 0usize;
    while block_start < lines.len() {
        let blank = |i: &usize| lines.get(*i).is_none_or(|line| line.trim().is_empty());
        if blank(&block_start) {
            block_start += 1;
            continue;
        }
        let block_end = (block_start..lines.len()).find(blank).unwrap_or(lines.len());
        let block = lines.get(block_start..block_end).unwrap_or_default();
        let breaks = block.len().saturating_sub(1);
        let cut_before_lower_case = block
            .windows(2)
            .filter(|pair| {
                matches!(pair, [line, next] if unterminated(line.trim())
                    && next.trim().chars().next().is_some_and(char::is_lowercase))
            })
            .count();
        if cut_before_lower_case >= 2 && cut_before_lower_case * 5 >= breaks {
            let width = block.iter().skip(1).map(|line| line.chars().count()).max().unwrap_or(0);
            for (k, pair) in block.windows(2).enumerate().skip(1) {
                if let ([line, next], Some(cut)) = (pair, cuts.get_mut(block_start + k)) {
                    *cut = filled(line, next.trim(), width);
                }
            }
        }
        block_start = block_end;
    }
    cuts
}

/// Whether `line` (trimmed at the end) was cut by wrapping at `width`: the first word of
/// `next_line` would not have fitted after it. Wrapping breaks a line only where the next
/// word does not fit; a headline is its block's first line ([`wrap_cuts`] never asks
/// about it) or short beside the lines around it.
/// This catches the cuts before a capital ("... Prime Minister Silvio" / "Berlusconi
/// voiced ...") that [`continues_on`] cannot tell from a headline.
fn filled(line: &str, next_line: &str, width: usize) -> bool {
    let next_word = next_line.split_whitespace().next().map_or(0, |word| word.chars().count());
    line.chars().count() + 1 + next_word > width
}

/// Words a sentence or headline does not end on: articles, conjunctions, possessives
/// and prepositions that are not also adverbs ("in", "on", "over" end "Lockdown kicks
/// in", "Game over"). A line ending on one in lower case was cut by wrapping. Of the
/// 841 short lines without final punctuation before a line starting with a capital in
/// the FNC-1 bodies (`../shared/datasets/fnc1/bodies.csv`), 3 end on one of these, each
/// cut mid-sentence or mid-list, none a headline.
const CONTINUING_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "but",
    "nor",
    "than",
    "that",
    "which",
    "whose",
    "from",
    "into",
    "with",
    "at",
    "to",
    "its",
    "their",
    "our",
    "my",
    "your",
    "including",
    "whether",
    "because",
    "would",
    "could",
    "should",
];

/// Whether `next_line` continues the sentence of `line` (both trimmed), which has no
/// final punctuation: the next line starts with a lower-case letter, or `line` ends
/// on one of the [`CONTINUING_WORDS`] in lower case. A headline or dateline is followed
/// by a sentence starting with a capital, and does not end on "the" or "of"; text
/// wrapped at a fixed width breaks between any two words, and without this every
/// line of it was labelled as a sentence of its own (the cuts before a capital are
/// [`filled`]'s). Measured by `scripts/measure-wrapping.py`: of 150 BBC articles
/// wrapped at 72 columns by Python's textwrap, 0.815 of the sentences came out as they
/// do unwrapped with this alone, 0.979 with [`filled`] as well (`fmt -w 72`: 0.849, 0.967).
fn continues_on(line: &str, next_line: &str) -> bool {
    if next_line.chars().next().is_some_and(char::is_lowercase) {
        return true;
    }
    let last_word = line.rsplit(|c: char| !c.is_alphabetic()).next().unwrap_or_default();
    CONTINUING_WORDS.contains(&last_word)
}

/// How far back from a period the splitter looks for the word before it, in characters.
/// The longest abbreviation has 6 and a dotted one ("U.S.A.") rarely more than 10;
/// looking back without a bound made every period of a long run without spaces ("a.a.a.",
/// 160 KB) rescan it, which took minutes.
const WORD_BEFORE_LIMIT: usize = 32;

/// The whitespace-delimited word that ends at byte `end`, or its last
/// [`WORD_BEFORE_LIMIT`] characters when it is longer.
fn word_before(text: &str, end: usize) -> &str {
    let before = text.get(..end).unwrap_or_default();
    let mut start = end;
    for (i, c) in before.char_indices().rev().take(WORD_BEFORE_LIMIT) {
        if c.is_whitespace() {
            break;
        }
        start = i;
    }
    before.get(start..).unwrap_or_default()
}

/// Whether the period at `dot` ends a sentence although no space follows it, as where
/// text lost a line break between paragraphs ("seems to be true.While police said"):
/// a lower-case word of two letters or more (or a capitalised one of four or more)
/// before it that is no abbreviation, a word of a capital and then a lower-case letter
/// after it that is not a web domain's ending ("Site.Com"), and no
/// `@`, `/` or second period in the run of non-space characters around it (an e-mail
/// address, a web address, a file name). Of 117 such periods in the FNC-1 and BBC
/// texts, all but a handful end a sentence.
fn glued_to_next_sentence(text: &str, dot: usize) -> bool {
    let before = text.get(..dot).unwrap_or_default();
    let after = text.get(dot + 1..).unwrap_or_default();
    // The runs of non-space characters on each side, read up to a bound: a run longer
    // than any word is no prose, and reading each whole made a long run of glued words
    // ("ab.Cd" repeated) quadratic.
    let run_before: Vec<char> =
        before.chars().rev().take_while(|c| !c.is_whitespace()).take(WORD_BEFORE_LIMIT + 1).collect();
    let run_after: Vec<char> = after.chars().take_while(|c| !c.is_whitespace()).take(WORD_BEFORE_LIMIT + 1).collect();
    if run_before.len() > WORD_BEFORE_LIMIT || run_after.len() > WORD_BEFORE_LIMIT {
        return false;
    }
    // The word before, read backwards: a plain word ("true", "Westminster"), not a short
    // or mixed-case name written with a period ("One.Tel", "iGen.Fr").
    let word_before: Vec<char> = run_before.iter().copied().take_while(|c| c.is_alphabetic()).collect();
    let (first, rest) = word_before.split_last().map_or((None, &[][..]), |(first, rest)| (Some(*first), rest));
    let plain = rest.iter().all(|c| c.is_lowercase())
        && first.is_some_and(|c| c.is_lowercase() || (c.is_uppercase() && rest.len() >= 3));
    let mut next = after.chars();
    let opens = next.next().is_some_and(char::is_uppercase) && next.next().is_some_and(char::is_lowercase);
    if word_before.len() < 2 || !plain || !opens {
        return false;
    }
    let odd = |c: &char| matches!(c, '@' | '/' | '.');
    let next_word: String = run_after.iter().take_while(|c| c.is_alphabetic()).take(5).collect();
    let domain_ending = DOMAIN_ENDINGS.contains(&next_word.to_lowercase().as_str());
    !run_before.iter().any(odd) && !run_after.iter().any(odd) && !domain_ending && !is_abbreviation_before(text, dot)
}

/// Endings of web addresses written with a capital ("InFlexWeTrust.Com"), which a
/// period without a space before them does not end a sentence on.
/// "net" is left out: "Profit rose.Net income fell" is business news.
const DOMAIN_ENDINGS: &[&str] = &["com", "org", "gov", "edu", "info", "biz"];

/// True when the word just before the period at `dot` is an abbreviation, an initial
/// or a dotted abbreviation, so the period need not end the sentence. A run of letters,
/// digits and dots longer than [`WORD_BEFORE_LIMIT`] is none of these.
fn is_abbreviation_before(text: &str, dot: usize) -> bool {
    let before = text.get(..dot).unwrap_or_default();
    let mut word: Vec<char> =
        before.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '.').take(WORD_BEFORE_LIMIT + 1).collect();
    if word.is_empty() || word.len() > WORD_BEFORE_LIMIT {
        return false;
    }
    word.reverse();
    let word: String = word.into_iter().collect();
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return true;
    }
    // An initial ("J. Smith") or dotted abbreviation ("U.S.", "U.N.").
    if word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase()) {
        return true;
    }
    lower.contains('.') && lower.split('.').all(|p| p.chars().count() <= 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_of_scripts_without_capitals_and_after_zero_width_spaces_are_split() {
        let texts = |text: &str| -> Vec<String> {
            split_sentences(text).iter().map(|s| text[s.start..s.end].to_string()).collect()
        };
        // Hebrew and Arabic letters have no case; Chinese ends a sentence with a
        // full-width mark and no space; a zero-width space separates as a space does.
        assert_eq!(texts("הוא הכחיש את זה. אמר שלום."), ["הוא הכחיש את זה.", "אמר שלום."]);
        assert_eq!(texts("نفى ذلك. قال مرحبا."), ["نفى ذلك.", "قال مرحبا."]);
        assert_eq!(texts("双方签署了协议。会谈很顺利！下一步？"), ["双方签署了协议。", "会谈很顺利！", "下一步？"]);
        assert_eq!(texts("The talks ended.\u{200B}Talks resumed."), ["The talks ended.", "Talks resumed."]);
        // English is split as before: not before a lower-case word.
        assert_eq!(texts("It rose 3 p.c. in May. Then it fell."), ["It rose 3 p.c. in May.", "Then it fell."]);
        assert_eq!(texts("He met the U.S. envoy. e.g. today."), ["He met the U.S. envoy. e.g. today."]);
    }

    /// A line of only direction marks (as text copied around right-to-left script leaves
    /// them) was a sentence of its own, labelled and counted in its article's shares; a
    /// text of only such marks was labelled, not an empty text.
    #[test]
    fn direction_marks_alone_are_no_sentence_and_no_text() {
        let texts = |text: &str| -> Vec<String> {
            split_sentences(text).iter().map(|s| text[s.start..s.end].to_string()).collect()
        };
        assert_eq!(texts("Talks failed.\n\u{200F}\nBoth sides agreed.\n"), ["Talks failed.", "Both sides agreed."]);
        assert_eq!(texts("\u{200E}\u{202B}\u{202C} \u{2067}\u{2069}\u{061C}"), Vec::<String>::new());
        // A mark before right-to-left words stays with its sentence.
        assert_eq!(texts("\u{200F}نفى ذلك. قال مرحبا."), ["\u{200F}نفى ذلك.", "قال مرحبا."]);
        assert!(is_blank("\u{200F}\u{200E} \u{202E}\u{2066}"));
        assert!(!is_blank("\u{200F}a"));
        // A cell's line break as Excel escapes it: the splitter finds no sentence in it.
        assert!(is_blank("_x000D_\n_x0009_ _x00A0_\u{200B}"));
        assert!(split_sentences("_x000D_\n_x000D__x000A_").is_empty());
        assert!(!is_blank("_x000D_a") && !is_blank("_x0041_") && !is_blank("_x000D"));
    }

    #[test]
    fn html_character_references_are_read_as_their_characters() {
        let read = |text: &str| decode_character_references(text).into_owned();
        assert_eq!(read("didn&#39;t &quot;fail&quot; &amp; &rsquo;&#x2019;"), "didn't \"fail\" & \u{2019}\u{2019}");
        assert_eq!(
            read("caf&eacute; Pok&#233;mon &Uuml;ber&nbsp;alles"),
            "caf\u{e9} Pok\u{e9}mon \u{dc}ber\u{a0}alles"
        );
        // Escaped twice, as feeds do; 128-159 as Windows-1252, as browsers read them.
        assert_eq!(read("didn&amp;#39;t &amp;quot;x&amp;quot; &#146;"), "didn't \"x\" \u{2019}");
        // Left as written: not a reference, an unknown name, no `;`, no character.
        for text in ["AT&T", "R&D; x", "&bogus;", "&#39 t", "&#0;", "&#xD800;", "&#x110000;", "&#+39;", "&;", "&"] {
            assert_eq!(read(text), text);
        }
        assert!(matches!(decode_character_references("no reference"), Cow::Borrowed(_)));
        let words = |text: &str| -> Vec<String> {
            tokenize(&decode_character_references(text)).into_iter().map(|t| t.text.into_owned()).collect()
        };
        assert_eq!(words("didn&#39;t fail"), words("didn't fail"));
    }

    #[test]
    fn excel_escapes_are_read_as_their_characters() {
        let read = |text: &str| decode_character_references(text).into_owned();
        // The line break of a cell, as an .xlsx stores it and pandas' read_excel leaves it.
        assert_eq!(read("Talks failed._x000D_\nBoth sides left."), "Talks failed.\r\nBoth sides left.");
        assert_eq!(read("talks_x000d_failed_x0009_x"), "talks\rfailed\tx");
        // `_x005F_` escapes the `_` of a literal escape; other underscores stay.
        assert_eq!(
            read("_x005F_x000D_ snake_case _x00_ _xZZZZ_ _x0000_ _x000D"),
            "_x000D_ snake_case _x00_ _xZZZZ_ _x0000_ _x000D"
        );
        assert!(matches!(decode_character_references("snake_case x_y"), Cow::Borrowed(_)));
        let words = |text: &str| -> Vec<String> {
            tokenize(&decode_character_references(text)).into_iter().map(|t| t.text.into_owned()).collect()
        };
        assert_eq!(words("talks_x000D_failed"), ["talks", "failed"]);
        let decoded = decode_with_places("a_x000D_b").unwrap();
        assert_eq!((decoded.text.as_str(), decoded.original_offset(2)), ("a\rb", 8));
    }

    #[test]
    fn offsets_in_a_decoded_text_map_back_to_the_text_as_given() {
        // "Pok&#233;mon didn&amp;#39;t": é is 2 bytes for 6, ' is 1 byte for 10.
        let given = "Pok&#233;mon didn&amp;#39;t x";
        let decoded = decode_with_places(given).unwrap();
        assert_eq!(decoded.text, "Pok\u{e9}mon didn't x");
        let back = |d: &str| {
            let start = decoded.text.find(d).unwrap();
            (decoded.original_offset(start), decoded.original_offset(start + d.len()))
        };
        assert_eq!(back("Pok"), (0, 3));
        assert_eq!(back("Pok\u{e9}mon"), (0, 12));
        assert_eq!(given.get(0..12), Some("Pok&#233;mon"));
        assert_eq!(back("didn't"), (13, 27));
        assert_eq!(given.get(13..27), Some("didn&amp;#39;t"));
        assert_eq!(back("x"), (28, 29));
        // Inside the two bytes of é: past the reference.
        assert_eq!(decoded.original_offset(4), 9);
        assert!(decode_with_places("AT&T and R&D").is_none());
    }

    #[test]
    fn a_sentence_starts_after_a_byte_order_mark_and_other_invisible_characters() {
        // A text file saved with a byte order mark: its first sentence used to start with it.
        let text = "\u{FEFF}Talks resumed. \u{AD}\u{FEFF}Both sides met.\n\u{FEFF}";
        let spans = split_sentences(text);
        let texts: Vec<&str> = spans.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(texts, ["Talks resumed.", "Both sides met."]);
        assert_eq!(spans.first().map(|s| s.start), Some(3), "offsets still count the mark's 3 bytes");
    }

    #[test]
    fn the_sentence_marks_of_hindi_arabic_urdu_and_full_width_stops_end_sentences() {
        let texts = |text: &str| -> Vec<String> {
            split_sentences(text).iter().map(|s| text[s.start..s.end].to_string()).collect()
        };
        // Hindi ends a sentence with a danda, Arabic asks with its own question mark,
        // Urdu has its own full stop, Japanese a full-width full stop too.
        assert_eq!(
            texts("प्रधानमंत्री ने आरोपों को खारिज किया। विपक्ष ने विरोध किया।"),
            ["प्रधानमंत्री ने आरोपों को खारिज किया।", "विपक्ष ने विरोध किया।"]
        );
        assert_eq!(texts("هل رفضت الحكومة؟ نعم."), ["هل رفضت الحكومة؟", "نعم."]);
        assert_eq!(texts("حکومت نے انکار کیا۔ وزیر نے کہا۔"), ["حکومت نے انکار کیا۔", "وزیر نے کہا۔"]);
        assert_eq!(texts("首相は拒否した．次に進む。"), ["首相は拒否した．", "次に進む。"]);
    }

    fn ascii(text: &str) -> Vec<Token<'_>> {
        let mut tokens = Vec::new();
        tokenize_ascii(text, &mut tokens);
        tokens
    }

    fn any(text: &str) -> Vec<Token<'_>> {
        let mut tokens = Vec::new();
        tokenize_any(text, &mut tokens);
        tokens
    }

    #[test]
    fn tokenize_into_reuses_a_list_and_gives_tokenize_s_tokens() {
        let mut tokens = Vec::new();
        for text in ["The U.S. said it won't.", "", "Ünïcode wörds, \"quoted\"?", "a b c"] {
            tokenize_into(text, &mut tokens);
            assert_eq!(tokens, tokenize(text), "{text}");
        }
    }

    proptest::proptest! {
        /// The ASCII fast path and the general tokenizer agree on every ASCII text:
        /// the characters that matter to the rules (joiners, dots, digits, capitals,
        /// apostrophes, clause marks) in any order.
        #[test]
        fn ascii_fast_path_equals_general_tokenizer(text in "([a-cA-CsStT019dDpPo .,'\\-;:=!?()\\[\\]\"_/&]|U\\.S\\.|n't|'s|1\\.5|4,000| :\\) | :-\\( |;\\)|:'\\(){0,40}") {
            proptest::prop_assert_eq!(ascii(&text), any(&text));
        }
    }

    proptest::proptest! {
        /// The features tokenize ASCII text lower-cased at once: its tokens must be the
        /// tokens of the text as written, which lower-cases word by word.
        #[test]
        fn ascii_text_lowered_at_once_gives_the_same_tokens(text in "([a-cA-CsStTnN019dDpP .,'\\-;:=!?()\"]|U\\.S\\.|N'T|'S|I'M|1\\.5|4,000| :D | :-P |;\\)){0,40}") {
            let lowered = text.to_ascii_lowercase();
            proptest::prop_assert_eq!(tokenize(&lowered), tokenize(&text));
        }
    }

    #[test]
    fn ascii_fast_path_equals_general_tokenizer_on_hard_cases() {
        for text in [
            "The U.S. said it won't, and can't; Russia's talks (at 1.5%) fell 400,000 - 'tis so.",
            "e.g. a.b.c. U.S.A. 3.14.15 ,5 5, 'S 'T don' t rock'n'roll co-op -x x- .a a.",
            "'' ' 'll 'VE n't N'T",
            "He said \"no\" again?! \"\"",
            "",
        ] {
            assert_eq!(ascii(text), any(text), "{text}");
        }
    }

    #[test]
    fn quotation_marks_are_quote_tokens_of_one_text() {
        let text = "She called it \u{201C}fake\u{201D} and \"biased\", \u{00AB}no\u{00BB}.";
        let quotes: Vec<Token> = tokenize(text).into_iter().filter(|t| t.kind == TokenKind::Quote).collect();
        assert_eq!(quotes.len(), 6);
        assert!(quotes.iter().all(|t| t.text == QUOTE_TOKEN));
        // Offsets cover the mark as written: curly and guillemet marks are several bytes.
        let surfaces: Vec<&str> = quotes.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(surfaces, ["\u{201C}", "\u{201D}", "\"", "\"", "\u{00AB}", "\u{00BB}"]);
        assert_eq!(words(text), ["she", "called", "it", "fake", "and", "biased", "no"]);
    }

    fn words(text: &str) -> Vec<String> {
        tokenize(text).into_iter().filter(|t| t.kind == TokenKind::Word).map(|t| t.text.into_owned()).collect()
    }

    fn sentences(text: &str) -> Vec<&str> {
        split_sentences(text).iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn a_sentence_longer_than_the_longest_is_cut_at_white_space() {
        let words = "talks collapsed again ".repeat(2_000); // 44,000 bytes, no sentence mark
        let text = format!("Short one. T{}", &words[1..]);
        let spans = split_sentences(&text);
        assert_eq!(spans.len(), 4);
        assert_eq!(&text[spans[0].start..spans[0].end], "Short one.");
        for pair in spans.windows(2) {
            assert!(pair[0].end < pair[1].start, "pieces in order, apart");
        }
        for span in &spans[1..] {
            let piece = &text[span.start..span.end];
            assert!(
                piece.len() <= LONGEST_SENTENCE && piece.len() > LONGEST_SENTENCE / 2 - 30
                    || span == spans.last().unwrap()
            );
            assert!(piece.to_lowercase().starts_with("talks") && piece.ends_with(char::is_alphabetic), "{piece:.40}");
        }
        // The pieces hold every word: nothing is lost between them.
        let joined: Vec<&str> = spans[1..].iter().flat_map(|s| text[s.start..s.end].split(' ')).collect();
        assert_eq!(joined.len(), 6_000);
        // A run without white space is cut at a character boundary.
        let run = "é".repeat(LONGEST_SENTENCE);
        let spans = split_sentences(&run);
        assert_eq!(spans.iter().map(|s| s.end - s.start).sum::<usize>(), run.len());
        assert!(spans.iter().all(|s| run.is_char_boundary(s.start) && s.end - s.start <= LONGEST_SENTENCE));
    }

    #[test]
    fn each_character_of_chinese_japanese_and_thai_is_a_word() {
        assert_eq!(words("美国指责俄罗斯"), ["美", "国", "指", "责", "俄", "罗", "斯"]);
        // Kana too; a number and a Latin word next to them stay whole.
        assert_eq!(words("2014年にNATOが"), ["<num>", "年", "に", "nato", "が"]);
        // A Thai letter keeps the vowel and tone marks written over and under it.
        assert_eq!(words("ที่นี่"), ["ที่", "นี่"]);
        // Korean is written with spaces: its words stay whole.
        assert_eq!(words("한국 정부"), ["한국", "정부"]);
    }

    #[test]
    fn each_emoji_is_a_word_without_its_selector_or_skin_tone() {
        // They were dropped: "worst flight ever 😡😡" had the words of "worst flight ever".
        assert_eq!(words("worst flight ever 😡😡 #neveragain"), ["worst", "flight", "ever", "😡", "😡", "neveragain"]);
        assert_eq!(words("retweeted it😂💀"), ["retweeted", "it", "😂", "💀"]);
        // The red heart with and without its emoji presentation selector (U+FE0F) is one
        // word; so is a thumb with and without a skin tone.
        assert_eq!(words("love ❤\u{fe0f} and ❤"), ["love", "❤", "and", "❤"]);
        assert_eq!(words("👍\u{1f3fd}👍"), ["👍", "👍"]);
        // A sequence joined by U+200D is one emoji; a flag is two regional indicators.
        assert_eq!(words("👩\u{200d}💻 at work"), ["👩\u{200d}💻", "at", "work"]);
        assert_eq!(words("🇺🇸🇬🇧"), ["🇺🇸", "🇬🇧"]);
        // Below U+2600 the emoji property's characters are typography in news: ©, ®,
        // ™, arrows and bullets make no word, as before; nor do the stars of a rating.
        assert_eq!(words("© 2014 Reuters™ ↔ ▶ ★★★★☆"), ["<num>", "reuters"]);
        // The word keeps the emoji's whole span.
        let tokens = tokenize("ok ❤\u{fe0f}");
        assert_eq!((tokens[1].start, tokens[1].end), (3, 9));
    }

    #[test]
    fn an_emoticon_standing_alone_is_a_word_that_ends_its_clause() {
        assert_eq!(words("great day :) :-D ;-) :P"), ["great", "day", ":)", ":d", ";)", ":p"]);
        // Noses and brackets: one word per mood.
        assert_eq!(words(":-( :( :[ =( :'( =) :]"), [":(", ":(", ":(", ":(", ":'(", ":)", ":)"]);
        assert_eq!(words("so sad :(. Bye"), ["so", "sad", ":(", "bye"]);
        // The same characters in other uses are not emoticons: glued to a word or a
        // number, or followed by one.
        for text in ["at 10:30 today", "as follows:(a) the", "f(x)=(y)", "see :(a) and ;)b", "Note: (1)", "x :-)y"] {
            assert!(words(text).iter().all(|w| !w.starts_with([':', ';', '='])), "{text}: {:?}", words(text));
        }
        // A boundary comes first, so a negation before it stops there and the
        // emoticon is not negated.
        let kinds: Vec<TokenKind> = tokenize("it :( so").iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [TokenKind::Word, TokenKind::Boundary, TokenKind::Word, TokenKind::Word]);
    }

    #[test]
    fn a_combining_mark_stays_in_its_word() {
        // Devanagari's virama (U+094D) is a mark, not a letter.
        assert_eq!(words("हिन्दी फिल्म"), ["हिन्दी", "फिल्म"]);
        // Hebrew points; an accent written as a combining mark (NFD).
        assert_eq!(words("שָׁלוֹם cafe\u{301} noir"), ["שָׁלוֹם", "cafe\u{301}", "noir"]);
    }

    #[test]
    fn the_clause_marks_of_other_scripts_are_boundaries_read_as_ascii_marks() {
        let marks = |text: &str| -> Vec<String> {
            tokenize(text).into_iter().filter(|t| t.kind != TokenKind::Word).map(|t| t.text.into_owned()).collect()
        };
        assert_eq!(marks("他说，好。真的？不！"), [",", ".", "?", "!"]);
        assert_eq!(marks("هل هذا صحيح؟ نعم، صحيح"), ["?", ","]);
        assert_eq!(marks("यह सच है। हाँ"), ["."]);
        assert_eq!(marks("他说「不」"), ["\"", "\""]);
        // The boundary keeps its place in the text.
        let tokens = tokenize("好？");
        assert_eq!((tokens[1].start, tokens[1].end), (3, 6));
    }

    #[test]
    fn contractions_keep_negation() {
        assert_eq!(words("Don't go"), ["do", "not", "go"]);
        assert_eq!(words("They can't, won't"), ["they", "can", "not", "will", "not"]);
        assert_eq!(words("it 's bad and does n't work"), ["it", "'s", "bad", "and", "does", "not", "work"]);
        assert_eq!(words("Russia\u{2019}s top diplomat"), ["russia", "'s", "top", "diplomat"]);
        assert_eq!(words("we're here"), ["we", "are", "here"]);
    }

    #[test]
    fn numbers_are_normalised() {
        assert_eq!(words("400,000 lives in 2011 and 1.5%"), ["<num>", "lives", "in", "<num>", "and", "<num>"]);
    }

    #[test]
    fn dotted_abbreviations_and_hyphens_stay_whole() {
        assert_eq!(words("The U.S. cease-fire"), ["the", "u.s", "cease-fire"]);
    }

    #[test]
    fn a_dot_joins_only_words_of_single_dotted_letters() {
        // A dot joins letters while every part so far is one character; a digit pair
        // always. The same in the ASCII and the general tokenizer (é makes it non-ASCII).
        for (text, expected) in [
            ("u.s.a x.y.zz.w ab.c a-b.c", &["u.s.a", "x.y.zz", "w", "ab", "c", "a-b", "c"][..]),
            ("1.5.a a.1.b 1.5.2", &["<num>", "a", "a", "<num>", "b", "<num>"][..]),
        ] {
            assert_eq!(words(text), expected, "{text}");
            let mut with_accent = expected.to_vec();
            with_accent.push("é");
            assert_eq!(words(&format!("{text} é")), with_accent, "{text} é");
        }
        let run = "a.".repeat(1000);
        assert_eq!(words(&run), [run.trim_end_matches('.')]);
        assert_eq!(sentences(&format!("{run} The end.")), [run.as_str(), "The end."]);
    }

    #[test]
    fn a_soft_hyphen_or_joiner_inside_a_word_leaves_it_whole() {
        // Web pages and typesetting put soft hyphens in long words; Persian writes a
        // zero-width non-joiner inside words. The word is the word without them.
        let text = "The govern\u{AD}ment re\u{AD}jected it; she ac\u{2060}cused him. \u{645}\u{6CC}\u{200C}\u{62E}\u{648}\u{627}\u{647}\u{645}";
        assert_eq!(
            words(text),
            [
                "the",
                "government",
                "rejected",
                "it",
                "she",
                "accused",
                "him",
                "\u{645}\u{6CC}\u{62E}\u{648}\u{627}\u{647}\u{645}"
            ]
        );
        let rejected = tokenize(text).into_iter().find(|t| t.text == "rejected").unwrap();
        assert_eq!(&text[rejected.start..rejected.end], "re\u{AD}jected");
        // Where it is no part of a word, it is not a word either.
        assert_eq!(words("\u{AD}end\u{AD} \u{FEFF}x"), ["end", "x"]);
    }

    #[test]
    fn offsets_slice_back_to_token() {
        let text = "Kerry’s “progress” isn't U.S. policy; 20 dead.";
        for token in tokenize(text) {
            let surface = &text[token.start..token.end];
            assert!(!surface.is_empty(), "{token:?}");
        }
        let t = tokenize(text);
        assert_eq!(&text[t[0].start..t[0].end], "Kerry");
        assert_eq!(&text[t[1].start..t[1].end], "’s");
    }

    #[test]
    fn splitter_respects_abbreviations() {
        let text =
            "Mr. Smith met Gen. Lee on Jan. 5 at No. 10 Downing Street. Growth was 2.5 percent. J. R. Smith agreed.";
        assert_eq!(
            sentences(text),
            [
                "Mr. Smith met Gen. Lee on Jan. 5 at No. 10 Downing Street.",
                "Growth was 2.5 percent.",
                "J. R. Smith agreed."
            ]
        );
    }

    #[test]
    fn splitter_handles_us_and_quotes() {
        let text = "The U.S. accuses Russia of bombing it. The Russians deny it. \u{201C}We made progress.\u{201D} Kerry said so.";
        assert_eq!(
            sentences(text),
            [
                "The U.S. accuses Russia of bombing it.",
                "The Russians deny it.",
                "\u{201C}We made progress.\u{201D}",
                "Kerry said so."
            ]
        );
        assert_eq!(sentences("Talks with the U.S. The envoy left."), ["Talks with the U.S.", "The envoy left."]);
    }

    #[test]
    fn splitter_breaks_at_headlines_and_blank_lines() {
        let text = "Talks stall in Geneva\nThe envoys met on Friday. They left\n\nA new paragraph";
        assert_eq!(
            sentences(text),
            ["Talks stall in Geneva", "The envoys met on Friday.", "They left", "A new paragraph"]
        );
    }

    #[test]
    fn wrapped_lines_are_one_sentence_and_headlines_still_end_theirs() {
        // Wrapped at a fixed width: each line breaks before a lower-case word or after
        // a word a sentence never ends on.
        let wrapped = "WASHINGTON - The United States accused Russia on Tuesday of\nviolating a landmark \
                       treaty, and officials said the\nUnited Nations would meet.\nRussian officials denied \
                       it and said the\nclaims were baseless.";
        assert_eq!(
            sentences(wrapped),
            [
                "WASHINGTON - The United States accused Russia on Tuesday of\nviolating a landmark treaty, and \
                 officials said the\nUnited Nations would meet.",
                "Russian officials denied it and said the\nclaims were baseless."
            ]
        );
        // A headline or dateline before a capital still ends there, also when it ends
        // on a word in capitals or one that can end a sentence.
        assert_eq!(sentences("Talks end in Geneva\nThe envoys left."), ["Talks end in Geneva", "The envoys left."]);
        assert_eq!(sentences("PARIS\nThe talks\nGame over\nA vote"), ["PARIS", "The talks", "Game over", "A vote"]);
        assert_eq!(sentences("Lockdown kicks in\nShops shut."), ["Lockdown kicks in", "Shops shut."]);
    }

    #[test]
    fn a_period_glued_to_the_next_sentence_ends_it_unless_it_is_part_of_an_address() {
        assert_eq!(
            sentences(
                "Police said the video seems to be genuine.While the school declined to comment, parents were angry."
            ),
            ["Police said the video seems to be genuine.", "While the school declined to comment, parents were angry."]
        );
        assert_eq!(sentences("It was genuine.Information came later."), ["It was genuine.", "Information came later."]);
        assert_eq!(sentences("He spoke in Westminster.The vote"), ["He spoke in Westminster.", "The vote"]);
        assert_eq!(sentences("Profit rose sharply.Net income fell."), ["Profit rose sharply.", "Net income fell."]);
        for one in [
            "Write to press.office@Example.org with questions.",
            "The file is at www.example.com/News.html today.",
            "He met Mr.Smith in Geneva.",
            "It was the Govt.Minister who spoke.",
            "Shares of ASP.Net rose.",
            "The e.Coli outbreak spread.",
            "Version v2.Beta shipped.",
            "Fans wrote to InFlexWeTrust.Com, the club said.",
            "Callers switched to One.Tel and TalkTalk.",
            "The iGen.Fr site reported it.",
        ] {
            assert_eq!(sentences(one), [one]);
        }
    }

    #[test]
    fn wrapped_lines_cut_before_a_capital_stay_one_sentence() {
        // Wrapped at 58 columns (each line cut where the next word would not fit):
        // three cuts fall before a capital, three before a lower-case word.
        let wrapped = "Ministers from Chile and Peru said on Monday that talks on\n\
                       a shared lithium policy had stalled, blaming the Bolivian\n\
                       Government for a dispute over water rights in the Atacama\n\
                       Desert. Officials in La Paz rejected the charge and said\n\
                       President Luis Arce had offered talks in Santiago. A\n\
                       meeting of the three foreign ministers set for next week\n\
                       in Lima was cancelled by the Peruvian Foreign Ministry.";
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines.iter().all(|line| line.chars().count() <= 58));
        assert!(lines.windows(2).all(|w| w[0].len() + 1 + w[1].split(' ').next().unwrap().len() > 58));
        assert_eq!(
            sentences(wrapped),
            [
                "Ministers from Chile and Peru said on Monday that talks on\na shared lithium policy had stalled, \
                 blaming the Bolivian\nGovernment for a dispute over water rights in the Atacama\nDesert.",
                "Officials in La Paz rejected the charge and said\nPresident Luis Arce had offered talks in Santiago.",
                "A\nmeeting of the three foreign ministers set for next week\nin Lima was cancelled by the Peruvian \
                 Foreign Ministry."
            ]
        );
        // A headline above wrapped text still ends there, also when it is as long as
        // the lines below it; so do the items of a list in a block of their own.
        let long_headline = format!("Ministers blame Bolivia as lithium talks with Chile and Peru stall\n{wrapped}");
        assert_eq!(
            sentences(&long_headline).first(),
            Some(&"Ministers blame Bolivia as lithium talks with Chile and Peru stall")
        );
        assert_eq!(sentences(&long_headline).len(), 4);
        let listed = format!(
            "{wrapped}\n\nHigher taxes on lithium exports from Chile and Peru next year\n\
             Extra water rights for mines in the Atacama Desert over three years\nA new board"
        );
        assert_eq!(sentences(&listed).len(), 6);
        // A headline above wrapped text is short beside its lines: it still ends there.
        let headlined = format!("Lithium talks stall\n{wrapped}");
        assert_eq!(sentences(&headlined).first(), Some(&"Lithium talks stall"));
        // Lines of similar length that never go on in lower case are a list of headlines.
        let headlines = "Chile and Peru blame Bolivia for stalled lithium talks\n\
                         Bolivian officials reject charge over Atacama water rights\n\
                         Meeting in Lima cancelled as dispute over the lithium grows";
        assert_eq!(sentences(headlines).len(), 3);
    }

    #[test]
    fn a_lone_carriage_return_and_unicode_separators_break_lines() {
        // Old Mac files end lines with \r alone; Word's manual line break is a vertical
        // tab; pdftotext and Word break pages with a form feed; U+2028 and U+2029 separate
        // lines and paragraphs.
        for newline in ["\n", "\r\n", "\r", "\u{000B}", "\u{000C}", "\u{2028}", "\u{2029}", "\r\r\n"] {
            let text = format!("PARIS{newline}Talks stall{newline}{newline}Next part");
            assert_eq!(sentences(&text), ["PARIS", "Talks stall", "Next part"], "{newline:?}");
        }
        // \r\r\n, from programs writing \r\n in text mode on Windows, is one line break,
        // not a blank line.
        assert_eq!(sentences("He said that\r\r\nThe talks were over."), ["He said that\r\r\nThe talks were over."]);
        // A sentence ended before a page break ends there; one that runs over it goes on.
        assert_eq!(sentences("The deal failed.\u{000C}Both sides left."), ["The deal failed.", "Both sides left."]);
        assert_eq!(
            sentences("The deal failed after\u{000C}both sides left."),
            ["The deal failed after\u{000C}both sides left."]
        );
    }

    #[test]
    fn no_ends_a_sentence_unless_a_number_follows() {
        assert_eq!(sentences("He said no. Then he left."), ["He said no.", "Then he left."]);
        assert_eq!(
            sentences("Q: Will you resign? A: No. I will stay."),
            ["Q: Will you resign?", "A: No.", "I will stay."]
        );
        assert_eq!(sentences("They voted No. The bill fell."), ["They voted No.", "The bill fell."]);
        assert_eq!(sentences("He lives at No. 10 Downing Street."), ["He lives at No. 10 Downing Street."]);
        assert_eq!(sentences("See Nos. 4 and 5 on the list."), ["See Nos. 4 and 5 on the list."]);
    }

    #[test]
    fn a_sentence_ending_on_etc_or_a_company_suffix_ends_before_a_sentence_opener() {
        assert_eq!(sentences("Apples, pears, etc. The list goes on."), ["Apples, pears, etc.", "The list goes on."]);
        assert_eq!(sentences("He sued Acme Inc. The firm denies it."), ["He sued Acme Inc.", "The firm denies it."]);
        assert_eq!(
            sentences("Shares in Smith & Co. fell. It was Smith & Co. They fell."),
            ["Shares in Smith & Co. fell.", "It was Smith & Co.", "They fell."]
        );
        assert_eq!(
            sentences("Acme Inc. Chief Executive Jo Bloggs said so."),
            ["Acme Inc. Chief Executive Jo Bloggs said so."]
        );
        assert_eq!(sentences("Smith et al. The study found it."), ["Smith et al.", "The study found it."]);
    }

    #[test]
    fn the_number_of_a_numbered_list_item_opens_its_sentence() {
        let text = "Ten points agreed\n\n1. The ceasefire holds.\n  2. Prisoners are exchanged.\n10. Talks resume.\n";
        assert_eq!(
            sentences(text),
            ["Ten points agreed", "1. The ceasefire holds.", "2. Prisoners are exchanged.", "10. Talks resume."]
        );
        // A number ending a sentence inside a line still ends it.
        assert_eq!(sentences("They won 2. The others lost."), ["They won 2.", "The others lost."]);
        assert_eq!(
            sentences("It was 2014.\n2015. That year was worse."),
            ["It was 2014.", "2015.", "That year was worse."]
        );
    }

    #[test]
    fn an_excel_line_break_in_a_cell_ends_its_sentence() {
        // pandas' read_excel of a cell with line breaks: each is `_x000D_` and a line feed.
        let cell = "The talks failed after a long and bitter night of argument over the border crossings, the two \
                    ministers said on Friday._x000D_\nBoth sides left the city without a word to the press._x000D_\n\
                    _x000D_\nNo date was set.";
        assert_eq!(
            sentences(cell),
            [
                "The talks failed after a long and bitter night of argument over the border crossings, the two \
                 ministers said on Friday.",
                "Both sides left the city without a word to the press.",
                "No date was set."
            ]
        );
        // Other escapes are text: a snake_case name or a literal `_x0041_` starts its sentence.
        assert_eq!(sentences("_x0041_ is a letter. Done."), ["_x0041_ is a letter.", "Done."]);
    }

    #[test]
    fn a_list_item_on_its_own_line_starts_a_sentence() {
        // After a line ending in a colon, each item was joined to the line before it.
        assert_eq!(
            sentences("Key points so far:\n• Prisoner exchange agreed\n• no deal yet on troops\n"),
            ["Key points so far:", "• Prisoner exchange agreed", "• no deal yet on troops"]
        );
        assert_eq!(
            sentences("The minister listed three demands, namely:\n- an end to the shelling;\n- Access for aid."),
            ["The minister listed three demands, namely:", "- an end to the shelling;", "- Access for aid."]
        );
        // A dash before a lower-case word after any other line goes on with it.
        assert_eq!(
            sentences("The talks, which the two sides had been preparing for more than three months in secret,\n- despite the shelling - began."),
            ["The talks, which the two sides had been preparing for more than three months in secret,\n- despite the shelling - began."]
        );
    }

    #[test]
    fn a_list_flattened_into_one_line_is_split_at_its_bullets() {
        assert_eq!(
            sentences("Best actor went to Jamie Foxx. - Best actress went to Hilary Swank."),
            ["Best actor went to Jamie Foxx.", "- Best actress went to Hilary Swank."]
        );
        assert_eq!(
            sentences("A ceasefire was agreed. \u{2022} Prisoners are freed. * 2 roads reopen."),
            ["A ceasefire was agreed.", "\u{2022} Prisoners are freed.", "* 2 roads reopen."]
        );
        // A dash before a lower-case word, or glued to a word, goes on with the sentence.
        assert_eq!(
            sentences("Where is the Love? - picked up the prize."),
            ["Where is the Love? - picked up the prize."]
        );
        assert_eq!(sentences("He left at 5 p.m. -Then came back."), ["He left at 5 p.m. -Then came back."]);
        // A dateline's dash leads into its story.
        assert_eq!(sentences("KANSAS CITY, Mo. - Officials said so."), ["KANSAS CITY, Mo. - Officials said so."]);
    }

    #[test]
    fn a_headline_ending_on_a_quoted_word_ends_its_line() {
        let text = "PM calls the deal \"dead\"\nThe prime minister said so.";
        assert_eq!(sentences(text), ["PM calls the deal \"dead\"", "The prime minister said so."]);
        let text = "Talks \u{2018}close to collapse\u{2019}\nThe envoy said so.";
        assert_eq!(sentences(text), ["Talks \u{2018}close to collapse\u{2019}", "The envoy said so."]);
        // A quotation that ends its sentence, or goes on in lower case, is as before.
        assert_eq!(sentences("He said \"We agree,\"\nThe envoy said."), ["He said \"We agree,\"\nThe envoy said."]);
        assert_eq!(sentences("He called it \"dead\"\nand left."), ["He called it \"dead\"\nand left."]);
    }

    #[test]
    fn paragraph_tags_left_in_scraped_text_end_their_sentences() {
        let text = "<p>The talks failed.</p><p>Both sides walked out.</p>";
        assert_eq!(sentences(text), ["<p>The talks failed.</p>", "<p>Both sides walked out.</p>"]);
        assert_eq!(sentences("They met.<br/>It went well.<BR>Then"), ["They met.", "<br/>It went well.", "<BR>Then"]);
        assert_eq!(sentences("It rose.<p class=\"x\">Then it fell."), ["It rose.", "<p class=\"x\">Then it fell."]);
        // Other markup, or a tag before a lower-case word, is left as it was.
        assert_eq!(sentences("It rose.<b>Then</b> it fell."), ["It rose.<b>Then</b> it fell."]);
        assert_eq!(sentences("It rose.</p><p>and fell."), ["It rose.</p><p>and fell."]);
    }

    #[test]
    fn emoji_after_a_sentence_mark_end_its_sentence() {
        let text = "Great talks today! \u{1F389}\u{1F389} The deal is done. \u{1F44D}\u{1F3FD}\nNext.";
        assert_eq!(
            sentences(text),
            ["Great talks today! \u{1F389}\u{1F389}", "The deal is done. \u{1F44D}\u{1F3FD}", "Next."]
        );
        let family = "We won! \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} Then we left.";
        assert_eq!(sentences(family), ["We won! \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", "Then we left."]);
        // Before a lower-case word the sentence goes on, emoji and all.
        assert_eq!(sentences("Wow! \u{1F389} and then more."), ["Wow! \u{1F389} and then more."]);
    }

    #[test]
    fn french_and_german_quotation_marks_end_and_open_sentences() {
        // A sentence ending inside a quotation, its closing mark French-spaced or not.
        assert_eq!(
            sentences("Il a dit « Nous sommes prêts. » Puis il est parti."),
            ["Il a dit « Nous sommes prêts. »", "Puis il est parti."]
        );
        assert_eq!(
            sentences("Il a dit «\u{202F}Non.\u{202F}» Puis il est parti."),
            ["Il a dit «\u{202F}Non.\u{202F}»", "Puis il est parti."]
        );
        assert_eq!(
            sentences("Er sagte: „Wir sind fertig.“ Dann ging er."),
            ["Er sagte: „Wir sind fertig.“", "Dann ging er."]
        );
        assert_eq!(sentences("Er sagte: ‚Nein.‘ Dann ging er."), ["Er sagte: ‚Nein.‘", "Dann ging er."]);
        // German guillemets point inwards: »...«, a sentence after them opening with ».
        assert_eq!(
            sentences("Er sagte: »Wir sind fertig.« Dann ging er. »Gut«, sagte sie."),
            ["Er sagte: »Wir sind fertig.«", "Dann ging er.", "»Gut«, sagte sie."]
        );
        // A quotation opening after a full stop.
        assert_eq!(
            sentences("Le ministre a parlé. « Nous refusons », a-t-il dit. ‹ Non › aussi."),
            ["Le ministre a parlé.", "« Nous refusons », a-t-il dit.", "‹ Non › aussi."]
        );
        assert_eq!(
            sentences("Die Gespräche scheiterten. „Es ist vorbei“, sagte er."),
            ["Die Gespräche scheiterten.", "„Es ist vorbei“, sagte er."]
        );
        // A quotation going on in lower case, or a headline ending on a quoted word.
        assert_eq!(sentences("« Nous sommes prêts. » a-t-il dit."), ["« Nous sommes prêts. » a-t-il dit."]);
        assert_eq!(
            sentences("Le ministre juge l'accord « mort »\nLes talks ont échoué."),
            ["Le ministre juge l'accord « mort »", "Les talks ont échoué."]
        );
    }

    #[test]
    fn a_sentence_ending_on_a_street_abbreviation_ends_before_a_sentence_opener() {
        assert_eq!(
            sentences("The office is on Main St. The mayor works there."),
            ["The office is on Main St.", "The mayor works there."]
        );
        assert_eq!(
            sentences("Crowds gathered on Pennsylvania Ave. They stayed. Cars filled Sunset Blvd. The road shut."),
            ["Crowds gathered on Pennsylvania Ave.", "They stayed.", "Cars filled Sunset Blvd.", "The road shut."]
        );
        // "Ave." before the rest of an address, "St." for "Saint" before a name.
        for one in [
            "The White House is at 1600 Pennsylvania Ave. NW in Washington.",
            "Protesters marched in St. Louis on Tuesday.",
            "The service at St. Paul's Cathedral was packed.",
            "He was born in St. Petersburg and named for St. Francis of Assisi.",
        ] {
            assert_eq!(sentences(one), [one]);
        }
    }

    #[test]
    fn a_sentence_ending_on_a_single_capital_ends_before_a_sentence_opener() {
        assert_eq!(
            sentences("They fell back on Plan B. The talks went on. It was larger than I. But it lost."),
            ["They fell back on Plan B.", "The talks went on.", "It was larger than I.", "But it lost."]
        );
        // Initials before a name, one initial before another, stay whole.
        for one in [
            "George W. Bush met J. K. Rowling in London.",
            "The report by J. A. Smith and W. I. Thomas was read.",
            "Steven J. Sotloff and Sean P. O'Malley spoke.",
            "The case of Smith v. The State was heard.",
        ] {
            assert_eq!(sentences(one), [one]);
        }
        // A lettered list: each letter opens its item.
        assert_eq!(
            sentences("The plan has two parts.\na. The first point is peace.\nb. The second is trade."),
            ["The plan has two parts.", "a. The first point is peace.", "b. The second is trade."]
        );
    }

    #[test]
    fn splitter_keeps_lowercase_continuations() {
        assert_eq!(sentences("He said no. then left"), ["He said no. then left"]);
        assert_eq!(sentences("   "), Vec::<&str>::new());
        assert_eq!(sentences("no punctuation at all"), ["no punctuation at all"]);
    }
}
