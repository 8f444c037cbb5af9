package org.postiljon.imap.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence set as the client wrote it (RFC 9051 §9 sequence-set): ranges whose ends may be
 * {@code *} (stored as {@link #STAR}), or {@code $} for the saved search result (RFC 5182).
 */
public record SequenceSet(List<long[]> ranges, boolean saved) {

    public static final long STAR = -1;
    static final int MAX_RANGES = 100_000;

    public static SequenceSet parse(String text) {
        if (text.equals("$")) return new SequenceSet(List.of(), true);
        List<long[]> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (out.size() >= MAX_RANGES) throw new BadSyntax("sequence set has too many ranges");
            int colon = part.indexOf(':');
            long a = number(colon < 0 ? part : part.substring(0, colon));
            long b = colon < 0 ? a : number(part.substring(colon + 1));
            out.add(new long[] {a, b});
        }
        return new SequenceSet(List.copyOf(out), false);
    }

    private static long number(String s) {
        if (s.equals("*")) return STAR;
        if (s.isEmpty() || s.length() > 10 || s.charAt(0) == '0') throw new BadSyntax("invalid sequence number: " + printable(s));
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') throw new BadSyntax("invalid sequence number: " + printable(s));
        long v = Long.parseLong(s);
        if (v > 0xFFFF_FFFFL) throw new BadSyntax("sequence number out of range");
        return v;
    }

    static String printable(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** True when {@code n} is in the set, with {@code *} meaning {@code max}. */
    public boolean contains(long n, long max) {
        for (long[] r : ranges) {
            long a = r[0] == STAR ? max : r[0], b = r[1] == STAR ? max : r[1];
            if (n >= Math.min(a, b) && n <= Math.max(a, b)) return true;
        }
        return false;
    }
}
