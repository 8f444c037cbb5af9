package org.postiljon.mailbox.api;

import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * A message's flags: system flags ({@code \Seen}...) and keywords ({@code $Forwarded}, {@code Junk}).
 * Flag names compare without case (RFC 9051 §2.3.2); the first spelling seen is kept.
 */
public record Flags(Set<String> names) {

    public static final String SEEN = "\\Seen";
    public static final String ANSWERED = "\\Answered";
    public static final String FLAGGED = "\\Flagged";
    public static final String DELETED = "\\Deleted";
    public static final String DRAFT = "\\Draft";
    private static final Set<String> SYSTEM = Set.of(SEEN, ANSWERED, FLAGGED, DELETED, DRAFT);
    public static final Flags NONE = new Flags(Set.of());
    private static final int MAX_KEYWORD = 255;
    private static final int MAX_FLAGS = 256;

    public Flags {
        TreeSet<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        for (String n : names) set.add(canonical(n));
        if (set.size() > MAX_FLAGS) throw new MailboxException.InvalidName("more than " + MAX_FLAGS + " flags on one message");
        names = Collections.unmodifiableSet(set);
    }

    public static Flags of(String... names) {
        return new Flags(new TreeSet<>(java.util.Arrays.asList(names)));
    }

    public static Flags of(Collection<String> names) {
        return new Flags(new TreeSet<>(names));
    }

    /** Parses the stored form, flag names separated by single spaces. */
    public static Flags parse(String spaceSeparated) {
        if (spaceSeparated == null || spaceSeparated.isBlank()) return NONE;
        return new Flags(new TreeSet<>(java.util.Arrays.asList(spaceSeparated.trim().split(" +"))));
    }

    private static String canonical(String n) {
        if (n.startsWith("\\")) {
            for (String s : SYSTEM) if (s.equalsIgnoreCase(n)) return s;
            // RFC 9051 §2.3.2: \Recent is session state, never stored; other \-names are not flags.
            throw new MailboxException.InvalidName("not a settable system flag: " + DomainName.printable(n));
        }
        if (n.isEmpty() || n.length() > MAX_KEYWORD) throw new MailboxException.InvalidName("invalid keyword length");
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            // RFC 9051 §9 flag-keyword = atom: no atom-specials, no 8-bit.
            if (c <= 0x20 || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
                throw new MailboxException.InvalidName("invalid keyword: " + DomainName.printable(n));
            }
        }
        return n;
    }

    public boolean contains(String flag) {
        return names.contains(flag);
    }

    public Flags with(Flags more) {
        TreeSet<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(names);
        s.addAll(more.names);
        return new Flags(s);
    }

    public Flags without(Flags fewer) {
        TreeSet<String> s = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        s.addAll(names);
        s.removeAll(fewer.names);
        return new Flags(s);
    }

    /** The stored form: names separated by single spaces, in a stable order. */
    public String serialize() {
        return String.join(" ", names);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Flags f) || f.names.size() != names.size()) return false;
        return names.containsAll(f.names);
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (String n : names) h += n.toLowerCase(java.util.Locale.ROOT).hashCode();
        return h;
    }

    @Override
    public String toString() {
        return "(" + serialize() + ")";
    }
}
