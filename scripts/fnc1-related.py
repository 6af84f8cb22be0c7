"""FNC-1's related stances as a train and a test CSV, for checking `train`'s defaults on
news of another kind than the benchmark sets (bench/README.md, the NB scale's 1).

Usage: python3 scripts/fnc1-related.py [../shared/datasets/fnc1] [target/fnc1]
Writes OUT/train.csv and OUT/test.csv (columns text,label) from stances.csv and
bodies.csv: the rows labelled agree, disagree or discuss (unrelated left out), text =
headline, ' ||| ', the first 1,500 characters of the body; the official split. Bodies
listed in reserved_documents.csv are left out. Nothing is written into the repository
(target/ is ignored). Then, e.g.:

    stancekit eval --data target/fnc1/train.csv --test-data target/fnc1/test.csv --calibration-folds 0
"""
import csv
import sys
from pathlib import Path

source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/fnc1")
out = Path(sys.argv[2] if len(sys.argv) > 2 else "target/fnc1")
reserved_path = source.parent / "reserved_documents.csv"
reserved = {r["doc_id"] for r in csv.DictReader(open(reserved_path, newline="")) if r["dataset"] == "fnc1"}
bodies = {r["body_id"]: r["body"] for r in csv.DictReader(open(source / "bodies.csv", newline="", encoding="utf-8"))}

out.mkdir(parents=True, exist_ok=True)
files = {split: open(out / f"{split}.csv", "w", newline="", encoding="utf-8") for split in ("train", "test")}
writers = {split: csv.writer(f) for split, f in files.items()}
for writer in writers.values():
    writer.writerow(["text", "label"])
counts = {split: 0 for split in files}
for row in csv.DictReader(open(source / "stances.csv", newline="", encoding="utf-8")):
    if row["body_id"] in reserved or row["label"] == "unrelated":
        continue
    writers[row["split"]].writerow([row["headline"] + " ||| " + bodies[row["body_id"]][:1500], row["label"]])
    counts[row["split"]] += 1
for f in files.values():
    f.close()
print(f"{out}: train {counts['train']} rows, test {counts['test']} rows")
