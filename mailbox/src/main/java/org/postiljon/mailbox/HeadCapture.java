package org.postiljon.mailbox;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes a stream through, keeping a copy of its first {@code limit} bytes. */
final class HeadCapture extends FilterInputStream {

    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
    private final int limit;
    private boolean overflow;
    private boolean ended;

    HeadCapture(InputStream in, int limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n < 0) {
            ended = true;
        } else if (!overflow) {
            if (copy.size() + n > limit) {
                overflow = true;
                copy.reset();
            } else {
                copy.write(b, off, n);
            }
        }
        return n;
    }

    /** True when the whole stream was read and kept. */
    boolean complete() {
        return ended && !overflow;
    }

    InputStream captured() {
        return new ByteArrayInputStream(copy.toByteArray());
    }
}
