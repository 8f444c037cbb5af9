#!/usr/bin/env bash
# Starts Dovecot from Debian (dovecot-imapd, dovecot-pop3d) on 127.0.0.1:${DOVECOT_PORT:-10143} (IMAP) and
# :${DOVECOT_POP3_PORT:-10110} (POP3) and :${DOVECOT_LMTP_PORT:-10024} (LMTP), maildir storage,
# any user name with password "bench-password", for side-by-side benchmarks. Root only (installs).
#   bench/dovecot.sh start|stop
set -euo pipefail
DIR=/var/tmp/postiljon-dovecot
PORT="${DOVECOT_PORT:-10143}"
POP3_PORT="${DOVECOT_POP3_PORT:-10110}"
LMTP_PORT="${DOVECOT_LMTP_PORT:-10024}"
case "${1:-start}" in
  stop)
    [ -f "$DIR/dovecot.conf" ] && dovecot -c "$DIR/dovecot.conf" stop 2>/dev/null || true
    exit 0 ;;
esac
if ! command -v dovecot >/dev/null || [ ! -x /usr/lib/dovecot/pop3 ] || [ ! -x /usr/lib/dovecot/lmtp ]; then
  apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd dovecot-pop3d dovecot-lmtpd >/dev/null
fi
# The packaged service is not wanted; ours runs from its own config.
systemctl stop dovecot 2>/dev/null || true
id benchmail >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin benchmail
[ -f "$DIR/dovecot.conf" ] && dovecot -c "$DIR/dovecot.conf" stop 2>/dev/null || true
rm -rf "$DIR"; mkdir -p "$DIR/mail" "$DIR/run"; chown benchmail: "$DIR/mail"
# DOVECOT_SCHEME=argon2id: passwords stored as ARGON2ID hashes, with Dovecot's auth cache on, as an operator
# runs it; otherwise (the default) the static plain password, the cheapest check there is.
passdb() {
  if [ "${DOVECOT_SCHEME:-plain}" = argon2id ]; then
    local hash; hash="$(doveadm pw -s ARGON2ID -p bench-password)"
    for u in $(seq "${DOVECOT_USERS:-100}"); do echo "user$u@bench.test:$hash"; done > "$DIR/passwd"
    printf 'auth_cache_size = 10M\nauth_cache_ttl = 1 hour\nauth_cache_negative_ttl = 0\npassdb {\n  driver = passwd-file\n  args = %s/passwd\n}\n' "$DIR"
  else
    printf 'passdb {\n  driver = static\n  args = password=bench-password\n}\n'
  fi
}
cat > "$DIR/dovecot.conf" <<CONF
protocols = imap pop3 lmtp
listen = 127.0.0.1
base_dir = $DIR/run
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$DIR/mail/%u
mail_uid = benchmail
mail_gid = benchmail
first_valid_uid = 1
log_path = $DIR/dovecot.log
$(passdb)
userdb {
  driver = static
  args = uid=benchmail gid=benchmail home=$DIR/mail/%u allow_all_users=yes
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
  # Dovecot's high-performance login mode: one login process serves many connections.
  service_count = 0
  process_min_avail = 2
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $POP3_PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $LMTP_PORT
  }
}
# Every user has the same system uid (benchmail), so imap and pop3 processes may serve one session after
# another instead of being forked and exec'd for each (service_count = 1, the default, spends most of
# the CPU of a login-heavy load on process creation: 57 % system time at 68 sessions/s).
service imap {
  process_limit = 1024
  process_min_avail = 8
  service_count = 1000
  vsz_limit = 2G
}
service pop3 {
  process_min_avail = 4
  service_count = 1000
}
service auth {
  client_limit = 4096
}
default_client_limit = 2000
CONF
if [ "${DOVECOT_FTS:-}" = lucene ]; then # Dovecot's own full-text search (CLucene), for bench/search.sh
  [ -e /usr/lib/dovecot/modules/lib21_fts_lucene_plugin.so ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-lucene >/dev/null
  cat >> "$DIR/dovecot.conf" <<CONF
mail_plugins = \$mail_plugins fts fts_lucene
plugin {
  fts = lucene
  fts_lucene = whitespace_chars=@.
  fts_autoindex = yes
}
CONF
fi
dovecot -c "$DIR/dovecot.conf" </dev/null >/dev/null 2>&1 # the daemon must not hold our stdout open
for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
echo "dovecot $(dovecot --version | cut -d' ' -f1) listening on 127.0.0.1:$PORT (IMAP), :$POP3_PORT (POP3), :$LMTP_PORT (LMTP); maildir in $DIR/mail"
