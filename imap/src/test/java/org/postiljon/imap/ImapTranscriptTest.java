package org.postiljon.imap;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

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

    void login(int n, String user) throws Exception {
        t.login(n, user);
    }

    void run(String script) throws Exception {
        t.run(script);
    }
}
