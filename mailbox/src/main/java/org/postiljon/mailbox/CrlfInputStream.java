package org.postiljon.mailbox;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns bare LF into CRLF and leaves CRLF alone, so stored messages have the line endings IMAP
 * (RFC 9051 §2.2) and POP3 send, and sizes are what they report. A bare CR is kept as it is.
 */
final class CrlfInputStream extends FilterInputStream {

    private int previous = -1;
    private boolean pendingLf;
    private final byte[] chunk = new byte[8192];

    CrlfInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        if (pendingLf) {
            pendingLf = false;
            previous = '\n';
            return '\n';
        }
        int b = in.read();
        if (b == '\n' && previous != '\r') {
            pendingLf = true;
            previous = '\r';
            return '\r';
        }
        previous = b;
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        if (len == 0) return 0;
        int n = 0;
        if (pendingLf) {
            buf[off + n++] = '\n';
            pendingLf = false;
            previous = '\n';
            if (n == len) return n;
        }
        // Each byte read may become two, so read at most half of the room (the last one may spill).
        int want = Math.max(1, Math.min(chunk.length, (len - n) / 2));
        int r = in.read(chunk, 0, want);
        if (r < 0) return n == 0 ? -1 : n;
        for (int i = 0; i < r; i++) {
            byte b = chunk[i];
            if (b == '\n' && previous != '\r') {
                buf[off + n++] = '\r';
                if (n < len) {
                    buf[off + n++] = '\n';
                    previous = '\n';
                } else {
                    pendingLf = true;
                    previous = '\r';
                }
            } else {
                buf[off + n++] = b;
                previous = b;
            }
        }
        return n;
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
