#!/usr/bin/env bash
# Installs what the platform needs on a Debian 12 machine and is missing: the PostgreSQL 15, Redis and RabbitMQ
# servers (run as local processes, never as system services here), buf (from npm, for the proto checks of ./test.sh)
# and the NuGet packages (dotnet restore).
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (dotnet on PATH); see README.md." >&2
  exit 1
fi

missing=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || missing+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/pg_trgm.control ] || missing+=(postgresql-15)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  echo "Installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  # Debian starts the packaged servers as system services where systemd runs; the platform starts its own.
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# buf lints the protos and checks them for breaking changes (scripts/buf.sh); Node's npm brings it.
if ! command -v buf >/dev/null 2>&1; then
  if ! command -v npm >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  npm install -g --silent @bufbuild/buf@1.75.0 >/dev/null
fi

dotnet restore Platform.sln --verbosity quiet
