#!/usr/bin/env bash
# Delivery benchmark (issue #2): 10,000 messages of ~10 KB into one mailbox through the mailbox API,
# durable commits. Prints messages/s, then counts fsync-family system calls per message with strace.
#   bench/delivery.sh [messages] [concurrency]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-10000}"; C="${2:-32}"
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
OPTS=(--enable-native-access=ALL-UNNAMED -Dpostiljon.shared="$ROOT/../shared" -Dpostiljon.log.level=WARN)
DIR="$(mktemp -d /var/tmp/postiljon-bench.XXXX)"   # on disk, not tmpfs, so fsync costs what it costs
trap 'rm -rf "$DIR"' EXIT
echo "== throughput"
"$JAVA" "${OPTS[@]}" -cp "$CP" org.postiljon.bench.DeliveryBench "$N" "$C" "$DIR/run1"
if command -v strace >/dev/null 2>&1; then
  M=3000
  echo "== fsyncs per message (strace, $M messages, no warm-up; account creation included)"
  strace -f -c -e trace=fsync,fdatasync -o "$DIR/strace.txt" \
    "$JAVA" "${OPTS[@]}" -cp "$CP" org.postiljon.bench.DeliveryBench "$M" "$C" "$DIR/run2" 0 >/dev/null
  awk -v m="$M" '$NF=="fsync"||$NF=="fdatasync"{n+=$4} END{printf "fsync+fdatasync calls: %d, %.2f per message\n", n, n/m}' "$DIR/strace.txt"
else
  echo "(install strace to count fsyncs per message)"
fi
