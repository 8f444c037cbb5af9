package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.SubjectTerm;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.Account;

/** Jakarta Mail (Angus) as a desktop client uses IMAP: folders, append, fetch, flags, move, IDLE. */
class AngusMailTest extends ImapTranscriptTest {

    private Store connect() throws Exception {
        return connect(new Properties(), null);
    }

    private Store connect(Properties p, java.io.PrintStream trace) throws Exception {
        p.put("mail.imaps.ssl.trust", "*");
        p.put("mail.imaps.ssl.checkserveridentity", "false");
        p.put("mail.imaps.port", String.valueOf(server.tlsPort()));
        p.put("mail.imaps.connectiontimeout", "5000");
        p.put("mail.imaps.timeout", "10000");
        Session session = Session.getInstance(p);
        if (trace != null) {
            session.setDebug(true);
            session.setDebugOut(trace);
        }
        Store store = session.getStore("imaps");
        store.connect("127.0.0.1", "alice@example.org", ImapTestServer.PASSWORD);
        return store;
    }

    @Test
    void desktopClientWorkflow() throws Exception {
        try (Store store = connect()) {
            Folder root = store.getDefaultFolder();
            Folder projects = root.getFolder("Projekte");
            assertTrue(projects.create(Folder.HOLDS_FOLDERS | Folder.HOLDS_MESSAGES));
            Folder sub = projects.getFolder("Großkunde");
            assertTrue(sub.create(Folder.HOLDS_MESSAGES));
            assertTrue(sub.exists());
            assertEquals("Großkunde", projects.list()[0].getName(), "Unicode names round-trip (modified UTF-7)");

            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setFrom(new InternetAddress("bob@example.org", "Bob Bäcker", "UTF-8"));
            m.setRecipients(Message.RecipientType.TO, "alice@example.org");
            m.setSubject("Angebot für Q4", "UTF-8");
            MimeMultipart mp = new MimeMultipart();
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Hallo Alice,\nanbei das Angebot.", "UTF-8");
            MimeBodyPart file = new MimeBodyPart();
            byte[] pdf = new byte[3000];
            new java.util.Random(5).nextBytes(pdf);
            file.setContent(pdf, "application/pdf");
            file.setFileName("Angebot.pdf");
            mp.addBodyPart(text);
            mp.addBodyPart(file);
            m.setContent(mp);
            m.saveChanges();

            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.appendMessages(new Message[] {m});
            assertEquals(1, inbox.getMessageCount());

            // A message list: headers only, as a client fetches them before anything is opened.
            Message[] all = inbox.getMessages();
            FetchProfile fp = new FetchProfile();
            fp.add(FetchProfile.Item.ENVELOPE);
            fp.add(FetchProfile.Item.FLAGS);
            fp.add(UIDFolder.FetchProfileItem.UID);
            inbox.fetch(all, fp);
            Message got = all[0];
            assertEquals("Angebot für Q4", got.getSubject());
            assertEquals("Bob Bäcker", ((InternetAddress) got.getFrom()[0]).getPersonal());
            assertTrue(!got.isSet(Flags.Flag.SEEN), "listing does not mark read");

            Multipart parts = (Multipart) got.getContent();
            assertEquals(2, parts.getCount());
            assertEquals("Hallo Alice,\r\nanbei das Angebot.", parts.getBodyPart(0).getContent(), "stored with CRLF, as IMAP sends it");
            assertEquals("Angebot.pdf", parts.getBodyPart(1).getFileName());
            assertArrayEquals(pdf, ((java.io.InputStream) parts.getBodyPart(1).getContent()).readAllBytes());

            got.setFlag(Flags.Flag.FLAGGED, true);
            assertEquals(1, inbox.search(new SubjectTerm("angebot")).length);
            ((IMAPFolder) inbox).moveMessages(new Message[] {got}, sub);
            inbox.expunge();
            assertEquals(0, inbox.getMessageCount());
            sub.open(Folder.READ_ONLY);
            assertEquals(1, sub.getMessageCount());
            assertTrue(sub.getMessage(1).isSet(Flags.Flag.FLAGGED));
            sub.close(false);
            inbox.close(false);
        }
    }

    @Test
    void idlePushesNewMailFromAnotherConnection() throws Exception {
        try (Store watcher = connect(); Store sender = connect()) {
            IMAPFolder inbox = (IMAPFolder) watcher.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            CountDownLatch arrived = new CountDownLatch(1);
            inbox.addMessageCountListener(new jakarta.mail.event.MessageCountAdapter() {
                @Override
                public void messagesAdded(jakarta.mail.event.MessageCountEvent e) {
                    arrived.countDown();
                }
            });
            Thread idler = Thread.ofVirtual().start(() -> {
                try {
                    inbox.idle(true);
                } catch (jakarta.mail.MessagingException e) {
                    // the test fails on the latch
                }
            });
            Thread.sleep(300);
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setSubject("pushed");
            m.setText("new mail");
            long t0 = System.nanoTime();
            Folder target = sender.getFolder("INBOX");
            target.appendMessages(new Message[] {m});
            assertTrue(arrived.await(5, TimeUnit.SECONDS), "IDLE told the client about the new message");
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 1000, "within a second of the commit");
            idler.join(5000);
            assertEquals(1, inbox.getMessageCount());
            assertTrue(!inbox.getMessage(1).isSet(Flags.Flag.SEEN), "new mail shows up unread");
            inbox.close(false);
        }
    }

    @Test
    void getQuotaShowsUsageAndLimits() throws Exception {
        server.model.directory().setQuota(org.postiljon.mailbox.api.EmailAddress.parse("alice@example.org"),
                new org.postiljon.mailbox.api.QuotaLimits(java.util.OptionalLong.of(10L * 1024 * 1024), java.util.OptionalLong.of(500)));
        Account alice = server.model.directory().find(org.postiljon.mailbox.api.EmailAddress.parse("alice@example.org")).orElseThrow();
        server.append(alice, "INBOX", 5000);
        server.append(alice, "Trash", 3000);
        try (Store store = connect()) {
            jakarta.mail.Quota[] quotas = ((org.eclipse.angus.mail.imap.IMAPStore) store).getQuota("INBOX");
            assertEquals(1, quotas.length);
            assertEquals("", quotas[0].quotaRoot);
            java.util.Map<String, jakarta.mail.Quota.Resource> byName = new java.util.HashMap<>();
            for (jakarta.mail.Quota.Resource r : quotas[0].resources) byName.put(r.name, r);
            assertEquals(8, byName.get("STORAGE").usage); // 8,000 octets in KiB, Trash included
            assertEquals(10 * 1024, byName.get("STORAGE").limit);
            assertEquals(2, byName.get("MESSAGE").usage);
            assertEquals(500, byName.get("MESSAGE").limit);
        }
    }

    @Test
    void compressedSessionCarriesLargeMessagesBothWays() throws Exception {
        Properties p = new Properties();
        p.put("mail.imaps.compress.enable", "true");
        var trace = new java.io.ByteArrayOutputStream();
        byte[] attachment = new byte[400_000];
        new java.util.Random(7).nextBytes(attachment);
        try (Store store = connect(p, new java.io.PrintStream(trace, true, java.nio.charset.StandardCharsets.UTF_8))) {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setFrom("bob@example.org");
            m.setSubject("Squeezed");
            MimeMultipart mp = new MimeMultipart();
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Hallo Alice,\n".repeat(2000), "UTF-8");
            MimeBodyPart file = new MimeBodyPart();
            file.setContent(attachment, "application/octet-stream");
            file.setFileName("random.bin");
            mp.addBodyPart(text);
            mp.addBodyPart(file);
            m.setContent(mp);
            m.saveChanges();
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.appendMessages(new Message[] {m});
            Multipart back = (Multipart) inbox.getMessage(1).getContent();
            assertEquals("Hallo Alice,\n".repeat(2000), ((String) back.getBodyPart(0).getContent()).replace("\r\n", "\n"));
            assertArrayEquals(attachment, ((MimeBodyPart) back.getBodyPart(1)).getInputStream().readAllBytes());
            inbox.close(false);
        }
        String log = trace.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(log.contains("COMPRESS DEFLATE") && log.contains("OK DEFLATE active"), "the client turned compression on");
    }
}
