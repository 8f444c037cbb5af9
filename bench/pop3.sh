#!/usr/bin/env bash
# POP3 download benchmark (issue #5): RETR of every message of 1,000-message maildrops, against
# Postiljon and Dovecot's POP3 from Debian on the same machine, same messages (preloaded over IMAP).
#   bench/pop3.sh [users=4] [rounds=20] [preload=1000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
USERS="${1:-4}"; ROUNDS="${2:-20}"; PRELOAD="${3:-1000}"
IMAP_PORT=11143; POP3_PORT=11110
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
RETR=("$JAVA" -Dpostiljon.shared="$ROOT/../shared" -cp "$CP" org.postiljon.bench.Pop3Retr
      --users "$USERS" --rounds "$ROUNDS" --preload "$PRELOAD" --password bench-password)

source "$ROOT/bench/lib.sh"
start_postiljon "$USERS" "listen.imap = 127.0.0.1:$IMAP_PORT
listen.imaps = off
listen.pop3 = 127.0.0.1:$POP3_PORT
listen.pop3s = off"
wait_for_port "$POP3_PORT"

echo "== Postiljon"
"${RETR[@]}" --port "$POP3_PORT" --imap-port "$IMAP_PORT"
echo
echo "== Dovecot"
"$ROOT/bench/dovecot.sh" start
"${RETR[@]}" --port 10110 --imap-port 10143
