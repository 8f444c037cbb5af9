package org.postiljon.imap;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.testkit.Transcript;

/** Base of transcript tests: a fresh server and a fresh account alice@example.org per test. */
abstract class ImapTranscriptTest {

    @TempDir
    Path dir;
    ImapTestServer server;
    Transcript t;

    @BeforeEach
    void start() throws Exception {
        server = new ImapTestServer(dir);
        server.account("alice@example.org");
        t = new Transcript(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        t.close();
        server.close();
    }

    /** Opens connection {@code n} and logs in; the greeting and the LOGIN reply are checked. */
    void login(int n, String user) throws Exception {
        run("S" + n + ": * OK [CAPABILITY *\n"
                + "C" + n + ": l" + n + " LOGIN " + user + " \"" + ImapTestServer.PASSWORD + "\"\n"
                + "S" + n + ": l" + n + " OK *\n");
    }

    void run(String script) throws Exception {
        t.run(script);
    }
}
