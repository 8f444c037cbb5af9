package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP host under the floods that stalled it: slow failed logins, many event streams of one
 * user, one address opening connection after connection. Another user's page keeps loading.
 */
class HttpCapacityTest {

    @TempDir
    Path dir;

    /** Milliseconds for GET / (the webmail page) on a fresh connection. */
    static long pageMillis(WebNode web) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = web.get("/", null);
        assertEquals(200, r.statusCode());
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    @Timeout(60)
    void slowFailedLoginsDoNotTakeTheRequestSlotsOfOthers() throws Exception {
        try (WebNode web = new WebNode(dir, Map.of("auth.failure-delay-ms", "3000", "auth.failure-delay-max-ms", "3000",
                "web.connections-per-ip", "1000", "auth.max-failures-per-ip", "100000", "auth.max-failures-per-account", "100000"))) {
            pageMillis(web); // loads the page's classes and files once, so the figure below is the wait for a slot
            String wrong = "Basic " + Base64.getEncoder().encodeToString("alice@example.test:wrong".getBytes(StandardCharsets.UTF_8));
            List<CompletableFuture<HttpResponse<String>>> guesses = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                guesses.add(web.http.sendAsync(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/session")).header("Authorization", wrong).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(1000); // the guesses are in, each waiting out its delay
            long page = pageMillis(web);
            assertTrue(page < 1000, "GET / took " + page + " ms while 250 failed logins waited");
            for (var g : guesses) assertEquals(401, g.get().statusCode());
        }
    }

    @Test
    @Timeout(60)
    void eventStreamsAreLimitedPerAccount() throws Exception {
        try (WebNode web = new WebNode(dir, Map.of("web.streams-per-account", "8"))) {
            List<HttpResponse<InputStream>> open = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                HttpResponse<InputStream> r = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/eventsource?types=*"))
                        .header("Authorization", WebNode.basic(WebNode.ALICE)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, r.statusCode());
                open.add(r);
            }
            HttpResponse<String> ninth = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/eventsource?types=*"))
                    .header("Authorization", WebNode.basic(WebNode.ALICE)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(429, ninth.statusCode());
            assertTrue(ninth.body().contains("too many open event streams for this account"), ninth.body());
            HttpResponse<InputStream> bob = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/eventsource?types=*"))
                    .header("Authorization", WebNode.basic(WebNode.BOB)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, bob.statusCode(), "another account is not affected");
            bob.body().close();
            assertTrue(pageMillis(web) < 1000);
            open.getFirst().body().close();
            long deadline = System.currentTimeMillis() + 10_000;
            int status;
            do {
                // The server notices the closed stream at its next write (a comment every minute) or at once when the
                // connection is reset; in the meantime a stream of the account stays counted.
                HttpResponse<InputStream> again = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/eventsource?types=*&closeafter=state"))
                        .header("Authorization", WebNode.basic(WebNode.ALICE)).build(), HttpResponse.BodyHandlers.ofInputStream());
                status = again.statusCode();
                again.body().close();
                if (status != 200) Thread.sleep(200);
            } while (status != 200 && System.currentTimeMillis() < deadline);
            for (var r : open) r.body().close();
        }
    }

    @Test
    @Timeout(60)
    void oneAddressCannotHoldMoreConnectionsThanItsLimit() throws Exception {
        try (WebNode web = new WebNode(dir, Map.of("web.connections-per-ip", "5"))) {
            int port = web.node.webPorts().get(0);
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 5; i++) held.add(new Socket("127.0.0.1", port));
            Thread.sleep(300);
            try (Socket sixth = new Socket("127.0.0.1", port)) {
                sixth.setSoTimeout(5000);
                sixth.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                int first;
                try {
                    first = sixth.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    first = -1;
                }
                assertEquals(-1, first, "the sixth connection is closed without an answer");
            }
            held.removeFirst().close();
            Thread.sleep(300);
            try (Socket again = new Socket("127.0.0.1", port)) {
                again.setSoTimeout(5000);
                again.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String status = new String(again.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200", status, "a place freed is a place for the next connection");
            }
            for (Socket s : held) s.close();
        }
    }
}
