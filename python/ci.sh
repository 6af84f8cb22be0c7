#!/usr/bin/env bash
# CI for the Python package (issue 8), called by .ci/run on a fresh machine:
#   1. a virtual environment with maturin, pytest, numpy, pandas, pyarrow, pyspark
#      (requirements-ci.txt);
#   2. Java 17 for Spark when no Java 17+ is found (Debian's openjdk-17-jre-headless);
#   3. the stancekit CLI (cargo build --release at the root: the tests compare with it);
#   4. `cargo fmt --check` of the binding, then `pip install ./python`: maturin builds
#      the extension and installs the wheel;
#   5. pytest python/tests (the API against the CLI, and the Spark test on local[2]).
# Exits non-zero when any step fails, and when pytest collects no test (its exit 5).
#
# The venv and the extension's cargo target directory are kept between runs in
# $STANCEKIT_CI_CACHE (default ~/.cache/stancekit-ci), so a warm machine skips the
# downloads and recompiles only what changed; STANCEKIT_CI_CACHE=off keeps both inside
# python/ (python/.venv, python/target) and starts from nothing.
set -euo pipefail

PY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$PY_DIR")"
PYTHON="${PYTHON:-python3}"
START=$(date +%s)
STEP_START=$START

step() {
    local now
    now=$(date +%s)
    echo "python/ci.sh: [$((now - START))s] $*"
    STEP_START=$now
}

step_done() {
    echo "python/ci.sh:   done in $(($(date +%s) - STEP_START))s"
}

CACHE="${STANCEKIT_CI_CACHE:-$HOME/.cache/stancekit-ci}"
REQUIREMENTS="$PY_DIR/requirements-ci.txt"
if [ "$CACHE" = "off" ]; then
    VENV="$PY_DIR/.venv"
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PY_DIR/target}"
else
    # One venv per set of pinned requirements and interpreter version.
    KEY=$( (cat "$REQUIREMENTS"; "$PYTHON" --version) | sha256sum | cut -c1-12)
    VENV="$CACHE/venv-$KEY"
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE/python-target}"
fi
export CARGO_TERM_COLOR=never

step "virtual environment $VENV"
if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQUIREMENTS" "$VENV/requirements-ci.txt"; then
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/requirements-ci.txt"
fi
# As if activated: maturin's build backend runs `maturin` from PATH.
export PATH="$VENV/bin:$PATH"
step_done

step "java (Spark needs 17 or later)"
java_major() {
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1
}
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ] 2>/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
java -version 2>&1 | head -1
step_done

step "stancekit CLI (cargo build --release)"
(cd "$ROOT" && CARGO_TARGET_DIR="$ROOT/target" cargo build --release --quiet --bin stancekit)
export STANCEKIT_CLI="$ROOT/target/release/stancekit"
step_done

step "cargo fmt --check (the binding is its own workspace, outside the root's checks)"
cargo fmt --check --manifest-path "$PY_DIR/Cargo.toml"
step_done

step "pip install ./python (cargo target $CARGO_TARGET_DIR)"
(cd "$ROOT" && "$VENV/bin/python" -m pip install --quiet --no-build-isolation --force-reinstall --no-deps ./python)
# The installed package, not the source tree, is what the tests must import.
(cd /tmp && "$VENV/bin/python" -c 'import stancekit, sys; print("stancekit", stancekit.__version__, "from", stancekit.__file__)')
step_done

step "pytest python/tests"
set +e
# From the repository root with the venv's pytest script (not `python -m pytest`, which
# would put the working directory, and so a source tree's stancekit/, on sys.path).
(cd "$ROOT" && STANCEKIT_REQUIRE_SPARK=1 "$VENV/bin/pytest" -p no:cacheprovider "$PY_DIR/tests")
STATUS=$?
set -e
step_done
if [ "$STATUS" -eq 5 ]; then
    echo "python/ci.sh: error: pytest collected no tests" >&2
    STATUS=1
fi
echo "python/ci.sh: finished in $(($(date +%s) - START))s with status $STATUS"
exit "$STATUS"
