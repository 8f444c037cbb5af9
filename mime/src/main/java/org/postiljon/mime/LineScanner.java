package org.postiljon.mime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a stream line by line, keeping each line's offset and at most {@code cap} of its bytes, so
 * that a line of any length costs bounded memory. Lines end at LF (CRLF or bare LF).
 */
final class LineScanner {

    /** A line: where it starts, its length with terminator, the terminator's length, its first bytes. */
    record Line(long start, long length, int eol, byte[] head, boolean truncated, int prevEol, boolean prevEmpty) {
        long end() { return start + length; }
        long contentLength() { return length - eol; }
        boolean isEmpty() { return length == eol; }
    }

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private long offset; // offset of buf[pos]
    private Line pushedBack;
    private int lastEol = 0;
    private boolean lastEmpty = false;
    private long linesRead;

    LineScanner(InputStream in) {
        this.in = in;
    }

    /** Offset of the next unread byte (a pushed-back line counts as unread). */
    long position() {
        return pushedBack != null ? pushedBack.start() : offset;
    }

    void pushBack(Line line) {
        if (pushedBack != null) throw new IllegalStateException("one line of push-back only");
        pushedBack = line;
        linesRead--;
    }

    /** The pushed-back line, if any: the boundary that ended the entity just read. */
    Line pushedBack() {
        return pushedBack;
    }

    /** Lines returned so far, not counting a pushed-back one. */
    long linesRead() {
        return linesRead;
    }

    /** The next line with at most {@code cap} bytes of its content kept, or null at the end. */
    Line next(int cap) throws IOException {
        if (pushedBack != null) {
            Line l = pushedBack;
            pushedBack = null;
            linesRead++;
            return l;
        }
        long start = offset;
        byte[] head = new byte[Math.min(cap, 256)];
        int kept = 0;
        long length = 0;
        boolean truncated = false;
        boolean sawCr = false; // the byte before the LF, wherever a buffer ended
        while (true) {
            if (pos == limit && !fill()) {
                if (length == 0) return null;
                Line l = new Line(start, length, 0, Arrays.copyOf(head, kept), truncated, lastEol, lastEmpty);
                lastEol = 0;
                lastEmpty = false;
                linesRead++;
                return l;
            }
            // The buffered bytes up to the line's end (or the buffer's), scanned and copied in bulk.
            int end = pos;
            while (end < limit && buf[end] != '\n') end++;
            int n = end - pos;
            if (n > 0) {
                sawCr = buf[end - 1] == '\r';
                int take = Math.min(n, cap - kept);
                if (take > 0) {
                    if (kept + take > head.length) head = Arrays.copyOf(head, Math.min(cap, Math.max(head.length * 2, kept + take)));
                    System.arraycopy(buf, pos, head, kept, take);
                    kept += take;
                }
                if (take < n) truncated = true;
                pos = end;
                offset += n;
                length += n;
            }
            if (end == limit) continue; // the line goes on in the next buffer
            pos++;
            offset++;
            length++;
            int eol = sawCr ? 2 : 1;
            if (sawCr && kept > 0 && !truncated) kept--; // the CR was kept as content
            Line l = new Line(start, length, eol, Arrays.copyOf(head, kept), truncated, lastEol, lastEmpty);
            lastEol = eol;
            lastEmpty = length == eol;
            linesRead++;
            return l;
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) return false;
        pos = 0;
        limit = n;
        return true;
    }
}
