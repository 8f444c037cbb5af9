#!/usr/bin/env bash
# Delivery on port 25 with the mail authentication every arriving message gets (issue #19): SPF,
# DKIM and DMARC checked against a real DNS server (dnsmasq) that publishes an SPF record and a
# DMARC record with rua= for the messages' From domain (example.org, the corpus's), so each message
# is also counted for the next DMARC aggregate report. Every message is durable before its 250.
#   bench/mx.sh [connections=20] [messages=10000] [users=10]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONNECTIONS="${1:-20}"; MESSAGES="${2:-10000}"; USERS="${3:-10}"
SMTP_PORT=11025; DNS_PORT=15353
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"

dnsmasq --no-daemon --port=$DNS_PORT --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts --user=root --cache-size=0 \
  --local=/org/ --local=/test/ --txt-record=example.org,"v=spf1 ip4:127.0.0.1 -all" \
  --txt-record=_dmarc.example.org,"v=DMARC1; p=none; rua=mailto:dmarc@example.org" > /dev/null 2>&1 &
DNSMASQ=$!
source "$ROOT/bench/lib.sh"
start_postiljon "$USERS" "listen.imap = off
listen.imaps = off
listen.smtp = 127.0.0.1:$SMTP_PORT
outbound.dns = 127.0.0.1:$DNS_PORT"
trap 'stop_postiljon; kill $DNSMASQ 2>/dev/null || true' EXIT
wait_for_port "$SMTP_PORT"
"$JAVA" -Dpostiljon.shared="$ROOT/../shared" -cp "$CP" org.postiljon.bench.LmtpLoad --smtp yes --port "$SMTP_PORT" \
  --connections "$CONNECTIONS" --messages "$MESSAGES" --users "$USERS" --warmup $((MESSAGES / 10))
grep -c "DMARC\|dmarc" "$DATA/server.log" >/dev/null || true
