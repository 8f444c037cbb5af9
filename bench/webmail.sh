#!/usr/bin/env bash
# The webmail on a big folder (issue #8): N generated messages loaded over LMTP into one INBOX,
# then the webmail's JMAP requests timed over HTTP (open the folder, a deep page, subject sort,
# full-text search, open a message).
#   bench/webmail.sh [messages=100000] [reps=20]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-100000}"; REPS="${2:-20}"
HTTP_PORT=18080; LMTP_PORT=11024
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"

source "$ROOT/bench/lib.sh"
start_postiljon 1 "listen.imaps = off
listen.https = off
listen.http = 127.0.0.1:$HTTP_PORT
listen.lmtp = 127.0.0.1:$LMTP_PORT"
wait_for_port "$LMTP_PORT"
echo "== loading $N messages"
"$JAVA" -Xmx2g -cp "$CP" org.postiljon.bench.SearchBench --load yes --lmtp-port "$LMTP_PORT" --messages "$N" --user user1@bench.test
while [ "$("$ROOT/postiljon" --config "$DATA/bench.conf" index status | cut -d' ' -f1)" != 0 ]; do sleep 2; done
"$JAVA" -cp "$CP" org.postiljon.bench.WebmailBench --port "$HTTP_PORT" --user user1@bench.test --reps "$REPS"
