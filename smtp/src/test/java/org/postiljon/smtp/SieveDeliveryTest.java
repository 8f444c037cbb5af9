package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;

/**
 * Mail arriving over SMTP runs through the recipient's active Sieve script: fileinto (with
 * :create), flags, discard, reject (a notice to the sender), redirect :copy (queued with an SRS
 * sender) and vacation; an account without a script gets mail as before, and an invalid script
 * is refused when it is kept, with its line.
 */
class SieveDeliveryTest {

    static final String SCRIPT = """
            require ["fileinto", "imap4flags", "reject", "vacation", "copy", "mailbox"];
            if header :contains "subject" "[list]" { fileinto :create "Lists"; stop; }
            if address :is "from" "boss@example.org" { addflag "\\\\Flagged"; keep; stop; }
            if header :contains "subject" "spam offer" { discard; stop; }
            if header :contains "subject" "unwanted" { reject "No thanks."; stop; }
            if header :contains "subject" "fwd me" { redirect :copy "carol@elsewhere.test"; }
            if header :matches "subject" "vacation*" { vacation :days 1 :subject "Out" "Gone fishing."; }
            """;

    @Test
    void theActiveScriptDecidesWhereMailGoes(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account alice = server.account("alice@example.org");
            Account bob = server.account("bob@example.org");
            Account dave = server.account("dave@example.org");
            var scripts = server.model.sieveScripts();
            MailboxException.NotAllowed bad = assertThrows(MailboxException.NotAllowed.class,
                    () -> scripts.put(alice, "broken", "require \"fileinto\";\nfileinto \"x\"\n"));
            assertEquals("not a valid Sieve script: line 3: ';' or '{' expected after fileinto", bad.getMessage());
            scripts.put(alice, "main", SCRIPT);
            scripts.activate(alice, "main");
            int mx = SmtpTestServer.port(server.mx);

            send(mx, "alice@example.org", "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: [list] news\r\n\r\nx\r\n");
            assertEquals(1, count(server, alice, "Lists"), "filed into a folder it made");
            assertEquals(0, count(server, alice, "INBOX"));

            send(mx, "alice@example.org", "From: Boss <boss@example.org>\r\nTo: alice@example.org\r\nSubject: report\r\n\r\nx\r\n");
            var inbox = server.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL);
            assertEquals(1, inbox.size());
            assertTrue(inbox.getFirst().flags().names().contains("\\Flagged"), inbox.getFirst().flags().toString());

            send(mx, "alice@example.org", "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: a spam offer\r\n\r\nx\r\n");
            assertEquals(1, count(server, alice, "INBOX"), "discarded");

            send(mx, "alice@example.org", "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: unwanted\r\n\r\nx\r\n");
            assertEquals(1, count(server, alice, "INBOX"), "rejected");
            List<String> bobs = VacationTest.inbox(server, bob);
            assertEquals(1, bobs.size(), "the sender is told");
            assertTrue(bobs.getFirst().contains("Subject: Rejected: unwanted"), bobs.getFirst());

            long queued = server.model.queue().summary().messages();
            send(mx, "alice@example.org", "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: fwd me\r\n\r\nx\r\n");
            assertEquals(2, count(server, alice, "INBOX"), ":copy keeps it");
            assertEquals(queued + 1, server.model.queue().summary().messages(), "and a copy is queued for carol@elsewhere.test");

            send(mx, "alice@example.org", "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: vacation plans\r\n\r\nx\r\n");
            bobs = VacationTest.inbox(server, bob);
            assertEquals(2, bobs.size());
            assertTrue(bobs.getLast().contains("Subject: Out\r\n") && bobs.getLast().contains("Auto-Submitted: auto-replied"), bobs.getLast());

            // One message for two accounts: dave, without a script, gets it as before; alice's script discards it.
            String both = "From: bob@example.org\r\nTo: alice@example.org, dave@example.org\r\nSubject: spam offer\r\n\r\nx\r\n";
            try (var s = new java.net.Socket("127.0.0.1", mx)) {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
                var out = s.getOutputStream();
                AuthenticationResultsTest.reply(in);
                for (String c : List.of("EHLO x", "MAIL FROM:<bob@example.org>", "RCPT TO:<alice@example.org>", "RCPT TO:<dave@example.org>", "DATA")) {
                    out.write((c + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    AuthenticationResultsTest.reply(in);
                }
                out.write((both + ".\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                assertTrue(AuthenticationResultsTest.reply(in).startsWith("250"));
            }
            assertEquals(1, count(server, dave, "INBOX"));
            assertEquals(3, count(server, alice, "INBOX"), "discarded for alice");

            // The JMAP vacation response answers only what the script kept: not a discarded message, a kept one.
            server.model.vacations().set(alice, new org.postiljon.mailbox.api.Vacation(true, null, null, "Away", "away", null));
            send(mx, "alice@example.org", "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: a spam offer\r\n\r\nx\r\n");
            assertEquals(2, VacationTest.inbox(server, bob).size(), "no reply for discarded mail");
            send(mx, "alice@example.org", "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: hello\r\n\r\nx\r\n");
            assertEquals(3, VacationTest.inbox(server, bob).size(), "a reply for kept mail");
            assertTrue(VacationTest.inbox(server, bob).getLast().contains("Subject: Away\r\n"));
            server.model.vacations().set(alice, org.postiljon.mailbox.api.Vacation.OFF);

            // No active script: mail as before.
            scripts.activate(alice, null);
            send(mx, "alice@example.org", "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: a spam offer\r\n\r\nx\r\n");
            assertEquals(5, count(server, alice, "INBOX"));
            assertThrows(MailboxException.NotAllowed.class, () -> scripts.activate(alice, "nonesuch"));
        }
    }

    @Test
    void includedEditsAndDuplicatesOverSmtp(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account alice = server.account("alice@example.org");
            Account dave = server.account("dave@example.org");
            var scripts = server.model.sieveScripts();
            scripts.put(alice, "edits", """
                    require ["editheader", "date", "variables"];
                    addheader "X-Sorted" "by Postiljon";
                    deleteheader "X-Tracking";
                    if date :matches :originalzone "date" "year" "*" { addheader :last "X-Year" "${1}"; }
                    """);
            scripts.put(alice, "main", """
                    require ["include", "duplicate", "fileinto", "mailbox"];
                    include :personal "edits";
                    if duplicate { fileinto :create "Duplicates"; }
                    """);
            scripts.activate(alice, "main");
            int mx = SmtpTestServer.port(server.mx);
            String tracked = "From: bob@example.org\r\nTo: alice@example.org, dave@example.org\r\nDate: Fri, 4 Dec 2026 10:00:00 +0100\r\n"
                    + "Message-ID: <once@example.org>\r\nX-Tracking: 123\r\nSubject: hello\r\n\r\nthe body\r\n";
            send(mx, "alice@example.org", tracked);
            send(mx, "dave@example.org", tracked);
            String mine = VacationTest.inbox(server, alice).getFirst();
            String header = mine.substring(0, mine.indexOf("\r\n\r\n") + 2);
            assertTrue(header.contains("X-Sorted: by Postiljon\r\nFrom: bob@example.org\r\n"), "added at the top, before the message's own fields: " + header);
            assertTrue(header.endsWith("Subject: hello\r\nX-Year: 2026\r\n"), ":last adds at the end: " + header);
            assertTrue(!header.contains("X-Tracking"), "deleted: " + header);
            assertTrue(mine.endsWith("\r\n\r\nthe body\r\n"), mine);
            String his = VacationTest.inbox(server, dave).getFirst();
            assertTrue(his.contains("X-Tracking: 123\r\n") && !his.contains("X-Sorted"), "another recipient's copy is the message as it came: " + his);

            send(mx, "alice@example.org", tracked);
            assertEquals(1, count(server, alice, "INBOX"));
            assertEquals(1, count(server, alice, "Duplicates"), "the same Message-ID again is a duplicate");
            send(mx, "alice@example.org", tracked.replace("<once@", "<twice@"));
            assertEquals(2, count(server, alice, "INBOX"));

            // An include that is gone stops the run: the message is kept, as it came, and Alice is told once a day.
            scripts.delete(alice, "edits");
            send(mx, "alice@example.org", tracked.replace("<once@", "<third@"));
            List<String> inbox = VacationTest.inbox(server, alice);
            assertEquals(4, inbox.size(), "the message and a notice");
            assertTrue(inbox.stream().anyMatch(m -> m.contains("Message-ID: <third@example.org>") && m.contains("X-Tracking: 123")), "kept unedited");
            String notice = inbox.stream().filter(m -> m.contains("Subject: Your mail filter failed")).findFirst().orElseThrow();
            assertTrue(notice.contains("In-Reply-To: <third@example.org>") && notice.contains("Auto-Submitted: auto-generated"), notice);
            String text = new String(java.util.Base64.getMimeDecoder().decode(notice.substring(notice.lastIndexOf("\r\n\r\n") + 4).strip()),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(text.contains("line 2: there is no personal script \"edits\" to include"), text);
            send(mx, "alice@example.org", tracked.replace("<once@", "<fourth@"));
            assertEquals(5, count(server, alice, "INBOX"), "no second notice the same day");
        }
    }

    @Test
    void aRedirectToAnAddressHereIsDeliveredHereAndLoopsStop(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account bob = server.account("bob@example.org");
            Account carol = server.account("carol@example.org");
            var scripts = server.model.sieveScripts();
            scripts.put(carol, "away", "require \"fileinto\";\nredirect \"bob@example.org\";\n");
            scripts.activate(carol, "away");
            int mx = SmtpTestServer.port(server.mx);
            long queued = server.model.queue().summary().messages();
            send(mx, "carol@example.org", "From: dora@example.net\r\nTo: carol@example.org\r\nSubject: for carol\r\n\r\nx\r\n");
            assertEquals(0, count(server, carol, "INBOX"), "redirected without a copy");
            List<String> bobs = VacationTest.inbox(server, bob);
            assertEquals(1, bobs.size(), "delivered here, not queued for DNS");
            assertTrue(bobs.getFirst().contains("Delivered-To: carol@example.org\r\n") && bobs.getFirst().contains("Delivered-To: bob@example.org\r\n"),
                    bobs.getFirst());
            assertEquals(queued, server.model.queue().summary().messages());

            // Bob's own script runs on it and sends it back to Carol, whose script would send it to Bob again: a loop,
            // stopped there, and the message kept where the loop closed rather than lost.
            scripts.put(bob, "back", "redirect \"carol@example.org\";\n");
            scripts.activate(bob, "back");
            send(mx, "carol@example.org", "From: dora@example.net\r\nTo: carol@example.org\r\nSubject: again\r\n\r\nx\r\n");
            assertEquals(1, count(server, carol, "INBOX"));
            assertEquals(1, count(server, bob, "INBOX"));
            assertEquals(queued, server.model.queue().summary().messages(), "nothing queued either");

            // Forwarding to other servers counts against the account's sending limit; past it the message stays here.
            server.model.directory().setSetting(bob.address(), org.postiljon.mailbox.api.AccountSetting.SENT_MESSAGES_PER_DAY, "1");
            scripts.put(bob, "back", "redirect \"bob@elsewhere.test\";\n");
            send(mx, "bob@example.org", "From: dora@example.net\r\nTo: bob@example.org\r\nSubject: one\r\n\r\nx\r\n");
            assertEquals(queued + 1, server.model.queue().summary().messages(), "the first is forwarded");
            assertEquals(1, count(server, bob, "INBOX"));
            send(mx, "bob@example.org", "From: dora@example.net\r\nTo: bob@example.org\r\nSubject: two\r\n\r\nx\r\n");
            assertEquals(queued + 1, server.model.queue().summary().messages(), "the second is past the limit");
            assertEquals(2, count(server, bob, "INBOX"), "and kept, not lost");
        }
    }

    /**
     * A node's deliveries share an account's rules for a second (DeliveryRulesCache): a script
     * changed through this node is met by the very next message; one changed by another node over
     * the same store (or the CLI beside the server) within the second.
     */
    @Test
    void aScriptChangedHereIsMetAtOnceAndOneChangedElsewhereWithinASecond(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account alice = server.account("alice@example.org");
            int mx = SmtpTestServer.port(server.mx);
            String message = "From: bob@example.org\r\nTo: alice@example.org\r\nSubject: hello\r\n\r\nx\r\n";
            var scripts = server.model.sieveScripts();
            scripts.put(alice, "main", "require \"fileinto\";\nfileinto \"One\";\n");
            scripts.activate(alice, "main");
            server.model.mailboxes().create(alice, MailboxName.of("One"), java.util.Set.of());
            server.model.mailboxes().create(alice, MailboxName.of("Two"), java.util.Set.of());
            server.model.mailboxes().create(alice, MailboxName.of("Three"), java.util.Set.of());
            send(mx, "alice@example.org", message);
            assertEquals(1, count(server, alice, "One"));

            // Changed here: the rules this node remembers are forgotten before put returns.
            scripts.put(alice, "main", "require \"fileinto\";\nfileinto \"Two\";\n");
            send(mx, "alice@example.org", message);
            assertEquals(1, count(server, alice, "Two"), "the next message met the new script");

            // Changed by another node over the same store: met once its second is over.
            var elsewhere = org.postiljon.mailbox.MailboxModel.over(server.store.metadata(), server.store.blobs(), server.store.index(),
                    server.store.bus(), org.postiljon.mailbox.MailboxLimits.DEFAULT, new org.postiljon.mailbox.Passwords(256, 1, 1),
                    java.util.Set.of(), java.time.Clock.systemUTC());
            elsewhere.sieveScripts().put(alice, "main", "require \"fileinto\";\nfileinto \"Three\";\n");
            Thread.sleep(1_200);
            send(mx, "alice@example.org", message);
            assertEquals(1, count(server, alice, "Three"), "met within a second");
            assertEquals(1, count(server, alice, "Two"));
        }
    }

    /**
     * Where an address leads is shared for a second too: an account removed or an alias added here
     * is met by the next RCPT; an account added on another node over the same store within the second.
     */
    @Test
    void anAddressChangedHereIsMetAtOnceAndOneChangedElsewhereWithinASecond(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null)) {
            Account alice = server.account("alice@example.org");
            server.account("dave@example.org");
            int mx = SmtpTestServer.port(server.mx);
            String message = "From: bob@example.org\r\nTo: x@example.org\r\nSubject: hello\r\n\r\nx\r\n";
            assertTrue(MailAuthEndToEndTest.sendTo("127.0.0.1", mx, "bob@example.org", "dave@example.org", message).startsWith("250"));
            assertTrue(MailAuthEndToEndTest.sendTo("127.0.0.1", mx, "bob@example.org", "info@example.org", message).startsWith("550"));

            server.model.directory().removeAccount(org.postiljon.mailbox.api.EmailAddress.parse("dave@example.org"));
            server.model.directory().addAlias(new org.postiljon.mailbox.api.AliasSource("info", org.postiljon.mailbox.api.DomainName.of("example.org")),
                    alice.address());
            String gone = MailAuthEndToEndTest.sendTo("127.0.0.1", mx, "bob@example.org", "dave@example.org", message);
            assertTrue(gone.startsWith("550"), "the removed account is refused at once: " + gone);
            assertTrue(MailAuthEndToEndTest.sendTo("127.0.0.1", mx, "bob@example.org", "info@example.org", message).startsWith("250"),
                    "the new alias is met at once");
            assertEquals(1, count(server, alice, "INBOX"));

            assertTrue(MailAuthEndToEndTest.sendTo("127.0.0.1", mx, "bob@example.org", "erin@example.org", message).startsWith("550"));
            var elsewhere = org.postiljon.mailbox.MailboxModel.over(server.store.metadata(), server.store.blobs(), server.store.index(),
                    server.store.bus(), org.postiljon.mailbox.MailboxLimits.DEFAULT, new org.postiljon.mailbox.Passwords(256, 1, 1),
                    java.util.Set.of(), java.time.Clock.systemUTC());
            elsewhere.directory().addAccount(org.postiljon.mailbox.api.EmailAddress.parse("erin@example.org"), SmtpTestServer.PASSWORD.toCharArray(),
                    org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
            Thread.sleep(1_200);
            String added = MailAuthEndToEndTest.sendTo("127.0.0.1", mx, "bob@example.org", "erin@example.org", message);
            assertTrue(added.startsWith("250"), "an account added on another node is met within a second: " + added);
        }
    }

    static void send(int mx, String to, String message) throws Exception {
        String reply = MailAuthEndToEndTest.sendTo("127.0.0.1", mx, "bob@example.org", to, message);
        assertTrue(reply.startsWith("250"), reply);
    }

    static int count(SmtpTestServer server, Account a, String folder) {
        try {
            return server.model.messages().list(a, MailboxName.of(folder), UidSet.ALL).size();
        } catch (MailboxException.NoSuchMailbox e) {
            return 0;
        }
    }
}
