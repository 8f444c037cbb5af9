#!/usr/bin/env python3
"""Trains each bench account's spam classifier as its user would: 12 spam messages moved into
Junk and 12 ham messages filed into a folder over IMAP (issue #20), so that the classifier has a
say at delivery (it needs 10 of each), and shows a probe's verdict.   bench/train.py IMAP_PORT USERS [LMTP_PORT]"""
import imaplib
import random
import sys
import time

port, users = int(sys.argv[1]), int(sys.argv[2])
rnd = random.Random(7)
SPAM = "cheap pills offer winner prize casino bitcoin urgent claim free viagra loan refund lottery unsubscribe click".split()
HAM = "meeting agenda report minutes project budget invoice schedule review draft lunch holiday family weekend notes".split()


def message(kind, i, u):
    words = SPAM if kind == "spam" else HAM
    body = " ".join(rnd.choice(words) for _ in range(120))
    return (f"From: {kind}{i}@{'offers.example' if kind == 'spam' else 'colleagues.example'}\r\nTo: user{u}@bench.test\r\n"
            f"Subject: {' '.join(rnd.choice(words) for _ in range(4))}\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
            f"Message-ID: <{kind}-{u}-{i}@bench.example>\r\n\r\n{body}\r\n").encode()


for u in range(1, users + 1):
    imap = imaplib.IMAP4("127.0.0.1", port)
    imap.login(f"user{u}@bench.test", "bench-password")
    imap.create("Filed")
    imap.select("INBOX")
    for kind, target in (("spam", "Junk"), ("ham", "Filed")):
        for i in range(12):
            imap.append("INBOX", None, None, message(kind, i, u))
        imap.select("INBOX")
        imap.uid("MOVE", "1:*", target)
    imap.logout()
time.sleep(3)  # training runs on a background thread
# Shown, not assumed: a spam-like message delivered now is judged with the account's classifier.
if len(sys.argv) > 3:
    import smtplib
    with smtplib.LMTP("127.0.0.1", int(sys.argv[3])) as lmtp:
        lmtp.sendmail("probe@offers.example", ["user1@bench.test"], message("spam", 99, 1))
    imap = imaplib.IMAP4("127.0.0.1", port)
    imap.login("user1@bench.test", "bench-password")
    status = ""
    for folder in ("INBOX", "Junk"):
        imap.select(folder)
        _, data = imap.uid("SEARCH", None, "HEADER", "Message-ID", "spam-1-99@bench.example")
        for uid in data[0].split():
            _, fetched = imap.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (X-Spam-Status)])")
            status = folder + ": " + fetched[0][1].decode().strip()
    imap.logout()
    print("probe after training:", status)
print(f"trained {users} accounts: 12 spam into Junk, 12 ham filed, each")
