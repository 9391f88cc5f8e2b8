#!/usr/bin/env bash
# Development TLS for the provisioned server SERVER_DIR: a key pair and a self-signed certificate for localhost
# (127.0.0.1, ::1), made at provisioning, never committed. Kept in TLS_DIR (under target/, mode 700) and reused by
# later builds, so a certificate a browser was told to trust stays valid:
#   server.p12        the key store (PKCS#12) that the server uses, copied to standalone/configuration/tuneledger-tls.p12
#   server.password   its random password (mode 600)
#   server-cert.pem   the certificate, for clients: curl --cacert, bin/tuneledger, a browser's trust settings
#   truststore.p12    the certificate alone in a PKCS#12 trust store for Java clients (password "changeit": it holds
#                     nothing secret)
# Then runs wildfly-config/tls.cli on the provisioned server (embedded, offline) with the key store's password.
# Run by Maven at package time, after provisioning: dev-tls.sh SERVER_DIR TLS_DIR
set -euo pipefail
server="$1" dir="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
config="$server/standalone/configuration"
[ -d "$config" ] || { echo "dev-tls.sh: $config does not exist" >&2; exit 1; }
keytool="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"
umask 077
mkdir -p "$dir"
chmod 700 "$dir"
if [ ! -s "$dir/server.p12" ] || [ ! -s "$dir/server.password" ] || [ ! -s "$dir/truststore.p12" ]; then
  rm -f "$dir/server.p12" "$dir/server.password" "$dir/server-cert.pem" "$dir/truststore.p12"
  head -c 24 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-24 > "$dir/server.password.tmp"
  "$keytool" -genkeypair -alias tuneledger -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA -validity 825 \
    -dname "CN=localhost, OU=development only, O=Tuneledger" -ext "SAN=dns:localhost,ip:127.0.0.1,ip:::1" \
    -ext "EKU=serverAuth" -keystore "$dir/server.p12" -storetype PKCS12 \
    -storepass:file "$dir/server.password.tmp" 2>/dev/null
  "$keytool" -exportcert -rfc -alias tuneledger -keystore "$dir/server.p12" -storetype PKCS12 \
    -storepass:file "$dir/server.password.tmp" -file "$dir/server-cert.pem" 2>/dev/null
  "$keytool" -importcert -noprompt -alias tuneledger-development -file "$dir/server-cert.pem" \
    -keystore "$dir/truststore.p12" -storetype PKCS12 -storepass changeit 2>/dev/null
  mv "$dir/server.password.tmp" "$dir/server.password"
fi
chmod 644 "$dir/server-cert.pem"
cp "$dir/server.p12" "$config/tuneledger-tls.p12"
chmod 600 "$config/tuneledger-tls.p12"
commands="$dir/tls-commands.cli"
trap 'rm -f "$commands"' EXIT
{
  echo "embed-server --server-config=standalone.xml --std-out=discard"
  echo "set keystorePassword=$(cat "$dir/server.password")"
  cat "$here/tls.cli"
  echo "stop-embedded-server"
} > "$commands"
JAVA_OPTS="${JAVA_OPTS:-} -Djava.net.preferIPv4Stack=true" "$server/bin/jboss-cli.sh" --file="$commands" >/dev/null
echo "dev-tls.sh: HTTPS on port 8443 with a development certificate for localhost; clients trust $dir/server-cert.pem"
