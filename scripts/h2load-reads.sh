#!/usr/bin/env bash
# Measures the unary reads with h2load — an independent client that sends no trace context, the way other teams'
# clients call — each as a ratio to its service's empty call (grpc.health.v1 Check), the two alternating three times
# (medians; h2load_pair), on one connection with 32 streams. Prints a Markdown table. The request bodies come from the
# load tool (--h2load-bodies), which calls each once first: h2load counts HTTP 200 as success whatever the grpc-status.
# usage: scripts/h2load-reads.sh [seconds per run, default 5] [rounds, default 3]   (against the running platform)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-5}
rounds=${2:-3}
streams=32

if ! command -v h2load >/dev/null 2>&1; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends nghttp2-client >/dev/null
fi

work=$(mktemp -d /tmp/h2load-reads.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build tools/Platform.LoadTest -c Release --verbosity quiet -nologo >/dev/null
dotnet run --project tools/Platform.LoadTest -c Release --no-build -- --h2load-bodies "$work" >&2

source scripts/h2load-common.sh

declare -A baseline_url
while IFS=$'\t' read -r name service url body; do
  case "$name" in baseline-*) baseline_url[$service]="$url	$body" ;; esac
done < "$work/manifest.tsv"

echo "| call (h2load, no trace context, $streams streams, 1 connection; medians of $rounds runs) | service | calls/s | p99 ms | empty call, alternating with it: calls/s | p99 ms | vs empty call (throughput / p99) |"
echo "|---|---|---:|---:|---:|---:|---|"
while IFS=$'\t' read -r name service url body; do
  case "$name" in baseline-*) continue ;; esac
  IFS=$'\t' read -r burl bbody <<<"${baseline_url[$service]}"
  read -r rps p99 brps bp99 < <(h2load_pair "$burl" "$bbody" "$url" "$body")
  h2load_row "$name" "$service" "$rps" "$p99" "$brps" "$bp99"
done < "$work/manifest.tsv"
