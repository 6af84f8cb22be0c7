#!/usr/bin/env python3
"""Applies a reviewed relabelling to the span files, and records it.

A review file holds `id,<task>[,note]` rows, `id` as `stancekit corpus` writes it
(`dataset:doc_id:start`). Each span of `datasets/news/*.csv` with such an id gets the
reviewed label; the changes (id, label before, label after; no text) are appended to
`datasets/relabels/<task>.csv`, so that every relabelling stays auditable. Refuses ids that
name no span, labels outside the task's three, and spans relabelled twice.

Every check runs before anything is written: a refused review changes no file. Each changed
file is written to a temporary file beside it and renamed over it, so none is left half-written.

Usage: scripts/relabel.py --task accusation --reason narrated-acts REVIEW.labels.csv...
"""
import argparse
import csv
import glob
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VALUES = {
    "cooperation": {"cooperative", "adversarial", "neutral"},
    "accusation": {"accusation", "denial", "none"},
    "sentiment": {"positive", "negative", "neutral"},
}


def read_csv(path, needed):
    """The header and (line, row) pairs of a CSV file, `line` being where the row starts
    (right across quoted newlines and blank lines, as stancekit counts); exits naming the
    file when it cannot be read or lacks a column of `needed`."""
    try:
        # utf-8-sig: a byte order mark (as spreadsheets write) is not part of the first name.
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            rows = []
            end = reader.line_num
            for record in reader:
                start, end = end + 1, reader.line_num
                if not record:
                    continue
                if len(record) != len(header):
                    fields = f"{len(record)} field" + ("" if len(record) == 1 else "s")
                    sys.exit(f"{path}:{start}: row has {fields} but the header has {len(header)}")
                rows.append((start, dict(zip(header, record))))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        sys.exit(f"{path}: cannot read it: {error}")
    for column in needed:
        if column not in header:
            found = ", ".join(f"'{h}'" for h in header) or "none, the file is empty"
            sys.exit(f"{path}: no column '{column}' (columns found: {found}; needed: {', '.join(needed)})")
    return header, rows


def write_beside(path, write):
    """Writes a temporary file beside `path` with `write(file)`, synced, with the mode of
    `path` (or of a new file); returns its name, to be renamed over `path`."""
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".relabel-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        if os.path.exists(path):
            mode = os.stat(path).st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(temp, mode)
    except BaseException:
        os.unlink(temp)
        raise
    return temp


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", required=True, choices=sorted(VALUES))
    parser.add_argument("--reason", required=True, help="a short tag for the record, e.g. narrated-acts")
    parser.add_argument("reviews", nargs="+")
    args = parser.parse_args()
    task = args.task
    reviewed = {}  # id -> (label, where it was reviewed)
    for path in args.reviews:
        _, rows = read_csv(path, ["id", task])
        for line, row in rows:
            label = row[task]
            if label not in VALUES[task]:
                expected = ", ".join(sorted(VALUES[task]))
                sys.exit(f"{path}:{line}: '{label}' is not a label of {task} (expected one of: {expected})")
            if row["id"] in reviewed:
                sys.exit(f"{path}:{line}: {row['id']} reviewed twice (first at {reviewed[row['id']][1]})")
            reviewed[row["id"]] = (label, f"{path}:{line}")
    record_path = os.path.join(ROOT, "datasets", "relabels", f"{task}.csv")
    record_name = os.path.relpath(record_path, ROOT)
    done = set()
    if os.path.exists(record_path):
        done = {row["id"] for _, row in read_csv(record_path, ["id"])[1]}

    # Everything is checked before anything is written.
    changes = []
    found = set()
    changed_files = []  # (path, header, rows)
    for path in sorted(glob.glob(os.path.join(ROOT, "datasets", "news", "*.csv"))):
        header, rows = read_csv(path, ["dataset", "doc_id", "start", task])
        changed = False
        for _, row in rows:
            span_id = f"{row['dataset']}:{row['doc_id']}:{row['start']}"
            if span_id not in reviewed:
                continue
            found.add(span_id)
            after, where = reviewed[span_id]
            if after != row[task]:
                if span_id in done:
                    sys.exit(f"{where}: {span_id} was relabelled before ({record_name}); nothing changed")
                changes.append((span_id, row[task], after))
                row[task] = after
                changed = True
        if changed:
            changed_files.append((path, header, [row for _, row in rows]))
    missing = [span_id for span_id in reviewed if span_id not in found]
    if missing:
        first, where = missing[0], reviewed[missing[0]][1]
        counts = f"{len(missing)} of the {len(reviewed)} reviewed ids name none"
        sys.exit(f"{where}: {first} names no span ({counts}); nothing changed")

    def write_spans(header, rows):
        def write(f):
            writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

        return write

    def write_record(f):
        text = ""
        if os.path.exists(record_path):
            with open(record_path, newline="", encoding="utf-8") as old:
                text = old.read()
        # The record as it was, then the new rows (on a line of their own).
        f.write(text if not text or text.endswith("\n") else text + "\n")
        writer = csv.writer(f, lineterminator="\n")
        if not text:
            writer.writerow(["id", "before", "after", "reason"])
        writer.writerows([(span_id, before, after, args.reason) for span_id, before, after in changes])

    # Every new file is written whole beside its target first, then all are renamed:
    # a failure while writing leaves every file as it was.
    ready = []
    try:
        for path, header, rows in changed_files:
            ready.append((write_beside(path, write_spans(header, rows)), path))
        ready.append((write_beside(record_path, write_record), record_path))
    except BaseException:
        for temp, _ in ready:
            os.unlink(temp)
        raise
    for temp, path in ready:
        os.replace(temp, path)
    print(f"{len(reviewed)} spans reviewed, {len(changes)} relabelled; recorded in {record_name}")


if __name__ == "__main__":
    main()
