#!/usr/bin/env bash
# The partitions of a score job over the broker against the same partitions in the job server's own threads, and the
# same job with 1, 2 and 3 servers of `bin/tuneledger cluster` on this machine (PostgreSQL installation; each server
# one partition worker, the default). All runs in one go, on one model: the local rows are the baselines.
# 1. One server, the broker's cost: tuneledger.partitions.dispatch=local, then =broker with as many worker slots as
#    partitions (so that both run the same partitions at once), for a 1-partition job of SMALL records (the fixed cost
#    of a dispatch: message, a worker's job and step contexts, the result) and a 6-partition job of RECORDS records.
# 2. Servers: the 6-partition job of RECORDS records on 1 server (partitions in its threads: one server alone does
#    not dispatch), then 2 and 3 servers (over the broker).
# Seconds are the score step's, from the job repository's own times; each figure the median of REPEATS runs.
# Needs the local PostgreSQL; drops and recreates its schema tuneledger. SMALL [48], RECORDS [1200], REPEATS [3],
# TOKENS [64] (train.max.length). Writes bench/results-partitions.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/api.sh
SMALL="${SMALL:-48}" RECORDS="${RECORDS:-1200}" REPEATS="${REPEATS:-3}" TOKENS="${TOKENS:-64}"
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }
[ -f target/tuneledger.war ] && [ -x target/server-postgresql/bin/standalone.sh ] \
  || mvn -B -q package -DskipTests -Ppostgresql
trap 'bin/tuneledger cluster stop >/dev/null' EXIT
url() { echo "https://localhost:$((8443 + 100 * ($1 - 1)))"; }
BASE_OPTS="${TUNELEDGER_JAVA_OPTS:--Xms256m -Xmx2g}"

restart_first() {  # JVM options of node-1 (the others, if any, are stopped)
  bin/tuneledger cluster stop >/dev/null
  TUNELEDGER_JAVA_OPTS="$BASE_OPTS $1" bin/tuneledger cluster start 1 >/dev/null
  TUNELEDGER_URL=$(url 1)
}

inputs() {  # the input files, made from the bundled sample in the shared store's inbox
  local inbox=target/cluster/store/inbox n
  mkdir -p "$inbox"
  for n in "$SMALL" "$RECORDS"; do
    jq -c --slurp --argjson n "$n" '. as $s | range(0; $n) | {id: "\((. / ($s | length)) | floor)/\($s[. % ($s | length)].id)",
      text: $s[. % ($s | length)].text}' samples/spamassassin-sample.jsonl > "$inbox/bench-partitions-$n.jsonl"
  done
}

score() {  # records partitions -> median seconds of the score step over REPEATS runs
  local runs=() i id
  for i in $(seq 1 "$REPEATS"); do
    id=$(post score "{\"model.name\": \"$MODEL\", \"model.version\": \"1\", \"score.partitions\": \"$2\",
      \"input.path\": \"bench-partitions-$1.jsonl\", \"output.path\": \"bench-partitions-$1-$2-$RANDOM$RANDOM.jsonl\"}")
    runs+=("$(await "$id" | step_secs score)")
  done
  printf '%s\n' "${runs[@]}" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}

ratio() { echo "$1 $2" | awk '{printf "%.2f", $2 / $1}'; }

bin/tuneledger cluster stop >/dev/null
psql -q -h 127.0.0.1 -U postgres -d test -c 'DROP SCHEMA IF EXISTS tuneledger CASCADE' 2>/dev/null
rm -rf target/cluster
inputs
restart_first "-Dtuneledger.partitions.dispatch=local"
MODEL=bench-partitions
await "$(post prepare-dataset '{"dataset.name": "bench-partitions", "input.path": "spamassassin-sample.jsonl"}')" >/dev/null
await "$(post fine-tune "{\"dataset.name\": \"bench-partitions\", \"model.name\": \"$MODEL\", \"train.epochs\": \"1\",
  \"train.max.length\": \"$TOKENS\", \"train.batch.size\": \"32\", \"train.learning.rate\": \"2e-4\"}")" >/dev/null

local_small=$(score "$SMALL" 1) local_big=$(score "$RECORDS" 6)
restart_first "-Dtuneledger.partitions.dispatch=broker -Dtuneledger.partition.slots=6"
broker_small=$(score "$SMALL" 1) broker_big=$(score "$RECORDS" 6)
echo "1 partition of $SMALL records: local $local_small s, broker $broker_small s"
echo "6 partitions of $RECORDS records: local $local_big s, broker $broker_big s"

restart_first ""
servers=("| 1 | $(score "$RECORDS" 6) |")
one=${servers[0]#| 1 | } one=${one% |}
for n in 2 3; do
  TUNELEDGER_JAVA_OPTS="$BASE_OPTS" bin/tuneledger cluster start "$n" >/dev/null
  TUNELEDGER_URL=$(url 1)
  s=$(score "$RECORDS" 6)
  servers+=("| $n | $s |")
  echo "$n servers: $s s"
done

cpu=$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni)$' | tr '\n' ' ')
{
  echo "# Partitions over the broker"
  echo
  echo "Measured by \`bench/partitions.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores ($cpu; flags: $flags), the local"
  echo "PostgreSQL and the broker embedded in node-1. A score job of a model fine-tuned on the bundled sample"
  echo "(all-MiniLM-L6-v2, $TOKENS-token texts), in batches of 64 records (the default); seconds of its score step (job repository"
  echo "times), each the median of $REPEATS runs. Ratios travel between machines; seconds do not."
  echo
  echo "## One server: what the broker costs"
  echo
  echo "The same partitions at once both ways (the broker run has as many worker slots as partitions)."
  echo
  echo "| job | in the server's threads (s) | over the broker (s) | broker against threads |"
  echo "|---|---|---|---|"
  echo "| 1 partition of $SMALL records | $local_small | $broker_small | $(ratio "$local_small" "$broker_small") x the time |"
  echo "| 6 partitions of $RECORDS records | $local_big | $broker_big | $(ratio "$local_big" "$broker_big") x the time |"
  echo
  echo "## 1, 2 and 3 servers on this machine"
  echo
  echo "The 6-partition job of $RECORDS records launched on node-1 with the defaults: one server alone runs the"
  echo "partitions in its own threads (6 at once); with more servers they go over the broker, one at a time per server."
  echo
  echo "| servers | seconds | throughput against 1 server |"
  echo "|---|---|---|"
  for row in "${servers[@]}"; do
    s=${row#| * | } s=${s% |}
    echo "${row} $(ratio "$s" "$one") x |"
  done
  echo
  echo "All servers here share the machine's $(nproc) cores, and scoring keeps them busy: more servers split the same"
  echo "cores (each with its own PyTorch threads and its own copy of the model), so this table shows what dispatch"
  echo "costs on one machine, not what N machines give; on N machines each server's partitions run on its own cores"
  echo "(docs/cluster.md, Capacity)."
} > bench/results-partitions.md
cat bench/results-partitions.md
