package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.TransportSecurity;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.net.Tls;
import org.postiljon.testkit.Dnsmasq;

/**
 * MTA-STS (RFC 8461) on outbound delivery and TLS-RPT (RFC 8460) reports, between two servers on
 * loopback, names from a real DNS server (dnsmasq), policies from an HTTPS server with its own
 * certificate. The receiving server's certificate names mail.example.net; five domains send their
 * mail to it under different policies.
 */
class MtaStsTest {

    private static final String[] DOMAINS = {"example.net", "strict.example", "testing.example", "wrongmx.example", "nofetch.example"};
    private static final Map<String, String> POLICIES = Map.of(
            "example.net", "version: STSv1\r\nmode: enforce\r\nmx: mail.example.net\r\nmax_age: 86400\r\n",
            "strict.example", "version: STSv1\nmode: enforce\nmx: mx2.example.net\nmax_age: 86400\n",
            "testing.example", "version: STSv1\nmode: testing\nmx: mx2.example.net\nmax_age: 86400\n",
            "wrongmx.example", "version: STSv1\nmode: enforce\nmx: *.wrongmx.example\nmax_age: 86400\n");

    @Test
    void policiesAreFetchedEnforcedOrReportedAndTheDaysSessionsReported(@TempDir Path dir) throws Exception {
        // The receiving server's certificates: first for mail.example.net only, later for mx2.example.net too.
        Tls onlyMail = Tls.generateSelfSigned(dir.resolve("cert-mail"), "mail.example.net");
        Tls mailAndMx2 = Tls.generateSelfSigned(dir.resolve("cert-both"), "mail.example.net", List.of("mx2.example.net"));
        Tls policyHost = Tls.generateSelfSigned(dir.resolve("cert-sts"), "mta-sts.example.net",
                List.of("mta-sts.strict.example", "mta-sts.testing.example", "mta-sts.wrongmx.example", "mta-sts.nofetch.example"));
        Path trusted = dir.resolve("trusted.pem");
        Files.writeString(trusted, Files.readString(dir.resolve("cert-mail/cert.pem")) + Files.readString(dir.resolve("cert-both/cert.pem"))
                + Files.readString(dir.resolve("cert-sts/cert.pem")));

        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(policyHost.context()));
        List<String> fetched = new ArrayList<>();
        https.createContext("/.well-known/mta-sts.txt", x -> {
            String domain = x.getRequestHeaders().getFirst("Host").replaceFirst("^mta-sts\\.", "").replaceFirst(":\\d+$", "");
            synchronized (fetched) {
                fetched.add(domain);
            }
            String policy = POLICIES.get(domain);
            byte[] body = (policy == null ? "no policy here" : policy).getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().add("Content-Type", "text/plain");
            x.sendResponseHeaders(policy == null ? 404 : 200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        https.start();

        DkimKey key = DkimKey.generate("example.org", "rpt", DkimKey.Algorithm.ED25519_SHA256);
        List<String> dns = new ArrayList<>(List.of("--local=/example/", "--local=/net/", "--local=/org/",
                "--host-record=mail.example.net,127.0.0.1", "--host-record=mx2.example.net,127.0.0.1",
                "--mx-host=example.net,mail.example.net,10", "--mx-host=strict.example,mx2.example.net,10",
                "--mx-host=testing.example,mx2.example.net,10", "--mx-host=wrongmx.example,mail.example.net,10",
                "--mx-host=nofetch.example,mail.example.net,10", "--txt-record=" + key.dnsName() + "," + key.dnsText()));
        for (String d : DOMAINS) {
            dns.add("--txt-record=_mta-sts." + d + ",v=STSv1; id=20261205");
            dns.add("--host-record=mta-sts." + d + ",127.0.0.1");
        }
        for (String d : List.of("example.net", "strict.example", "nofetch.example")) {
            dns.add("--txt-record=_smtp._tls." + d + ",v=TLSRPTv1; rua=mailto:tlsrpt@example.net");
        }
        try (Dnsmasq dnsmasq = new Dnsmasq(dns.toArray(String[]::new));
             SmtpTestServer remote = new SmtpTestServer(dir.resolve("remote"), "example.net", SmtpLimits.DEFAULT, true, null, dnsmasq.address)) {
            remote.node.tls.replaceWith(onlyMail);
            for (String d : DOMAINS) if (!d.equals("example.net")) remote.model.directory().addDomain(DomainName.of(d));
            Map<String, Account> rcpt = Map.of("example.net", remote.account("carol@example.net"), "strict.example", remote.account("dan@strict.example"),
                    "testing.example", remote.account("erin@testing.example"), "wrongmx.example", remote.account("fay@wrongmx.example"),
                    "nofetch.example", remote.account("gus@nofetch.example"));
            Account reports = remote.account("tlsrpt@example.net");
            ReportMail.Reporter reporter = new ReportMail.Reporter("Example Org", "tls-reports@example.org", "mailto:postmaster@example.org");
            OutboundOptions options = new OutboundOptions("mx.example.org", dnsmasq.address, SmtpTestServer.port(remote.mx), null, null, null,
                    Duration.ofDays(5), Duration.ofMillis(300), Duration.ofSeconds(1), 4, Duration.ofSeconds(10), null)
                    .withTransportSecurity(https.getAddress().getPort(), trusted);
            try (SmtpTestServer local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, options)) {
                local.account("alice@example.org");
                local.model.signingKeys().add(DomainName.of("example.org"), key.selector(), key.algorithm().tag(), key.privateKeyPkcs8());
                for (Map.Entry<String, Account> e : rcpt.entrySet()) OutboundTest.submitAsAlice(local, e.getValue().address().toString(), e.getKey(), "", "");

                // Enforced with a valid certificate; testing with a bad one (reported, delivered); no policy to be had (delivered).
                for (String d : List.of("example.net", "testing.example", "nofetch.example")) {
                    Account a = rcpt.get(d);
                    await(d + " delivered", () -> remote.model.messages().list(a, MailboxName.INBOX, UidSet.ALL).size() == 1);
                }
                // Enforced, the certificate does not name the MX host: kept, and saying why.
                await("strict.example retried", () -> lastReply(local, "dan@strict.example").contains("4.7.5"));
                assertTrue(lastReply(local, "dan@strict.example").contains(
                        "451 4.7.5 mx2.example.net: the MTA-STS policy of strict.example requires TLS with a valid certificate: certificate-host-mismatch"),
                        lastReply(local, "dan@strict.example"));
                // Enforced, the MX host is not in the policy: kept.
                await("wrongmx.example retried", () -> lastReply(local, "fay@wrongmx.example").contains("4.7.5"));
                assertEquals("451 4.7.5 mail.example.net is not named by the MTA-STS policy of wrongmx.example", lastReply(local, "fay@wrongmx.example"));
                assertEquals(0, remote.model.messages().list(rcpt.get("strict.example"), MailboxName.INBOX, UidSet.ALL).size());
                assertEquals(0, remote.model.messages().list(rcpt.get("wrongmx.example"), MailboxName.INBOX, UidSet.ALL).size());

                // The receiving server gets a certificate for mx2.example.net too: strict.example's mail goes at the next retry.
                remote.node.tls.replaceWith(mailAndMx2);
                await("strict.example delivered", () -> remote.model.messages().list(rcpt.get("strict.example"), MailboxName.INBOX, UidSet.ALL).size() == 1);
                synchronized (fetched) {
                    assertEquals(1, fetched.stream().filter("strict.example"::equals).count(), "a policy is fetched once and kept: " + fetched);
                }
                assertTrue(local.model.transportSecurity().policy("strict.example").isPresent(), "kept in the store");

                // The day's counts, as the reports will give them.
                LocalDate tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1);
                List<TransportSecurity.Tally> today = local.model.transportSecurity().before(tomorrow);
                assertTrue(today.stream().anyMatch(t -> t.policyDomain().equals("example.net") && t.successful() && t.receivingIp().equals("127.0.0.1")), today.toString());
                assertTrue(today.stream().anyMatch(t -> t.policyDomain().equals("testing.example") && t.result().equals("certificate-host-mismatch")),
                        today.toString());
                assertTrue(today.stream().anyMatch(t -> t.policyDomain().equals("nofetch.example") && t.result().equals("sts-policy-fetch-error")),
                        today.toString());
                assertTrue(today.stream().anyMatch(t -> t.policyDomain().equals("wrongmx.example") && t.result().equals("validation-failure")),
                        today.toString());

                // Reports: to the domains that publish a TLS-RPT record (three), signed; every count is then gone.
                TlsReports sender = new TlsReports(local.model.transportSecurity(), new DnsResolver(dnsmasq.address), local.model.signingKeys(),
                        local.model.directory(), local.model.messages(), local.model.queue(), local.sender::wake, local.model.leases());
                assertEquals(0, sender.sendDue(LocalDate.now(ZoneOffset.UTC), reporter), "today is not over");
                assertEquals(3, sender.sendDue(tomorrow, reporter));
                await("three reports arrive", () -> remote.model.messages().list(reports, MailboxName.INBOX, UidSet.ALL).size() == 3);
                assertTrue(local.model.transportSecurity().before(tomorrow).stream().map(TransportSecurity.Tally::policyDomain)
                        .noneMatch(List.of("strict.example", "testing.example", "nofetch.example")::contains),
                        "the counts reported (or not wanted) are gone; mail still retried (wrongmx) and the reports' own delivery count anew");
                JsonNode strict = null;
                for (var m : remote.model.messages().list(reports, MailboxName.INBOX, UidSet.ALL)) {
                    String stored;
                    try (var in = remote.model.messages().open(reports, MailboxName.INBOX, m.uid())) {
                        stored = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    assertTrue(stored.contains("dkim=pass header.d=example.org header.s=rpt"), "RFC 8460 §5.3: signed: " + stored);
                    assertTrue(stored.contains("Content-Type: multipart/report; report-type=\"tlsrpt\""), stored);
                    assertTrue(stored.contains("TLS-Report-Submitter: example.org\r\n"), stored);
                    if (stored.contains("TLS-Report-Domain: strict.example\r\n")) {
                        assertTrue(stored.contains("Subject: Report Domain: strict.example Submitter: example.org Report-ID: <"), stored);
                        assertTrue(stored.contains("Content-Type: application/tlsrpt+gzip\r\n"), stored);
                        assertTrue(stored.contains("filename=\"example.org!strict.example!"), stored);
                        strict = report(stored);
                    }
                }
                assertTrue(strict != null, "a report on strict.example");
                assertEquals("Example Org", strict.get("organization-name").asText());
                assertEquals(LocalDate.now(ZoneOffset.UTC) + "T00:00:00Z", strict.at("/date-range/start-datetime").asText());
                JsonNode policy = strict.at("/policies/0");
                assertEquals("sts", policy.at("/policy/policy-type").asText());
                assertEquals("strict.example", policy.at("/policy/policy-domain").asText());
                assertEquals("mx2.example.net", policy.at("/policy/mx-host/0").asText());
                assertEquals("mode: enforce", policy.at("/policy/policy-string/1").asText());
                assertEquals(1, policy.at("/summary/total-successful-session-count").asLong());
                assertTrue(policy.at("/summary/total-failure-session-count").asLong() >= 1, policy.toString());
                JsonNode failure = policy.at("/failure-details/0");
                assertEquals("certificate-host-mismatch", failure.get("result-type").asText());
                assertEquals("mx2.example.net", failure.get("receiving-mx-hostname").asText());
                assertEquals("127.0.0.1", failure.get("receiving-ip").asText());
                assertEquals(policy.at("/summary/total-failure-session-count").asLong(), failure.get("failed-session-count").asLong());
            }
        } finally {
            https.stop(0);
        }
    }

    /** The last reply recorded for the queued recipient {@code address}. */
    private static String lastReply(SmtpTestServer local, String address) {
        for (OutboundQueue.Entry e : local.model.queue().list(100)) {
            for (OutboundQueue.Recipient r : e.recipients()) if (r.address().equals(address)) return String.valueOf(r.lastReply());
        }
        return "";
    }

    /** The JSON of a TLS-RPT mail's gzipped attachment. */
    private static JsonNode report(String message) throws Exception {
        int start = message.indexOf("Content-Transfer-Encoding: base64\r\n\r\n") + "Content-Transfer-Encoding: base64\r\n\r\n".length();
        String b64 = message.substring(start, message.indexOf("\r\n--", start));
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(Base64.getMimeDecoder().decode(b64)))) {
            return new ObjectMapper().readTree(z);
        }
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 200 && !done.getAsBoolean(); i++) Thread.sleep(100);
        assertTrue(done.getAsBoolean(), what);
    }
}
