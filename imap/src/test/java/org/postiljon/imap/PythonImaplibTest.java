package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Python's imaplib over implicit TLS: folders, append, header-only listing, fetch, search, store, copy/move, IDLE. */
class PythonImaplibTest extends ImapTranscriptTest {

    @Test
    void imaplibClientWorksEndToEnd() throws Exception {
        server.model.directory().setQuota(org.postiljon.mailbox.api.EmailAddress.parse("alice@example.org"),
                new org.postiljon.mailbox.api.QuotaLimits(java.util.OptionalLong.of(50L * 1024 * 1024), java.util.OptionalLong.of(1000)));
        Path script = dir.resolve("imaplib_client.py");
        try (var in = getClass().getResourceAsStream("/imaplib_client.py")) {
            Files.copy(in, script);
        }
        Process p = new ProcessBuilder("python3", script.toString(), String.valueOf(server.tlsPort()), ImapTestServer.PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("imaplib: all checks passed"), output);
    }
}
