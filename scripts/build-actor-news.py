#!/usr/bin/env python3
"""Rebuilds an actor set of real news sentences (datasets/actors/news_dev_spans.csv, the gold
set kept for measuring, or with --split train datasets/actors/news_train_spans.csv, the set for
developing the extractor; both store offsets and hashes, never text) as a CSV that
`stancekit actors --data` reads:

    id,text,accusation,source,target

Each span row is joined on its id (`dataset:doc_id:start`) to a corpus CSV with the columns
`id,doc,text,...` (default target/data/news_<split>.csv: scripts/build-models.sh writes
news_dev.csv with `stancekit corpus --split dev`, and news_train.csv with `--split train`). The first 16 hex digits of the sha256 of each sentence must
equal the stored `sha256`; the source and target spans are UTF-8 byte offsets into the
sentence (end exclusive, both empty for an empty span). Exits non-zero, naming the row, when
an id is missing from the corpus, a hash differs or a span does not fall on the sentence.

Usage: scripts/build-actor-news.py [--split dev|train] [--spans FILE] [--corpus FILE] [--out FILE]
       (--split picks the defaults of the other three: datasets/actors/news_<split>_spans.csv,
       target/data/news_<split>.csv, target/data/actors_news_<split>.csv; default dev)
then:  stancekit actors --data target/data/actors_news_dev.csv ...   (or actors_news_train.csv)
Standard library only.
"""
import argparse
import csv
import hashlib
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def span(raw, row, which, line):
    """The text of one span of a sentence (UTF-8 bytes), '' when both offsets are empty."""
    start, end = row[f"{which}_start"], row[f"{which}_end"]
    if start == "" and end == "":
        return ""
    try:
        start, end = int(start), int(end)
        if not 0 <= start < end <= len(raw):
            raise ValueError(f"offsets {start}..{end} outside a sentence of {len(raw)} bytes")
        return raw[start:end].decode("utf-8")
    except (ValueError, UnicodeDecodeError) as err:
        sys.exit(f"line {line} ({row['dataset']}:{row['doc_id']}:{row['start']}): bad {which} span: {err}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=["dev", "train"], default="dev",
                        help="which set to build; sets the defaults of --spans, --corpus and --out "
                             "(default: %(default)s)")
    parser.add_argument("--spans", help="span file (default: datasets/actors/news_<split>_spans.csv)")
    parser.add_argument("--corpus", help="corpus CSV with id,doc,text columns "
                                         "(default: target/data/news_<split>.csv)")
    parser.add_argument("--out", help="output CSV (default: target/data/actors_news_<split>.csv)")
    args = parser.parse_args()
    if args.spans is None:
        args.spans = os.path.join(ROOT, "datasets", "actors", f"news_{args.split}_spans.csv")
    if args.corpus is None:
        args.corpus = os.path.join(ROOT, "target", "data", f"news_{args.split}.csv")
    if args.out is None:
        args.out = os.path.join(ROOT, "target", "data", f"actors_news_{args.split}.csv")

    if not os.path.exists(args.corpus):
        sys.exit(f"{args.corpus} not found: run scripts/build-models.sh first, or give --corpus")
    with open(args.corpus, newline="", encoding="utf-8") as f:
        corpus = {row["id"]: row for row in csv.DictReader(f)}
    with open(args.spans, newline="", encoding="utf-8") as f:
        spans = list(csv.DictReader(f))

    out = []
    relabelled = 0
    for line, row in enumerate(spans, start=2):
        rid = f"{row['dataset']}:{row['doc_id']}:{row['start']}"
        sentence = corpus.get(rid)
        if sentence is None:
            sys.exit(f"line {line}: {rid} is not in {args.corpus}")
        raw = sentence["text"].encode("utf-8")
        digest = hashlib.sha256(raw).hexdigest()[:16]
        if digest != row["sha256"]:
            sys.exit(f"line {line}: {rid}: the corpus sentence hashes to {digest}, not {row['sha256']}")
        if sentence.get("accusation", row["accusation"]) != row["accusation"]:
            relabelled += 1
        out.append({
            "id": rid,
            "text": sentence["text"],
            "accusation": row["accusation"],
            "source": span(raw, row, "source", line),
            "target": span(raw, row, "target", line),
        })

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "text", "accusation", "source", "target"])
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} sentences -> {args.out}")
    if relabelled:
        print(f"note: {relabelled} rows carry an accusation label that differs from the corpus's now "
              "(the spans file keeps the label the spans were made for)", file=sys.stderr)


if __name__ == "__main__":
    main()
