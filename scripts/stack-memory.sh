#!/usr/bin/env bash
# Prints the resident memory of the running platform as proportional set size (PSS: each shared page divided among
# the processes sharing it, so the sum is what the stack really holds): every process the app host started (services,
# PostgreSQL, Redis, RabbitMQ, the dashboard), by process name and in total, in MB.
# usage: scripts/stack-memory.sh [--total]   (--total prints the total's MB only)
set -euo pipefail
apphost=$(pgrep -f "AppHost/bin/.*/AppHost" | head -1 || true)
[ -n "$apphost" ] || { echo "no running app host (./run.sh)" >&2; exit 1; }

descendants() { for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done; }
declare -A by_name
total=0
# The app host's orchestrator (dcp) runs detached, watching the app host: its tree holds the services and servers.
roots="$apphost $(pgrep -f -- "dcp start-apiserver --monitor $apphost" || true)"
for pid in $(for root in $roots; do echo "$root"; descendants "$root"; done | sort -u); do
  pss=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
  name=$(cat "/proc/$pid/comm" 2>/dev/null || echo gone)
  by_name[$name]=$(( ${by_name[$name]:-0} + pss ))
  total=$(( total + pss ))
done

if [ "${1:-}" = "--total" ]; then
  echo $(( total / 1024 ))
  exit 0
fi
for name in "${!by_name[@]}"; do
  printf '%-16s %8d MB\n' "$name" $(( by_name[$name] / 1024 ))
done | sort -k2 -n -r
printf '%-16s %8d MB\n' "total" $(( total / 1024 ))
