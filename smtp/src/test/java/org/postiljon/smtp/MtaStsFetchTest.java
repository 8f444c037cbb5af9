package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailauth.TlsRpt;
import org.postiljon.net.Tls;
import org.postiljon.testkit.Dnsmasq;

/**
 * Fetching MTA-STS policies (RFC 8461 §3.3) from hosts that answer badly: a redirect (not
 * followed), the wrong media type, a policy over 64 KiB, a chunked answer (fine), a broken
 * policy, and a certificate for another name. Each gives the TLS-RPT result type it is reported
 * under, and a domain with no policy kept delivers as without one.
 */
class MtaStsFetchTest {

    private static final String GOOD = "version: STSv1\nmode: enforce\nmx: mail.example.net\nmax_age: 86400\n";

    @Test
    void badAnswersAreNoPolicyAndAreReportedByKind(@TempDir Path dir) throws Exception {
        List<String> domains = List.of("redirect.example", "html.example", "huge.example", "chunked.example", "broken.example", "other.example");
        // The policy host's certificate names every mta-sts host but other.example's.
        Tls cert = Tls.generateSelfSigned(dir.resolve("sts"), "mta-sts.redirect.example", domains.stream().filter(d -> !d.equals("other.example"))
                .map(d -> "mta-sts." + d).toList());
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(cert.context()));
        https.createContext("/.well-known/mta-sts.txt", x -> {
            String domain = x.getRequestHeaders().getFirst("Host").replaceFirst("^mta-sts\\.", "").replaceFirst(":\\d+$", "");
            byte[] body = switch (domain) {
                case "huge.example" -> (GOOD + "x: y\n".repeat(20_000)).getBytes(StandardCharsets.US_ASCII);
                case "broken.example" -> "version: STSv1\nmode: strict\n".getBytes(StandardCharsets.US_ASCII);
                default -> GOOD.getBytes(StandardCharsets.US_ASCII);
            };
            x.getResponseHeaders().add("Content-Type", domain.equals("html.example") ? "text/html" : "text/plain");
            if (domain.equals("redirect.example")) x.getResponseHeaders().add("Location", "https://mta-sts.chunked.example/.well-known/mta-sts.txt");
            // 0: chunked transfer encoding
            x.sendResponseHeaders(domain.equals("redirect.example") ? 301 : 200, domain.equals("chunked.example") ? 0 : body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        https.start();
        String[] dns = domains.stream().flatMap(d -> java.util.stream.Stream.of("--txt-record=_mta-sts." + d + ",v=STSv1; id=1",
                "--host-record=mta-sts." + d + ",127.0.0.1")).toArray(String[]::new);
        try (Dnsmasq dnsmasq = new Dnsmasq(java.util.stream.Stream.concat(java.util.stream.Stream.of("--local=/example/"), java.util.Arrays.stream(dns))
                .toArray(String[]::new));
             SmtpTestServer node = new SmtpTestServer(dir.resolve("node"))) {
            Path trusted = dir.resolve("sts/cert.pem");
            MtaStsPolicies policies = new MtaStsPolicies(node.model.transportSecurity(), new DnsResolver(dnsmasq.address),
                    new MxResolver(dnsmasq.address, null), OutboundTls.load(trusted), https.getAddress().getPort(), Clock.systemUTC());
            Map<String, TlsRpt.Result> expected = Map.of("redirect.example", TlsRpt.Result.STS_POLICY_FETCH_ERROR,
                    "html.example", TlsRpt.Result.STS_POLICY_FETCH_ERROR, "huge.example", TlsRpt.Result.STS_POLICY_FETCH_ERROR,
                    "broken.example", TlsRpt.Result.STS_POLICY_INVALID, "other.example", TlsRpt.Result.STS_WEBPKI_INVALID);
            for (var e : expected.entrySet()) {
                MtaStsPolicies.Found f = policies.find(e.getKey());
                assertTrue(f.policy().isEmpty(), e.getKey() + ": no policy in force");
                assertEquals(e.getValue(), f.problem().failure(), e.getKey() + ": " + f.problem().detail());
            }
            assertTrue(policies.find("redirect.example").problem().detail().contains("only 200 is a policy"), "a redirect is not followed");
            assertTrue(policies.find("html.example").problem().detail().contains("not text/plain"));
            assertTrue(policies.find("huge.example").problem().detail().contains("larger than 65536 bytes"));
            MtaStsPolicies.Found chunked = policies.find("chunked.example");
            assertEquals(null, chunked.problem(), "a chunked answer is read whole");
            assertTrue(chunked.policy().orElseThrow().allows("mail.example.net"));
            assertTrue(node.model.transportSecurity().policy("chunked.example").isPresent(), "kept in the store");
            assertTrue(node.model.transportSecurity().policy("html.example").isEmpty(), "nothing kept from a bad answer");
        } finally {
            https.stop(0);
        }
    }
}
