#!/usr/bin/env bash
# Replaces what README.md holds between "<!-- NAME:begin -->" and "<!-- NAME:end -->" with FILE (a benchmark's
# table); does nothing when README.md has no such markers. Used by scripts/bench.sh and scripts/scale-bench.sh.
# usage: scripts/readme-section.sh NAME FILE
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1 file=$2
grep -q "<!-- $name:begin -->" README.md || exit 0
awk -v table="$file" -v begin="<!-- $name:begin -->" -v end="<!-- $name:end -->" '
  $0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
  $0 == end { skip = 0 }
  !skip { print }' README.md > README.md.tmp && mv README.md.tmp README.md
