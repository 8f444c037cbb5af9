package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.testkit.Dnsmasq;

/**
 * The spam filter at delivery: each account's mode (off, mark, junk, reject) applied to what the
 * rules found, each copy with X-Spam fields of its own; refused at SMTP time only when every
 * recipient asks for it; LMTP checked, submission not; DNS blocklists asked through a real DNS server.
 */
class SpamFilterTest {

    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    static final String SPAM = "From: offers@deals.test\r\nTo: you@example.org\r\nSubject: win\r\nDate: Fri, 4 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <gtube@deals.test>\r\n\r\n" + GTUBE + "\r\n";
    static final String HAM = "From: bob@example.org\r\nTo: you@example.org\r\nSubject: lunch\r\nDate: Fri, 4 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <lunch@example.org>\r\n\r\nNoon at the usual place?\r\n";

    static List<String> messages(SmtpTestServer server, Account a, String folder) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (MessageInfo m : server.model.messages().list(a, MailboxName.of(folder), UidSet.ALL)) {
            try (InputStream in = server.model.messages().open(a, MailboxName.of(folder), m.uid())) {
                out.add(m.flags() + "\n" + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Test
    void eachAccountsModeDecidesWhatSpamDoes(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account junk = server.account("junk@example.org"), mark = server.account("mark@example.org"), off = server.account("off@example.org");
            var directory = server.model.directory();
            directory.setSetting(mark.address(), AccountSetting.SPAM_MODE, "mark");
            directory.setSetting(off.address(), AccountSetting.SPAM_MODE, "off");
            int mx = SmtpTestServer.port(server.mx);
            for (Account a : List.of(junk, mark, off)) {
                SieveDeliveryTest.send(mx, a.address().toString(), SPAM);
                SieveDeliveryTest.send(mx, a.address().toString(), HAM);
            }
            // junk (the default): spam in Junk, marked; ham in the INBOX with its score.
            List<String> junked = messages(server, junk, "Junk");
            assertEquals(1, junked.size());
            assertTrue(junked.getFirst().startsWith("$Junk\n") || junked.getFirst().contains("$Junk"), junked.getFirst());
            assertTrue(junked.getFirst().contains("X-Spam-Status: Yes, score=1000.0 required=5.0 tests=GTUBE\r\nX-Spam-Score: 1000.0\r\nX-Spam-Flag: YES\r\n"),
                    junked.getFirst());
            List<String> inbox = messages(server, junk, "INBOX");
            assertEquals(1, inbox.size());
            assertTrue(inbox.getFirst().contains("X-Spam-Status: No, score=0.0 required=5.0 tests=none\r\n"), inbox.getFirst());
            assertFalse(inbox.getFirst().contains("X-Spam-Flag"), inbox.getFirst());
            // mark: both in the INBOX, the spam with the keyword and the flag field.
            List<String> marked = messages(server, mark, "INBOX");
            assertEquals(2, marked.size());
            assertTrue(marked.getFirst().contains("$Junk") && marked.getFirst().contains("X-Spam-Flag: YES"), marked.getFirst());
            String header = marked.getFirst().substring(0, marked.getFirst().indexOf("\r\n\r\n"));
            assertTrue(header.contains("\r\nSubject: [SPAM] ") && header.split("\r\nSubject:", -1).length == 2, "the subject tagged once: " + header);
            assertTrue(marked.getLast().contains("\r\nSubject: ") && !marked.getLast().contains("[SPAM]"), "ham untagged: " + marked.getLast());
            assertTrue(junked.getFirst().contains("X-Spam-Flag: YES") && !junked.getFirst().contains("[SPAM]"), "Junk mode does not tag");
            assertEquals(0, SieveDeliveryTest.count(server, mark, "Junk"));
            // off: nothing checked, nothing added.
            List<String> plain = messages(server, off, "INBOX");
            assertEquals(2, plain.size());
            assertTrue(plain.stream().noneMatch(m -> m.contains("X-Spam")), plain.toString());
        }
    }

    @Test
    void inMarkModeTheAccountsSieveScriptSeesTheVerdictThroughSpamtest(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account alice = server.account("alice@example.org");
            server.model.directory().setSetting(alice.address(), AccountSetting.SPAM_MODE, "mark");
            server.model.sieveScripts().put(alice, "spam", """
                    require ["spamtest", "relational", "fileinto", "mailbox"];
                    if spamtest :value "ge" "10" { fileinto :create "Surely spam"; }
                    """);
            server.model.sieveScripts().activate(alice, "spam");
            int mx = SmtpTestServer.port(server.mx);
            SieveDeliveryTest.send(mx, "alice@example.org", SPAM);
            SieveDeliveryTest.send(mx, "alice@example.org", HAM);
            List<String> filed = messages(server, alice, "Surely spam");
            assertEquals(1, filed.size(), "GTUBE scores 1000: spamtest 10");
            assertTrue(filed.getFirst().contains("$Junk") && filed.getFirst().contains("X-Spam-Flag: YES"), "the marks travel with it: " + filed.getFirst());
            assertEquals(1, SieveDeliveryTest.count(server, alice, "INBOX"), "the ham (spamtest 1) is kept");
        }
    }

    @Test
    void spamIsRefusedDuringSmtpOnlyWhenEveryRecipientAsks(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account strict = server.account("strict@example.org"), strict2 = server.account("strict2@example.org"), easy = server.account("easy@example.org");
            for (Account a : List.of(strict, strict2)) server.model.directory().setSetting(a.address(), AccountSetting.SPAM_MODE, "reject");
            int mx = SmtpTestServer.port(server.mx);
            String refused = MailAuthEndToEndTest.sendTo("127.0.0.1", mx, "offers@deals.test", "strict@example.org", SPAM);
            assertTrue(refused.startsWith("550 5.7.1 message refused as spam (score 1000.0)"), refused);
            assertEquals(0, SieveDeliveryTest.count(server, strict, "INBOX") + SieveDeliveryTest.count(server, strict, "Junk"));
            SieveDeliveryTest.send(mx, "strict@example.org", HAM);
            assertEquals(1, SieveDeliveryTest.count(server, strict, "INBOX"), "ham passes");

            // With a recipient that does not refuse, it is accepted: each account's mode applies (the strict one's Junk).
            String reply = sendToMany(mx, SPAM, "strict2@example.org", "easy@example.org");
            assertTrue(reply.startsWith("250"), reply);
            assertEquals(1, SieveDeliveryTest.count(server, strict2, "Junk"));
            assertEquals(1, SieveDeliveryTest.count(server, easy, "Junk"));
        }
    }

    @Test
    void lmtpIsCheckedAndTheUsersOwnSubmissionsAreNot(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account alice = server.account("alice@example.org");
            try (var lmtp = new SmtpClientSession(SmtpTestServer.port(server.lmtp))) {
                assertTrue(lmtp.command("LHLO test").startsWith("250"));
                lmtp.command("MAIL FROM:<offers@deals.test>");
                lmtp.command("RCPT TO:<alice@example.org>");
                lmtp.command("DATA");
                assertTrue(lmtp.command(SPAM + ".").startsWith("250"));
            }
            assertEquals(1, SieveDeliveryTest.count(server, alice, "Junk"), "LMTP mail is checked too");
            // The user's own mail, submitted over SMTP AUTH to a local recipient, is not checked.
            try (var sub = new SmtpClientSession(SmtpTestServer.port(server.submission))) {
                sub.command("EHLO test");
                assertTrue(sub.command("AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(("\0alice@example.org\0" + SmtpTestServer.PASSWORD).getBytes(StandardCharsets.UTF_8)))
                        .startsWith("235"));
                sub.command("MAIL FROM:<alice@example.org>");
                sub.command("RCPT TO:<alice@example.org>");
                sub.command("DATA");
                assertTrue(sub.command(SPAM.replace("From: offers@deals.test", "From: alice@example.org") + ".").startsWith("250"));
            }
            assertEquals(1, SieveDeliveryTest.count(server, alice, "INBOX"), "submitted mail is the user's own: not filed as spam");
        }
    }

    @Test
    void dnsBlocklistsAreAskedAboutTheSendingAddress() throws Exception {
        try (Dnsmasq dns = new Dnsmasq("--address=/10.2.0.192.bl.test/127.0.0.2", "--address=/20.2.0.192.bl.test/127.255.255.254")) {
            SpamFilter filter = new SpamFilter(null, null, new DnsResolver(dns.address), new SpamFilter.Options(Map.of("bl.test", 3.5, "other.test", 2.0), null));
            assertEquals(Map.of("bl.test", 3.5), filter.listed("192.0.2.10"), "listed: 127.0.0.2 (RFC 5782 §2.1)");
            assertEquals(Map.of(), filter.listed("192.0.2.20"), "127.255.255.x is the list's own error, not a listing");
            assertEquals(Map.of(), filter.listed("192.0.2.30"), "not listed");
            assertEquals(Map.of(), filter.listed("127.0.0.2"), "local clients are not looked up");
            assertEquals(Map.of(), filter.listed("2001:db8::1"), "IPv6 clients are not looked up (yet)");
        }
    }

    @Test
    void withRspamdItsVerdictCountsAndWithoutAnAnswerTheRulesDo(@TempDir Path dir) throws Exception {
        try (RspamdServer rspamd = RspamdServer.start(Files.createDirectories(dir.resolve("rspamd")));
             SmtpTestServer server = new SmtpTestServer(dir.resolve("node"), "example.org", SmtpLimits.DEFAULT, true, null, null,
                     new SpamFilter.Options(Map.of(), rspamd.normal))) {
            Account alice = server.account("alice@example.org");
            int mx = SmtpTestServer.port(server.mx);
            SieveDeliveryTest.send(mx, "alice@example.org", SPAM);
            SieveDeliveryTest.send(mx, "alice@example.org", HAM);
            List<String> junked = messages(server, alice, "Junk");
            assertEquals(1, junked.size(), "INBOX: " + messages(server, alice, "INBOX"));
            assertTrue(junked.getFirst().contains("X-Spam-Status: Yes, score=15.0 required=5.0 tests=RSPAMD\r\n"), junked.getFirst());
            List<String> inbox = messages(server, alice, "INBOX");
            assertEquals(1, inbox.size(), "rspamd's score for the ham stays under the threshold: " + messages(server, alice, "Junk"));
            assertTrue(inbox.getFirst().contains("X-Spam-Status: No, score="), inbox.getFirst());
        }
        // rspamd gone: the built-in rules decide, and mail still arrives.
        try (SmtpTestServer server = new SmtpTestServer(dir.resolve("node2"), "example.org", SmtpLimits.DEFAULT, true, null, null,
                new SpamFilter.Options(Map.of(), java.net.URI.create("http://127.0.0.1:9")))) {
            Account alice = server.account("alice@example.org");
            SieveDeliveryTest.send(SmtpTestServer.port(server.mx), "alice@example.org", SPAM);
            assertTrue(messages(server, alice, "Junk").getFirst().contains("tests=GTUBE"));
        }
    }

    /** One message to several recipients over port 25. */
    static String sendToMany(int mx, String message, String... rcpts) throws Exception {
        try (var s = new java.net.Socket("127.0.0.1", mx)) {
            s.setSoTimeout(30_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            var out = s.getOutputStream();
            AuthenticationResultsTest.reply(in);
            List<String> commands = new java.util.ArrayList<>(List.of("EHLO x", "MAIL FROM:<offers@deals.test>"));
            for (String r : rcpts) commands.add("RCPT TO:<" + r + ">");
            commands.add("DATA");
            for (String c : commands) {
                out.write((c + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                AuthenticationResultsTest.reply(in);
            }
            out.write((message + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return AuthenticationResultsTest.reply(in);
        }
    }

    /** A plain SMTP/LMTP client session: one command, its (last) reply line. */
    static final class SmtpClientSession implements AutoCloseable {
        private final java.net.Socket s;
        private final java.io.BufferedReader in;
        private final java.io.OutputStream out;

        SmtpClientSession(int port) throws Exception {
            s = new java.net.Socket("127.0.0.1", port);
            s.setSoTimeout(30_000);
            in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            out = s.getOutputStream();
            AuthenticationResultsTest.reply(in);
        }

        String command(String c) throws Exception {
            out.write((c + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return AuthenticationResultsTest.reply(in);
        }

        @Override
        public void close() throws Exception {
            s.close();
        }
    }
}
