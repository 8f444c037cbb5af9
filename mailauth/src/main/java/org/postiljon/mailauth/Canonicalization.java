package org.postiljon.mailauth;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** RFC 6376 §3.4: how header fields and the body are prepared before hashing. */
enum Canonicalization {

    /** §3.4.1/§3.4.3: exactly as they are, but trailing empty lines of the body ignored. */
    SIMPLE,
    /** §3.4.2/§3.4.4: tolerant of the changes mail relays commonly make to white space and case. */
    RELAXED;

    static Canonicalization of(String name) {
        return switch (name) {
            case "simple" -> SIMPLE;
            case "relaxed" -> RELAXED;
            default -> throw new IllegalArgumentException("unknown canonicalization " + name);
        };
    }

    /** The field as it is hashed, with its final CRLF. */
    String header(String raw) {
        if (this == SIMPLE) return raw;
        // RFC 6376 §3.4.2: lower-case the name, unfold, reduce white space to one SP, none at the ends of the value or around the colon.
        int colon = raw.indexOf(':');
        String name = raw.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
        String value = raw.substring(colon + 1).replace("\r\n", "").replace("\n", "");
        StringBuilder b = new StringBuilder(name.length() + value.length() + 3).append(name).append(':');
        boolean space = false;
        boolean started = false; // no space between the colon and the value
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space && started) b.append(' ');
            space = false;
            started = true;
            b.append(c);
        }
        return b.append("\r\n").toString();
    }

    /**
     * Hashes the rest of {@code in} (the body) canonicalized, at most {@code limit} canonical
     * octets (RFC 6376 §3.5 l=; {@code Long.MAX_VALUE} for all). Returns the canonical length.
     */
    long body(InputStream in, MessageDigest digest, long limit) throws IOException {
        Body out = new Body(digest, limit);
        byte[] line = new byte[8192];
        int len = 0;
        byte[] buf = new byte[65536];
        int n;
        boolean cr = false;
        while ((n = in.read(buf)) != -1) {
            for (int i = 0; i < n; i++) {
                byte c = buf[i];
                if (c == '\n') {
                    out.line(this, line, len);
                    len = 0;
                    cr = false;
                    continue;
                }
                if (cr) { // a CR not before LF is content
                    line = put(line, len++, (byte) '\r');
                }
                cr = c == '\r';
                if (!cr) line = put(line, len++, c);
            }
        }
        if (cr) line = put(line, len++, (byte) '\r');
        if (len > 0) out.line(this, line, len); // a last line without its CRLF gets one (§3.4.4; simple the same)
        return out.finish(this);
    }

    private static byte[] put(byte[] line, int at, byte c) {
        if (at == line.length) line = java.util.Arrays.copyOf(line, line.length * 2);
        line[at] = c;
        return line;
    }

    /** The canonical body as it is made: empty lines held back until a non-empty line shows they were not trailing. */
    private static final class Body {
        private static final byte[] CRLF = {'\r', '\n'};
        private final MessageDigest digest;
        private final long limit;
        private long written;
        private long heldEmptyLines;
        private boolean any;

        Body(MessageDigest digest, long limit) {
            this.digest = digest;
            this.limit = limit;
        }

        void line(Canonicalization c, byte[] line, int len) {
            int end = len;
            if (c == RELAXED) {
                // §3.4.4: no white space at the end of a line, runs of it inside reduced to one SP.
                while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) end--;
                int w = 0;
                boolean space = false;
                for (int i = 0; i < end; i++) {
                    byte b = line[i];
                    if (b == ' ' || b == '\t') {
                        space = true;
                        continue;
                    }
                    if (space) line[w++] = ' ';
                    space = false;
                    line[w++] = b;
                }
                end = w;
            }
            if (end == 0) {
                heldEmptyLines++;
                return;
            }
            for (; heldEmptyLines > 0; heldEmptyLines--) write(CRLF, 2);
            write(line, end);
            write(CRLF, 2);
            any = true;
        }

        long finish(Canonicalization c) {
            // §3.4.3: an empty body is one CRLF in simple; §3.4.4 (erratum 1384): nothing in relaxed.
            if (!any && c == SIMPLE) write(CRLF, 2);
            return written;
        }

        private void write(byte[] b, int len) {
            long room = limit - written;
            int n = (int) Math.min(len, room);
            if (n > 0) digest.update(b, 0, n);
            written += len;
        }
    }
}
