#!/usr/bin/env bash
# Load benchmark of the operations surface: 50 concurrent launches (25 idempotency keys, each sent twice at once)
# and 500 status polls from 20 concurrent clients against one server, while the launched prepare-dataset jobs run.
# Checks: no failed request, exactly one execution per idempotency key, every execution completes. Figures: latency
# of a status poll and of loading the admin console under that load, as ratios against the same requests on the idle
# server, measured in the same run. Writes bench/results-load.md. Run it on an idle machine.
#
#   bench/load.sh                      # KEYS=25 POLLS=500 CLIENTS=20
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/api.sh
KEYS="${KEYS:-25}" POLLS="${POLLS:-500}" CLIENTS="${CLIENTS:-20}"
OUT=bench/results-load.md
export TUNELEDGER_URL="${TUNELEDGER_URL:-https://localhost:8443}"
bench_server
work=$(mktemp -d)
run=$(date +%s)
echo "Load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (should be near 0)"

# latency PATH COUNT PARALLEL -> one "seconds http_code" line per request
latency() {
  seq "$2" | xargs -P "$3" -I{} bash -c '. bench/api.sh; curl -s -o /dev/null -w "%{time_total} %{http_code}\n" \
    "$TUNELEDGER_URL$0"' "$1"
}
# console COUNT PARALLEL -> one "seconds worst_http_code" line per load of the console's executions page: the page,
# its script and chart library, and the API calls the page makes (caller, job catalog, first page of executions).
console() {
  seq "$1" | xargs -P "$2" -I{} bash -c '. bench/api.sh; u=$TUNELEDGER_URL; s=$(date +%s.%N)
    codes=$(curl -s -w "%{http_code} " -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
      "$u/" "$u/assets/console.js" "$u/webjars/uplot/1.6.30/dist/uPlot.iife.min.js" "$u/api/system/me" "$u/api/jobs" \
      "$u/api/executions?offset=0&limit=20")
    worst=200; for c in $codes; do [ "$c" = 200 ] || worst=$c; done
    awk -v a="$(date +%s.%N)" -v b="$s" -v w="$worst" "BEGIN {printf \"%.4f %s\n\", a - b, w}"'
}
# stats FILE -> "p50 p95 errors" (seconds; errors = answers other than 200)
stats() {
  sort -n "$1" | awk '{t[NR]=$1; if ($2 != 200) e++} END {printf "%.4f %.4f %d\n", t[int(NR*0.5)+1], t[int(NR*0.95)], e+0}'
}

# Warm-up: one job run to its end; its execution is the one polled, idle and under load.
first=$(curl -sf -X POST -H 'Content-Type: application/json' "$TUNELEDGER_URL/api/jobs/prepare-dataset/executions" \
  -d "{\"parameters\": {\"dataset.name\": \"load-$run-warm-up\", \"input.path\": \"spamassassin-sample.jsonl\"}}" \
  | jq -r .executionId)
until curl -sf "$TUNELEDGER_URL/api/executions/$first" | jq -e '.batchStatus == "COMPLETED"' >/dev/null; do sleep 1; done
# The idle baseline: the same requests as under load, one client at a time.
latency "/api/executions/$first" 20 1 > /dev/null
latency "/api/executions/$first" 100 1 > "$work/poll-idle"
console 100 1 > "$work/page-idle"

# 50 launches at once: each key twice, with the same parameters.
for k in $(seq "$KEYS"); do for copy in 1 2; do echo "$k"; done; done > "$work/launch-plan"
t0=$(date +%s.%N)
xargs -P 50 -I{} bash -c '. bench/api.sh; curl -s -o "'"$work"'/launch-{}-$$" -w "%{http_code}\n" -X POST \
  -H "Content-Type: application/json" -H "Idempotency-Key: load-'"$run"'-{}" \
  "$TUNELEDGER_URL/api/jobs/prepare-dataset/executions" \
  -d "{\"parameters\": {\"dataset.name\": \"load-'"$run"'-{}\", \"input.path\": \"spamassassin-sample.jsonl\"}}"' \
  < "$work/launch-plan" > "$work/launch-codes"
launch_seconds=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN {printf "%.1f", a - b}')
launch_errors=$(grep -cvE '^(200|202)$' "$work/launch-codes" || true)
for k in $(seq "$KEYS"); do
  cat "$work"/launch-"$k"-* | jq -r .executionId | sort -u | wc -l
done > "$work/ids-per-key"
duplicates=$(grep -cv '^1$' "$work/ids-per-key" || true)
cat "$work"/launch-*-* | jq -r .executionId | sort -u > "$work/executions"
executions=$(wc -l < "$work/executions")

# 500 status polls from 20 clients, and console page loads, while the jobs run.
latency "/api/executions/$first" "$POLLS" "$CLIENTS" > "$work/poll-load" &
polls=$!
console 100 4 > "$work/page-load"
wait "$polls"

# Every execution must complete.
failed=0
for id in $(cat "$work/executions"); do
  while :; do
    status=$(curl -sf "$TUNELEDGER_URL/api/executions/$id" | jq -r .batchStatus)
    case "$status" in COMPLETED) break;; FAILED|STOPPED|ABANDONED) failed=$((failed + 1)); break;; esac
    sleep 2
  done
done
all_seconds=$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN {printf "%.0f", a - b}')

read -r pi50 pi95 pie < <(stats "$work/poll-idle")
read -r pl50 pl95 ple < <(stats "$work/poll-load")
read -r gi50 gi95 gie < <(stats "$work/page-idle")
read -r gl50 gl95 gle < <(stats "$work/page-load")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }
{
  echo "# Load: concurrent launches and status polls"
  echo
  echo "Measured $(date -u +%F) by \`bench/load.sh\` on this machine ($(nproc) cores), one WildFly with the embedded H2"
  echo "database. $((KEYS * 2)) launches of prepare-dataset at once ($KEYS idempotency keys, each sent twice at the same"
  echo "time with the same parameters), then $POLLS status polls from $CLIENTS concurrent clients and 100 loads of the"
  echo "admin console from 4 clients while the $executions jobs ran (each reads, cleans and tokenises the 700 sample"
  echo "mails). Idle figures: the same requests one at a time before the launches, in the same run. The status poll"
  echo "asks for one finished execution with its steps; a console load is what the browser fetches to show the"
  echo "executions page: the page, its script, the chart library, and the API calls for the caller, the job catalog"
  echo "and the first 20 executions."
  echo
  echo "| check | result |"
  echo "|---|---|"
  echo "| launch requests answered other than 200/202 | $launch_errors of $((KEYS * 2)) |"
  echo "| idempotency keys with more than one execution | $duplicates of $KEYS |"
  echo "| executions started | $executions (one per key) |"
  echo "| executions not COMPLETED | $failed |"
  echo "| status polls answered other than 200 (under load) | $ple of $POLLS |"
  echo "| console loads with an answer other than 200 (under load) | $gle of 100 |"
  echo
  echo "| figure | idle | under load | ratio |"
  echo "|---|---|---|---|"
  echo "| status poll, median s | $pi50 | $pl50 | $(ratio "$pl50" "$pi50")x |"
  echo "| status poll, p95 s | $pi95 | $pl95 | $(ratio "$pl95" "$pi95")x |"
  echo "| console load, median s | $gi50 | $gl50 | $(ratio "$gl50" "$gi50")x |"
  echo "| console load, p95 s | $gi95 | $gl95 | $(ratio "$gl95" "$gi95")x |"
  echo
  echo "All $((KEYS * 2)) launches answered in $launch_seconds s; all $executions executions completed $all_seconds s after"
  echo "the first launch."
} > "$OUT"
cat "$OUT"
rm -rf "$work"
[ "$launch_errors" = 0 ] && [ "$duplicates" = 0 ] && [ "$failed" = 0 ] && [ "$ple" = 0 ] && [ "$gle" = 0 ]
