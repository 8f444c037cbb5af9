"""Python's imaplib against Postiljon: what a scripted mail client does. Exits non-zero on failure."""
import email
import imaplib
import ssl
import sys
import threading
import time

port, password = int(sys.argv[1]), sys.argv[2]
if len(sys.argv) > 3:
    imaplib.Debug = 4


def ok(result, what):
    typ, data = result
    assert typ == 'OK', f'{what}: {typ} {data}'
    return data


ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
m = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
ok(m.login('alice@example.org', password), 'login')

# Folders and subfolders.
names = [l.decode() for l in ok(m.list(), 'list')]
assert any('"INBOX"' in n or ' INBOX' in n for n in names), names
assert any('\\Trash' in n and 'Trash' in n for n in names), names
ok(m.create('Projects/2026/Q4'), 'create')
ok(m.create('Reisen/&ANw-nterwegs'), 'create unicode (modified UTF-7, as imaplib needs)')
names = [l.decode() for l in ok(m.list('""', 'Projects/*'), 'list subtree')]
assert len(names) == 2 and 'Projects/2026/Q4' in names[1], names
names = [l.decode() for l in ok(m.list('""', 'Reisen/*'), 'list unicode')]
assert '&ANw-nterwegs' in names[0], names  # modified UTF-7 for IMAP4rev1 clients
ok(m.rename('Projects', 'Archive/Projects'), 'rename subtree')
names = [l.decode() for l in ok(m.list('""', '*Q4'), 'list renamed')]
assert names and 'Archive/Projects/2026/Q4' in names[0], names
ok(m.subscribe('Archive/Projects/2026/Q4'), 'subscribe')
subs = [l.decode() for l in ok(m.lsub('""', '*'), 'lsub')]
assert any('Archive/Projects/2026/Q4' in s for s in subs), subs
ok(m.unsubscribe('Archive/Projects/2026/Q4'), 'unsubscribe')
ok(m.delete('Archive/Projects/2026/Q4'), 'delete')

# Append, then fetch only headers until a message is opened.
msg = (b'From: Bob Baker <bob@example.org>\r\nTo: alice@example.org\r\n'
       b'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_Berlin?=\r\nMessage-ID: <py1@example.org>\r\n'
       b'Date: Tue, 3 Nov 2026 10:00:00 +0100\r\nMIME-Version: 1.0\r\n'
       b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
       b'--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Alice, the report is attached.\r\n'
       b'--b1\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\n'
       b'Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n')
data = ok(m.append('INBOX', '(\\Flagged)', imaplib.Time2Internaldate(time.time()), msg), 'append')
assert b'APPENDUID' in data[0], data
ok(m.append('INBOX', None, None, b'From: carol@example.org\r\nSubject: second\r\n\r\nplain body\r\n'), 'append 2')
typ, data = m.select('INBOX')
assert typ == 'OK' and data[0] == b'2', data
data = ok(m.fetch('1:*', '(UID FLAGS RFC822.SIZE ENVELOPE)'), 'fetch headers')
first = data[0].decode() if isinstance(data[0], bytes) else data[0][0].decode()
assert '\\Flagged' in first and 'bob' in first and 'UTF-8' in first, first
data = ok(m.fetch('1', '(BODYSTRUCTURE)'), 'bodystructure')
bs = data[0].decode()
assert '"APPLICATION" "PDF"' in bs and '"MIXED"' in bs and '"ATTACHMENT"' in bs, bs
data = ok(m.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])'), 'header fields')
assert isinstance(data[0], tuple), data
assert b'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_Berlin?=' in data[0][1] and b'To:' not in data[0][1], data
data = ok(m.fetch('1', '(FLAGS)'), 'flags before open')
assert b'\\Seen' not in data[0], data
data = ok(m.fetch('1', '(BODY[1])'), 'open text part')
assert data[0][1] == b'Hello Alice, the report is attached.', data
data = ok(m.fetch('1', '(BODY.PEEK[2]<0.4>)'), 'partial')
assert data[0][1] == b'JVBE', data
data = ok(m.fetch('1', '(FLAGS)'), 'flags after open')
assert b'\\Seen' in data[0], data
data = ok(m.fetch('2', '(RFC822)'), 'rfc822')
parsed = email.message_from_bytes(data[0][1])
assert parsed['Subject'] == 'second', parsed

# Search, store, copy, move, expunge.
assert ok(m.search(None, 'FROM', 'bob'), 'search from') == [b'1']
assert ok(m.search(None, 'UNSEEN'), 'search unseen') == [b'']  # both were opened above
assert ok(m.search(None, 'BODY', '"plain body"'), 'search body') == [b'2']
assert ok(m.search(None, 'OR', 'FLAGGED', 'SUBJECT', 'second'), 'search or') == [b'1 2']
assert ok(m.search(None, 'NOT', 'FLAGGED'), 'search not') == [b'2']
assert ok(m.uid('SEARCH', None, 'ALL'), 'uid search') == [b'1 2']
ok(m.store('2', '+FLAGS', '(\\Answered $Forwarded)'), 'store')
data = ok(m.fetch('2', '(FLAGS)'), 'flags after store')
assert b'\\Answered' in data[0] and b'$Forwarded' in data[0], data
data = ok(m.copy('1', 'Archive'), 'copy')
assert b'COPYUID' in data[0], data
typ, data = m._simple_command('MOVE', '2', 'Trash')
assert typ == 'OK', data
ok(m.store('1', '+FLAGS', '\\Deleted'), 'delete flag')
ok(m.expunge(), 'expunge')
assert ok(m.status('INBOX', '(MESSAGES)'), 'status')[0].endswith(b'(MESSAGES 0)')
assert ok(m.status('Archive', '(MESSAGES UNSEEN)'), 'status archive')[0].endswith(b'(MESSAGES 1 UNSEEN 0)')
assert ok(m.status('Trash', '(MESSAGES)'), 'status trash')[0].endswith(b'(MESSAGES 1)')

# IDLE: a message appended by another connection shows up at once.
other = imaplib.IMAP4_SSL('127.0.0.1', port, ssl_context=ctx)
ok(other.login('alice@example.org', password), 'second login')
tag = m._new_tag()
m.send(tag + b' IDLE\r\n')
assert m.readline().startswith(b'+'), 'idle continuation'
t0 = time.time()
threading.Timer(0.2, lambda: other.append('INBOX', None, None, b'Subject: pushed\r\n\r\nnew mail\r\n')).start()
line = m.readline()
elapsed = time.time() - t0
assert line.strip() == b'* 1 EXISTS', line
assert elapsed < 2.0, elapsed
m.send(b'DONE\r\n')
while True:
    line = m.readline()
    if line.startswith(tag):
        assert b'OK' in line, line
        break
other.logout()

# Quota as the test set it (50 MB, 1000 messages): the numbers match what the folders hold.
typ, data = m.getquotaroot('INBOX')
assert typ == 'OK', data
roots, quotas = data
assert roots[0] == b'"INBOX" ""', roots
status = ok(m.status('INBOX', '(SIZE MESSAGES)'), 'status')[0].decode()
quota = quotas[0].decode()
assert quota.startswith('"" (STORAGE '), quota
parts = quota[quota.index('(') + 1:-1].split()
assert parts[0] == 'STORAGE' and parts[2] == '51200' and parts[3] == 'MESSAGE' and parts[5] == '1000', quota
assert int(parts[1]) >= 1 and int(parts[4]) >= 2, (quota, status)
m.logout()
print('imaplib: all checks passed')
