#!/usr/bin/env bash
# Postiljon on PostgreSQL (issue #18) beside the embedded store, same machine, same loads:
#  1. LMTP delivery, messages/s (each durable before its 250 on both), and the CPU per delivery of the
#     server and of PostgreSQL (where the time goes);
#  2. the IMAP load of bench/imap.sh (commands/s and latencies);
#  3. IDLE latency: an IDLE hears an LMTP delivery on the same node, and on another node over one database.
# PostgreSQL runs as an operator would run it: fsync and synchronous_commit on, shared_buffers 1 GB;
# contents in PostgreSQL (blobs = postgres). The single-node LMTP run warms up with as many messages
# as it measures: in a shorter run the JIT compiler threads take a third of the server's CPU.
#   bench/postgres.sh [messages=10000] [imap-seconds=20] [clients=20]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MESSAGES="${1:-10000}"; SECONDS_RUN="${2:-20}"; CLIENTS="${3:-20}"; USERS=10
IMAP_PORT=11143; LMTP_PORT=11024; PG_PORT=15432
JAVA="$( (ls -d /usr/lib/jvm/*25*/bin/java /usr/lib/jvm/*21*/bin/java 2>/dev/null || true) | head -n1)"; JAVA="${JAVA:-java}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl bench,server -am)
CP="$ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar:$ROOT/bench/target/lib/*"
BENCH=("$JAVA" --enable-native-access=ALL-UNNAMED -Dpostiljon.shared="$ROOT/../shared" -cp "$CP")

source "$ROOT/bench/lib.sh"
start_pg "$PG_PORT"
trap "exit 143" TERM INT # so the EXIT trap stops what was started
trap 'stop_postiljon; stop_pg' EXIT

run_loads() { # $1: label, $2: extra config
  start_postiljon "$USERS" "listen.imap = 127.0.0.1:$IMAP_PORT
listen.imaps = off
listen.lmtp = 127.0.0.1:$LMTP_PORT
$2"
  trap 'stop_postiljon; stop_pg' EXIT # start_postiljon set its own
  wait_for_port "$IMAP_PORT"; wait_for_port "$LMTP_PORT"
  echo "== $1: LMTP delivery"
  local server0 pg0
  server0="$(cpu_seconds "$SERVER")"; pg0="$(cpu_seconds "$(pg_pid)")"
  "${BENCH[@]}" org.postiljon.bench.LmtpLoad --connections 20 --messages "$MESSAGES" --users "$USERS" --recipients 1 \
      --warmup "$MESSAGES" --port "$LMTP_PORT"
  # Where the time went: CPU per delivery over warm-up and measured run together (the load
  # generator is a JVM of its own on the same cores).
  awk -v s="$(cpu_seconds "$SERVER")" -v s0="$server0" -v p="$(cpu_seconds "$(pg_pid)")" -v p0="$pg0" -v n="$((2 * MESSAGES))" \
    'BEGIN { printf "CPU per delivery: Postiljon %.2f ms, PostgreSQL %.2f ms (%d deliveries, warm-up included)\n", 1000 * (s - s0) / n, 1000 * (p - p0) / n, n }'
  echo "== $1: IMAP load"
  "${BENCH[@]}" org.postiljon.bench.ImapLoad --users "$USERS" --clients "$CLIENTS" --seconds "$SECONDS_RUN" --preload 1000 \
      --warmup 10 --password bench-password --port "$IMAP_PORT"
  echo "== $1: IDLE hears a delivery on the same node"
  "${BENCH[@]}" org.postiljon.bench.NodesIdle --idle-port "$IMAP_PORT" --lmtp-port "$LMTP_PORT" --user user1@bench.test
}

run_loads "embedded" ""
stop_postiljon; trap 'stop_pg' EXIT
run_loads "PostgreSQL" "$ON_PG"

echo "== PostgreSQL, two nodes: IDLE on one hears a delivery on the other"
NODE2="$(mktemp -d /var/tmp/postiljon-node2.XXXX)"
printf 'data.dir = %s/data\nhostname = localhost\nlimits.connections-per-ip = 5000\n' "$NODE2" > "$NODE2/node2.conf"
printf '%s\nlisten.imap = 127.0.0.1:12143\nlisten.lmtp = 127.0.0.1:12024\n' "$ON_PG" >> "$NODE2/node2.conf"
for l in imaps pop3 pop3s smtp submission submissions http https managesieve metrics; do echo "listen.$l = off" >> "$NODE2/node2.conf"; done
"$ROOT/postiljon" --config "$NODE2/node2.conf" serve > "$NODE2/server.log" 2>&1 &
NODE2_PID=$!
HAPROXY_PID=""
trap 'stop_pid "$HAPROXY_PID"; stop_pid "$NODE2_PID"; rm -rf "$NODE2"; stop_postiljon; stop_pg' EXIT
wait_for_port 12143; wait_for_port 12024
"${BENCH[@]}" org.postiljon.bench.NodesIdle --idle-port "$IMAP_PORT" --lmtp-port 12024 --user user1@bench.test

# HAProxy balances connections over the nodes (TCP, round robin); PROXY v2 is left out here so the
# nodes can also be reached directly (ProxyProtocolTest covers it). balance "n1 n2" or balance "n1".
balance() {
  stop_pid "$HAPROXY_PID"
  {
    printf 'global\n  maxconn 5000\ndefaults\n  mode tcp\n  timeout connect 5s\n  timeout client 5m\n  timeout server 5m\n'
    printf 'listen imap\n  bind 127.0.0.1:13143\n  balance roundrobin\n'
    for n in $1; do [ "$n" = n1 ] && echo "  server n1 127.0.0.1:$IMAP_PORT" || echo "  server n2 127.0.0.1:12143"; done
    printf 'listen lmtp\n  bind 127.0.0.1:13024\n  balance roundrobin\n'
    for n in $1; do [ "$n" = n1 ] && echo "  server n1 127.0.0.1:$LMTP_PORT" || echo "  server n2 127.0.0.1:12024"; done
  } > "$NODE2/haproxy.cfg"
  haproxy -f "$NODE2/haproxy.cfg" -db > "$NODE2/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  wait_for_port 13143; wait_for_port 13024
}
lmtp_via_proxy() {
  "${BENCH[@]}" org.postiljon.bench.LmtpLoad --connections 20 --messages "$MESSAGES" --users "$USERS" --recipients 1 \
      --warmup $((MESSAGES / 10)) --port 13024
}
imap_via_proxy() {
  "${BENCH[@]}" org.postiljon.bench.ImapLoad --users "$USERS" --clients "$CLIENTS" --seconds "$SECONDS_RUN" --preload 0 \
      --warmup 10 --password bench-password --port 13143
}
balance "n1"
echo "== PostgreSQL, one node behind HAProxy: LMTP delivery"; lmtp_via_proxy
balance "n1 n2"
echo "== PostgreSQL, two nodes behind HAProxy: LMTP delivery"; lmtp_via_proxy
echo "== PostgreSQL, two nodes behind HAProxy: IMAP load"; imap_via_proxy
balance "n1"
echo "== PostgreSQL, one node behind HAProxy: IMAP load"; imap_via_proxy
