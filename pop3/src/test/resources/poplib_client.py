"""Python's poplib against Postiljon, as a download client does. Exits non-zero on failure.

usage: poplib_client.py TLS-PORT PLAIN-PORT PASSWORD MODE   (MODE: keep | delete)
"""
import email
import poplib
import ssl
import sys

tls_port, plain_port, password, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

# STLS on the plain port: the capabilities change after the upgrade.
p = poplib.POP3('127.0.0.1', plain_port)
caps = p.capa()
assert 'STLS' in caps and 'UIDL' in caps and 'TOP' in caps, caps
p.stls(context=ctx)
assert 'STLS' not in p.capa(), p.capa()
p.user('alice@example.org')
p.pass_(password)
p.quit()

# Implicit TLS: list, read everything, keep or delete.
p = poplib.POP3_SSL('127.0.0.1', tls_port, context=ctx)
p.user('alice@example.org')
p.pass_(password)
count, size = p.stat()
assert count == 3, (count, size)
listing = p.list()[1]
assert len(listing) == 3, listing
uidls = [line.split()[1] for line in p.uidl()[1]]
assert len(set(uidls)) == 3, uidls
total = 0
for n in range(1, count + 1):
    resp, lines, octets = p.retr(n)
    msg = email.message_from_bytes(b'\r\n'.join(lines) + b'\r\n')
    assert msg['Subject'] == f'message {n}', msg['Subject']
    body = msg.get_payload()
    assert body.startswith(f'Hello {n}'), body
    assert '\n.starts with a dot' in body.replace('\r\n', '\n'), body
    total += octets
head = p.top(1, 0)[1]
assert b'Subject: message 1' in head, head
if mode == 'delete':
    for n in range(1, count + 1):
        p.dele(n)
p.quit()

# The next session sees the result; UIDLs are the same as before.
p = poplib.POP3_SSL('127.0.0.1', tls_port, context=ctx)
p.user('alice@example.org')
p.pass_(password)
again = [line.split()[1] for line in p.uidl()[1]]
expected = [] if mode == 'delete' else uidls
assert again == expected, (again, expected)
p.quit()
print(f'poplib ({mode}): all checks passed, {total} octets')
