package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mailbox.api.Vacation;
import org.postiljon.testkit.Nsd;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * DMARC aggregate reports (RFC 7489 §7.2) between two servers on loopback: example.net's server
 * receives mail in example.org's name (signed, unsigned, forged), counts what its DMARC checks
 * found, and after the day sends example.org the report its record asks for; the report arrives
 * at example.org's server DKIM-signed by example.net, and holds what happened. A bounce example.org's server
 * returns to carol at example.net is signed as well.
 */
class DmarcReportsTest {

    @Test
    void theDaysMailFromADomainIsReportedToItsRuaAddressAndOnlyThere(@TempDir Path dir) throws Exception {
        DkimKey orgKey = DkimKey.generate("example.org", "s1", DkimKey.Algorithm.ED25519_SHA256);
        DkimKey netKey = DkimKey.generate("example.net", "s2", DkimKey.Algorithm.ED25519_SHA256);
        // NSD, not dnsmasq: the rua list has a comma, which dnsmasq's TXT option cannot hold.
        String org = String.join("\n", "@ IN MX 10 mail.example.org.", "mail IN A 127.0.0.1", "@ IN TXT \"v=spf1 ip4:127.0.0.1 -all\"",
                orgKey.dnsName() + ". IN TXT \"" + orgKey.dnsText() + "\"",
                // Reports to example.org itself, and to a collector whose domain never agreed to take them (§7.1).
                "_dmarc IN TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.org,mailto:collector@reports.test\"");
        String net = String.join("\n", "@ IN MX 10 mail.example.net.", "mail IN A 127.0.0.1", netKey.dnsName() + ". IN TXT \"" + netKey.dnsText() + "\"");
        try (Nsd dns = new Nsd(dir.resolve("nsd"), java.util.Map.of(), java.util.Map.of("example.org", org, "example.net", net,
                "reports.test", "@ IN MX 10 mail.example.net.", "org", "", "net", ""), z -> z);
             SmtpTestServer remote = new SmtpTestServer(dir.resolve("remote"), "example.net", SmtpLimits.DEFAULT, true, null, dns.address)) {
            Account carol = remote.account("carol@example.net");
            remote.model.signingKeys().add(DomainName.of("example.net"), netKey.selector(), netKey.algorithm().tag(), netKey.privateKeyPkcs8());
            OutboundOptions toRemote = new OutboundOptions("mx.example.org", dns.address, SmtpTestServer.port(remote.mx), null, null, null,
                    Duration.ofDays(5), Duration.ofMillis(300), Duration.ofSeconds(1), 4, Duration.ofSeconds(10), null);
            try (SmtpTestServer local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, toRemote);
                 OutboundSender remoteSender = new OutboundSender(remote.model.queue(), remote.model.directory(), remote.model.messages(), remote.model.signingKeys(),
                         remote.model.transportSecurity(), new OutboundOptions("mx.example.net", dns.address, SmtpTestServer.port(local.mx), null, null,
                         null, Duration.ofDays(5), Duration.ofMillis(300), Duration.ofSeconds(1), 4, Duration.ofSeconds(10), null))
                         .start(Duration.ofMillis(200))) {
                local.account("alice@example.org");
                Account dmarc = local.account("dmarc@example.org");
                local.model.signingKeys().add(DomainName.of("example.org"), orgKey.selector(), orgKey.algorithm().tag(), orgKey.privateKeyPkcs8());
                MailAuthEndToEndTest.submit(local, "signed");
                MailAuthEndToEndTest.await(remote, carol, 1);
                String forged = "From: Alice <alice@example.org>\r\nTo: carol@example.net\r\nSubject: pay\r\n\r\nPay now.\r\n";
                assertTrue(MailAuthEndToEndTest.sendFrom("127.0.0.2", SmtpTestServer.port(remote.mx), "alice@example.org", forged).startsWith("550 5.7.1"));
                assertTrue(MailAuthEndToEndTest.sendFrom("127.0.0.2", SmtpTestServer.port(remote.mx), "alice@example.org", forged).startsWith("550 5.7.1"));

                DmarcReports reports = new DmarcReports(remote.model.transportSecurity(), new DnsResolver(dns.address), remote.model.signingKeys(),
                        remote.model.directory(), remote.model.messages(), remote.model.queue(), remoteSender::wake, remote.model.leases());
                ReportMail.Reporter reporter = new ReportMail.Reporter("Example Net", "reports@example.net", "postmaster@example.net");
                assertEquals(0, reports.sendDue(LocalDate.now(ZoneOffset.UTC), reporter), "today is not over");
                assertEquals(1, reports.sendDue(LocalDate.now(ZoneOffset.UTC).plusDays(1), reporter), "to example.org only");
                assertEquals(List.of(), remote.model.transportSecurity().dmarcBefore(LocalDate.now(ZoneOffset.UTC).plusDays(1)), "counts gone once sent");
                for (int i = 0; i < 150 && local.model.messages().list(dmarc, MailboxName.INBOX, UidSet.ALL).isEmpty(); i++) Thread.sleep(100);
                var list = local.model.messages().list(dmarc, MailboxName.INBOX, UidSet.ALL);
                assertEquals(1, list.size(), "the report arrived");
                String stored;
                try (var in = local.model.messages().open(dmarc, MailboxName.INBOX, list.getFirst().uid())) {
                    stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                assertTrue(stored.contains("dkim=pass header.d=example.net header.s=s2"), "signed by the reporter: " + stored);
                assertTrue(stored.contains("Subject: Report Domain: example.org Submitter: example.net Report-ID: <"), stored);
                assertTrue(stored.contains("Content-Type: application/gzip\r\n"), stored);
                assertTrue(stored.matches("(?s).*filename=\"example\\.net!example\\.org!\\d+!\\d+\\.xml\\.gz\".*"), stored);

                Document xml = report(stored);
                assertEquals("Example Net", text(xml.getDocumentElement(), "org_name"));
                assertEquals("example.org", text((Element) xml.getElementsByTagName("policy_published").item(0), "domain"));
                assertEquals("reject", text((Element) xml.getElementsByTagName("policy_published").item(0), "p"));
                var records = xml.getElementsByTagName("record");
                assertEquals(2, records.getLength(), "the signed message and the two forged ones");
                Element good = (Element) records.item(0);
                assertEquals("127.0.0.1", text(good, "source_ip"));
                assertEquals("1", text(good, "count"));
                assertEquals("none", text(good, "disposition"));
                assertEquals("example.org", text((Element) good.getElementsByTagName("dkim").item(1), "domain"), "auth_results: the signature");
                assertEquals("s1", text((Element) good.getElementsByTagName("dkim").item(1), "selector"));
                assertEquals("pass", text((Element) good.getElementsByTagName("spf").item(1), "result"));
                Element bad = (Element) records.item(1);
                assertEquals("127.0.0.2", text(bad, "source_ip"));
                assertEquals("2", text(bad, "count"));
                assertEquals("reject", text(bad, "disposition"));
                assertEquals("fail", text((Element) bad.getElementsByTagName("policy_evaluated").item(0), "dkim"));
                assertEquals("fail", text((Element) bad.getElementsByTagName("spf").item(1), "result"));
                assertEquals("example.org", text(bad, "header_from"));

                // A bounce to a sender on another server is signed too: example.org's p=reject would refuse it unsigned
                // (MAILER-DAEMON@mx.example.org has no SPF of its own), so it reaches carol only signed.
                local.model.queue().enqueue("carol@example.net", OutboundQueue.Dsn.NONE,
                        List.of(OutboundQueue.Target.of("nobody@example.net")),
                        new ByteArrayInputStream("From: carol@example.net\r\nSubject: to nobody\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)));
                local.sender.wake();
                String bounce = MailAuthEndToEndTest.await(remote, carol, 2);
                assertTrue(bounce.contains("From: Mail Delivery System <MAILER-DAEMON@mx.example.org>"), bounce);
                assertTrue(bounce.contains("dkim=pass header.d=example.org header.s=s1"), "signed with the parent domain's key: " + bounce);
                assertTrue(bounce.contains("dmarc=pass"), bounce);

                // A vacation reply to carol leaves the same way: signed with the key of alice's domain.
                Account alice = local.model.directory().find(EmailAddress.parse("alice@example.org")).orElseThrow();
                local.model.vacations().set(alice, new Vacation(true, null, null, "Away", "Back on Monday.", null));
                remote.model.queue().enqueue("carol@example.net", OutboundQueue.Dsn.NONE, List.of(OutboundQueue.Target.of("alice@example.org")),
                        new ByteArrayInputStream(("From: carol@example.net\r\nTo: alice@example.org\r\nSubject: lunch?\r\nMessage-ID: <l1@example.net>\r\n"
                                + "\r\nLunch?\r\n").getBytes(StandardCharsets.US_ASCII)));
                remoteSender.wake();
                String away = MailAuthEndToEndTest.await(remote, carol, 3);
                assertTrue(away.contains("Subject: Away") && away.contains("dkim=pass header.d=example.org header.s=s1"), "the reply, signed: " + away);
            }
        }
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagName(tag).item(0).getTextContent();
    }

    /** The XML of a DMARC report mail's gzipped attachment. */
    private static Document report(String message) throws Exception {
        String marker = "Content-Transfer-Encoding: base64\r\n\r\n";
        int start = message.indexOf(marker) + marker.length();
        byte[] gz = Base64.getMimeDecoder().decode(message.substring(start, message.indexOf("\r\n--", start)));
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return f.newDocumentBuilder().parse(z);
        }
    }
}
