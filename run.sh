#!/usr/bin/env bash
# Sets up and runs the whole platform: installs what is missing, builds, and starts the Aspire app host, which
# starts PostgreSQL, Redis and RabbitMQ as local processes (data in .data/, kept across restarts) and the
# catalog, trading and metrics services. Ctrl+C stops everything it started.
# On start it loads the national scenario (through the services' gRPC APIs; a second run adds nothing).
#   ./run.sh --wipe          deletes .data/ (every stored record) first
#   ./run.sh --no-scenario   does not load the scenario (the dashboard's Start on scenario-loader does)
#   ./run.sh --scale N       loads N times the nation (1 to 10; with --wipe unless .data/ holds the same scale)
# Other arguments go to the app host as configuration, e.g. --Platform:CertificationNoticePeriod=3.00:00:00
set -euo pipefail
cd "$(dirname "$0")"

apphost_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --wipe)
      echo "Deleting .data/ (PostgreSQL, Redis and RabbitMQ data)"
      rm -rf .data
      ;;
    --no-scenario) apphost_args+=(--Platform:LoadScenario=false) ;;
    --scale)
      [ $# -ge 2 ] || { echo "--scale takes a number from 1 to 10" >&2; exit 2; }
      apphost_args+=("--Platform:ScenarioScale=$2")
      shift
      ;;
    *) apphost_args+=("$1") ;;
  esac
  shift
done

scripts/install-prereqs.sh
dotnet build AppHost/AppHost.csproj -c Release --no-restore --verbosity quiet -nologo
echo "Starting the app host; the dashboard login URL follows (Ctrl+C stops everything)."
exec dotnet run --project AppHost/AppHost.csproj -c Release --no-build --launch-profile http -- "${apphost_args[@]}"
