package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad and hostile input: clear BAD/NO, bounded memory and time, and a stream that stays in step. */
class HostileInputTest extends ImapTranscriptTest {

    @Test
    void theLiteralsOfARefusedCommandAreNeverRunAsCommands() throws Exception {
        login(1, "alice@example.org");
        run("""
            # RFC 7888 §4: the client sends a non-synchronizing literal without waiting; when the command is
            # refused before the literal is read, its bytes are still the command's, never a new command
            C1: a1 APPEND INBOX (\\Recent) {14+}
            C1: b1 DELETE Junk
            S1: a1 NO [CANNOT] *
            C1: a2 APPEND INBOX (a(b) {14+}
            C1: b2 DELETE Junk
            S1: a2 BAD *
            C1: a3 APPEND Nowhere {1+}
            C1: x {14+}
            C1: b3 DELETE Junk
            S1: a3 NO [TRYCREATE] *
            C1: a4 LIST "" Junk
            S1: * LIST (\\HasNoChildren \\Junk) "/" "Junk"
            S1: a4 OK LIST completed
            # RFC 7888 §4: a literal larger than any this session may send is not read: BYE after the answer
            C1: a5 APPEND INBOX (\\Recent) {999999999999+}
            S1: a5 NO [CANNOT] *
            S1: * BYE [TOOBIG] *
            """);
        org.junit.jupiter.api.Assertions.assertTrue(t.closed(1), "the session ended");
    }

    @Test
    void tooLargeSynchronizingLiteralIsRefusedBeforeTheClientSendsIt() throws Exception {
        run("""
            S1: * OK *
            C1: a1 LOGIN {100000}
            S1: a1 NO [TOOBIG] literal of 100000 bytes is larger than 8192
            C1: a2 NOOP
            S1: a2 OK NOOP completed
            """);
    }

    @Test
    void tooLargeNonSynchronizingLiteralIsDiscardedAndNeverRunAsCommands() throws Exception {
        StringBuilder junk = new StringBuilder();
        while (junk.length() < 9000) junk.append("x1 LOGOUT\r\n");
        String payload = junk.substring(0, 9000);
        run("S1: * OK *");
        t.send(1, "a1 LOGIN {9000+}\r\n" + payload + " pw\r\na2 NOOP\r\n");
        run("""
            S1: a1 NO [TOOBIG] literal of 9000 bytes is larger than 8192
            S1: a2 OK NOOP completed
            """);
    }

    @Test
    void badCommandsGetBadAndTooManyEndTheSession() throws Exception {
        run("""
            S1: * OK *
            C1: a1 FROBNICATE
            S1: a1 BAD unknown command FROBNICATE
            C1: a2 SELECT INBOX
            S1: a2 BAD SELECT is not allowed before login
            C1: +bad NOOP
            S1: * BAD missing tag
            C1: a3 LOGIN "unterminated
            S1: a3 BAD unterminated quoted string
            C1: a4 NOOP extra
            S1: a4 BAD unexpected characters at end of command
            C1: a5 x
            S1: a5 BAD unknown command X
            C1: a6 x
            S1: a6 BAD unknown command X
            C1: a7 x
            S1: a7 BAD unknown command X
            C1: a8 x
            S1: a8 BAD unknown command X
            C1: a9 x
            S1: a9 BAD unknown command X
            S1: * BYE too many invalid commands
            """);
        assertTrue(t.closed(1));
    }

    @Test
    void overlongLinesAreRefusedAndTheSessionGoesOn() throws Exception {
        run("S1: * OK *");
        t.send(1, "a1 NOOP " + "x".repeat(200_000) + "\r\n");
        run("""
            S1: * BAD command line too long
            C1: a2 NOOP
            S1: a2 OK NOOP completed
            """);
    }

    @Test
    void crlfInALiteralMailboxNameCannotForgeAResponseLine() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 STATUS {27+}
            C1: x
            C1: * OK [ALERT] forged line (MESSAGES)
            S1: a1 BAD mailbox name is not modified UTF-7
            C1: a9 CREATE "quo\\\"ted"
            S1: a9 OK [MAILBOXID *
            C1: b9 LIST "" quo*
            S1: * LIST (\\HasNoChildren) "/" "quo\\\"ted"
            S1: b9 OK LIST completed
            """);
        run("""
            C1: a2 NOOP
            S1: a2 OK NOOP completed
            """);
    }

    @Test
    void hugeSequenceSetsAndDeepNestingCostBoundedTime() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a0 SELECT INBOX
            S1: * FLAGS *
            S1: * OK [PERMANENTFLAGS *
            S1: * 0 EXISTS
            S1: * 0 RECENT
            S1: * OK [UIDVALIDITY *
            S1: * OK [UIDNEXT *
            S1: * OK [MAILBOXID *
            S1: a0 OK [READ-WRITE] SELECT completed
            """);
        long t0 = System.nanoTime();
        run("""
            C1: a1 UID FETCH 1:4294967295 (FLAGS)
            S1: a1 OK UID FETCH completed
            C1: a2 UID STORE 1:4294967295 +FLAGS (\\Seen)
            S1: a2 OK UID STORE completed
            C1: a3 UID SEARCH UID 1:4294967295
            S1: * SEARCH
            S1: a3 OK UID SEARCH completed
            C1: a4 UID FETCH 4294967296 FLAGS
            S1: a4 BAD sequence number out of range
            """);
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 5, "bounded time for huge ranges");
        String deep = "(".repeat(100) + "ALL" + ")".repeat(100);
        run("C1: a5 SEARCH " + deep + "\nS1: a5 BAD search keys nested too deeply");
        StringBuilder many = new StringBuilder("1");
        for (int i = 2; i < 20_000; i += 2) many.append(',').append(i);
        run("C1: a6 UID FETCH " + many + " FLAGS\nS1: a6 OK UID FETCH completed");
    }

    @Test
    void failedLoginsAreSlowedAndPlaintextIsRefusedOffLoopbackWithoutTls() throws Exception {
        run("S1: * OK *");
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            run("C1: f" + i + " LOGIN alice@example.org wrong\nS1: f" + i + " NO [AUTHENTICATIONFAILED] invalid credentials");
        }
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        assertTrue(ms >= 50 + 100, "second and third attempts were delayed: " + ms + " ms");
        run("C1: f9 LOGIN alice@example.org \"correct horse battery\"\nS1: f9 OK *");
    }

    @Test
    void aCompressedStreamThatIsNotDeflateEndsOnlyThatConnection() throws Exception {
        // RFC 4978 §3: after OK both directions are DEFLATE; bytes that do not inflate cannot be commands.
        login(1, "alice@example.org");
        run("C1: z1 COMPRESS DEFLATE\nS1: z1 OK DEFLATE active\n");
        var out = t.socket(1).getOutputStream();
        out.write(new byte[] {(byte) 0xff, (byte) 0xff, 'n', 'o', 't', ' ', 'd', 'e', 'f', 'l', 'a', 't', 'e', '\r', '\n'});
        out.flush();
        // What the server still sends is compressed; it then closes the connection (readAllBytes reaches the end).
        byte[] raw = t.socket(1).getInputStream().readAllBytes(); // returns at the end of the stream: the connection is closed
        java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
        inflater.setInput(raw);
        byte[] plain = new byte[4096];
        String said = new String(plain, 0, inflater.inflate(plain), java.nio.charset.StandardCharsets.US_ASCII);
        org.junit.jupiter.api.Assertions.assertFalse(said.contains("SERVERBUG"), said);
        login(2, "alice@example.org");
        run("C2: n1 NOOP\nS2: n1 OK NOOP completed\n");
    }
}
