#!/usr/bin/env bash
# Delivery over LMTP (issue #4): messages/s into mailboxes, Postiljon and Dovecot's LMTP from
# Debian on the same machine, same messages. Every message is durable before its 250 on both.
#   bench/lmtp.sh [connections=20] [messages=20000] [users=10] [recipients=1]
# TRAINED=1: every account's spam classifier trained first (bench/train.py), so each delivery
# also tokenises the message and reads the account's token counts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONNECTIONS="${1:-20}"; MESSAGES="${2:-20000}"; USERS="${3:-10}"; RECIPIENTS="${4:-1}"
LMTP_PORT=11024
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
LOAD=("$JAVA" -Dpostiljon.shared="$ROOT/../shared" -cp "$CP" org.postiljon.bench.LmtpLoad
      --connections "$CONNECTIONS" --messages "$MESSAGES" --users "$USERS" --recipients "$RECIPIENTS" --warmup $((MESSAGES / 10)))

source "$ROOT/bench/lib.sh"
IMAP_LINE="listen.imap = off"; [ "${TRAINED:-0}" = 1 ] && IMAP_LINE="listen.imap = 127.0.0.1:11143"
start_postiljon "$USERS" "$IMAP_LINE
listen.imaps = off
listen.lmtp = 127.0.0.1:$LMTP_PORT"
wait_for_port "$LMTP_PORT"
[ "${TRAINED:-0}" = 1 ] && { wait_for_port 11143; python3 "$ROOT/bench/train.py" 11143 "$USERS" "$LMTP_PORT"; }

echo "== Postiljon"
"${LOAD[@]}" --port "$LMTP_PORT"
echo
echo "== Dovecot"
"$ROOT/bench/dovecot.sh" start
"${LOAD[@]}" --port 10024
