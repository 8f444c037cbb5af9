package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.testkit.Dnsmasq;

/**
 * Two Postiljon servers on loopback with a real DNS server (dnsmasq) between them. example.org
 * publishes a DKIM key, an SPF record naming 127.0.0.1 and DMARC p=reject; example.com publishes
 * DMARC p=quarantine with np=reject for subdomains that do not exist. Mail alice@example.org submits leaves signed and arrives at example.net's
 * server with dkim=pass spf=pass dmarc=pass; mail forged from 127.0.0.2 in example.org's name is
 * refused at the end of DATA, and in example.com's name is filed as Junk.
 */
class MailAuthEndToEndTest {

    @Test
    void signedMailPassesAndForgedMailIsRefusedOrFiledAsThePolicySays(@TempDir Path dir) throws Exception {
        DkimKey key = DkimKey.generate("example.org", "pj202612", DkimKey.Algorithm.RSA_SHA256);
        List<String> strings = new ArrayList<>(); // longer than one TXT string: published as several
        for (int i = 0; i < key.dnsText().length(); i += 250) strings.add(key.dnsText().substring(i, Math.min(key.dnsText().length(), i + 250)));
        try (Dnsmasq dns = new Dnsmasq("--mx-host=example.net,mail.example.net,10", "--host-record=mail.example.net,127.0.0.1",
                "--local=/org/", "--local=/com/", "--local=/net/", "--txt-record=" + key.dnsName() + "," + String.join(",", strings),
                "--txt-record=example.org,v=spf1 ip4:127.0.0.1 -all", "--txt-record=_dmarc.example.org,v=DMARC1; p=reject",
                "--txt-record=_dmarc.example.com,v=DMARC1; p=quarantine; np=reject", "--host-record=shop.example.com,127.0.0.3");
             SmtpTestServer remote = new SmtpTestServer(dir.resolve("remote"), "example.net", SmtpLimits.DEFAULT, true, null, dns.address)) {
            Account carol = remote.account("carol@example.net");
            OutboundOptions options = new OutboundOptions("mx.example.org", dns.address, SmtpTestServer.port(remote.mx), null, null, null,
                    Duration.ofDays(5), Duration.ofMillis(300), Duration.ofSeconds(1), 4, Duration.ofSeconds(10), null);
            try (SmtpTestServer local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, options)) {
                local.account("alice@example.org");
                local.model.signingKeys().add(DomainName.of("example.org"), key.selector(), key.algorithm().tag(), key.privateKeyPkcs8());
                assertThrows(MailboxException.NotAllowed.class, () -> local.model.signingKeys().add(DomainName.of("example.org"), key.selector(),
                        key.algorithm().tag(), key.privateKeyPkcs8()), "one key per selector");
                assertThrows(MailboxException.NoSuchDomain.class, () -> local.model.signingKeys().add(DomainName.of("elsewhere.test"), "s",
                        key.algorithm().tag(), key.privateKeyPkcs8()), "only local domains sign");

                submit(local, "signed");
                String first = await(remote, carol, 1);
                assertTrue(first.startsWith("Return-Path: <alice@example.org>\r\n"), first);
                assertTrue(first.contains("Authentication-Results: mx.example.net;\r\n"
                        + "\tspf=pass (example.org: ip4:127.0.0.1) smtp.mailfrom=alice@example.org;\r\n"
                        + "\tdkim=pass header.d=example.org header.s=pj202612;\r\n"
                        + "\tdmarc=pass (p=reject dis=none) header.from=example.org\r\n"), first);
                assertTrue(first.indexOf("DKIM-Signature:") < first.indexOf("From: alice@example.org"), "the signature is on top");

                local.model.signingKeys().remove(DomainName.of("example.org"), key.selector());
                submit(local, "unsigned");
                String second = await(remote, carol, 2);
                assertTrue(second.contains("dkim=none (no signature)"), "no key, no signature: " + second);
                assertTrue(second.contains("dmarc=pass (p=reject dis=none) header.from=example.org"), "SPF alone aligns: " + second);
            }

            // Forged: example.org's name from an address its SPF record does not name, without a signature.
            String forged = "From: Alice <alice@example.org>\r\nTo: carol@example.net\r\nSubject: urgent payment\r\n\r\nPay now.\r\n";
            String reply = sendFrom("127.0.0.2", SmtpTestServer.port(remote.mx), "alice@example.org", forged);
            assertTrue(reply.startsWith("550 5.7.1 message refused: it fails the DMARC policy of example.org"), reply);
            assertEquals(2, remote.model.messages().list(carol, MailboxName.INBOX, UidSet.ALL).size(), "nothing more in the inbox");

            // example.com asks for quarantine: delivered, into Junk, saying why.
            reply = sendFrom("127.0.0.2", SmtpTestServer.port(remote.mx), "billing@example.com",
                    forged.replace("alice@example.org", "billing@example.com"));
            assertTrue(reply.startsWith("250"), reply);
            assertEquals(2, remote.model.messages().list(carol, MailboxName.INBOX, UidSet.ALL).size(), "not in the inbox");
            var junk = remote.model.messages().list(carol, MailboxName.of("Junk"), UidSet.ALL);
            assertEquals(1, junk.size(), "in Junk");
            try (var in = remote.model.messages().open(carol, MailboxName.of("Junk"), junk.getFirst().uid())) {
                String stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(stored.contains("\tspf=none (no SPF record at example.com) smtp.mailfrom=billing@example.com;\r\n"), stored);
                assertTrue(stored.contains("\tdmarc=fail (p=quarantine dis=quarantine) header.from=example.com\r\n"), stored);
            }

            // DMARCbis np=: a subdomain of example.com that does not exist (no A, AAAA or MX) is refused; one that exists gets p= (no sp=).
            reply = sendFrom("127.0.0.2", SmtpTestServer.port(remote.mx), "billing@ghost.example.com",
                    forged.replace("alice@example.org", "billing@ghost.example.com"));
            assertTrue(reply.startsWith("550 5.7.1 message refused: it fails the DMARC policy of ghost.example.com"), reply);
            reply = sendFrom("127.0.0.2", SmtpTestServer.port(remote.mx), "billing@shop.example.com",
                    forged.replace("alice@example.org", "billing@shop.example.com"));
            assertTrue(reply.startsWith("250"), "shop.example.com exists: quarantine, not np=reject: " + reply);
            assertEquals(2, remote.model.messages().list(carol, MailboxName.of("Junk"), UidSet.ALL).size(), "in Junk too");

            // Two From fields: refused, whatever either domain publishes (RFC 5322 §3.6).
            reply = sendFrom("127.0.0.1", SmtpTestServer.port(remote.mx), "x@example.net",
                    "From: x@example.net\r\nFrom: alice@example.org\r\nSubject: two\r\n\r\nbody\r\n");
            assertTrue(reply.startsWith("550 5.7.1 message refused: it has more than one From field"), reply);
        }
    }

    static void submit(SmtpTestServer local, String subject) throws Exception {
        OutboundTest.submitAsAlice(local, "carol@example.net", subject, "", "");
    }

    /** Sends {@code message} to carol@example.net from the local address {@code from}; the reply to the data. */
    static String sendFrom(String from, int port, String mailFrom, String message) throws Exception {
        return sendTo(from, port, mailFrom, "carol@example.net", message);
    }

    /** Sends {@code message} to {@code rcpt} from the local address {@code from}; the reply to the data (or to RCPT, when refused). */
    static String sendTo(String from, int port, String mailFrom, String rcpt, String message) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port));
            s.setSoTimeout(30_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            AuthenticationResultsTest.reply(in);
            for (String c : List.of("EHLO forger.example", "MAIL FROM:<" + mailFrom + ">", "RCPT TO:<" + rcpt + ">", "DATA")) {
                out.write((c + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String r = AuthenticationResultsTest.reply(in);
                if (c.startsWith("RCPT") && !r.startsWith("250")) return r;
            }
            out.write((message + ".\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return AuthenticationResultsTest.reply(in);
        }
    }

    /** Waits until carol has {@code n} messages; the newest, as stored. */
    static String await(SmtpTestServer remote, Account carol, int n) throws Exception {
        for (int i = 0; i < 150 && remote.model.messages().list(carol, MailboxName.INBOX, UidSet.ALL).size() < n; i++) Thread.sleep(100);
        var list = remote.model.messages().list(carol, MailboxName.INBOX, UidSet.ALL);
        assertEquals(n, list.size(), "delivered to the other server");
        try (var in = remote.model.messages().open(carol, MailboxName.INBOX, list.getLast().uid())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
