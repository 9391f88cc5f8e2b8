# Sourced by the benchmark scripts: their curl calls authenticate as a development user of the provisioned server
# (target/dev-credentials.properties, written by mvn package; role BENCH_ROLE [admin]). The password reaches curl
# through a pipe, never on a command line.
# The server's certificate is checked against the development one written at provisioning (target/dev-tls/).
curl() {
  local role="${BENCH_ROLE:-admin}" password
  password=$(sed -n "s/^$role\.password=//p" target/dev-credentials.properties 2>/dev/null)
  command curl --cacert target/dev-tls/server-cert.pem -K <(printf 'user = "%s:%s"\n' "$role" "$password") "$@"
}

# Launching and timing jobs through the REST API (TUNELEDGER_URL), for the benchmark scripts.
post() {  # job, parameters JSON -> execution id
  curl -sf -X POST -H 'Content-Type: application/json' "$TUNELEDGER_URL/api/jobs/$1/executions" \
    -d "{\"parameters\": $2}" | jq -r .executionId
}
await() {  # execution id -> its JSON once it ends
  local json
  while :; do
    json=$(curl -sf "$TUNELEDGER_URL/api/executions/$1") || { sleep 1; continue; }
    case $(echo "$json" | jq -r .batchStatus) in
      COMPLETED) echo "$json"; return;;
      FAILED|STOPPED|ABANDONED) echo "execution $1 ended $(echo "$json" | jq -r .batchStatus)" >&2; exit 1;;
    esac
    sleep 0.5
  done
}
# Seconds of a step (or of the whole execution without a step name), from the job repository's own times.
T='def t(s): (s | sub("\\.[0-9]+"; "") | fromdateiso8601) + (s | capture("\\.(?<f>[0-9]+)").f // "0" | ("0." + .) | tonumber);'
secs() { jq -r "$T"' t(.endTime) - t(.startTime)' | xargs printf '%.2f\n'; }
step_secs() { jq -r --arg s "$1" "$T"' .steps[] | select(.stepName == $s) | t(.endTime) - t(.startTime)' | xargs printf '%.2f\n'; }

# Makes sure jq is there and the server is built (mvn package when it is not), starts the provisioned server unless
# one is running, and stops it again when the script exits if it started it.
bench_server() {
  command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }
  [ -f target/tuneledger.war ] && [ -x target/server/bin/standalone.sh ] || mvn -B -q package -DskipTests
  started=0
  if ! bin/tuneledger server status >/dev/null 2>&1; then bin/tuneledger server start; started=1; fi
  trap '[ "$started" = 1 ] && bin/tuneledger server stop' EXIT
}
