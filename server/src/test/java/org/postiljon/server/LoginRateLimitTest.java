package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.net.Listener;

/**
 * The login rate limit seen from outside: guesses from one address, over any protocol, use up one
 * budget, after which that address is refused over every protocol (even with the right password)
 * while others sign in; guesses at one account from many addresses do not lock out the devices its
 * owner uses. Each client binds its own loopback address (127.0.0.x) so addresses differ.
 */
class LoginRateLimitTest {

    static final String WRONG = "not the password";

    @TempDir
    static Path dir;
    static WebNode web;

    @BeforeAll
    static void start() throws Exception {
        web = new WebNode(dir, Map.of("listen.pop3", "127.0.0.1:0", "listen.submission", "127.0.0.1:0",
                "auth.max-failures-per-ip", "3", "auth.max-failures-per-account", "5", "auth.failure-delay-max-ms", "1"));
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    /** A line-protocol client from a chosen loopback address. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(String protocol, String from) throws IOException {
            int port = web.node.listeners().stream().filter(l -> l.name().equals(protocol)).findFirst().map(Listener::address).orElseThrow().getPort();
            socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
            in.readLine(); // the greeting
        }

        /** Sends a line; the last line of the answer (SMTP continuation lines skipped). */
        String say(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return last();
        }

        private String last() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) throw new IOException("connection closed");
            } while (line.startsWith("* ") || (line.length() > 3 && line.charAt(3) == '-'));
            return line;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String imapLogin(String from, String user, String password) throws IOException {
        try (Client c = new Client("imap", from)) {
            return c.say("a LOGIN \"" + user + "\" \"" + password + "\"");
        }
    }

    static String plain(String user, String password) {
        return Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
    }

    static int httpStatus(String from, String user, String password, StringBuilder retryAfter) throws Exception {
        HttpClient http = HttpClient.newBuilder().localAddress(InetAddress.getByName(from)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(web.base() + "/jmap/session"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        r.headers().firstValue("Retry-After").ifPresent(retryAfter::append);
        return r.statusCode();
    }

    @Test
    void anAddressThatGuessedTooOftenIsRefusedOverEveryProtocol() throws Exception {
        String attacker = "127.0.0.2";
        // Three wrong passwords, for three different accounts, over three protocols: one budget.
        assertTrue(imapLogin(attacker, WebNode.ALICE, WRONG).startsWith("a NO [AUTHENTICATIONFAILED]"));
        try (Client pop = new Client("pop3", attacker)) {
            pop.say("USER " + WebNode.BOB);
            assertTrue(pop.say("PASS " + WRONG).startsWith("-ERR [AUTH]"));
        }
        try (Client smtp = new Client("submission", attacker)) {
            smtp.say("EHLO attacker.example");
            assertTrue(smtp.say("AUTH PLAIN " + plain("nobody@example.test", WRONG)).startsWith("535"));
        }

        // Now even the right password is refused from there, with a temporary code, over each protocol.
        String imap = imapLogin(attacker, WebNode.ALICE, WebNode.PASSWORD);
        assertTrue(imap.startsWith("a NO [UNAVAILABLE]") && imap.contains("try again in"), imap);
        try (Client c = new Client("imap", attacker)) {
            String sasl = c.say("b AUTHENTICATE PLAIN " + plain(WebNode.ALICE, WebNode.PASSWORD));
            assertTrue(sasl.startsWith("b NO [UNAVAILABLE]"), sasl);
        }
        try (Client pop = new Client("pop3", attacker)) {
            pop.say("USER " + WebNode.ALICE);
            String pass = pop.say("PASS " + WebNode.PASSWORD);
            assertTrue(pass.startsWith("-ERR [SYS/TEMP]"), pass);
        }
        try (Client smtp = new Client("submission", attacker)) {
            smtp.say("EHLO attacker.example");
            String auth = smtp.say("AUTH PLAIN " + plain(WebNode.ALICE, WebNode.PASSWORD));
            assertTrue(auth.startsWith("454 4.7.0"), auth);
        }
        StringBuilder retryAfter = new StringBuilder();
        assertEquals(429, httpStatus(attacker, WebNode.ALICE, WebNode.PASSWORD, retryAfter));
        long seconds = Long.parseLong(retryAfter.toString());
        assertTrue(seconds > 800 && seconds <= 900, "until the 15-minute window ends: " + seconds);

        // Another address is not affected.
        assertTrue(imapLogin("127.0.0.3", WebNode.ALICE, WebNode.PASSWORD).startsWith("a OK"));
        assertEquals(200, httpStatus("127.0.0.3", WebNode.BOB, WebNode.PASSWORD, new StringBuilder()));
    }

    @Test
    void guessingOneAccountFromManyAddressesDoesNotLockOutItsOwnersDevices() throws Exception {
        String victim = "erin@example.test";
        web.node.model().directory().addAccount(org.postiljon.mailbox.api.EmailAddress.parse(victim), WebNode.PASSWORD.toCharArray(),
                org.postiljon.mailbox.api.QuotaLimits.UNLIMITED);
        String phone = "127.0.0.20";
        assertTrue(imapLogin(phone, victim, WebNode.PASSWORD).startsWith("a OK"), "the owner's phone signed in before");

        // Five guesses from five addresses (none reaches its own limit of three).
        for (int i = 0; i < 5; i++) assertTrue(imapLogin("127.0.0." + (30 + i), victim, WRONG).startsWith("a NO [AUTHENTICATIONFAILED]"));

        String stranger = imapLogin("127.0.0.40", victim, WebNode.PASSWORD);
        assertTrue(stranger.startsWith("a NO [UNAVAILABLE]"), "a new address is refused for this account: " + stranger);
        assertTrue(imapLogin(phone, victim, WebNode.PASSWORD).startsWith("a OK"), "the phone still gets in");
        try (Client pop = new Client("pop3", phone)) {
            pop.say("USER " + victim);
            assertTrue(pop.say("PASS " + WebNode.PASSWORD).startsWith("+OK"), "over POP3 too");
        }
        assertTrue(imapLogin("127.0.0.41", WebNode.BOB, WebNode.PASSWORD).startsWith("a OK"), "other accounts are not affected");
    }
}
