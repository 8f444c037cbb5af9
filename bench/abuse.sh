#!/usr/bin/env bash
# The floods that once slowed Postiljon for everyone (issue #16), replayed against a server with
# its default limits, each bounded in time and from loopback addresses only; meanwhile a well-
# behaved user on 127.0.0.1 measures IMAP NOOP, the SMTP banner and the webmail page.
#   bench/abuse.sh [seconds-per-flood=10] [folders=10000]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_EACH="${1:-10}"; FOLDERS="${2:-10000}"
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
source "$ROOT/bench/lib.sh"
# Default limits, not the relaxed ones of the load benchmarks.
start_postiljon 2 "limits.connections-per-ip = 20
listen.imap = 127.0.0.1:11143
listen.imaps = off
listen.pop3 = off
listen.pop3s = off
listen.smtp = 127.0.0.1:11025
listen.submission = off
listen.submissions = off
listen.lmtp = off
listen.http = 127.0.0.1:18080
listen.https = off"
wait_for_port 11143; wait_for_port 11025; wait_for_port 18080
"$JAVA" -cp "$CP" org.postiljon.bench.AbuseBench --imap 11143 --smtp 11025 --http 18080 \
  --victim user1@bench.test --attacker user2@bench.test --password bench-password --seconds "$SECONDS_EACH" --folders "$FOLDERS"
