# Sourced by scripts/h2load-reads.sh and scripts/h2load-writes.sh: one measured h2load run and one table row.
# They need $work (a scratch folder), $streams and $duration set by the sourcing script; $rounds (default 3) is
# how many times a call and its empty call alternate (h2load_pair).

# h2load_run <url> <body file> [more h2load arguments, e.g. -H 'authorization: …'] -> "calls_per_second p99_ms"
h2load_run() {
  local url=$1 body=$2
  shift 2
  local log="$work/latency.log" out
  rm -f "$log"
  out=$(h2load -c 1 -m "$streams" -t 1 -D "$duration" --warm-up-time 3 \
    -H 'content-type: application/grpc' -H 'te: trailers' "$@" -d "$body" --log-file "$log" "$url")
  local rps failed
  rps=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' <<<"$out")
  failed=$(sed -n 's/^requests: .* \([0-9]*\) failed.*/\1/p' <<<"$out")
  [ "${failed:-0}" = 0 ] || { echo "h2load: $failed failed requests on $url" >&2; exit 1; }
  local p99
  p99=$(cut -f3 "$log" | sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%.2f", a[i] / 1000 }')
  echo "$rps $p99"
}

# h2load_pair <empty call's url> <its body> <url> <body> [more h2load arguments]
#   -> "calls/s p99 empty-calls/s empty-p99"
# The empty call and the call alternate $rounds times and each figure is the median of its rounds: on two shared
# cores the empty call alone drifted from 78k to 106k calls/s between runs a minute apart, so one pair measured once
# moved the ratio between 0.83x and 1.28x; alternating puts both under the same drift.
h2load_pair() {
  local burl=$1 bbody=$2 url=$3 body=$4
  shift 4
  local i b c
  for ((i = 0; i < ${rounds:-3}; i++)); do
    read -r b < <(h2load_run "$burl" "$bbody" "$@")
    read -r c < <(h2load_run "$url" "$body" "$@")
    echo "$b $c"
  done | awk '{ br[NR] = $1; bp[NR] = $2; r[NR] = $3; p[NR] = $4 }
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { printf "%s %s %s %s\n", median(r, NR), median(p, NR), median(br, NR), median(bp, NR) }'
}

# h2load_row <name> <service> <calls/s> <p99> <empty call's calls/s> <its p99> -> a Markdown row with the ratios
h2load_row() {
  awk -v n="$1" -v s="$2" -v r="$3" -v p="$4" -v br="$5" -v bp="$6" 'BEGIN {
    printf "| %s | %s | %\047d | %.2f | %\047d | %.2f | %.2f× / %.2f× |\n", n, s, r, p, br, bp, r / br, p / bp }'
}
