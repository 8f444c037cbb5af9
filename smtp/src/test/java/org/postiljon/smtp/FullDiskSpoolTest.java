package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.testkit.SmallDisk;
import org.postiljon.testkit.Transcript;

/**
 * The data directory, spool included, on a real file system too small for the message (a 4 MiB
 * tmpfs; mounting needs root, as CI and these machines have): DATA is read to its end and answered
 * 452 4.3.1, the session stays in step, and a message that fits is delivered after it.
 */
class FullDiskSpoolTest {

    /** A transaction for alice@, up to the 354 that asks for the data. */
    static final String ENVELOPE = """
            C1: MAIL FROM:<sender@example.net>
            S1: 250 *
            C1: RCPT TO:<alice@example.org>
            S1: 250 *
            C1: DATA
            S1: 354 *
            """;

    @TempDir
    Path tmp;
    SmallDisk disk;
    Path small;
    SmtpTestServer server;

    @BeforeEach
    void mount() throws Exception {
        disk = SmallDisk.mount(tmp.resolve("small"), "4m").orElse(null);
        Assumptions.assumeTrue(disk != null, "mounting a small file system needs root");
        small = disk.path;
        server = new SmtpTestServer(small);
    }

    @AfterEach
    void unmount() throws Exception {
        if (server != null) server.close();
        if (disk != null) disk.close();
    }

    @Test
    void dataThatDoesNotFitIsRefusedForLaterAndTheSessionGoesOn() throws Exception {
        Account alice = server.account("alice@example.org");
        try (Transcript t = new Transcript(SmtpTestServer.port(server.mx))) {
            t.run("""
                S1: 220 *
                C1: EHLO client.example.net
                S1~ 250 *
                """ + ENVELOPE + """
                """);
            OutputStream out = t.socket(1).getOutputStream();
            out.write("Subject: too big for the disk\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = ("x".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 6 * 1024; i++) out.write(line); // 6 MiB into a 4 MiB file system
            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            t.run("""
                # RFC 5321 §4.2.2 / RFC 3463 4.3.1: a temporary refusal, the client keeps the message and retries
                S1: 452 4.3.1 *
                C1: NOOP
                S1: 250 *
                """ + ENVELOPE + """
                C1: Subject: small
                C1:
                C1: fits
                C1: .
                S1: 250 *
                """);
        }
        assertEquals(1, server.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL).size(), "only the small one was delivered");
        try (var files = Files.list(small.resolve("spool"))) {
            assertEquals(0, files.count(), "the refused data left no spool file behind");
        }
    }
}
