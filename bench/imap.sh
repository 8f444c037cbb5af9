#!/usr/bin/env bash
# IMAP load benchmark (issue #3): the same load against Postiljon and against Dovecot from Debian,
# same machine, same messages (preloaded over IMAP APPEND), plain IMAP on loopback.
#   bench/imap.sh [clients=20] [seconds=20] [users=10] [preload=1000] [warmup-seconds=10]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS="${1:-20}"; SECONDS_RUN="${2:-20}"; USERS="${3:-10}"; PRELOAD="${4:-1000}"; WARMUP="${5:-10}"
PORT=11143
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
LOAD=("$JAVA" --enable-native-access=ALL-UNNAMED -Dpostiljon.shared="$ROOT/../shared" -cp "$CP" org.postiljon.bench.ImapLoad
      --users "$USERS" --clients "$CLIENTS" --seconds "$SECONDS_RUN" --preload "$PRELOAD" --warmup "$WARMUP" --password bench-password)

source "$ROOT/bench/lib.sh"
start_postiljon "$USERS" "listen.imap = 127.0.0.1:$PORT
listen.imaps = off"
wait_for_port "$PORT"

echo "== Postiljon"
"${LOAD[@]}" --port "$PORT"
echo
echo "== Dovecot"
"$ROOT/bench/dovecot.sh" start
"${LOAD[@]}" --port 10143
