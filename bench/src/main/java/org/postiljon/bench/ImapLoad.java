package org.postiljon.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postiljon.testkit.Corpus;

/**
 * An IMAP load generator for any server: N concurrent clients, each logs in as one of the users,
 * selects INBOX and runs a mix of what mail clients do (list headers, open a message, search,
 * flag, append, a short IDLE), for a fixed time. Prints operations per second and latency
 * percentiles per operation.
 *
 * <pre>
 * ImapLoad --host 127.0.0.1 --port 143 --users 20 --user-format user%d@bench.test --password secret
 *          --clients 50 --seconds 30 [--warmup 10] [--preload 1000]
 * </pre>
 */
public final class ImapLoad {

    enum Op { FETCH_HEADERS, FETCH_BODY, SEARCH, STORE, APPEND, IDLE }

    /** Relative weights of the operations in the mix. */
    static final Map<Op, Integer> MIX = new EnumMap<>(Map.of(Op.FETCH_HEADERS, 30, Op.FETCH_BODY, 25, Op.SEARCH, 15,
            Op.STORE, 15, Op.APPEND, 10, Op.IDLE, 5));

    public static void main(String[] args) throws Exception {
        Options a = new Options(args);
        String host = a.get("host", "127.0.0.1");
        int port = a.number("port", 143);
        int users = a.number("users", 10);
        String format = a.get("user-format", "user%d@bench.test");
        String password = a.get("password", "bench-password");
        int clients = a.number("clients", 20);
        int seconds = a.number("seconds", 20);
        int warmup = a.number("warmup", 10);
        int preload = a.number("preload", 0);
        Path work = Files.createTempDirectory("imapload");
        List<byte[]> corpus = Corpus.messages(work, 300, 3);

        if (preload > 0) {
            long t0 = System.nanoTime();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> fs = new ArrayList<>();
                for (int u = 1; u <= users; u++) {
                    String user = String.format(format, u);
                    fs.add(pool.submit(() -> {
                        try (Client c = new Client(host, port)) {
                            c.login(user, password);
                            for (int i = 0; i < preload; i++) c.append(corpus.get(i % corpus.size()));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) f.get();
            }
            System.out.printf("preloaded %d messages into each of %d mailboxes in %.1f s%n", preload, users, (System.nanoTime() - t0) / 1e9);
        }

        Map<Op, List<Long>> latencies = new ConcurrentHashMap<>();
        for (Op op : Op.values()) latencies.put(op, java.util.Collections.synchronizedList(new ArrayList<>()));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        long start;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                String user = String.format(format, 1 + i % users);
                long seed = i;
                fs.add(pool.submit(() -> {
                    run(host, port, user, password, corpus, latencies, measuring, stop, new Random(seed));
                    return null;
                }));
            }
            // The same mix, unmeasured, first: JIT compilation and caches warm up on both servers alike.
            Thread.sleep(warmup * 1000L);
            start = System.nanoTime();
            measuring.set(true);
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Future<?> f : fs) f.get();
        }
        double elapsed = (System.nanoTime() - start) / 1e9; // includes the last operations' completion
        long total = latencies.values().stream().mapToLong(List::size).sum();
        System.out.printf("%s:%d  %d clients, %d users, %.1f s: %d operations, %.0f ops/s%n", host, port, clients, users, elapsed, total, total / elapsed);
        System.out.printf("%-14s %8s %9s %9s %9s %9s%n", "operation", "count", "p50 ms", "p90 ms", "p99 ms", "max ms");
        for (Op op : Op.values()) {
            long[] l = latencies.get(op).stream().mapToLong(Long::longValue).sorted().toArray();
            if (l.length == 0) continue;
            System.out.printf("%-14s %8d %9.2f %9.2f %9.2f %9.2f%n", op, l.length, pct(l, 50), pct(l, 90), pct(l, 99), l[l.length - 1] / 1e6);
        }
    }

    private static double pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1e6;
    }

    private static void run(String host, int port, String user, String password, List<byte[]> corpus,
                            Map<Op, List<Long>> latencies, AtomicBoolean measuring, AtomicBoolean stop, Random r) throws IOException {
        try (Client c = new Client(host, port)) {
            c.login(user, password);
            int exists = c.select("INBOX");
            int total = MIX.values().stream().mapToInt(Integer::intValue).sum();
            while (!stop.get()) {
                int pick = r.nextInt(total);
                Op op = null;
                for (Map.Entry<Op, Integer> e : MIX.entrySet()) {
                    pick -= e.getValue();
                    if (pick < 0) {
                        op = e.getKey();
                        break;
                    }
                }
                if (exists == 0 && op != Op.APPEND && op != Op.IDLE) op = Op.APPEND;
                long t0 = System.nanoTime();
                switch (op) {
                    case FETCH_HEADERS -> {
                        int last = Math.max(1, exists - r.nextInt(exists));
                        int first = Math.max(1, last - 49);
                        c.command("FETCH " + first + ":" + last + " (UID FLAGS RFC822.SIZE ENVELOPE)");
                    }
                    case FETCH_BODY -> c.command("FETCH " + (1 + r.nextInt(exists)) + " (BODY.PEEK[])");
                    case SEARCH -> c.command(r.nextBoolean() ? "SEARCH UNSEEN" : "SEARCH FROM \"alice\"");
                    case STORE -> c.command("STORE " + (1 + r.nextInt(exists)) + (r.nextBoolean() ? " +" : " -") + "FLAGS.SILENT (\\Flagged)");
                    case APPEND -> c.append(corpus.get(r.nextInt(corpus.size())));
                    case IDLE -> c.idle(100);
                }
                if (measuring.get()) latencies.get(op).add(System.nanoTime() - t0);
                exists = Math.max(exists, c.exists);
            }
            c.command("LOGOUT");
        }
    }

    /** Just enough IMAP client: tagged commands, literals in responses, EXISTS tracking. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private int tag;
        int exists;
        private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS");
        private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)\\}$");

        Client(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            in = new BufferedInputStream(socket.getInputStream(), 65536);
            out = new BufferedOutputStream(socket.getOutputStream());
            line(); // greeting
        }

        void login(String user, String password) throws IOException {
            command("LOGIN \"" + user + "\" \"" + password + "\"");
        }

        int select(String mailbox) throws IOException {
            command("SELECT " + mailbox);
            return exists;
        }

        void append(byte[] message) throws IOException {
            String t = "b" + (++tag);
            out.write((t + " APPEND INBOX {" + message.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            continuation(t);
            out.write(message);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            until(t);
        }

        void idle(long millis) throws IOException {
            String t = "b" + (++tag);
            out.write((t + " IDLE\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            continuation(t);
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("DONE\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            until(t);
        }

        /** Reads until the continuation request; untagged responses may come first. */
        private void continuation(String t) throws IOException {
            while (true) {
                String l = line();
                if (l.startsWith("+")) return;
                if (l.startsWith(t + " ")) throw new IOException("refused: " + l);
                Matcher m = EXISTS.matcher(l);
                if (m.find()) exists = Integer.parseInt(m.group(1));
            }
        }

        String command(String text) throws IOException {
            String t = "b" + (++tag);
            out.write((t + " " + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return until(t);
        }

        /** Sends a command and returns its untagged response lines (the tagged OK is checked). */
        java.util.List<String> lines(String text) throws IOException {
            String t = "b" + (++tag);
            out.write((t + " " + text + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            java.util.List<String> got = new java.util.ArrayList<>();
            while (true) {
                String l = line();
                if (l.startsWith(t + " ")) {
                    if (!l.startsWith(t + " OK")) throw new IOException("command failed: " + l);
                    return got;
                }
                got.add(l);
            }
        }

        private String until(String t) throws IOException {
            while (true) {
                String l = line();
                if (l.startsWith(t + " ")) {
                    if (!l.startsWith(t + " OK")) throw new IOException("command failed: " + l);
                    return l;
                }
                Matcher m = EXISTS.matcher(l);
                if (m.find()) exists = Integer.parseInt(m.group(1));
            }
        }

        /** A response line with its literals read and dropped. */
        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) throw new IOException("connection closed");
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.UTF_8).stripTrailing();
                    Matcher m = LITERAL.matcher(s);
                    if (m.find()) {
                        in.skipNBytes(Long.parseLong(m.group(1)));
                        continue; // the response goes on after the literal
                    }
                    return s;
                }
                b.write(c);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

}
