package org.postiljon.mailbox.api;

import java.util.Optional;

/**
 * An Email's id: RFC 8474 EMAILID and the JMAP Email id (RFC 8620 §1.2). It is the first 96 bits
 * of the content address, so it stays across COPY and MOVE and one Email in several mailboxes has
 * one id (JMAP's mailboxIds). Written {@code M} + 24 hex digits (only {@code A-Za-z0-9_-}).
 */
public record EmailId(String contentPrefix) {

    static final int HEX = 24;

    public EmailId {
        if (!hex(contentPrefix, HEX)) throw new IllegalArgumentException("not an Email's content prefix: " + contentPrefix);
    }

    public static EmailId of(BlobId content) {
        return new EmailId(content.sha256().substring(0, HEX));
    }

    public static EmailId of(MessageInfo m) {
        return of(m.blobId());
    }

    /** The id a client sent, when it is one (anything else names no Email). */
    public static Optional<EmailId> parse(String id) {
        if (id == null || id.length() != HEX + 1 || id.charAt(0) != 'M' || !hex(id.substring(1), HEX)) return Optional.empty();
        return Optional.of(new EmailId(id.substring(1)));
    }

    /** Whether a content is this Email's. */
    public boolean names(BlobId content) {
        return content.sha256().startsWith(contentPrefix);
    }

    @Override
    public String toString() {
        return "M" + contentPrefix;
    }

    static boolean hex(String s, int length) {
        if (s == null || s.length() != length) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return false;
        }
        return true;
    }
}
