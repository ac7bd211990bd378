#!/usr/bin/env bash
# Instructions per cache hit, counted by callgrind in the gateway process only (the client runs
# in its own process): warm up, zero the counters, serve N hits, dump. Needs `npm run build`.
# Usage: [WARM=500] scripts/profile-cache-hit.sh [N=2000] [DIST=dist]
set -euo pipefail
N=${1:-2000}
DIST=${2:-dist}
OUT=$(mktemp -d)
valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file="$OUT/callgrind.out" \
  node "$DIST/bench/profile-cache-hit.js" server > "$OUT/server.log" 2> "$OUT/valgrind.log" &
SERVER=$!
until grep -q '^ready ' "$OUT/server.log" 2>/dev/null; do sleep 1; done
PORT=$(awk '/^ready /{print $2}' "$OUT/server.log")
node "$DIST/bench/profile-cache-hit.js" client "$PORT" "${WARM:-500}"
callgrind_control -z "$SERVER" > /dev/null
node "$DIST/bench/profile-cache-hit.js" client "$PORT" "$N"
callgrind_control -d "$SERVER" > /dev/null
kill -TERM "$SERVER"; wait "$SERVER" || true
DUMP=$(ls "$OUT"/callgrind.out.* | head -1)
TOTAL=$(grep -m1 '^summary:' "$DUMP" | awk '{print $2}')
echo "instructions per hit: $((TOTAL / N)) (total $TOTAL over $N hits; dump $DUMP)"
