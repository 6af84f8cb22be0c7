//! The reading view: one self-contained HTML page for an article. Input: the
//! article's sentence predictions and summary. Output: HTML with inline CSS and no
//! scripts or network requests; each sentence coloured by its cooperation label, its
//! probabilities in a hover title, accusations and denials marked with who and whom,
//! and the summary at the top.

use std::fmt::Write as _;

use crate::predict::{ArticleSummary, SentencePrediction, ACCUSATION_TASK, COOPERATION_TASK};

/// Escapes text for HTML element content and attribute values. A control character
/// other than a tab or line break, and a Unicode noncharacter, is written visibly as
/// `\u{1b}`, as the text output writes it: HTML allows neither in a page, not even as a
/// character reference (the HTML standard's parse errors `control-character-in-input-stream`
/// and `noncharacter-in-input-stream`); browsers drop a NUL without a trace.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' | '\u{c}' => out.push(c),
            _ if c.is_control() || is_noncharacter(c) => out.extend(c.escape_unicode()),
            _ => out.push(c),
        }
    }
    out
}

/// The 66 code points Unicode keeps out of interchange: U+FDD0 to U+FDEF and the last two
/// of each plane (U+FFFE, U+FFFF, U+1FFFE, ...).
fn is_noncharacter(c: char) -> bool {
    let code = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
}

/// `overflow-wrap:anywhere` breaks a word wider than the page (a URL, a hash, a run of
/// characters without spaces) instead of letting it run past the right edge.
const STYLE: &str = "body{font:16px/1.6 Georgia,serif;max-width:52em;margin:2em auto;padding:0 1em;color:#222;\
overflow-wrap:anywhere}\
h1{font:600 1.3em system-ui,sans-serif}\
.summary{font:14px/1.5 system-ui,sans-serif;background:#f6f6f4;border:1px solid #ddd;padding:.8em 1em;margin-bottom:1.5em}\
.summary table{border-collapse:collapse}.summary td{padding:0 .8em 0 0}\
.s{padding:.1em .15em;border-radius:3px}\
.cooperative{background:#d8f0d8}.adversarial{background:#f6d5d2}.neutral{background:#eeeeee}\
.accusation{border-bottom:3px solid #b3261e}.denial{border-bottom:3px dashed #1f4e9e}\
.tag{font:600 11px system-ui,sans-serif;vertical-align:super;margin-left:.2em;color:#555}\
.legend span{margin-right:1em}";

/// The page for one article. Each piece of the article's text (a sentence, a quoted
/// sentence, an actor's name) is a bidirectional isolate, `dir="auto"` or `<bdi>` (the
/// HTML standard's advice for text of unknown direction): it takes its direction from its
/// own first letter, so a right-to-left sentence keeps its full stop at its end, and a
/// direction override in the text (U+202E, as in spoofed text) ends with its piece instead
/// of reversing every sentence after it.
pub fn article_page(title: &str, sentences: &[SentencePrediction], summary: &ArticleSummary) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        escape(title)
    );
    let _ = write!(html, "<h1>{}</h1>\n<div class=\"summary\" id=\"summary\">\n", escape(title));
    let _ = write!(html, "<p><b>{}</b> {}", summary.n_sentences, summary.sentence_noun());
    if let Some(tone) = summary.tone {
        let _ = write!(
            html,
            " &middot; net tone <b id=\"tone\">{tone:+.2}</b> (mean p(cooperative) &minus; p(adversarial), from &minus;1 to +1)"
        );
    }
    html.push_str("</p>\n<table>");
    for (task, counts) in &summary.counts {
        let parts: Vec<String> = counts.iter().map(|(l, n)| format!("{} {n}", escape(l))).collect();
        let _ = write!(html, "<tr><td>{}</td><td>{}</td></tr>", escape(task), parts.join(", "));
    }
    html.push_str("</table>\n");
    for (name, index) in [("Top accusation", summary.top_accusation), ("Top denial", summary.top_denial)] {
        if let Some(s) = index.and_then(|i| sentences.get(i)) {
            let _ = writeln!(html, "<p>{name}: &ldquo;<bdi>{}</bdi>&rdquo;{}</p>", escape(&s.text), actors_note(s));
        }
    }
    // The legend names only the marks this page can carry: without a cooperation model
    // (or with one of labels of its own) no sentence is coloured, without an accusation
    // model none is underlined.
    html.push_str("<p class=\"legend\">");
    if sentences.iter().any(|s| cooperation_class(s).is_some()) {
        html.push_str(
            "<span class=\"s cooperative\">cooperative</span><span class=\"s adversarial\">adversarial</span>\
<span class=\"s neutral\">neutral</span>",
        );
    }
    if sentences.iter().any(|s| s.task(ACCUSATION_TASK).is_some()) {
        html.push_str("<span class=\"accusation\">accusation</span><span class=\"denial\">denial</span>");
    }
    html.push_str("Hover a sentence for its probabilities.</p>\n</div>\n<article>\n<p>");
    for s in sentences {
        let accusation =
            s.task(ACCUSATION_TASK).map(|p| p.label.as_str()).filter(|l| *l == "accusation" || *l == "denial");
        let hover: Vec<String> = s
            .predictions
            .iter()
            .map(|p| {
                let probs: Vec<String> = p.probabilities.iter().map(|(l, v)| format!("{l} {v:.2}")).collect();
                format!("{}: {}", p.task, probs.join(", "))
            })
            .collect();
        let mut classes = String::from("s");
        if let Some(class) = cooperation_class(s) {
            classes.push(' ');
            classes.push_str(class);
        }
        if let Some(a) = accusation {
            classes.push(' ');
            classes.push_str(a);
        }
        let _ = write!(
            html,
            "<span class=\"{classes}\" id=\"s{}\" data-sentence=\"{}\" dir=\"auto\" title=\"{}\">{}</span>",
            s.index,
            s.index,
            escape(&hover.join(" | ")),
            escape(&s.text)
        );
        if let Some(a) = accusation {
            let _ = write!(html, "<span class=\"tag\">{}{}</span>", a, actors_note(s));
        }
        html.push(' ');
    }
    html.push_str("</p>\n</article>\n</body></html>\n");
    html
}

/// CSS class of a sentence's cooperation label: none without a cooperation model, or for
/// a label of a model's own (`peace`), which no colour of the legend stands for.
fn cooperation_class(s: &SentencePrediction) -> Option<&'static str> {
    match s.task(COOPERATION_TASK)?.label.as_str() {
        "cooperative" => Some("cooperative"),
        "adversarial" => Some("adversarial"),
        "neutral" => Some("neutral"),
        _ => None,
    }
}

fn actors_note(s: &SentencePrediction) -> String {
    let Some(a) = &s.actors else { return String::new() };
    let source = a.source.as_ref().map(|x| format!("<bdi>{}</bdi>", escape(&x.text)));
    let target = a.target.as_ref().map(|x| format!("<bdi>{}</bdi>", escape(&x.text)));
    match (source, target) {
        (Some(src), Some(tgt)) => format!(" ({src} &rarr; {tgt})"),
        (Some(src), None) => format!(" ({src})"),
        (None, Some(tgt)) => format!(" (&rarr; {tgt})"),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("<b> & \"q\" 'x'"), "&lt;b&gt; &amp; &quot;q&quot; &#39;x&#39;");
    }

    #[test]
    fn writes_characters_html_forbids_visibly() {
        // NUL, ESC, DEL and a C1 control are parse errors in a page (a browser drops NUL),
        // and so are noncharacters; tabs and line breaks are white space.
        assert_eq!(
            escape("a\0b\u{1b}[31m\u{7f}\u{85}\u{fffe}\u{10ffff}\u{fdd0}\t\n\r\u{c}é"),
            "a\\u{0}b\\u{1b}[31m\\u{7f}\\u{85}\\u{fffe}\\u{10ffff}\\u{fdd0}\t\n\r\u{c}é"
        );
    }
}
