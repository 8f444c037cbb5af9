package org.postiljon.mailbox.api;

import java.nio.charset.StandardCharsets;

/**
 * A mailbox's full name: components joined by {@code /}, in Unicode (the wire encodings, modified
 * UTF-7 and UTF-8, are the protocol's business). {@code INBOX} is case-insensitive and always
 * spelled {@code INBOX} here (RFC 9051 §5.1).
 *
 * <p>Names clients mishandle are refused: empty components, leading or trailing spaces in a
 * component, the LIST wildcards {@code *} and {@code %}, control characters.
 */
public record MailboxName(String path) implements Comparable<MailboxName> {

    public static final char SEPARATOR = '/';
    public static final MailboxName INBOX = new MailboxName("INBOX");
    /** RFC 2342 "other users' namespace": another user's shared folders are under {@code Other Users/<owner>/}. */
    public static final String OTHER_USERS = "Other Users";
    /** RFC 2342 "shared namespace": team mailboxes are under {@code Shared/<team>/}. */
    public static final String SHARED = "Shared";
    private static final int MAX_BYTES = 1024;
    private static final int MAX_COMPONENT_BYTES = 255;
    private static final int MAX_DEPTH = 32;

    public MailboxName {
        String reason = problem(path);
        if (reason != null) throw new MailboxException.InvalidName(reason);
    }

    /**
     * Validates and normalises; a single trailing separator is dropped (RFC 9051 §6.3.4). Names are
     * kept in Unicode NFC (RFC 5198, as RFC 6855 §3 advises for IMAP), so "é" typed as one code point
     * or as "e" and a combining accent is one name, not two look-alike folders.
     */
    public static MailboxName of(String text) {
        if (text == null || text.isEmpty()) throw new MailboxException.InvalidName("empty mailbox name");
        String s = java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC);
        if (s.length() > 1 && s.charAt(s.length() - 1) == SEPARATOR) s = s.substring(0, s.length() - 1);
        int slash = s.indexOf(SEPARATOR);
        String first = slash < 0 ? s : s.substring(0, slash);
        if (first.equalsIgnoreCase("INBOX")) s = "INBOX" + (slash < 0 ? "" : s.substring(slash));
        return new MailboxName(s);
    }

    private static String problem(String p) {
        if (p == null || p.isEmpty()) return "empty mailbox name";
        if (p.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) return "mailbox name longer than " + MAX_BYTES + " octets";
        String[] parts = p.split(String.valueOf(SEPARATOR), -1);
        if (parts.length > MAX_DEPTH) return "mailbox hierarchy deeper than " + MAX_DEPTH + " levels";
        for (String c : parts) {
            if (c.isEmpty()) return "mailbox name has an empty level: " + DomainName.printable(p);
            if (c.getBytes(StandardCharsets.UTF_8).length > MAX_COMPONENT_BYTES) return "mailbox name level longer than " + MAX_COMPONENT_BYTES + " octets";
            if (!c.equals(c.strip())) return "mailbox name level starts or ends with a space: " + DomainName.printable(p);
            for (int i = 0; i < c.length(); i++) {
                char ch = c.charAt(i);
                if (ch == '*' || ch == '%') return "mailbox names cannot contain * or %";
                if (Character.isISOControl(ch)) return "mailbox names cannot contain control characters";
                if (Character.isSurrogate(ch) && !Character.isSurrogatePair(c.charAt(Math.max(0, i - 1)), ch)
                        && !(i + 1 < c.length() && Character.isSurrogatePair(ch, c.charAt(i + 1)))) {
                    return "mailbox name is not valid Unicode";
                }
            }
        }
        return null;
    }

    /**
     * Whether the first level is one of the shared namespaces' prefixes (in any case): a user's own
     * folder of that name would sit where other users' and teams' folders appear.
     */
    public boolean isNamespacePrefix() {
        String first = path.contains("/") ? path.substring(0, path.indexOf('/')) : path;
        return first.equalsIgnoreCase(OTHER_USERS) || first.equalsIgnoreCase(SHARED);
    }

    public boolean isInbox() {
        return path.equals("INBOX");
    }


    public java.util.Optional<MailboxName> parent() {
        int i = path.lastIndexOf(SEPARATOR);
        return i < 0 ? java.util.Optional.empty() : java.util.Optional.of(new MailboxName(path.substring(0, i)));
    }


    /** True when this is {@code ancestor} or lies below it. */
    public boolean isWithin(MailboxName ancestor) {
        return path.equals(ancestor.path) || path.startsWith(ancestor.path + SEPARATOR);
    }

    /** This name with the prefix {@code from} replaced by {@code to}; used to rename subtrees. */
    public MailboxName rebase(MailboxName from, MailboxName to) {
        if (!isWithin(from)) throw new IllegalArgumentException(path + " is not within " + from.path);
        return new MailboxName(to.path + path.substring(from.path.length()));
    }

    @Override
    public int compareTo(MailboxName o) {
        return path.compareTo(o.path);
    }

    @Override
    public String toString() {
        return path;
    }
}
