"""Sentences per second: Spark local[2] with stancekit.spark next to the CLI, on the same
1M sentences (issue 8). Input: the datasets in ../shared (read at run time). Output: a
table on stdout and bench/spark/results.json.

What is measured, on one input file of N sentences (one per line):
- cli: `stancekit predict --model M --format json --input-format lines FILE > /dev/null`
  (the CLI labels a file in parallel batches of 4,096 rows, on every core);
- python: `Model.predict_proba` on all N texts in one call, in-process (rayon threads);
- spark: `spark.read.text(FILE)` -> `stancekit.spark.label_sentences` -> the `noop`
  sink (every row computed, nothing collected), on local[2], 16 input splits; the
  session is started and the model shipped beforehand, and their times are reported
  apart; the best of 3 runs after a first one that starts the Python workers. Once with
  rayon's default thread pool per worker, once with RAYON_NUM_THREADS=1.
Each run is timed in wall seconds and in CPU seconds (user + system of every process
doing the work: the CLI, or the Spark JVM and its Python workers). Sentences per
CPU-second is the per-core rate the scale-out arithmetic needs; it moves less than wall
time when other work shares the machine, but it moves (busy cores slow each other's
caches and rayon's waiting threads), so measure on a quiet machine.
Also the model file's size and its load time (`stancekit.load`), which enter the
scale-out arithmetic in README.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = ROOT.parent / "shared" / "datasets"

#: Sentence sources: news sentences (bbc_news articles split by stancekit) and the
#: sentence-level datasets. Together ~80k distinct sentences, cycled up to N.
SENTENCE_CSVS = ["mr/mr.csv", "subj/subj.csv", "cr/cr.csv", "financial_phrasebank/financial_phrasebank.csv"]


def sentence_pool() -> list[str]:
    import stancekit

    pool: list[str] = []
    with open(SHARED / "bbc_news" / "bbc_news.csv", newline="", encoding="utf-8") as f:
        splitter = stancekit.builtin("sentiment")
        for row in csv.DictReader(f):
            result = stancekit.classify_article(row["text"], [splitter])
            pool.extend(s["text"] for s in result["sentences"])
    for name in SENTENCE_CSVS:
        with open(SHARED / name, newline="", encoding="utf-8") as f:
            pool.extend(row["text"] for row in csv.DictReader(f))
    # One sentence per line: no line breaks inside, none blank, none read as JSON.
    clean = [" ".join(s.split()) for s in pool]
    return [s for s in clean if s and not s.startswith("{")]


def write_input(path: Path, n: int) -> int:
    pool = sentence_pool()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(pool[i % len(pool)] + "\n")
    return len(pool)


def timed(command: list[str] | list[list[str]], stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one command, or of several started together."""
    commands = command if isinstance(command[0], list) else [command]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    processes = [subprocess.Popen(c, stdout=stdout) for c in commands]
    for p in processes:
        if p.wait() != 0:
            raise SystemExit(f"{' '.join(map(str, p.args))} exited {p.returncode}")
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def tree_cpu() -> dict[int, float]:
    """CPU seconds (user + system) so far of each live process below this one: the
    Spark JVM, the Python daemon and its workers."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state ppid ... utime (12th) stime (13th)
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    below, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - below
        below |= frontier
    return {pid: times[pid] for pid in below}


def tree_cpu_since(before: dict[int, float]) -> float:
    """CPU seconds spent since `before` by the processes below this one. Spark keeps its
    Python workers for the whole job, so every process doing the work is alive at the
    end; one that exited meanwhile (an idle worker from an earlier job) is left out."""
    return sum(t - before.get(pid, 0.0) for pid, t in tree_cpu().items())


def best(n: int, runs: list[tuple[float, float]], cores: int, **extra) -> dict:
    """Rates from the best wall time (what the machine gave) and the best CPU time (what
    the work costs per core) of several runs."""
    wall = min(r[0] for r in runs)
    cpu = min(r[1] for r in runs)
    return {
        "runs": [{"seconds": w, "cpu_seconds": c} for w, c in runs],
        "seconds": wall,
        "per_second": n / wall,
        "cpu_seconds": cpu,
        "per_cpu_second": n / cpu,
        "cores": cores,
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=1_000_000)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "cooperation.json")
    parser.add_argument("--stancekit", type=Path, default=ROOT / "target" / "release" / "stancekit")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each variant (the best counts)")
    args = parser.parse_args()

    import stancekit

    data = HERE / "data" / f"sentences-{args.sentences}.txt"
    if not data.exists():
        pool = write_input(data, args.sentences)
        print(f"wrote {data} ({args.sentences:,} lines from {pool:,} distinct sentences)", file=sys.stderr)
    lines = data.read_text(encoding="utf-8").splitlines()
    n = len(lines)
    results: dict = {
        "sentences": n,
        "model": str(args.model.relative_to(ROOT)) if args.model.is_relative_to(ROOT) else str(args.model),
        "model_bytes": args.model.stat().st_size,
        "machine": {"cores": os.cpu_count(), "python": platform.python_version()},
        # Other work on the machine skews every figure: recorded at start and end.
        "load_average_start": os.getloadavg()[0],
    }

    # Model load time: best of 5 (what each executor Python process pays once).
    loads = []
    for _ in range(5):
        start = time.perf_counter()
        model = stancekit.load(args.model)
        loads.append(time.perf_counter() - start)
    results["model_load_seconds"] = min(loads)

    # The CLI and in-process Python, in rounds, so that other work on the machine hits
    # each about alike; each figure is the best of the rounds (wall and CPU apart).
    cli = [str(args.stancekit), "predict", "--model", str(args.model), "--format", "json", "--input-format", "lines"]
    runs: dict[str, list[tuple[float, float]]] = {"cli": [], "python": []}
    for _ in range(args.repeat):
        runs["cli"].append(timed(cli + [str(data)]))
        cpu = self_cpu()
        start = time.perf_counter()
        model.predict_proba(lines)
        runs["python"].append((time.perf_counter() - start, self_cpu() - cpu))
    for key, cores in [("cli", os.cpu_count()), ("python", os.cpu_count())]:
        results[key] = best(n, runs[key], cores=cores)

    # Spark local[2]. The file is cut into 16 splits (spark.sql.files.maxPartitionBytes),
    # so both cores stay busy to the end; by default a file this size would make 2.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    import stancekit.spark as sks

    start = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("stancekit-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "4g")
        .config("spark.sql.files.maxPartitionBytes", str(data.stat().st_size // 16 + 1))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    results["spark_session_seconds"] = time.perf_counter() - start
    frame = spark.read.text(str(data)).withColumnRenamed("value", "text")
    partitions = frame.rdd.getNumPartitions()
    # Each Python worker runs the Rust code on a rayon pool of one thread per core of
    # the machine (rayon's default), so 2 workers x 2 threads share the 2 cores; the
    # second variant gives each worker one thread (RAYON_NUM_THREADS=1 in the executor
    # environment), one per Spark task slot.
    # Each variant's runs follow each other, so its Python workers stay up (Spark stops
    # idle ones after a minute); the first run, which starts them, is reported apart.
    for key, threads in [("spark", None), ("spark_rayon1", "1")]:
        if threads is None:
            spark.sparkContext.environment.pop("RAYON_NUM_THREADS", None)
        else:
            spark.sparkContext.environment["RAYON_NUM_THREADS"] = threads
        start = time.perf_counter()
        labelled = sks.label_sentences(frame, str(args.model))
        ship = time.perf_counter() - start
        spark_runs = []
        for _ in range(args.repeat + 1):
            before, cpu = tree_cpu(), self_cpu()
            start = time.perf_counter()
            labelled.write.format("noop").mode("overwrite").save()
            spark_runs.append((time.perf_counter() - start, tree_cpu_since(before) + self_cpu() - cpu))
        results[key] = best(
            n,
            spark_runs[1:],
            cores=2,
            rayon_threads=threads or "one per core (default)",
            ship_seconds=ship,
            seconds_first=spark_runs[0][0],
            partitions=partitions,
        )
    spark.stop()
    results["load_average_end"] = os.getloadavg()[0]
    results["versions"] = {"stancekit": stancekit.__version__, "pyspark": __import__("pyspark").__version__}

    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"{n:,} sentences, model {results['model']} ({results['model_bytes'] / 1e6:.1f} MB, load {results['model_load_seconds'] * 1000:.0f} ms)")
    print(f"{'run':<28} {'seconds':>8} {'sentences/s':>12} {'CPU s':>8} {'per CPU s':>10}")
    rows = [
        ("cli", "CLI"),
        ("python", "Python predict_proba"),
        ("spark", "Spark local[2]"),
        ("spark_rayon1", "Spark, RAYON_NUM_THREADS=1"),
    ]
    for key, name in rows:
        r = results[key]
        print(f"{name:<28} {r['seconds']:>8.1f} {r['per_second']:>12,.0f} {r['cpu_seconds']:>8.1f} {r['per_cpu_second']:>10,.0f}")
    print(
        f"spark: session start {results['spark_session_seconds']:.1f} s, first runs "
        f"{results['spark']['seconds_first']:.1f} / {results['spark_rayon1']['seconds_first']:.1f} s, {partitions} partitions"
    )
    print(f"load average (1 min) {results['load_average_start']:.1f} at start, {results['load_average_end']:.1f} at end")
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
