package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.EmailAddress;

/** The admin CLI as an operator runs it: exit codes, one-line errors, JSON output. */
class CliTest {

    @TempDir
    Path dir;

    record Result(int code, String out, String err) { }

    Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--data", dir.toString()));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void domainsAccountsAndAliasesFromTheCommandLine() throws Exception {
        assertEquals(new Result(0, "domain added: example.org\n", ""), cli("domain", "add", "Example.ORG"));
        assertEquals(0, cli("domain", "add", "bücher.example").code());
        assertEquals("bücher.example".equals("x") ? "" : "example.org\nxn--bcher-kva.example\n", cli("domain", "list").out());
        assertEquals("account added: alice@example.org\n", cli("account", "add", "Alice@example.org", "--password", "horse-battery", "--quota-mb", "1024").out());
        assertEquals("alice@example.org\t1024 MB\n", cli("account", "list").out());
        assertEquals(0, cli("alias", "add", "@example.org", "alice@example.org").code());
        assertEquals("@example.org\talice@example.org\n", cli("alias", "list", "example.org").out());
        assertEquals(0, cli("account", "quota", "alice@example.org", "unlimited", "--messages", "5000").code());
        JsonNode list = new ObjectMapper().readTree(cli("--json", "account", "list").out());
        assertEquals("alice@example.org", list.get(0).get("address").asText());
        assertTrue(list.get(0).get("quota").get("storageBytes").isNull());
        assertEquals(5000, list.get(0).get("quota").get("messages").asLong());
        JsonNode added = new ObjectMapper().readTree(cli("--json", "account", "add", "bob@example.org", "--password", "0123456789").out());
        assertTrue(added.get("ok").asBoolean());
        assertEquals(0, cli("account", "remove", "bob@example.org").code());
    }

    @Test
    void aggregateReportsInAMailboxAreListed() throws Exception {
        cli("domain", "add", "example.org");
        cli("account", "add", "dmarc@example.org", "--password", "horse-battery");
        // Two report mails as an mbox: a DMARC report (XML, gzipped) and a TLS report (JSON, gzipped).
        String dmarc = org.postiljon.testkit.SampleReports.mail("application/gzip", "r.xml.gz",
                gzip(org.postiljon.testkit.SampleReports.DMARC_XML));
        String tls = org.postiljon.testkit.SampleReports.mail("application/tlsrpt+gzip", "r.json.gz", gzip(org.postiljon.testkit.SampleReports.TLS_JSON));
        Path mbox = dir.resolve("reports.mbox");
        java.nio.file.Files.writeString(mbox, "From reporter Sat Dec  5 00:00:00 2026\n" + dmarc.replace("\r\n", "\n") + "\nFrom reporter Sat Dec  5 00:00:00 2026\n"
                + tls.replace("\r\n", "\n") + "\n");
        Result imported = cli("import", "mbox", mbox.toString(), "dmarc@example.org", "--folder", "INBOX");
        assertEquals(0, imported.code(), imported.err());
        Result listed = cli("report", "list", "dmarc@example.org");
        assertEquals(0, listed.code(), listed.err());
        assertTrue(listed.out().startsWith("DMARC example.org 2025-12-05 from google.com: 44 messages, 41 passed\n"
                + "    192.0.2.10 41 none dkim=pass spf=pass from example.org\n    203.0.113.66 3 quarantine dkim=fail spf=fail from example.org\n"), listed.out());
        assertTrue(listed.out().contains("TLS company-y.example 2016-04-01 from Company-X (sts): 5326 successful, 303 failed "
                + "{certificate-expired=103, starttls-not-supported=200}\n"), listed.out());
        JsonNode json = new ObjectMapper().readTree(cli("--json", "report", "list", "dmarc@example.org").out());
        assertEquals("dmarc", json.get(0).get("type").asText());
        assertEquals(3, json.get(0).get("rows").get(1).get("count").asLong());
        assertEquals(200, json.get(1).get("policies").get(0).get("failures").get("starttls-not-supported").asLong());
        assertEquals(1, cli("report", "list", "dmarc@example.org", "Nowhere").code(), "no such folder");
        cli("account", "add", "bob@example.org", "--password", "horse-battery");
        assertEquals("no reports in INBOX of bob@example.org\n", cli("report", "list", "bob@example.org").out());
    }

    private static byte[] gzip(String text) throws java.io.IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(b)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    @Test
    void dkimKeysAreMadeListedRotatedAndRemoved() throws Exception {
        cli("domain", "add", "example.org");
        Result first = cli("dkim", "add", "example.org", "--selector", "s1", "--algorithm", "ed25519");
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().startsWith("DKIM key s1 signs mail from example.org now. Publish:\ns1._domainkey.example.org. IN TXT ( \"v=DKIM1; k=ed25519; p="),
                first.out());
        JsonNode second = new ObjectMapper().readTree(cli("--json", "dkim", "add", "example.org", "--selector", "s2").out());
        assertEquals("rsa-sha256", second.get("algorithm").asText());
        assertTrue(second.get("txt").asText().startsWith("v=DKIM1; k=rsa; p=MII"), second.toString());
        String list = cli("dkim", "list", "example.org").out();
        assertTrue(list.startsWith("  s1 ed25519-sha256 made "), list);
        assertTrue(list.contains("\n* s2 rsa-sha256 made "), "the newest key signs: " + list);
        assertTrue(list.contains("s2._domainkey.example.org. IN TXT ( \"v=DKIM1; k=rsa; p=MII"), "both records to publish: " + list);
        assertEquals(0, cli("dkim", "use", "example.org", "s1").code());
        assertTrue(cli("dkim", "list", "example.org").out().startsWith("* s1 "));
        assertEquals(0, cli("dkim", "remove", "example.org", "s2").code());
        Result gone = cli("dkim", "remove", "example.org", "s2");
        assertEquals(1, gone.code());
        assertTrue(gone.err().contains("no key with selector s2"), gone.err());
        Result foreign = cli("dkim", "add", "elsewhere.test");
        assertEquals(1, foreign.code());
        assertTrue(foreign.err().contains("no such domain"), foreign.err());
        assertEquals(2, cli("dkim", "add", "example.org", "--algorithm", "dsa").code());
        assertEquals(1, cli("dkim", "add", "example.org", "--selector", "bad selector!").code());
        assertEquals("no DKIM keys: mail from example.net goes out unsigned\n", cli("dkim", "list", "example.net").out());
    }

    @Test
    void sieveScriptsAreCheckedKeptActivatedAndRemoved(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        cli("domain", "add", "example.org");
        cli("account", "add", "alice@example.org", "--password", "horse-battery");
        java.nio.file.Path good = java.nio.file.Files.writeString(tmp.resolve("good.sieve"), "require \"fileinto\";\nfileinto \"Later\";\n");
        java.nio.file.Path bad = java.nio.file.Files.writeString(tmp.resolve("bad.sieve"), "fileinto \"Later\";\n");
        assertEquals(new Result(0, "script main of alice@example.org kept\n", ""), cli("sieve", "put", "alice@example.org", "main", good.toString()));
        assertEquals(new Result(1, "", "postiljon: error: not a valid Sieve script: line 1: fileinto needs require \"fileinto\"\n"),
                cli("sieve", "put", "alice@example.org", "other", bad.toString()));
        assertEquals(new Result(0, "script main runs at delivery to alice@example.org\n", ""), cli("sieve", "activate", "alice@example.org", "main"));
        assertEquals(new Result(0, "* main\n", ""), cli("sieve", "list", "alice@example.org"));
        assertEquals(new Result(0, "require \"fileinto\";\nfileinto \"Later\";\n", ""), cli("sieve", "get", "alice@example.org", "main"));
        Result active = cli("sieve", "remove", "alice@example.org", "main");
        assertEquals(1, active.code());
        assertTrue(active.err().contains("is active; deactivate it first"), active.err());
        assertEquals(0, cli("sieve", "activate", "alice@example.org").code());
        assertEquals(0, cli("sieve", "remove", "alice@example.org", "main").code());
        assertEquals(new Result(0, "no scripts\n", ""), cli("sieve", "list", "alice@example.org"));
    }

    @Test
    void appPasswordsAreMadeListedAndRevoked() {
        cli("domain", "add", "example.org");
        cli("account", "add", "alice@example.org", "--password", "horse-battery");
        Result made = cli("app-password", "add", "alice@example.org", "Phone", "imap", "smtp");
        assertEquals(0, made.code(), made.err());
        String secret = made.out().substring(0, made.out().indexOf(' '));
        assertTrue(secret.matches("[a-z]{4}(-[a-z]{4}){5}"), made.out());
        String listed = cli("app-password", "list", "alice@example.org").out();
        assertTrue(listed.matches("[0-9]+  Phone  imap smtp  last used never\n"), listed);
        long id = Long.parseLong(listed.substring(0, listed.indexOf(' ')));
        Result wrong = cli("app-password", "add", "alice@example.org", "Old", "ftp");
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().startsWith("postiljon: a scope is imap, pop3, smtp, sieve, jmap or admin, not ftp\n"), wrong.err());
        assertEquals(new Result(0, "app password " + id + " of alice@example.org revoked\n", ""), cli("app-password", "remove", "alice@example.org", String.valueOf(id)));
        assertEquals(new Result(0, "no app passwords\n", ""), cli("app-password", "list", "alice@example.org"));
        assertEquals(new Result(0, "two-step sign-in was off: alice@example.org\n", ""), cli("account", "two-step-off", "alice@example.org"));
    }

    @Test
    void accountSettingsAreSetCheckedAndListed() {
        cli("domain", "add", "example.org");
        cli("account", "add", "alice@example.org", "--password", "horse-battery");
        String defaults = "pop3.delete = expunge\ndelivery.subaddress-folder = on\nretention.trash = 30\nretention.junk = 30\nlocale = en\n"
                + "limits.sent-messages-per-day = 1000\nlimits.new-recipients-per-day = 500\nspam.mode = junk\nspam.threshold = 5\nspam.reject-score = 12\n";
        assertEquals(new Result(0, defaults, ""), cli("account", "settings", "alice@example.org"));
        assertEquals(new Result(0, "pop3.delete of alice@example.org: trash\n", ""), cli("account", "set", "alice@example.org", "pop3.delete", "TRASH"));
        assertEquals(new Result(0, defaults.replace("expunge", "trash"), ""), cli("account", "settings", "alice@example.org"));
        assertEquals(new Result(1, "", "postiljon: error: pop3.delete must be one of [expunge, trash], not \"shred\"\n"),
                cli("account", "set", "alice@example.org", "pop3.delete", "shred"));
        assertEquals(new Result(1, "", "postiljon: error: unknown account setting \"color\"; known: [pop3.delete, delivery.subaddress-folder,"
                        + " retention.trash, retention.junk, locale, quota.storage-mb, quota.messages, folders.names,"
                        + " limits.sent-messages-per-day, limits.new-recipients-per-day, spam.mode, spam.threshold, spam.reject-score]\n"),
                cli("account", "set", "alice@example.org", "color", "blue"));
        // A domain's value is the default of its accounts; an account's own value wins.
        assertEquals(new Result(0, "retention.trash of example.org: 7\n", ""), cli("domain", "set", "example.org", "retention.trash", "7"));
        assertTrue(cli("account", "settings", "alice@example.org").out().contains("retention.trash = 7\n"));
        assertEquals(0, cli("account", "set", "alice@example.org", "retention.trash", "never").code());
        assertTrue(cli("account", "settings", "alice@example.org").out().contains("retention.trash = never\n"));
        assertEquals(new Result(1, "", "postiljon: error: retention.trash must be one of [never, <number>], not \"soon\"\n"),
                cli("account", "set", "alice@example.org", "retention.trash", "soon"));
        assertEquals(new Result(1, "", "postiljon: error: quota.storage-mb is set per domain (domain set)\n"),
                cli("account", "set", "alice@example.org", "quota.storage-mb", "5"));
        assertEquals(new Result(1, "", "postiljon: error: no such account: ghost@example.org\n"),
                cli("account", "set", "ghost@example.org", "pop3.delete", "trash"));
    }

    @Test
    void teamsAclsQuotaAndRetentionFromTheCommandLine() throws Exception {
        cli("domain", "add", "example.org");
        cli("account", "add", "alice@example.org", "--password", "horse-battery");
        cli("account", "add", "bob@example.org", "--password", "horse-battery");
        assertEquals(new Result(0, "team mailbox added: sales@example.org\n", ""), cli("team", "add", "sales@example.org"));
        assertEquals(new Result(0, "alice@example.org is a member of sales@example.org with rights lrswipkxte\n", ""),
                cli("team", "member", "add", "sales@example.org", "alice@example.org"));
        assertEquals(0, cli("team", "member", "add", "sales@example.org", "bob@example.org", "lr").code());
        assertEquals(new Result(0, "sales@example.org\n\talice@example.org\tlrswipkxte\n\tbob@example.org\tlr\n", ""), cli("team", "list"));
        assertEquals(0, cli("team", "member", "remove", "sales@example.org", "bob@example.org").code());
        assertEquals(new Result(1, "", "postiljon: error: bob@example.org is not a member of sales@example.org\n"),
                cli("team", "member", "remove", "sales@example.org", "bob@example.org"));
        assertEquals(new Result(1, "", "postiljon: error: alice@example.org is not a team mailbox\n"),
                cli("team", "member", "add", "alice@example.org", "bob@example.org"));

        assertEquals(new Result(0, "alice@example.org\tlrswipkxtea\nbob@example.org\tlr\n", ""),
                cli("acl", "set", "alice@example.org", "INBOX", "bob@example.org", "lr"));
        assertEquals(new Result(0, "alice@example.org\tlrswipkxtea\n", ""), cli("acl", "set", "alice@example.org", "INBOX", "bob@example.org", ""));
        assertEquals(new Result(1, "", "postiljon: error: no such account: nobody@example.org\n"),
                cli("acl", "set", "alice@example.org", "INBOX", "nobody@example.org", "lr"));
        assertEquals(new Result(1, "", "postiljon: error: unknown right \"z\"; rights are lrswipkxtea (and the obsolete c, d)\n"),
                cli("acl", "set", "alice@example.org", "INBOX", "bob@example.org", "lrz"));

        assertEquals(0, cli("domain", "set", "example.org", "quota.storage-mb", "10").code());
        assertTrue(cli("domain", "settings", "example.org").out().contains("quota.storage-mb = 10\nquota.messages = unlimited\nfolders.names = any\n"));
        assertEquals(new Result(1, "", "postiljon: error: folders.names must be one of [any, restricted], not \"strict\"\n"),
                cli("domain", "set", "example.org", "folders.names", "strict"));
        assertEquals(new Result(0, "alice@example.org: 0 bytes in 0 messages; limit 10 MB\n", ""), cli("quota", "show", "alice@example.org"));
        assertEquals(new Result(0, "quota usage exact: no drift\n", ""), cli("quota", "repair"));

        assertEquals(new Result(0, "retention of Trash of alice@example.org: 3 days\n", ""), cli("retention", "set", "alice@example.org", "Trash", "3"));
        assertEquals(new Result(0, "retention of Trash of alice@example.org: never\n", ""), cli("retention", "set", "alice@example.org", "Trash", "never"));
        assertEquals(new Result(0, "retention of Trash of alice@example.org: 30 days\n", ""), cli("retention", "set", "alice@example.org", "Trash", "default"));
        assertEquals(new Result(2, "", "postiljon: DAYS must be a number of days, never or default, not 'soon'\n" + Cli.USAGE),
                cli("retention", "set", "alice@example.org", "Trash", "soon"));
        assertEquals(new Result(0, "would remove 0 messages\n", ""), cli("retention", "preview"));
        JsonNode run = new ObjectMapper().readTree(cli("--json", "retention", "run").out());
        assertEquals(0, run.get("messages").asInt());
        assertEquals(new Result(0, "0 message contents waiting to be indexed\n", ""), cli("index", "status"));
        assertEquals(new Result(0, "0 message contents will be indexed again by the running (or next started) server\n", ""), cli("index", "rebuild"));
    }

    @Test
    void theQueueIsListedRetriedAndDeleted() throws Exception {
        try (Node node = Node.open(Settings.defaults().with("data.dir", dir.toString()))) {
            node.model().queue().enqueue("alice@example.org", org.postiljon.mailbox.api.OutboundQueue.Dsn.NONE,
                    java.util.List.of(org.postiljon.mailbox.api.OutboundQueue.Target.of("carol@example.net")),
                    new java.io.ByteArrayInputStream("Subject: waiting\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8)));
        }
        String list = cli("queue", "list").out();
        assertTrue(list.matches("(?s)1\\t\\S+\\t<alice@example.org>\\t\\d+ bytes\\n\\tcarol@example.net\\tQUEUED\\tattempts 0\\tnext \\S+\\n"), list);
        assertEquals("QUEUED", new ObjectMapper().readTree(cli("--json", "queue", "list").out()).get(0).get("recipients").get(0).get("state").asText());
        assertEquals(new Result(0, "queued message 1 will be tried again now\n", ""), cli("queue", "retry", "1"));
        assertEquals(new Result(0, "queued message 1 deleted\n", ""), cli("queue", "delete", "1"));
        assertEquals(new Result(0, "", ""), cli("queue", "list"));
        assertEquals(new Result(1, "", "postiljon: error: no queued message 1\n"), cli("queue", "delete", "1"));
        assertEquals(2, cli("queue", "retry", "x").code());
    }

    @Test
    void badInputGivesOneClearLineAndANonZeroExit() {
        cli("domain", "add", "example.org");
        cli("account", "add", "alice@example.org", "--password", "horse-battery");
        assertEquals(new Result(1, "", "postiljon: error: invalid address (expected local-part@domain): \"not-an-address\"\n"),
                cli("account", "add", "not-an-address", "--password", "horse-battery"));
        assertEquals(new Result(1, "", "postiljon: error: account already exists: alice@example.org\n"),
                cli("account", "add", "ALICE@example.org", "--password", "horse-battery"));
        assertEquals(new Result(1, "", "postiljon: error: no such domain: nowhere.test\n"),
                cli("account", "add", "bob@nowhere.test", "--password", "horse-battery"));
        assertEquals(new Result(1, "", "postiljon: error: password must be at least 8 characters\n"),
                cli("account", "add", "bob@example.org", "--password", "short"));
        assertEquals(new Result(1, "", "postiljon: error: invalid domain: \"bad_domain!\"\n"), cli("domain", "add", "bad_domain!"));
        assertEquals(new Result(1, "", "postiljon: error: domain example.org still has accounts or aliases; remove them first\n"),
                cli("domain", "remove", "example.org"));
        assertEquals(new Result(1, "", "postiljon: error: no such account: ghost@example.org\n"), cli("account", "remove", "ghost@example.org"));
        Result usage = cli("account", "frobnicate");
        assertEquals(2, usage.code());
        assertTrue(usage.err().startsWith("postiljon: unknown command: account frobnicate\nusage:"));
        assertEquals(2, cli("account", "add", "x@example.org").code(), "no password given");
        assertEquals(2, cli("account", "quota", "alice@example.org", "lots").code());
    }

    @Test
    void configReferenceListsEverySettingAndUnknownKeysAreRefused() throws Exception {
        Result r = cli("config", "reference");
        for (Settings.Setting s : Settings.ALL) assertTrue(r.out().contains("\n" + s.key() + " = " + s.defaultValue() + "\n"), s.key());
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "listen.imapp = 0.0.0.0:143\n");
        assertEquals(new Result(1, "", "postiljon: error: unknown setting 'listen.imapp' (see: postiljon config reference)\n"),
                cli("--config", conf.toString(), "domain", "list"));
        Files.writeString(conf, "# a comment\nlimits.max-message-bytes = 1000\nlisten.imap = off\n");
        Settings s = Settings.load(conf);
        assertEquals(1000, s.number("limits.max-message-bytes"));
        assertTrue(s.address("listen.imap").isEmpty());
        assertEquals(993, s.address("listen.imaps").orElseThrow().getPort());
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void optionsWorkOnEitherSideOfTheCommandAndUnknownOnesAreErrors() throws Exception {
        Path conf = dir.resolve("node.conf");
        Files.writeString(conf, "listen.imapp = 127.0.0.1:0\n");
        String unknown = "postiljon: error: unknown setting 'listen.imapp' (see: postiljon config reference)\n";
        // The README's form: the file is read (its mistake reported) instead of starting on the default ports.
        assertEquals(new Result(1, "", unknown), cli("serve", "--config", conf.toString()));
        assertEquals(new Result(1, "", unknown), cli("domain", "list", "--config", conf.toString()));
        Result bogus = cli("serve", "--bogus");
        assertEquals(2, bogus.code());
        assertTrue(bogus.err().startsWith("postiljon: 'serve' takes no argument --bogus\n"), bogus.err());
        assertEquals(2, cli("demo", "extra").code());
        assertTrue(cli("serve", "--config").err().startsWith("postiljon: --config needs a value"));
        assertEquals(0, cli("domain", "add", "example.org", "--json").code());
        assertEquals("[\"example.org\"]", cli("domain", "list", "--json").out().strip().replaceAll("\\s", ""));
    }

    @Test
    void theCliWorksWhileTheServerRunsOnTheSameData() throws Exception {
        Settings settings = Settings.defaults().with("data.dir", dir.toString()).with("listen.http", "127.0.0.1:0").with("listen.https", "127.0.0.1:0")
                .with("listen.metrics", "127.0.0.1:0");
        try (Node node = Node.open(settings)) {
            node.start();
            assertTrue(Files.exists(dir.resolve("tls/cert.pem")), "a self-signed certificate was generated");
            assertTrue(node.selfSigned());
            assertEquals(0, cli("domain", "add", "example.org").code());
            assertEquals(0, cli("account", "add", "carol@example.org", "--password", "horse-battery").code());
            assertTrue(node.model().directory().find(EmailAddress.parse("carol@example.org")).isPresent());
            assertTrue(node.model().directory().authenticate("carol@example.org", "horse-battery".toCharArray()).isPresent());
        }
        try (Node again = Node.open(settings)) {
            again.start();
            assertEquals(Files.readString(dir.resolve("tls/cert.pem")), Files.readString(dir.resolve("tls/cert.pem")));
            assertTrue(again.model().directory().find(EmailAddress.parse("carol@example.org")).isPresent(), "data kept across restarts");
        }
    }
}
