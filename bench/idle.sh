#!/usr/bin/env bash
# 10,000 concurrent idle IMAP TLS connections (logged in with SCRAM, INBOX selected, in IDLE)
# against a Postiljon limited to 1 GiB of heap; prints the heap in use after a full GC.
#   bench/idle.sh [connections=10000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-10000}"; PORT=12993
JDK="$( (ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*21* 2>/dev/null || true) | head -n1)"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
DATA="$(mktemp -d /var/tmp/postiljon-idle.XXXX)"
printf 'data.dir = %s/data\nhostname = localhost\nlisten.imap = off\nlisten.imaps = 127.0.0.1:%s\nlimits.connections-per-ip = 20000\nlimits.connections = 20000\n' "$DATA" "$PORT" > "$DATA/bench.conf"
"$ROOT/postiljon" --config "$DATA/bench.conf" domain add bench.test >/dev/null
echo bench-password | "$ROOT/postiljon" --config "$DATA/bench.conf" account add user1@bench.test --password-stdin >/dev/null
POSTILJON_JAVA_OPTS="-Xmx1g" "$ROOT/postiljon" --config "$DATA/bench.conf" serve > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$DATA"' EXIT
for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.2; done
"$JDK/bin/java" -cp "$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*" org.postiljon.bench.IdleConnections \
    --port "$PORT" --connections "$N" --hold 30 > "$DATA/client.log" 2>&1 &
CLIENT=$!
until grep -q idling "$DATA/client.log"; do sleep 1; kill -0 $CLIENT 2>/dev/null || { cat "$DATA/client.log"; exit 1; }; done
grep idling "$DATA/client.log"
"$JDK/bin/jcmd" "$SERVER" GC.run >/dev/null
echo "server heap after full GC: $("$JDK/bin/jcmd" "$SERVER" GC.heap_info | sed -n 2p)"
echo "server file descriptors: $(ls /proc/$SERVER/fd | wc -l)"
wait $CLIENT
