#!/usr/bin/env python3
"""Builds datasets/word_classes/news.tsv: a class for each word of unlabelled news, the
words of a class found in like contexts, for `stancekit train --word-classes`.

Words get vectors from fastText's skip-gram (Bojanowski et al. 2017) trained on the
article text of ../shared/datasets/bbc_news and fnc1 (the bodies), then k-means groups
the vectors into classes. Left out of the text: the documents of
../shared/datasets/reserved_documents.csv (kept for an independent evaluation) and every
document with a sentence in our `dev` split (datasets/news/*.csv), so the dev figures of
models/README.md measure words the classes were not built from, as news we do not have
would be. The file holds words and class numbers only, never text.

Only words of ASCII letters are written (each is one token to stancekit's tokenizer, as
`--word-classes` requires), and not the 1,000 most frequent: those are in enough training
sentences to learn their own weights, so the classes stand in for the rarer words, which the
labelled data has too few of (with 150 left out, "little" and "bit" took a class of
entertainment words and turned the seed article's "a little bit of progress" neutral;
models/README.md has the figures of both).

Usage (the benchmark's environment has fastText and scikit-learn):
    bench/.venv/bin/python scripts/build-word-classes.py
Single-threaded and seeded, so a run gives the same file on this machine (about five
minutes); the file is committed, so building the models needs no Python.
"""

import argparse
import collections
import csv
import glob
import os
import re
import sys
import tempfile

import fasttext
import numpy as np
from sklearn.cluster import KMeans

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
SHARED = os.path.join(REPO, "..", "shared", "datasets")

# Words of letters, digits and inner apostrophes or hyphens: the context the vectors learn from.
TOKEN = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
# Words that get a class: ASCII letters only, one token as stancekit splits text.
CLASSED = re.compile(r"[a-z]+")


def left_out():
    """(dataset, doc_id) of the reserved documents and of every document of our dev split."""
    out = set()
    with open(os.path.join(SHARED, "reserved_documents.csv"), newline="", encoding="utf-8") as f:
        out.update((r["dataset"], r["doc_id"]) for r in csv.DictReader(f))
    for path in sorted(glob.glob(os.path.join(REPO, "datasets", "news", "*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            out.update((r["dataset"], r["doc_id"]) for r in csv.DictReader(f) if r["split"] == "dev")
    return out


def articles(skip):
    """The text of each usable article, in file order."""
    csv.field_size_limit(1 << 30)
    sources = [("bbc_news", "bbc_news/bbc_news.csv", "doc_id", "text"), ("fnc1", "fnc1/bodies.csv", "body_id", "body")]
    for dataset, path, id_column, text_column in sources:
        with open(os.path.join(SHARED, path), newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if (dataset, row[id_column]) not in skip:
                    yield row[text_column]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--classes", type=int, default=200, help="number of classes (k of k-means)")
    parser.add_argument("--frequent", type=int, default=1000, help="leave out this many most frequent words")
    parser.add_argument("--out", default=os.path.join(REPO, "datasets", "word_classes", "news.tsv"))
    args = parser.parse_args()

    skip = left_out()
    counts = collections.Counter()
    n_articles = 0
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as out:
            for text in articles(skip):
                words = TOKEN.findall(text.lower())
                counts.update(words)
                out.write(" ".join(words) + "\n")
                n_articles += 1
        # On one thread fastText's training is repeatable (its seed is fixed, 0).
        vectors = fasttext.train_unsupervised(
            corpus, model="skipgram", dim=100, ws=5, epoch=10, minCount=3, minn=0, maxn=0, thread=1, verbose=0
        )
    frequent = {w for w, _ in counts.most_common(args.frequent)}
    words = sorted(w for w in vectors.get_words() if CLASSED.fullmatch(w) and w not in frequent)
    matrix = np.array([vectors.get_word_vector(w) for w in words], dtype=np.float64)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
    labels = KMeans(n_clusters=args.classes, n_init=1, random_state=0).fit(matrix).labels_

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as out:
        out.write(
            f"# word<TAB>class: {len(words)} words of {n_articles} articles of bbc_news and fnc1 (reserved and dev "
            f"documents left out), {args.classes} classes; built by scripts/build-word-classes.py\n"
        )
        for word, label in zip(words, labels):
            out.write(f"{word}\tc{label}\n")
    print(f"{args.out}: {len(words)} words, {args.classes} classes, from {n_articles} articles", file=sys.stderr)


if __name__ == "__main__":
    main()
