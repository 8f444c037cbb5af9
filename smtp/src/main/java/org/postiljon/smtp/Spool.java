package org.postiljon.smtp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.postiljon.mailbox.api.structure.Envelope;
import org.postiljon.mime.MessageParser;

/**
 * A message's data between the end of DATA and its delivery: in memory while small, then in a
 * temporary file. Not durable and need not be: nothing is acknowledged before delivery made the
 * message durable in the mailbox store.
 */
final class Spool implements AutoCloseable {

    private static final int IN_MEMORY = 1 << 20;

    private final Path dir;
    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path file;
    private OutputStream fileOut;
    private long size;
    /** The header's envelope once parsed (see {@link #header}); {@code parsed} tells an unreadable header from not yet asked. */
    private Envelope header;
    private boolean parsed;
    /** Why the data could not be kept (a full disk); what came after it was read and dropped. */
    private IOException failure;

    Spool(Path dir) {
        this.dir = dir;
    }

    /** Where the data is written; switches to a file past {@link #IN_MEMORY} bytes. */
    OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                size += len;
                if (failure != null) return; // the rest of the data is still read, so the session stays in step
                try {
                    if (fileOut == null && memory.size() + len > IN_MEMORY) {
                        Files.createDirectories(dir);
                        file = Files.createTempFile(dir, "smtp-", ".eml");
                        fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
                        memory.writeTo(fileOut);
                        memory.reset();
                    }
                    if (fileOut != null) fileOut.write(b, off, len); else memory.write(b, off, len);
                } catch (IOException e) {
                    failed(e);
                }
            }

            @Override
            public void flush() {
                try {
                    if (fileOut != null && failure == null) fileOut.flush();
                } catch (IOException e) {
                    failed(e);
                }
            }
        };
    }

    private void failed(IOException e) {
        failure = e;
        close(); // frees what was written: the data cannot be delivered anyway
    }

    /**
     * Refuses the message when its data could not be kept: a full disk is {@link
     * org.postiljon.mailbox.api.MailboxException.Unavailable}, as when the store is full (SMTP 452,
     * JMAP serverUnavailable); any other write failure is an error of this server.
     */
    void requireKept() {
        if (failure == null) return;
        if (org.postiljon.mailbox.api.MailboxException.Unavailable.isStorageFull(failure)) {
            throw org.postiljon.mailbox.api.MailboxException.Unavailable.storageFull();
        }
        throw new UncheckedIOException("cannot spool the message", failure);
    }

    long size() {
        return size;
    }

    InputStream open() {
        try {
            if (fileOut != null) {
                fileOut.flush();
                return Files.newInputStream(file);
            }
            return new ByteArrayInputStream(memory.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first bytes, for looking at the header (RFC 6409 fix-ups). */
    byte[] head(int max) {
        try (InputStream in = open()) {
            return in.readNBytes(max);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The envelope of the message's header alone (to the first empty line, not the body's
     * structure), parsed once for all who look at From and Sender (the forged-sender check,
     * DKIM signing, DMARC); null when unreadable. Ask only when all the data is written.
     */
    Envelope header() {
        if (parsed) return header;
        parsed = true;
        byte[] head = head(256 * 1024);
        int end = new String(head, StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        try (InputStream in = new ByteArrayInputStream(head, 0, end < 0 ? head.length : end + 4)) {
            header = new MessageParser().parse(in).envelope();
        } catch (IOException | RuntimeException x) {
            header = null;
        }
        return header;
    }

    @Override
    public void close() {
        try {
            if (fileOut != null) fileOut.close();
        } catch (IOException ignored) {
            // a full disk may refuse the last buffered bytes; the file goes anyway
        }
        try {
            if (file != null) Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale temporary file is harmless
        }
    }
}
