"""Peer systems of the stancekit benchmark (issue 5), one whole process per call.

Every call is timed from outside as a whole process (interpreter start, imports, file
loading, training, prediction, writing), so each subcommand does all of its work itself:

  peers.py cv SYSTEM --data FOLDS.csv [--epochs N]
      10-fold cross-validation on the `fold` column (one fold per distinct value); prints
      one JSON object with accuracy_mean and macro_f1_mean over the folds.
  peers.py split SYSTEM --train TRAIN.csv --test TEST.csv [--epochs N]
      train on one file, test on the other; prints the same JSON object.
  peers.py train SYSTEM --data FILE.csv --model PATH [--epochs N]
      train on every row and save the model.
  peers.py predict SYSTEM --model PATH --input FILE.txt
      load the model, read one sentence per line, write one line per sentence to stdout
      ("label<TAB>probability of that label").
  peers.py tune-fasttext --data FOLDS.csv | --train TRAIN.csv
      choose fastText's epochs from {5, 10, 25} on a held-out tenth of the training part
      of the first fold (or of TRAIN.csv); prints {"epochs": N, "validation": {...}}.
      Untimed: the timed runs then use the chosen value.

Systems: sk-lr-liblinear, sk-lr-saga, sk-mnb, sk-nblr, fasttext, vw.
Only the libraries a system needs are imported, so fastText and Vowpal Wabbit runs do
not pay for importing scikit-learn.
"""

import argparse
import csv
import json
import os
import random
import re
import sys
import tempfile

csv.field_size_limit(1 << 30)

SYSTEMS = ["sk-lr-liblinear", "sk-lr-saga", "sk-mnb", "sk-nblr", "fasttext", "vw"]
SEED = 42
CHUNK = 20000  # sentences per batch when predicting


# ---------------------------------------------------------------- data and metrics


def read_csv(path):
    """Rows of a CSV with text and label columns (and fold when present)."""
    texts, labels, folds = [], [], []
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"])
            labels.append(row["label"])
            folds.append(row.get("fold"))
    return texts, labels, folds


def metrics(gold, pred, classes):
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred)) / n if n else 0.0
    f1s = []
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return acc, sum(f1s) / len(f1s)


TOKEN = re.compile(r"\w+|[^\w\s]")


def tokens(text):
    """Lower-cased word and punctuation tokens (for fastText and Vowpal Wabbit, which
    take whitespace-separated tokens; scikit-learn uses its own default analyzer)."""
    return TOKEN.findall(text.lower())


# ---------------------------------------------------------------- scikit-learn systems


class Sklearn:
    """tf-idf + LR (liblinear / saga), counts + MultinomialNB, NB-weighted binary
    counts + LR (NBSVM-style). Library defaults (C = 1, alpha = 1, min_df = 1, the
    default analyzer) except the n-gram range and liblinear's dual formulation."""

    def __init__(self, name, epochs=None):
        self.name = name

    def fit(self, texts, labels):
        import warnings

        import numpy as np
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.naive_bayes import MultinomialNB

        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        warnings.filterwarnings("ignore", category=FutureWarning)
        self.classes = sorted(set(labels))
        y = np.array([self.classes.index(l) for l in labels])
        if self.name in ("sk-lr-liblinear", "sk-lr-saga"):
            self.vec = TfidfVectorizer(ngram_range=(1, 2))
            X = self.vec.fit_transform(texts)
            solver = self.name.rsplit("-", 1)[1]
            # liblinear: dual=True solves the same L2 problem, ~8x faster here, where
            # n-grams far outnumber rows (as scikit-learn's documentation advises)
            kw = {"dual": True} if solver == "liblinear" else {}
            clf = LogisticRegression(solver=solver, random_state=SEED, **kw)
            if solver == "liblinear" and len(self.classes) > 2:
                # liblinear is binary only; one-vs-rest is what it always did for k > 2
                from sklearn.multiclass import OneVsRestClassifier

                clf = OneVsRestClassifier(clf)
            self.clfs = [clf.fit(X, y)]
        elif self.name == "sk-mnb":
            self.vec = CountVectorizer(ngram_range=(1, 2))
            X = self.vec.fit_transform(texts)
            self.clfs = [MultinomialNB().fit(X, y)]
        elif self.name == "sk-nblr":
            # Wang & Manning 2012: binarised counts x scaled by the log-count ratio
            # r = log((p / |p|_1) / (q / |q|_1)), p = alpha + sum of x over the positive
            # class, q over the rest (alpha = 1); one binary model per class when k > 2.
            self.vec = CountVectorizer(ngram_range=(1, 2), binary=True)
            X = self.vec.fit_transform(texts).tocsr()
            targets = [1] if len(self.classes) == 2 else range(len(self.classes))
            self.rs, self.clfs = [], []
            for c in targets:
                pos = y == c
                p = 1.0 + np.asarray(X[pos].sum(axis=0)).ravel()
                q = 1.0 + np.asarray(X[~pos].sum(axis=0)).ravel()
                r = np.log((p / p.sum()) / (q / q.sum()))
                self.rs.append(r)
                clf = LogisticRegression(solver="liblinear", dual=True, random_state=SEED)
                self.clfs.append(clf.fit(X.multiply(r).tocsr(), pos.astype(int)))
        else:
            raise SystemExit(f"unknown system {self.name}")
        return self

    def scores(self, texts):
        """Class probabilities, shape (n, k)."""
        import numpy as np

        X = self.vec.transform(texts)
        if self.name != "sk-nblr":
            return self.clfs[0].predict_proba(X)
        X = X.tocsr()
        cols = [clf.predict_proba(X.multiply(r).tocsr())[:, 1] for r, clf in zip(self.rs, self.clfs)]
        if len(self.classes) == 2:
            return np.column_stack([1.0 - cols[0], cols[0]])
        s = np.column_stack(cols)
        return s / s.sum(axis=1, keepdims=True)

    def predict(self, texts):
        s = self.scores(texts)
        return [self.classes[i] for i in s.argmax(axis=1)]

    def predict_lines(self, lines, out):
        s = self.scores(lines)
        best = s.argmax(axis=1)
        top = s[range(len(lines)), best]
        out.write("".join(f"{self.classes[b]}\t{p:.4f}\n" for b, p in zip(best, top)))

    def save(self, path):
        import pickle

        with open(path, "wb") as f:
            pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)


# ---------------------------------------------------------------- fastText


class FastText:
    """fastText supervised, wordNgrams 2, otherwise library defaults (dim 100, lr 0.1,
    bucket 2M, softmax loss), 2 threads (the machine's cores), epochs given."""

    def __init__(self, name, epochs=None):
        self.epochs = epochs or 5

    def fit(self, texts, labels):
        import fasttext

        self.classes = sorted(set(labels))
        # fastText reads the file in order: rows sorted by label (as in mr.csv) would
        # make SGD see one class after the other, so they are shuffled (seeded) first
        order = list(range(len(texts)))
        random.Random(SEED).shuffle(order)
        fd, path = tempfile.mkstemp(suffix=".txt", dir=os.environ.get("BENCH_TMP"))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for i in order:
                    f.write(f"__label__{labels[i]} {' '.join(tokens(texts[i]))}\n")
            self.model = fasttext.train_supervised(
                input=path, epoch=self.epochs, wordNgrams=2, thread=2, seed=SEED, verbose=0
            )
        finally:
            os.unlink(path)
        return self

    def predict(self, texts):
        labels, _ = self.model.predict([" ".join(tokens(t)) for t in texts], k=1)
        return [l[0][len("__label__"):] for l in labels]

    def predict_lines(self, lines, out):
        labels, probs = self.model.predict([" ".join(tokens(t)) for t in lines], k=1)
        out.write("".join(f"{l[0][9:]}\t{p[0]:.4f}\n" for l, p in zip(labels, probs)))

    def save(self, path):
        self.model.save_model(path)

    @classmethod
    def load(cls, path):
        import fasttext

        self = cls("fasttext")
        self.model = fasttext.load_model(path)
        return self


# ---------------------------------------------------------------- Vowpal Wabbit


class Vw:
    """Vowpal Wabbit through its Python bindings: bigrams (--ngram 2), 2^22 hashed
    features, logistic loss for two classes, --oaa k for more; PASSES passes over the
    training rows in a seeded shuffled order, otherwise library defaults."""

    PASSES = 5

    def __init__(self, name, epochs=None):
        pass

    @staticmethod
    def features(text):
        return "|w " + " ".join(t for t in tokens(text) if t not in (":", "|"))

    def _args(self):
        base = "--quiet --ngram 2 -b 22 --random_seed 42"
        if len(self.classes) == 2:
            return base + " --loss_function logistic --link logistic"
        return base + f" --oaa {len(self.classes)}"

    def fit(self, texts, labels):
        import vowpalwabbit

        self.classes = sorted(set(labels))
        self.ws = vowpalwabbit.Workspace(self._args())
        binary = len(self.classes) == 2
        rows = []
        for t, l in zip(texts, labels):
            i = self.classes.index(l)
            y = (1 if i == 1 else -1) if binary else i + 1
            rows.append(f"{y} {self.features(t)}")
        rng = random.Random(SEED)
        for _ in range(self.PASSES):
            rng.shuffle(rows)
            for r in rows:
                self.ws.learn(r)
        return self

    def _predict_one(self, text):
        p = self.ws.predict(self.features(text))
        if len(self.classes) == 2:
            return (1, p) if p >= 0.5 else (0, 1.0 - p)
        return int(p) - 1, 1.0

    def predict(self, texts):
        return [self.classes[self._predict_one(t)[0]] for t in texts]

    def predict_lines(self, lines, out):
        parts = []
        for t in lines:
            i, p = self._predict_one(t)
            parts.append(f"{self.classes[i]}\t{p:.4f}\n")
        out.write("".join(parts))

    def save(self, path):
        self.ws.save(path)
        with open(path + ".labels", "w") as f:
            json.dump(self.classes, f)

    @classmethod
    def load(cls, path):
        import vowpalwabbit

        self = cls("vw")
        with open(path + ".labels") as f:
            self.classes = json.load(f)
        self.ws = vowpalwabbit.Workspace(self._args() + f" -i {path} -t")
        return self


def make(name, epochs=None):
    if name.startswith("sk-"):
        return Sklearn(name, epochs)
    if name == "fasttext":
        return FastText(name, epochs)
    if name == "vw":
        return Vw(name, epochs)
    raise SystemExit(f"unknown system {name}; one of {', '.join(SYSTEMS)}")


def load(name, path):
    if name.startswith("sk-"):
        import pickle

        with open(path, "rb") as f:
            return pickle.load(f)
    if name == "fasttext":
        return FastText.load(path)
    return Vw.load(path)


# ---------------------------------------------------------------- commands


def cmd_cv(a):
    texts, labels, folds = read_csv(a.data)
    classes = sorted(set(labels))
    accs, f1s = [], []
    for k in sorted(set(folds), key=lambda v: int(v)):
        tr = [i for i, f in enumerate(folds) if f != k]
        te = [i for i, f in enumerate(folds) if f == k]
        m = make(a.system, a.epochs).fit([texts[i] for i in tr], [labels[i] for i in tr])
        pred = m.predict([texts[i] for i in te])
        acc, f1 = metrics([labels[i] for i in te], pred, classes)
        accs.append(acc)
        f1s.append(f1)
    print(json.dumps({"accuracy_mean": sum(accs) / len(accs), "macro_f1_mean": sum(f1s) / len(f1s),
                      "folds": len(accs), "fold_accuracy": accs}))


def cmd_split(a):
    tr_t, tr_l, _ = read_csv(a.train)
    te_t, te_l, _ = read_csv(a.test)
    m = make(a.system, a.epochs).fit(tr_t, tr_l)
    acc, f1 = metrics(te_l, m.predict(te_t), sorted(set(tr_l) | set(te_l)))
    print(json.dumps({"accuracy_mean": acc, "macro_f1_mean": f1, "folds": 1}))


def cmd_train(a):
    texts, labels, _ = read_csv(a.data)
    make(a.system, a.epochs).fit(texts, labels).save(a.model)


def cmd_predict(a):
    m = load(a.system, a.model)
    out = sys.stdout
    n = 0
    with open(a.input, encoding="utf-8") as f:
        batch = []
        for line in f:
            batch.append(line.rstrip("\n"))
            if len(batch) == CHUNK:
                m.predict_lines(batch, out)
                n += len(batch)
                batch = []
        if batch:
            m.predict_lines(batch, out)
            n += len(batch)
    out.flush()
    print(json.dumps({"sentences": n}), file=sys.stderr)


def cmd_tune_fasttext(a):
    if a.train:
        texts, labels, _ = read_csv(a.train)
    else:
        t, l, folds = read_csv(a.data)
        first = min(set(folds), key=lambda v: int(v))
        texts = [x for x, f in zip(t, folds) if f != first]
        labels = [x for x, f in zip(l, folds) if f != first]
    # a stratified tenth of the training part is held out for validation
    rng = random.Random(SEED)
    held = set()
    for c in sorted(set(labels)):
        idx = [i for i, l in enumerate(labels) if l == c]
        rng.shuffle(idx)
        held.update(idx[: max(1, len(idx) // 10)])
    tr = [i for i in range(len(texts)) if i not in held]
    va = sorted(held)
    classes = sorted(set(labels))
    scores = {}
    for e in (5, 10, 25):
        m = FastText("fasttext", e).fit([texts[i] for i in tr], [labels[i] for i in tr])
        scores[e] = metrics([labels[i] for i in va], m.predict([texts[i] for i in va]), classes)[0]
    best = max(scores, key=lambda e: (scores[e], -e))
    print(json.dumps({"epochs": best, "validation_accuracy": scores}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("cv", "split", "train", "predict"):
        s = sub.add_parser(name)
        s.add_argument("system", choices=SYSTEMS)
        s.add_argument("--epochs", type=int)
        if name in ("cv", "train"):
            s.add_argument("--data", required=True)
        if name == "split":
            s.add_argument("--train", required=True)
            s.add_argument("--test", required=True)
        if name in ("train", "predict"):
            s.add_argument("--model", required=True)
        if name == "predict":
            s.add_argument("--input", required=True)
    s = sub.add_parser("tune-fasttext")
    g = s.add_mutually_exclusive_group(required=True)
    g.add_argument("--data")
    g.add_argument("--train")
    a = p.parse_args()
    {"cv": cmd_cv, "split": cmd_split, "train": cmd_train, "predict": cmd_predict,
     "tune-fasttext": cmd_tune_fasttext}[a.cmd](a)


if __name__ == "__main__":
    main()
