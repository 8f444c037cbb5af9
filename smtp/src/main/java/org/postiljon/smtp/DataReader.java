package org.postiljon.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads the text after DATA up to its end, RFC 5321 §4.1.1.4: the end is CRLF "." CRLF and
 * nothing else. A bare LF or bare CR anywhere is an error for the whole message (RFC 5321 §2.3.8),
 * and it never starts a line: so {@code <LF>.<LF>}, {@code <CR>.<CR>} and {@code <LF>.<CR><LF>}
 * cannot end the message early and smuggle a second one behind it (SMTP smuggling). The message
 * is read to its real end either way, so the session stays in step, then rejected.
 * Dot-stuffing is undone (§4.5.2).
 */
final class DataReader {

    /** How the data ended: its size after un-stuffing, and what was wrong with it. */
    record Result(long size, boolean bareLineEnding, boolean tooBig) { }

    private DataReader() { }

    /** Copies the data to {@code out}, at most {@code limit} bytes of it; reads everything up to the end. */
    static Result copy(InputStream raw, OutputStream out, long limit) throws IOException {
        Source in = new Source(raw);
        Sink sink = new Sink(out, limit);
        boolean lineStart = true; // only after CRLF: never after a bare LF or CR
        boolean bare = false;
        int pending = -1;
        while (true) {
            // Inside a line, the bytes up to the next CR or LF need no decision: copied as a run.
            if (pending < 0 && !lineStart) in.copyPlain(sink);
            int b = pending >= 0 ? pending : in.read();
            pending = -1;
            if (lineStart && b == '.') {
                int c = in.read();
                if (c == '\r') {
                    int d = in.read();
                    if (d == '\n') break; // CRLF "." CRLF: the end
                    bare = true;          // "." CR and not LF
                    sink.write('\r');
                    lineStart = false;
                    pending = d;
                    continue;
                }
                b = c; // §4.5.2: the first of the line's dots is dropped
            }
            lineStart = false;
            if (b == '\r') {
                int c = in.read();
                if (c == '\n') {
                    sink.write('\r');
                    sink.write('\n');
                    lineStart = true;
                    continue;
                }
                bare = true;
                sink.write('\r');
                pending = c;
                continue;
            }
            if (b == '\n') bare = true;
            sink.write(b);
        }
        in.giveBackUnread();
        sink.flush();
        return new Result(sink.size, bare, sink.size > limit);
    }

    /**
     * The input read a chunk at a time (one {@code read()} per byte through a buffered stream costs
     * a lock and a call each: a fifth of a delivery's CPU). What follows the end belongs to the next
     * command (pipelining, RFC 2920), so each chunk is read under a mark and the stream is reset to
     * just after the end: nothing past CRLF.CRLF is consumed.
     */
    private static final class Source {
        private final InputStream in;
        private final byte[] chunk;
        private int pos;
        private int n;

        Source(InputStream in) {
            this.in = in;
            this.chunk = new byte[in.markSupported() ? 4096 : 1]; // without a mark, a byte at a time
        }

        int read() throws IOException {
            if (pos == n) {
                in.mark(chunk.length);
                n = in.read(chunk, 0, chunk.length);
                if (n <= 0) throw new EOFException("connection closed inside DATA");
                pos = 0;
            }
            return chunk[pos++] & 0xff;
        }

        /** Copies the bytes of the chunk already read up to its next CR or LF (or its end) to {@code sink}. */
        void copyPlain(Sink sink) throws IOException {
            int start = pos;
            while (pos < n && chunk[pos] != '\r' && chunk[pos] != '\n') pos++;
            sink.write(chunk, start, pos - start);
        }

        /** Returns the bytes read past the end to the stream. */
        void giveBackUnread() throws IOException {
            if (pos == n) return;
            in.reset();
            in.skipNBytes(pos);
        }
    }

    /** Buffers the output; past the limit it only counts (the rest is read and dropped). */
    private static final class Sink {
        private final OutputStream out;
        private final long limit;
        private final byte[] buf = new byte[8192];
        private int n;
        long size;

        Sink(OutputStream out, long limit) {
            this.out = out;
            this.limit = limit;
        }

        void write(int b) throws IOException {
            if (n == buf.length) flush();
            buf[n++] = (byte) b;
        }

        void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (n == buf.length) flush();
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
            }
        }

        void flush() throws IOException {
            if (size + n <= limit) out.write(buf, 0, n);
            else if (size < limit) out.write(buf, 0, (int) (limit - size));
            size += n;
            n = 0;
        }
    }
}
