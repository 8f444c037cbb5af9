package org.postiljon.imap;

import org.junit.jupiter.api.Test;

/** CONDSTORE and QRESYNC (RFC 7162), OBJECTID (RFC 8474) and PREVIEW (RFC 8970) over the wire. */
class CondstoreTest extends ImapTranscriptTest {

    private static final String THREE = """
            C1: a0 APPEND INBOX {57+}
            C1: Subject: one
            C1: Message-ID: <one@example.org>
            C1:
            C1: first text
            S1: a0 OK [APPENDUID ${uv} 1] APPEND completed
            C1: a1 APPEND INBOX {85+}
            C1: Subject: two
            C1: Message-ID: <two@example.org>
            C1: In-Reply-To: <one@example.org>
            C1:
            C1: second
            S1: a1 OK [APPENDUID *
            C1: a2 APPEND INBOX {31+}
            C1: Subject: three
            C1:
            C1: the third one
            S1: a2 OK [APPENDUID *
            """;

    @Test
    void twoSessionsResyncAfterFlagChangesAndExpunges() throws Exception {
        login(1, "alice@example.org");
        login(2, "alice@example.org");
        run(THREE + """
            C1: a3 ENABLE QRESYNC
            S1: * ENABLED QRESYNC
            S1: a3 OK ENABLE completed
            C1: a4 SELECT INBOX
            S1~ * OK [MAILBOXID *
            S1: * OK [HIGHESTMODSEQ 4] highest modseq
            S1: a4 OK [READ-WRITE] SELECT completed
            C1: a5 FETCH 1:* (FLAGS)
            S1: * 1 FETCH (FLAGS (\\Recent) MODSEQ (2))
            S1: * 2 FETCH (FLAGS (\\Recent) MODSEQ (3))
            S1: * 3 FETCH (FLAGS (\\Recent) MODSEQ (4))
            S1: a5 OK FETCH completed
            C2: b1 SELECT INBOX
            S2~ b1 OK [READ-WRITE] SELECT completed
            C2: b2 STORE 1 +FLAGS.SILENT (\\Flagged)
            S2: b2 OK STORE completed
            C2: b3 STORE 2 +FLAGS.SILENT (\\Deleted)
            S2: b3 OK STORE completed
            C2: b4 EXPUNGE
            S2: * 2 EXPUNGE
            S2: b4 OK EXPUNGE completed
            C1: a6 NOOP
            S1: * 1 FETCH (FLAGS (\\Flagged \\Recent) UID 1 MODSEQ (5))
            S1: * 2 FETCH (FLAGS (\\Deleted \\Recent) UID 2 MODSEQ (6))
            S1: * VANISHED 2
            S1: a6 OK NOOP completed
            C1: a7 STATUS INBOX (HIGHESTMODSEQ MESSAGES)
            S1: * STATUS "INBOX" (HIGHESTMODSEQ 7 MESSAGES 2)
            S1: a7 OK STATUS completed
            """);
        // A phone that was offline since MODSEQ 4 comes back: one round trip tells it everything.
        login(3, "alice@example.org");
        run("""
            C3: c1 ENABLE QRESYNC
            S3: * ENABLED QRESYNC
            S3: c1 OK ENABLE completed
            C3: c2 SELECT INBOX (QRESYNC (${uv} 4 1:3))
            S3~ * OK [HIGHESTMODSEQ 7] highest modseq
            S3: * VANISHED (EARLIER) 2
            S3: * 1 FETCH (FLAGS (\\Flagged) UID 1 MODSEQ (5))
            S3: c2 OK [READ-WRITE] SELECT completed
            C3: c3 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 4 VANISHED)
            S3: * VANISHED (EARLIER) 2
            S3: * 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ (5))
            S3: c3 OK UID FETCH completed
            C3: c4 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 7 VANISHED)
            S3: c4 OK UID FETCH completed
            C3: c5 SELECT INBOX (QRESYNC (1 4))
            S3~ * OK [HIGHESTMODSEQ 7] highest modseq
            S3: c5 OK [READ-WRITE] SELECT completed
            C3: c6 FETCH 1 (FLAGS) (VANISHED)
            S3: c6 BAD VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC
            """);
    }

    @Test
    void aSessionNeverShowsFlagsOlderThanItAlreadyShowed() throws Exception {
        login(1, "alice@example.org");
        login(2, "alice@example.org");
        run(THREE + """
            C1: a3 ENABLE CONDSTORE
            S1: * ENABLED CONDSTORE
            S1: a3 OK ENABLE completed
            C1: a4 SELECT INBOX
            S1~ a4 OK [READ-WRITE] SELECT completed
            C2: b1 SELECT INBOX
            S2~ b1 OK [READ-WRITE] SELECT completed
            C2: b2 STORE 1 +FLAGS.SILENT (\\Flagged)
            S2: b2 OK STORE completed
            C1: a5 STORE 1 +FLAGS (\\Deleted)
            S1: * 1 FETCH (FLAGS (\\Deleted \\Flagged \\Recent) UID 1 MODSEQ (6))
            S1: a5 OK STORE completed
            C1: a6 NOOP
            S1: a6 OK NOOP completed
            """);
    }

    @Test
    void conditionalStoreSearchByModseqAndCondstoreSelect() throws Exception {
        login(1, "alice@example.org");
        login(2, "alice@example.org");
        run(THREE + """
            C1: a3 SELECT INBOX (CONDSTORE)
            S1~ * OK [HIGHESTMODSEQ 4] highest modseq
            S1: a3 OK [READ-WRITE] SELECT completed
            C2: b1 SELECT INBOX
            S2~ b1 OK [READ-WRITE] SELECT completed
            C2: b2 STORE 2 +FLAGS.SILENT ($Important)
            S2: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)
            S2: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important \\*)] flags
            S2: b2 OK STORE completed
            C1: a4 STORE 1:3 (UNCHANGEDSINCE 4) +FLAGS.SILENT (\\Seen)
            S1: * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important)
            S1: * OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Important \\*)] flags
            S1: * 2 FETCH (FLAGS ($Important \\Recent) UID 2 MODSEQ (5))
            S1: a4 OK [MODIFIED 2] conditional STORE completed
            C1: a5 FETCH 1:3 (FLAGS)
            S1: * 1 FETCH (FLAGS (\\Seen \\Recent) MODSEQ (6))
            S1: * 2 FETCH (FLAGS ($Important \\Recent) MODSEQ (5))
            S1: * 3 FETCH (FLAGS (\\Seen \\Recent) MODSEQ (6))
            S1: a5 OK FETCH completed
            C1: a6 SEARCH MODSEQ 5
            S1: * SEARCH 1 2 3 (MODSEQ 6)
            S1: a6 OK SEARCH completed
            C1: a7 SEARCH MODSEQ "/flags/\\\\draft" all 6
            S1: * SEARCH 1 3 (MODSEQ 6)
            S1: a7 OK SEARCH completed
            C1: a8 SEARCH RETURN (COUNT) MODSEQ 7
            S1: * ESEARCH (TAG "a8") COUNT 0
            S1: a8 OK SEARCH completed
            C1: a9 UID STORE 2 (UNCHANGEDSINCE 5) -FLAGS ($Important)
            S1: * 2 FETCH (FLAGS (\\Recent) UID 2 MODSEQ (7))
            S1: a9 OK UID STORE completed
            """);
    }

    @Test
    void theFirstEnablingCommandReportsHighestModSeqAndEsearchReportsTheModSeqOfWhatItReturns() throws Exception {
        login(1, "alice@example.org");
        run(THREE + """
            C1: a3 SELECT INBOX
            S1~ a3 OK [READ-WRITE] SELECT completed
            C1: a4 STORE 1 +FLAGS.SILENT (\\Flagged)
            S1: a4 OK STORE completed
            C1: a5 STORE 3 +FLAGS.SILENT (\\Flagged)
            S1: a5 OK STORE completed
            # RFC 7162 §3.1: the first CONDSTORE enabling command with a mailbox selected gets HIGHESTMODSEQ
            C1: a6 FETCH 2 (MODSEQ)
            S1: * 2 FETCH (MODSEQ (3))
            S1: * OK [HIGHESTMODSEQ 6] highest modseq
            S1: a6 OK FETCH completed
            C1: a7 FETCH 2 (MODSEQ)
            S1: * 2 FETCH (MODSEQ (3))
            S1: a7 OK FETCH completed
            # RFC 4731 §3.2: MIN alone reports the MODSEQ of the message MIN names; MIN and MAX of those two; with ALL, of all
            C1: a8 SEARCH RETURN (MIN) MODSEQ 1
            S1: * ESEARCH (TAG "a8") MIN 1 MODSEQ 5
            S1: a8 OK SEARCH completed
            C1: a9 SEARCH RETURN (MAX) MODSEQ 1
            S1: * ESEARCH (TAG "a9") MAX 3 MODSEQ 6
            S1: a9 OK SEARCH completed
            C1: b1 SEARCH RETURN (MIN COUNT) MODSEQ 1
            S1: * ESEARCH (TAG "b1") MIN 1 COUNT 3 MODSEQ 6
            S1: b1 OK SEARCH completed
            C1: b2 UID SEARCH RETURN (MIN) NOT FLAGGED MODSEQ 1
            S1: * ESEARCH (TAG "b2") UID MIN 2 MODSEQ 3
            S1: b2 OK UID SEARCH completed
            """);
    }

    @Test
    void objectIdsAndPreviews() throws Exception {
        login(1, "alice@example.org");
        run(THREE + """
            C1: a3 CREATE Projects
            S1: a3 OK [MAILBOXID (${projects})] CREATE completed
            C1: a4 STATUS Projects (MAILBOXID)
            S1: * STATUS "Projects" (MAILBOXID (${projects}))
            S1: a4 OK STATUS completed
            C1: a5 SELECT INBOX
            S1~ * OK [MAILBOXID (${inbox})] object id
            S1: a5 OK [READ-WRITE] SELECT completed
            C1: a6 FETCH 1:3 (EMAILID THREADID PREVIEW)
            S1: * 1 FETCH (EMAILID (${e1}) THREADID (${t1}) PREVIEW "first text")
            S1: * 2 FETCH (EMAILID (${e2}) THREADID (${t1}) PREVIEW "second")
            S1: * 3 FETCH (EMAILID (${e3}) THREADID NIL PREVIEW "the third one")
            S1: a6 OK FETCH completed
            C1: a7 COPY 1 Projects
            S1: a7 OK [COPYUID *
            C1: a8 SELECT Projects
            S1~ a8 OK [READ-WRITE] SELECT completed
            C1: a9 FETCH 1 (EMAILID PREVIEW (LAZY))
            S1: * 1 FETCH (EMAILID (${e1}) PREVIEW "first text")
            S1: a9 OK FETCH completed
            C1: a10 FETCH 1 (PREVIEW (EAGER))
            S1: a10 BAD unknown PREVIEW modifier EAGER
            """);
    }
}
