package org.postiljon.imap.server;

import java.util.BitSet;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.mailbox.api.MailboxName;

/**
 * A LIST pattern, RFC 9051 §6.3.9: {@code *} matches anything, {@code %} anything but the
 * separator; INBOX in any case at the start is INBOX. Matched by simulating all positions of the
 * pattern at once (time: name length × pattern length / 64), never by backtracking, so a
 * pattern such as {@code *a*a*a*a*b} costs what any other does.
 */
public final class ListPattern {
    private final String pattern;

    ListPattern(String pattern) {
        if (pattern.length() > 1000) throw new BadSyntax("pattern too long");
        String p = pattern;
        boolean inbox = p.length() >= 5 && p.substring(0, 5).equalsIgnoreCase("INBOX") && (p.length() == 5 || "/%*".indexOf(p.charAt(5)) >= 0);
        this.pattern = inbox ? "INBOX" + p.substring(5) : p;
    }

    /** Whether {@code name} matches {@code pattern} (for tests and callers without a session). */
    public static boolean matches(String pattern, String name) {
        return new ListPattern(pattern).matches(name);
    }

    boolean matches(String name) {
        int n = pattern.length();
        BitSet at = new BitSet(n + 1), next = new BitSet(n + 1);
        at.set(0);
        closeOverWildcards(at);
        for (int i = 0; i < name.length() && !at.isEmpty(); i++) {
            char c = name.charAt(i);
            next.clear();
            for (int j = at.nextSetBit(0); j >= 0 && j < n; j = at.nextSetBit(j + 1)) {
                char p = pattern.charAt(j);
                if (p == '*' || (p == '%' && c != MailboxName.SEPARATOR)) next.set(j); // the wildcard takes c and stays
                else if (p == c) next.set(j + 1);
            }
            closeOverWildcards(next);
            BitSet was = at;
            at = next;
            next = was;
        }
        return at.get(n);
    }

    /** A wildcard may also match nothing: where one stands, the position after it is reached too. */
    private void closeOverWildcards(BitSet at) {
        for (int j = at.nextSetBit(0); j >= 0 && j < pattern.length(); j = at.nextSetBit(j + 1)) {
            char p = pattern.charAt(j);
            if (p == '*' || p == '%') at.set(j + 1);
        }
    }
}
