package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.testkit.ImapModelCheck;

/**
 * Sessions of one account on one mailbox doing random STORE, APPEND, EXPUNGE, COPY, MOVE and FETCH,
 * each checking every response against its model of the mailbox (the short run of bench/concurrency.sh).
 */
class ConcurrencyCheckTest {

    @Test
    void everyUntaggedResponseAgreesWithTheModel(@TempDir Path dir) throws Exception {
        try (ImapTestServer server = new ImapTestServer(dir)) {
            server.account("alice@example.org");
            ImapModelCheck.Result r = new ImapModelCheck("127.0.0.1", server.port(), "alice@example.org", ImapTestServer.PASSWORD, "Busy")
                    .run(4, Duration.ofSeconds(Long.getLong("check.seconds", 6)), Long.getLong("check.seed", 20261203));
            assertTrue(r.errors().isEmpty(), r.toString());
            assertTrue(r.operations() > 500, "the sessions did work: " + r);
        }
    }
}
