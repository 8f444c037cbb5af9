package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the command parser and dispatch through a real session: arbitrary bytes after login, then
 * a NOOP that must still be answered (the session is neither crashed nor out of step), and no
 * SERVERBUG. In the normal build the seed inputs run once; a long run:
 * {@code JAZZER_FUZZ=1 ./mvnw -pl imap -am test -Dtest=CommandParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false}
 * (five minutes; findings are written next to the seed inputs as crash-* files).
 */
class CommandParserFuzzTest {

    static Path dir;
    static ImapTestServer server;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("imapfuzz");
        server = new ImapTestServer(dir);
        server.account("alice@example.org");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "5m")
    void arbitraryCommandsNeverBreakTheSession(FuzzedDataProvider data) throws Exception {
        byte[] junk = data.consumeRemainingAsBytes();
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            in.readLine();
            out.write("l LOGIN alice@example.org \"correct horse battery\"\r\nl2 SELECT INBOX\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(junk);
            // Close any literal or line the junk left open, then ask for a sign of life.
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(("zz9 NOOP\r\n").getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
            String line;
            boolean answered = false, bye = false;
            try {
                while ((line = in.readLine()) != null) {
                    assertTrue(!line.contains(" NO [SERVERBUG]"), "server bug on input: " + line);
                    if (line.startsWith("zz9 ")) answered = true;
                    if (line.startsWith("* BYE")) bye = true;
                }
            } catch (java.net.SocketException e) {
                bye = true; // closed after BYE while our bytes were still arriving: a reset, by design
            }
            // A literal, AUTHENTICATE, STARTTLS or IDLE in the junk may rightly take the NOOP's line
            // as data (IDLE: as the line that should have been DONE), and LOGOUT or BYE end the
            // session first; otherwise the NOOP must be answered.
            String text = new String(junk, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
            boolean mayTakeTheNoop = text.contains("{") || text.contains("authenticate") || text.contains("starttls")
                    || text.contains("idle");
            assertTrue(answered || bye || mayTakeTheNoop, "the session fell out of step");
        }
    }
}
