package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.store.postgres.PostgresServer;

/**
 * The whole server with {@code store = postgres}: mail arrives over SMTP, is read, searched,
 * sorted, flagged and moved over IMAP and JMAP, and the rows are in the PostgreSQL database.
 */
class PostgresNodeTest {

    static PostgresServer pg;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    @Test
    void mailArrivesAndIsReadMovedAndSearchedWithTheMetadataInPostgres(@TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        try (WebNode web = new WebNode(dir, Map.of("store", "postgres", "store.url", url, "store.user", "postiljon"))) {
            String[] subjects = {"Zebra crossing", "éclair recipe", "Apple harvest"};
            for (String s : subjects) {
                web.deliver(WebNode.ALICE, "From: Carla <carla@remote.example.org>\nTo: alice@example.test\nSubject: " + s
                        + "\nMessage-ID: <" + s.hashCode() + "@remote.example.org>\n\nAbout the " + s.split(" ")[1] + ".\n");
            }
            try (ImapProbe p = new ImapProbe(web.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
                assertTrue(p.command("SELECT INBOX").stream().anyMatch(l -> l.equals("* 3 EXISTS")));
                // RFC 5256 SORT with i;unicode-casemap keys: éclair sorts with the e's.
                assertEquals("* SORT 3 2 1", p.command("SORT (SUBJECT) UTF-8 ALL").getFirst());
                assertEquals("* SEARCH 2", p.command("SEARCH TEXT recipe").getFirst());
                List<String> fetched = p.command("FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
                assertTrue(String.join("\n", fetched).contains("Subject: Zebra crossing"), fetched.toString());
                p.command("STORE 1 +FLAGS (\\Flagged)");
                assertTrue(p.command("MOVE 1 Archive").stream().anyMatch(l -> l.equals("* 1 EXPUNGE")));
                assertTrue(p.command("STATUS Archive (MESSAGES UNSEEN)").getFirst().contains("MESSAGES 1"));
            }
            JsonNode r = web.api(WebNode.ALICE, "[[\"Email/query\",{\"accountId\":\"A" + Long.toHexString(
                    web.node.model().directory().find(org.postiljon.mailbox.api.EmailAddress.parse(WebNode.ALICE)).orElseThrow().id())
                    + "\",\"filter\":{\"hasKeyword\":\"$flagged\"}},\"q\"]]");
            assertEquals(1, r.get(0).get(1).get("ids").size(), "JMAP finds the flagged message in Archive: " + r);
        }
        // The metadata is in PostgreSQL: the account's three messages and their change log.
        try (var c = DriverManager.getConnection(url, "postiljon", null);
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id"
                     + " JOIN account a ON a.id = b.account_id WHERE a.address = 'alice@example.test'")) {
            rs.next();
            assertEquals(3, rs.getInt(1));
        }
    }
}
