package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postiljon.store.postgres.PostgresServer;
import org.postiljon.store.postgres.S3ProxyServer;

/**
 * Two whole nodes on one real PostgreSQL ({@code store = postgres}; contents in PostgreSQL or in
 * S3 served by a real S3Proxy), each with its own data directory, as behind a load balancer: mail taken in by one is pushed to
 * an IDLE on the other, read, flagged and found by a search there; a POP3 session on one locks
 * the maildrop on both.
 */
class TwoNodesTest {

    static PostgresServer pg;
    static S3ProxyServer s3;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        s3 = S3ProxyServer.start();
    }

    @AfterAll
    static void stop() {
        pg.close();
        s3.close();
    }

    private static Map<String, String> on(String url) {
        return Map.of("store", "postgres", "store.url", url, "store.user", "postiljon", "blobs", "postgres", "listen.pop3", "127.0.0.1:0");
    }

    /** Contents in S3 (a bucket of its own) instead of PostgreSQL. */
    private static Map<String, String> onS3(String url, String bucket) {
        Map<String, String> m = new java.util.HashMap<>(on(url));
        m.putAll(Map.of("blobs", "s3", "blobs.s3.endpoint", s3.endpoint(), "blobs.s3.bucket", bucket,
                "blobs.s3.access-key", S3ProxyServer.ACCESS_KEY, "blobs.s3.secret-key", S3ProxyServer.SECRET_KEY));
        return m;
    }

    @ParameterizedTest(name = "contents in {0}")
    @ValueSource(strings = {"postgres", "s3"})
    void whatOneNodeTakesInTheOtherPushesShowsAndFinds(String blobs, @TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        Map<String, String> settings = blobs.equals("s3") ? onS3(url, s3.newBucket("two-nodes")) : on(url);
        try (WebNode a = new WebNode(dir.resolve("a"), settings); WebNode b = new WebNode(dir.resolve("b"), settings);
             ImapProbe idle = new ImapProbe(a.imapPort(), WebNode.ALICE, WebNode.PASSWORD);
             ImapProbe other = new ImapProbe(b.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
            assertTrue(idle.command("SELECT INBOX").contains("* 0 EXISTS"));
            idle.send("i1 IDLE");
            assertTrue(idle.next().startsWith("+ "));

            long sent = System.nanoTime();
            b.deliver(WebNode.ALICE, "From: carla@remote.example.org\nTo: alice@example.test\nSubject: Quarterly figures\n"
                    + "Message-ID: <q4@remote.example.org>\n\nThe turnover rose by eleven percent.\n");
            assertEquals("* 1 EXISTS", idle.next(), "node A pushes what node B took in");
            long millis = (System.nanoTime() - sent) / 1_000_000;
            assertTrue(millis < 1000, "the IDLE on A heard of B's delivery after " + millis + " ms"); // issue #18: within 1 s

            // A flag set on B reaches the IDLE on A.
            other.command("SELECT INBOX");
            other.command("STORE 1 +FLAGS (\\Flagged)");
            String flags = idle.next();
            if (flags.equals("* 1 RECENT")) flags = idle.next(); // IMAP4rev1 follows EXISTS with RECENT
            assertTrue(flags.startsWith("* 1 FETCH (") && flags.contains("\\Flagged"), flags);
            idle.send("DONE");
            assertTrue(idle.next().startsWith("i1 OK"));

            // A reads the content B stored, and finds it through the index both share once it is indexed.
            String body = String.join("\n", idle.command("FETCH 1 BODY.PEEK[TEXT]"));
            assertTrue(body.contains("turnover rose by eleven"), body);
            awaitIndexed(url, 1);
            assertEquals("* SEARCH 1", idle.command("SEARCH TEXT \"ELEVEN PERCENT\"").getFirst());
            assertEquals("* SEARCH 1", other.command("SEARCH BODY turnover").getFirst());
            assertEquals("* SEARCH", other.command("SEARCH BODY nowhere-to-be-found").getFirst());

            // An expunge on A is told to B's selected session at its next command.
            idle.command("STORE 1 +FLAGS.SILENT (\\Deleted)");
            idle.command("EXPUNGE");
            List<String> seen = new java.util.ArrayList<>();
            long deadline = System.currentTimeMillis() + 1000; // the other node hears of it within a second
            while (!seen.contains("* 1 EXPUNGE") && System.currentTimeMillis() < deadline) {
                seen.addAll(other.command("NOOP"));
                Thread.sleep(20);
            }
            assertTrue(seen.contains("* 1 EXPUNGE"), seen.toString());
        }
    }

    @Test
    void aPop3SessionOnOneNodeLocksTheMaildropOnTheOther(@TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        try (WebNode a = new WebNode(dir.resolve("a"), on(url)); WebNode b = new WebNode(dir.resolve("b"), on(url))) {
            a.deliver(WebNode.ALICE, "From: carla@remote.example.org\nSubject: one\n\nbody\n");
            try (Pop3 first = new Pop3(a.port("pop3"))) {
                assertEquals("+OK maildrop has 1 messages", first.login().replaceAll(" \\(.*", ""));
                try (Pop3 second = new Pop3(b.port("pop3"))) {
                    assertEquals("-ERR [IN-USE] maildrop already in use by another POP3 session", second.login());
                }
                first.command("DELE 1");
                assertTrue(first.command("QUIT").startsWith("+OK"));
            }
            try (Pop3 again = new Pop3(b.port("pop3"))) {
                assertEquals("+OK maildrop has 0 messages (0 octets)", again.login(), "free once A quit; A's DELE took effect");
            }
        }
    }

    @Test
    void appendsRacingOnTwoNodesNeverPassTheQuotaTogether(@TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        try (WebNode a = new WebNode(dir.resolve("a"), on(url)); WebNode b = new WebNode(dir.resolve("b"), on(url))) {
            a.node.model().directory().setQuota(org.postiljon.mailbox.api.EmailAddress.parse(WebNode.BOB),
                    new org.postiljon.mailbox.api.QuotaLimits(java.util.OptionalLong.empty(), java.util.OptionalLong.of(12)));
            int clients = 32;
            var pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            java.util.List<ImapProbe> sessions = new java.util.ArrayList<>();
            java.util.List<java.util.concurrent.Future<String>> tagged = new java.util.ArrayList<>();
            var go = new java.util.concurrent.CountDownLatch(1);
            try {
                for (int i = 0; i < clients; i++) sessions.add(new ImapProbe((i % 2 == 0 ? a : b).imapPort(), WebNode.BOB, WebNode.PASSWORD));
                for (int i = 0; i < clients; i++) {
                    ImapProbe p = sessions.get(i);
                    String message = "Subject: " + i + "\r\n\r\nbody " + i + "\r\n";
                    tagged.add(pool.submit(() -> {
                        go.await(); // all signed in first: the appends arrive together, half on each node
                        p.send("a APPEND INBOX {" + message.length() + "+}\r\n" + message);
                        for (String line; (line = p.next()) != null; ) if (line.startsWith("a ")) return line;
                        return "closed";
                    }));
                }
                go.countDown();
                int ok = 0;
                for (var f : tagged) {
                    String line = f.get();
                    if (line.startsWith("a OK")) ok++;
                    else assertTrue(line.startsWith("a NO [OVERQUOTA]"), line);
                }
                try (ImapProbe p = new ImapProbe(b.imapPort(), WebNode.BOB, WebNode.PASSWORD)) {
                    p.command("SELECT INBOX");
                    // Quota warnings (80, 90, 95 %) are delivered past the quota, each after the append that crossed its threshold.
                    int warnings = p.command("SEARCH HEADER Auto-Submitted auto-generated").getFirst().split(" ").length - 2;
                    int appended = p.command("SEARCH NOT HEADER Auto-Submitted auto-generated").getFirst().split(" ").length - 2;
                    assertEquals(ok, appended, "what was acknowledged is there");
                    assertTrue(ok <= 12, ok + " appends acknowledged: racing nodes passed the quota of 12 together");
                    assertTrue(ok >= 10, "the quota was used (" + ok + " appends, " + warnings + " warnings)");
                }
            } finally {
                pool.shutdown();
                for (ImapProbe p : sessions) p.close();
            }
        }
    }

    /**
     * Both nodes deliver at once to the same two accounts, the same bytes: their group commits
     * lock the accounts' rows in different orders and PostgreSQL breaks the deadlocks by failing a
     * statement. Every message must still be accepted (the store runs a conflict's loser again).
     */
    @Test
    void deliveriesRacingOnTwoNodesAreAllAccepted(@TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        try (WebNode a = new WebNode(dir.resolve("a"), on(url)); WebNode b = new WebNode(dir.resolve("b"), on(url))) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            try {
                List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    WebNode via = t % 2 == 0 ? a : b;
                    int first = t;
                    sent.add(pool.submit(() -> {
                        for (int i = 0; i < 15; i++) send(via.smtpPort(), null, "x@sender.test", (first + i) % 2 == 0 ? WebNode.ALICE : WebNode.BOB, "the same for everyone");
                        return null;
                    }));
                }
                for (var f : sent) f.get();
            } finally {
                pool.shutdown();
            }
            long alice = inbox(a, WebNode.ALICE), bob = inbox(b, WebNode.BOB);
            assertEquals(240, alice + bob, "every acknowledged message is there");
        }
    }

    private static long inbox(WebNode node, String user) {
        var account = node.node.model().directory().find(org.postiljon.mailbox.api.EmailAddress.parse(user)).orElseThrow();
        return node.node.model().mailboxes().status(account, org.postiljon.mailbox.api.MailboxName.INBOX).messages();
    }

    @Test
    void aWebmailSignInOnOneNodeHoldsOnTheOtherUntilSignedOut(@TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        try (WebNode a = new WebNode(dir.resolve("a"), on(url)); WebNode b = new WebNode(dir.resolve("b"), on(url))) {
            String cookie = a.signIn(WebNode.ALICE, WebNode.PASSWORD);
            assertEquals(200, b.sessionStatus(cookie), "signed in on a, the balancer sends the browser to b");
            assertEquals(401, b.sessionStatus("pj_session=" + "x".repeat(43)), "a made-up token is nobody");
            int out = b.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(b.base() + "/logout")).header("Cookie", cookie)
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
            assertEquals(200, out);
            assertEquals(401, a.sessionStatus(cookie), "signed out on b is signed out on a");
        }
    }

    /**
     * Both nodes send: each takes in mail for a remote domain over SMTP submission, and both
     * senders look for due mail in the one queue. A sink stands for the remote server: every
     * message must arrive there once (a sender claims what it sends; without claims the node that
     * woke first also sent the other node's mail).
     */
    @Test
    void theQueueOnTwoNodesDeliversEachMessageOnce(@TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        try (Sink sink = new Sink(helo -> false)) {
            Map<String, String> settings = new java.util.HashMap<>(on(url));
            settings.putAll(Map.of("listen.submission", "127.0.0.1:0", "outbound.smarthost", "127.0.0.1:" + sink.port()));
            try (WebNode a = new WebNode(dir.resolve("a"), settings); WebNode b = new WebNode(dir.resolve("b"), settings)) {
                var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
                try {
                    List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
                    for (int i = 0; i < 40; i++) {
                        WebNode via = i % 2 == 0 ? a : b;
                        int n = i;
                        sent.add(pool.submit(() -> {
                            submit(via.port("submission"), "message-" + n);
                            return null;
                        }));
                    }
                    for (var f : sent) f.get();
                } finally {
                    pool.shutdown();
                }
                sink.awaitReceived(40, 30_000);
                Thread.sleep(1000); // a duplicate would arrive about now
            }
            assertEquals(40, sink.received.size(), "every message arrived: " + sink.received.keySet());
            assertEquals(java.util.Set.of(1), new java.util.HashSet<>(sink.received.values()), "each once: " + sink.received);
        }
    }

    /**
     * Two server processes on one database; node a is killed -9 while the remote server holds its
     * messages in DATA (no 250 yet, so none was delivered). Every message a acknowledged must
     * still go out once: its claims run out one lease lifetime (cluster.lease-seconds = 4) after
     * its last heartbeat, and node b sends them. (A kill after the remote 250 and before the
     * outcome is recorded can send a message twice: RFC 5321 §6.1 asks for at least once.)
     */
    @Test
    void messagesOfANodeKilledMidDeliveryGoOutOnceFromTheOther(@TempDir Path dir) throws Exception {
        String url = pg.newDatabase();
        new WebNode(dir.resolve("setup"), on(url)).close(); // makes the schema and the accounts
        try (Sink sink = new Sink(helo -> helo.equals("a.test"))) {
            int portA = freePort(), portB = freePort();
            Process a = serverProcess(dir.resolve("a"), url, "a.test", portA, sink.port());
            Process b = serverProcess(dir.resolve("b"), url, "b.test", portB, sink.port());
            try {
                awaitListening(portA);
                awaitListening(portB);
                for (int i = 0; i < 10; i++) submit(portA, "message-" + i); // each acknowledged (250) by node a
                assertTrue(sink.awaitHeld(30_000), "node a started a delivery");
                Thread.sleep(9000); // longer than a lease lifetime and b's next look at the queue: a's heartbeat keeps its claims
                assertEquals(java.util.Set.of(), intersection(sink.heldSubjects, sink.received.keySet()), "b sent nothing a is sending");
                a.destroyForcibly(); // SIGKILL, mid-DATA
                assertTrue(a.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
                sink.awaitReceived(10, 40_000);
                Thread.sleep(2000); // a duplicate would arrive about now
            } finally {
                a.destroyForcibly();
                b.destroy();
                b.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertEquals(10, sink.received.size(), "every acknowledged message arrived: " + sink.received.keySet());
            assertEquals(java.util.Set.of(1), new java.util.HashSet<>(sink.received.values()), "each once: " + sink.received);
        }
    }

    private static java.util.Set<String> intersection(java.util.Set<String> x, java.util.Set<String> y) {
        java.util.Set<String> both = new java.util.HashSet<>(x);
        both.retainAll(y);
        return both;
    }

    /** {@code postiljon serve} in a JVM of its own on the shared database: SMTP submission only, sending through the sink. */
    private static Process serverProcess(Path dir, String url, String hostname, int submission, int sink) throws Exception {
        java.nio.file.Files.createDirectories(dir);
        StringBuilder config = new StringBuilder();
        Map<String, String> settings = new java.util.HashMap<>(on(url));
        settings.putAll(Map.of("data.dir", dir.resolve("data").toString(), "hostname", hostname, "listen.submission", "127.0.0.1:" + submission,
                "outbound.smarthost", "127.0.0.1:" + sink, "cluster.lease-seconds", "4"));
        for (String off : List.of("imap", "imaps", "pop3", "pop3s", "smtp", "submissions", "lmtp", "http", "https", "metrics", "managesieve")) settings.put("listen." + off, "off");
        settings.forEach((k, v) -> config.append(k).append(" = ").append(v).append('\n'));
        Path file = dir.resolve("postiljon.conf");
        java.nio.file.Files.writeString(file, config);
        return new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-Xmx512m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--config", file.toString(), "serve")
                .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("nothing listens on " + port);
    }

    /** SMTP submission with AUTH PLAIN (plaintext is allowed on loopback), one message to a remote domain. */
    private static void submit(int port, String subject) throws Exception {
        String auth = java.util.Base64.getEncoder().encodeToString(("\0" + WebNode.ALICE + "\0" + WebNode.PASSWORD).getBytes(StandardCharsets.UTF_8));
        send(port, auth, WebNode.ALICE, "x@remote.example", subject);
    }

    /** One message over SMTP, with AUTH PLAIN when {@code auth} is given; every reply must be the expected one (the last a 250). */
    private static void send(int port, String auth, String from, String to, String subject) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            smtp(in, null, null, "220");
            smtp(in, out, "EHLO client.test", "250 ");
            if (auth != null) smtp(in, out, "AUTH PLAIN " + auth, "235");
            for (String[] step : new String[][] {{"MAIL FROM:<" + from + ">", "250"}, {"RCPT TO:<" + to + ">", "250"}, {"DATA", "354"},
                    {"From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n\r\nhello\r\n.", "250"}}) {
                smtp(in, out, step[0], step[1]);
            }
        }
    }

    private static void smtp(BufferedReader in, OutputStream out, String line, String expect) throws Exception {
        if (line != null) {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        String r;
        do {
            r = in.readLine();
            if (r == null) throw new AssertionError("closed, expected " + expect);
        } while (r.length() > 3 && r.charAt(3) == '-');
        if (!r.startsWith(expect)) throw new AssertionError((line == null ? "greeting" : line) + " -> " + r);
    }

    /**
     * The remote server: takes any mail and counts each subject, except from clients whose EHLO
     * name {@code hold} picks: their messages it reads to the final dot and never answers, so
     * none of them is delivered.
     */
    private static final class Sink implements AutoCloseable {
        final java.util.concurrent.ConcurrentHashMap<String, Integer> received = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.Set<String> heldSubjects = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        private final java.util.function.Predicate<String> hold;
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());

        Sink(java.util.function.Predicate<String> hold) throws java.io.IOException {
            this.hold = hold;
            Thread.ofPlatform().daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket c = server.accept();
                        Thread.ofVirtual().start(() -> session(c));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        boolean awaitHeld(long millis) throws InterruptedException {
            return held.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        void awaitReceived(int n, long millis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + millis;
            while (received.size() < n && System.currentTimeMillis() < deadline) Thread.sleep(50);
        }

        private void session(Socket c) {
            try (c) {
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = c.getOutputStream();
                out.write("220 sink.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                boolean holding = false;
                for (String line; (line = in.readLine()) != null; ) {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                    if (verb.equals("EHLO") || verb.equals("HELO")) holding = hold.test(line.substring(4).strip());
                    String reply = switch (verb) {
                        case "EHLO", "HELO" -> "250 sink.test";
                        case "DATA" -> {
                            out.write("354 go on\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            String subject = null;
                            for (String d; (d = in.readLine()) != null && !d.equals("."); ) if (d.startsWith("Subject: ")) subject = d.substring(9);
                            if (holding) {
                                if (subject != null) heldSubjects.add(subject);
                                held.countDown();
                                while (in.readLine() != null) { } // no answer: the sender dies waiting
                                yield null;
                            }
                            if (subject != null) received.merge(subject, 1, Integer::sum);
                            yield "250 queued";
                        }
                        case "QUIT" -> "221 bye";
                        default -> "250 ok";
                    };
                    if (reply == null) return;
                    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (verb.equals("QUIT")) return;
                }
            } catch (java.io.IOException e) {
                // the sender went away
            }
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }
    }

    /** Waits until the shared index holds {@code n} contents (the indexer of either node puts them there). */
    private static void awaitIndexed(String url, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try (var c = DriverManager.getConnection(url, "postiljon", null);
                 var rs = c.createStatement().executeQuery("SELECT count(*) FROM fts_indexed")) {
                rs.next();
                if (rs.getInt(1) >= n) return;
            }
            if (System.currentTimeMillis() > deadline) throw new AssertionError("not indexed within 20 s");
            Thread.sleep(50);
        }
    }

    /** A POP3 client on a plain loopback connection. */
    private static final class Pop3 implements AutoCloseable {
        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Pop3(int port) throws Exception {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            out = socket.getOutputStream();
            in.readLine();
        }

        String login() throws Exception {
            command("USER " + WebNode.ALICE);
            return command("PASS " + WebNode.PASSWORD);
        }

        String command(String line) throws Exception {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return in.readLine();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
