# Sourced by the benchmark scripts: their curl calls authenticate as a development user of the provisioned server
# (target/dev-credentials.properties, written by mvn package; role BENCH_ROLE [admin]). The password reaches curl
# through a pipe, never on a command line.
# The server's certificate is checked against the development one written at provisioning (target/dev-tls/).
curl() {
  local role="${BENCH_ROLE:-admin}" password
  password=$(sed -n "s/^$role\.password=//p" target/dev-credentials.properties 2>/dev/null)
  command curl --cacert target/dev-tls/server-cert.pem -K <(printf 'user = "%s:%s"\n' "$role" "$password") "$@"
}
