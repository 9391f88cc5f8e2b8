#!/usr/bin/env bash
# Study cost benchmark: what a k-fold cross-validation and a hyperparameter search cost against one training run of
# the same configuration, as ratios measured in the same run. The baseline is the train step of a fine-tune (one
# training run, no baseline or evaluation); the fine-tune job as a whole is shown too. Writes bench/results-study.md.
# Run it on an idle machine: two heavy processes at once slow each other down several times.
#
#   bench/study.sh                          # the bundled sample, 1 epoch of 64-token texts, 5 folds, 4 trials
#   FOLDS=3 TRIALS_SPACE='{"train.learning.rate": [5e-5, 2e-4]}' bench/study.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/api.sh
FOLDS="${FOLDS:-5}"
TRIALS_SPACE="${TRIALS_SPACE:-{\"train.learning.rate\": [5e-5, 2e-4], \"train.batch.size\": [16, 32]\}}"
SETTINGS='"train.epochs": "1", "train.max.length": "64"'
OUT=bench/results-study.md
export TUNELEDGER_URL="${TUNELEDGER_URL:-https://localhost:8443}"

bench_server
echo "Load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (should be near 0)"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

name="bench-study-$(date +%s)"
await "$(post prepare-dataset "{\"dataset.name\": \"$name\", \"input.path\": \"spamassassin-sample.jsonl\"}")" >/dev/null
echo "Warm-up (JIT, model load) ..."
await "$(post fine-tune "{\"dataset.name\": \"$name\", \"model.name\": \"$name-warm\", \"train.epochs\": \"1\", \"train.max.length\": \"16\"}")" >/dev/null

echo "One training run (fine-tune) ..."
ft=$(await "$(post fine-tune "{\"dataset.name\": \"$name\", \"model.name\": \"$name\", $SETTINGS}")")
train=$(echo "$ft" | step_secs train); whole=$(echo "$ft" | secs)
echo "Cross-validation, $FOLDS folds ..."
cv=$(await "$(post cross-validate "{\"dataset.name\": \"$name\", \"folds\": \"$FOLDS\", $SETTINGS}")")
cv_secs=$(echo "$cv" | secs)
cv_f1=$(echo "$cv" | jq -r '"\(.result.mean.macroF1 * 1000 | round / 1000) ± \(.result.std.macroF1 * 1000 | round / 1000)"')
echo "Search, grid over $TRIALS_SPACE ..."
space=$(jq -cn --argjson s "$TRIALS_SPACE" '$s | tostring')
tune=$(await "$(post tune "{\"dataset.name\": \"$name\", \"search.method\": \"grid\", \"search.space\": $space, $SETTINGS}")")
tune_secs=$(echo "$tune" | secs)
trials=$(echo "$tune" | jq '.result.trials | length')
best=$(echo "$tune" | jq -c '.result.best | {trial, parameters, macroF1: (.mean.macroF1 * 1000 | round / 1000)}')
flags=$(grep -o -w -E 'avx512f|avx512_vnni|avx2' /proc/cpuinfo | sort -u | tr '\n' ' ')

cat > "$OUT" <<MD
# Study cost: cross-validation and search against one training run

Measured by \`bench/study.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); flags: $flags).
The bundled sample (545 train, 69 validation records), all-MiniLM-L6-v2, the default settings except
1 epoch of 64-token texts. Times are the job repository's own (start to end of the job or step); the baseline is one
training run, the train step of a fine-tune, measured in the same run. Ratios travel between machines; seconds do not.

| run | seconds | against one training run |
|---|---|---|
| one training run (fine-tune's train step) | $train | 1.00 |
| fine-tune job (train, frozen-encoder baseline, evaluation, gate, registration) | $whole | $(ratio "$whole" "$train") |
| cross-validate, $FOLDS folds, one at a time (macro-F1 $cv_f1) | $cv_secs | $(ratio "$cv_secs" "$train") |
| tune, grid of $trials trials on the validation split (best: $best) | $tune_secs | $(ratio "$tune_secs" "$train") |

Each fold trains on (k-1)/k of the train and validation records (4/5 of 614 for 5 folds, against 545 for the
training run) and is then scored on its held-out fold, so k folds cost about k times one run; each trial costs what
one run with its settings costs (a larger batch, fewer steps). Units run one at a time by default (folds.parallel,
trials.parallel): on 2 cores a second concurrent unit only shares the same cores.
MD
cat "$OUT"
