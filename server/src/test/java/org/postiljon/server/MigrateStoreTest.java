package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postiljon.store.postgres.PostgresServer;
import org.postiljon.store.postgres.S3ProxyServer;

/**
 * {@code postiljon migrate-store}: an embedded installation moves to PostgreSQL (contents into
 * PostgreSQL or S3) while it runs, catches up after more mail and an expunge, verifies clean, and
 * a node on the new store shows IMAP clients the same mailboxes: UIDVALIDITY, UIDs, flags, bytes.
 */
class MigrateStoreTest {

    static PostgresServer pg;
    static S3ProxyServer s3;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
        s3.close();
    }

    record Result(int code, String out, String err) { }

    private static Result cli(Path config, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** What an IMAP client sees of a mailbox: its status, and every message's UID, flags and bytes. */
    private static List<String> view(ImapProbe p, String mailbox) throws Exception {
        List<String> seen = new ArrayList<>();
        for (String line : p.command("EXAMINE " + mailbox)) if (line.contains("UIDVALIDITY") || line.contains("EXISTS")) seen.add(line);
        seen.addAll(p.command("UID FETCH 1:* (FLAGS BODY.PEEK[])"));
        seen.removeLast(); // the tagged line names the tag
        // \Recent (IMAP4rev1) is "first session to see it" on each server: the new one starts afresh.
        return seen.stream().map(l -> l.replace(" \\Recent)", ")").replace("(\\Recent)", "()")).toList();
    }

    @ParameterizedTest(name = "contents into {0}")
    @ValueSource(strings = {"postgres", "s3"})
    void anEmbeddedInstallationMovesOverVerifiedAndClientsSeeTheSameMailboxes(String blobs, @TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        String bucket = s3.newBucket("migrate-" + blobs);
        Map<String, String> s3Settings = Map.of("blobs.s3.endpoint", s3.endpoint(), "blobs.s3.access-key", S3ProxyServer.ACCESS_KEY,
                "blobs.s3.secret-key", S3ProxyServer.SECRET_KEY);
        Path config = dir.resolve("postiljon.conf");
        StringBuilder conf = new StringBuilder("data.dir = " + dir.resolve("old") + "\nstore.user = postiljon\n");
        s3Settings.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(config, conf);
        String blobsArg = blobs.equals("s3") ? "s3://" + bucket + "/mail/" : "postgres";

        List<String> inbox, archive;
        try (WebNode old = new WebNode(dir.resolve("old"), s3Settings)) {
            for (String subject : new String[] {"First", "Second", "Third"}) {
                old.deliver(WebNode.ALICE, "From: carla@remote.example.org\nSubject: " + subject + "\nMessage-ID: <" + subject
                        + "@remote.example.org>\n\nAbout " + subject.toLowerCase() + " things, ünïcödé.\n");
            }
            old.node.model().signingKeys().add(org.postiljon.mailbox.api.DomainName.of("example.test"), "pj1", "ed25519-sha256",
                    org.postiljon.mailauth.DkimKey.generate("example.test", "pj1", org.postiljon.mailauth.DkimKey.Algorithm.ED25519_SHA256).privateKeyPkcs8());
            try (ImapProbe p = new ImapProbe(old.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
                p.command("CREATE Archive/2026");
                p.command("SELECT INBOX");
                p.command("STORE 1 +FLAGS (\\Seen $Important)");
                p.command("MOVE 2 Archive/2026");
            }
            // First pass while the old server runs.
            Result first = cli(config, "migrate-store", "--to", url.replace("jdbc:postgresql://", "postgres://postiljon@"), "--blobs", blobsArg);
            assertEquals(0, first.code(), first.out() + first.err());
            assertTrue(first.out().contains("verified:"), first.out());

            // More happens before the cut-over: new mail, an expunge, a flag.
            old.deliver(WebNode.ALICE, "From: dora@remote.example.org\nSubject: Fourth\n\nArrived after the first pass.\n");
            try (ImapProbe p = new ImapProbe(old.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
                p.command("SELECT INBOX");
                p.command("UID STORE 3 +FLAGS (\\Deleted)");
                p.command("EXPUNGE");
                p.command("UID STORE 1 +FLAGS (\\Flagged)");
                inbox = view(p, "INBOX");
                archive = view(p, "Archive/2026");
            }
        }
        // The final pass, with the old server stopped: it catches up and verifies every content's bytes.
        Result last = cli(config, "migrate-store", "--to", url, "--blobs", blobsArg, "--verify-content");
        assertEquals(0, last.code(), last.out() + last.err());
        assertTrue(last.out().contains("message: 3 rows"), last.out());
        assertTrue(last.out().contains("1 copied"), "only the new content is copied: " + last.out());
        assertTrue(last.out().contains("rows gone from the source, deleted"), "the expunged message went: " + last.out());

        Map<String, String> on = new java.util.HashMap<>(s3Settings);
        on.putAll(Map.of("store", "postgres", "store.url", url, "store.user", "postiljon", "blobs", blobs.equals("s3") ? "s3" : "postgres"));
        if (blobs.equals("s3")) on.putAll(Map.of("blobs.s3.bucket", bucket, "blobs.s3.prefix", "mail/"));
        try (WebNode moved = new WebNode(dir.resolve("new"), on);
             ImapProbe p = new ImapProbe(moved.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
            assertEquals(inbox, view(p, "INBOX"), "INBOX: same UIDVALIDITY, UIDs, flags and bytes");
            assertEquals(archive, view(p, "Archive/2026"));
            p.command("SELECT INBOX");
            String appended = String.join("\n", p.command("APPEND INBOX {12+}\r\nSubject: x\r\n"));
            assertTrue(appended.contains("[APPENDUID "), appended); // new mail continues after the copied UIDs
            assertEquals("* SEARCH 1", p.command("SEARCH TEXT \"first things\"").getFirst(), "searches work on the moved mail");
            var keys = moved.node.model().signingKeys().list(org.postiljon.mailbox.api.DomainName.of("example.test"));
            assertEquals(List.of("pj1"), keys.stream().map(k -> k.selector()).toList(), "the domain signs with the same DKIM key");
            assertTrue(keys.getFirst().signing());
        }
    }

    @org.junit.jupiter.api.Test
    void aContentMissingFromTheSourceIsReportedAndTheRunFails(@TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        Path config = dir.resolve("postiljon.conf");
        Files.writeString(config, "data.dir = " + dir.resolve("old") + "\nstore.user = postiljon\n");
        try (WebNode old = new WebNode(dir.resolve("old"))) {
            old.deliver(WebNode.ALICE, "From: carla@remote.example.org\nSubject: lost\n\nThis file will be gone.\n");
        }
        try (var files = Files.walk(dir.resolve("old").resolve("blobs"))) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().length() == 64).toList()) Files.delete(f);
        }
        Result r = cli(config, "migrate-store", "--to", url);
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("DIFFERS: content ") && r.out().contains("missing in the target"), r.out());
        assertTrue(cli(config, "migrate-store", "--to", "mysql://x/y").err().contains("--to must be a PostgreSQL URL"));
        assertTrue(cli(config, "migrate-store", "--to", "postgres://u:secret@h/d").err().contains("no password in --to"));
    }
}
