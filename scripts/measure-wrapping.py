#!/usr/bin/env python3
"""How many sentences come out whole when an article is hard-wrapped.

Takes 150 BBC articles (seeded sample, reserved documents left out) from
../shared/datasets/bbc_news, splits each into sentences with `stancekit predict` as it
is (one line per article), then wrapped at a fixed width (Python's textwrap at 60 and
72 columns, and `fmt -w 72`), and prints the share of the unwrapped sentences that come
out the same (whitespace collapsed). README.md quotes it.
Usage: scripts/measure-wrapping.py [path/to/stancekit]   (default target/release/stancekit)
"""
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "datasets")


def articles(n=150, seed=7):
    with open(os.path.join(SHARED, "reserved_documents.csv"), newline="", encoding="utf-8") as f:
        reserved = {(r["dataset"], r["doc_id"]) for r in csv.DictReader(f)}
    with open(os.path.join(SHARED, "bbc_news", "bbc_news.csv"), newline="", encoding="utf-8") as f:
        docs = [r["text"] for r in csv.DictReader(f) if ("bbc_news", r["doc_id"]) not in reserved]
    random.Random(seed).shuffle(docs)
    return docs[:n]


def sentences(stancekit, texts, scratch):
    """Sentence texts (whitespace collapsed) of each text, by file name."""
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    for i, text in enumerate(texts):
        with open(os.path.join(scratch, f"{i:04d}.txt"), "w", encoding="utf-8") as f:
            f.write(text)
    model = os.path.join(ROOT, "models", "sentiment.json")
    out = subprocess.run(
        [stancekit, "predict", scratch, "--model", model, "--format", "json"],
        capture_output=True, text=True, check=True,
    ).stdout
    by_file = {}
    for line in out.splitlines():
        row = json.loads(line)
        if "text" in row:
            by_file.setdefault(os.path.basename(row["id"]), []).append(" ".join(row["text"].split()))
    return by_file


def main():
    stancekit = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "stancekit")
    docs = articles()
    with tempfile.TemporaryDirectory() as tmp:
        reference = sentences(stancekit, docs, os.path.join(tmp, "unwrapped"))
        wrappings = {
            "textwrap 72": [textwrap.fill(d, 72) for d in docs],
            "fmt -w 72": [subprocess.run(["fmt", "-w", "72"], input=d, capture_output=True, text=True,
                                         check=True).stdout for d in docs],
            "textwrap 60": [textwrap.fill(d, 60) for d in docs],
        }
        total = sum(len(s) for s in reference.values())
        for name, texts in wrappings.items():
            got = sentences(stancekit, texts, os.path.join(tmp, "wrapped"))
            whole = sum(1 for f, sents in reference.items() for s in sents if s in set(got.get(f, [])))
            count = sum(len(s) for s in got.values())
            print(f"{name}: {whole} of {total} sentences whole ({whole / total:.3f}); {count} sentences out")


if __name__ == "__main__":
    main()
