package org.postiljon.mailbox.api;

/** A message body's content address: the lower-case hex SHA-256 of its bytes. */
public record BlobId(String sha256) {
    public BlobId {
        if (!isHexDigest(sha256)) throw new IllegalArgumentException("not a SHA-256 hex digest");
    }

    /** 64 lower-case hex digits; checked by hand because ids are made for every listed message. */
    private static boolean isHexDigest(String s) {
        if (s == null || s.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        return sha256;
    }
}
