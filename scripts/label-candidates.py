#!/usr/bin/env python3
"""Candidate sentences for a labelling round: whole unlabelled documents, split by stancekit.

Picks documents of ../shared/datasets (fnc1 bodies and bbc_news business / politics articles)
that no span file touches and that are not reserved, splits them into sentences with
`stancekit predict --articles` (its byte offsets are what the span files store), drops
sentences whose text occurs in a reserved document or was labelled before, and writes
batches of whole documents for labellers: `key,dataset,doc_id,start,end,sha256,split,text`.
The labeller writes `labels_K.csv` (`key,cooperation,accusation,sentiment`) beside each
`batch_K.csv`; `--merge` joins them into one span file (offsets and labels, no text).

Usage:
  scripts/label-candidates.py --out DIR --batches 4 --sentences 600 [--seed 5]
  scripts/label-candidates.py --merge DIR/labels_*.csv --to datasets/news/news_labels_5.csv
"""
import argparse
import csv
import glob
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile

csv.field_size_limit(10**9)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared", "datasets")
LABELS = ("cooperation", "accusation", "sentiment")
VALUES = {
    "cooperation": {"cooperative", "adversarial", "neutral"},
    "accusation": {"accusation", "denial", "none"},
    "sentiment": {"positive", "negative", "neutral"},
}


def documents():
    """(dataset, doc_id) -> text, for both sources."""
    docs = {}
    with open(os.path.join(SHARED, "bbc_news", "bbc_news.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            docs[("bbc_news", row["doc_id"])] = row["text"]
    with open(os.path.join(SHARED, "fnc1", "bodies.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            docs[("fnc1", row["body_id"])] = row["body"]
    return docs


def split_of(dataset, doc_id):
    digest = hashlib.sha256(f"{dataset}:{doc_id}".encode()).hexdigest()
    return "dev" if int(digest[:8], 16) % 5 == 0 else "train"


def labelled_spans():
    spans = []
    for path in sorted(glob.glob(os.path.join(ROOT, "datasets", "news", "*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            spans.extend(csv.DictReader(f))
    return spans


def candidates(args):
    docs = documents()
    with open(os.path.join(SHARED, "reserved_documents.csv"), newline="", encoding="utf-8") as f:
        reserved = {(r["dataset"], r["doc_id"]) for r in csv.DictReader(f)}
    spans = labelled_spans()
    touched = {(s["dataset"], s["doc_id"]) for s in spans}
    seen_text = set()
    for s in spans:
        body = docs[(s["dataset"], s["doc_id"])].encode()
        seen_text.add(body[int(s["start"]) : int(s["end"])].decode())
    reserved_bodies = [docs[d] for d in reserved if d in docs]
    reserved_set = set(reserved_bodies)
    free = [
        d
        for d, text in docs.items()
        if d not in reserved
        and d not in touched
        and text not in reserved_set
        and (d[0] == "fnc1" or d[1].split("/")[0] in ("business", "politics"))
    ]
    free.sort()
    random.Random(args.seed).shuffle(free)
    stancekit = os.path.join(ROOT, "target", "release", "stancekit")
    with tempfile.TemporaryDirectory() as tmp:
        inputs = os.path.join(tmp, "docs.csv")
        with open(inputs, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "text"])
            for dataset, doc_id in free:
                writer.writerow([f"{dataset}:{doc_id}", docs[(dataset, doc_id)]])
        out = subprocess.run(
            [stancekit, "predict", "--articles", "--format", "json", "--text-column", "text",
             "--id-column", "id", inputs],
            check=True, capture_output=True, text=True,
        ).stdout
    by_doc = {}
    for line in out.splitlines():
        record = json.loads(line)
        if record.get("type") != "sentence":
            continue
        dataset, doc_id = record["id"].split(":", 1)
        body = docs[(dataset, doc_id)].encode()
        start, end = record["start"], record["end"]
        text = body[start:end].decode()
        if text != record["text"]:
            sys.exit(f"offsets of {record['id']} do not give its text")
        by_doc.setdefault((dataset, doc_id), []).append((start, end, text))
    batches = [[] for _ in range(args.batches)]
    fill = 0
    for doc in free:
        rows = [
            (s, e, t)
            for s, e, t in by_doc.get(doc, [])
            if t not in seen_text and len(t.split()) >= 4 and not any(t in body for body in reserved_bodies)
        ]
        if not rows:
            continue
        if all(len(b) >= args.sentences for b in batches):
            break
        while len(batches[fill]) >= args.sentences:
            fill = (fill + 1) % args.batches
        for start, end, text in rows:
            seen_text.add(text)
            digest = hashlib.sha256(text.encode()).hexdigest()[:16]
            batches[fill].append([f"{doc[0]}:{doc[1]}:{start}", doc[0], doc[1], start, end, digest,
                                  split_of(*doc), text])
        fill = (fill + 1) % args.batches
    os.makedirs(args.out, exist_ok=True)
    for i, rows in enumerate(batches, 1):
        with open(os.path.join(args.out, f"batch_{i}.csv"), "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["key", "dataset", "doc_id", "start", "end", "sha256", "split", "text"])
            writer.writerows(rows)
        print(f"batch_{i}.csv: {len(rows)} sentences, {len({r[2] for r in rows})} documents", file=sys.stderr)


def merge(args):
    """Joins each labelled `labels_K.csv` with its `batch_K.csv` into one span file."""
    out_rows = []
    for path in args.merge:
        batch = os.path.join(os.path.dirname(path), os.path.basename(path).replace("labels_", "batch_"))
        with open(batch, newline="", encoding="utf-8") as f:
            spans = list(csv.DictReader(f))
        with open(path, newline="", encoding="utf-8") as f:
            labels = list(csv.DictReader(f))
        if [s["key"] for s in spans] != [row["key"] for row in labels]:
            sys.exit(f"{path}: its keys are not those of {batch}, in order")
        for number, (span, row) in enumerate(zip(spans, labels), 2):
            for label in LABELS:
                if row.get(label) not in VALUES[label]:
                    sys.exit(f"{path}:{number}: {label} is {row.get(label)!r}")
            out_rows.append([span["dataset"], span["doc_id"], span["start"], span["end"], span["sha256"],
                             *(row[label] for label in LABELS), span["split"]])
    out_rows.sort(key=lambda r: (r[0], r[1], int(r[2])))
    with open(args.to, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["dataset", "doc_id", "start", "end", "sha256", *LABELS, "split"])
        writer.writerows(out_rows)
    print(f"{args.to}: {len(out_rows)} spans", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out")
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--sentences", type=int, default=600)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--merge", nargs="+")
    parser.add_argument("--to")
    args = parser.parse_args()
    if args.merge:
        merge(args)
    else:
        candidates(args)


if __name__ == "__main__":
    main()
