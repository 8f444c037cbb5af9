package org.postiljon.net;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads CRLF-terminated lines (a bare LF is accepted too) of at most {@code maxBytes}. A longer
 * line is read to its end and discarded, then reported with {@link LineTooLong}, so the stream stays
 * in step with the client. Also reads exact byte counts for literals.
 */
public final class LineReader {

    /** A line exceeded the limit; its bytes have been consumed. */
    public static final class LineTooLong extends IOException {
        public LineTooLong(int limit) { super("line longer than " + limit + " bytes"); }
    }

    private final InputStream in;
    private final int maxBytes;
    private byte[] buf = new byte[256];

    public LineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /**
     * The next line without its terminator, or null at end of stream. At most {@code maxBytes}
     * octets, the CR LF (or LF) not counted.
     */
    public byte[] readLine() throws IOException {
        int n = 0;
        boolean tooLong = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (n == 0 && !tooLong) return null;
                break;
            }
            if (b == '\n') break;
            if (n > maxBytes) { // one more than the limit is kept: it may be the CR of the terminator
                tooLong = true;
                continue;
            }
            if (n == buf.length) buf = Arrays.copyOf(buf, Math.min(maxBytes + 2, buf.length * 2));
            buf[n++] = (byte) b;
        }
        if (n > 0 && buf[n - 1] == '\r') n--;
        if (tooLong || n > maxBytes) throw new LineTooLong(maxBytes);
        return Arrays.copyOf(buf, n);
    }

}
