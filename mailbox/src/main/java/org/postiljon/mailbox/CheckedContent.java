package org.postiljon.mailbox;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.store.spi.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message's bytes as served: the stored size is checked before anything is sent (a file cut
 * short by a crash of the disk, not of ours, must not be announced at its full size: an IMAP
 * literal that ends early desynchronises the session), and the SHA-256 the content is named by is
 * checked as it is read, so altered bytes end in an error, never pass as the message.
 */
final class CheckedContent {

    private static final Logger log = LoggerFactory.getLogger(CheckedContent.class);

    private CheckedContent() { }

    /** @throws MailboxException.Damaged when the file is missing or not of the stored size */
    static InputStream open(BlobStore blobs, BlobId id, long expectedSize, String what) {
        try {
            long size = blobs.size(id);
            if (size != expectedSize) throw damaged(id, what, "its file holds " + size + " of " + expectedSize + " octets");
            return new Verifying(blobs.open(id), id, what);
        } catch (IOException e) {
            throw damaged(id, what, "its file cannot be read (" + e.getMessage() + ")");
        }
    }

    static MailboxException.Damaged damaged(BlobId id, String what, String why) {
        log.error("{} is damaged: {} (content {}); run 'postiljon check'", what, why, id.sha256());
        return new MailboxException.Damaged(what + " is damaged on the server's disk; the administrator has been told");
    }

    /** The SHA-256 of a whole stream, in hex. */
    static String sha256(InputStream in) throws IOException {
        MessageDigest d = digest();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
        return HexFormat.of().formatHex(d.digest());
    }

    /** The SHA-256 of bytes in memory, in hex. */
    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Digests what passes; at the end, a mismatch is an I/O error (the reader stops, nothing more is served as the message). */
    private static final class Verifying extends FilterInputStream {
        private final MessageDigest digest = digest();
        private final BlobId id;
        private final String what;
        private boolean ended;

        Verifying(InputStream in, BlobId id, String what) {
            super(in);
            this.id = id;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c < 0) end(); else digest.update((byte) c);
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) end(); else digest.update(b, off, n);
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            // A partial FETCH seeks: reading the skipped bytes to digest them would make each chunk cost the
            // whole message. What skips is not verified here (the size was; 'postiljon check' verifies all).
            ended = true;
            return super.skip(n);
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void end() throws IOException {
            if (ended) return;
            ended = true;
            String got = HexFormat.of().formatHex(digest.digest());
            if (!got.equals(id.sha256())) {
                log.error("{} is damaged: its bytes no longer have the SHA-256 they were stored with (content {}); run 'postiljon check'",
                        what, id.sha256());
                throw new IOException(what + " is damaged on the server's disk");
            }
        }
    }
}
