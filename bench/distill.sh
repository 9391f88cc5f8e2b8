#!/usr/bin/env bash
# Students against their teacher, as the distill job trains them (the classification task's seam): a teacher
# fine-tuned from bge-small-en-v1.5 (12 layers) with the fine-tune job's defaults; students of its first 6 and 3 layers
# trained with the distill job's defaults on the labels and the teacher's softened outputs (temperature 2, alpha 0.5)
# and, for comparison, on the labels alone and at fine-tune's learning rate; all-MiniLM-L6-v2 distilled from the same
# teacher. Held-out quality, weights, and texts per second of each
# student and the teacher on the same held-out texts, measured one after the other in the same process.
# Writes bench/results-distill.md. Run it on an idle machine.
#
#   bench/distill.sh                                # ../shared/datasets/spamassassin when present, else the sample
#   TRAIN=400 HELD_OUT=400 TOKENS=128 bench/distill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${DATA:-../shared/datasets/spamassassin/spamassassin.jsonl}"
[ -f "$DATA" ] || DATA=samples/spamassassin-sample.jsonl
TRAIN="${TRAIN:-400}"
HELD_OUT="${HELD_OUT:-400}"
TOKENS="${TOKENS:-128}"
OUT=bench/results-distill.md

mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
# Tuneledger runs in its server's native environment (bin/native-env: allocator settings, MKL's code path).
source bin/native-env
tuneledger_native_env "$PWD"
echo "Load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (should be near 0)"
rows=$(java -Xmx4g -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.tuneledger.bench.DistillBench \
  "$DATA" "$TRAIN" "$HELD_OUT" "$TOKENS" 2>/dev/null | grep -E '^\||^held_out=|^epochs=')
held_out=$(echo "$rows" | sed -n 's/^held_out=//p')
epochs=$(echo "$rows" | sed -n 's/^epochs=//p')
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni|fma)$' | tr '\n' ' ')
{
  echo "# Distilled students against their teacher"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) by bench/distill.sh on $(nproc) cores ($cpu; $flags)."
  echo "$epochs epochs each at $TOKENS tokens, batch 16, at the learning rate shown, on $TRAIN mails of $(basename "$DATA");"
  echo "held out: $held_out mails (the test split). Students start from the teacher's embeddings, first layers and head"
  echo "(distill.student=teacher) or from all-MiniLM-L6-v2 with a new head; distilled: temperature 2, alpha 0.5."
  echo "Texts per second: teacher and student predicting the same held-out texts in batches of 32, in the same process,"
  echo "as the distill job's baseline step measures them (the teacher's figure is that of the first student's run)."
  echo
  echo "| model | learning rate | held-out accuracy | macro-F1 | weights | texts/s (x teacher) | s/training step |"
  echo "|---|---|---|---|---|---|---|"
  echo "$rows" | grep '^|'
} > "$OUT"
cat "$OUT"
