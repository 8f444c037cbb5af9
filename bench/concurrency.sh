#!/usr/bin/env bash
# The IMAP concurrency checker of issue #14, against Postiljon and Dovecot side by side: N sessions of one
# account on one mailbox doing random STORE/APPEND/EXPUNGE/COPY/MOVE/FETCH, every untagged response checked
# against a model (keywords announced before use, EXISTS never shrinking, no expunged UID back, MODSEQ
# never down, no flag lost). Dovecot's run shows the checker itself asks nothing a good server does not do.
#   bench/concurrency.sh [seconds=60] [sessions=10] [seeds="1 2 3"]
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECS="${1:-60}"; SESSIONS="${2:-10}"; SEEDS="${3:-1 2 3}"
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am) || exit 1
CHECK=("$JAVA" -cp "$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*" org.postiljon.bench.ConcurrencyCheck
       --seconds "$SECS" --sessions "$SESSIONS")
source "$ROOT/bench/lib.sh"
start_postiljon 1 "listen.imap = 127.0.0.1:11143
listen.imaps = off
listen.pop3 = off
listen.pop3s = off
listen.lmtp = off
listen.smtp = off
listen.submission = off
listen.submissions = off
listen.http = off
listen.https = off"
wait_for_port 11143
"$ROOT/bench/dovecot.sh" start >/dev/null
failed=0
for seed in $SEEDS; do
  "${CHECK[@]}" --name "Postiljon (seed $seed)" --port 11143 --seed "$seed" --mailbox "Busy$seed" || failed=1
  "${CHECK[@]}" --name "Dovecot (seed $seed)" --port 10143 --seed "$seed" --mailbox "Busy$seed" || failed=1
done
exit $failed
