package org.postiljon.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A concurrency checker for IMAP servers, in the spirit of imaptest's state tracking: several
 * sessions of one account select one mailbox and do random STORE, APPEND, EXPUNGE, COPY, MOVE, FETCH
 * and NOOP, and every untagged response each session receives is checked against its model of the
 * mailbox:
 * <ul>
 *   <li>a keyword appears in a FETCH only after a FLAGS response announced it (RFC 9051 §7.3.5);</li>
 *   <li>EXISTS never shrinks (§7.4.1), EXPUNGE and FETCH name existing sequence numbers, UIDs rise
 *       with sequence numbers and an expunged UID never comes back (§2.3.1.1);</li>
 *   <li>a message's MODSEQ never goes down (RFC 7162 §3.1);</li>
 *   <li>flags are never lost: each session owns a keyword no other session touches, and every FETCH
 *       after its STORE was answered shows that keyword as the session left it;</li>
 *   <li>no BAD, and no NO except the ones concurrency explains ([EXPUNGEISSUED], [NONEXISTENT]).</li>
 * </ul>
 * Works against any server (it is run against Dovecot too, which shows the checker is fair).
 */
public final class ImapModelCheck {

    /** What a run found: operations done and every violation, with its session and context. */
    public record Result(long operations, List<String> errors) {
        @Override
        public String toString() {
            return operations + " operations, " + errors.size() + " errors" + (errors.isEmpty() ? "" : ":\n  " + String.join("\n  ", errors.subList(0, Math.min(20, errors.size()))));
        }
    }

    private static final int MAX_MESSAGES = 60;
    private static final int KEYWORD_POOL = 12;
    private static final Pattern FETCH = Pattern.compile("\\* (\\d+) FETCH \\((.*)\\)");
    private static final Pattern UID = Pattern.compile("(?:^|[ (])UID (\\d+)");
    private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");
    private static final Pattern FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
    private static final Pattern EXISTS = Pattern.compile("\\* (\\d+) EXISTS");
    private static final Pattern EXPUNGE = Pattern.compile("\\* (\\d+) EXPUNGE");
    private static final Pattern LITERAL_AT_END = Pattern.compile("\\{(\\d+)}\\r$");

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String mailbox;
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    private final AtomicLong operations = new AtomicLong();

    /** The sessions log in as {@code user} and share {@code mailbox} (created if missing), copying into {@code mailbox + "-other"}. */
    public ImapModelCheck(String host, int port, String user, String password, String mailbox) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.mailbox = mailbox;
    }

    /** Runs {@code sessions} sessions for {@code duration}; seeded, so a failing run can be repeated (up to timing). */
    public Result run(int sessions, Duration duration, long seed) throws Exception {
        try (Session setup = new Session(0, new Random(seed))) {
            setup.command("CREATE " + mailbox, true);
            setup.command("CREATE " + mailbox + "-other", true);
        }
        long end = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= sessions; i++) {
            int n = i;
            threads.add(Thread.ofPlatform().name("imap-check-" + n).start(() -> {
                try (Session s = new Session(n, new Random(seed * 31 + n))) {
                    s.select();
                    while (System.nanoTime() < end && errors.size() < 100) {
                        s.step();
                        operations.incrementAndGet();
                    }
                    s.command("LOGOUT", false);
                } catch (Exception e) {
                    errors.add("session " + n + ": " + e);
                }
            }));
        }
        for (Thread t : threads) t.join();
        return new Result(operations.get(), List.copyOf(errors));
    }

    /** One connection and its model of the selected mailbox. */
    private final class Session implements AutoCloseable {
        final int n;
        final Random random;
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        final String own;
        int tag;
        String last = "(none)";
        /** UIDs by sequence number; 0 where the session has not yet learnt the UID. */
        final List<Long> uids = new ArrayList<>();
        final Set<Long> expunged = new HashSet<>();
        final Set<String> announced = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        final Map<Long, Long> modSeqs = new HashMap<>();
        /** For messages this session's own keyword was set on or taken off: whether it is set. */
        final Map<Long, Boolean> owned = new HashMap<>();

        Session(int n, Random random) throws IOException {
            this.n = n;
            this.random = random;
            this.own = "own" + n;
            socket = new Socket(host, port);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            readLine(); // greeting
            command("LOGIN \"" + user + "\" \"" + password + "\"", false);
        }

        void select() throws IOException {
            command("ENABLE CONDSTORE", true);
            if (!command("SELECT " + mailbox, false).contains(" OK ")) throw new IOException("cannot select " + mailbox);
            fetchAll();
        }

        void step() throws IOException {
            int r = random.nextInt(100);
            long uid = randomUid();
            if (uids.size() < 5 || r < 15) {
                append();
            } else if (r < 40 && uid > 0) {
                storeOwn(uid);
            } else if (r < 50 && uid > 0) {
                command("UID STORE " + uid + " " + (random.nextBoolean() ? "+" : "-") + "FLAGS" + (random.nextBoolean() ? ".SILENT" : "")
                        + " (" + randomFlags() + ")", true);
            } else if (r < 58 && uid > 0) {
                command("UID COPY " + uid + " " + mailbox + "-other", true);
            } else if (r < 63 && uid > 0) {
                command("UID MOVE " + uid + " " + mailbox + "-other", true);
            } else if (r < 70 || uids.size() > MAX_MESSAGES) {
                if (uid > 0) command("UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)", true);
                command(random.nextBoolean() ? "EXPUNGE" : "NOOP", true);
            } else if (r < 85) {
                fetchAll();
            } else {
                command("NOOP", false);
            }
        }

        void append() throws IOException {
            String body = "From: check" + n + "@example.org\r\nSubject: model check " + random.nextInt(1_000_000) + "\r\n\r\nbody\r\n";
            String flags = random.nextBoolean() ? randomFlags() : "";
            // LITERAL+ is not assumed: wait for the continuation.
            String t = "c" + n + "." + (++tag);
            last = t + " APPEND " + mailbox + " (" + flags + ") {" + body.length() + "}";
            send(last + "\r\n");
            String line;
            while (!(line = readLine()).startsWith("+")) {
                if (line.startsWith(t + " ")) {
                    error("APPEND refused before the literal: " + line);
                    return;
                }
                untagged(line);
            }
            send(body + "\r\n"); // the literal, then the end of the command line
            finish(t, true);
        }

        /** Sets or clears this session's own keyword, then remembers what every later FETCH must show. */
        void storeOwn(long uid) throws IOException {
            boolean set = random.nextBoolean();
            owned.remove(uid); // unknown until the answer: the STORE's own FETCH shows the new state
            String t = command("UID STORE " + uid + " " + (set ? "+" : "-") + "FLAGS (" + own + ")", true);
            if (t.contains(" OK") && !expunged.contains(uid) && uids.contains(uid)) owned.put(uid, set);
        }

        void fetchAll() throws IOException {
            if (!uids.isEmpty()) command("FETCH 1:* (UID FLAGS MODSEQ)", true);
        }

        long randomUid() {
            if (uids.isEmpty()) return 0;
            return uids.get(random.nextInt(uids.size()));
        }

        String randomFlags() {
            List<String> f = new ArrayList<>();
            int count = 1 + random.nextInt(2);
            for (int i = 0; i < count; i++) {
                int k = random.nextInt(KEYWORD_POOL + 3);
                f.add(k == KEYWORD_POOL ? "\\Seen" : k == KEYWORD_POOL + 1 ? "\\Flagged" : k == KEYWORD_POOL + 2 ? "\\Answered" : "kw" + k);
            }
            return String.join(" ", f);
        }

        /** Sends a command and checks everything up to its tagged answer; returns that answer. */
        String command(String command, boolean mayFailFromConcurrency) throws IOException {
            String t = "c" + n + "." + (++tag);
            last = t + " " + command;
            send(last + "\r\n");
            return finish(t, mayFailFromConcurrency);
        }

        private String finish(String t, boolean mayFailFromConcurrency) throws IOException {
            String line;
            while (!(line = readLine()).startsWith(t + " ")) untagged(line);
            String status = line.substring(t.length() + 1);
            if (status.startsWith("BAD")) {
                error("BAD: " + line);
            } else if (status.startsWith("NO") && !(mayFailFromConcurrency && (status.contains("[EXPUNGEISSUED]")
                    || status.contains("[NONEXISTENT]") || status.contains("[ALREADYEXISTS]") || status.contains("[TRYCREATE]")
                    || status.contains("no longer exist")))) {
                error("NO: " + line);
            }
            return line;
        }

        void untagged(String line) {
            String upper = line.toUpperCase(Locale.ROOT);
            Matcher m;
            if (upper.startsWith("* FLAGS (")) {
                announced.clear();
                for (String f : line.substring(9, line.lastIndexOf(')')).split(" ")) if (!f.isEmpty()) announced.add(f);
            } else if ((m = EXISTS.matcher(upper)).matches()) {
                int count = Integer.parseInt(m.group(1));
                if (count < uids.size()) error("EXISTS went down from " + uids.size() + " to " + count + " (RFC 9051 §7.4.1)");
                while (uids.size() < count) uids.add(0L);
            } else if ((m = EXPUNGE.matcher(upper)).matches()) {
                int seq = Integer.parseInt(m.group(1));
                if (seq < 1 || seq > uids.size()) {
                    error("EXPUNGE of sequence number " + seq + " with " + uids.size() + " messages");
                    return;
                }
                long uid = uids.remove(seq - 1);
                if (uid != 0) {
                    expunged.add(uid);
                    owned.remove(uid);
                    modSeqs.remove(uid);
                }
            } else if ((m = FETCH.matcher(line)).matches()) {
                fetch(Integer.parseInt(m.group(1)), m.group(2));
            }
        }

        private void fetch(int seq, String items) {
            if (seq < 1 || seq > uids.size()) {
                error("FETCH for sequence number " + seq + " with " + uids.size() + " messages");
                return;
            }
            Matcher u = UID.matcher(items);
            long uid = uids.get(seq - 1);
            if (u.find()) {
                long told = Long.parseLong(u.group(1));
                if (expunged.contains(told)) error("UID " + told + " came back after its EXPUNGE");
                if (uid != 0 && uid != told) error("sequence number " + seq + " was UID " + uid + ", now " + told);
                for (int i = seq - 2; i >= 0; i--) {
                    if (uids.get(i) != 0) {
                        if (uids.get(i) >= told) error("UID " + told + " at " + seq + " not above UID " + uids.get(i) + " at " + (i + 1));
                        break;
                    }
                }
                for (int i = seq; i < uids.size(); i++) {
                    if (uids.get(i) != 0) {
                        if (uids.get(i) <= told) error("UID " + told + " at " + seq + " not below UID " + uids.get(i) + " at " + (i + 1));
                        break;
                    }
                }
                uid = told;
                uids.set(seq - 1, told);
            }
            Matcher f = FLAGS.matcher(items);
            if (f.find()) {
                Set<String> flags = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                for (String flag : f.group(1).split(" ")) {
                    if (flag.isEmpty()) continue;
                    flags.add(flag);
                    if (!flag.startsWith("\\") && !announced.contains(flag)) {
                        error("keyword " + flag + " in a FETCH before a FLAGS response announced it (RFC 9051 §7.3.5)");
                        announced.add(flag); // once per keyword
                    }
                }
                Boolean mine = uid == 0 ? null : owned.get(uid);
                if (mine != null && mine != flags.contains(own)) {
                    error("UID " + uid + ": " + own + (mine ? " was set and is lost" : " was taken off and is back") + ": FLAGS (" + f.group(1) + ")");
                    owned.put(uid, !mine);
                }
            }
            Matcher ms = MODSEQ.matcher(items);
            if (ms.find() && uid != 0) {
                long modSeq = Long.parseLong(ms.group(1));
                Long before = modSeqs.put(uid, modSeq);
                if (before != null && modSeq < before) error("UID " + uid + ": MODSEQ dropped " + before + " -> " + modSeq + " (RFC 7162 §3.1)");
            }
        }

        void error(String what) {
            errors.add("session " + n + " after '" + last + "': " + what);
        }

        void send(String line) throws IOException {
            out.write(line.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** One response line; a literal at its end is read and kept inline. */
        String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int c;
                while ((c = in.read()) != -1 && c != '\n') b.write(c);
                if (c == -1) throw new IOException("connection closed after '" + last + "'");
                String line = b.toString(StandardCharsets.UTF_8);
                Matcher lit = LITERAL_AT_END.matcher(line);
                if (!lit.find()) return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                b.write('\n');
                b.write(in.readNBytes(Integer.parseInt(lit.group(1))));
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
