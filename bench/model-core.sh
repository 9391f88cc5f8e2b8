#!/usr/bin/env bash
# Model-core benchmark: Tuneledger's DJL implementation against plain PyTorch (Python) in the same run, on the same
# shapes (all-MiniLM-L6-v2: training batch 16 x 128 tokens, inference batch 32 x 128), plus resident memory of
# training and of a long inference run. Writes bench/results-model-core.md. Run it on an idle machine: two heavy
# processes at once slow each other down several times.
#
#   bench/model-core.sh                 # defaults: 4 rounds, 12 training steps, 12 inference batches, 100,000 sentences
#   ROUNDS=2 STEPS=20 LONG=20000 bench/model-core.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-4}"
STEPS="${STEPS:-12}"
BATCHES="${BATCHES:-12}"
LONG="${LONG:-100000}"
OUT=bench/results-model-core.md

# The baseline: Debian's PyTorch with Debian's OpenBLAS (the stock build's reference BLAS is about 40x slower).
if ! /usr/bin/python3 -c "import torch" 2>/dev/null || [ ! -d /usr/lib/x86_64-linux-gnu/openblas-openmp ]; then
  apt-get update -qq && apt-get install -y -qq python3-torch libopenblas0-openmp
fi
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test

load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Load before the run: $load (should be near 0)"
JAVA_BENCH=(java -Xmx2g -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache
  -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" io.tuneledger.bench.ModelCoreBench)
# Tuneledger runs in the native environment its server is started with (bin/native-env: glibc's allocator settings,
# MKL's AVX-512 path on AMD), and once more with MKL's own choice of code (TUNELEDGER_MKL_AVX512=off); the baseline
# runs as plain PyTorch runs by default, and once more with the same allocator settings, for a like-for-like figure.
source bin/native-env
native=$(tuneledger_native_env "$PWD"; env | grep -E '^(MALLOC_[A-Z_]+|LD_PRELOAD)=' | sort)
mapfile -t NATIVE <<< "$native"
mapfile -t MALLOC < <(grep '^MALLOC_' <<< "$native")
mkl_avx512=no
grep -q '^LD_PRELOAD=.*libtuneledger-mkl' <<< "$native" && mkl_avx512=yes
BASELINE=(env LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 bench/pytorch_baseline.py
  "$STEPS" "$BATCHES")
# Speed: rounds of baselines and Tuneledger alternating; the median of the rounds is the figure, each round is shown
# (a 2-core VM varies by about +-10 % from one run to the next, so one pair of runs cannot decide a few percent).
baseline="" tuned="" djl="" generic=""
for round in $(seq "$ROUNDS"); do
  echo "Round $round: plain PyTorch ..."
  baseline+=$("${BASELINE[@]}")$'\n'
  echo "Round $round: plain PyTorch with Tuneledger's allocator settings ..."
  tuned+=$(env "${MALLOC[@]}" "${BASELINE[@]}")$'\n'
  echo "Round $round: Tuneledger (DJL) ..."
  djl+=$(env "${NATIVE[@]}" "${JAVA_BENCH[@]}" speed "$STEPS" "$BATCHES" 2>/dev/null | grep '=')$'\n'
  echo "Round $round: Tuneledger (DJL), MKL's own choice of code ..."
  generic+=$(env "${MALLOC[@]}" "${JAVA_BENCH[@]}" speed "$STEPS" "$BATCHES" 2>/dev/null | grep '=')$'\n'
done
echo "Memory over $LONG sentences ..."
# A fixed, pre-touched heap: the Java heap is resident from the start, so a change in resident memory during the
# run is native memory (tensors, tokenizer), not the heap growing into its maximum.
memory=$(env "${NATIVE[@]}" java -Xms1g -Xmx1g -XX:+AlwaysPreTouch "${JAVA_BENCH[@]:2}" memory "$LONG" 2>/dev/null \
  | grep '=')
echo "$baseline$tuned$djl$generic$memory"

nth() { echo "$1" | sed -n "s/^$2=//p" | sed -n "$3p"; }
val() { nth "$1" "$2" 1; }
highest() { echo "$1" | sed -n "s/^$2=//p" | sort -g | tail -n 1; }
median() {
  echo "$1" | sed -n "s/^$2=//p" | sort -g | awk -v f="$3" '{ a[NR] = $1 }
    END { printf f, NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
b_train=$(median "$baseline" train_seconds_per_step %.3f); d_train=$(median "$djl" train_seconds_per_step %.3f)
t_train=$(median "$tuned" train_seconds_per_step %.3f); t_inf=$(median "$tuned" inference_sentences_per_second %.1f)
b_inf=$(median "$baseline" inference_sentences_per_second %.1f)
d_inf=$(median "$djl" inference_sentences_per_second %.1f)
g_train=$(median "$generic" train_seconds_per_step %.3f); g_inf=$(median "$generic" inference_sentences_per_second %.1f)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|fma)$' | tr '\n' ' ')
{
  echo "# Model-core benchmark"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) by bench/model-core.sh on $(nproc) cores ($cpu; $flags)."
  echo "Load average before the run: $load."
  echo "Baseline: plain PyTorch $(val "$baseline" torch_version) (Debian, OpenBLAS) in the same run, same shapes;"
  echo "$ROUNDS rounds alternating baseline and Tuneledger, each figure the median of the rounds (every round below)."
  echo "Training: median step after two warm-up steps of $STEPS; inference: $BATCHES batches after one warm-up batch,"
  echo "measured before training."
  echo
  echo "| figure | plain PyTorch | Tuneledger (DJL) | ratio |"
  echo "|---|---|---|---|"
  echo "| MiniLM training, s/step (16 x 128, AdamW, clipping) | $b_train | $d_train | $(ratio "$d_train" "$b_train") x the time |"
  echo "| MiniLM inference, sentences/s (32 x 128) | $b_inf | $d_inf | $(ratio "$d_inf" "$b_inf") x the speed |"
  echo
  echo "Tuneledger runs in its server's native environment (bin/native-env; docs/operations.md, Memory and Matrix"
  echo "products): ${MALLOC[*]};"
  echo "MKL's AVX-512 path asked for: $mkl_avx512."
  echo "Plain PyTorch with the same allocator settings, and Tuneledger with MKL's own choice of code"
  echo "(TUNELEDGER_MKL_AVX512=off; the generic path on AMD processors), in the same rounds:"
  echo
  echo "| figure | plain PyTorch, same allocator settings | Tuneledger, MKL's own choice | Tuneledger (DJL) |"
  echo "|---|---|---|---|"
  echo "| MiniLM training, s/step (16 x 128, AdamW, clipping) | $t_train | $g_train | $d_train |"
  echo "| MiniLM inference, sentences/s (32 x 128) | $t_inf | $g_inf | $d_inf |"
  echo
  echo "Tuneledger against plain PyTorch with the same allocator settings: training $(ratio "$d_train" "$t_train") x"
  echo "the time, inference $(ratio "$d_inf" "$t_inf") x the speed; against itself with MKL's own choice of code:"
  echo "training $(ratio "$d_train" "$g_train") x the time, inference $(ratio "$d_inf" "$g_inf") x the speed."
  echo
  echo "Training, s/step, round by round:"
  echo
  echo "| round | plain PyTorch | same allocator settings | Tuneledger, MKL's own choice | Tuneledger (DJL) |" \
    "ratio to plain PyTorch |"
  echo "|---|---|---|---|---|---|"
  for i in $(seq "$ROUNDS"); do
    b=$(nth "$baseline" train_seconds_per_step "$i"); d=$(nth "$djl" train_seconds_per_step "$i")
    echo "| $i | $b | $(nth "$tuned" train_seconds_per_step "$i") | $(nth "$generic" train_seconds_per_step "$i") | $d |" \
      "$(ratio "$d" "$b") |"
  done
  echo
  echo "Long run: Java heap fixed at 1 GB and pre-touched, so changes in resident memory are native memory."
  echo
  echo "| memory (Tuneledger process) | MB |"
  echo "|---|---|"
  echo "| peak resident during training (largest of the rounds) | $(highest "$djl" train_peak_rss_mb) |"
  echo "| resident after 10% of $(val "$memory" long_run_sentences) short sentences | $(val "$memory" long_run_rss_mb_after_10_percent) |"
  echo "| resident at the end of the long run | $(val "$memory" long_run_rss_mb_at_end) |"
  echo "| largest resident during the long run | $(val "$memory" long_run_rss_mb_max) |"
  echo
  echo "Long run throughput: $(val "$memory" long_run_sentences_per_second) sentences/s (5 to 25 words, batch 64)."
} > "$OUT"
cat "$OUT"
