package org.postiljon.mailbox.api;

import java.time.LocalDate;
import java.util.List;

/**
 * What a search asks for, independent of the protocol that asked (IMAP SEARCH, later JMAP
 * Email/query). Protocol-only notions are resolved to UIDs before a query gets here: IMAP
 * sequence numbers, {@code $}, {@code RECENT} become {@link Uids}.
 *
 * <p>String matching (RFC 9051 §6.4.4) is a substring match that ignores the case of ASCII
 * letters; two non-ASCII characters match when their Unicode lower or upper cases agree; an ASCII
 * character in the query never matches a non-ASCII one in the message.
 */
public sealed interface SearchQuery {

    /** Every message. */
    record All() implements SearchQuery { }

    /** Messages that match every one of {@code all}. */
    record And(List<SearchQuery> all) implements SearchQuery {
        public And {
            all = List.copyOf(all);
        }
    }

    record Or(SearchQuery a, SearchQuery b) implements SearchQuery { }

    record Not(SearchQuery query) implements SearchQuery { }

    /** Messages with the system flag or keyword {@code flag} set. */
    record HasFlag(String flag) implements SearchQuery { }

    record Uids(UidSet uids) implements SearchQuery { }

    /** Arrived (internal date) before {@code at}, or at or after it when not {@code before} (RFC 5032 OLDER/YOUNGER). */
    record Arrived(boolean before, java.time.Instant at) implements SearchQuery { }

    /** MODSEQ at least {@code min} (RFC 7162 §3.1.5). */
    record ModSeq(long min) implements SearchQuery { }

    /** RFC822.SIZE larger than (or, when not {@code larger}, smaller than) {@code bytes}. */
    record Size(boolean larger, long bytes) implements SearchQuery { }

    enum DateField { INTERNAL, SENT, SAVED }

    enum Comparison { BEFORE, ON, SINCE }

    /** The date (UTC day; RFC 9051 ignores time and zone) of the internal date or the Date header. */
    record Day(DateField field, Comparison comparison, LocalDate day) implements SearchQuery { }

    /** The decoded fields stored at delivery. */
    enum Field { FROM, TO, CC, BCC, SUBJECT }

    /** A decoded address list or subject contains {@code text}. */
    record Contains(Field field, String text) implements SearchQuery { }

    /** A header field called {@code name} (unfolded, RFC 2047-decoded) contains {@code text}; empty text: the field exists. */
    record Header(String name, String text) implements SearchQuery { }

    /** Messages with an attachment, by RFC 8621 §4.1.4's rule (JMAP's hasAttachment; no IMAP key asks it). */
    record HasAttachment() implements SearchQuery { }

    /** The body (everything after the header), or with {@code wholeMessage} header and body, contains {@code text}. */
    record Text(boolean wholeMessage, String text) implements SearchQuery { }

    /**
     * The matching rule of every string key, in one place so that every index that narrows a
     * search agrees with the check that confirms it.
     */
    static boolean matches(String haystack, String needle) {
        if (haystack == null) return false;
        int n = needle.length();
        for (int i = 0, last = haystack.length() - n; i <= last; i++) {
            if (regionMatches(haystack, i, needle, n)) return true;
        }
        return false;
    }

    private static boolean regionMatches(String h, int at, String needle, int n) {
        for (int j = 0; j < n; j++) {
            char a = h.charAt(at + j), b = needle.charAt(j);
            if (a == b) continue;
            if (a < 0x80 || b < 0x80) {
                if (a >= 0x80 || b >= 0x80 || (a | 0x20) != (b | 0x20) || (a | 0x20) < 'a' || (a | 0x20) > 'z') return false;
            } else if (Character.toLowerCase(a) != Character.toLowerCase(b) && Character.toUpperCase(a) != Character.toUpperCase(b)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} is all ASCII, so that an index folding ASCII case only gives every candidate. */
    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) >= 0x80) return false;
        return true;
    }
}
