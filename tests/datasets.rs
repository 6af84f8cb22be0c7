//! The project's own data: every stored span still matches its source text, no reserved
//! document is used, the written sentences are not templated, and the lexicons parse.

mod util;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use stancekit::input::read_span_rows;
use stancekit::lexicon::Lexicon;
use util::shared;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn span_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("datasets/news"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

/// (dataset, doc_id) of every reserved document.
fn reserved_ids() -> HashSet<(String, String)> {
    csv::Reader::from_path(shared().join("datasets/reserved_documents.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .map(|r| (r[0].to_string(), r[1].to_string()))
        .collect()
}

/// The texts of the reserved documents (bbc_news by doc_id, fnc1 by body_id).
fn reserved_texts() -> Vec<String> {
    let reserved = reserved_ids();
    let mut texts = Vec::new();
    for (dataset, file, id_col, text_col) in
        [("bbc_news", "bbc_news/bbc_news.csv", 3, 0), ("fnc1", "fnc1/bodies.csv", 0, 1)]
    {
        for r in csv::Reader::from_path(shared().join("datasets").join(file)).unwrap().records() {
            let r = r.unwrap();
            if reserved.contains(&(dataset.to_string(), r[id_col].to_string())) {
                texts.push(r[text_col].to_string());
            }
        }
    }
    texts
}

#[test]
fn no_labelled_sentence_appears_in_a_reserved_document() {
    // Both sets hold near-duplicate articles: a sentence of a free document may also
    // stand in a reserved one, which would leak it into training.
    let reserved = reserved_texts();
    assert_eq!(reserved.len(), 700);
    let rows = read_span_rows(&span_files(), &shared().join("datasets")).unwrap();
    let leaked: Vec<String> = rows
        .iter()
        .filter(|row| reserved.iter().any(|t| t.contains(&row.text)))
        .map(|row| format!("{} {} {}", row.dataset, row.doc_id, row.start))
        .collect();
    assert!(leaked.is_empty(), "{} labelled sentences occur in reserved documents: {leaked:?}", leaked.len());
}

#[test]
fn every_span_matches_its_hash_and_labels_are_valid() {
    let rows = read_span_rows(&span_files(), &shared().join("datasets")).expect("all spans rebuild and hash-check");
    assert!(rows.len() >= 2000, "{} real news sentences labelled", rows.len());
    let allowed: HashMap<&str, &[&str]> = stancekit::input::SPAN_LABELS.iter().copied().collect();
    for row in &rows {
        assert!(row.split == "train" || row.split == "dev");
        assert_eq!(row.text.trim(), row.text, "{}:{} {}", row.dataset, row.doc_id, row.start);
        for (task, label) in &row.labels {
            assert!(allowed[task.as_str()].contains(&label.as_str()), "{task}={label}");
        }
    }
}

#[test]
fn no_reserved_document_is_labelled_and_splits_follow_documents() {
    let reserved = reserved_ids();
    assert_eq!(reserved.len(), 700);
    let mut split_of: HashMap<(String, String), String> = HashMap::new();
    for file in span_files() {
        for r in csv::Reader::from_path(&file).unwrap().records() {
            let r = r.unwrap();
            let key = (r[0].to_string(), r[1].to_string());
            assert!(!reserved.contains(&key), "reserved document {key:?} in {}", file.display());
            let split = r[r.len() - 1].to_string();
            if let Some(previous) = split_of.insert(key.clone(), split.clone()) {
                assert_eq!(previous, split, "document {key:?} on both sides");
            }
        }
    }
}

/// (dataset, doc_id).
type DocumentKey = (String, String);

#[test]
fn no_two_spans_of_a_document_overlap() {
    // Labelling rounds cut documents into sentences with the splitter of their day; a
    // sentence of a later round that overlaps an earlier span would label the same text twice.
    let mut ranges: HashMap<DocumentKey, Vec<(usize, usize, String)>> = HashMap::new();
    for file in span_files() {
        for (i, r) in csv::Reader::from_path(&file).unwrap().records().enumerate() {
            let r = r.unwrap();
            let at = format!("{}:{}", file.file_name().unwrap().to_string_lossy(), i + 2);
            ranges.entry((r[0].to_string(), r[1].to_string())).or_default().push((
                r[2].parse().unwrap(),
                r[3].parse().unwrap(),
                at,
            ));
        }
    }
    let mut overlaps = Vec::new();
    for spans in ranges.values_mut() {
        spans.sort();
        for pair in spans.windows(2) {
            if pair[1].0 < pair[0].1 {
                overlaps.push(format!("{} and {}", pair[0].2, pair[1].2));
            }
        }
    }
    assert!(overlaps.is_empty(), "{} overlapping spans: {overlaps:?}", overlaps.len());
}

fn written_sentences() -> Vec<String> {
    let mut texts = Vec::new();
    for name in ["diplomacy", "business", "domestic"] {
        let mut reader = csv::Reader::from_path(repo(&format!("datasets/written/{name}.csv"))).unwrap();
        texts.extend(reader.records().map(|r| r.unwrap()[1].to_string()));
    }
    texts
}

fn four_grams(text: &str) -> HashSet<String> {
    let words: Vec<String> = text.split_whitespace().map(|w| w.to_lowercase()).collect();
    words.windows(4).map(|w| w.join(" ")).collect()
}

#[test]
fn written_sentences_are_not_templated() {
    let texts = written_sentences();
    assert!(texts.len() >= 3000, "{} written sentences", texts.len());
    let grams: Vec<HashSet<String>> = texts.iter().map(|t| four_grams(t)).collect();
    // Index by 4-gram so only pairs that share one are compared.
    let mut by_gram: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, g) in grams.iter().enumerate() {
        for gram in g {
            by_gram.entry(gram).or_default().push(i);
        }
    }
    let mut worst = 0.0f64;
    let mut near = 0usize;
    let mut seen = HashSet::new();
    for ids in by_gram.values() {
        for (a, &i) in ids.iter().enumerate() {
            for &j in &ids[a + 1..] {
                if !seen.insert((i, j)) {
                    continue;
                }
                let inter = grams[i].intersection(&grams[j]).count() as f64;
                let union = grams[i].union(&grams[j]).count() as f64;
                let jaccard = inter / union;
                worst = worst.max(jaccard);
                if jaccard > 0.3 {
                    near += 1;
                }
            }
        }
    }
    // Bound: no pair shares more than half its 4-grams, and almost none more than 0.3.
    assert!(worst <= 0.5, "most similar pair has 4-gram Jaccard {worst}");
    assert!(near <= texts.len() / 200, "{near} pairs above 0.3");
    // Lengths as specified: 15 to 45 words.
    for t in &texts {
        let n = t.split_whitespace().count();
        assert!((15..=45).contains(&n), "{n} words: {t}");
    }
}

#[test]
fn written_sentences_avoid_the_seed_article() {
    let seed = std::fs::read_to_string(shared().join("seed/article.txt")).unwrap();
    let seed_grams: HashSet<String> = seed.lines().flat_map(four_grams).collect();
    for t in written_sentences() {
        let g = four_grams(&t);
        let shared_grams = g.intersection(&seed_grams).count();
        assert!(shared_grams <= 2, "shares {shared_grams} 4-grams with the seed article: {t}");
    }
}

#[test]
fn shipped_lexicon_parses_with_all_categories() {
    let lexicon = Lexicon::load(&repo("datasets/lexicons")).expect("lexicon parses");
    assert_eq!(lexicon.categories(), ["accusation", "adversarial", "cooperative", "denial", "negative", "positive"]);
    assert!(lexicon.negators.iter().any(|n| n == "not"));
    assert!(!lexicon.reporting_verbs.is_empty() && !lexicon.intensifiers.is_empty());
}

#[test]
fn second_labels_are_of_dev_spans_with_valid_labels() {
    // scripts/measure-agreement.py compares them with the stored labels of the same spans.
    let dev: HashSet<String> = read_span_rows(&span_files(), &shared().join("datasets"))
        .unwrap()
        .into_iter()
        .filter(|row| row.split == "dev")
        .map(|row| format!("{}:{}:{}", row.dataset, row.doc_id, row.start))
        .collect();
    for file in ["dev_second_labels.csv", "rounds_5_to_7_second_labels.csv"] {
        let mut reader = csv::Reader::from_path(repo("datasets/agreement").join(file)).unwrap();
        assert_eq!(reader.headers().unwrap(), vec!["id", "cooperation", "accusation", "sentiment"]);
        let mut seen = HashSet::new();
        for record in reader.records() {
            let r = record.unwrap();
            assert!(dev.contains(&r[0]), "{file}: {} is not a dev span", &r[0]);
            assert!(seen.insert(r[0].to_string()), "{file}: {} twice", &r[0]);
            assert!(["cooperative", "adversarial", "neutral"].contains(&&r[1]), "{}", &r[1]);
            assert!(["accusation", "denial", "none"].contains(&&r[2]), "{}", &r[2]);
            assert!(["positive", "negative", "neutral"].contains(&&r[3]), "{}", &r[3]);
        }
        assert_eq!(seen.len(), 300, "{file}");
    }
}

#[test]
fn recorded_relabellings_are_what_the_span_files_hold() {
    // scripts/relabel.py records each change (id, before, after) in relabels/TASK.csv; a
    // later edit of a span file that undid one, or a record naming no span, would make the
    // record false.
    let rows = read_span_rows(&span_files(), &shared().join("datasets")).unwrap();
    let mut changes = 0;
    for task in ["accusation", "sentiment"] {
        let labels: HashMap<String, String> = rows
            .iter()
            .map(|row| {
                let label = row.labels.iter().find(|(column, _)| column == task).unwrap().1.clone();
                (format!("{}:{}:{}", row.dataset, row.doc_id, row.start), label)
            })
            .collect();
        let mut reader = csv::Reader::from_path(repo("datasets/relabels").join(format!("{task}.csv"))).unwrap();
        assert_eq!(reader.headers().unwrap(), vec!["id", "before", "after", "reason"]);
        let mut seen = HashSet::new();
        for record in reader.records() {
            let r = record.unwrap();
            assert!(seen.insert(r[0].to_string()), "{task}: {} relabelled twice", &r[0]);
            assert_ne!(&r[1], &r[2], "{task}: {}: a record of no change", &r[0]);
            assert_eq!(labels.get(&r[0]).map(String::as_str), Some(&r[2]), "{task}: {}", &r[0]);
        }
        changes += seen.len();
    }
    // The narrated-acts pass changed 191 accusation labels, the harm pass 200 sentiment labels.
    assert_eq!(changes, 391);
}
