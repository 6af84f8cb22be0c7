"""Shared fixtures: the CLI binary the Python package is checked against, the datasets
in ../shared (read at run time, never copied), and helpers to run the CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("STANCEKIT_SHARED", REPO.parent / "shared"))
MODELS = REPO / "models"


def _cli_path() -> Path:
    return Path(os.environ.get("STANCEKIT_CLI", REPO / "target" / "release" / "stancekit"))


@pytest.fixture(scope="session")
def cli() -> Path:
    """The stancekit binary (STANCEKIT_CLI, or target/release/stancekit, which
    python/ci.sh builds when missing)."""
    path = _cli_path()
    if not path.is_file():
        pytest.fail(f"{path}: no stancekit binary (run `cargo build --release` at the repository root)")
    return path


@pytest.fixture(scope="session")
def mr_csv() -> Path:
    path = SHARED / "datasets" / "mr" / "mr.csv"
    if not path.is_file():
        pytest.fail(f"{path}: the mr dataset is missing (shared/ must sit beside the repository)")
    return path


@pytest.fixture(scope="session")
def mr_rows(mr_csv: Path) -> list[dict[str, str]]:
    with open(mr_csv, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def run_cli(cli: Path, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """Runs the CLI; with ``check``, fails the test on a non-zero exit, showing stderr."""
    done = subprocess.run([str(cli), *map(str, args)], input=stdin, capture_output=True, text=True)
    if check and done.returncode != 0:
        pytest.fail(f"stancekit {' '.join(map(str, args))} exited {done.returncode}: {done.stderr}")
    return done


def cli_error(cli: Path, *args: str) -> str:
    """The message the CLI prints for a failing command, without its prefix."""
    done = run_cli(cli, *args, check=False)
    assert done.returncode == 2, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    prefix = "stancekit: error: "
    assert line.startswith(prefix), line
    return line[len(prefix) :]


def write_jsonl(path: Path, texts: list[str]) -> Path:
    """One ``{"id", "text"}`` object per line, ids 0..n-1, for `predict --input-format jsonl`."""
    with open(path, "w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"id": str(i), "text": text}) + "\n")
    return path


def cli_predictions(cli: Path, models: list[Path], input_path: Path, *extra: str) -> list[dict]:
    """The CLI's JSON Lines rows for an input, parsed."""
    args = ["predict", "--format", "json", *extra]
    for model in models:
        args += ["--model", str(model)]
    out = run_cli(cli, *args, str(input_path)).stdout
    return [json.loads(line) for line in out.splitlines()]


def assert_same_predictions(rows: list[dict], task: str, labels: list[str], predicted: list[str], proba) -> None:
    """CLI rows against Python labels and probabilities: identical labels, probabilities
    within 1e-6 (the CLI prints them rounded to 6 decimals)."""
    assert len(rows) == len(predicted) == len(proba)
    for i, row in enumerate(rows):
        got = row["predictions"][task]
        assert got["label"] == predicted[i], f"row {i}: {row['text']!r}"
        for j, label in enumerate(labels):
            assert abs(got["probabilities"][label] - proba[i][j]) <= 1e-6, f"row {i} {label}"
