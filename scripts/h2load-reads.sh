#!/usr/bin/env bash
# Measures the unary reads with h2load — an independent client that sends no trace context, the way other teams'
# clients call — each as a ratio to its service's empty call (grpc.health.v1 Check) measured right before it, on one
# connection with 32 streams. Prints a Markdown table. The request bodies come from the load tool
# (--h2load-bodies), which calls each once first: h2load counts HTTP 200 as success whatever the grpc-status.
# usage: scripts/h2load-reads.sh [duration-seconds, default 10]   (against the running platform)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
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

# run <url> <body> -> "calls_per_second p99_ms"
run() {
  local log="$work/latency.log" out
  rm -f "$log"
  out=$(h2load -c 1 -m "$streams" -t 1 -D "$duration" --warm-up-time 3 \
    -H 'content-type: application/grpc' -H 'te: trailers' -d "$2" --log-file "$log" "$1")
  local rps failed
  rps=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' <<<"$out")
  failed=$(sed -n 's/^requests: .* \([0-9]*\) failed.*/\1/p' <<<"$out")
  [ "${failed:-0}" = 0 ] || { echo "h2load: $failed failed requests on $1" >&2; exit 1; }
  local p99
  p99=$(cut -f3 "$log" | sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.2f", a[i] / 1000 }')
  echo "$rps $p99"
}

declare -A baseline_url
while IFS=$'\t' read -r name service url body; do
  case "$name" in baseline-*) baseline_url[$service]="$url	$body" ;; esac
done < "$work/manifest.tsv"

echo "| call (h2load, no trace context, $streams streams, 1 connection) | service | calls/s | p99 ms | empty call right before: calls/s | p99 ms | vs empty call (throughput / p99) |"
echo "|---|---|---:|---:|---:|---:|---|"
while IFS=$'\t' read -r name service url body; do
  case "$name" in baseline-*) continue ;; esac
  IFS=$'\t' read -r burl bbody <<<"${baseline_url[$service]}"
  read -r brps bp99 < <(run "$burl" "$bbody")
  read -r rps p99 < <(run "$url" "$body")
  awk -v n="$name" -v s="$service" -v r="$rps" -v p="$p99" -v br="$brps" -v bp="$bp99" 'BEGIN {
    printf "| %s | %s | %\047d | %.2f | %\047d | %.2f | %.2f× / %.2f× |\n", n, s, r, p, br, bp, r / br, p / bp }'
done < "$work/manifest.tsv"
