package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.TransportSecurity;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.net.Tls;
import org.postiljon.testkit.Nsd;

/**
 * DANE for SMTP (RFC 7672) on outbound delivery, against a DNSSEC-signed zone (signed by Debian's
 * ldns-signzone, served by Debian's NSD) that the sender validates itself from the zone's DS
 * record as its trust anchor. The receiving server's certificate is self-signed: no WebPKI check
 * could pass it, a DANE-EE record does.
 */
class DaneTest {

    @Test
    void tlsaRecordsDecideWhereTheyAreSecureAndAreIgnoredWhereTheyAreNot(@TempDir Path dir) throws Exception {
        try (SmtpTestServer remote = new SmtpTestServer(dir.resolve("remote"), "secure.test", SmtpLimits.DEFAULT, true, null)) {
            remote.node.tls.replaceWith(Tls.generateSelfSigned(dir.resolve("cert"), "mx.secure.test"));
            String spki = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(remote.node.tls.certificate().getPublicKey().getEncoded()));
            String other = "ab".repeat(32);
            String tcp = "_" + SmtpTestServer.port(remote.mx) + "._tcp.";
            String secure = String.join("\n",
                    "@ IN MX 10 mx.secure.test.", "mx IN A 127.0.0.1", tcp + "mx IN TLSA 3 1 1 " + spki,
                    // DANE-EE for another key: the server cannot be the one the domain means.
                    "wrong IN MX 10 mx2.secure.test.", "mx2 IN A 127.0.0.1", tcp + "mx2 IN TLSA 3 1 1 " + other,
                    // Only PKIX-EE: unusable for SMTP (§3.1.3), so TLS is required but not authenticated.
                    "pkix IN MX 10 mx3.secure.test.", "mx3 IN A 127.0.0.1", tcp + "mx3 IN TLSA 1 1 1 " + other,
                    // Changed after signing: the TLSA answer is bogus.
                    "tampered IN MX 10 mx4.secure.test.", "mx4 IN A 127.0.0.1", tcp + "mx4 IN TLSA 3 1 1 " + "cd".repeat(32));
            // Not signed: its TLSA record (naming another key) carries no weight.
            String plain = String.join("\n", "@ IN MX 10 mx.plain.test.", "mx IN A 127.0.0.1", tcp + "mx IN TLSA 3 1 1 " + other);
            try (Nsd nsd = new Nsd(dir.resolve("nsd"), Map.of("secure.test", secure), Map.of("plain.test", plain),
                    zone -> zone.replaceAll("(?i)" + "cd".repeat(32), "ef".repeat(32)))) {
                Path anchors = dir.resolve("anchors.txt");
                Files.writeString(anchors, nsd.trustAnchors);
                for (String d : List.of("wrong.secure.test", "pkix.secure.test", "tampered.secure.test", "plain.test")) {
                    remote.model.directory().addDomain(DomainName.of(d));
                }
                Map<String, Account> rcpt = Map.of("secure.test", remote.account("carol@secure.test"), "wrong.secure.test", remote.account("dan@wrong.secure.test"),
                        "pkix.secure.test", remote.account("erin@pkix.secure.test"), "tampered.secure.test", remote.account("fay@tampered.secure.test"),
                        "plain.test", remote.account("gus@plain.test"));
                OutboundOptions options = new OutboundOptions("mx.example.org", nsd.address, SmtpTestServer.port(remote.mx), null, null, null,
                        Duration.ofDays(5), Duration.ofMillis(300), Duration.ofSeconds(1), 4, Duration.ofSeconds(10), null).withDane(anchors);
                try (SmtpTestServer local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, options)) {
                    local.account("alice@example.org");
                    for (Map.Entry<String, Account> e : rcpt.entrySet()) OutboundTest.submitAsAlice(local, e.getValue().address().toString(), e.getKey(), "", "");

                    for (String d : List.of("secure.test", "pkix.secure.test", "plain.test")) {
                        Account a = rcpt.get(d);
                        await(d + " delivered", () -> remote.model.messages().list(a, MailboxName.INBOX, UidSet.ALL).size() == 1);
                    }
                    await("wrong.secure.test retried", () -> lastReply(local, "dan@wrong.secure.test").contains("4.7.5"));
                    assertEquals("451 4.7.5 mx2.secure.test: its TLSA records require TLS with a matching certificate (DANE): tlsa-invalid",
                            lastReply(local, "dan@wrong.secure.test"));
                    await("tampered.secure.test retried", () -> lastReply(local, "fay@tampered.secure.test").contains("4.7.5"));
                    assertTrue(lastReply(local, "fay@tampered.secure.test").startsWith("451 4.7.5 mx4.secure.test: its DNS records fail DNSSEC validation"),
                            lastReply(local, "fay@tampered.secure.test"));
                    assertEquals(0, remote.model.messages().list(rcpt.get("wrong.secure.test"), MailboxName.INBOX, UidSet.ALL).size());
                    assertEquals(0, remote.model.messages().list(rcpt.get("tampered.secure.test"), MailboxName.INBOX, UidSet.ALL).size());

                    List<TransportSecurity.Tally> today = local.model.transportSecurity().before(LocalDate.now(ZoneOffset.UTC).plusDays(1));
                    assertTrue(today.stream().anyMatch(t -> t.policyDomain().equals("secure.test") && t.policyType().equals("tlsa") && t.successful()
                            && t.policy().contains("IN TLSA 3 1 1 " + spki)), today.toString());
                    assertTrue(today.stream().anyMatch(t -> t.policyDomain().equals("wrong.secure.test") && t.result().equals("tlsa-invalid")), today.toString());
                    assertTrue(today.stream().anyMatch(t -> t.policyDomain().equals("tampered.secure.test") && t.result().equals("dnssec-invalid")),
                            today.toString());
                    assertTrue(today.stream().noneMatch(t -> t.policyDomain().equals("plain.test")), "no policy for an unsigned domain: " + today);
                }
            }
        }
    }

    private static String lastReply(SmtpTestServer local, String address) {
        for (OutboundQueue.Entry e : local.model.queue().list(100)) {
            for (OutboundQueue.Recipient r : e.recipients()) if (r.address().equals(address)) return String.valueOf(r.lastReply());
        }
        return "";
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 200 && !done.getAsBoolean(); i++) Thread.sleep(100);
        assertTrue(done.getAsBoolean(), what);
    }
}
