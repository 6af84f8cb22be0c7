#!/usr/bin/env python3
"""How far two labellers agree on our real-news dev labels: blind second labellings of
300 dev sentences of labelling rounds 1 to 4 (datasets/agreement/dev_second_labels.csv) and
of 300 of rounds 5 to 7 (rounds_5_to_7_second_labels.csv), span ids and labels only, against
the stored labels of the same sentences. Prints, per task, the share of equal
labels, Cohen's kappa and the macro-F1 of the second labelling scored against the first
(a ceiling for what a model can be expected to reach), and writes each set's rows with their
stored labels to target/data/agreement_dev*.csv, so a model can be scored on the same rows:

    stancekit eval --model target/holdout/TASK.json --data target/data/agreement_dev.csv --label-column TASK

(the held-out models: the shipped ones in models/ were trained on dev, these rows included).

Usage: scripts/measure-agreement.py (after scripts/build-models.sh, which writes
target/data/news_dev.csv). Standard library only.
"""
import csv
import os
import sys
from collections import Counter

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TASKS = ("cooperation", "accusation", "sentiment")


def kappa(first, second):
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second)) / n
    ca, cb = Counter(first), Counter(second)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return observed, (observed - expected) / (1 - expected)


def macro_f1(truth, predicted):
    scores = []
    for label in sorted(set(truth) | set(predicted)):
        tp = sum(t == label and p == label for t, p in zip(truth, predicted))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def measure(name, dev, dev_path, out_name):
    """Prints the agreement of one second labelling and writes its rows with the stored labels."""
    with open(os.path.join(ROOT, "datasets", "agreement", name), newline="", encoding="utf-8") as f:
        second = list(csv.DictReader(f))
    missing = [row["id"] for row in second if row["id"] not in dev]
    if missing:
        sys.exit(f"{len(missing)} second-labelled sentences are not in {dev_path}, e.g. {missing[0]}")
    print(f"{name}: {len(second)} dev sentences labelled twice (blind)")
    print("task         agreement  kappa   macro-F1 of the second labelling against the first")
    for task in TASKS:
        first = [dev[row["id"]][task] for row in second]
        other = [row[task] for row in second]
        observed, k = kappa(first, other)
        print(f"{task:<12} {observed:9.3f}  {k:5.3f}   {macro_f1(first, other):.3f}")
    out_path = os.path.join(ROOT, "target", "data", out_name)
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=["id", "text", *TASKS])
        writer.writeheader()
        for row in second:
            stored = dev[row["id"]]
            writer.writerow({"id": row["id"], "text": stored["text"], **{t: stored[t] for t in TASKS}})
    print(f"the same rows with their stored labels -> {out_path}")


def main():
    dev_path = os.path.join(ROOT, "target", "data", "news_dev.csv")
    if not os.path.exists(dev_path):
        sys.exit(f"{dev_path} is missing: run scripts/build-models.sh first")
    with open(dev_path, newline="", encoding="utf-8") as f:
        dev = {row["id"]: row for row in csv.DictReader(f)}
    # 300 random dev sentences of labelling rounds 1 to 4, then 300 of rounds 5 to 7.
    measure("dev_second_labels.csv", dev, dev_path, "agreement_dev.csv")
    measure("rounds_5_to_7_second_labels.csv", dev, dev_path, "agreement_dev_rounds_5_to_7.csv")


if __name__ == "__main__":
    main()
