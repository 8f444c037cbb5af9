package org.postiljon.imap;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.EmailAddress;

/**
 * The extensions' commands with bad arguments (a clear BAD or NO, the session goes on), SAVEDATE
 * over the wire, and the retention job's expunges reaching an IDLE session.
 */
class ExtensionInputTest extends ImapTranscriptTest {

    @Test
    void badArgumentsToExtensionCommandsAreRefusedClearly() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a0 APPEND INBOX {9+}
            C1: Subject:
            S1: a0 OK [APPENDUID *
            C1: a1 SELECT INBOX (QRESYNC (1 1))
            S1: a1 BAD QRESYNC must be enabled first (ENABLE QRESYNC)
            C1: a2 SELECT INBOX (FROB)
            S1: a2 BAD unknown SELECT parameter FROB
            C1: a3 ENABLE QRESYNC
            S1: * ENABLED QRESYNC
            S1: a3 OK ENABLE completed
            C1: a4 SELECT INBOX (QRESYNC (0 1))
            S1: a4 BAD QRESYNC needs a UIDVALIDITY and a MODSEQ above 0
            C1: a5 SELECT INBOX (QRESYNC (1 x))
            S1: a5 BAD *
            C1: a6 SELECT INBOX
            S1~ a6 OK [READ-WRITE] SELECT completed
            C1: a7 FETCH 1 (FLAGS) (CHANGEDSINCE)
            S1: a7 BAD *
            C1: a8 FETCH 1 (FLAGS) (FROB 1)
            S1: a8 BAD unknown FETCH modifier FROB
            C1: a9 STORE 1 (UNCHANGEDSINCE x) +FLAGS (\\Seen)
            S1: a9 BAD *
            C1: n1 NOOP
            S1: n1 OK NOOP completed
            C1: a10 STORE 1 (FROB 1) +FLAGS (\\Seen)
            S1: a10 BAD unknown STORE modifier FROB
            C1: a11 SEARCH MODSEQ "/flags/\\\\seen" bogus 5
            S1: a11 BAD MODSEQ entry type is priv, shared or all
            C1: a12 SORT (DATE) UTF-8
            S1: a12 BAD *
            C1: a13 SORT RETURN (FROB) (DATE) UTF-8 ALL
            S1: a13 BAD unknown RETURN option FROB
            C1: a14 THREAD REFERENCES
            S1: a14 BAD *
            C1: n2 NOOP
            S1: n2 OK NOOP completed
            C1: a15 SETQUOTA "" (STORAGE)
            S1: a15 BAD *
            C1: a16 SETQUOTA "" STORAGE 1
            S1: a16 BAD *
            C1: a17 SETACL INBOX
            S1: a17 BAD *
            C1: a18 GETQUOTAROOT Nowhere
            S1: a18 NO [NONEXISTENT] no such mailbox: Nowhere
            C1: a19 MYRIGHTS Nowhere
            S1: a19 NO [NONEXISTENT] no such mailbox: Nowhere
            C1: a20 SEARCH SAVEDBEFORE 31-Foo-2026
            S1: a20 BAD *
            C1: a21 NOOP
            S1: a21 OK NOOP completed
            """);
    }

    @Test
    void saveDateIsFetchedAndSearched() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a0 APPEND INBOX "01-Jan-2020 10:00:00 +0000" {9+}
            C1: Subject:
            S1: a0 OK [APPENDUID *
            C1: a1 SELECT INBOX
            S1~ a1 OK [READ-WRITE] SELECT completed
            C1: a2 FETCH 1 (INTERNALDATE SAVEDATE)
            S1: * 1 FETCH (INTERNALDATE "01-Jan-2020 10:00:00 +0000" SAVEDATE "${day}-${month}-${year} *
            S1: a2 OK FETCH completed
            C1: a3 SEARCH SAVEDSINCE 1-Jan-2021
            S1: * SEARCH 1
            S1: a3 OK SEARCH completed
            C1: a4 SEARCH SAVEDBEFORE 1-Jan-2021
            S1: * SEARCH
            S1: a4 OK SEARCH completed
            C1: a5 SEARCH SAVEDATESUPPORTED
            S1: * SEARCH 1
            S1: a5 OK SEARCH completed
            C1: a6 SEARCH BEFORE 1-Jan-2021
            S1: * SEARCH 1
            S1: a6 OK SEARCH completed
            """);
    }

    @Test
    void theRetentionJobsExpungesReachAnIdleSession() throws Exception {
        var alice = server.model.directory().find(EmailAddress.parse("alice@example.org")).orElseThrow();
        server.append(alice, "Trash", 100);
        server.append(alice, "INBOX", 100);
        login(1, "alice@example.org");
        run("""
            C1: a1 SELECT Trash
            S1~ a1 OK [READ-WRITE] SELECT completed
            C1: a2 IDLE
            S1: + idling
            """);
        // Thirty-one days on, Trash is due (30 days by default); INBOX never expires.
        server.model.retention().run(Instant.now().plus(Duration.ofDays(31)));
        run("""
            S1: * 1 EXPUNGE
            C1: DONE
            S1: a2 OK IDLE terminated
            C1: a3 STATUS INBOX (MESSAGES)
            S1: * STATUS "INBOX" (MESSAGES 1)
            S1: a3 OK STATUS completed
            """);
    }
}
