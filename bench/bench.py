"""stancekit against its peers (issue 5): same data, same folds, same run, one table.

Run through bench/run.sh, which sets up the virtual environment and builds stancekit.
Every timed measurement is one whole process (start-up, imports, file loading, work,
output), timed by wall clock from here; its peak RSS comes from GNU time (%M) wrapped
around that child. Timed runs are repeated (--reps, default 3) and medians are quoted; the
repetitions are interleaved (all runs once, then all again) so a burst of load from
elsewhere on the shared machine does not fall on one system only. Accuracy and macro-F1
come from the first repetition.
"""

import argparse
import datetime
import hashlib
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# scratch: bench/.cache unless BENCH_CACHE says otherwise (it is rebuilt when missing)
CACHE = os.environ.get("BENCH_CACHE") or os.path.join(HERE, ".cache")
DATASETS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "datasets"))
PY = sys.executable
PEERS = os.path.join(HERE, "peers.py")
TIME = "/usr/bin/time"  # GNU time

# (key, label in the table, kind, options)
SYSTEMS = [
    ("stancekit", "stancekit (defaults)", "stancekit", []),
    ("stancekit-binary", "stancekit --weighting binary", "stancekit", ["--weighting", "binary"]),
    ("sk-lr-liblinear", "sklearn tf-idf + LR liblinear", "peer", []),
    ("sk-lr-saga", "sklearn tf-idf + LR saga", "peer", []),
    ("sk-mnb", "sklearn counts + MultinomialNB", "peer", []),
    ("sk-nblr", "sklearn NB-weighted LR (NBSVM-style)", "peer", []),
    ("fasttext", "fastText (wordNgrams 2)", "peer", []),
    ("vw", "Vowpal Wabbit (ngram 2)", "peer", []),
]
CV_SETS = ["mr", "cr", "subj", "mpqa", "financial_phrasebank"]
SPLIT_SETS = ["emergent"]
PUBLISHED_NBSVM_BI = {"mr": 0.794, "cr": 0.818, "subj": 0.932, "mpqa": 0.863}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run(cmd, stdout=None, cwd=None):
    """Run one process under /usr/bin/time; wall seconds (measured here), peak RSS in MB
    (GNU time's %M: the child's maxrss, which also covers the children it waited for),
    stdout (when stdout is None) and stderr. GNU time is used rather than this process's
    own wait4: a child forked from a large Python process inherits the parent's RSS in
    its maxrss figure, while time's own footprint is about 2 MB."""
    env = dict(os.environ, BENCH_TMP=os.path.join(CACHE, "tmp"))
    with tempfile.TemporaryFile() as out_tmp, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        out = out_tmp if stdout is None else open(stdout, "wb")
        try:
            t0 = time.perf_counter()
            p = subprocess.run([TIME, "-f", "%M", "-o", tf.name, *cmd], stdout=out, stderr=err,
                               stdin=subprocess.DEVNULL, cwd=cwd, env=env)
            wall = time.perf_counter() - t0
        finally:
            if stdout is not None:
                out.close()
        text = ""
        if stdout is None:
            out_tmp.seek(0)
            text = out_tmp.read().decode("utf-8", "replace")
        err.seek(0)
        errtext = err.read().decode("utf-8", "replace")
        tf.seek(0)
        timed = tf.read().split()
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{errtext[-2000:]}")
    return {"wall": wall, "rss_mb": int(timed[-1]) / 1024, "stdout": text, "stderr": errtext}


def stancekit_metrics(stdout, folds):
    for line in stdout.splitlines():
        if '"type":"metrics"' in line.replace(" ", ""):
            m = json.loads(line)
            if folds:
                return m["accuracy_mean"], m["macro_f1_mean"]
            return m["accuracy"], m["macro_f1"]
    raise RuntimeError("no metrics line in stancekit output")


def count_lines(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 24)
            if not b:
                return n
            n += b.count(b"\n")


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    versions = {}
    for pkg in ("scikit-learn", "numpy", "scipy", "fasttext-numpy2-wheel", "vowpalwabbit"):
        try:
            versions[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": versions,
    }


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def median(xs):
    return statistics.median(xs) if xs else None


# ---------------------------------------------------------------- the table


def fmt(x, spec):
    return "" if x is None else format(x, spec)


def table(rows):
    head = ["dataset", "system", "accuracy", "macro-F1", "train s", "train ×", "train RSS MB",
            "predict sent/s", "predict ×", "predict RSS MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [
            r["dataset"], r["label"], fmt(r.get("accuracy"), ".4f"), fmt(r.get("macro_f1"), ".4f"),
            fmt(r.get("train_s"), ".2f"), fmt(r.get("train_ratio"), ".2f"), fmt(r.get("train_rss_mb"), ".0f"),
            fmt(r.get("predict_sps"), ",.0f"), fmt(r.get("predict_ratio"), ".2f"),
            fmt(r.get("predict_rss_mb"), ".0f"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stancekit", required=True, help="the stancekit binary to measure (run.sh gives it)")
    ap.add_argument("--quick", action="store_true", help="mr only, 1 repetition, 20 MB slice only")
    ap.add_argument("--reps", type=int, default=3, help="timed repetitions of each measurement; medians are quoted")
    ap.add_argument("--corpus-mb", type=int, default=200,
                    help="size of the throughput corpus stancekit predicts, in MB")
    ap.add_argument("--slice-mb", type=int, default=20,
                    help="size of its first slice, which every system predicts (the peers only that), in MB")
    ap.add_argument("--gigabyte", action="store_true",
                    help="also feed stancekit predict the corpus 5 times (~1 GB) on stdin, once, "
                         "to compare its peak RSS with the 200 MB run (~4 min more)")
    ap.add_argument("--systems", help="comma-separated subset of: " + ", ".join(k for k, *_ in SYSTEMS)
                    + " (stancekit is always run; for checks, not for the published table)")
    ap.add_argument("--resume", action="store_true",
                    help="reuse the measurements of an interrupted run with the same stancekit binary "
                         "and options (kept in the cache as measurements.jsonl)")
    ap.add_argument("--out", help="JSON output (default results/latest.json, or results/quick.json)")
    a = ap.parse_args()
    # After parsing: prepare needs numpy, and --help must run without the bench's venv.
    import prepare

    if a.quick:
        a.reps = 1
    if a.systems:
        keep = set(a.systems.split(",")) | {"stancekit"}
        SYSTEMS[:] = [s for s in SYSTEMS if s[0] in keep]
    cv_sets = ["mr"] if a.quick else CV_SETS
    split_sets = [] if a.quick else SPLIT_SETS
    out_json = a.out or os.path.join(HERE, "results", "quick.json" if a.quick else "latest.json")
    sk = os.path.abspath(a.stancekit)
    for d in ("data", "models", "tmp", "out"):
        os.makedirs(os.path.join(CACHE, d), exist_ok=True)
    started = time.time()
    load_start = loadavg()
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "stancekit": {"path": sk, "sha256": sha256(sk),
                      "version": subprocess.run([sk, "--version"], capture_output=True, text=True).stdout.strip()},
        "reps": a.reps,
        "quick": a.quick,
        "loadavg_start": load_start,
    }
    # every finished measurement is appended to a checkpoint, so --resume can go on
    # after an interruption without measuring again what was measured
    ckpt_path = os.path.join(CACHE, "measurements.jsonl")
    run_id = {"stancekit": info["stancekit"]["sha256"], "peers": sha256(PEERS), "reps": a.reps,
              "quick": a.quick, "corpus_mb": a.corpus_mb, "slice_mb": a.slice_mb,
              "systems": [k for k, *_ in SYSTEMS]}
    done = {}
    if a.resume and os.path.exists(ckpt_path):
        with open(ckpt_path) as f:
            for line in f:
                rec = json.loads(line)
                if rec.get("run") == run_id:
                    done[tuple(rec["key"])] = rec["value"]
        log(f"resuming: {len(done)} measurements reused from {ckpt_path}")
    elif os.path.exists(ckpt_path):
        os.unlink(ckpt_path)

    def measured(key, fn):
        key = tuple(str(k) for k in key)
        if key in done:
            return done[key]
        value = fn()
        with open(ckpt_path, "a") as f:
            f.write(json.dumps({"run": run_id, "key": key, "value": value}) + "\n")
        return value

    log(f"machine: {info['machine']['nproc']} cores, {info['machine']['cpu']}, "
        f"{info['machine']['memory_gib']} GiB; load average {load_start}")

    # ---- data
    data = {}
    for name in cv_sets:
        src = os.path.join(DATASETS, prepare.FOLD_SETS[name])
        dst = os.path.join(CACHE, "data", f"{name}.csv")
        data[name] = {"kind": "cv", "path": dst, **prepare.write_fold_csv(src, dst)}
    for name in split_sets:
        tr = os.path.join(CACHE, "data", f"{name}_train.csv")
        te = os.path.join(CACHE, "data", f"{name}_test.csv")
        counts = prepare.write_emergent(os.path.join(DATASETS, "emergent/emergent.csv"), tr, te)
        data[name] = {"kind": "split", "train": tr, "test": te, **counts}
    corpus = prepare.write_corpus(DATASETS, os.path.join(CACHE, "throughput.txt"),
                                  os.path.join(CACHE, "throughput_slice.txt"), a.corpus_mb, a.slice_mb)
    log(f"throughput corpus: {corpus['corpus']['bytes'] / 1e6:.0f} MB, {corpus['corpus']['sentences']:,} "
        f"sentences ({corpus['unique_sentences']:,} unique x {corpus['repeats']}); slice "
        f"{corpus['slice']['bytes'] / 1e6:.0f} MB, {corpus['slice']['sentences']:,} sentences")

    # ---- fastText epochs: chosen once per dataset, untimed, on a held-out tenth of the
    # training part of the first fold (of the official train split for emergent)
    epochs = {}
    for name, d in data.items():
        arg = ["--data", d["path"]] if d["kind"] == "cv" else ["--train", d["train"]]
        r = measured(("tune", name), lambda: json.loads(run([PY, PEERS, "tune-fasttext", *arg])["stdout"]))
        epochs[name] = r
        log(f"fastText epochs on {name}: {r['epochs']} (validation accuracy {r['validation_accuracy']})")

    # ---- training / accuracy runs
    def cmds(key, kind, opts, name, d):
        """The commands of one system's whole run on one dataset (one process)."""
        if kind == "stancekit":
            if d["kind"] == "cv":
                return [[sk, "eval", "--data", d["path"], "--folds", "10", "--group-column", "fold",
                         "--format", "json", "--quiet", *opts]]
            # train on the official train split and test on its test split, in one process;
            # without calibration, which changes no label and which no peer does (five
            # more fits)
            return [[sk, "eval", "--data", d["train"], "--test-data", d["test"], "--format", "json", "--quiet",
                     "--calibration-folds", "0", *opts]]
        ep = ["--epochs", str(epochs[name]["epochs"])] if key == "fasttext" else []
        if d["kind"] == "cv":
            return [[PY, PEERS, "cv", key, "--data", d["path"], *ep]]
        return [[PY, PEERS, "split", key, "--train", d["train"], "--test", d["test"], *ep]]

    results = {}  # (dataset, key) -> dict
    loads = []
    for rep in range(a.reps):
        loads.append({"rep": rep + 1, "phase": "train", "loadavg": loadavg()})
        for name, d in data.items():
            for key, label, kind, opts in SYSTEMS:
                def one_run():
                    wall, rss, stdout = 0.0, 0.0, ""
                    for c in cmds(key, kind, opts, name, d):
                        r = run(c)
                        wall += r["wall"]
                        rss = max(rss, r["rss_mb"])
                        stdout = r["stdout"]
                    if kind == "stancekit":
                        acc, f1 = stancekit_metrics(stdout, d["kind"] == "cv")
                    else:
                        m = json.loads(stdout)
                        acc, f1 = m["accuracy_mean"], m["macro_f1_mean"]
                    return {"wall": wall, "rss": rss, "accuracy": acc, "macro_f1": f1}

                m = measured(("train", rep, name, key), one_run)
                wall, rss = m["wall"], m["rss"]
                res = results.setdefault((name, key), {"walls": [], "rss": []})
                res["walls"].append(wall)
                res["rss"].append(rss)
                if rep == 0:
                    res["accuracy"], res["macro_f1"] = m["accuracy"], m["macro_f1"]
                log(f"[{time.time() - started:6.0f}s] rep {rep + 1}/{a.reps} {name:20s} {key:16s} "
                    f"{wall:7.2f}s {rss:6.0f} MB acc {res['accuracy']:.4f}")

    # ---- throughput: one model per system trained on all of mr (untimed), then
    # `predict` over the corpus as whole processes, one output line per sentence
    mr_csv = data["mr"]["path"]
    models = {}
    for key, label, kind, opts in SYSTEMS:
        if kind == "stancekit":
            models[key] = os.path.join(CACHE, "models", f"{key}-mr.json")
            run([sk, "train", "--data", mr_csv, "--out", models[key], "--quiet", *opts])
        else:
            models[key] = os.path.join(CACHE, "models", f"{key}-mr.model")
            ep = ["--epochs", str(epochs["mr"]["epochs"])] if key == "fasttext" else []
            run([PY, PEERS, "train", key, "--data", mr_csv, "--model", models[key], *ep])

    def predict_cmd(key, kind, path):
        if kind == "stancekit":
            return [sk, "predict", "--model", models[key], "--format", "json", "--input-format", "lines", path]
        return [PY, PEERS, "predict", key, "--model", models[key], "--input", path]

    inputs = [("slice", corpus["slice"])]
    if not a.quick:
        inputs.append(("corpus", corpus["corpus"]))
    tput = {}
    for rep in range(a.reps):
        loads.append({"rep": rep + 1, "phase": "predict", "loadavg": loadavg()})
        for which, inp in inputs:
            for key, label, kind, opts in SYSTEMS:
                if which == "corpus" and key != "stancekit":
                    continue  # peers: the slice only (time budget)
                def one_predict():
                    outp = os.path.join(CACHE, "out", f"{key}-{which}.out")
                    r = run(predict_cmd(key, kind, inp["path"]), stdout=outp)
                    lines = count_lines(outp)
                    os.unlink(outp)
                    if lines != inp["sentences"]:
                        raise RuntimeError(f"{key} wrote {lines} lines for {inp['sentences']} sentences")
                    return {"wall": r["wall"], "rss_mb": r["rss_mb"]}

                r = measured(("predict", rep, which, key), one_predict)
                t = tput.setdefault((which, key), {"walls": [], "rss": [], "sentences": inp["sentences"],
                                                   "bytes": inp["bytes"]})
                t["walls"].append(r["wall"])
                t["rss"].append(r["rss_mb"])
                log(f"[{time.time() - started:6.0f}s] rep {rep + 1}/{a.reps} predict {which:6s} {key:16s} "
                    f"{r['wall']:7.2f}s {inp['sentences'] / r['wall']:10,.0f} sent/s {r['rss_mb']:6.0f} MB")

    # ---- model loading: a one-sentence predict as a whole process (an upper bound on
    # loading: it includes process start, reading the line and writing the result)
    one = os.path.join(CACHE, "tmp", "one.txt")
    with open(one, "w") as f:
        f.write("The minister praised the agreement.\n")
    repo = os.path.dirname(HERE)
    shipped = sorted(os.path.join(repo, "models", m) for m in os.listdir(os.path.join(repo, "models"))
                     if m.endswith(".json"))
    load = {}
    for name, model_args in (("shipped models (3)", sum([["--model", m] for m in shipped], [])),
                             ("mr model", ["--model", models["stancekit"]])):
        walls = [run([sk, "predict", *model_args, "--format", "json", "--input-format", "lines", one])["wall"]
                 for _ in range(5)]
        load[name] = {"walls": walls, "median_ms": 1000 * median(walls)}
        log(f"one-sentence predict with {name}: median {1000 * median(walls):.1f} ms")

    # ---- optional: peak RSS on ~1 GB of input through stdin, against ~200 MB
    memory = None
    if a.gigabyte and not a.quick:
        memory = {}
        for times in (1, 5):
            shell = (f"for i in $(seq {times}); do cat {corpus['corpus']['path']}; done | "
                     f"{sk} predict --model {models['stancekit']} --format json --input-format lines - > /dev/null")
            r = run(["bash", "-c", shell])
            memory[f"{times * corpus['corpus']['bytes'] / 1e6:.0f} MB"] = {
                "wall": r["wall"], "rss_mb": r["rss_mb"], "sentences": times * corpus["corpus"]["sentences"]}
            log(f"stdin {times}x corpus: {r['wall']:.1f}s, peak RSS {r['rss_mb']:.1f} MB")

    # ---- rows
    rows = []
    for name, d in data.items():
        base = results[(name, "stancekit")]
        base_t = median(base["walls"])
        for key, label, kind, opts in SYSTEMS:
            res = results[(name, key)]
            t = median(res["walls"])
            rows.append({
                "dataset": name if d["kind"] == "cv" else f"{name} (official split)",
                "system": key, "label": label,
                "accuracy": res["accuracy"], "macro_f1": res["macro_f1"],
                "train_s": t, "train_walls": res["walls"], "train_rss_mb": median(res["rss"]),
                "train_ratio": None if kind == "stancekit" else t / base_t,
                "fasttext_epochs": epochs[name]["epochs"] if key == "fasttext" else None,
            })
    for which, inp in inputs:
        base = tput.get((which, "stancekit"))
        base_sps = inp["sentences"] / median(base["walls"])
        for key, label, kind, opts in SYSTEMS:
            t = tput.get((which, key))
            if t is None:
                continue
            sps = t["sentences"] / median(t["walls"])
            rows.append({
                "dataset": f"news {t['bytes'] / 1e6:.0f} MB, mr model",
                "system": key, "label": label,
                "predict_sps": sps, "predict_walls": t["walls"], "predict_rss_mb": median(t["rss"]),
                "predict_ratio": None if kind == "stancekit" else base_sps / sps,
                "sentences": t["sentences"], "bytes": t["bytes"],
            })

    # ---- targets of issue 5
    targets = []
    for name, d in data.items():
        r = {x["system"]: x for x in rows if x["dataset"].split(" ")[0] == name and "accuracy" in x}
        peers = {k: v for k, v in r.items() if not k.startswith("stancekit")}
        if not peers:  # --systems without a peer (a check of stancekit alone): nothing to compare
            continue
        best = max(peers.values(), key=lambda x: x["accuracy"])
        fastest = min(peers.values(), key=lambda x: x["train_s"])
        ours = r["stancekit"]
        targets.append({"target": f"accuracy on {name} >= best peer", "measured": ours["accuracy"],
                        "goal": best["accuracy"], "detail": best["label"],
                        "met": ours["accuracy"] >= best["accuracy"]})
        if name in PUBLISHED_NBSVM_BI:
            targets.append({"target": f"accuracy on {name} >= published NBSVM-bi",
                            "measured": ours["accuracy"], "goal": PUBLISHED_NBSVM_BI[name],
                            "met": ours["accuracy"] >= PUBLISHED_NBSVM_BI[name]})
        ratio = fastest["train_s"] / ours["train_s"]
        targets.append({"target": f"whole run on {name} >= 10x faster than the fastest peer",
                        "measured": ratio, "goal": 10, "detail": fastest["label"], "met": ratio >= 10})
    full = next((x for x in rows if x.get("bytes") == corpus["corpus"]["bytes"] and x["system"] == "stancekit"), None)
    if full:
        targets.append({"target": "predict >= 1,000,000 sentences/s (200 MB corpus)",
                        "measured": full["predict_sps"], "goal": 1e6, "met": full["predict_sps"] >= 1e6})
    ft = next((x for x in rows if x.get("bytes") == corpus["slice"]["bytes"] and x["system"] == "fasttext"), None)
    if ft:
        targets.append({"target": "predict >= 5x fastText's throughput (same slice)",
                        "measured": ft["predict_ratio"], "goal": 5, "met": ft["predict_ratio"] >= 5})
    if memory:
        small, big = list(memory.values())
        targets.append({"target": "predict peak RSS does not grow with input (200 MB vs 1 GB)",
                        "measured": [small["rss_mb"], big["rss_mb"]],
                        "met": big["rss_mb"] <= small["rss_mb"] * 1.1 + 5})
    targets.append({"target": "model loading < 10 ms (whole one-sentence predict, shipped models)",
                    "measured": load["shipped models (3)"]["median_ms"], "goal": 10,
                    "met": load["shipped models (3)"]["median_ms"] < 10})

    info.update({
        "elapsed_s": time.time() - started,
        "loadavg_end": loadavg(),
        "loadavg_per_rep": loads,
        "datasets": {k: {kk: vv for kk, vv in v.items() if kk not in ("path", "train", "test")}
                     for k, v in data.items()},
        "corpus": {k: v for k, v in corpus.items() if k != "want"},
        "fasttext_epochs": epochs,
        "rows": rows,
        "one_sentence_predict": load,
        "memory_stdin": memory,
        "targets": targets,
    })
    md = table(rows)
    info["table_markdown"] = md
    os.makedirs(os.path.dirname(out_json), exist_ok=True)
    tmp = out_json + ".tmp"
    with open(tmp, "w") as f:
        json.dump(info, f, indent=1)
    os.replace(tmp, out_json)

    print(md)
    print()
    print(f"train s: median of {a.reps} whole-process wall times of the 10-fold run (emergent: train + test "
          f"on the official split); train × = peer time / stancekit time (> 1: stancekit faster).")
    print("predict: whole `predict` process over the file, one output line per sentence; "
          "predict × = stancekit sent/s / peer sent/s on the same file (> 1: stancekit faster).")
    print("fastText epochs chosen: " + ", ".join(f"{k} {v['epochs']}" for k, v in epochs.items()))
    for name, v in load.items():
        print(f"one-sentence predict, {name}: {v['median_ms']:.1f} ms (median of 5 whole processes)")
    if memory:
        for k, v in memory.items():
            print(f"stancekit predict on {k} via stdin: {v['wall']:.1f} s, peak RSS {v['rss_mb']:.1f} MB")
    print()
    for t in targets:
        m = t["measured"]
        ms = ", ".join(f"{x:.1f}" for x in m) if isinstance(m, list) else f"{m:,.4g}"
        goal = f" (goal {t['goal']:,.4g}{', ' + t['detail'] if t.get('detail') else ''})" if "goal" in t else ""
        print(f"[{'met' if t['met'] else 'NOT met'}] {t['target']}: {ms}{goal}")
    print(f"\nwritten {out_json}; {time.time() - started:.0f} s; load average {load_start} -> {loadavg()}")


if __name__ == "__main__":
    main()
