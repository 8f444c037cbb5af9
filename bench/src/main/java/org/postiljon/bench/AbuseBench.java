package org.postiljon.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floods that once slowed Postiljon for everyone, replayed one after another against a running
 * server, each for a bounded time from loopback addresses of their own (127.0.0.2 and up), while a
 * well-behaved user on 127.0.0.1 measures what they see: an IMAP NOOP on a logged-in session, the
 * SMTP banner on a new connection, the webmail page. Prints p50/p99/max of each probe per flood.
 *
 * <pre>AbuseBench --imap 11143 --smtp 11025 --http 18080 --victim user1@bench.test --attacker user2@bench.test
 *            --password bench-password --seconds 10 [--folders 10000]</pre>
 */
public final class AbuseBench {

    private final int imap, smtp, http, seconds, folders;
    private final String victim, attacker, password;
    private final HttpClient probeHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private AbuseBench(Options o) {
        imap = o.number("imap", 11143);
        smtp = o.number("smtp", 11025);
        http = o.number("http", 18080);
        seconds = o.number("seconds", 10);
        folders = o.number("folders", 10_000);
        victim = o.get("victim", "user1@bench.test");
        attacker = o.get("attacker", "user2@bench.test");
        password = o.get("password", "bench-password");
    }

    public static void main(String[] args) throws Exception {
        new AbuseBench(new Options(args)).run();
        System.exit(0);
    }

    /** A flood: runs on its own threads until {@code stop} is set; counts what it did. */
    interface Flood {
        void run(AtomicBoolean stop, AtomicLong done) throws Exception;
    }

    private void run() throws Exception {
        System.out.printf("%-34s %-22s %-22s %-22s %s%n", "flood (" + seconds + " s each)", "IMAP NOOP p50/p99/max", "SMTP banner", "GET /", "attack");
        phase("none (baseline)", (stop, done) -> { });
        phase("300 parallel wrong IMAP logins", (stop, done) -> parallel(300, stop, i -> {
            try (Socket s = socket(imap, 2 + i % 50)) {
                BufferedReader in = reader(s);
                in.readLine();
                send(s, "a LOGIN " + victim + " wrong-" + i);
                String line = in.readLine();
                if (line != null) done.incrementAndGet();
            }
        }));
        String wrong = "Basic " + Base64.getEncoder().encodeToString((victim + ":wrong").getBytes(StandardCharsets.UTF_8));
        phase("250 parallel wrong HTTP Basic", (stop, done) -> parallel(250, stop, i -> {
            HttpResponse<Void> r = httpFrom(2 + i % 50).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/jmap/session"))
                    .header("Authorization", wrong).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() > 0) done.incrementAndGet();
        }));
        makeFolders();
        phase("4 parallel LIST of " + folders + " folders", (stop, done) -> parallel(4, stop, i -> {
            try (Socket s = socket(imap, 60 + i)) {
                BufferedReader in = reader(s);
                in.readLine();
                send(s, "a LOGIN " + attacker + " " + password);
                in.readLine();
                while (!stop.get()) {
                    send(s, "l LIST \"\" \"*\"");
                    String line;
                    while ((line = in.readLine()) != null && !line.startsWith("l ")) { }
                    done.incrementAndGet();
                }
            }
        }));
        String basic = "Basic " + Base64.getEncoder().encodeToString((attacker + ":" + password).getBytes(StandardCharsets.UTF_8));
        phase("250 event streams of one user", (stop, done) -> parallel(250, stop, i -> {
            HttpResponse<java.io.InputStream> r = httpFrom(70 + i % 20).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/jmap/eventsource?types=*")).header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofInputStream());
            done.incrementAndGet();
            try (var body = r.body()) {
                while (!stop.get() && r.statusCode() == 200) Thread.sleep(100);
            }
        }));
        StringBuilder calls = new StringBuilder("[[\"Core/echo\",{\"a\":\"" + "x".repeat(100_000) + "\"},\"0\"]");
        for (int i = 1; i < 32; i++) {
            String ref = "{\"resultOf\":\"" + (i - 1) + "\",\"name\":\"Core/echo\",\"path\":\"\"}";
            calls.append(",[\"Core/echo\",{\"#a\":").append(ref).append(",\"#b\":").append(ref).append("},\"").append(i).append("\"]");
        }
        String bomb = "{\"using\":[\"urn:ietf:params:jmap:core\"],\"methodCalls\":" + calls + "]}";
        phase("4 parallel JMAP reference bombs", (stop, done) -> parallel(4, stop, i -> {
            HttpResponse<Void> r = httpFrom(90 + i).send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/jmap/api"))
                    .header("Authorization", basic).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(bomb)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200) done.incrementAndGet();
        }));
        phase("2,000 idle connections, 1 address", (stop, done) -> {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2000 && !stop.get(); i++) {
                    try {
                        held.add(socket(i % 2 == 0 ? imap : http, 100));
                        done.incrementAndGet();
                    } catch (IOException refused) {
                        // the listener's backlog or the per-address limit
                    }
                }
                while (!stop.get()) Thread.sleep(100);
            } finally {
                for (Socket s : held) s.close();
            }
        });
        phase("byte-a-time senders (200)", (stop, done) -> parallel(200, stop, i -> {
            try (Socket s = socket(smtp, 110 + i % 100)) {
                OutputStream o = s.getOutputStream();
                while (!stop.get()) {
                    o.write('N');
                    o.flush();
                    done.incrementAndGet();
                    Thread.sleep(500);
                }
            }
        }));
    }

    /** Runs {@code n} workers that repeat {@code body} until stopped; errors end an iteration, not the worker. */
    private static void parallel(int n, AtomicBoolean stop, Body body) throws InterruptedException {
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            ts.add(Thread.ofVirtual().start(() -> {
                while (!stop.get()) {
                    try {
                        body.run(k);
                    } catch (Exception e) {
                        ERRORS.merge(e.getClass().getSimpleName() + ": " + e.getMessage(), 1, Integer::sum);
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException x) {
                            return;
                        }
                    }
                }
            }));
        }
        for (Thread t : ts) t.join();
    }

    /** What went wrong on the attacking side, by kind (printed per flood). */
    private static final ConcurrentHashMap<String, Integer> ERRORS = new ConcurrentHashMap<>();

    interface Body {
        void run(int i) throws Exception;
    }

    private void phase(String name, Flood flood) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        Thread attack = Thread.ofVirtual().start(() -> {
            try {
                flood.run(stop, done);
            } catch (Exception e) {
                System.err.println(name + ": " + e);
            }
        });
        Thread.sleep(1000); // the flood builds up
        List<Long> noop = new ArrayList<>(), banner = new ArrayList<>(), page = new ArrayList<>();
        try (Socket s = socket(imap, 1)) {
            BufferedReader in = reader(s);
            in.readLine();
            send(s, "a LOGIN " + victim + " " + password);
            in.readLine();
            long end = System.nanoTime() + (seconds - 1) * 1_000_000_000L;
            for (int i = 0; System.nanoTime() < end; i++) {
                long t0 = System.nanoTime();
                send(s, "n" + i + " NOOP");
                while (!in.readLine().startsWith("n" + i + " ")) { }
                noop.add(System.nanoTime() - t0);
                t0 = System.nanoTime();
                try (Socket b = socket(smtp, 1)) {
                    reader(b).readLine();
                    banner.add(System.nanoTime() - t0);
                } catch (IOException e) {
                    banner.add(Long.MAX_VALUE / 4);
                }
                t0 = System.nanoTime();
                try {
                    probeHttp.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/")).build(), HttpResponse.BodyHandlers.discarding());
                    page.add(System.nanoTime() - t0);
                } catch (IOException e) {
                    page.add(Long.MAX_VALUE / 4);
                }
                Thread.sleep(50);
            }
        }
        stop.set(true);
        attack.join(30_000);
        System.out.printf("%-34s %-22s %-22s %-22s %d%n", name, stats(noop), stats(banner), stats(page), done.get());
        ERRORS.entrySet().stream().sorted(java.util.Map.Entry.comparingByValue(java.util.Comparator.reverseOrder())).limit(2)
                .forEach(e -> System.out.printf("    attacker saw %d x %s%n", e.getValue(), e.getKey()));
        ERRORS.clear();
        Thread.sleep(1000);
    }

    private void makeFolders() throws IOException {
        try (Socket s = socket(imap, 50)) {
            BufferedReader in = reader(s);
            in.readLine();
            send(s, "a LOGIN " + attacker + " " + password);
            in.readLine();
            int batch = 200;
            for (int i = 0; i < folders; i += batch) {
                StringBuilder b = new StringBuilder();
                for (int j = i; j < Math.min(folders, i + batch); j++) b.append("c").append(j).append(" CREATE \"f/").append(j / 100).append('/').append(j).append("\"\r\n");
                s.getOutputStream().write(b.toString().getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                for (int j = i; j < Math.min(folders, i + batch); j++) {
                    String line;
                    while (!(line = in.readLine()).startsWith("c" + j + " ")) { }
                }
            }
        }
    }

    private static String stats(List<Long> nanos) {
        if (nanos.isEmpty()) return "-";
        List<Long> s = new ArrayList<>(nanos);
        s.sort(null);
        return String.format("%.1f/%.1f/%.1f ms", s.get(s.size() / 2) / 1e6, s.get(Math.min(s.size() - 1, (int) (s.size() * 0.99))) / 1e6,
                s.getLast() / 1e6);
    }

    private static final ConcurrentHashMap<Integer, HttpClient> CLIENTS = new ConcurrentHashMap<>();

    /** An HTTP client whose connections come from 127.0.0.{@code host}. */
    private static HttpClient httpFrom(int host) {
        return CLIENTS.computeIfAbsent(host, h -> {
            try {
                return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).localAddress(InetAddress.getByName("127.0.0." + h))
                        .connectTimeout(Duration.ofSeconds(10)).build();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A connection from 127.0.0.{@code host} (the whole of 127/8 is this machine). */
    private static Socket socket(int port, int host) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + host), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(60_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static void send(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }
}
