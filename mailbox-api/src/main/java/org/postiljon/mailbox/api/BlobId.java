package org.postiljon.mailbox.api;

/** A message body's content address: the lower-case hex SHA-256 of its bytes. */
public record BlobId(String sha256) {
    public BlobId {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a SHA-256 hex digest");
    }

    @Override
    public String toString() {
        return sha256;
    }
}
