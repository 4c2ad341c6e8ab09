#!/usr/bin/env bash
# Measures a single-item write with h2load (no trace context) as a ratio to its service's empty call
# (grpc.health.v1 Check), the two alternating three times (medians; h2load_pair), on one connection with 32 streams,
# beside the load tool's `register` scenario. Prints a Markdown table.
#   register   RegisterDataset without a request id: a new draft per call (drafts count in no indicator)
# h2load sends one body for every call: a PlaceTrade needs a request id, so every call after the first would be the
# same request answered from its stored answer, and past the per-client write limit (20,000/s by default)
# RESOURCE_EXHAUSTED, which h2load counts as success (HTTP 200). Fresh trades are the load tool's to measure
# (`--scenarios trade`).
# usage: scripts/h2load-writes.sh [seconds per run, default 5] [rounds, default 3]
#        (against the running platform; the token is the load-test client's from .data/identity/clients.json,
#        or CLIENTS=<path to another clients.json>)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-5}
rounds=${2:-3}
streams=32
clients=${CLIENTS:-.data/identity/clients.json}
catalog=${CATALOG_URL:-http://127.0.0.1:5011}
identity=${IDENTITY_URL:-http://127.0.0.1:5041}

for tool in h2load curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is needed (README: Machine and tools)" >&2; exit 1; }
done

work=$(mktemp -d /tmp/h2load-writes.XXXXXX)
trap 'rm -rf "$work"' EXIT
secret=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["Clients"]["load-test"]["Secret"])' "$clients")
token=$(curl -sf -d grant_type=client_credentials -d client_id=load-test --data-urlencode client_secret="$secret" \
  "$identity/connect/token" | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')

# The bodies, gRPC-framed protobuf written by hand (field numbers from the protos).
python3 - "$work" <<'PY'
import struct, sys
work = sys.argv[1]
def varint(n):
    out = b""
    while True:
        b = n & 0x7F; n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n: return out
def text(field, s): b = s.encode(); return varint(field << 3 | 2) + varint(len(b)) + b
def number(field, n): return varint(field << 3) + varint(n)
def frame(m): return b"\0" + struct.pack(">I", len(m)) + m
open(f"{work}/health.grpc", "wb").write(frame(b""))
# RegisterDatasetRequest: name = 2, volume_bytes = 3 (no request_id: each call a new draft).
open(f"{work}/register.grpc", "wb").write(frame(text(2, "压测数据集 h2load") + number(3, 1000)))
PY

source scripts/h2load-common.sh

# h2load counts HTTP 200 as success whatever the grpc-status: each body is called once first and must answer OK.
check() {
  local status
  status=$(curl -s --http2-prior-knowledge -o /dev/null -D - -H 'content-type: application/grpc' -H 'te: trailers' \
    -H "authorization: Bearer $token" --data-binary @"$2" "$1" | tr -d '\r' | sed -n 's/^grpc-status: //p' | head -1)
  [ -z "$status" ] || [ "$status" = 0 ] || { echo "$1 answers grpc-status $status" >&2; exit 1; }
}

echo "| call (h2load, no trace context, $streams streams, 1 connection; medians of $rounds runs) | service | calls/s | p99 ms | empty call, alternating with it: calls/s | p99 ms | vs empty call (throughput / p99) |"
echo "|---|---|---:|---:|---:|---:|---|"
for entry in "register catalog $catalog/platform.catalog.v1.CatalogService/RegisterDataset register.grpc"; do
  read -r name service url body <<<"$entry"
  base=${url%%/platform.*}/grpc.health.v1.Health/Check
  check "$url" "$work/$body"
  read -r rps p99 brps bp99 < <(h2load_pair "$base" "$work/health.grpc" "$url" "$work/$body" -H "authorization: Bearer $token")
  h2load_row "$name" "$service" "$rps" "$p99" "$brps" "$bp99"
done
