# Shared by the bench scripts (sourced): start Postiljon from a temporary data directory.
#   start_postiljon USERS "extra config lines"   sets DATA and SERVER; accounts userN@bench.test
#   stop_postiljon                               (also stops a Dovecot started by dovecot.sh)
start_postiljon() {
  local users="$1" extra="$2"
  DATA="$(mktemp -d /var/tmp/postiljon-bench.XXXX)"
  printf 'data.dir = %s/data\nhostname = localhost\nlimits.connections-per-ip = 5000\nlisten.managesieve = off\n%s\n' "$DATA" "$extra" > "$DATA/bench.conf"
  local pj=("$ROOT/postiljon" --config "$DATA/bench.conf")
  "${pj[@]}" domain add bench.test >/dev/null
  for u in $(seq "$users"); do echo bench-password | "${pj[@]}" account add "user$u@bench.test" --password-stdin >/dev/null; done
  "${pj[@]}" serve > "$DATA/server.log" 2>&1 &
  SERVER=$!
  trap stop_postiljon EXIT
}

# Stops a process: SIGTERM, up to 20 s for a graceful stop, then SIGKILL.
stop_pid() {
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

stop_postiljon() {
  stop_pid "${SERVER:-}"
  "$ROOT/bench/dovecot.sh" stop
  rm -rf "$DATA"
}

wait_for_port() {
  for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.2; done
  echo "nothing listens on port $1" >&2; return 1
}

# A PostgreSQL as an operator would run it (fsync and synchronous_commit on, shared_buffers 1 GB) on
# port $1 in a temp directory, as the postgres user when run as root; sets ON_PG (Postiljon's
# config lines for it, contents in the database). stop_pg stops it and removes its files.
start_pg() {
  local port="$1"
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  PGDIR="$(mktemp -d /var/tmp/postiljon-pg.XXXX)"
  AS=(); [ "$(id -u)" = 0 ] && { chown postgres "$PGDIR"; AS=(runuser -u postgres --); }
  "${AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" --auth=trust --username=postiljon --encoding=UTF8 --locale=C >/dev/null
  "${AS[@]}" "$PGBIN/pg_ctl" start -w -D "$PGDIR/data" -l "$PGDIR/log" \
    -o "-p $port -k $PGDIR -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c max_connections=200" >/dev/null
  "${AS[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postiljon -d postgres -qc \
    "CREATE DATABASE postiljon ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
  ON_PG="store = postgres
store.url = jdbc:postgresql://127.0.0.1:$port/postiljon
store.user = postiljon
blobs = postgres"
}

# CPU seconds (user + system) used so far by process $1 and its children (for PostgreSQL: pass the
# postmaster, $(pg_pid); its backends are its children). Each /proc/PID/stat is one line.
cpu_seconds() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" -v hz="$(getconf CLK_TCK)" '
    $1 == root { t += $14 + $15 + $16 + $17 } $4 == root { t += $14 + $15 }
    END { printf "%.2f", t / hz }'
}

pg_pid() { head -n1 "$PGDIR/data/postmaster.pid"; }

stop_pg() {
  [ -n "${PGDIR:-}" ] || return 0
  "${AS[@]}" "$PGBIN/pg_ctl" stop -m fast -D "$PGDIR/data" >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
