package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.testkit.SmallDisk;
import org.postiljon.testkit.Transcript;

/**
 * The data directory on a real file system that fills up (an 8 MiB tmpfs; mounting needs root, as
 * CI and these machines have): APPEND answers a temporary NO, the session stays in step, and once
 * there is room again the same APPEND works.
 */
class FullDiskTest {

    @TempDir
    Path tmp;
    SmallDisk disk;
    Path small;
    ImapTestServer server;
    Transcript t;

    @BeforeEach
    void mount() throws Exception {
        // The embedded store's disk filling up; on PostgreSQL the server's disk is the database's to watch.
        Assumptions.assumeFalse(org.postiljon.store.postgres.TestStore.onPostgres(), "a full local disk is the embedded store's case");
        disk = SmallDisk.mount(tmp.resolve("small"), "8m").orElse(null);
        Assumptions.assumeTrue(disk != null, "mounting a small file system needs root");
        small = disk.path;
        server = new ImapTestServer(small);
        server.account("alice@example.org");
        t = new Transcript(server.port());
    }

    @AfterEach
    void unmount() throws Exception {
        if (t != null) t.close();
        if (server != null) server.close();
        if (disk != null) disk.close();
    }

    @Test
    void aFullDiskIsATemporaryNoAndTheSessionStaysInStep() throws Exception {
        t.run("S1: * OK [CAPABILITY *\nC1: l LOGIN alice@example.org \"" + ImapTestServer.PASSWORD + "\"\nS1: l OK *");
        Path filler = small.resolve("filler");
        byte[] mb = new byte[1024 * 1024];
        // Everything but a little goes to a file the operator deletes later.
        try (var out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 16; i++) {
                try {
                    out.write(mb);
                    out.flush();
                } catch (java.io.IOException full) {
                    break;
                }
            }
        } catch (java.io.IOException closeFailed) {
            // the last buffer did not fit: the disk is as full as it gets
        }
        String body = "Subject: big\r\n\r\n" + "x".repeat(300_000) + "\r\n";
        String answer = null;
        for (int i = 0; i < 40 && answer == null; i++) {
            t.send(1, "a" + i + " APPEND INBOX {" + body.length() + "+}\r\n" + body + "\r\n");
            String line = t.readLine(1);
            if (line.startsWith("a" + i + " NO")) answer = line;
            else assertTrue(line.startsWith("a" + i + " OK"), line);
        }
        assertTrue(answer != null && answer.contains("NO [UNAVAILABLE] the server's storage is full; try again later"), String.valueOf(answer));
        t.run("C1: n1 NOOP\nS1: n1 OK NOOP completed");
        Files.delete(filler);
        t.send(1, "b1 APPEND INBOX {" + body.length() + "+}\r\n" + body + "\r\n");
        String again = t.readLine(1);
        assertTrue(again.startsWith("b1 OK"), "with room again the same APPEND works: " + again);
    }
}
