#!/usr/bin/env bash
# Sets up and runs the whole platform: installs what is missing, builds, and starts the Aspire app host, which
# starts PostgreSQL, Redis and RabbitMQ as local processes (data in .data/, kept across restarts) and the
# catalog, trading and metrics services. Ctrl+C stops everything it started.
#   ./run.sh --wipe    deletes .data/ (every stored record) first
set -euo pipefail
cd "$(dirname "$0")"

if [ "${1:-}" = "--wipe" ]; then
  shift
  echo "Deleting .data/ (PostgreSQL, Redis and RabbitMQ data)"
  rm -rf .data
fi

scripts/install-prereqs.sh
dotnet build AppHost/AppHost.csproj --no-restore --verbosity quiet -nologo
echo "Starting the app host; the dashboard login URL follows (Ctrl+C stops everything)."
exec dotnet run --project AppHost/AppHost.csproj --no-build --launch-profile http -- "$@"
