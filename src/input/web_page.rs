//! A web page (HTML, as a browser saves it or `curl` fetches it) -> the text of its
//! article, as a reader sees it: each block (heading, paragraph, list item, table cell)
//! a paragraph of its own, line breaks kept, the rest of the white space collapsed, and
//! character references read. Scripts, styles, hidden elements, navigation, asides and
//! forms are left out, and when the page marks its story (`<article>`, else `<main>`)
//! only that is read, so menus, related links and cookie notices are not labelled as
//! sentences of the story. Parsed by `scraper` (html5ever, the HTML5 parsing algorithm
//! of browsers), which mends unclosed and misnested tags as a browser does.

use std::borrow::Cow;

use ego_tree::NodeRef;
use scraper::{ElementRef, Html, Node};

/// Whether `text` is an HTML document by its start (after a byte order mark, white space
/// and comments): a `<!doctype html>` or an `<html>` tag, in any case. A page saved
/// under a name that does not say so (`page`, `page.txt`, a pipe) was labelled as an
/// article of its markup: `<p>Russia accused ...` a sentence, and its accuser `p>Russia`.
pub fn is_web_page(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    while let Some(comment) = rest.strip_prefix("<!--") {
        let Some(end) = comment.find("-->") else { return false };
        rest = comment.get(end + 3..).unwrap_or_default().trim_start();
    }
    let opens = |tag: &str| {
        rest.get(..tag.len()).is_some_and(|start| start.eq_ignore_ascii_case(tag))
            && rest
                .get(tag.len()..)
                .and_then(|after| after.chars().next())
                .is_some_and(|c| c == '>' || c.is_whitespace())
    };
    opens("<!doctype html") || opens("<html")
}

/// Whether `bytes` open as an HTML document ([`is_web_page`]), judged on their first
/// kilobyte read as UTF-8 with replacements, before the page's encoding is known.
pub fn opens_as_a_page(bytes: &[u8]) -> bool {
    is_web_page(&String::from_utf8_lossy(bytes.get(..PRESCAN_BYTES).unwrap_or(bytes)))
}

/// How far into a page its `<meta charset>` is looked for: the first 1,024 bytes, as
/// browsers look (the HTML standard's prescan of a byte stream).
const PRESCAN_BYTES: usize = 1024;

/// The encoding a page declares in a `<meta charset="...">` or `<meta http-equiv=
/// "Content-Type" content="text/html; charset=...">` of its first kilobyte, by the
/// labels of the Encoding Standard (`latin1` and `iso-8859-1` are windows-1252, as
/// browsers read them); `None` when it declares none, one not known, or UTF-8 or
/// UTF-16 (a page read as bytes declaring UTF-16 is read as UTF-8, as browsers do).
pub fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = bytes.get(..PRESCAN_BYTES).unwrap_or(bytes).to_ascii_lowercase();
    let mut rest = head.as_slice();
    while let Some(start) = find(rest, b"<meta") {
        let tag = rest.get(start..).unwrap_or_default();
        let tag = tag.get(..tag.iter().position(|&b| b == b'>').unwrap_or(tag.len())).unwrap_or_default();
        if let Some(at) = find(tag, b"charset=") {
            let value = tag.get(at + b"charset=".len()..).unwrap_or_default();
            let value = value.strip_prefix(b"\"").or_else(|| value.strip_prefix(b"'")).unwrap_or(value);
            let end = value.iter().position(|b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/')).unwrap_or(value.len());
            let encoding = encoding_rs::Encoding::for_label(value.get(..end).unwrap_or_default())?;
            let unicode = [encoding_rs::UTF_8, encoding_rs::UTF_16LE, encoding_rs::UTF_16BE];
            return (!unicode.contains(&encoding)).then_some(encoding);
        }
        rest = rest.get(start + b"<meta".len()..).unwrap_or_default();
    }
    None
}

/// Where `needle` first starts in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

/// What is wrong with a web page that has no text to read, said after its name
/// (`app.html: is a web page ...`): an empty article's `empty text` did not tell that
/// the page had markup and no story in it, as a page a script draws has.
pub const WEB_PAGE_WITHOUT_TEXT: &str = "is a web page with no text to read outside its scripts, styles, menus and \
                                         hidden parts (a page whose story a script draws has none until a browser \
                                         runs it: save the page from the browser, or give its text)";

/// The text to label of an article: a web page ([`is_web_page`]: a page in a CSV cell,
/// a crawl's HTML, `requests.get(url).text`) is the text of its story ([`story_text`]),
/// as a page given as a file is; any other text as it is.
///
/// # Errors
/// [`WEB_PAGE_WITHOUT_TEXT`] for a page with no text to read.
pub fn article_text(text: &str) -> Result<Cow<'_, str>, &'static str> {
    match is_web_page(text) {
        true => story_text(text).map(Cow::Owned),
        false => Ok(Cow::Borrowed(text)),
    }
}

/// The text of the page `html`'s story ([`page_text`]).
///
/// # Errors
/// [`WEB_PAGE_WITHOUT_TEXT`] for a page with no text to read.
pub fn story_text(html: &str) -> Result<String, &'static str> {
    let text = page_text(html);
    match crate::text::is_blank(&text) {
        true => Err(WEB_PAGE_WITHOUT_TEXT),
        false => Ok(text),
    }
}

/// The article text of the page `html` (see the module's doc). A page with no text
/// gives an empty string, which the caller refuses as it refuses an empty article.
pub fn page_text(html: &str) -> String {
    let page = Html::parse_document(html);
    let mut text = String::with_capacity(html.len() / 2);
    if let Some(story) = story(&page) {
        write_text(*story, Root::Story, &mut text);
    }
    // A marked story with no text (an empty `<article>` a script fills) leaves the page.
    if text.trim().is_empty() {
        text.clear();
        write_text(page.tree.root(), Root::Page, &mut text);
    }
    tidy(&text)
}

/// What the text is read from: the story a page marks, or the whole page, whose
/// `<header>` is then the site's (its name, its menus) rather than the story's (its
/// headline, its byline).
#[derive(Clone, Copy, PartialEq)]
enum Root {
    Story,
    Page,
}

/// The page's story: the `<article>` with the most text (a page of one story may hold
/// others, teasers of related stories, each an `<article>`), else its `<main>` (or the
/// element of `role="main"`); `None` when it marks neither.
fn story(page: &Html) -> Option<ElementRef<'_>> {
    let elements = || page.tree.root().descendants().filter_map(ElementRef::wrap);
    let articles = elements().filter(|e| e.value().name() == "article" && !is_left_out(e.value(), Root::Story));
    let longest = articles.max_by_key(|article| article.text().map(|t| t.trim().len()).sum::<usize>());
    longest.or_else(|| {
        elements().find(|e| e.value().name() == "main" || e.value().attr("role").is_some_and(|r| r == "main"))
    })
}

/// Elements whose content no reader of the story reads: code, styles, templates and
/// embedded objects; navigation, asides, forms and their controls; footers (the site's
/// legal notes, a story's tags and share links); the site's header, when the whole page
/// is read (a story's own header holds its headline); and what the page hides
/// (`hidden`, `aria-hidden="true"`, an inline `display: none`).
fn is_left_out(element: &scraper::node::Element, root: Root) -> bool {
    const NEVER_READ: [&str; 18] = [
        "head", "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe", "object", "nav", "aside",
        "form", "button", "select", "textarea", "dialog", "footer",
    ];
    let name = element.name();
    if NEVER_READ.contains(&name) || (root == Root::Page && name == "header") {
        return true;
    }
    let hidden_style = element.attr("style").is_some_and(|style| {
        let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
        style.to_ascii_lowercase().contains("display:none")
    });
    element.attr("hidden").is_some() || element.attr("aria-hidden").is_some_and(|v| v == "true") || hidden_style
}

/// Elements that stand as blocks of their own (a browser puts them on lines of their
/// own), so their text is a paragraph: a headline without a full stop does not run into
/// the first sentence of the story, nor one table cell into the next.
fn is_block(name: &str) -> bool {
    const BLOCKS: [&str; 39] = [
        "address",
        "article",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    ];
    BLOCKS.contains(&name)
}

/// Appends the text of `node` and what it holds, blocks set apart by blank lines and
/// `<br>` as a line break; the text's white space becomes spaces, collapsed by [`tidy`].
/// Walked with an explicit stack: a page of deeply nested tags (html5ever keeps any
/// depth) would overflow the thread's stack if walked by recursion.
fn write_text(node: NodeRef<'_, Node>, root: Root, text: &mut String) {
    enum Step<'a> {
        Enter(NodeRef<'a, Node>),
        Leave,
    }
    let mut steps = vec![Step::Enter(node)];
    while let Some(step) = steps.pop() {
        let node = match step {
            Step::Leave => {
                text.push_str("\n\n");
                continue;
            }
            Step::Enter(node) => node,
        };
        match node.value() {
            // A line break in the page's source is white space, as any other.
            Node::Text(words) => text.extend(words.chars().map(|c| if c.is_whitespace() { ' ' } else { c })),
            Node::Element(element) => {
                if is_left_out(element, root) {
                    continue;
                }
                // Inline elements run on, as a browser shows them (`<b>Kyiv</b> denied`).
                match element.name() {
                    "br" => text.push('\n'),
                    name if is_block(name) => {
                        text.push_str("\n\n");
                        steps.push(Step::Leave);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        // Children in document order: pushed last first.
        let children: Vec<NodeRef<'_, Node>> = node.children().collect();
        steps.extend(children.into_iter().rev().map(Step::Enter));
    }
}

/// White space as a browser shows it: each run within a line one space, each line
/// trimmed, a line break kept, and any run of blank lines one blank line (a paragraph
/// break, which ends a sentence).
fn tidy(text: &str) -> String {
    let mut tidied = String::with_capacity(text.len());
    let mut blank_lines = 0;
    for line in text.split('\n') {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            blank_lines += 1;
            continue;
        }
        if !tidied.is_empty() {
            tidied.push_str(if blank_lines > 0 { "\n\n" } else { "\n" });
        }
        blank_lines = 0;
        tidied.push_str(&words.join(" "));
    }
    tidied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_told_by_its_doctype_or_html_tag() {
        for page in [
            "<!DOCTYPE html>\n<html><body>x</body></html>",
            "\u{feff}  <!doctype HTML><p>x",
            "<!-- saved from url=(0014)about:internet -->\n<html lang=\"en\">",
            "<HTML>\n<BODY>x",
        ] {
            assert!(is_web_page(page), "{page:?}");
        }
        // Text that merely holds markup, or starts with a tag of another name, is text.
        for text in ["The <html> tag opens a page.", "<htmlx>", "<p>A fragment</p>", "<!-- unclosed <html>", ""] {
            assert!(!is_web_page(text), "{text:?}");
        }
    }

    #[test]
    fn the_declared_encoding_is_read_from_meta_tags() {
        let cases: [(&[u8], Option<&str>); 7] = [
            (b"<html><head><meta charset=\"windows-1252\">", Some("windows-1252")),
            (b"<html><head><META CHARSET='ISO-8859-1'/>", Some("windows-1252")),
            (b"<html><meta http-equiv=\"Content-Type\" content=\"text/html; charset=Shift_JIS\">", Some("Shift_JIS")),
            (b"<html><meta charset=\"utf-8\">", None),
            (b"<html><meta charset=\"utf-16\">", None),
            (b"<html><meta charset=\"no-such-encoding\">", None),
            (b"<html><meta name=\"viewport\" content=\"width=device-width\">", None),
        ];
        for (head, expected) in cases {
            assert_eq!(declared_encoding(head).map(|e| e.name()), expected, "{}", String::from_utf8_lossy(head));
        }
        // Past the first kilobyte it is not looked for, as browsers do not.
        let late = [b"<html>".as_slice(), &[b' '; 1100], b"<meta charset=\"windows-1252\">"].concat();
        assert_eq!(declared_encoding(&late), None);
    }

    #[test]
    fn blocks_are_paragraphs_and_br_a_line_break() {
        let page = "<html><body><h1>Truce holds</h1><p>Both sides\n   kept the\tpeace.<br>Aid arrived.</p>\
                    <ul><li>One</li><li>Two</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>";
        assert_eq!(page_text(page), "Truce holds\n\nBoth sides kept the peace.\nAid arrived.\n\nOne\n\nTwo\n\na\n\nb");
    }

    #[test]
    fn inline_elements_run_on_and_references_are_read() {
        let page = "<html><body><p><b>Kyiv</b>&#39;s officials <a href=\"/x\">denied</a> it&nbsp;&amp; more.</p>";
        // &nbsp; is white space, collapsed as a browser shows it.
        assert_eq!(page_text(page), "Kyiv's officials denied it & more.");
    }

    #[test]
    fn code_navigation_and_hidden_parts_are_left_out() {
        let page = r#"<!doctype html><html><head><title>Site</title><style>p {}</style></head><body>
            <header>Example News</header><nav>World | Business</nav>
            <script>var s = "<p>not text</p>";</script><noscript>Enable scripts</noscript>
            <div hidden>Cookie notice</div><div aria-hidden="true">Icon</div><p style="DISPLAY: none">Gone</p>
            <p>The ministers met.</p><aside>Read more</aside><form><button>Subscribe</button></form>
            <footer>Copyright</footer></body></html>"#;
        assert_eq!(page_text(page), "The ministers met.");
    }

    #[test]
    fn the_longest_article_is_the_story_with_its_own_header() {
        let page = "<html><body><header>Site name</header><article><p>Teaser.</p></article>\
                    <article><header><h1>Headline</h1></header><p>The story, which is longer.</p>\
                    <footer>Tags</footer></article><p>Outside.</p></body></html>";
        assert_eq!(page_text(page), "Headline\n\nThe story, which is longer.");
    }

    #[test]
    fn main_is_the_story_when_no_article_is_marked() {
        let page = "<html><body><div>Menu</div><div role=\"main\"><p>Story.</p></div><div>Links</div></body></html>";
        assert_eq!(page_text(page), "Story.");
    }

    #[test]
    fn an_empty_story_leaves_the_whole_page() {
        let page = "<html><body><header>Site</header><article> </article><div><p>The story.</p></div></body></html>";
        assert_eq!(page_text(page), "The story.");
    }

    #[test]
    fn an_article_that_is_a_page_is_its_story_and_other_text_stays() {
        assert_eq!(
            article_text("<html><body><p>Aid arrived.</p></body></html>"),
            Ok(Cow::Owned("Aid arrived.".into()))
        );
        let text = "The <p> tag is not a page.";
        assert_eq!(article_text(text), Ok(Cow::Borrowed(text)));
        assert_eq!(article_text("<!doctype html><nav>Menu</nav>"), Err(WEB_PAGE_WITHOUT_TEXT));
    }

    #[test]
    fn a_page_without_text_gives_nothing() {
        assert_eq!(page_text("<!doctype html><html><head><script>x()</script></head><body> </body></html>"), "");
    }

    #[test]
    fn deep_nesting_does_not_overflow_the_stack() {
        let depth = 50_000;
        let page = format!("<html><body>{}deep{}</body></html>", "<span>".repeat(depth), "</span>".repeat(depth));
        assert_eq!(page_text(&page), "deep");
    }
}
