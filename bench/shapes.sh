#!/usr/bin/env bash
# The load shapes of issue #15, side by side: Postiljon, then Dovecot with ARGON2ID + auth cache, then Dovecot
# with plain passwords (the worst case for us), same machine, same users, same small mailboxes.
# STORE=postgres runs Postiljon on a PostgreSQL started here (bench/lib.sh start_pg) instead of the
# embedded store; DOVECOT=no leaves Dovecot out (for a second pass over the same shapes).
#   [STORE=postgres] [DOVECOT=no] bench/shapes.sh [seconds=30] [clients=10] [users=50] [shapes="a b c d e"]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-30}"; CLIENTS="${2:-10}"; USERS="${3:-50}"; SHAPES="${4:-a b c d e}"
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
LOAD=("$JAVA" -cp "$CP" org.postiljon.bench.ShapesLoad --users "$USERS" --clients "$CLIENTS" --seconds "$SECS" --preload 30)
source "$ROOT/bench/lib.sh"
STORE_CONFIG=""
if [ "${STORE:-embedded}" = postgres ]; then
  start_pg 15432
  STORE_CONFIG="$ON_PG"
fi
start_postiljon "$USERS" "$STORE_CONFIG
listen.imap = 127.0.0.1:11143
listen.imaps = off
listen.pop3 = 127.0.0.1:11110
listen.pop3s = off
listen.lmtp = 127.0.0.1:11024
listen.smtp = off
listen.submission = off
listen.submissions = off
listen.http = off
listen.https = off"
trap 'stop_postiljon; stop_pg' EXIT # start_postiljon set its own
wait_for_port 11143
for shape in $SHAPES; do
  echo "== Postiljon (${STORE:-embedded}), shape $shape"
  "${LOAD[@]}" --shape "$shape" --port 11143 --pop3 11110 --lmtp 11024
  [ "${DOVECOT:-yes}" = no ] && continue
  for scheme in argon2id plain; do
    echo "== Dovecot ($scheme), shape $shape"
    DOVECOT_SCHEME=$scheme DOVECOT_USERS="$USERS" "$ROOT/bench/dovecot.sh" start >/dev/null
    "${LOAD[@]}" --shape "$shape" --port 10143 --pop3 10110 --lmtp 10024
  done
done
