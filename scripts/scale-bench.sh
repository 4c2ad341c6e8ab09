#!/usr/bin/env bash
# The scaling table: for each scale N given, starts the platform on an empty .data/ (./run.sh --wipe --no-scenario),
# loads N times the nation through the public APIs (scenario loader --scale N, timed), rebuilds the indicators, then
# measures, in one run: SearchDatasets with facets and GetDataset at 16 clients, the headline read (load tool, and
# h2load alternating with the empty call), the freshness p99, the stack's memory (PSS of every process
# the app host started, scripts/stack-memory.sh) and the size of each database; stops the platform; prints one
# Markdown row per scale and writes the table to bench/SCALING.md and into README.md between the scaling markers.
# usage: scripts/scale-bench.sh --wipe 1 3 10
#   --wipe is required: every scale starts from an empty .data/, so every stored record is deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--wipe" ] || { echo "usage: scripts/scale-bench.sh --wipe N... (deletes .data/ before each scale)" >&2; exit 2; }
shift
[ $# -gt 0 ] || set -- 1 3 10
if pgrep -f "$PWD/AppHost/bin/" >/dev/null; then
  echo "the platform is running: stop it first (Ctrl+C in its terminal)" >&2
  exit 1
fi

mkdir -p bench/results
stamp=$(date -u +%Y-%m-%dT%H%MZ)
dotnet build Platform.sln -c Release --no-restore --verbosity quiet -nologo >/dev/null
loader=(dotnet tools/Platform.ScenarioLoader/bin/Release/net10.0/Platform.ScenarioLoader.dll)
loadtest=(dotnet tools/Platform.LoadTest/bin/Release/net10.0/Platform.LoadTest.dll)
rows=()

stop_platform() {
  pkill -TERM -f "$PWD/AppHost/bin/" 2>/dev/null || true
  for _ in $(seq 60); do pgrep -f "$PWD/(AppHost|services/[^ ]*)/bin/|postgres -D $PWD/.data" >/dev/null || return 0; sleep 1; done
}
trap stop_platform EXIT

for scale in "$@"; do
  log="bench/results/$stamp-x$scale"
  echo "== x$scale: starting the platform on an empty .data/ (log $log.run.log)"
  (setsid ./run.sh --wipe --no-scenario >"$log.run.log" 2>&1 &)
  for _ in $(seq 300); do grep -q "resource trading: Running (health: Healthy)" "$log.run.log" 2>/dev/null && break; sleep 1; done
  grep -q "resource trading: Running (health: Healthy)" "$log.run.log" || { echo "the platform did not become healthy" >&2; exit 1; }
  sleep 5

  echo "== x$scale: loading"
  "${loader[@]}" --scale "$scale" >"$log.load.txt"
  loaded=$(sed -n 's/^Loaded in \([0-9.]*\)s.*/\1/p' "$log.load.txt")
  datasets=$(sed -n 's/^National scenario[^:]*: \([0-9,]*\) datasets.*/\1/p' "$log.load.txt")
  grep -q "^Verification" "$log.load.txt" || { echo "the load did not verify: $log.load.txt" >&2; exit 1; }
  rebuild=$("${loader[@]}" --rebuild | sed -n 's/.* in \([0-9,]*\) ms.*/\1/p')

  echo "== x$scale: measuring"
  # A run with non-OK calls still prints its table (their count is its last column).
  "${loadtest[@]}" --scenarios search,get-dataset --concurrency 16 --duration 15 >"$log.search.txt" || true
  "${loadtest[@]}" --scenarios headline,freshness --concurrency 32 --duration 15 >"$log.headline.txt" || true
  scripts/h2load-reads.sh >"$log.h2load.md" 2>"$log.h2load.err" || true
  memory=$(scripts/stack-memory.sh --total)
  # The server's own record of its port (line 4 of postmaster.pid), which outlives the process if it stops abnormally.
  port=$(sed -n 4p .data/postgres/postmaster.pid 2>/dev/null || true)
  pgrep -f "postgres -D $PWD/.data/postgres" >/dev/null || echo "x$scale: PostgreSQL is not running any more (port ${port:-unknown})" >&2
  sizes=$(psql -h 127.0.0.1 -p "$port" -U postgres -At -F ' ' -c \
    "select string_agg(round(pg_database_size(d) / 1048576.0)::text, ' / ' order by d) from unnest(array['catalog', 'metrics', 'trading']) d")
  stop_platform

  # Columns of the load tool's rows: | scenario | service | mode | in flight | calls/s | items/s | p50 | p90 | p99 | max | vs baseline | non-OK |
  field() { grep "^| $1 |" "$2" | head -1 | awk -F'|' -v c="$3" '{ gsub(/ /, "", $c); print $c }'; }
  h2() { grep "^| $1 |" "$log.h2load.md" | awk -F'|' '{ gsub(/^ +| +$/, "", $8); print $8 }'; }
  rows+=("| ×$scale | $datasets | ${loaded} s | $(field search "$log.search.txt" 10) ms ($(field search "$log.search.txt" 6)/s) | $(field get-dataset "$log.search.txt" 10) ms | $(h2 headline) | $(field headline "$log.headline.txt" 12) | ${rebuild} ms | $(field freshness:h1 "$log.headline.txt" 10) ms | ${memory} MB | ${sizes} MB |")
  echo "${rows[-1]}"
done

{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, load client, services and servers on the same machine; \`scripts/scale-bench.sh --wipe $*\`:"
  echo
  echo "| scale | datasets | loaded in | search p99 (16 clients, facets) | get p99 (16 clients) | headline vs empty call, h2load (throughput / p99) | the same, load tool | rebuild | freshness p99 | stack memory (PSS) | databases catalog / metrics / trading |"
  echo "|---|---:|---:|---:|---:|---|---|---:|---:|---:|---|"
  printf '%s\n' "${rows[@]}"
} | tee bench/SCALING.md
scripts/readme-section.sh scaling bench/SCALING.md
