#!/usr/bin/env bash
# search benchmark: question answering by retrieval at corpus scale. Training sentences/s of a retrieval fine-tune,
# corpus embedding sentences/s of the search job on DOCUMENTS documents (default 100,000) with 2 partitions, queries/s
# on that index, the second search of the same corpus (the index reused), and the server's memory. The baseline,
# measured in the same run: the search job embedding BASELINE documents (default 10,000) with 1 partition.
# Writes bench/results-search.md. Run it on an idle machine: two heavy processes at once slow each other down.
#
#   bench/search.sh                       # documents: the texts of ../shared/datasets/spamassassin/spamassassin.jsonl
#   CORPUS=/data/docs.jsonl DOCUMENTS=20000 bench/search.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/api.sh
CORPUS="${CORPUS:-../shared/datasets/spamassassin/spamassassin.jsonl}"
DOCUMENTS="${DOCUMENTS:-100000}"
BASELINE="${BASELINE:-10000}"
QUERIES="${QUERIES:-1000}"
OUT=bench/results-search.md
export TUNELEDGER_URL="${TUNELEDGER_URL:-https://localhost:8443}"
[ -f "$CORPUS" ] || { echo "no corpus at $CORPUS (set CORPUS=...)" >&2; exit 2; }

bench_server
pid=$(cat target/tuneledger-server.pid)

store=target/server/standalone/data/tuneledger
mkdir -p "$store/inbox"
rm -f "$store"/inbox/bench-*.jsonl "$store"/outbox/bench-*.jsonl  # an earlier run's files
# The corpus: the input's texts in turn, each copy with its own id, until there are DOCUMENTS of them.
jq -c --argjson n "$DOCUMENTS" -n '[inputs | .text] as $t | range(0; $n) | {id: "d\(.)", text: $t[. % ($t|length)]}' \
  "$CORPUS" > "$store/inbox/bench-corpus.jsonl"
head -n "$BASELINE" "$store/inbox/bench-corpus.jsonl" > "$store/inbox/bench-corpus-baseline.jsonl"
# The queries: the bundled sample's questions in turn.
jq -c --argjson n "$QUERIES" -n '[inputs | .query] as $q | range(0; $n) | {id: "q\(.)", text: $q[. % ($q|length)]}' \
  samples/manpages-qa-en.jsonl > "$store/inbox/bench-queries.jsonl"
echo "Load before the run: $(cut -d' ' -f1-3 /proc/loadavg) (should be near 0); $DOCUMENTS documents, $QUERIES queries"

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s <= 0) printf "n/a"; else printf "%.1f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo "A retrieval model: prepare the bundled pairs, fine-tune all-MiniLM-L6-v2 (1 epoch, 128 tokens) ..."
await "$(post prepare-dataset '{"dataset.name": "bench-search", "task": "retrieval", "input.path": "manpages-qa-en.jsonl",
  "positive.id.field": "doc"}')" >/dev/null
pairs=$(curl -sf "$TUNELEDGER_URL/api/datasets/bench-search/versions/latest" | jq -r .splits.train.records)
trained=$(await "$(post fine-tune '{"dataset.name": "bench-search", "model.name": "bench-search", "train.epochs": "1"}')")
t_train=$(echo "$trained" | step_secs train)
version=$(curl -sf "$TUNELEDGER_URL/api/models/bench-search/versions/latest" | jq -r .version)
search_params() {  # corpus, partitions, output
  echo "{\"model.name\": \"bench-search\", \"model.version\": \"$version\", \"corpus.path\": \"$1\",
    \"queries.path\": \"bench-queries.jsonl\", \"search.partitions\": \"$2\", \"output.path\": \"$3\"}"
}

echo "Warm-up (JIT, model load) ..."
head -200 "$store/inbox/bench-corpus.jsonl" > "$store/inbox/bench-warm.jsonl"
await "$(post search "$(search_params bench-warm.jsonl 1 bench-warm.jsonl)")" >/dev/null
rm -rf "$store/indexes/bench-search-v$version"
rss_idle=$(rss_kb)

echo "Baseline: $BASELINE documents, 1 partition ..."
base=$(await "$(post search "$(search_params bench-corpus-baseline.jsonl 1 bench-baseline.jsonl)")")
t_base=$(echo "$base" | step_secs embed)
rm -rf "$store/indexes/bench-search-v$version"  # so that the index below is the full corpus's only

echo "$DOCUMENTS documents, 2 partitions, $QUERIES queries ..."
peak=$rss_idle
id=$(post search "$(search_params bench-corpus.jsonl 2 bench-full.jsonl)")
while :; do
  json=$(curl -sf "$TUNELEDGER_URL/api/executions/$id")
  now=$(rss_kb); [ "$now" -gt "$peak" ] && peak=$now
  case $(echo "$json" | jq -r .batchStatus) in COMPLETED) break;; FAILED|STOPPED|ABANDONED) echo "search failed" >&2; exit 1;; esac
  sleep 0.5
done
full=$(await "$id")
t_embed=$(echo "$full" | step_secs embed); t_index=$(echo "$full" | step_secs index)
t_search=$(echo "$full" | step_secs search); t_full=$(echo "$full" | secs)
index=$(ls "$store/indexes/bench-search-v$version/"*.tlembed)
index_mb=$(du -m "$index" | cut -f1)

echo "The same corpus again: the index reused ..."
again=$(await "$(post search "$(search_params bench-corpus.jsonl 2 bench-again.jsonl)")")
t_again=$(echo "$again" | secs)
same=$(cmp -s "$store/outbox/bench-full.jsonl" "$store/outbox/bench-again.jsonl" && echo "the same" || echo "DIFFERENT")

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512_vnni|amx_tile)$' | tr '\n' ' ')
base_rate=$(rate "$BASELINE" "$t_base")
{
  echo "# search benchmark"
  echo
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ) by bench/search.sh on $(nproc) cores ($cpu; flags: ${flags:-none of avx2/avx512}),"
  echo "WildFly as provisioned by \`mvn package\`. Model: all-MiniLM-L6-v2 fine-tuned for retrieval on the bundled"
  echo "manual-page pairs (one epoch, 128 tokens). Corpus: $DOCUMENTS documents, the texts of $(basename "$CORPUS") in"
  echo "turn (raw mails, cleaned and redacted as the model's training data was, cut to 128 tokens); queries: $QUERIES of the"
  echo "sample's questions in turn; top 10. Times are the steps' own start and end times from the job repository, after"
  echo "one warm-up run. The baseline is the search job's embedding of the first $BASELINE documents with 1 partition,"
  echo "measured in the same run; every other figure is given against it."
  echo
  echo "| figure | measured | against the baseline |"
  echo "|---|---|---|"
  echo "| baseline: corpus embedding, 1 partition, $BASELINE documents | $base_rate sentences/s | 1.00 |"
  echo "| corpus embedding, 2 partitions, $DOCUMENTS documents | $(rate "$DOCUMENTS" "$t_embed") sentences/s ($t_embed s) | $(ratio "$(rate "$DOCUMENTS" "$t_embed")" "$base_rate") x the speed |"
  echo "| index file built from the parts (\`index\` step) | $t_index s, $index_mb MB | |"
  echo "| queries on the $DOCUMENTS-document index (\`search\` step) | $(rate "$QUERIES" "$t_search") queries/s | |"
  echo "| training (fine-tune's \`train\` step, query and answer of $pairs pairs) | $(rate $((pairs * 2)) "$t_train") sentences/s | $(ratio "$(rate $((pairs * 2)) "$t_train")" "$base_rate") x the speed |"
  echo "| whole search job, first time | $t_full s | |"
  echo "| the same search again (index reused, no embedding) | $t_again s | $(ratio "$t_again" "$t_full") x the first's time |"
  echo "| server memory (RSS) after the warm-up | $(mb "$rss_idle") MB | |"
  echo "| server memory (RSS), peak during the $DOCUMENTS-document search | $(mb "$peak") MB | $(ratio "$peak" "$rss_idle") x the idle |"
  echo
  echo "The second search's results are $same as the first's, byte for byte."
} > "$OUT"
cat "$OUT"
