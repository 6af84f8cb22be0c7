#!/usr/bin/env python3
"""Candidate sentences for a labelling round: whole unlabelled documents, split by stancekit.

Picks documents of ../shared/datasets (by default fnc1 bodies and bbc_news business / politics
articles; `--sources`) that no span file touches (with `--partial`, also the unlabelled sentences
of documents labelled in part) and that are not reserved, splits them into sentences with
`stancekit predict --articles` (its byte offsets are what the span files store), drops
sentences whose text occurs in a reserved document or was labelled before, and writes
batches of whole documents for labellers: `key,dataset,doc_id,start,end,sha256,split,text`.
The labeller writes `P_K.labels.csv` (`key,cooperation,accusation,sentiment`) beside each batch
`P_K.csv` (round 5: `labels_K.csv` beside `batch_K.csv`); `--merge` joins them into one span file
(offsets and labels, no text).

Usage:
  scripts/label-candidates.py --out DIR --batches 5 --sentences 500 [--seed 5]   (round 5)
  scripts/label-candidates.py --out DIR --batches 3 --sentences 450 --seed 6 --partial \
      --sources bbc_news/politics bbc_news/business --prefix bbc                      (round 6)
  scripts/label-candidates.py --merge DIR/*.labels.csv --to SPANS.csv
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


def source_of(doc):
    """`fnc1`, or `bbc_news/<category>`."""
    dataset, doc_id = doc
    return dataset if dataset == "fnc1" else f"{dataset}/{doc_id.split('/')[0]}"


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
    # Byte ranges labelled before, by document: a sentence overlapping one is left out (an
    # earlier round may have cut the same text into sentences differently).
    labelled_ranges = {}
    for s in spans:
        labelled_ranges.setdefault((s["dataset"], s["doc_id"]), []).append((int(s["start"]), int(s["end"])))
    for s in spans:
        body = docs[(s["dataset"], s["doc_id"])].encode()
        seen_text.add(body[int(s["start"]) : int(s["end"])].decode())
    reserved_bodies = [docs[d] for d in reserved if d in docs]
    reserved_set = set(reserved_bodies)
    free = [
        d
        for d, text in docs.items()
        if d not in reserved
        and (args.partial or d not in touched)
        and text not in reserved_set
        and source_of(d) in args.sources
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
            if t not in seen_text
            and len(t.split()) >= 4
            and not any(s < end and start < e for start, end in labelled_ranges.get(doc, []))
            and not any(t in body for body in reserved_bodies)
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
        with open(os.path.join(args.out, f"{args.prefix}_{i}.csv"), "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["key", "dataset", "doc_id", "start", "end", "sha256", "split", "text"])
            writer.writerows(rows)
        print(f"{args.prefix}_{i}.csv: {len(rows)} sentences, {len({r[2] for r in rows})} documents", file=sys.stderr)


def merge(args):
    """Joins each labelled `labels_K.csv` with its `batch_K.csv` into one span file."""
    out_rows = []
    for path in args.merge:
        name = os.path.basename(path)
        if name.endswith(".labels.csv"):
            batch = path[: -len(".labels.csv")] + ".csv"
        else:  # round 5 named them labels_K.csv beside batch_K.csv
            batch = os.path.join(os.path.dirname(path), name.replace("labels_", "batch_"))
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
    parser.add_argument("--sources", nargs="+", default=["fnc1", "bbc_news/business", "bbc_news/politics"],
                        help="fnc1 and bbc_news/<category> (business, politics, sport, tech, entertainment)")
    parser.add_argument("--partial", action="store_true",
                        help="also documents labelled in part before (their sentences not yet labelled)")
    parser.add_argument("--prefix", default="batch", help="batch file name prefix")
    parser.add_argument("--merge", nargs="+")
    parser.add_argument("--to")
    args = parser.parse_args()
    if args.merge:
        merge(args)
    else:
        candidates(args)


if __name__ == "__main__":
    main()
