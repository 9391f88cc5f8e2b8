#!/usr/bin/env bash
# Decoder benchmark (issue 20, point 6): a random-weight model of Qwen2.5-0.5B's shape (made once by
# bench/decoder_reference.py, about 1 GB of bfloat16 in target/bench-qwen-shaped), LoRA training at 256 tokens and
# greedy generation with a key/value cache, Tuneledger (DJL) against plain PyTorch on the same weights and shapes in
# the same run; peak resident memory of each process. Writes bench/results-generation.md. Run it on an idle machine.
#
#   bench/decoder.sh                     # defaults: 5 training steps of 2 x 256 tokens, 32-token prompt, 32 new tokens
#   STEPS=8 BATCH=4 bench/decoder.sh
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS="${STEPS:-5}" BATCH="${BATCH:-2}" LENGTH="${LENGTH:-256}" PROMPT="${PROMPT:-32}" NEW="${NEW:-32}"
MODEL=target/bench-qwen-shaped
OUT=bench/results-generation.md

if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -d /usr/lib/x86_64-linux-gnu/openblas-openmp ]; then
  apt-get update -qq && apt-get install -y -qq python3-torch libopenblas0-openmp
fi
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
if [ ! -f "$MODEL/config.json" ]; then
  echo "Making random weights of Qwen2.5-0.5B's shape in $MODEL ..."
  /usr/bin/python3 bench/decoder_reference.py qwen-shaped "$MODEL"
fi
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Load before the run: $load (should be near 0)"
# Tuneledger runs in its server's native environment (bin/native-env).
source bin/native-env
ARGS=("$STEPS" "$BATCH" "$LENGTH" "$PROMPT" "$NEW")
echo "Plain PyTorch ..."
baseline=$(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/decoder_reference.py \
  speed "$MODEL" "${ARGS[@]}")
echo "Tuneledger (DJL) ..."
djl=$(tuneledger_native_env "$PWD"; java -Xmx3g -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache \
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.tuneledger.bench.DecoderBench \
  "$MODEL" "${ARGS[@]}" 2>/dev/null | grep '=')
echo "$baseline"$'\n'"$djl"

val() { echo "$1" | sed -n "s/^$2=//p" | sed -n 1p; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|fma)$' | tr '\n' ' ')
{
  echo "# Decoder benchmark"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) by bench/decoder.sh on $(nproc) cores ($cpu; $flags); load average before"
  echo "the run: $load. Model: random weights of Qwen2.5-0.5B's shape (24 layers, hidden 896, 14 query and 2"
  echo "key/value heads, vocabulary 151,936, tied output; 494 M parameters) stored in bfloat16, computed in float32 on"
  echo "both sides. Baseline: plain PyTorch $(val "$baseline" torch_version) (Debian, OpenBLAS), the same computation"
  echo "written out in bench/decoder_reference.py, in the same run on the same weights."
  echo
  echo "Training: LoRA rank 8 on q_proj and v_proj, AdamW, gradient clipping, batch $BATCH x $LENGTH tokens, loss on"
  echo "the second half of each sequence; median of $STEPS steps after the first. Generation: greedy, one prompt of"
  echo "$PROMPT tokens, $NEW new tokens with the key/value cache, the second of two runs."
  echo
  echo "| figure | plain PyTorch | Tuneledger (DJL) | ratio |"
  echo "|---|---|---|---|"
  echo "| LoRA training, tokens/s | $(val "$baseline" train_tokens_per_second) | $(val "$djl" train_tokens_per_second) | $(ratio "$(val "$djl" train_tokens_per_second)" "$(val "$baseline" train_tokens_per_second)") x the speed |"
  echo "| generation, tokens/s | $(val "$baseline" generation_tokens_per_second) | $(val "$djl" generation_tokens_per_second) | $(ratio "$(val "$djl" generation_tokens_per_second)" "$(val "$baseline" generation_tokens_per_second)") x the speed |"
  echo "| peak resident memory of the process, MB | $(val "$baseline" peak_rss_mb) | $(val "$djl" peak_rss_mb) | |"
  echo
  echo "Target: peak resident memory under 8 GB while training."
} > "$OUT"
cat "$OUT"
