package org.postiljon.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load shapes of issue #15, for any server (Postiljon or Dovecot), on small mailboxes:
 * <ul>
 *   <li>{@code a}: sessions that log in, SELECT, FETCH flags, read one message, STORE, APPEND,
 *       expunge what they appended, and log out, again and again;</li>
 *   <li>{@code b}: the same commands in one long session per client (no logout);</li>
 *   <li>{@code c}: {@code b} plus SEARCH, SORT, THREAD, COPY to Trash and NOOP;</li>
 *   <li>{@code d}: POP3 download-and-delete of mail delivered over LMTP just before;</li>
 *   <li>{@code e}: connection churn: connect, LOGIN, SELECT, FETCH 1 FLAGS, LOGOUT.</li>
 * </ul>
 * Prints commands per second, sessions per second, p50/p99 per command and errors.
 *
 * <pre>ShapesLoad --shape a --port 11143 [--pop3 11110 --lmtp 11024] --users 50 --clients 10 --seconds 30 --preload 30</pre>
 */
public final class ShapesLoad {

    private final String shape, password, format;
    private final int port, pop3, lmtp, users, clients, seconds, preload;
    private final Map<String, List<Long>> latencies = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicBoolean measuring = new AtomicBoolean();
    private final AtomicBoolean stop = new AtomicBoolean();

    private ShapesLoad(Options o) {
        shape = o.get("shape", "a");
        port = o.number("port", 11143);
        pop3 = o.number("pop3", 11110);
        lmtp = o.number("lmtp", 11024);
        users = o.number("users", 50);
        clients = o.number("clients", 10);
        seconds = o.number("seconds", 30);
        preload = o.number("preload", 30);
        password = o.get("password", "bench-password");
        format = o.get("user-format", "user%d@bench.test");
    }

    public static void main(String[] args) throws Exception {
        new ShapesLoad(new Options(args)).run();
        System.exit(0);
    }

    static String message(int i) {
        return "From: Sender " + i + " <sender" + i + "@example.org>\r\nTo: someone@bench.test\r\nSubject: Message number " + i
                + (i % 3 == 0 ? "" : " about the project") + "\r\nDate: Mon, " + (1 + i % 28) + " Nov 2026 10:00:00 +0000\r\nMessage-ID: <m" + i
                + "@example.org>\r\n" + (i % 4 == 1 ? "References: <m" + (i - 1) + "@example.org>\r\n" : "") + "\r\n"
                + ("Line " + i + " of a short message body, as most mail is.\r\n").repeat(20);
    }

    private void run() throws Exception {
        if (!shape.equals("d")) prepare();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int k = i;
            ts.add(Thread.ofVirtual().start(() -> {
                Random r = new Random(k);
                while (!stop.get()) {
                    try {
                        switch (shape) {
                            case "a" -> sessionA(user(k, r), r, true);
                            case "b", "c" -> sessionA(user(k, r), r, false);
                            case "d" -> pop3(user(k, r), r);
                            case "e" -> churn(user(k, r));
                            default -> throw new IllegalArgumentException("shape a-e");
                        }
                    } catch (Exception e) {
                        if (measuring.get() && !stop.get()) errors.computeIfAbsent(e.getClass().getSimpleName() + ": " + e.getMessage(), x -> new AtomicLong()).incrementAndGet();
                    }
                }
            }));
        }
        Thread.sleep(5000); // warm-up, unmeasured
        measuring.set(true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        measuring.set(false);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread t : ts) t.join(30_000);
        long total = latencies.values().stream().mapToLong(List::size).sum();
        long errorCount = errors.values().stream().mapToLong(AtomicLong::get).sum();
        System.out.printf("shape %s: %d clients, %d users: %.0f commands/s, %.1f sessions/s, %d errors%n", shape, clients, users,
                total / elapsed, sessions.get() / elapsed, errorCount);
        latencies.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            long[] l = e.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("  %-10s %7d  p50 %7.2f ms  p99 %7.2f ms%n", e.getKey(), l.length, l[l.length / 2] / 1e6,
                    l[Math.min(l.length - 1, (int) (l.length * 0.99))] / 1e6);
        });
        errors.forEach((k, v) -> System.out.println("  error x" + v + ": " + k));
    }

    /**
     * Each client has users of its own (client, client + clients, ...): two sessions of one user at
     * once would meet POP3's maildrop lock (RFC 1939 §8) and each other's expunges, which is not the
     * load being measured.
     */
    private String user(int client, Random r) {
        if (shape.equals("b") || shape.equals("c")) return String.format(format, 1 + client % users);
        int own = Math.max(1, users / clients);
        return String.format(format, 1 + (client + clients * r.nextInt(own)) % users);
    }

    /** Fills every INBOX with {@code preload} messages (and makes Trash) before the clock starts. */
    private void prepare() throws Exception {
        List<Thread> ts = new ArrayList<>();
        for (int u = 1; u <= users; u++) {
            String user = String.format(format, u);
            ts.add(Thread.ofVirtual().start(() -> {
                try (Imap c = new Imap(port)) {
                    c.cmd(null, "LOGIN " + user + " " + password);
                    try {
                        c.cmd(null, "CREATE Trash");
                    } catch (IOException exists) {
                        // Postiljon makes Trash with every account
                    }
                    c.cmd(null, "SELECT INBOX");
                    for (int i = c.exists; i < preload; i++) c.append(null, message(i));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
    }

    private void sessionA(String user, Random r, boolean logout) throws IOException {
        try (Imap c = new Imap(port)) {
            c.cmd("LOGIN", "LOGIN " + user + " " + password);
            int rounds = logout ? 1 : Integer.MAX_VALUE;
            for (int i = 0; i < rounds && !stop.get(); i++) {
                c.cmd("SELECT", "SELECT INBOX");
                int n = Math.max(1, c.exists);
                c.cmd("FETCH", "FETCH 1:* (UID FLAGS)");
                c.cmd("FETCH", "FETCH " + (1 + r.nextInt(n)) + " BODY.PEEK[]");
                c.cmd("STORE", "STORE " + (1 + r.nextInt(n)) + " +FLAGS (\\Seen)");
                long uid = c.append("APPEND", message(r.nextInt(1000)));
                c.cmd("STORE", "UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)");
                c.cmd("EXPUNGE", "EXPUNGE");
                if (shape.equals("c")) {
                    c.cmd("SEARCH", "UID SEARCH SUBJECT project");
                    c.cmd("SORT", "UID SORT (REVERSE DATE) UTF-8 ALL");
                    c.cmd("THREAD", "UID THREAD REFERENCES UTF-8 ALL");
                    c.cmd("COPY", "COPY " + (1 + r.nextInt(n)) + " Trash");
                    c.cmd("NOOP", "NOOP");
                }
                if (!logout && measuring.get()) sessions.incrementAndGet();
            }
            if (logout) {
                c.cmd("LOGOUT", "LOGOUT");
                if (measuring.get()) sessions.incrementAndGet();
            }
        }
    }

    private void churn(String user) throws IOException {
        try (Imap c = new Imap(port)) {
            c.cmd("LOGIN", "LOGIN " + user + " " + password);
            c.cmd("SELECT", "SELECT INBOX");
            c.cmd("FETCH", "FETCH 1 (FLAGS)");
            c.cmd("LOGOUT", "LOGOUT");
            if (measuring.get()) sessions.incrementAndGet();
        }
    }

    /** Five messages over LMTP, then a POP3 session that downloads and deletes everything. */
    private void pop3(String user, Random r) throws IOException {
        try (Socket s = new Socket("127.0.0.1", lmtp)) {
            Lines l = new Lines(s);
            l.expect("220");
            l.send("LHLO bench");
            l.expectLast("250");
            for (int i = 0; i < 5; i++) {
                l.send("MAIL FROM:<sender@example.org>");
                l.expect("250");
                l.send("RCPT TO:<" + user + ">");
                l.expect("250");
                l.send("DATA");
                l.expect("354");
                l.sendRaw(message(r.nextInt(1000)) + ".\r\n");
                l.expect("250");
            }
            l.send("QUIT");
        }
        try (Socket s = new Socket("127.0.0.1", pop3)) {
            Lines l = new Lines(s);
            l.expect("+OK");
            timed("USER", () -> {
                l.send("USER " + user);
                l.expect("+OK");
                l.send("PASS " + password);
                l.expect("+OK");
            });
            int[] count = new int[1];
            timed("STAT", () -> {
                l.send("STAT");
                count[0] = Integer.parseInt(l.expect("+OK").split(" ")[1]);
            });
            for (int i = 1; i <= count[0]; i++) {
                int k = i;
                timed("RETR", () -> {
                    l.send("RETR " + k);
                    l.expect("+OK");
                    while (!l.line().equals(".")) { }
                });
                timed("DELE", () -> {
                    l.send("DELE " + k);
                    l.expect("+OK");
                });
            }
            timed("QUIT", () -> {
                l.send("QUIT");
                l.expect("+OK");
            });
            if (measuring.get()) sessions.incrementAndGet();
        }
    }

    interface Step {
        void run() throws IOException;
    }

    private void timed(String name, Step step) throws IOException {
        long t0 = System.nanoTime();
        step.run();
        if (measuring.get()) latencies.computeIfAbsent(name, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(System.nanoTime() - t0);
    }

    /** A line-oriented connection. */
    private static final class Lines {
        final Socket s;
        final BufferedReader in;
        final OutputStream out;

        Lines(Socket s) throws IOException {
            this.s = s;
            s.setSoTimeout(60_000);
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            out = s.getOutputStream();
        }

        String line() throws IOException {
            String l = in.readLine();
            if (l == null) throw new IOException("connection closed");
            return l;
        }

        void send(String line) throws IOException {
            sendRaw(line + "\r\n");
        }

        void sendRaw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        String expect(String prefix) throws IOException {
            String l = line();
            if (!l.startsWith(prefix)) throw new IOException("expected " + prefix + ", got " + l);
            return l;
        }

        void expectLast(String code) throws IOException {
            String l;
            do {
                l = expect(code);
            } while (l.length() > 3 && l.charAt(3) == '-');
        }
    }

    /** An IMAP connection that counts EXISTS and times each command. */
    private final class Imap implements AutoCloseable {
        final Lines l;
        int exists;
        int tag;

        Imap(int port) throws IOException {
            l = new Lines(new Socket("127.0.0.1", port));
            l.expect("* OK");
        }

        void cmd(String name, String command) throws IOException {
            Step step = () -> {
                String t = "t" + ++tag;
                l.send(t + " " + command);
                read(t);
            };
            if (name == null) step.run(); else timed(name, step);
        }

        /** Appends to INBOX; the UID it got (RFC 4315 APPENDUID). */
        long append(String name, String message) throws IOException {
            long[] uid = {0};
            Step step = () -> {
                String t = "t" + ++tag;
                l.sendRaw(t + " APPEND INBOX {" + message.length() + "+}\r\n" + message + "\r\n");
                String ok = read(t);
                int at = ok.indexOf("[APPENDUID ");
                if (at >= 0) uid[0] = Long.parseLong(ok.substring(at + 11, ok.indexOf(']', at)).split(" ")[1]);
            };
            if (name == null) step.run(); else timed(name, step);
            return uid[0];
        }

        private String read(String t) throws IOException {
            while (true) {
                String line = l.line();
                if (line.startsWith("* ") && line.endsWith(" EXISTS")) exists = Integer.parseInt(line.substring(2, line.length() - 7));
                if (line.startsWith("* ") && line.endsWith(" EXPUNGE")) exists--;
                int lit = line.endsWith("}") ? line.lastIndexOf('{') : -1;
                if (lit >= 0) {
                    long n = Long.parseLong(line.substring(lit + 1, line.length() - 1).replace("+", ""));
                    l.in.skip(n);
                    continue;
                }
                if (line.startsWith(t + " ")) {
                    if (!line.startsWith(t + " OK")) throw new IOException(line);
                    return line;
                }
            }
        }

        @Override
        public void close() throws IOException {
            l.s.close();
        }
    }
}
