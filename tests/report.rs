//! The HTML reading view, rendered in a real headless browser (Debian's chromium):
//! the page shows its summary and every sentence, and a screenshot is taken. CI
//! installs chromium (.ci/run); elsewhere the test says it is skipped when chromium is
//! missing, and fails when CI=true.

mod util;

use std::path::Path;
use std::process::Command;

use util::{run, shared};

fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| Path::new(p).exists())
}

fn headless(browser: &str, profile: &Path, extra: &[&str], url: &str) -> std::process::Output {
    Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"])
        .args(["--disable-background-networking", "--disable-component-update", "--disable-sync"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .output()
        .expect("chromium runs")
}

#[test]
fn report_renders_summary_and_every_sentence_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(std::env::var("CI").is_err(), "chromium is missing in CI: .ci/run must install it");
        eprintln!("skipped: chromium not installed (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("seed.html");
    let seed = shared().join("seed/article.txt");
    let r = run(&["report", seed.to_str().unwrap(), "--html", html.to_str().unwrap()]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        !page.contains("http://") && !page.contains("https://") && !page.contains("<script"),
        "self-contained, no network"
    );
    let url = format!("file://{}", html.display());

    // The DOM as the browser built it: summary present, one span per sentence.
    let dom = headless(browser, &dir.path().join("profile-dom"), &["--dump-dom"], &url);
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("id=\"summary\""), "summary rendered");
    assert!(
        dom.contains("Top accusation") && dom.contains("<bdi>The U.S.</bdi> \u{2192} <bdi>Russia</bdi>"),
        "top accusation with actors, each name a bidirectional isolate"
    );
    let text = std::fs::read_to_string(&seed).unwrap();
    let n_sentences = stancekit::text::split_sentences(&text).len();
    assert_eq!(dom.matches("data-sentence=").count(), n_sentences, "every sentence rendered");
    assert!(dom.contains("class=\"s adversarial accusation\""), "the accusation is marked");

    // A screenshot: a real PNG of a rendered page.
    let png = dir.path().join("seed.png");
    let shot = headless(
        browser,
        &dir.path().join("profile-shot"),
        &[&format!("--screenshot={}", png.display()), "--window-size=1100,1300"],
        &url,
    );
    assert!(png.exists(), "screenshot written: {}", String::from_utf8_lossy(&shot.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert!(bytes.len() > 20_000, "a page with content, not a blank one ({} bytes)", bytes.len());
}
