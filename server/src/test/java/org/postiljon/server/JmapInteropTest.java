package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.testkit.Processes;

/**
 * A third-party JMAP client, jmap-jam from npm (installed by .ci/run into src/test/node), run by
 * Node against a running node: session, Mailbox/get, a request with a result reference, Email/set,
 * upload, Email/import, download, and an error it reports as the JMAP error type.
 */
class JmapInteropTest {

    static final Path SCRIPT_DIR = Path.of("src", "test", "node").toAbsolutePath();

    @Test
    void jmapJamReadsMovesImportsAndDownloads(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/jmap-jam")), "npm install in server/src/test/node (done by .ci/run)");
        try (WebNode web = new WebNode(dir)) {
            web.deliver(WebNode.ALICE, "From: Carla <carla@remote.example.org>\nTo: alice@example.test\nSubject: Via jam\n\nhello\n");
            String out = Processes.run(SCRIPT_DIR, List.of("node", "interop.mjs", web.base(), WebNode.ALICE, WebNode.PASSWORD));
            JsonNode r = WebNode.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(out)));
            assertTrue(r.get("mailboxes").toString().contains("inbox") && r.get("mailboxes").toString().contains("trash"), out);
            assertEquals(1, r.get("total").asInt());
            assertEquals("Via jam", r.get("subject").asText());
            assertEquals("carla@remote.example.org", r.get("from").asText());
            assertEquals(1, r.get("updated").size());
            assertTrue(r.get("downloaded").asText().contains("Subject: Uploaded by jmap-jam"), out);
            assertEquals("accountNotFound", r.get("error").asText());
            try (ImapProbe imap = new ImapProbe(web.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
                String archive = String.join("\n", imap.command("STATUS Archive (MESSAGES)"));
                assertTrue(archive.contains("MESSAGES 1"), "the move jmap-jam made is seen over IMAP: " + archive);
            }
        }
    }
}
