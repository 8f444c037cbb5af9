package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** NAMESPACE, ID, ENABLE, CHECK, CLOSE, UNSELECT, UID EXPUNGE, AUTHENTICATE LOGIN, UTF-8 names. */
class SessionCommandsTest extends ImapTranscriptTest {

    @Test
    void unauthenticateResetsTheConnectionForAnotherLogin() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 ENABLE UTF8=ACCEPT
            S1: * ENABLED UTF8=ACCEPT
            S1: a1 OK ENABLE completed
            C1: a2 SELECT INBOX
            S1~ a2 OK [READ-WRITE] SELECT completed
            # RFC 8437 §3: OK, then not authenticated; the selected mailbox and ENABLEd extensions are gone
            C1: a3 UNAUTHENTICATE
            S1: a3 OK UNAUTHENTICATE completed
            C1: a4 NOOP
            S1: a4 OK NOOP completed
            C1: a5 SELECT INBOX
            S1: a5 BAD *
            C1: a6 LOGIN alice@example.org "${password}"
            S1: a6 OK *
            C1: a7 CREATE "Grüße"
            S1: a7 BAD *
            C1: a8 UNAUTHENTICATE
            S1: a8 OK UNAUTHENTICATE completed
            C1: a9 UNAUTHENTICATE
            S1: a9 BAD *
            """.replace("${password}", ImapTestServer.PASSWORD));
    }

    @Test
    void namespaceIdAndEnable() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 NAMESPACE
            S1: * NAMESPACE (("" "/")) (("Other Users/" "/")) (("Shared/" "/"))
            S1: a1 OK NAMESPACE completed
            C1: a2 ID ("name" "Thunderbird" "version" "128.0")
            S1: * ID ("name" "Postiljon" "vendor" "Postiljon")
            S1: a2 OK ID completed
            C1: a3 ID NIL
            S1: * ID ("name" "Postiljon" "vendor" "Postiljon")
            S1: a3 OK ID completed
            C1: a4 ENABLE X-UNKNOWN CONDSTORE
            S1: * ENABLED CONDSTORE
            S1: a4 OK ENABLE completed
            C1: a5 ENABLE UTF8=ACCEPT
            S1: * ENABLED UTF8=ACCEPT
            S1: a5 OK ENABLE completed
            C1: a6 CREATE "Grüße/Büro"
            S1: a6 OK [MAILBOXID *
            C1: a7 LIST "" "Gr*"
            S1: * LIST (\\HasChildren) "/" "Grüße"
            S1: * LIST (\\HasNoChildren) "/" "Grüße/Büro"
            S1: a7 OK LIST completed
            """);
        login(2, "alice@example.org");
        run("""
            C2: b1 LIST "" "Gr*"
            S2: * LIST (\\HasChildren) "/" "Gr&APwA3w-e"
            S2: * LIST (\\HasNoChildren) "/" "Gr&APwA3w-e/B&APw-ro"
            S2: b1 OK LIST completed
            C2: b2 STATUS "Gr&APwA3w-e/B&APw-ro" (MESSAGES)
            S2: * STATUS "Gr&APwA3w-e/B&APw-ro" (MESSAGES 0)
            S2: b2 OK STATUS completed
            C2: b3 CREATE "bad&name"
            S2: b3 BAD unterminated modified UTF-7 in mailbox name
            """);
    }

    @Test
    void closeExpungesUnselectDoesNotAndUidExpungeIsSelective() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 APPEND INBOX (\\Deleted) {10+}
            C1: Subject: 1
            S1: a1 OK [APPENDUID ${v} 1] APPEND completed
            C1: a2 APPEND INBOX (\\Deleted) {10+}
            C1: Subject: 2
            S1: a2 OK [APPENDUID ${v} 2] APPEND completed
            C1: a3 APPEND INBOX (\\Deleted) {10+}
            C1: Subject: 3
            S1: a3 OK [APPENDUID ${v} 3] APPEND completed
            C1: a4 SELECT INBOX
            S1: * FLAGS *
            S1: * OK [PERMANENTFLAGS *
            S1: * 3 EXISTS
            S1: * 3 RECENT
            S1: * OK [UNSEEN 1] first unseen
            S1: * OK [UIDVALIDITY *
            S1: * OK [UIDNEXT 4] predicted next UID
            S1: * OK [MAILBOXID *
            S1: a4 OK [READ-WRITE] SELECT completed
            C1: a5 UID EXPUNGE 2
            S1: * 2 EXPUNGE
            S1: a5 OK UID EXPUNGE completed
            C1: a6 CHECK
            S1: a6 OK NOOP completed
            C1: a7 UNSELECT
            S1: a7 OK UNSELECT completed
            C1: a8 STATUS INBOX (MESSAGES)
            S1: * STATUS "INBOX" (MESSAGES 2)
            S1: a8 OK STATUS completed
            C1: a9 FETCH 1 FLAGS
            S1: a9 BAD FETCH is not allowed without a selected mailbox
            C1: b1 EXAMINE INBOX
            S1: * FLAGS *
            S1: * OK [PERMANENTFLAGS *
            S1: * 2 EXISTS
            S1: * 0 RECENT
            S1: * OK [UNSEEN 1] first unseen
            S1: * OK [UIDVALIDITY *
            S1: * OK [UIDNEXT 4] predicted next UID
            S1: * OK [MAILBOXID *
            S1: b1 OK [READ-ONLY] EXAMINE completed
            C1: b2 CLOSE
            S1: b2 OK CLOSE completed
            C1: b3 STATUS INBOX (MESSAGES)
            S1: * STATUS "INBOX" (MESSAGES 2)
            S1: b3 OK STATUS completed
            C1: b4 SELECT INBOX
            S1: * FLAGS *
            S1: * OK [PERMANENTFLAGS *
            S1: * 2 EXISTS
            S1: * 0 RECENT
            S1: * OK [UNSEEN 1] first unseen
            S1: * OK [UIDVALIDITY *
            S1: * OK [UIDNEXT 4] predicted next UID
            S1: * OK [MAILBOXID *
            S1: b4 OK [READ-WRITE] SELECT completed
            C1: b5 CLOSE
            S1: b5 OK CLOSE completed
            C1: b6 STATUS INBOX (MESSAGES)
            S1: * STATUS "INBOX" (MESSAGES 0)
            S1: b6 OK STATUS completed
            """);
    }

    @Test
    void authenticateLoginAndCancel() throws Exception {
        run("""
            S1: * OK *
            C1: a1 AUTHENTICATE LOGIN
            S1: + VXNlcm5hbWU6
            C1: *
            S1: a1 BAD authentication cancelled
            C1: a2 AUTHENTICATE LOGIN
            S1: + VXNlcm5hbWU6
            C1: YWxpY2VAZXhhbXBsZS5vcmc=
            S1: + UGFzc3dvcmQ6
            C1: Y29ycmVjdCBob3JzZSBiYXR0ZXJ5
            S1: a2 OK [CAPABILITY *
            C1: a3 AUTHENTICATE PLAIN
            S1: a3 BAD AUTHENTICATE is not allowed after login
            """);
    }

    @Test
    void shutdownSaysByeAtOnceToSessionsWaitingForACommandAndToIdlingSessions() throws Exception {
        login(1, "alice@example.org");
        login(2, "alice@example.org");
        run("""
            C2: b1 IDLE
            S2: + idling
            """);
        // Without the goodbye, both would wait out the grace period and then see the socket close.
        Thread shutdown = Thread.ofVirtual().start(server.plain::close);
        run("""
            S1: * BYE server shutting down
            S2: * BYE server shutting down
            """);
        shutdown.join();
        assertEquals(null, t.readLine(1), "the connection ends after BYE");
    }
}
