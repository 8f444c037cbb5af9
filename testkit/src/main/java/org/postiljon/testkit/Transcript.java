package org.postiljon.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs C:/S: scripts over real sockets: {@code C1: a1 NOOP} sends a line on connection 1,
 * {@code S1: a1 OK *} reads the next line there and compares it. A line must match exactly, except
 * that a trailing {@code *} matches any rest and {@code ${name}} captures a value usable later.
 * Literals in server lines are shown inline as {@code {n}} followed by the next lines, as sent.
 * {@code S1~ 250 *} skips server lines until one matches (an EHLO list, SELECT's untagged lines).
 * {@code S1? ...} lines in a row are one group the server may send in any order (untagged
 * responses whose order no RFC fixes). {@code C1! DEFLATE} compresses connection 1 from there on
 * (IMAP COMPRESS), {@code C1! PLAIN} ends that. Lines starting with {@code #} are comments (the RFC section a step checks).
 * Works for any line protocol (IMAP, POP3, SMTP); connections may go to different ports.
 */
public final class Transcript implements AutoCloseable {

    private final int port;
    private final Map<Integer, Integer> ports = new HashMap<>();
    private final Map<Integer, Socket> sockets = new HashMap<>();
    public final Map<String, String> vars = new HashMap<>();
    private static final Pattern LINE = Pattern.compile("([CS])(\\d+)([:~?!]) ?(.*)");
    /** Streams of connections that switched to DEFLATE (RFC 4978), by connection. */
    private final Map<Integer, InputStream> inflated = new HashMap<>();
    private final Map<Integer, OutputStream> deflated = new HashMap<>();
    /** Server lines checked so far (each an assertion about what the server said). */
    public int checks;
    private static final int MAX_SKIPPED = 1000;
    private static final Pattern VAR = Pattern.compile("\\$\\{(\\w+)}");

    /** @param port where connections go unless {@link #port} says otherwise */
    public Transcript(int port) {
        this.port = port;
    }

    /** Connection {@code n} goes to {@code port} (e.g. IMAP beside POP3); before its first line. */
    public Transcript port(int n, int port) {
        ports.put(n, port);
        return this;
    }

    public Socket socket(int n) throws IOException {
        Socket s = sockets.get(n);
        if (s == null) {
            s = new Socket("127.0.0.1", ports.getOrDefault(n, port));
            s.setSoTimeout(10_000);
            sockets.put(n, s);
        }
        return s;
    }

    /**
     * From now on connection {@code n} is compressed both ways (raw DEFLATE, RFC 4978), or plain
     * again when {@code on} is false. In a script: {@code C1! DEFLATE} and {@code C1! PLAIN}.
     */
    public void deflate(int n, boolean on) throws IOException {
        if (on) {
            inflated.put(n, new java.util.zip.InflaterInputStream(socket(n).getInputStream(), new java.util.zip.Inflater(true)));
            deflated.put(n, new java.util.zip.DeflaterOutputStream(socket(n).getOutputStream(), new java.util.zip.Deflater(5, true), true));
        } else {
            inflated.remove(n);
            deflated.remove(n);
        }
    }

    public void send(int n, String text) throws IOException {
        OutputStream o = deflated.containsKey(n) ? deflated.get(n) : socket(n).getOutputStream();
        o.write(text.getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    public String readLine(int n) throws IOException {
        InputStream in = inflated.containsKey(n) ? inflated.get(n) : socket(n).getInputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') break;
            b.write(c);
        }
        if (c == -1 && b.size() == 0) return null;
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    public void run(String script) throws IOException {
        java.util.List<String> unordered = new java.util.ArrayList<>();
        int unorderedOn = 0;
        for (String raw : script.split("\n")) {
            if (raw.isBlank() || raw.strip().startsWith("#")) continue; // a comment: what is checked, and where the RFC says so
            Matcher m = LINE.matcher(raw.strip());
            if (!m.matches()) throw new AssertionError("bad transcript line: " + raw);
            int n = Integer.parseInt(m.group(2));
            String text = substitute(m.group(4));
            if (m.group(3).equals("?") && m.group(1).equals("S") && (unordered.isEmpty() || unorderedOn == n)) {
                unordered.add(text);
                unorderedOn = n;
                continue;
            }
            if (!unordered.isEmpty()) {
                readUnordered(unorderedOn, unordered);
                unordered.clear();
            }
            if (m.group(3).equals("?")) throw new AssertionError("only server lines can come in any order: " + raw);
            if (m.group(3).equals("!")) {
                if (!m.group(1).equals("C") || !text.matches("DEFLATE|PLAIN")) throw new AssertionError("expected C<n>! DEFLATE or PLAIN: " + raw);
                deflate(n, text.equals("DEFLATE"));
                continue;
            }
            boolean skip = m.group(3).equals("~");
            if (m.group(1).equals("C")) {
                if (skip) throw new AssertionError("only server lines can skip: " + raw);
                send(n, text + "\r\n");
            } else {
                for (int skipped = 0; ; skipped++) {
                    String got = readLine(n);
                    if (got == null) throw new AssertionError("connection " + n + " closed; expected: " + text);
                    if (matches(text, got)) {
                        checks++;
                        break;
                    }
                    if (!skip || skipped == MAX_SKIPPED) {
                        throw new AssertionError("connection " + n + "\n  expected: " + text + "\n  got:      " + got);
                    }
                }
            }
        }
        if (!unordered.isEmpty()) readUnordered(unorderedOn, unordered);
    }

    /** The next lines of connection {@code n}, as many as expected, each matching a different expected line. */
    private void readUnordered(int n, java.util.List<String> expected) throws IOException {
        java.util.List<String> open = new java.util.ArrayList<>(expected);
        for (int i = 0; i < expected.size(); i++) {
            String got = readLine(n);
            if (got == null) throw new AssertionError("connection " + n + " closed; expected one of: " + open);
            String hit = null;
            for (String e : open) {
                if (matches(e, got)) {
                    hit = e;
                    break;
                }
            }
            if (hit == null) throw new AssertionError("connection " + n + "\n  expected one of: " + open + "\n  got:      " + got);
            open.remove(hit);
            checks++;
        }
    }

    private String substitute(String s) {
        Matcher v = VAR.matcher(s);
        StringBuilder b = new StringBuilder();
        while (v.find()) {
            String value = vars.get(v.group(1));
            v.appendReplacement(b, Matcher.quoteReplacement(value != null ? value : v.group()));
        }
        v.appendTail(b);
        return b.toString();
    }

    /** Exact match, a trailing "*" matching any rest, and ${name} capturing up to the next space or bracket. */
    private boolean matches(String expected, String got) {
        StringBuilder regex = new StringBuilder("^");
        int last = 0;
        java.util.List<String> names = new java.util.ArrayList<>();
        String tail = expected.endsWith("*") && !expected.endsWith("\\*") ? "(.*)" : "";
        String body = tail.isEmpty() ? expected : expected.substring(0, expected.length() - 1);
        Matcher v = VAR.matcher(body);
        while (v.find()) {
            regex.append(Pattern.quote(body.substring(last, v.start())));
            regex.append("([^ \\])]+)");
            names.add(v.group(1));
            last = v.end();
        }
        regex.append(Pattern.quote(body.substring(last))).append(tail).append("$");
        Matcher g = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(got);
        if (!g.matches()) return false;
        for (int i = 0; i < names.size(); i++) vars.put(names.get(i), g.group(i + 1));
        return true;
    }

    public boolean closed(int n) throws IOException {
        return readLine(n) == null;
    }

    @Override
    public void close() throws IOException {
        for (Socket s : sockets.values()) s.close();
    }
}
