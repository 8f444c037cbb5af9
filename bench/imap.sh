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

DATA="$(mktemp -d /var/tmp/postiljon-imapbench.XXXX)"
cat > "$DATA/bench.conf" <<CONF
data.dir = $DATA/data
hostname = localhost
listen.imap = 127.0.0.1:$PORT
listen.imaps = off
limits.connections-per-ip = 5000
CONF
PJ=("$ROOT/postiljon" --config "$DATA/bench.conf")
"${PJ[@]}" domain add bench.test >/dev/null
for u in $(seq "$USERS"); do echo bench-password | "${PJ[@]}" account add "user$u@bench.test" --password-stdin >/dev/null; done
"${PJ[@]}" serve > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; "$ROOT/bench/dovecot.sh" stop; rm -rf "$DATA"' EXIT
for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done

echo "== Postiljon"
"${LOAD[@]}" --port "$PORT"
echo
echo "== Dovecot"
"$ROOT/bench/dovecot.sh" start
"${LOAD[@]}" --port 10143
