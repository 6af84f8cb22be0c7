"""VADER on Financial PhraseBank (agreement == 100): the reference figure next to
stancekit's sentiment model in models/README.md.

Usage: python scripts/vader-fpb.py [path to financial_phrasebank.csv]
Needs `pip install vaderSentiment`. Labels from VADER's compound score with its
authors' recommended thresholds: >= 0.05 positive, <= -0.05 negative, else neutral.
"""
import csv
import sys

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/financial_phrasebank/financial_phrasebank.csv"
rows = [r for r in csv.DictReader(open(path, newline="", encoding="utf-8")) if r["agreement"] == "100"]
analyzer = SentimentIntensityAnalyzer()


def label(text):
    c = analyzer.polarity_scores(text)["compound"]
    return "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral"


pred = [label(r["text"]) for r in rows]
gold = [r["label"] for r in rows]
labels = sorted(set(gold))
accuracy = sum(p == g for p, g in zip(pred, gold)) / len(gold)
f1s = []
for l in labels:
    tp = sum(p == l and g == l for p, g in zip(pred, gold))
    npred, ngold = pred.count(l), gold.count(l)
    prec = tp / npred if npred else 0.0
    rec = tp / ngold if ngold else 0.0
    f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
print(f"VADER on {len(rows)} rows: accuracy {accuracy:.4f}, macro-F1 {sum(f1s) / len(f1s):.4f}")
