#!/usr/bin/env bash
# Development users, one a role (admin, operator, auditor), for the provisioned server SERVER_DIR.
# Passwords are random and kept in CREDENTIALS (mode 600, under target/, never committed) so that bin/tuneledger,
# the demo and the tests can use them; an existing CREDENTIALS file is reused, so rebuilding keeps the passwords.
# The server gets only MD5 digests of user:Tuneledger:password (the Elytron properties realm's format).
# Run by Maven at package time, after provisioning: dev-users.sh SERVER_DIR CREDENTIALS
set -euo pipefail
server="$1" credentials="$2"
config="$server/standalone/configuration"
[ -d "$config" ] || { echo "dev-users.sh: $config does not exist" >&2; exit 1; }
umask 077
roles=(admin operator auditor)
if [ ! -s "$credentials" ]; then
  tmp="$credentials.tmp"
  {
    echo "# Development users of the provisioned server (random passwords, written at provisioning). Never commit."
    for role in "${roles[@]}"; do
      echo "$role.user=$role"
      echo "$role.password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | cut -c1-24)"
    done
  } > "$tmp"
  mv "$tmp" "$credentials"
fi
chmod 600 "$credentials"
value() { sed -n "s/^$1=//p" "$credentials" | head -1; }
users="$config/tuneledger-users.properties" groups="$config/tuneledger-roles.properties"
{
  echo "# Tuneledger users: user=HEX(MD5(user:Tuneledger:password)). Written by wildfly-config/dev-users.sh."
  echo '#$REALM_NAME=Tuneledger$'
  for role in "${roles[@]}"; do
    user=$(value "$role.user") password=$(value "$role.password")
    [ -n "$user" ] && [ -n "$password" ] || { echo "dev-users.sh: $credentials lacks $role.user or $role.password" >&2; exit 1; }
    echo "$user=$(printf '%s' "$user:Tuneledger:$password" | md5sum | cut -d' ' -f1)"
  done
} > "$users"
{
  echo "# Tuneledger roles: user=role[,role]. Written by wildfly-config/dev-users.sh."
  for role in "${roles[@]}"; do echo "$(value "$role.user")=$role"; done
} > "$groups"
echo "dev-users.sh: users admin, operator, auditor in $config; their passwords in $credentials"
