package org.postiljon.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue #7's benchmark on one big mailbox: loads N generated messages over LMTP (deterministic:
 * threads with References, 200 senders, a Zipf-like vocabulary, 10 % with a base64 attachment),
 * then times SEARCH TEXT, SEARCH FROM, SORT (REVERSE DATE), THREAD REFERENCES and, after 1,000
 * changes by another session, SELECT ... (QRESYNC ...). Prints p50/p90/max per operation.
 * <pre>
 * SearchBench --load yes --lmtp-port 24 --messages 100000 --user u@x   (load only)
 * SearchBench --port 143 --user u@x --password p --reps 20               (measure)
 * </pre>
 */
public final class SearchBench {

    static final int SENDERS = 200;
    static final int WORDS = 5000;
    /** A word of middling frequency, and one sender: what the SEARCH queries ask for. */
    static final int TARGET_WORD = 400;
    static final int TARGET_SENDER = 17;

    public static void main(String[] args) throws Exception {
        Options a = new Options(args);
        String user = a.get("user", "user1@bench.test");
        if (a.get("load", "no").equals("yes")) {
            load(a.get("host", "127.0.0.1"), a.number("lmtp-port", 24), user, a.number("messages", 100_000), a.number("connections", 8));
            return;
        }
        measure(a.get("host", "127.0.0.1"), a.number("port", 143), user, a.get("password", "bench-password"), a.number("reps", 20),
                a.get("name", "server"), a.get("changes", "yes").equals("yes"));
    }

    // ---- the mailbox ----

    static String word(int i) {
        String[] syl = {"ka", "lo", "mi", "ne", "su", "ta", "ri", "vo", "pe", "gu", "zan", "bel", "tor", "kim", "dra", "fen"};
        StringBuilder b = new StringBuilder();
        int x = i + 17;
        do {
            b.append(syl[x % syl.length]);
            x /= syl.length;
        } while (x > 0);
        return b.append(syl[(i * 7) % syl.length]).toString();
    }

    static String sender(int i) {
        String[] first = {"Anna", "Bernd", "Clara", "Deniz", "Emil", "Fatma", "Georg", "Hanna", "Ivan", "Jana"};
        String[] last = {"Albers", "Brandt", "Cohen", "Dietrich", "Engel", "Fischer", "Gruber", "Hahn", "Iversen", "Jung",
                "Keller", "Lorenz", "Meyer", "Neumann", "Otto", "Peters", "Quast", "Richter", "Schulz", "Tanaka"};
        String f = first[i % first.length], l = last[(i / first.length) % last.length];
        return f + " " + l + " <" + f.toLowerCase() + "." + l.toLowerCase() + i + "@example.com>";
    }

    private static int zipf(Random r) {
        return (int) (WORDS * Math.pow(r.nextDouble(), 3));
    }

    /** Message {@code i} of the mailbox, the same bytes on every run. */
    static byte[] message(int i, Random r, List<String> subjects, List<String> refs) {
        DateTimeFormatter rfc = DateTimeFormatter.RFC_1123_DATE_TIME;
        Instant date = Instant.parse("2020-01-01T00:00:00Z").plusSeconds(600L * i + r.nextInt(3600));
        String id = "<" + i + ".bench@example.com>";
        String subject, references = "";
        if (i > 0 && r.nextInt(2) == 0) { // a reply to one of the last 300 messages
            int p = Math.max(0, i - 1 - r.nextInt(Math.min(i, 300)));
            subject = "Re: " + subjects.get(p).replaceFirst("^Re: ", "");
            String parentRefs = refs.get(p);
            references = (parentRefs.isEmpty() ? "" : parentRefs + " ") + "<" + p + ".bench@example.com>";
            if (references.length() > 900) references = references.substring(references.length() - 900).replaceFirst("^[^<]*", "");
        } else {
            StringBuilder s = new StringBuilder();
            for (int k = 0, n = 3 + r.nextInt(4); k < n; k++) s.append(k == 0 ? "" : " ").append(word(zipf(r)));
            subject = s.toString();
        }
        subjects.add(subject);
        refs.add(references);
        StringBuilder m = new StringBuilder();
        m.append("From: ").append(sender(r.nextInt(SENDERS))).append("\r\n");
        m.append("To: Bench User <user@bench.test>\r\n");
        m.append("Subject: ").append(subject).append("\r\n");
        m.append("Date: ").append(rfc.format(date.atOffset(ZoneOffset.UTC))).append("\r\n");
        m.append("Message-ID: ").append(id).append("\r\n");
        if (!references.isEmpty()) {
            m.append("In-Reply-To: ").append(references.substring(references.lastIndexOf('<'))).append("\r\n");
            m.append("References: ").append(references).append("\r\n");
        }
        m.append("MIME-Version: 1.0\r\n");
        boolean attachment = r.nextInt(10) == 0;
        String text = body(r);
        if (!attachment) {
            m.append("Content-Type: text/plain; charset=utf-8\r\n\r\n").append(text);
        } else {
            byte[] blob = new byte[10_000 + r.nextInt(40_000)];
            r.nextBytes(blob);
            m.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n");
            m.append("--b").append(i).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").append(text);
            m.append("--b").append(i).append("\r\nContent-Type: application/pdf; name=\"doc").append(i).append(".pdf\"\r\n");
            m.append("Content-Transfer-Encoding: base64\r\n\r\n").append(Base64.getMimeEncoder().encodeToString(blob)).append("\r\n");
            m.append("--b").append(i).append("--\r\n");
        }
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String body(Random r) {
        StringBuilder b = new StringBuilder();
        for (int l = 0, lines = 10 + r.nextInt(50); l < lines; l++) {
            for (int w = 0, n = 6 + r.nextInt(8); w < n; w++) b.append(w == 0 ? "" : " ").append(word(zipf(r)));
            b.append("\r\n");
        }
        return b.toString();
    }

    private static void load(String host, int port, String user, int n, int connections) throws Exception {
        Random r = new Random(20261126);
        List<String> subjects = new ArrayList<>(), refs = new ArrayList<>();
        byte[][] all = new byte[n][];
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            all[i] = stuffed(message(i, r, subjects, refs));
            bytes += all[i].length;
        }
        AtomicLong next = new AtomicLong();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                fs.add(pool.submit(() -> {
                    try (Socket socket = new Socket(host, port)) {
                        InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 8192);
                        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
                        reply(in, "220");
                        send(out, "LHLO bench.test");
                        reply(in, "250");
                        for (long i; (i = next.getAndIncrement()) < n; ) {
                            send(out, "MAIL FROM:<sender@example.net>");
                            send(out, "RCPT TO:<" + user + ">");
                            send(out, "DATA");
                            reply(in, "250");
                            reply(in, "250");
                            reply(in, "354");
                            out.write(all[(int) i]);
                            out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            reply(in, "250");
                        }
                        send(out, "QUIT");
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("loaded %d messages (%.0f MB) in %.0f s%n", n, bytes / 1e6, s);
    }

    private static byte[] stuffed(byte[] m) {
        String s = new String(m, StandardCharsets.ISO_8859_1);
        if (!s.endsWith("\r\n")) s += "\r\n";
        return s.replace("\r\n.", "\r\n..").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void reply(InputStream in, String code) throws IOException {
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = in.read();
            if (c < 0) throw new IOException("connection closed");
            if (c == '\n') {
                String l = b.toString();
                if (l.length() > 3 && l.charAt(3) == '-') {
                    b.setLength(0);
                    continue;
                }
                if (!l.startsWith(code)) throw new IOException("expected " + code + ", got " + l);
                return;
            }
            b.append((char) c);
        }
    }

    // ---- the measurements ----

    private interface Op {
        List<String> run(ImapLoad.Client c) throws IOException;
    }

    private interface Io<T> {
        T get() throws IOException;
    }

    /** Set by {@link #timed}: the part of an operation that was measured, when not all of it. */
    private static long lastTimed = -1;

    private static List<String> timed(Io<List<String>> part) throws IOException {
        long t0 = System.nanoTime();
        List<String> out = part.get();
        lastTimed = System.nanoTime() - t0;
        return out;
    }

    private static void measure(String host, int port, String user, String password, int reps, String name, boolean changes) throws Exception {
        try (ImapLoad.Client c = new ImapLoad.Client(host, port)) {
            c.login(user, password);
            int exists = c.select("INBOX");
            System.out.printf("%s: INBOX holds %d messages%n", name, exists);
            String w = word(TARGET_WORD);
            String from = sender(TARGET_SENDER).replaceAll(".*<([^@]+)@.*", "$1");
            time(name, "UID SEARCH TEXT " + w, c, cc -> cc.lines("UID SEARCH TEXT " + w), reps);
            time(name, "UID SEARCH FROM " + from, c, cc -> cc.lines("UID SEARCH FROM " + from), reps);
            time(name, "UID SORT (REVERSE DATE)", c, cc -> cc.lines("UID SORT (REVERSE DATE) UTF-8 ALL"), reps);
            time(name, "UID THREAD REFERENCES", c, cc -> cc.lines("UID THREAD REFERENCES UTF-8 ALL"), reps);
        }
        if (!changes) return;
        // 1,000 changes by another session: 900 flag changes and 100 expunges, then a client resyncs.
        long uidValidity, modSeq;
        try (ImapLoad.Client c = new ImapLoad.Client(host, port)) {
            c.login(user, password);
            c.command("ENABLE CONDSTORE");
            List<String> sel = c.lines("SELECT INBOX (CONDSTORE)");
            uidValidity = number(sel, "UIDVALIDITY");
            modSeq = number(sel, "HIGHESTMODSEQ");
            long[] uids = uids(c.lines("UID SEARCH ALL"));
            Random r = new Random(7);
            for (int i = 0; i < 900; i++) c.command("UID STORE " + uids[r.nextInt(uids.length)] + " +FLAGS.SILENT (\\Flagged)");
            StringBuilder gone = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                long u = uids[uids.length - 1 - i * Math.max(1, uids.length / 101)];
                c.command("UID STORE " + u + " +FLAGS.SILENT (\\Deleted)");
                gone.append(gone.isEmpty() ? "" : ",").append(u);
            }
            c.command("UID EXPUNGE " + gone);
        }
        try (ImapLoad.Client c = new ImapLoad.Client(host, port)) {
            c.login(user, password);
            c.command("ENABLE QRESYNC");
            String select = "SELECT INBOX (QRESYNC (" + uidValidity + " " + modSeq + "))";
            time(name, "SELECT INBOX (QRESYNC ...) after 1,000 changes", c, cc -> {
                List<String> l = cc.lines(select);
                cc.command("UNSELECT");
                return l;
            }, reps);
        }
        // Cold: a new message arrives before each SORT and THREAD (appended untimed), so nothing computed before still holds.
        try (ImapLoad.Client c = new ImapLoad.Client(host, port); ImapLoad.Client other = new ImapLoad.Client(host, port)) {
            c.login(user, password);
            other.login(user, password);
            c.select("INBOX");
            byte[] m = "Subject: Re: late news\r\nMessage-ID: <late@example.com>\r\nReferences: <5.bench@example.com>\r\n\r\nhello\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            time(name, "UID SORT (REVERSE DATE), after a new message", c, cc -> {
                other.append(m);
                cc.command("NOOP");
                return timed(() -> cc.lines("UID SORT (REVERSE DATE) UTF-8 ALL"));
            }, reps);
            time(name, "UID THREAD REFERENCES, after a new message", c, cc -> {
                other.append(m);
                cc.command("NOOP");
                return timed(() -> cc.lines("UID THREAD REFERENCES UTF-8 ALL"));
            }, reps);
        }
    }

    private static long number(List<String> lines, String code) {
        Pattern p = Pattern.compile("\\[" + code + " (\\d+)]");
        for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) return Long.parseLong(m.group(1));
        }
        throw new IllegalStateException("no " + code + " in " + lines);
    }

    private static long[] uids(List<String> lines) {
        for (String l : lines) {
            if (l.startsWith("* SEARCH")) {
                String rest = l.substring(8).trim();
                return rest.isEmpty() ? new long[0] : Arrays.stream(rest.split(" ")).mapToLong(Long::parseLong).toArray();
            }
        }
        return new long[0];
    }

    /** Runs {@code op} twice to warm up, then {@code reps} times; prints percentiles and the answer's size. */
    private static void time(String server, String what, ImapLoad.Client c, Op op, int reps) throws IOException {
        List<String> answer = null;
        for (int i = 0; i < 2; i++) answer = op.run(c);
        long[] ns = new long[reps];
        for (int i = 0; i < reps; i++) {
            lastTimed = -1;
            long t0 = System.nanoTime();
            answer = op.run(c);
            ns[i] = lastTimed >= 0 ? lastTimed : System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        long size = answer.stream().mapToLong(String::length).sum();
        System.out.printf("%-10s %-48s p50 %8.1f ms  p90 %8.1f ms  max %8.1f ms  (%d reps, %d response lines, %d bytes)%n", server, what,
                ns[reps / 2] / 1e6, ns[(int) Math.min(reps - 1, Math.ceil(reps * 0.9) - 1)] / 1e6, ns[reps - 1] / 1e6, reps, answer.size(), size);
    }
}
