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

    static String signIn(String user, String password) throws Exception {
        HttpResponse<String> login = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, login.statusCode(), login.body());
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    static int session(String cookie) throws Exception {
        return web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/webmail/session")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aPasswordChangeEndsWebmailSessions() throws Exception {
        String user = "carol@example.test";
        web.node.model().directory().addAccount(EmailAddress.parse(user), WebNode.PASSWORD.toCharArray(), org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
        String cookie = signIn(user, WebNode.PASSWORD);
        assertEquals(200, session(cookie));
        web.node.model().directory().setPassword(EmailAddress.parse(user), "the stolen one is useless now".toCharArray());
        assertEquals(401, session(cookie), "the session made with the old password is over");
        String fresh = signIn(user, "the stolen one is useless now");
        assertEquals(200, session(fresh));
        HttpResponse<String> api = web.http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/session")).header("Cookie", cookie).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, api.statusCode(), "nor does JMAP take the old cookie");
        assertTrue(api.body().contains("sign in first"), api.body());
    }
}
