package org.postiljon.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.postiljon.testkit.Corpus;

/**
 * Delivery over LMTP (or SMTP with {@code --smtp}) into mailboxes, against any server: N
 * connections, each sending its share of M messages (one transaction per message, one recipient
 * out of {@code --users}), as a front MTA does. Prints messages/s and MB/s, after a warm-up.
 *
 * <pre>
 * LmtpLoad --port 24 --connections 20 --messages 20000 --users 10 [--warmup 2000] [--smtp] [--recipients 1]
 * (--recipients N: each message to N different users, as a list or a newsletter arrives)
 * </pre>
 */
public final class LmtpLoad {

    public static void main(String[] args) throws Exception {
        Options a = new Options(args);
        String host = a.get("host", "127.0.0.1");
        int port = a.number("port", 24);
        int connections = a.number("connections", 20);
        int messages = a.number("messages", 20000);
        int warmup = a.number("warmup", 2000);
        int users = a.number("users", 10);
        boolean smtp = a.get("smtp", "no").equals("yes");
        String format = a.get("user-format", "user%d@bench.test");
        int recipients = Math.min(users, a.number("recipients", 1));
        List<byte[]> corpus = new ArrayList<>();
        for (byte[] m : Corpus.messages(Files.createTempDirectory("lmtpload"), 500, 11)) corpus.add(stuffed(m));
        if (warmup > 0) run(host, port, connections, warmup, users, recipients, smtp, format, corpus);
        long t0 = System.nanoTime();
        long bytes = run(host, port, connections, messages, users, recipients, smtp, format, corpus);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s:%d %s  %d connections, %d messages (%d recipients each) to %d mailboxes in %.1f s: %.0f messages/s,"
                        + " %.0f deliveries/s, %.1f MB/s received%n",
                host, port, smtp ? "SMTP" : "LMTP", connections, messages, recipients, users, s, messages / s, messages * recipients / s,
                bytes / 1e6 / s);
    }

    private static long run(String host, int port, int connections, int messages, int users, int recipients, boolean smtp,
                            String format, List<byte[]> corpus) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                fs.add(pool.submit(() -> {
                    try (Socket socket = new Socket(host, port)) {
                        socket.setTcpNoDelay(true);
                        // Buffered: a read per byte would spend the shared CPU on system calls the server needs.
                        InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
                        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                        reply(in, "220");
                        send(out, (smtp ? "EHLO" : "LHLO") + " bench.test");
                        reply(in, "250");
                        for (long i; (i = next.getAndIncrement()) < messages; ) {
                            byte[] m = corpus.get((int) (i % corpus.size()));
                            send(out, "MAIL FROM:<sender@example.net>");
                            for (int r = 0; r < recipients; r++) send(out, "RCPT TO:<" + String.format(format, 1 + (i + r) % users) + ">");
                            send(out, "DATA");
                            reply(in, "250");
                            for (int r = 0; r < recipients; r++) reply(in, "250");
                            reply(in, "354");
                            out.write(m);
                            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            for (int r = 0; r < (smtp ? 1 : recipients); r++) reply(in, "250"); // LMTP: one reply per recipient (RFC 2033 §4.2)
                            bytes.addAndGet(m.length);
                        }
                        send(out, "QUIT");
                    }
                    return null;
                }));
            }
            try {
                for (Future<?> f : fs) f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                for (Future<?> f : fs) f.cancel(true); // the other connections stop too: a refused message ends the run
                throw e;
            }
        }
        return bytes.get();
    }

    /** The message dot-stuffed and ending in CRLF, ready to follow DATA. */
    private static byte[] stuffed(byte[] m) {
        String s = new String(m, StandardCharsets.ISO_8859_1).replace("\r\n", "\n").replace("\n", "\r\n");
        if (!s.endsWith("\r\n")) s += "\r\n";
        s = s.replace("\r\n.", "\r\n..");
        if (s.startsWith(".")) s = "." + s;
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        if (!line.startsWith("MAIL") && !line.startsWith("RCPT")) out.flush(); // PIPELINING: MAIL, RCPT, DATA in one packet
    }

    /** Reads one reply (all its lines); fails unless it has the expected code. */
    private static void reply(InputStream in, String code) throws IOException {
        while (true) {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) throw new IOException("connection closed");
                b.append((char) c);
            }
            if (!b.toString().startsWith(code)) throw new IOException("expected " + code + ", got " + b);
            if (b.length() < 4 || b.charAt(3) != '-') return;
        }
    }
}
