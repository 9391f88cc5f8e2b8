#!/usr/bin/env bash
# score benchmark: sentences/s of the score job at 1 and 2 partitions on the full SpamAssassin corpus (6,046 raw
# mails, cleaned as the model's training data was, 128 tokens), and the time one kill -9 of the server costs a
# scoring run. 1 partition is the baseline, measured in the same run. Writes bench/results-score.md.
# Run it on an idle machine: two heavy processes at once slow each other down several times.
#
#   bench/score.sh                                 # corpus from ../shared/datasets/spamassassin/spamassassin.jsonl
#   CORPUS=/data/mails.jsonl ROUNDS=2 bench/score.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/api.sh
CORPUS="${CORPUS:-../shared/datasets/spamassassin/spamassassin.jsonl}"
ROUNDS="${ROUNDS:-1}"
OUT=bench/results-score.md
export TUNELEDGER_URL="${TUNELEDGER_URL:-https://localhost:8443}"
[ -f "$CORPUS" ] || { echo "no corpus at $CORPUS (set CORPUS=...)" >&2; exit 2; }

bench_server

store=target/server/standalone/data/tuneledger
mkdir -p "$store/inbox"
cp "$CORPUS" "$store/inbox/bench-score.jsonl"
records=$(grep -c . "$CORPUS")
echo "Load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (should be near 0); $records records"

now() { date +%s.%N; }

echo "A model to score with (head-only fine-tune of all-MiniLM-L6-v2, 128 tokens) ..."
await "$(post prepare-dataset '{"dataset.name": "bench-score", "input.path": "spamassassin-sample.jsonl"}')" >/dev/null
await "$(post fine-tune '{"dataset.name": "bench-score", "model.name": "bench-score", "train.mode": "head",
  "train.epochs": "1"}')" >/dev/null
score_params() { echo "{\"model.name\": \"bench-score\", \"input.path\": \"bench-score.jsonl\", \"score.partitions\": \"$1\", \"output.path\": \"bench-$2.jsonl\"}"; }

echo "Warm-up (JIT, model load) ..."
head -200 "$CORPUS" > "$store/inbox/bench-warm.jsonl"
await "$(post score '{"model.name": "bench-score", "input.path": "bench-warm.jsonl", "output.path": "bench-warm.jsonl"}')" >/dev/null
one="" two=""
for round in $(seq "$ROUNDS"); do
  echo "Round $round: 1 partition ..."; one+="$(await "$(post score "$(score_params 1 "p1-$round")")" | secs)"$'\n'
  echo "Round $round: 2 partitions ..."; two+="$(await "$(post score "$(score_params 2 "p2-$round")")" | secs)"$'\n'
done
best() { echo "$1" | grep . | sort -g | sed -n 1p; }
t1=$(best "$one"); t2=$(best "$two")
sha_ref=$(sha256sum "$store/outbox/bench-p2-1.jsonl" | cut -c1-64)

echo "2 partitions, the server killed with SIGKILL half-way, started again, the execution restarted ..."
t0=$(now)
id=$(post score "$(score_params 2 kill)")
instance=$(curl -sf "$TUNELEDGER_URL/api/executions/$id" | jq -r .instanceId)
while :; do
  lines=$(cat "$store/runs/$instance/score/part-"*.jsonl 2>/dev/null | wc -l)
  [ "$lines" -ge $((records / 2)) ] && break
  sleep 0.2
done
t_kill=$(now)
pid=$(cat target/tuneledger-server.pid)
kill -9 "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
rm -f target/tuneledger-server.pid
t_down=$(now)
bin/tuneledger server start >/dev/null
t_up=$(now)
restarted=$(curl -sf -X POST -H 'Content-Type: application/json' "$TUNELEDGER_URL/api/executions/$id/restart" -d '{}' | jq -r .executionId)
t_rest=$(await "$restarted" | secs)
sha_kill=$(sha256sum "$store/outbox/bench-kill.jsonl" | cut -c1-64)
before=$(awk -v a="$t0" -v b="$t_kill" 'BEGIN { printf "%.1f", b - a }')
server=$(awk -v a="$t_down" -v b="$t_up" 'BEGIN { printf "%.1f", b - a }')
lost=$(awk -v a="$before" -v r="$t_rest" -v u="$t2" 'BEGIN { printf "%.1f", a + r - u }')

rate() { awk -v n="$records" -v s="$1" 'BEGIN { printf "%.1f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
{
  echo "# score benchmark"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) by bench/score.sh on $(nproc) cores ($cpu), WildFly as provisioned by"
  echo "\`mvn package\`. Input: the full SpamAssassin corpus, $records raw mails, cleaned and redacted as the model's"
  echo "training data was; model: all-MiniLM-L6-v2 with a trained head, texts cut to 128 tokens; a checkpoint after"
  echo "every 64 records of a partition. Times are the executions' own start and end times from the job repository"
  echo "(the score step and the merge into one output file); one warm-up run first; best of $ROUNDS."
  echo
  echo "| figure | 1 partition (baseline) | 2 partitions | ratio |"
  echo "|---|---|---|---|"
  echo "| job, s | $t1 | $t2 | $(ratio "$t2" "$t1") x the time |"
  echo "| sentences/s | $(rate "$t1") | $(rate "$t2") | $(ratio "$t1" "$t2") x the speed |"
  echo
  echo "One kill -9 (2 partitions, killed when half the records were scored):"
  echo
  echo "| figure | s |"
  echo "|---|---|"
  echo "| uninterrupted run (best above) | $t2 |"
  echo "| killed run, start to kill | $before |"
  echo "| server start after the kill (not counted below) | $server |"
  echo "| restarted execution, start to end | $t_rest |"
  echo "| time lost to the kill (killed run + restart - uninterrupted) | $lost |"
  echo
  echo "Output of the killed-and-restarted run $( [ "$sha_kill" = "$sha_ref" ] && echo "equals" || echo "DIFFERS FROM" )"
  echo "the uninterrupted run's, byte for byte (SHA-256 ${sha_kill:0:16}...). What a kill costs: the records scored"
  echo "since each partition's last checkpoint (at most 64 a partition) are scored again, and each partition loads"
  echo "the model again on the restart."
} > "$OUT"
cat "$OUT"
