package org.postiljon.imap.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.net.LineReader;

/**
 * Pulls one command at a time off the connection (RFC 9051 §9 grammar). Literals are read when the
 * parser reaches them: for a synchronizing literal the client is sent a continuation first.
 */
public final class CommandReader {

    /** Sends the command continuation request ({@code + Ready}) for a synchronizing literal. */
    @FunctionalInterface
    public interface Continuation {
        void ready() throws IOException;
    }

    private final LineReader lines;
    private final InputStream in;
    private final ImapLimits limits;
    private final Continuation continuation;
    private boolean authenticated;
    private byte[] line = new byte[0];
    private int pos;

    public CommandReader(InputStream in, ImapLimits limits, Continuation continuation) {
        this.in = in;
        this.lines = new LineReader(in, limits.maxLineBytes());
        this.limits = limits;
        this.continuation = continuation;
    }

    public void authenticated(boolean yes) {
        this.authenticated = yes;
    }

    /**
     * Reads the next command's first line. Returns false at the end of the stream.
     * @throws LineReader.LineTooLong after consuming an overlong line
     */
    public boolean next() throws IOException {
        byte[] l = lines.readLine();
        if (l == null) return false;
        line = l;
        pos = 0;
        return true;
    }

    /** A whole line outside the command grammar (AUTHENTICATE responses, IDLE's DONE); null at the end. */
    public String rawLine() throws IOException {
        byte[] l = lines.readLine();
        return l == null ? null : new String(l, StandardCharsets.UTF_8);
    }

    /** The byte {@code ahead} positions after the next one ({@code peekAt(0) == peek()}), or -1. */
    public int peekAt(int ahead) {
        return pos + ahead < line.length ? line[pos + ahead] & 0xff : -1;
    }

    public int peek() {
        return pos < line.length ? line[pos] & 0xff : -1;
    }

    public boolean atEnd() {
        return pos >= line.length;
    }

    public void end() {
        if (!atEnd()) throw new BadSyntax("unexpected characters at end of command");
    }

    public void sp() {
        if (peek() != ' ') throw new BadSyntax("expected a space");
        pos++;
    }

    /** Consumes {@code c} if it is next. */
    public boolean skip(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    public void expect(char c) {
        if (!skip(c)) throw new BadSyntax("expected '" + c + "'");
    }

    static boolean isAtomChar(int c) {
        return c > 0x20 && c < 0x7f && "(){ %*\"\\]".indexOf(c) < 0;
    }

    public String tag() {
        int start = pos;
        while (pos < line.length && ((isAtomChar(line[pos]) && line[pos] != '+') || line[pos] == ']')) pos++;
        if (pos == start) throw new BadSyntax("missing tag");
        if (pos - start > 64) throw new BadSyntax("tag too long");
        return ascii(start);
    }

    /** The atom at the current position, without consuming it ("" if none). */
    public String peekAtom() {
        int end = pos;
        while (end < line.length && isAtomChar(line[end])) end++;
        return new String(line, pos, end - pos, StandardCharsets.US_ASCII);
    }

    public String atom() {
        int start = pos;
        while (pos < line.length && isAtomChar(line[pos])) pos++;
        if (pos == start) throw new BadSyntax("expected an atom");
        return ascii(start);
    }

    /** The command name (or a sub-command such as FETCH after UID), upper-cased. */
    public String command() {
        return atom().toUpperCase(Locale.ROOT);
    }

    /** Characters of an atom plus {@code ]} and list wildcards: what a sequence set or section needs. */
    public String until(String stopChars) {
        int start = pos;
        while (pos < line.length && stopChars.indexOf(line[pos]) < 0 && line[pos] > 0x20 && line[pos] < 0x7f) pos++;
        return ascii(start);
    }

    private String ascii(int start) {
        return new String(line, start, pos - start, StandardCharsets.US_ASCII);
    }

    public long number() {
        int start = pos;
        while (pos < line.length && line[pos] >= '0' && line[pos] <= '9') pos++;
        if (pos == start || pos - start > 19) throw new BadSyntax("expected a number");
        try {
            return Long.parseLong(ascii(start));
        } catch (NumberFormatException e) {
            throw new BadSyntax("number too large (at most 2^63-1, RFC 9051 §9 number64)");
        }
    }

    public String astring() throws IOException {
        return new String(astringBytes(), StandardCharsets.UTF_8);
    }

    public byte[] astringBytes() throws IOException {
        int c = peek();
        // "~" starts a literal8 only before "{" (RFC 3516 §4.2); "~foo" is an atom (a mailbox name, RFC 9051 §9).
        boolean literal8 = c == '~' && pos + 1 < line.length && line[pos + 1] == '{';
        if (c == '"' || c == '{' || literal8) return stringBytes();
        int start = pos;
        while (pos < line.length && (isAtomChar(line[pos]) || line[pos] == ']')) pos++;
        if (pos == start) throw new BadSyntax("expected a string");
        return java.util.Arrays.copyOfRange(line, start, pos);
    }

    /** A list-mailbox pattern of LIST: atom characters, wildcards and {@code ]}, or a string. */
    public String listMailbox() throws IOException {
        int c = peek();
        if (c == '"' || c == '{') return new String(stringBytes(), StandardCharsets.UTF_8);
        int start = pos;
        while (pos < line.length && (isAtomChar(line[pos]) || line[pos] == '%' || line[pos] == '*' || line[pos] == ']')) pos++;
        if (pos == start) throw new BadSyntax("expected a mailbox pattern");
        return new String(line, start, pos - start, StandardCharsets.UTF_8);
    }

    /** A quoted string or a literal. */
    public byte[] stringBytes() throws IOException {
        if (skip('"')) {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            while (true) {
                if (pos >= line.length) throw new BadSyntax("unterminated quoted string");
                byte ch = line[pos++];
                if (ch == '"') return b.toByteArray();
                if (ch == '\\') {
                    if (pos >= line.length || (line[pos] != '"' && line[pos] != '\\')) throw new BadSyntax("invalid escape in quoted string");
                    ch = line[pos++];
                }
                b.write(ch);
            }
        }
        skip('~'); // literal8 (RFC 3516) is read like a literal
        if (peek() != '{') throw new BadSyntax("expected a string");
        long n = literalHeader();
        int max = authenticated ? limits.maxLiteralBytes() : limits.maxLiteralBytesBeforeAuth();
        if (n > max) refuseLiteral(n, max);
        if (syncLiteral) continuation.ready();
        byte[] bytes = in.readNBytes((int) n);
        if (bytes.length < n) throw new java.io.EOFException("connection closed inside a literal");
        continueLine();
        return bytes;
    }

    private boolean syncLiteral;
    /** Where the literal header being read starts: a refused literal is left there for {@link #abandon}. */
    private int literalStart;

    /** Parses {@code {n}} or {@code {n+}} at the end of the line, and sends the continuation if synchronizing. */
    private long literalHeader() throws IOException {
        literalStart = pos;
        expect('{');
        long n = number();
        boolean plus = skip('+');
        expect('}');
        if (!atEnd()) throw new BadSyntax("a literal must end the line");
        syncLiteral = !plus;
        return n;
    }

    /** A literal too large for where it stands: left unread, for {@link #abandon} (a synchronizing one is never sent). */
    private void refuseLiteral(long n, long max) {
        pos = literalStart;
        throw new CommandFailed("TOOBIG", "literal of " + n + " bytes is larger than " + max);
    }

    /**
     * After a command failed part-way: the non-synchronizing literals (RFC 7888) the client sent
     * for the rest of it are read and dropped, so that none of their bytes is taken for a command
     * (an APPEND refused for a bad flag would otherwise run its message as commands). A literal
     * still ahead on the current line has not been read: reading one moves to the next line.
     * RFC 7888 §4 lets a server read and drop a refused literal or close the connection: literals
     * up to the message limit are dropped; past it this returns false and the caller ends the session.
     */
    public boolean abandon() throws IOException {
        long max = limits.maxMessageBytes();
        while (true) {
            String s = new String(line, pos, line.length - pos, StandardCharsets.US_ASCII);
            java.util.regex.Matcher m = NON_SYNC_LITERAL.matcher(s);
            if (!m.find()) break;
            long n = Long.parseLong(m.group(1));
            if (n > max) {
                line = new byte[0];
                pos = 0;
                return false;
            }
            in.skipNBytes(n);
            byte[] l = lines.readLine();
            if (l == null) break;
            line = l;
            pos = 0;
        }
        line = new byte[0];
        pos = 0;
        return true;
    }

    private static final java.util.regex.Pattern NON_SYNC_LITERAL = java.util.regex.Pattern.compile("~?\\{(\\d{1,18})\\+}$");

    private void continueLine() throws IOException {
        byte[] l = lines.readLine();
        if (l == null) throw new java.io.EOFException("connection closed inside a command");
        line = l;
        pos = 0;
    }

    /** APPEND's message literal: streamed, never held in memory. Call {@link Literal#finish} after. */
    public final class Literal {
        private final long size;
        private final boolean binary;
        private final InputStream body;

        private Literal(long size, boolean binary) {
            this.size = size;
            this.binary = binary;
            this.body = new InputStream() {
                long left = size;

                @Override
                public int read() throws IOException {
                    if (left <= 0) return -1;
                    int b = in.read();
                    if (b >= 0) left--;
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (left <= 0) return -1;
                    int n = in.read(buf, off, (int) Math.min(len, left));
                    if (n < 0) throw new java.io.EOFException("connection closed inside a literal");
                    left -= n;
                    return n;
                }
            };
        }

        public long size() {
            return size;
        }

        /** Sent as a literal8 ({@code ~{n}}, RFC 3516 §4.4): binary content, to be kept byte for byte. */
        public boolean binary() {
            return binary;
        }

        public InputStream stream() {
            return body;
        }

        /** Reads what the consumer left unread, then the rest of the command line. */
        public void finish() throws IOException {
            body.transferTo(java.io.OutputStream.nullOutputStream());
            continueLine();
        }
    }

    /**
     * Opens APPEND's message literal. {@code precheck} runs before the client is asked for the
     * bytes; if it throws, a synchronizing literal is never requested and a non-synchronizing one
     * is read and dropped, so the stream stays in step.
     */
    public Literal messageLiteral(long max, java.util.function.LongConsumer precheck) throws IOException {
        boolean binary = skip('~');
        if (peek() != '{') throw new BadSyntax("expected a literal");
        long n = literalHeader();
        if (n > max) refuseLiteral(n, max);
        try {
            precheck.accept(n);
        } catch (RuntimeException e) {
            pos = literalStart; // not asked for if synchronizing; sent anyway if not: abandon() drops it and the rest
            throw e;
        }
        if (syncLiteral) continuation.ready();
        return new Literal(n, binary);
    }

    /**
     * A parenthesised list whose elements each start with an atom, such as command parameters
     * {@code (CHANGEDSINCE 5 VANISHED)}: {@code each} gets every atom upper-cased and reads what
     * belongs to it.
     */
    public void atomList(java.util.function.Consumer<String> each) {
        expect('(');
        boolean first = true;
        while (!skip(')')) {
            if (!first) sp();
            first = false;
            each.accept(atom().toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** A parenthesised list of flags: {@code (\Seen $Label)}. */
    public List<String> flagList() {
        expect('(');
        List<String> out = new ArrayList<>();
        while (!skip(')')) {
            if (!out.isEmpty()) sp();
            out.add(flag());
            if (out.size() > 256) throw new BadSyntax("too many flags");
        }
        return out;
    }

    public String flag() {
        boolean system = skip('\\');
        if (system && skip('*')) return "\\*";
        String a = atom();
        return system ? "\\" + a : a;
    }

}
