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
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postiljon.testkit.Corpus;

/**
 * POP3 download throughput for any server: each client logs in to its own maildrop and RETRs
 * every message (as a download client does, one command at a time, the whole answer read and
 * un-stuffed), then QUITs without deleting. Prints MB/s of message octets and messages/s, timed
 * from when every client has logged in (a barrier) to the last RETR answer: logins are not
 * download throughput, and Postiljon checks an Argon2id hash where a benchmark Dovecot compares
 * a plain password.
 *
 * <pre>
 * Pop3Retr --port 110 [--imap-port 143 --preload 1000] --users 4 --rounds 5 --password secret
 * </pre>
 * With {@code --preload} the maildrops are filled first over IMAP APPEND (the same corpus
 * messages for every server).
 */
public final class Pop3Retr {

    public static void main(String[] args) throws Exception {
        Options a = new Options(args);
        String host = a.get("host", "127.0.0.1");
        int port = a.number("port", 110);
        int users = a.number("users", 4);
        int rounds = a.number("rounds", 5);
        int preload = a.number("preload", 0);
        String format = a.get("user-format", "user%d@bench.test");
        String password = a.get("password", "bench-password");
        if (preload > 0) {
            List<byte[]> corpus = Corpus.messages(Files.createTempDirectory("pop3retr"), 300, 5);
            int imapPort = a.number("imap-port", 143);
            for (int u = 1; u <= users; u++) {
                try (ImapLoad.Client c = new ImapLoad.Client(host, imapPort)) {
                    c.login(String.format(format, u), password);
                    for (int i = 0; i < preload; i++) c.append(corpus.get(i % corpus.size()));
                }
            }
        }
        System.out.printf("%s:%d  %d users downloading their maildrops at once, %d rounds (the first is a warm-up)%n", host, port, users, rounds);
        for (int round = 0; round < rounds; round++) {
            long[] octets = new long[1];
            long[] messages = new long[1];
            long[] start = new long[1];
            long end = 0;
            CyclicBarrier loggedIn = new CyclicBarrier(users, () -> start[0] = System.nanoTime());
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<long[]>> fs = new ArrayList<>();
                for (int u = 1; u <= users; u++) {
                    String user = String.format(format, u);
                    fs.add(pool.submit(() -> download(host, port, user, password, loggedIn)));
                }
                for (Future<long[]> f : fs) {
                    long[] r = f.get();
                    octets[0] += r[0];
                    messages[0] += r[1];
                    end = Math.max(end, r[2]);
                }
            }
            double s = (end - start[0]) / 1e9;
            System.out.printf("round %d: %d messages, %.1f MB in %.2f s: %.1f MB/s, %.0f messages/s%s%n", round + 1, messages[0],
                    octets[0] / 1e6, s, octets[0] / 1e6 / s, messages[0] / s, round == 0 ? " (warm-up)" : "");
        }
    }

    /** Logs in, waits for the others, RETRs every message; returns {octets, messages, nanoTime after the last}. */
    private static long[] download(String host, int port, String user, String password, CyclicBarrier loggedIn) throws Exception {
        try (Socket socket = new Socket(host, port)) {
            socket.setTcpNoDelay(true);
            Reader in = new Reader(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            in.ok();
            command(out, "USER " + user);
            in.ok();
            command(out, "PASS " + password);
            in.ok();
            command(out, "STAT");
            int count = Integer.parseInt(in.ok().split(" ")[1]);
            loggedIn.await();
            long octets = 0;
            for (int n = 1; n <= count; n++) {
                command(out, "RETR " + n);
                in.ok();
                octets += in.multiline();
            }
            long done = System.nanoTime();
            command(out, "QUIT");
            in.ok();
            return new long[] {octets, count, done};
        }
    }

    private static void command(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Just enough of a POP3 reader, over its own buffer so the client costs little per byte. */
    private static final class Reader {
        private final InputStream in;
        private final byte[] buf = new byte[64 * 1024];
        private int pos, end;

        Reader(InputStream in) {
            this.in = in;
        }

        private int next() throws IOException {
            if (pos == end) {
                end = in.read(buf);
                pos = 0;
                if (end <= 0) throw new IOException("connection closed");
            }
            return buf[pos++];
        }

        String ok() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = next(); c != '\n'; c = next()) if (c != '\r') b.append((char) c);
            if (!b.toString().startsWith("+OK")) throw new IOException("unexpected: " + b);
            return b.toString();
        }

        /** Reads a multi-line answer through its "." line; returns the message octets (CRLF lines, un-stuffed). */
        long multiline() throws IOException {
            long octets = 0;
            while (true) { // one line per turn
                int c = next();
                if (c == '.') {
                    c = next();
                    if (c == '\r') { // ".\r\n": the end
                        next();
                        return octets;
                    }
                }
                octets++;
                while (c != '\n') {
                    c = next();
                    octets++;
                }
            }
        }
    }
}
