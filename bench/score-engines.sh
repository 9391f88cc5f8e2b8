#!/usr/bin/env bash
# Score-engine benchmark: the model core (PyTorch), ONNX Runtime running the stock all-MiniLM-L6-v2 ONNX file (the
# peer), and Tuneledger's ONNX exports of a fine-tuned MiniLM classifier in fp32 and int8, in one process and one after
# the other, on the same shapes: batch 32 x 40 tokens (tickets), x 128 and x 512 (mails), and a real length mix
# (192 held-out SpamAssassin mails up to 512 tokens, in score chunks of 64) with and without length bucketing; plus
# held-out accuracy of the three. Writes bench/results-score-engines.md. Run it on an idle machine.
#
#   bench/score-engines.sh                         # ../shared/datasets/spamassassin when present, else the sample
#   TRAIN=400 HELD_OUT=600 BATCHES=4 bench/score-engines.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${DATA:-../shared/datasets/spamassassin/spamassassin.jsonl}"
[ -f "$DATA" ] || DATA=samples/spamassassin-sample.jsonl
TRAIN="${TRAIN:-400}"
HELD_OUT="${HELD_OUT:-600}"
BATCHES="${BATCHES:-2}"
OUT=bench/results-score-engines.md

mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
# Tuneledger runs in its server's native environment (bin/native-env: allocator settings, MKL's code path).
source bin/native-env
tuneledger_native_env "$PWD"
echo "Load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (should be near 0)"
r=$(java -Xmx3g -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.tuneledger.bench.ScoreEnginesBench \
  "$DATA" "$TRAIN" "$HELD_OUT" "$BATCHES" 2>/dev/null | grep '=')
echo "$r"

val() { echo "$r" | sed -n "s/^$1=//p" | sed -n 1p; }
best() { echo "$r" | sed -n "s/^$1=//p" | sort -g | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni|avx_vnni|fma)$' | tr '\n' ' ')
{
  echo "# Score-engine benchmark"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) by bench/score-engines.sh on $(nproc) cores ($cpu; $flags)."
  echo "One process, engines one after the other, each with its default threads (one per core); speed is the best of"
  echo "three timings of $BATCHES batches after a warm-up batch. The model: all-MiniLM-L6-v2 fine-tuned for one epoch"
  echo "(128 tokens) on $TRAIN mails of $(basename "$DATA") ($(val train_seconds) s); held out: $(val held_out) mails."
  echo "The peer is ONNX Runtime $(grep -o 'version.onnxruntime>[^<]*' pom.xml | cut -d'>' -f2) (Java API) running"
  echo "the stock all-MiniLM-L6-v2 ONNX file of the base model's jar: the same encoder without the head, fp32."
  echo "The process runs in the server's native environment (bin/native-env); matrix products:"
  echo "$(val matrix_products)."
  echo
  echo "## Speed, sentences/s (ratio: against the peer in the same run)"
  echo
  echo "| batch | model core (PyTorch) | peer: stock ONNX fp32 | Tuneledger ONNX fp32 | Tuneledger ONNX int8 | int8 / our fp32 |"
  echo "|---|---|---|---|---|---|"
  for s in 32x40 32x128 32x512; do
    p=$(val "pytorch_${s}_sentences_per_second"); k=$(val "stock_onnx_fp32_${s}_sentences_per_second")
    f=$(val "onnx_fp32_${s}_sentences_per_second"); q=$(val "onnx_int8_${s}_sentences_per_second")
    echo "| $s | $p ($(ratio "$p" "$k") x) | $k | $f ($(ratio "$f" "$k") x) | $q ($(ratio "$q" "$k") x) | $(ratio "$q" "$f") x |"
  done
  echo
  echo "## Real length mix: $(val mix_texts) held-out mails, mean $(val mix_mean_tokens) tokens (cut at 512), chunks of 64"
  echo
  k=$(best mix_stock_onnx_fp32_in_order_sentences_per_second)
  o=$(best mix_onnx_fp32_in_order_sentences_per_second)
  b=$(best mix_onnx_fp32_bucketed_sentences_per_second)
  echo "| engine | sentences/s | against the peer |"
  echo "|---|---|---|"
  echo "| peer: stock ONNX fp32, batches in input order | $k | 1.00 x |"
  echo "| Tuneledger ONNX fp32, batches in input order (score.bucketing=false) | $o | $(ratio "$o" "$k") x |"
  echo "| Tuneledger ONNX fp32, length-bucketed (score.bucketing=true) | $b | $(ratio "$b" "$k") x |"
  echo
  echo "## Held-out quality and size"
  echo
  echo "| engine | accuracy | macro-F1 | file MB |"
  echo "|---|---|---|---|"
  echo "| model core (PyTorch), model.safetensors | $(val accuracy_pytorch) | $(val macro_f1_pytorch) | $(val weights_mb) |"
  echo "| ONNX fp32 | $(val accuracy_onnx_fp32) | $(val macro_f1_onnx_fp32) | $(val export_fp32_mb) |"
  echo "| ONNX int8 | $(val accuracy_onnx_int8) | $(val macro_f1_onnx_int8) | $(val export_int8_mb) |"
  echo
  echo "int8 labels agree with fp32 on $(val int8_label_agreement) of the held-out mails. Export time: fp32"
  echo "$(val export_fp32_seconds) s, int8 $(val export_int8_seconds) s."
} > "$OUT"
cat "$OUT"
