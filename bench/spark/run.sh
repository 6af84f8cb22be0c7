#!/usr/bin/env bash
# Spark local[2] against the CLI on 1M sentences (issue 8): the one command.
#   bench/spark/run.sh                  1M sentences (about 10 minutes on 2 cores)
#   bench/spark/run.sh --sentences N    another size
# Uses the Python environment of python/ci.sh (built on first use), the CLI in
# target/release, or $CARGO_TARGET_DIR/release (built if missing), and writes bench/spark/results.json.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$(dirname "$HERE")")"
VENV="${VENV:-$ROOT/python/.venv}"
PYTHON="${PYTHON:-python3}"

if ! "$VENV/bin/python" -c 'import stancekit, pyspark, pandas, pyarrow' 2>/dev/null; then
    echo "setting up $VENV" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet -r "$ROOT/python/requirements-ci.txt"
    (cd "$ROOT" && PATH="$VENV/bin:$PATH" CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/python/target}" \
        "$VENV/bin/python" -m pip install --quiet --no-build-isolation ./python)
fi
(cd "$ROOT" && cargo build --release --quiet --bin stancekit)
# under $CARGO_TARGET_DIR (or build.target-dir) when set, not $ROOT/target
TARGET_DIR="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
    "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
exec "$VENV/bin/python" "$HERE/bench.py" --stancekit "$TARGET_DIR/release/stancekit" "$@"
