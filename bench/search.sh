#!/usr/bin/env bash
# Big-mailbox search, sort, thread and resync (issue #7): the same generated mailbox loaded over
# LMTP into Postiljon and into Dovecot from Debian, then SEARCH TEXT, SEARCH FROM, SORT (REVERSE
# DATE), THREAD REFERENCES and SELECT (QRESYNC) after 1,000 changes, timed over IMAP.
#   bench/search.sh [messages=100000] [reps=20]
#   DOVECOT_FTS=lucene bench/search.sh ...   Dovecot with its fts_lucene plugin (dovecot-lucene)
#   SKIP_DOVECOT=1 / SKIP_POSTILJON=1          one side only
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-100000}"; REPS="${2:-20}"
IMAP_PORT=11143; LMTP_PORT=11024
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
BENCH=("$JAVA" -Xmx2g -cp "$CP" org.postiljon.bench.SearchBench)

source "$ROOT/bench/lib.sh"
if [ -z "${SKIP_POSTILJON:-}" ]; then
start_postiljon 1 "listen.imaps = off
listen.imap = 127.0.0.1:$IMAP_PORT
listen.lmtp = 127.0.0.1:$LMTP_PORT"
wait_for_port "$LMTP_PORT"
echo "== Postiljon: loading $N messages"
"${BENCH[@]}" --load yes --lmtp-port "$LMTP_PORT" --messages "$N" --user user1@bench.test
t0=$(date +%s)
while :; do
  left="$("$ROOT/postiljon" --config "$DATA/bench.conf" index status | cut -d' ' -f1)"
  [ "$left" = 0 ] && break
  sleep 2
done
echo "full-text index caught up $(( $(date +%s) - t0 )) s after the last delivery; index $(du -sh "$DATA/data/index" | cut -f1), messages $(du -sh "$DATA/data/blobs" | cut -f1)"
"${BENCH[@]}" --port "$IMAP_PORT" --user user1@bench.test --reps "$REPS" --name Postiljon
fi

[ -n "${SKIP_DOVECOT:-}" ] && exit 0
echo
echo "== Dovecot ${DOVECOT_FTS:+(fts_$DOVECOT_FTS)}: loading $N messages"
[ -n "${SKIP_POSTILJON:-}" ] && trap '"$ROOT/bench/dovecot.sh" stop' EXIT
"$ROOT/bench/dovecot.sh" start
"${BENCH[@]}" --load yes --lmtp-port 10024 --messages "$N" --user user1@bench.test
if [ -n "${DOVECOT_FTS:-}" ]; then
  t0=$(date +%s)
  sleep 5 # LMTP processes may still hold the index lock for a moment
  doveadm -c /var/tmp/postiljon-dovecot/dovecot.conf index -u user1@bench.test INBOX || echo "doveadm index failed; the first searches index the rest"
  echo "fts index built in $(( $(date +%s) - t0 )) s"
fi
"${BENCH[@]}" --port 10143 --user user1@bench.test --reps "$REPS" --name Dovecot
