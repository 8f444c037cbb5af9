package org.postiljon.mailbox.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * RFC 8474 object ids, which are also the JMAP ids (RFC 8620 §1.2), made from what the store keeps
 * so IMAP and JMAP show the same ones: MAILBOXID from the mailbox's key and UIDVALIDITY (never
 * reused, also when a key is); EMAILID from the content address, so it stays across COPY and MOVE
 * and one Email in several mailboxes has one id (JMAP's mailboxIds); THREADID from the first
 * Message-ID in the thread's References (the root), or the message's own, written so it can be read
 * back (Thread/get finds the members by the root). Every id uses only {@code A-Za-z0-9_-}.
 */
public final class ObjectIds {

    /** A root longer than this is hashed (the id would pass 255 octets); such threads are found by the hash's messages only. */
    private static final int MAX_ROOT_BYTES = 180;
    private static final int EMAIL_HEX = 24;

    private ObjectIds() { }

    public static String mailbox(Mailbox m) {
        return "F" + Long.toHexString(m.id()) + "x" + Long.toHexString(m.uidValidity());
    }

    /** The mailbox key in a mailbox id, if it is one; the caller still compares the whole id. */
    public static Optional<Long> mailboxKey(String id) {
        if (id == null || !id.matches("F[0-9a-f]{1,16}x[0-9a-f]{1,16}")) return Optional.empty();
        return Optional.of(Long.parseUnsignedLong(id.substring(1, id.indexOf('x')), 16));
    }

    public static String email(MessageInfo m) {
        return email(m.blobId());
    }

    public static String email(BlobId content) {
        return "M" + content.sha256().substring(0, EMAIL_HEX);
    }

    /** The content-address prefix an email id stands for. */
    public static Optional<String> emailContent(String id) {
        if (id == null || !id.matches("M[0-9a-f]{" + EMAIL_HEX + "}")) return Optional.empty();
        return Optional.of(id.substring(1));
    }

    /** The thread id, or null for a message with neither references nor Message-ID (IMAP answers NIL). */
    public static String thread(MessageKeys k) {
        String root = !k.references().isEmpty() ? k.references().getFirst() : k.messageId();
        if (root == null || root.isEmpty()) return null;
        byte[] bytes = root.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_ROOT_BYTES) return "T" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            return "H" + java.util.HexFormat.of().formatHex(d, 0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A thread id for every message: {@link #thread}, or a thread of its own for one without Message-ID. */
    public static String thread(MessageKeys k, BlobId content) {
        String t = thread(k);
        return t != null ? t : "S" + content.sha256().substring(0, EMAIL_HEX);
    }

    /** The root Message-ID a thread id was made from, when it can be read back. */
    public static Optional<String> threadRoot(String id) {
        if (id == null || !id.startsWith("T") || !id.substring(1).matches("[A-Za-z0-9_-]{1,250}")) return Optional.empty();
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(id.substring(1)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The single message a thread of its own stands for ({@code S} ids), as a content prefix. */
    public static Optional<String> singleThreadContent(String id) {
        if (id == null || !id.matches("S[0-9a-f]{" + EMAIL_HEX + "}")) return Optional.empty();
        return Optional.of(id.substring(1));
    }
}
