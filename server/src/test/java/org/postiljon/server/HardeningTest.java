package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.EmailAddress;

/** Attacks found from outside, each replayed over the wire against a whole node. */
class HardeningTest {

    @TempDir
    static Path dir;
    static WebNode web;

    @BeforeAll
    static void start() throws Exception {
        web = new WebNode(dir);
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void aPasswordChangeEndsWebmailSessions() throws Exception {
        String user = "carol@example.test";
        web.node.model().directory().addAccount(EmailAddress.parse(user), WebNode.PASSWORD.toCharArray(), org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
        String cookie = web.signIn(user, WebNode.PASSWORD);
        assertEquals(200, web.sessionStatus(cookie));
        web.node.model().directory().setPassword(EmailAddress.parse(user), "the stolen one is useless now".toCharArray());
        assertEquals(401, web.sessionStatus(cookie), "the session made with the old password is over");
        String fresh = web.signIn(user, "the stolen one is useless now");
        assertEquals(200, web.sessionStatus(fresh));
        HttpResponse<String> api = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/session")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, api.statusCode(), "nor does JMAP take the old cookie");
        assertTrue(api.body().contains("sign in first"), api.body());
    }

    static HttpResponse<String> upload(String user, byte[] body) throws Exception {
        String account = WebNode.JSON.readTree(web.get("/jmap/session", user).body()).get("primaryAccounts").get("urn:ietf:params:jmap:mail").asText();
        return web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/upload/" + account + "/")).header("Authorization", WebNode.basic(user))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void uploadsCountAgainstTheQuotaAndExpire() throws Exception {
        String user = "dave@example.test";
        var dave = web.node.model().directory().addAccount(EmailAddress.parse(user), WebNode.PASSWORD.toCharArray(),
                new org.postiljon.mailbox.api.QuotaLimits(java.util.OptionalLong.of(100_000), java.util.OptionalLong.empty()));
        byte[] forty = new byte[40_000];
        HttpResponse<String> first = upload(user, forty);
        assertEquals(201, first.statusCode(), first.body());
        forty[0] = 1;
        assertEquals(201, upload(user, forty).statusCode(), "80 KB waiting: within 100 KB");
        forty[0] = 2;
        HttpResponse<String> third = upload(user, forty);
        assertEquals(413, third.statusCode(), "120 KB would pass the quota");
        assertTrue(third.body().contains("over quota"), third.body());
        // An hour later the waiting uploads are gone, and with them their claim on the quota.
        Path uploads = dir.resolve("uploads").resolve(Long.toString(dave.id()));
        try (var files = java.nio.file.Files.list(uploads)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofMinutes(61))));
            }
        }
        assertEquals(201, upload(user, forty).statusCode());
        String old = WebNode.JSON.readTree(first.body()).get("blobId").asText();
        String account = WebNode.JSON.readTree(first.body()).get("accountId").asText();
        assertEquals(404, web.get("/jmap/download/" + account + "/" + old + "/x", user).statusCode(), "the expired upload is deleted");
    }

    @Test
    void aFrontMtaMayOpenManyLmtpConnectionsFromOneAddress(@TempDir Path other) throws Exception {
        try (WebNode lmtp = new WebNode(other, java.util.Map.of("listen.lmtp", "127.0.0.1:0"))) {
            int port = lmtp.node.listeners().stream().filter(l -> l.address().getPort() != lmtp.imapPort() && l.address().getPort() != lmtp.smtpPort())
                    .findFirst().orElseThrow().address().getPort();
            java.util.List<java.net.Socket> open = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 60; i++) {
                    java.net.Socket s = new java.net.Socket("127.0.0.1", port);
                    s.setSoTimeout(5000);
                    open.add(s);
                    String greeting = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream())).readLine();
                    assertTrue(greeting.startsWith("220 ") && greeting.contains("LMTP"), "connection " + i + ": " + greeting);
                }
            } finally {
                for (java.net.Socket s : open) s.close();
            }
        }
    }
}
