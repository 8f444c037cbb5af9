package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailauth.Dkim;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailauth.DkimResult;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.testkit.Dnsmasq;

/**
 * Mail from the world arrives with an Authentication-Results field saying what its DKIM
 * signatures proved, the keys read from a real DNS server (dnsmasq): signed and intact passes,
 * altered in transit fails, unsigned is none; LMTP (the front MTA's business) adds nothing.
 */
class AuthenticationResultsTest {

    static final String MESSAGE = "From: Bob <bob@example.net>\r\nTo: alice@example.org\r\nSubject: signed\r\n"
            + "Date: Fri, 4 Dec 2026 10:00:00 +0000\r\nMessage-ID: <dkim-1@example.net>\r\n\r\nHello Alice.\r\n";

    /** Sends {@code message} over SMTP (MX or LMTP) to alice; the last reply. */
    static String send(int port, boolean lmtp, String message) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            reply(in);
            for (String c : List.of((lmtp ? "LHLO" : "EHLO") + " sender.example.net", "MAIL FROM:<bob@example.net>", "RCPT TO:<alice@example.org>", "DATA")) {
                out.write((c + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                reply(in);
            }
            out.write((message.replace("\r\n.", "\r\n..") + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String last = reply(in);
            out.write("QUIT\r\n".getBytes(StandardCharsets.ISO_8859_1));
            reply(in);
            return last;
        }
    }

    /** One SMTP reply, its continuation lines skipped: the last line. */
    static String reply(BufferedReader in) throws Exception {
        String line;
        do {
            line = in.readLine();
        } while (line != null && line.length() > 3 && line.charAt(3) == '-');
        return line;
    }

    /** The header section of alice's newest INBOX message, as stored. */
    static String newestHeader(SmtpTestServer server, Account alice) throws Exception {
        var list = server.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL);
        try (InputStream in = server.model.messages().open(alice, MailboxName.INBOX, list.getLast().uid())) {
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return text.substring(0, text.indexOf("\r\n\r\n") + 2);
        }
    }

    @Test
    void signaturesAreCheckedAgainstTheirKeysInTheDns(@TempDir Path dir) throws Exception {
        DkimKey ed = DkimKey.generate("example.net", "ed", DkimKey.Algorithm.ED25519_SHA256);
        DkimKey rsa = DkimKey.generate("example.net", "rsa", DkimKey.Algorithm.RSA_SHA256);
        // An RSA key is longer than one TXT string (255 octets): published as several strings, read joined.
        List<String> rsaStrings = new ArrayList<>();
        for (int i = 0; i < rsa.dnsText().length(); i += 200) rsaStrings.add(rsa.dnsText().substring(i, Math.min(rsa.dnsText().length(), i + 200)));
        // --local: the server answers for example.net itself (NXDOMAIN for names it lacks); other names it REFUSEs.
        try (Dnsmasq dns = new Dnsmasq("--local=/example.net/", "--local=/net/", "--txt-record=" + ed.dnsName() + "," + ed.dnsText(), "--txt-record=" + rsa.dnsName() + "," + String.join(",", rsaStrings));
             SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null, dns.address)) {
            Account alice = server.account("alice@example.org");
            int mx = SmtpTestServer.port(server.mx);

            String both = Dkim.sign(() -> new java.io.ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.ISO_8859_1)), ed, Instant.now())
                    + Dkim.sign(() -> new java.io.ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.ISO_8859_1)), rsa, Instant.now()) + MESSAGE;
            assertTrue(send(mx, false, both).startsWith("250"));
            String header = newestHeader(server, alice);
            assertTrue(header.contains("Authentication-Results: mx.example.org;\r\n"
                    + "\tspf=none (no SPF record at example.net) smtp.mailfrom=bob@example.net;\r\n"
                    + "\tdkim=pass header.d=example.net header.s=ed;\r\n"
                    + "\tdkim=pass header.d=example.net header.s=rsa;\r\n"
                    + "\tdmarc=none (no DMARC record) header.from=example.net\r\n"), header);
            assertTrue(header.indexOf("Authentication-Results:") < header.indexOf("DKIM-Signature:"), "on top of the message");

            assertTrue(send(mx, false, both.replace("Hello Alice.", "Hello Alice, send money.")).startsWith("250"));
            header = newestHeader(server, alice);
            assertTrue(header.contains("dkim=fail (body hash did not verify) header.d=example.net header.s=ed"), header);

            assertTrue(send(mx, false, MESSAGE).startsWith("250"));
            assertTrue(newestHeader(server, alice).contains("\tdkim=none (no signature);\r\n"));

            String unknownSelector = both.replace("s=ed;", "s=gone;");
            assertTrue(send(mx, false, unknownSelector).startsWith("250"));
            header = newestHeader(server, alice);
            assertTrue(header.contains("dkim=permerror (no key at gone._domainkey.example.net) header.d=example.net header.s=gone"), header);

            // A DNS that does not answer: try later, not "no key".
            assertTrue(send(mx, false, both.replace("d=example.net; s=ed;", "d=other.test; s=ed;")).startsWith("250"));
            header = newestHeader(server, alice);
            assertTrue(header.contains("dkim=temperror (key lookup: DNS lookup for ed._domainkey.other.test failed: REFUSED) header.d=other.test"), header);

            assertTrue(send(SmtpTestServer.port(server.lmtp), true, both).startsWith("250"));
            assertTrue(!newestHeader(server, alice).contains("Authentication-Results:"), "LMTP: the front MTA's business");
        }
    }

    @Test
    void resultsThatArriveClaimingToBeOursAreRemoved(@TempDir Path dir) throws Exception {
        try (SmtpTestServer server = new SmtpTestServer(dir, "example.org", SmtpLimits.DEFAULT, true, null, null)) {
            Account alice = server.account("alice@example.org");
            String forged = "Authentication-Results: MX.example.org 1; dkim=pass header.d=bank.test;\r\n\tdmarc=pass header.from=bank.test\r\n"
                    + "Authentication-Results: relay.example.net; spf=pass smtp.mailfrom=bob@example.net\r\n"
                    + "Authentication-Results: (a comment) mx.example.org; dkim=pass\r\n" + MESSAGE;
            assertTrue(send(SmtpTestServer.port(server.mx), false, forged).startsWith("250"));
            String header = newestHeader(server, alice);
            assertEquals(1, header.split("Authentication-Results: mx.example.org", -1).length - 1, header);
            assertTrue(!header.toLowerCase(java.util.Locale.ROOT).contains("bank.test") && !header.contains("(a comment)"), header);
            assertTrue(header.contains("Authentication-Results: relay.example.net; spf=pass smtp.mailfrom=bob@example.net\r\nFrom: Bob"),
                    "another server's field stays: " + header);
            var list = server.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL);
            try (InputStream in = server.model.messages().open(alice, MailboxName.INBOX, list.getLast().uid())) {
                assertTrue(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).endsWith("\r\n\r\nHello Alice.\r\n"), "the body is untouched");
            }
        }
    }

    @Test
    void theFieldQuotesWhatASenderWrote() {
        String f = AuthenticationResults.field("mx.example.org", null,
                List.of(new DkimResult(DkimResult.Status.PERMERROR, "bad domain\"x", "s(1)", "unreadable (nested) \\ \r\n stuff")), null);
        assertEquals("Authentication-Results: mx.example.org;\r\n\tdkim=permerror (unreadable ?nested? ? ?? stuff) header.d=\"bad?domain\\\"x\""
                + " header.s=\"s(1)\"\r\n", f);
    }
}
