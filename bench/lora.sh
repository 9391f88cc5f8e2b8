#!/usr/bin/env bash
# LoRA against full fine-tuning: MiniLM, one epoch at 128 tokens (batch 16) on the same labelled mails, each in its
# own process so that peak resident memory is its own: seconds per step, peak memory, size of the training state and
# of the saved weights, held-out accuracy and macro-F1. LoRA runs at full fine-tuning's learning rate and at two
# larger ones.
# Writes bench/results-lora.md. Run it on an idle machine.
#
#   bench/lora.sh                                   # ../shared/datasets/spamassassin when present, else the sample
#   TRAIN=400 HELD_OUT=600 bench/lora.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${DATA:-../shared/datasets/spamassassin/spamassassin.jsonl}"
[ -f "$DATA" ] || DATA=samples/spamassassin-sample.jsonl
TRAIN="${TRAIN:-400}"
HELD_OUT="${HELD_OUT:-600}"
FULL_RATE="${FULL_RATE:-1e-4}"
LORA_RATES="${LORA_RATES:-1e-4 1e-3 3e-3}"
RANK="${RANK:-8}"
OUT=bench/results-lora.md

mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
# Tuneledger runs in its server's native environment (bin/native-env: allocator settings, MKL's code path).
source bin/native-env
tuneledger_native_env "$PWD"
echo "Load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (should be near 0)"
run() {
  java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache \
    -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.tuneledger.bench.LoraBench \
    "$1" "$DATA" "$TRAIN" "$HELD_OUT" "$2" "$RANK" 2>/dev/null | grep '='
}
echo "full fine-tuning, learning rate $FULL_RATE ..."; full=$(run full "$FULL_RATE"); echo "$full"
declare -A lora
for rate in $LORA_RATES; do
  echo "LoRA, learning rate $rate ..."; lora[$rate]=$(run lora "$rate"); echo "${lora[$rate]}"
done

val() { echo "$1" | sed -n "s/^$2=//p" | sed -n 1p; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni|fma)$' | tr '\n' ' ')
row() {
  echo "| $1 | $(val "$2" seconds_per_step) ($(ratio "$(val "$2" seconds_per_step)" "$(val "$full" seconds_per_step)") x) | $(val "$2" peak_rss_mb) ($(ratio "$(val "$2" peak_rss_mb)" "$(val "$full" peak_rss_mb)") x) | $(val "$2" training_state_mb) | $(val "$2" artifact_weights_mb) | $(val "$2" accuracy) | $(val "$2" macro_f1) |"
}
{
  echo "# LoRA against full fine-tuning"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) by bench/lora.sh on $(nproc) cores ($cpu; $flags)."
  echo "all-MiniLM-L6-v2, one epoch at 128 tokens, batch 16, on $TRAIN mails of $(basename "$DATA"); held out:"
  echo "$(val "$full" held_out) mails. LoRA: rank $RANK, alpha $((2 * RANK)), dropout 0.1, on query and value, with the"
  echo "head. Each run in its own process, Java heap fixed at 1 GB and pre-touched (so peak memory compares native"
  echo "memory); ratios against full fine-tuning in the same run."
  echo
  echo "| run | s/step | peak resident MB | training state MB | saved weights MB | held-out accuracy | macro-F1 |"
  echo "|---|---|---|---|---|---|---|"
  row "full fine-tuning, learning rate $FULL_RATE" "$full"
  for rate in $LORA_RATES; do
    row "LoRA, learning rate $rate" "${lora[$rate]}"
  done
} > "$OUT"
cat "$OUT"
