#!/usr/bin/env bash
# Runs every test of the platform: installs what is missing, lints the protos and checks them for breaking changes
# against the previous commit (scripts/buf.sh), starts throw-away PostgreSQL, Redis and RabbitMQ servers, runs
# `dotnet test` on the whole solution, stops the servers. Exits non-zero when a check or a test fails.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Catalog").
set -euo pipefail
cd "$(dirname "$0")"

scripts/install-prereqs.sh
scripts/buf.sh
dotnet build Platform.sln --no-restore -c Release --verbosity quiet -nologo

state=$(mktemp -d /tmp/platform-test-servers.XXXXXX)
trap 'scripts/test-servers.sh stop "$state"' EXIT
servers=$(scripts/test-servers.sh start "$state")
eval "$servers"

dotnet test Platform.sln --no-build -c Release --logger "console;verbosity=normal" "$@"
