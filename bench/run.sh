#!/usr/bin/env bash
# stancekit against scikit-learn, fastText and Vowpal Wabbit (issue 5): the one command.
#   bench/run.sh            full run (6 datasets, 3 repetitions; 25-40 minutes on 2 cores, by load)
#   bench/run.sh --quick    mr only, 1 repetition, 20 MB slice (a few minutes)
# Other flags go to bench.py (bench/run.sh --help). STANCEKIT=/path/to/stancekit skips
# the build and measures that binary instead of target/release/stancekit (or
# $CARGO_TARGET_DIR/release/stancekit when that is set).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
VENV="$HERE/.venv"
PYTHON="${PYTHON:-python3}"

# --help first: it needs neither GNU time, the venv (minutes of downloads) nor a build.
for arg in "$@"; do
    case "$arg" in -h | --help) exec "$PYTHON" "$HERE/bench.py" --help ;; esac
done

if [ ! -x /usr/bin/time ]; then
    echo "bench needs GNU time at /usr/bin/time (Debian: apt-get install time)" >&2
    exit 2
fi

if ! "$VENV/bin/python" -c 'import sklearn, fasttext, vowpalwabbit, numpy, scipy' 2>/dev/null; then
    echo "setting up $VENV" >&2
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --upgrade pip
    "$VENV/bin/pip" install --quiet -r "$HERE/requirements.txt"
fi

if [ -z "${STANCEKIT:-}" ]; then
    (cd "$ROOT" && cargo build --release --quiet)
    # under $CARGO_TARGET_DIR (or build.target-dir) when set, not $ROOT/target
    STANCEKIT="$(cd "$ROOT" && cargo metadata --format-version 1 --no-deps |
        "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/stancekit"
fi

exec "$VENV/bin/python" "$HERE/bench.py" --stancekit "$STANCEKIT" "$@"
