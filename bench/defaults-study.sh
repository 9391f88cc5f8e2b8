#!/usr/bin/env bash
# Defaults study: the tune job on public labelled data sets of different shapes, to choose fine-tune's defaults from
# evidence. For each data set: a seeded sample of at most SAMPLE records is prepared, then a random search of TRIALS
# trials with successive halving over SPACE (scored on the validation split), and a fine-tune with the defaults
# for comparison (its validation figure at its best epoch and its test figure). Each data set's section of
# docs/defaults-study.md (between its markers) is written anew, others are kept; the reading there is written by
# hand. Run it on an idle machine.
#
# A data set is label:file[:base model]. Besides files, these labels are derived here from public data:
#   spam-balanced   as many spam as ham SpamAssassin e-mails (long English texts, balanced labels)
#   manpages-en     the bundled English manual-page summaries, labelled by package (short texts, imbalanced)
#   manpages-zh     the bundled Chinese manual-page descriptions, labelled by section 1 or 8 (Chinese, imbalanced)
#
#   bench/defaults-study.sh                                   # SpamAssassin (../shared/datasets/spamassassin)
#   DATASETS="spam-balanced manpages-en manpages-zh:-:bge-small-zh-v1.5" bench/defaults-study.sh
#   DATASETS="mails:/data/mails.jsonl tickets:/data/tickets.jsonl" SAMPLE=2000 bench/defaults-study.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/api.sh
SPAM=../shared/datasets/spamassassin/spamassassin.jsonl
DATASETS="${DATASETS:-spamassassin:$SPAM}"
SAMPLE="${SAMPLE:-1200}"
TRIALS="${TRIALS:-8}"
DEFAULT_SPACE='{"train.learning.rate": {"min": 1e-5, "max": 3e-4, "scale": "log"}, "train.epochs": [2, 3, 4], "train.batch.size": [8, 16, 32], "train.dropout": [0.0, 0.1, 0.2], "train.weight.decay": [0.0, 0.01, 0.1], "train.warmup.ratio": [0.0, 0.1], "train.class.weights": ["none", "balanced"]}'
SPACE="${SPACE:-$DEFAULT_SPACE}"
OUT=docs/defaults-study.md
export TUNELEDGER_URL="${TUNELEDGER_URL:-https://localhost:8443}"

bench_server
echo "Load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (should be near 0)"
inbox=target/server/standalone/data/tuneledger/inbox
mkdir -p "$inbox"
flags=$(grep -o -w -E 'avx512f|avx512_vnni|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')
space=$(jq -cn --argjson s "$SPACE" '$s | tostring')
derived=$(mktemp -d)

# The file of a derived data set (see the header), one {"id","text","label"} object a line.
derive() {
  case $1 in
    spam-balanced)
      jq -c 'select(.label == "spam")' "$SPAM" | shuf -n $((SAMPLE / 2)) --random-source=<(yes 42) > "$derived/$1"
      jq -c 'select(.label == "ham")' "$SPAM" | shuf -n $((SAMPLE / 2)) --random-source=<(yes 42) >> "$derived/$1";;
    manpages-en)
      jq -c '{id, text: .query, label: (if (.package | IN("git-man", "coreutils", "util-linux")) then .package
        else "other" end)}' samples/manpages-qa-en.jsonl > "$derived/$1";;
    manpages-zh)
      jq -c '{id, text: .positive, label: ("section " + (.id | split(".") | last))}' samples/manpages-qa-zh.jsonl \
        > "$derived/$1";;
    *) return 1;;
  esac
  echo "$derived/$1"
}

for entry in $DATASETS; do
  IFS=: read -r label file base <<< "$entry"
  base="${base:-all-minilm-l6-v2}"
  if [ -z "${file:-}" ] || [ "$file" = - ]; then
    file=$(derive "$label") || { echo "no data set $label: give label:file" >&2; exit 2; }
  fi
  [ -f "$file" ] || { echo "no data set at $file" >&2; exit 2; }
  name="study-$label-$(date +%s)"
  # a seeded sample (the same records on every run: shuf with a fixed random source), one JSON object a line
  shuf -n "$SAMPLE" --random-source=<(yes 42) "$file" > "$inbox/$name.jsonl"
  echo "== $label: $(wc -l < "$inbox/$name.jsonl") records, base model $base"
  await "$(post prepare-dataset "{\"dataset.name\": \"$name\", \"input.path\": \"$name.jsonl\", \"tokenizer\": \"$base\"}")" >/dev/null
  manifest=$(curl -sf "$TUNELEDGER_URL/api/datasets/$name/versions/1")
  shape=$(echo "$manifest" | jq -r '"\(.splits.train.records) train, \(.splits.validation.records) validation, \(.splits.test.records) test; labels \(.labels | tostring); tokens p50 \(.tokens.p50), p95 \(.tokens.p95)"')
  echo "   $shape"
  tune=$(await "$(post tune "{\"dataset.name\": \"$name\", \"base.model\": \"$base\", \"search.space\": $space, \"trials\": \"$TRIALS\", \"search.halving\": \"true\"}")")
  ft=$(await "$(post fine-tune "{\"dataset.name\": \"$name\", \"base.model\": \"$base\", \"model.name\": \"$name\"}")")
  model=$(curl -sf "$TUNELEDGER_URL/api/models/$name/versions/1")
  trials=$(echo "$tune" | jq -r '.result as $r | $r.trials[] | "| \(.trial) | \(.parameters | to_entries | map("\(.key | sub("train\\."; ""))=\(.value)") | join(", ")) | \(if .halted then "after 1 epoch" else "full" end) | \(.mean[$r.primary] * 1000 | round / 1000) |"')
  best=$(echo "$tune" | jq -r '.result.best | "trial \(.trial): macro-F1 \(.mean.macroF1 * 1000 | round / 1000)"')
  defaults=$(echo "$model" | jq -r '"validation macro-F1 \(.evaluation.validation.macroF1 * 1000 | round / 1000) (best epoch), test macro-F1 \(.evaluation.test.macroF1 * 1000 | round / 1000)"' 2>/dev/null || echo "n/a")
  section="$derived/section"
  cat > "$section" <<MD
<!-- data set: $label -->
### $label

Run on $(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); flags: $flags),
base model $base, $TRIALS trials. $shape. Tune execution $(echo "$tune" | jq .executionId) ($(echo "$tune" | secs) s),
best $best; the defaults of the day ($(echo "$ft" | jq -r '.parameters | "learning rate \(.["train.learning.rate"]), \(.["train.epochs"]) epochs, batch \(.["train.batch.size"])"'); fine-tune execution $(echo "$ft" | jq .executionId), $(echo "$ft" | secs) s): $defaults.

| trial | parameters | trained | validation macro-F1 |
|---|---|---|---|
$trials
<!-- end of data set -->
MD
  # replace the data set's section, or add it before the reading
  python3 - "$OUT" "$label" "$section" <<'PY'
import re, sys
doc, label, section = open(sys.argv[1]).read(), sys.argv[2], open(sys.argv[3]).read()
block = re.compile(r"<!-- data set: " + re.escape(label) + r" -->\n.*?<!-- end of data set -->\n", re.S)
if block.search(doc):
    doc = block.sub(lambda m: section, doc)
else:
    doc = doc.replace("\n## Reading", "\n" + section + "\n## Reading", 1)
open(sys.argv[1], "w").write(doc)
PY
done
rm -rf "$derived"
cat "$OUT"
