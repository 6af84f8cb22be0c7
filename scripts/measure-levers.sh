#!/usr/bin/env bash
# Measures what each lever adds on the dev split of our real news labels: macro-F1 per
# task for the keyword rule and for models trained with one lever changed at a time.
# Prints a Markdown table (models/README.md quotes it). Usage: scripts/measure-levers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
# The binary cargo just built: under $CARGO_TARGET_DIR (or build.target-dir) when set, not ./target.
stancekit="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/stancekit"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$stancekit" corpus --spans datasets/news/*.csv --split train --out "$tmp/train.csv" 2>/dev/null
"$stancekit" corpus --spans datasets/news/*.csv --split dev --out "$tmp/dev.csv" 2>/dev/null
written=(datasets/written/diplomacy.csv datasets/written/business.csv datasets/written/domestic.csv)
f1() { "$stancekit" eval --format json "$@" | head -1 | python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["macro_f1"])'; }
row() {
  local name=$1; shift
  local line="| $name |"
  for task in cooperation accusation sentiment; do
    "$stancekit" train --quiet --task "$task" --label-column "$task" --out "$tmp/m.json" "$@"
    line="$line $(f1 --model "$tmp/m.json" --data "$tmp/dev.csv" --label-column "$task") |"
  done
  echo "$line"
}
echo "| setting (dev macro-F1) | cooperation | accusation | sentiment |"
echo "| --- | --- | --- | --- |"
line="| keyword rule (lexicon only, no training) |"
for task in cooperation accusation sentiment; do
  line="$line $(f1 --keyword-rule --lexicon datasets/lexicons --data "$tmp/dev.csv" --label-column "$task") |"
done
echo "$line"
# Words as written (--no-stem) in every row before the stem rows, and no punctuation
# marks as words (--no-punctuation) in every row before the last.
ngrams=(--class-weight balanced --c 8 --no-nb-scale --no-stem --no-punctuation)
cues=(--lexicon datasets/lexicons "${ngrams[@]}")
cue_ngrams=("${cues[@]}" --cue-ngrams)
stemmed=(--lexicon datasets/lexicons --class-weight balanced --c 8 --no-nb-scale --cue-ngrams --no-punctuation)
shipped=(--lexicon datasets/lexicons --class-weight balanced --c 8 --no-nb-scale --cue-ngrams --no-negation)
row "written sentences only, n-grams only" --data "${written[@]}" "${ngrams[@]}"
row "written sentences only, + lexicon cues" --data "${written[@]}" "${cues[@]}"
row "real news train only, n-grams only" --data "$tmp/train.csv" "${ngrams[@]}"
row "real news train only, + lexicon cues" --data "$tmp/train.csv" "${cues[@]}"
row "real + written, n-grams only" --data "$tmp/train.csv" "${written[@]}" "${ngrams[@]}"
row "real + written, + cues, no class weights" --data "$tmp/train.csv" "${written[@]}" --lexicon datasets/lexicons --c 8 --no-nb-scale --no-stem --no-punctuation
row "real + written, + cues, balanced, C 8 (shipped before 2026-11-26)" --data "$tmp/train.csv" "${written[@]}" "${cues[@]}"
row "real + written, + cues, n-grams NB-scaled (train's default)" --data "$tmp/train.csv" "${written[@]}" --lexicon datasets/lexicons --class-weight balanced --c 8 --no-stem --no-punctuation
row "real + written, + cues + cue n-grams, balanced, C 8 (shipped before 2026-11-26 12:30)" --data "$tmp/train.csv" "${written[@]}" "${cue_ngrams[@]}"
row "... + stems (train's default since 2026-11-26)" --data "$tmp/train.csv" "${written[@]}" "${stemmed[@]}"
row "... + stems + character 3-5-grams" --data "$tmp/train.csv" "${written[@]}" "${stemmed[@]}" --char-ngrams 3-5
row "... + stems, no negation marking of n-grams (shipped before 2026-11-26 15:00)" --data "$tmp/train.csv" "${written[@]}" "${stemmed[@]}" --no-negation
row "**shipped**: ... + question, exclamation and quotation marks as n-gram words (train's default since 2026-11-26 15:00)" --data "$tmp/train.csv" "${written[@]}" "${shipped[@]}"
