package org.postiljon.mailbox.api;

import java.util.Optional;

/**
 * A mailbox's id: RFC 8474 MAILBOXID and the JMAP Mailbox id. Made of the mailbox's key and its
 * UIDVALIDITY, so a name deleted and made again (a new UIDVALIDITY) never gets the old id, also
 * when a database reuses a key. Written {@code F<key>x<uidvalidity>} in lower-case hex.
 */
public record MailboxId(long key, long uidValidity) {

    public static MailboxId of(Mailbox m) {
        return new MailboxId(m.id(), m.uidValidity());
    }

    /** The id a client sent, when it is one, written as this server writes it (no leading zeros). */
    public static Optional<MailboxId> parse(String id) {
        if (id == null || id.length() > 35 || !id.startsWith("F")) return Optional.empty();
        int x = id.indexOf('x');
        if (x < 2 || x == id.length() - 1) return Optional.empty();
        try {
            MailboxId parsed = new MailboxId(Long.parseUnsignedLong(id.substring(1, x), 16), Long.parseUnsignedLong(id.substring(x + 1), 16));
            return parsed.toString().equals(id) ? Optional.of(parsed) : Optional.empty(); // "F01x2" or "F1X2" name nothing
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Whether this is the id of {@code m} (the same key and the same UIDVALIDITY). */
    public boolean names(Mailbox m) {
        return m.id() == key && m.uidValidity() == uidValidity;
    }

    @Override
    public String toString() {
        return "F" + Long.toHexString(key) + "x" + Long.toHexString(uidValidity);
    }
}
