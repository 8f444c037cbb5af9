package org.postiljon.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * Streams over a unix-domain socket channel, with the read timeout that a {@link java.net.Socket}
 * has and such a channel lacks: the channel is non-blocking and every wait goes through a selector.
 */
final class ChannelStreams {

    private final SocketChannel channel;
    private final Selector readable;
    private final Selector writable;
    volatile int timeoutMillis;

    ChannelStreams(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.readable = Selector.open();
        this.writable = Selector.open();
        channel.register(readable, SelectionKey.OP_READ);
        channel.register(writable, SelectionKey.OP_WRITE);
    }

    InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) return 0;
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (true) {
                    int n = channel.read(buf);
                    if (n != 0) return n;
                    readable.selectedKeys().clear();
                    if (readable.select(timeoutMillis) == 0 && channel.isOpen()) {
                        throw new SocketTimeoutException("read timed out");
                    }
                    if (!channel.isOpen()) return -1;
                }
            }

            @Override
            public int available() throws IOException {
                return 0; // unknown without reading; callers treat 0 as "nothing pipelined"
            }
        };
    }

    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    if (channel.write(buf) == 0) {
                        writable.selectedKeys().clear();
                        if (writable.select(60_000) == 0) throw new SocketTimeoutException("write timed out");
                    }
                }
            }
        };
    }

    void close() throws IOException {
        try {
            channel.close();
        } finally {
            readable.close();
            writable.close();
        }
    }
}
