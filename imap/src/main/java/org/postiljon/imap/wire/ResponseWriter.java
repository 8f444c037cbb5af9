package org.postiljon.imap.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes responses. Untagged and tagged lines are built from safe pieces; strings that come from
 * clients or messages go through {@link #string}, which quotes them or sends a literal.
 */
public final class ResponseWriter {

    private final OutputStream out;
    private boolean utf8;

    public ResponseWriter(OutputStream out) {
        this.out = out;
    }

    /** After ENABLE UTF8=ACCEPT or IMAP4rev2, quoted strings may hold UTF-8 (RFC 6855 §3). */
    public void utf8(boolean yes) {
        this.utf8 = yes;
    }

    public boolean utf8() {
        return utf8;
    }

    public ResponseWriter raw(String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    public ResponseWriter raw(byte[] b) throws IOException {
        out.write(b);
        return this;
    }

    public ResponseWriter crlf() throws IOException {
        out.write('\r');
        out.write('\n');
        org.postiljon.net.Fairness.checkpoint(); // a long answer gives way to other connections now and then
        return this;
    }

    public void flush() throws IOException {
        out.flush();
    }

    public void untagged(String text) throws IOException {
        raw("* ").raw(text).crlf();
    }

    public void tagged(String tag, String status, String code, String text) throws IOException {
        raw(tag).raw(" ").raw(status).raw(" ");
        if (code != null) raw("[").raw(code).raw("] ");
        raw(safeText(text)).crlf();
        flush();
    }

    public void continuation(String text) throws IOException {
        raw("+ ").raw(safeText(text)).crlf();
        flush();
    }

    /** Response text: printable, one line, bounded, whatever the exception said. */
    public static String safeText(String s) {
        if (s == null || s.isEmpty()) return "done";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 300; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    /** A string: quoted when it can be, else a literal; null is NIL. */
    public ResponseWriter string(String s) throws IOException {
        if (s == null) return raw("NIL");
        return stringBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public ResponseWriter stringBytes(byte[] b) throws IOException {
        if (quotable(b)) {
            byte[] q = new byte[b.length * 2 + 2];
            int n = 0;
            q[n++] = '"';
            for (byte x : b) {
                if (x == '"' || x == '\\') q[n++] = '\\';
                q[n++] = x;
            }
            q[n++] = '"';
            out.write(q, 0, n);
            return this;
        }
        return literal(b);
    }

    private boolean quotable(byte[] b) {
        if (b.length > 1024) return false;
        for (byte x : b) {
            if (x == '\r' || x == '\n' || x == 0) return false;
            if (x < 0 && !utf8) return false;
        }
        return true;
    }

    public ResponseWriter literal(byte[] b) throws IOException {
        raw("{" + b.length + "}").crlf();
        out.write(b);
        return this;
    }

    /** A literal of exactly {@code length} bytes from {@code in}, streamed. */
    public ResponseWriter literal(InputStream in, long length) throws IOException {
        return literal(in, length, false);
    }

    /**
     * The same, as a literal8 ({@code ~{n}}, RFC 3516 §4.2) when {@code binary}: BINARY answers may
     * hold NUL, which a plain literal must not.
     */
    public ResponseWriter literal(InputStream in, long length, boolean binary) throws IOException {
        raw((binary ? "~{" : "{") + length + "}").crlf();
        byte[] buf = new byte[16 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new IOException("message shorter than its recorded size");
            out.write(buf, 0, n);
            left -= n;
        }
        return this;
    }
}
