"""Data for the benchmark, written into bench/.cache (never into the repository).

- per-dataset CSVs `text,label,fold` with a deterministic stratified fold column: within
  each label (in sorted order), the rows are permuted by numpy's RandomState(42) (one
  generator, labels in turn) and the i-th row of the permutation gets fold i mod 10;
- emergent: its official train/test split (text = headline) as two CSVs `text,label`;
- the throughput corpus: bbc_news `text` and fnc1 `body`, whitespace collapsed, split
  into sentences by a simple regex, one sentence per line, repeated until it holds at
  least CORPUS_MB megabytes; plus its first SLICE_MB megabytes as a slice.
"""

import csv
import json
import os
import re

import numpy as np

csv.field_size_limit(1 << 30)

FOLD_SETS = {
    "mr": "mr/mr.csv",
    "cr": "cr/cr.csv",
    "subj": "subj/subj.csv",
    "mpqa": "mpqa/mpqa.csv",
    "financial_phrasebank": "financial_phrasebank/financial_phrasebank.csv",
}
FOLDS = 10
SEED = 42

# a sentence ends at . ! or ? (optionally followed by a closing quote or bracket)
# when whitespace and an upper-case letter, digit or opening quote follow
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[A-Z0-9])")


def stratified_folds(labels, k=FOLDS, seed=SEED):
    rng = np.random.RandomState(seed)
    fold = [0] * len(labels)
    for c in sorted(set(labels)):
        idx = [i for i, l in enumerate(labels) if l == c]
        for j, i in enumerate(rng.permutation(idx)):
            fold[int(i)] = j % k
    return fold


def write_fold_csv(src, dst):
    with open(src, newline="", encoding="utf-8") as f:
        rows = [(r["text"], r["label"]) for r in csv.DictReader(f)]
    folds = stratified_folds([l for _, l in rows])
    tmp = dst + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label", "fold"])
        for (t, l), k in zip(rows, folds):
            w.writerow([t, l, k])
    os.replace(tmp, dst)
    return {"rows": len(rows), "labels": sorted(set(l for _, l in rows))}


def write_emergent(src, train_dst, test_dst):
    out = {}
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for split, dst in (("train", train_dst), ("test", test_dst)):
        part = [r for r in rows if r["split"] == split]
        with open(dst, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text", "label"])
            for r in part:
                w.writerow([r["text"], r["label"]])
        out[f"{split}_rows"] = len(part)
    return out


def news_sentences(datasets):
    """Sentences of the bbc_news texts and fnc1 bodies, in file order."""
    out = []
    for path, col in (("bbc_news/bbc_news.csv", "text"), ("fnc1/bodies.csv", "body")):
        with open(os.path.join(datasets, path), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                text = " ".join(row[col].split())
                for s in SENTENCE_END.split(text):
                    s = s.strip()
                    # a line starting with "{" would be read as a JSON object by
                    # `stancekit predict --input-format lines`; there are none or few
                    if s and not s.startswith("{"):
                        out.append(s)
    return out


def write_corpus(datasets, dst, slice_dst, corpus_mb, slice_mb):
    meta_path = dst + ".json"
    want = {"corpus_mb": corpus_mb, "slice_mb": slice_mb, "version": 1}
    if os.path.exists(meta_path) and os.path.exists(dst) and os.path.exists(slice_dst):
        with open(meta_path) as f:
            meta = json.load(f)
        if meta.get("want") == want:
            meta["corpus"]["path"], meta["slice"]["path"] = dst, slice_dst
            return meta
    sents = news_sentences(datasets)
    block = ("\n".join(sents) + "\n").encode("utf-8")
    reps = -(-corpus_mb * 1_000_000 // len(block))
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        for _ in range(reps):
            f.write(block)
    os.replace(tmp, dst)
    # the slice: whole lines from the start, up to slice_mb megabytes
    limit = slice_mb * 1_000_000
    n_slice, size = 0, 0
    with open(dst, "rb") as f, open(slice_dst + ".tmp", "wb") as g:
        for line in f:
            if size + len(line) > limit:
                break
            g.write(line)
            size += len(line)
            n_slice += 1
    os.replace(slice_dst + ".tmp", slice_dst)
    meta = {
        "want": want,
        "unique_sentences": len(sents),
        "repeats": reps,
        "corpus": {"path": dst, "bytes": os.path.getsize(dst), "sentences": len(sents) * reps},
        "slice": {"path": slice_dst, "bytes": size, "sentences": n_slice},
    }
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
    return meta
