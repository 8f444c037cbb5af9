package org.postiljon.imap.server;

import java.nio.charset.StandardCharsets;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;

/**
 * RFC 8474 object ids, made from what the store keeps so every protocol (and the coming JMAP)
 * computes the same ones: MAILBOXID from the mailbox's key and UIDVALIDITY (never reused, also
 * when a key is); EMAILID from the content address, so it stays across COPY and MOVE; THREADID
 * from the first Message-ID in the thread's References (the root), or the message's own.
 */
final class ObjectIds {

    private ObjectIds() { }

    static String mailbox(Mailbox m) {
        return "F" + Long.toHexString(m.id()) + "x" + Long.toHexString(m.uidValidity());
    }

    static String email(MessageInfo m) {
        return "M" + m.blobId().sha256().substring(0, 24);
    }

    static String thread(MessageKeys k) {
        String root = !k.references().isEmpty() ? k.references().getFirst() : k.messageId();
        if (root == null || root.isEmpty()) return null;
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(root.getBytes(StandardCharsets.UTF_8));
            return "T" + java.util.HexFormat.of().formatHex(d, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
