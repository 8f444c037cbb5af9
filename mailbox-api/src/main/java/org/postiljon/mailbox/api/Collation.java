package org.postiljon.mailbox.api;

import java.text.Normalizer;
import java.util.Comparator;

/**
 * The one collation of sort keys: i;unicode-casemap (RFC 5051), which RFC 5256 §7 (updated by
 * RFC 5255) asks of SORT. A key is computed once, when a message is stored: every character in its
 * title case, then the string in NFKD. Keys are then compared as octets of their UTF-8, which is
 * code point order: {@link #ORDER} in memory, plain binary text comparison in SQL. So a folder
 * view (sorted in the store) and a search across folders (sorted in memory) agree.
 */
public final class Collation {

    private Collation() { }

    /** The i;unicode-casemap key of {@code s} (RFC 5051 §2); null stays null. */
    public static String key(String s) {
        if (s == null) return null;
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.toTitleCase(c))); // RFC 5051 §2 step 1
        String t = b.toString();
        return Normalizer.isNormalized(t, Normalizer.Form.NFKD) ? t : Normalizer.normalize(t, Normalizer.Form.NFKD); // step 2
    }

    /**
     * Octet order of the UTF-8 forms (RFC 5051 §2: "compared ... as octet strings"): code point
     * order. {@link String#compareTo} compares UTF-16 units, which differs above U+FFFF.
     */
    public static final Comparator<String> ORDER = (a, b) -> {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i), y = b.codePointAt(j);
            if (x != y) return Integer.compare(x, y);
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };
}
