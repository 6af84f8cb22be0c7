#!/usr/bin/env bash
# Rebuilds the shipped models in models/ from datasets/ (and the real news text in
# ../shared/datasets, which the span files point into). Reproducible: the same inputs
# give the same bytes. Usage: scripts/build-models.sh
#
# Two builds with one command: first held-out models in target/holdout/, trained on the
# train split of our real news only and scored on the dev split (the figures in
# models/README.md measure them); then the shipped models, the same command refitted on
# train + dev (issue 9 allows it once the settings are chosen), so that a fifth more real
# news reaches the models users run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
# The binary cargo just built: under $CARGO_TARGET_DIR (or build.target-dir) when set, not ./target.
stancekit="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/stancekit"
mkdir -p target/data target/holdout models
# Real news sentences we labelled, rebuilt from their spans: each split, then both.
"$stancekit" corpus --spans datasets/news/*.csv --split train --out target/data/news_train.csv
"$stancekit" corpus --spans datasets/news/*.csv --split dev --out target/data/news_dev.csv
"$stancekit" corpus --spans datasets/news/*.csv --out target/data/news_train_dev.csv
written=(datasets/written/diplomacy.csv datasets/written/business.csv datasets/written/domestic.csv)
# Settings chosen by grouped 5-fold cross-validation on the train split (models/README.md);
# NB scaling, train's default, did not pay here (within noise), so it is off; cue n-grams
# paid a little on every task (+0.001 to +0.007 macro-F1 in CV, 7,398 train sentences);
# stems (train's default) without negation marking of the n-grams (the cue columns
# still count negated cues) +0.004 / +0.025 / +0.006 over that in CV.
train() {
  local task=$1 news=$2 out=$3
  "$stancekit" train --quiet --task "$task" --label-column "$task" \
    --data "$news" "${written[@]}" \
    --lexicon datasets/lexicons --class-weight balanced --c 8 --no-nb-scale --cue-ngrams --no-negation \
    ${STANCEKIT_EXTRA_FLAGS:-} \
    --out "$out"
}
for task in cooperation accusation sentiment; do
  train "$task" target/data/news_train.csv "target/holdout/$task.json"
  "$stancekit" eval --model "target/holdout/$task.json" --data target/data/news_dev.csv --label-column "$task" \
    | head -2 | paste -sd' ' | sed "s/^/$task dev (held-out model): /"
done
for task in cooperation accusation sentiment; do
  train "$task" target/data/news_train_dev.csv "models/$task.json"
done
