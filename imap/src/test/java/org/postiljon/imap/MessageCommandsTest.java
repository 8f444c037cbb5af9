package org.postiljon.imap;

import org.junit.jupiter.api.Test;

/** SELECT, FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE over the wire, and what a second session sees. */
class MessageCommandsTest extends ImapTranscriptTest {

    static final String MSG = """
            C1: a0 APPEND INBOX (\\Seen) {120+}
            C1: From: Bob <bob@example.org>
            C1: Subject: first
            C1: Message-ID: <m1@example.org>
            C1: Date: Tue, 3 Nov 2026 10:00:00 +0000
            C1:
            C1: hello
            S1: a0 OK [APPENDUID ${uv} 1] APPEND completed
            """;

    @Test
    void selectReportsTheMailboxAndFetchReturnsWhatWasStored() throws Exception {
        login(1, "alice@example.org");
        run(MSG);
        run("""
            C1: a1 SELECT INBOX
            S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
            S1: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] flags
            S1: * 1 EXISTS
            S1: * 1 RECENT
            S1: * OK [UIDVALIDITY ${uv}] UIDs valid
            S1: * OK [UIDNEXT 2] predicted next UID
            S1: * OK [MAILBOXID *
            S1: a1 OK [READ-WRITE] SELECT completed
            C1: a2 FETCH 1 (FLAGS RFC822.SIZE UID)
            S1: * 1 FETCH (FLAGS (\\Seen \\Recent) RFC822.SIZE 120 UID 1)
            S1: a2 OK FETCH completed
            C1: a3 FETCH 1 ENVELOPE
            S1: * 1 FETCH (ENVELOPE ("Tue, 3 Nov 2026 10:00:00 +0000" "first" (("Bob" NIL "bob" "example.org")) (("Bob" NIL "bob" "example.org")) (("Bob" NIL "bob" "example.org")) NIL NIL NIL NIL "<m1@example.org>"))
            S1: a3 OK FETCH completed
            C1: a4 FETCH 1 BODYSTRUCTURE
            S1: * 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 5 1 NIL NIL NIL NIL))
            S1: a4 OK FETCH completed
            C1: a5 FETCH 1 (BODY.PEEK[TEXT] BODY.PEEK[HEADER.FIELDS (subject)])
            S1: * 1 FETCH (BODY[TEXT] {5}
            S1: hello BODY[HEADER.FIELDS (SUBJECT)] {18}
            S1: Subject: first
            S1:
            S1: )
            S1: a5 OK FETCH completed
            C1: a6 UID FETCH 1:* (FLAGS)
            S1: * 1 FETCH (UID 1 FLAGS (\\Seen \\Recent))
            S1: a6 OK UID FETCH completed
            C1: a7 FETCH 2 FLAGS
            S1: a7 BAD message sequence number out of range (mailbox has 1)
            C1: a8 UID FETCH 5:7 FLAGS
            S1: a8 OK UID FETCH completed
            C1: a9 FETCH 1 (BODY.PEEK[1]<1.3>)
            S1: * 1 FETCH (BODY[1]<1> {3}
            S1: ell)
            S1: a9 OK FETCH completed
            # RFC 9051 §6.4.5: a partial range past the end is empty, and numbers go up to 2^63-1 without overflowing
            C1: c1 FETCH 1 (BODY.PEEK[]<110.9223372036854775807>)
            S1: * 1 FETCH (BODY[]<110> {10}
            S1: 0
            S1:
            S1: hello)
            S1: c1 OK FETCH completed
            C1: c2 FETCH 1 (BODY.PEEK[TEXT]<9223372036854775807.1> BODY.PEEK[HEADER.FIELDS (SUBJECT)]<9223372036854775807.9223372036854775807>)
            S1: * 1 FETCH (BODY[TEXT]<9223372036854775807> {0}
            S1:  BODY[HEADER.FIELDS (SUBJECT)]<9223372036854775807> {0}
            S1: )
            S1: c2 OK FETCH completed
            C1: c3 FETCH 1 (BODY.PEEK[]<0.9999999999999999999>)
            S1: c3 BAD number too large (at most 2^63-1, RFC 9051 §9 number64)
            C1: b1 FETCH 1 (FLAGS BODY[2])
            S1: b1 NO no part 2
            C1: b0 FETCH 1 (BODY[HEADER.FIELDS ()])
            S1: b0 BAD empty header field list
            C1: b2 EXAMINE INBOX
            S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)
            S1: * OK [PERMANENTFLAGS ()] flags
            S1: * 1 EXISTS
            S1: * 0 RECENT
            S1: * OK [UIDVALIDITY ${uv}] UIDs valid
            S1: * OK [UIDNEXT 2] predicted next UID
            S1: * OK [MAILBOXID *
            S1: b2 OK [READ-ONLY] EXAMINE completed
            C1: b3 STORE 1 +FLAGS (\\Flagged)
            S1: b3 NO [READ-ONLY] mailbox is read-only
            """);
    }

    @Test
    void keywordsAreAnnouncedInFlagsBeforeAnyFetchShowsThem() throws Exception {
        login(1, "alice@example.org");
        login(2, "alice@example.org");
        run("""
            C1: a0 APPEND INBOX (\\Seen Junk) {5+}
            C1: hello
            S1: a0 OK [APPENDUID ${uv} 1] APPEND completed
            # RFC 9051 §7.3.5: FLAGS lists the flags defined in the mailbox, keywords included; PERMANENTFLAGS the ones that can be set
            C1: a1 SELECT INBOX
            S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Junk)
            S1: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Junk \\*)] flags
            S1~ a1 OK [READ-WRITE] SELECT completed
            C2: b1 EXAMINE INBOX
            S2: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft Junk)
            S2: * OK [PERMANENTFLAGS ()] flags
            S2~ b1 OK [READ-ONLY] EXAMINE completed
            # A message appended by another session with a new keyword: FLAGS before the EXISTS that lets the client fetch it
            C1: a2 APPEND INBOX ($Label1) {5+}
            C1: world
            S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 Junk)
            S1: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 Junk \\*)] flags
            S1: * 2 EXISTS
            S1: * 2 RECENT
            S1: a2 OK [APPENDUID ${uv} 2] APPEND completed
            C2: b2 NOOP
            S2: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 Junk)
            S2: * OK [PERMANENTFLAGS ()] flags
            S2: * 2 EXISTS
            S2: b2 OK NOOP completed
            # A silent STORE that makes a keyword still tells the session that made it
            C1: a3 STORE 1 +FLAGS.SILENT (Later)
            S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 Junk Later)
            S1: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Label1 Junk Later \\*)] flags
            S1: a3 OK STORE completed
            # Keywords once announced stay: taking the last one off announces nothing
            C1: a4 STORE 1 -FLAGS (Later)
            S1: * 1 FETCH (FLAGS (\\Seen Junk \\Recent) UID 1)
            S1: a4 OK STORE completed
            # (the other session reads the flags as they are now: it never sees Later, so it is not told of it)
            C2: b3 FETCH 1:* (FLAGS)
            S2: * 1 FETCH (FLAGS (\\Seen Junk))
            S2: * 2 FETCH (FLAGS ($Label1))
            S2: b3 OK FETCH completed
            """);
    }

    @Test
    void storeAndExpungeAreSeenByAnotherSessionOnlyWhereAllowed() throws Exception {
        login(1, "alice@example.org");
        login(2, "alice@example.org");
        run(MSG);
        run("""
            C1: a1 SELECT INBOX
            S1: * FLAGS *
            S1: * OK [PERMANENTFLAGS *
            S1: * 1 EXISTS
            S1: * 1 RECENT
            S1: * OK [UIDVALIDITY *
            S1: * OK [UIDNEXT *
            S1: * OK [MAILBOXID *
            S1: a1 OK [READ-WRITE] SELECT completed
            C2: b1 SELECT INBOX
            S2: * FLAGS *
            S2: * OK [PERMANENTFLAGS *
            S2: * 1 EXISTS
            S2: * 0 RECENT
            S2: * OK [UIDVALIDITY *
            S2: * OK [UIDNEXT *
            S2: * OK [MAILBOXID *
            S2: b1 OK [READ-WRITE] SELECT completed
            C1: a2 STORE 1 +FLAGS (\\Deleted $Important)
            S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)
            S1: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important \\*)] flags
            # RFC 9051 §7.3.5: a new keyword is announced before a FETCH shows it, to every session
            S1: * 1 FETCH (FLAGS ($Important \\Deleted \\Seen \\Recent) UID 1)
            S1: a2 OK STORE completed
            C2: b2 NOOP
            S2: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)
            S2: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important \\*)] flags
            S2: * 1 FETCH (FLAGS ($Important \\Deleted \\Seen) UID 1)
            S2: b2 OK NOOP completed
            C1: a3 EXPUNGE
            S1: * 1 EXPUNGE
            S1: a3 OK EXPUNGE completed
            C2: b3 FETCH 1 (FLAGS)
            S2: b3 NO [EXPUNGEISSUED] some of the requested messages no longer exist
            C2: b4 SEARCH ALL
            S2: * SEARCH
            S2: b4 OK SEARCH completed
            C2: b5 NOOP
            S2: * 1 EXPUNGE
            S2: b5 OK NOOP completed
            """);
    }

    @Test
    void newMailReachesOtherSessionsAndIdle() throws Exception {
        login(1, "alice@example.org");
        login(2, "alice@example.org");
        run("""
            C2: b1 SELECT INBOX
            S2: * FLAGS *
            S2: * OK [PERMANENTFLAGS *
            S2: * 0 EXISTS
            S2: * 0 RECENT
            S2: * OK [UIDVALIDITY *
            S2: * OK [UIDNEXT *
            S2: * OK [MAILBOXID *
            S2: b1 OK [READ-WRITE] SELECT completed
            C2: b2 IDLE
            S2: + idling
            """);
        run(MSG);
        run("""
            S2: * 1 EXISTS
            S2: * 1 RECENT
            C2: DONE
            S2: b2 OK IDLE terminated
            """);
    }

    @Test
    void idleEndsOnlyWithDoneAndAnEmptyLineIsNotTheEnd() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 IDLE
            S1: + idling
            C1:
            S1: a1 BAD expected DONE
            C1: a2 IDLE
            S1: + idling
            C1: done
            S1: a2 OK IDLE terminated
            """);
    }

    @Test
    void sentDatesAreTheDaysAsWrittenInTheirOwnZones() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: p0 APPEND INBOX {54+}
            C1: Date: Tue, 3 Nov 2026 23:30:00 -0500
            C1: Subject: s0
            C1:
            C1: x
            S1: p0 OK [APPENDUID *
            C1: p1 APPEND INBOX {54+}
            C1: Date: Wed, 4 Nov 2026 01:00:00 +0200
            C1: Subject: s1
            C1:
            C1: x
            S1: p1 OK [APPENDUID *
            C1: p2 APPEND INBOX {42+}
            C1: Date: 4 Nov 26 10:00 GMT
            C1: Subject: s2
            C1:
            C1: x
            S1: p2 OK [APPENDUID *
            C1: a1 SELECT INBOX
            S1~ a1 OK [READ-WRITE] SELECT completed
            # RFC 3501 §6.4.4: SENT* compare the Date header's date disregarding time and timezone (not its UTC day)
            # RFC 5322 §4.3: a two-digit year 26 is 2026 (SORT by date, SENT* and JMAP's sentAt all read it)
            C1: a0 SORT (DATE) UTF-8 ALL
            S1: * SORT 2 1 3
            S1: a0 OK SORT completed
            C1: a2 SEARCH SENTON 3-Nov-2026
            S1: * SEARCH 1
            S1: a2 OK SEARCH completed
            C1: a3 SEARCH SENTON 4-nov-2026
            S1: * SEARCH 2 3
            S1: a3 OK SEARCH completed
            C1: a4 SEARCH SENTBEFORE 4-Nov-2026
            S1: * SEARCH 1
            S1: a4 OK SEARCH completed
            C1: a5 SEARCH SENTSINCE 4-Nov-2026
            S1: * SEARCH 2 3
            S1: a5 OK SEARCH completed
            C1: a6 SEARCH SENTSINCE 5-Nov-2026
            S1: * SEARCH
            S1: a6 OK SEARCH completed
            """);
    }

    @Test
    void aCommentNamesAnAddressWithoutAPhraseAndGroupsAreFoundByName() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: p1 APPEND INBOX {99+}
            C1: From: bob@example.org (Bob Smith)
            C1: To: team: a@example.org, b@example.org;
            C1: Subject: old style
            C1:
            C1: x
            S1: p1 OK [APPENDUID *
            C1: a1 SELECT INBOX
            S1~ a1 OK [READ-WRITE] SELECT completed
            # The comment is the display name when there is no phrase (RFC 5322 §3.4 allows it; other servers show it so)
            C1: a2 FETCH 1 ENVELOPE
            S1: * 1 FETCH (ENVELOPE (NIL "old style" (("Bob Smith" NIL "bob" "example.org")) (("Bob Smith" NIL "bob" "example.org")) (("Bob Smith" NIL "bob" "example.org")) ((NIL NIL "team" NIL)(NIL NIL "a" "example.org")(NIL NIL "b" "example.org")(NIL NIL NIL NIL)) NIL NIL NIL NIL))
            S1: a2 OK FETCH completed
            C1: a3 SEARCH FROM "bob smith"
            S1: * SEARCH 1
            S1: a3 OK SEARCH completed
            C1: a4 SEARCH TO team
            S1: * SEARCH 1
            S1: a4 OK SEARCH completed
            """);
    }

    @Test
    void searchCopyMoveWithUidPlus() throws Exception {
        login(1, "alice@example.org");
        run(MSG);
        run("""
            C1: a1 APPEND INBOX {31+}
            C1: Subject: second about cats
            C1:
            C1: x
            S1: a1 OK [APPENDUID ${uv} 2] APPEND completed
            C1: a2 SELECT INBOX
            S1: * FLAGS *
            S1: * OK [PERMANENTFLAGS *
            S1: * 2 EXISTS
            S1: * 2 RECENT
            S1: * OK [UNSEEN 2] first unseen
            S1: * OK [UIDVALIDITY *
            S1: * OK [UIDNEXT 3] predicted next UID
            S1: * OK [MAILBOXID *
            S1: a2 OK [READ-WRITE] SELECT completed
            C1: a3 SEARCH UNSEEN
            S1: * SEARCH 2
            S1: a3 OK SEARCH completed
            C1: a4 UID SEARCH SUBJECT CATS
            S1: * SEARCH 2
            S1: a4 OK UID SEARCH completed
            C1: a41 SEARCH HEADER Message-ID <m1@example.org>
            S1: * SEARCH 1
            S1: a41 OK SEARCH completed
            C1: a42 SEARCH HEADER X-Not-There ""
            S1: * SEARCH
            S1: a42 OK SEARCH completed
            C1: a43 SEARCH TEXT HELLO
            S1: * SEARCH 1
            S1: a43 OK SEARCH completed
            C1: a44 SEARCH SENTON 3-Nov-2026 LARGER 100
            S1: * SEARCH 1
            S1: a44 OK SEARCH completed
            C1: a5 SEARCH RETURN (MIN MAX COUNT) ALL
            S1: * ESEARCH (TAG "a5") MIN 1 MAX 2 COUNT 2
            S1: a5 OK SEARCH completed
            C1: a6 SEARCH CHARSET KOI8-R ALL
            S1: a6 NO [BADCHARSET (UTF-8 US-ASCII)] unsupported charset
            C1: a7 SEARCH RETURN (SAVE) FROM bob
            S1: a7 OK SEARCH completed
            C1: a8 UID COPY $ Archive
            S1: a8 OK [COPYUID ${av} 1 1] UID COPY completed
            C1: a9 MOVE 1:2 Trash
            S1: * OK [COPYUID ${tv} 1:2 1:2] moved
            S1: * 1 EXPUNGE
            S1: * 1 EXPUNGE
            S1: a9 OK MOVE completed
            C1: b1 COPY 1 Nowhere
            S1: b1 BAD message sequence number out of range (mailbox has 0)
            C1: b2 ENABLE IMAP4rev2
            S1: * ENABLED IMAP4rev2
            S1: b2 OK ENABLE completed
            C1: b3 SELECT Trash
            S1: * FLAGS *
            S1: * OK [PERMANENTFLAGS *
            S1: * 2 EXISTS
            S1: * OK [UIDVALIDITY ${tv}] UIDs valid
            S1: * OK [UIDNEXT 3] predicted next UID
            S1: * LIST () "/" "Trash"
            S1: * OK [MAILBOXID *
            S1: b3 OK [READ-WRITE] SELECT completed
            C1: b4 SEARCH SEEN
            S1: * ESEARCH (TAG "b4") ALL 1
            S1: b4 OK SEARCH completed
            C1: b5 COPY 1 Nowhere
            S1: b5 NO [TRYCREATE] no such mailbox: Nowhere
            """);
    }

    @Test
    void aDamagedMessageFileIsAClearErrorAndTheSessionGoesOn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(org.postiljon.store.postgres.TestStore.onPostgres(), "damages a message file of the embedded store");
        var alice = server.model.directory().find(org.postiljon.mailbox.api.EmailAddress.parse("alice@example.org")).orElseThrow();
        server.append(alice, "INBOX", 2000);
        server.append(alice, "INBOX", 3000);
        var first = server.model.messages().list(alice, org.postiljon.mailbox.api.MailboxName.INBOX, org.postiljon.mailbox.api.UidSet.ALL).getFirst();
        java.nio.file.Path file;
        try (var files = java.nio.file.Files.walk(dir)) {
            file = files.filter(f -> f.getFileName().toString().contains(first.blobId().sha256())).findFirst().orElseThrow();
        }
        // The disk lost the end of the file (as after a power cut on a disk that lies about fsync).
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(500);
        }
        login(1, "alice@example.org");
        run("""
            C1: a1 SELECT INBOX
            S1~ a1 OK [READ-WRITE] SELECT completed
            C1: a2 FETCH 1 BODY.PEEK[]
            S1: a2 NO [CORRUPTION] message UID 1 in INBOX is damaged on the server's disk; the administrator has been told
            C1: a3 FETCH 2 RFC822.SIZE
            S1: * 2 FETCH (RFC822.SIZE 3000)
            S1: a3 OK FETCH completed
            C1: a4 NOOP
            S1: a4 OK NOOP completed
            """);
    }
}
