#!/usr/bin/env bash
# Runs the standard load-test set against the running platform (./run.sh in another terminal), then the unary reads
# with h2load (scripts/h2load-reads.sh: an independent client without trace context), and writes both tables, with
# date and machine, to bench/RESULTS.md and into README.md between the bench markers.
# usage: scripts/bench.sh [extra load-test options, e.g. --duration 20 --concurrency 64]
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=$(date -u +%Y-%m-%dT%H%MZ)
mkdir -p bench/results
dotnet build tools/Platform.LoadTest -c Release --verbosity quiet -nologo
set +e
dotnet run --project tools/Platform.LoadTest -c Release --no-build -- --json "bench/results/$stamp.json" "$@" | tee "bench/results/$stamp.txt"
status=${PIPESTATUS[0]}
set -e
scripts/h2load-reads.sh | tee "bench/results/$stamp.h2load.md"

{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "load client, services and servers on the same machine; \`scripts/bench.sh $*\`:"
  echo
  sed -n '/^| scenario/,/^$/p' "bench/results/$stamp.txt"
  echo
  echo "The same unary reads from h2load, in the same run:"
  echo
  cat "bench/results/$stamp.h2load.md"
  echo
} > bench/RESULTS.md

scripts/readme-section.sh bench bench/RESULTS.md
echo "written: bench/RESULTS.md, bench/results/$stamp.json"
exit "$status"
