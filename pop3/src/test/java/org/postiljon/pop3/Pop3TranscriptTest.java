package org.postiljon.pop3;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.testkit.Transcript;

/** Base of POP3 transcript tests: a fresh server and alice@example.org per test. */
abstract class Pop3TranscriptTest {

    @TempDir
    Path dir;
    Pop3TestServer server;
    Account alice;
    Transcript t;

    @BeforeEach
    void start() throws Exception {
        server = new Pop3TestServer(dir, true);
        alice = server.account("alice@example.org");
        t = new Transcript(server.port());
    }

    @AfterEach
    void stop() throws Exception {
        t.close();
        server.close();
    }

    /** Opens connection {@code n} and logs in with USER/PASS; the greeting and replies are checked. */
    void login(int n) throws Exception {
        run("S" + n + ": +OK Postiljon POP3 ready\n"
                + "C" + n + ": USER alice@example.org\n"
                + "S" + n + ": +OK send PASS\n"
                + "C" + n + ": PASS " + Pop3TestServer.PASSWORD + "\n"
                + "S" + n + ": +OK maildrop has *\n");
    }

    void run(String script) throws Exception {
        t.run(script);
    }
}
