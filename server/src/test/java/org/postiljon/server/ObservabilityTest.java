package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics and health as monitoring reads them: over HTTP, and scraped by a real Prometheus. */
class ObservabilityTest {

    static HttpResponse<String> get(WebNode n, String path) throws Exception {
        var a = n.node.metricsAddress().orElseThrow();
        return n.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.getPort() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one series in a scrape, or -1 when it is not there. */
    static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void whatTheNodeDidShowsInItsMetrics(@TempDir Path dir) throws Exception {
        try (WebNode n = new WebNode(dir)) {
            assertEquals(200, get(n, "/healthz").statusCode());
            HttpResponse<String> ready = get(n, "/readyz");
            assertEquals(200, ready.statusCode(), ready.body());
            try (ImapProbe imap = new ImapProbe(n.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
                imap.command("SELECT INBOX");
                // A made-up command must not become a series of its own.
                assertThrows(AssertionError.class, () -> imap.command("XYZZY-" + "A".repeat(40)));
            }
            assertThrows(AssertionError.class, () -> new ImapProbe(n.imapPort(), WebNode.ALICE, "wrong password").close());
            n.deliver(WebNode.BOB, "Subject: counted\r\n\r\nhello\r\n");

            HttpResponse<String> r = get(n, "/metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
            String scrape = r.body();
            assertTrue(value(scrape, "postiljon_logins_total{outcome=\"ok\"}") >= 1, scrape);
            assertTrue(value(scrape, "postiljon_logins_total{outcome=\"failed\"}") >= 1, scrape);
            assertEquals(1, value(scrape, "postiljon_deliveries_total"), "one message to one recipient");
            assertEquals(0, value(scrape, "postiljon_queue_messages"));
            assertTrue(value(scrape, "postiljon_connections_accepted_total{listener=\"imap\"}") >= 2, scrape);
            assertTrue(value(scrape, "postiljon_command_duration_seconds_count{command=\"SELECT\",protocol=\"imap\"}") >= 1, scrape);
            assertTrue(value(scrape, "postiljon_command_duration_seconds_count{command=\"DATA\",protocol=\"smtp\"}") >= 1, scrape);
            assertTrue(value(scrape, "postiljon_command_duration_seconds_count{command=\"unknown\",protocol=\"imap\"}") >= 1, scrape);
            // The delivery was acknowledged after a durable commit: its time is in the store's histogram.
            assertTrue(value(scrape, "postiljon_store_commit_duration_seconds_count{durable=\"true\"}") >= 1, scrape);
            assertTrue(value(scrape, "postiljon_store_transactions_total{durable=\"true\"}")
                    >= value(scrape, "postiljon_store_commit_duration_seconds_count{durable=\"true\"}"), "a commit holds one transaction or more");
            assertFalse(scrape.contains("XYZZY"), "client text never names a series");
            assertTrue(scrape.contains("jvm_memory_used_bytes"), "the JVM's own figures");
            assertEquals(405, n.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.node.metricsAddress().orElseThrow().getPort()
                    + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    @Test
    void aRealPrometheusScrapesTheNode(@TempDir Path dir) throws Exception {
        Path prometheus = Path.of("/usr/bin/prometheus");
        Assumptions.assumeTrue(Files.isExecutable(prometheus), "Debian's prometheus is installed by ./test");
        try (WebNode n = new WebNode(dir.resolve("node"))) {
            new ImapProbe(n.imapPort(), WebNode.ALICE, WebNode.PASSWORD).close();
            int web;
            try (ServerSocket s = new ServerSocket(0)) {
                web = s.getLocalPort();
            }
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: postiljon
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(n.node.metricsAddress().orElseThrow().getPort()));
            Process p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                    "--web.listen-address=127.0.0.1:" + web).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String query = "postiljon_logins_total{job=\"postiljon\",outcome=\"ok\"}";
                double seen = -1;
                for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); System.nanoTime() < end && seen < 1; Thread.sleep(500)) {
                    try {
                        HttpResponse<String> r = n.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/api/v1/query?query="
                                + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
                        JsonNode result = new ObjectMapper().readTree(r.body()).path("data").path("result");
                        if (result.size() == 1) seen = result.get(0).path("value").get(1).asDouble();
                    } catch (java.io.IOException notYet) {
                        // Prometheus is still starting
                    }
                }
                assertTrue(seen >= 1, "Prometheus scraped the login count; its log: " + Files.readString(dir.resolve("prometheus.log")));
            } finally {
                p.destroy();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
