package org.postiljon.mailbox.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A thread's id: RFC 8474 THREADID and the JMAP Thread id. Made from the thread's root, the first
 * Message-ID of a message's References (else its own Message-ID), written so it can be read back
 * ({@code T} + base64url of the root), so the members are found by the root. A root too long for an
 * id (255 octets) is hashed ({@code H}; such a thread has the one message it was made from), and a
 * message with no Message-ID at all is a thread of its own ({@code S} + its Email id's digits).
 */
public record ThreadId(String value) {

    /** A root longer than this is hashed (the id would pass 255 octets). */
    private static final int MAX_ROOT_BYTES = 180;

    public ThreadId {
        if (!valid(value)) throw new IllegalArgumentException("not a thread id: " + value);
    }

    /** The thread id, or empty for a message with neither references nor Message-ID (IMAP answers NIL). */
    public static Optional<ThreadId> of(MessageKeys k) {
        String root = !k.references().isEmpty() ? k.references().getFirst() : k.messageId();
        if (root == null || root.isEmpty()) return Optional.empty();
        byte[] bytes = root.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_ROOT_BYTES) return Optional.of(new ThreadId("T" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            return Optional.of(new ThreadId("H" + HexFormat.of().formatHex(d, 0, 12)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A thread id for every message: {@link #of(MessageKeys)}, or a thread of its own. */
    public static ThreadId of(MessageKeys k, BlobId content) {
        return of(k).orElseGet(() -> new ThreadId("S" + EmailId.of(content).contentPrefix()));
    }

    /** The id a client sent, when it is one. */
    public static Optional<ThreadId> parse(String id) {
        return valid(id) ? Optional.of(new ThreadId(id)) : Optional.empty();
    }

    private static boolean valid(String id) {
        if (id == null || id.length() < 2) return false;
        return switch (id.charAt(0)) {
            case 'T' -> id.length() <= 251 && id.substring(1).chars().allMatch(c -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9' || c == '_' || c == '-') && root(id).isPresent();
            case 'H', 'S' -> EmailId.hex(id.substring(1), EmailId.HEX);
            default -> false;
        };
    }

    /** The root Message-ID this id was made from, when it can be read back. */
    public Optional<String> root() {
        return root(value);
    }

    private static Optional<String> root(String id) {
        if (!id.startsWith("T")) return Optional.empty();
        try {
            return Optional.of(new String(Base64.getUrlDecoder().decode(id.substring(1)), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The one Email a thread of its own stands for ({@code S} ids). */
    public Optional<EmailId> single() {
        return value.startsWith("S") ? Optional.of(new EmailId(value.substring(1))) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
