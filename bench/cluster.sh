#!/usr/bin/env bash
# Jobs per hour with 1, 2 and 3 servers sharing one PostgreSQL database and data store (bin/tuneledger cluster), on
# this machine: JOBS fine-tunes of the bundled sample launched at once, spread round-robin over the servers, timed
# from the first job's start to the last one's end by the job repository's own times. The 1-server run is the
# baseline, measured in the same run. Needs the local PostgreSQL; drops and recreates its schema tuneledger.
# JOBS [6], SERVERS ["1 2 3"], TOKENS [32] (train.max.length). Writes bench/results-cluster.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/api.sh
JOBS="${JOBS:-6}" SERVERS="${SERVERS:-1 2 3}" TOKENS="${TOKENS:-32}"
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }
[ -f target/tuneledger.war ] && [ -x target/server-postgresql/bin/standalone.sh ] \
  || mvn -B -q package -DskipTests -Ppostgresql
trap 'bin/tuneledger cluster stop >/dev/null' EXIT
url() { echo "https://localhost:$((8443 + 100 * ($1 - 1)))"; }
params() {
  jq -nc --arg d "$1" --arg m "$2" --arg t "$TOKENS" '{"dataset.name": $d, "model.name": $m, "train.epochs": "1",
    "train.max.length": $t, "train.batch.size": "32", "train.learning.rate": "2e-4", "checkpoint.every.steps": "6"}'
}

rows=()
baseline=""
for n in $SERVERS; do
  bin/tuneledger cluster stop >/dev/null
  psql -q -h 127.0.0.1 -U postgres -d test -c 'DROP SCHEMA IF EXISTS tuneledger CASCADE' 2>/dev/null
  rm -rf target/cluster
  bin/tuneledger cluster start "$n"
  TUNELEDGER_URL=$(url 1)
  data="bench-cluster-$n"
  await "$(post prepare-dataset "{\"dataset.name\": \"$data\", \"input.path\": \"spamassassin-sample.jsonl\"}")" >/dev/null
  launched=()
  for j in $(seq 1 "$JOBS"); do
    node=$(( (j - 1) % n + 1 ))
    TUNELEDGER_URL=$(url "$node")
    launched+=("$node:$(post fine-tune "$(params "$data" "bench-cluster-$n-$j")")")
  done
  first="" last=""
  for entry in "${launched[@]}"; do
    TUNELEDGER_URL=$(url "${entry%%:*}")
    json=$(await "${entry#*:}")
    start=$(echo "$json" | jq -r "$T"' t(.startTime)') end=$(echo "$json" | jq -r "$T"' t(.endTime)')
    first=$(echo "${first:-$start} $start" | awk '{print ($1 < $2) ? $1 : $2}')
    last=$(echo "${last:-$end} $end" | awk '{print ($1 > $2) ? $1 : $2}')
  done
  seconds=$(echo "$first $last" | awk '{printf "%.1f", $2 - $1}')
  perhour=$(echo "$seconds" | awk -v j="$JOBS" '{printf "%.0f", j * 3600 / $1}')
  baseline="${baseline:-$seconds}"
  ratio=$(echo "$baseline $seconds" | awk '{printf "%.2f", $1 / $2}')
  echo "$n server(s): $JOBS fine-tunes in $seconds s ($perhour an hour), ${ratio}x the 1-server throughput"
  rows+=("| $n | $seconds | $perhour | ${ratio} x |")
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni)$' | tr '\n' ' ')
{
  echo "# Several servers on one machine: jobs per hour"
  echo
  echo "Measured by \`bench/cluster.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores ($cpu; flags: $flags), the local"
  echo "PostgreSQL. $JOBS fine-tunes of the bundled sample (all-MiniLM-L6-v2, 1 epoch of $TOKENS-token texts in batches of"
  echo "32) launched at once and spread round-robin over the servers; the time from the first job's start to the last"
  echo "one's end (job repository times). Ratios travel between machines; seconds do not."
  echo
  echo "| servers | seconds for $JOBS jobs | jobs an hour | throughput against 1 server |"
  echo "|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "All servers share this machine's $(nproc) cores, and a fine-tune keeps them all busy: more servers here split the"
  echo "same cores, each with its own PyTorch threads competing with the others' and its own copy of the model loaded, so"
  echo "the table is what that costs on one machine, not what N machines give. On N machines the jobs of N servers run"
  echo "on N machines' cores (docs/cluster.md, Capacity). The 1-server row also shows $JOBS trainings at once on one"
  echo "server completing (they take turns in their forward and backward passes)."
} > bench/results-cluster.md
cat bench/results-cluster.md
