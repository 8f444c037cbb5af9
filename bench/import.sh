#!/usr/bin/env bash
# Import benchmark (issue #23): messages/s that `postiljon import imap` copies from Dovecot (Debian's, on
# this machine), side by side with Dovecot's own migration tool (dsync: `doveadm backup -R` from imapc)
# copying the same mailbox into a second Dovecot user; then the incremental pass that finds nothing new.
#   bench/import.sh [messages=20000] [folders=4]
# The source mailbox: the shared corpus, imported into a scratch Postiljon and exported as a Maildir that
# becomes Dovecot's (ImportTest shows Dovecot serves such an export as it was), then indexed by Dovecot.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-20000}"; FOLDERS="${2:-4}"
(cd "$ROOT" && ./mvnw -q -B -DskipTests install -pl server -am)
"$ROOT/bench/dovecot.sh" start >/dev/null
D=/var/tmp/postiljon-dovecot
WORK="$(mktemp -d /var/tmp/postiljon-import.XXXX)"
trap '"$ROOT/bench/dovecot.sh" stop; rm -rf "$WORK"' EXIT
SRC=user1@bench.test
mkdir -p "$WORK/mbox"
for f in $(seq "$FOLDERS"); do
  name=$([ "$f" = 1 ] && echo INBOX || echo "Folder$f")
  python3 "$ROOT/../shared/corpus/gen_mbox.py" -n $((N / FOLDERS)) --seed "$f" -o "$WORK/mbox/$name.mbox"
done
PJ=("$ROOT/postiljon" --data "$WORK/scratch")
"${PJ[@]}" domain add bench.test >/dev/null
"${PJ[@]}" account add "$SRC" --password bench-password >/dev/null
"${PJ[@]}" import mbox "$WORK/mbox" "$SRC" >/dev/null
"${PJ[@]}" export maildir "$SRC" "$WORK/maildir" >/dev/null
rm -rf "$D/mail/$SRC"; cp -a "$WORK/maildir" "$D/mail/$SRC"; chown -R benchmail: "$D/mail/$SRC"
doveadm -c "$D/dovecot.conf" index -u "$SRC" '*' # a server in use has its index
COUNT=0; BYTES=0
while read -r line; do
  m=$(sed -n 's/.*messages=\([0-9]*\).*/\1/p' <<<"$line"); v=$(sed -n 's/.*vsize=\([0-9]*\).*/\1/p' <<<"$line")
  COUNT=$((COUNT + ${m:-0})); BYTES=$((BYTES + ${v:-0}))
done < <(doveadm -c "$D/dovecot.conf" mailbox status -u "$SRC" "messages vsize" '*')
echo "source: Dovecot $(dovecot --version | cut -d' ' -f1), $SRC: $COUNT messages, $((BYTES / 1048576)) MiB in $FOLDERS folders"

rate() { # label seconds
  awk -v l="$1" -v s="$2" -v n="$COUNT" -v b="$BYTES" 'BEGIN { printf "%-44s %7.2f s  %8.0f msg/s  %6.1f MiB/s\n", l, s, n / s, b / 1048576 / s }'
}
seconds() { local t0="$1"; awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }'; }

echo bench-password > "$WORK/password"
TARGET=("$ROOT/postiljon" --data "$WORK/target")
"${TARGET[@]}" domain add bench.test >/dev/null
"${TARGET[@]}" account add "$SRC" --password bench-password >/dev/null
IMPORT=("${TARGET[@]}" import imap imap://127.0.0.1:10143 --user "$SRC" "$SRC" --password-file "$WORK/password")
t0=$(date +%s.%N); "${IMPORT[@]}" > "$WORK/first.log"; rate "Postiljon import imap (first pass)" "$(seconds "$t0")"
grep -o '[0-9.]* s: clean' "$WORK/first.log" | sed 's/^/    inside the command (no JVM start): /'
t0=$(date +%s.%N); "${IMPORT[@]}" > "$WORK/second.log"; rate "Postiljon import imap (again, nothing new)" "$(seconds "$t0")"
grep -q "(0 copied now)" "$WORK/second.log" || { echo "the second pass copied something" >&2; cat "$WORK/second.log" >&2; exit 1; }
t0=$(date +%s.%N); "${TARGET[@]}" import imap imap://127.0.0.1:10143 --user "$SRC" "$SRC" --password-file "$WORK/password" --verify-content > /dev/null
rate "Postiljon import imap --verify-content" "$(seconds "$t0")"

DSYNC=(doveadm -c "$D/dovecot.conf" -o imapc_host=127.0.0.1 -o imapc_port=10143 -o imapc_user="$SRC" -o imapc_password=bench-password
       -o "imapc_features=rfc822.size fetch-headers" -o mail_prefetch_count=20 backup -R -u user2@bench.test imapc:)
t0=$(date +%s.%N); "${DSYNC[@]}" 2>/dev/null; rate "Dovecot dsync from imapc (first pass)" "$(seconds "$t0")"
t0=$(date +%s.%N); "${DSYNC[@]}" 2>/dev/null; rate "Dovecot dsync from imapc (again)" "$(seconds "$t0")"
doveadm -c "$D/dovecot.conf" mailbox status -u user2@bench.test messages '*' | awk '{ sub("messages=", "", $NF); n += $NF } END { print "    dsync copied " n " messages" }'
