#!/usr/bin/env python3
"""Applies a reviewed relabelling to the span files, and records it.

A review file holds `id,<task>[,note]` rows, `id` as `stancekit corpus` writes it
(`dataset:doc_id:start`). Each span of `datasets/news/*.csv` with such an id gets the
reviewed label; the changes (id, label before, label after; no text) are appended to
`datasets/relabels/<task>.csv`, so that every relabelling stays auditable. Refuses ids that
name no span, labels outside the task's three, and spans relabelled twice.

Usage: scripts/relabel.py --task accusation --reason narrated-acts REVIEW.labels.csv...
"""
import argparse
import csv
import glob
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VALUES = {
    "cooperation": {"cooperative", "adversarial", "neutral"},
    "accusation": {"accusation", "denial", "none"},
    "sentiment": {"positive", "negative", "neutral"},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", required=True, choices=sorted(VALUES))
    parser.add_argument("--reason", required=True, help="a short tag for the record, e.g. narrated-acts")
    parser.add_argument("reviews", nargs="+")
    args = parser.parse_args()
    reviewed = {}
    for path in args.reviews:
        with open(path, newline="", encoding="utf-8") as f:
            for line, row in enumerate(csv.DictReader(f), start=2):
                label = row.get(args.task, "")
                if label not in VALUES[args.task]:
                    sys.exit(f"{path}:{line}: '{label}' is not a {args.task} label")
                if row["id"] in reviewed:
                    sys.exit(f"{path}:{line}: {row['id']} reviewed twice")
                reviewed[row["id"]] = label
    record_path = os.path.join(ROOT, "datasets", "relabels", f"{args.task}.csv")
    done = set()
    if os.path.exists(record_path):
        with open(record_path, newline="", encoding="utf-8") as f:
            done = {row["id"] for row in csv.DictReader(f)}
    changes = []
    found = set()
    for path in sorted(glob.glob(os.path.join(ROOT, "datasets", "news", "*.csv"))):
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames
            rows = list(reader)
        changed = False
        for row in rows:
            span_id = f"{row['dataset']}:{row['doc_id']}:{row['start']}"
            if span_id not in reviewed:
                continue
            found.add(span_id)
            after = reviewed[span_id]
            if after != row[args.task]:
                if span_id in done:
                    sys.exit(f"{span_id} was relabelled before (datasets/relabels/{args.task}.csv)")
                changes.append((span_id, row[args.task], after))
                row[args.task] = after
                changed = True
        if changed:
            with open(path, "w", newline="", encoding="utf-8") as f:
                writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
    missing = sorted(set(reviewed) - found)
    if missing:
        sys.exit(f"{len(missing)} reviewed ids name no span, e.g. {missing[0]}")
    os.makedirs(os.path.dirname(record_path), exist_ok=True)
    new_file = not os.path.exists(record_path)
    with open(record_path, "a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        if new_file:
            writer.writerow(["id", "before", "after", "reason"])
        writer.writerows([(span_id, before, after, args.reason) for span_id, before, after in changes])
    print(f"{len(reviewed)} spans reviewed, {len(changes)} relabelled; recorded in {os.path.relpath(record_path, ROOT)}")


if __name__ == "__main__":
    main()
