package org.postiljon.sieve;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Match types (RFC 5228 §2.7.1: :is, :contains, :matches; RFC 5231: :value and :count) under a
 * comparator (§2.7.3: i;ascii-casemap by default, i;octet; RFC 4790 i;ascii-numeric).
 */
final class Match {

    private Match() { }

    /** Whether any of {@code values} matches any of {@code keys} the way the arguments say; :matches sets the match variables. */
    static boolean any(Sieve.Args a, List<String> values, List<String> keys, Object run) {
        return any(a, values, keys, run, "i;ascii-casemap");
    }

    /** The same where the test's default comparator is another (spamtest's is i;ascii-numeric, RFC 5235 §3.2). */
    static boolean any(Sieve.Args a, List<String> values, List<String> keys, Object run, String defaultComparator) {
        String comparator = a.tagString("comparator");
        String cmp = comparator == null ? defaultComparator : comparator.toLowerCase(Locale.ROOT);
        if (!cmp.equals("i;ascii-casemap") && !cmp.equals("i;octet") && !cmp.equals("i;ascii-numeric")) {
            throw new Sieve.RunError(a.line, "unknown comparator " + comparator);
        }
        if (a.has("count")) {
            // RFC 5231 §4.2: the number of values, compared as a number with each key.
            String count = String.valueOf(values.size());
            for (String k : keys) if (relation(a.tagString("count"), numeric(count, k))) return true;
            return false;
        }
        for (String v : values) {
            for (String k : keys) {
                if (a.has("value")) {
                    if (relation(a.tagString("value"), compare(cmp, v, k))) return true;
                } else if (a.has("contains")) {
                    if (fold(cmp, v).contains(fold(cmp, k))) return true;
                } else if (a.has("matches")) {
                    List<String> groups = new ArrayList<>();
                    if (glob(fold(cmp, v), fold(cmp, k), v, groups)) {
                        if (run instanceof MatchVariables mv) mv.matched(v, groups);
                        return true;
                    }
                } else if (cmp.equals("i;ascii-numeric") ? numeric(v, k) == 0 : fold(cmp, v).equals(fold(cmp, k))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whoever keeps the match variables (RFC 5229 §3.2) of a run. */
    interface MatchVariables {
        void matched(String whole, List<String> groups);
    }

    private static String fold(String cmp, String s) {
        if (!cmp.equals("i;ascii-casemap")) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c); // ASCII letters only, as the comparator says
        }
        return b.toString();
    }

    private static int compare(String cmp, String a, String b) {
        if (cmp.equals("i;ascii-numeric")) return numeric(a, b);
        return Integer.signum(fold(cmp, a).compareTo(fold(cmp, b)));
    }

    /** RFC 4790 §9.1.1: the leading digits as a number; a string without them is larger than every number. */
    static int numeric(String a, String b) {
        BigInteger x = leading(a), y = leading(b);
        if (x == null || y == null) return x == null && y == null ? 0 : x == null ? 1 : -1;
        return x.compareTo(y);
    }

    private static BigInteger leading(String s) {
        int i = 0;
        while (i < s.length() && i < 1000 && s.charAt(i) >= '0' && s.charAt(i) <= '9') i++;
        return i == 0 ? null : new BigInteger(s.substring(0, i));
    }

    private static boolean relation(String op, int c) {
        return switch (op == null ? "" : op.toLowerCase(Locale.ROOT)) {
            case "gt" -> c > 0;
            case "ge" -> c >= 0;
            case "lt" -> c < 0;
            case "le" -> c <= 0;
            case "eq" -> c == 0;
            case "ne" -> c != 0;
            default -> throw new Sieve.RunError(0, "a relation is gt, ge, lt, le, eq or ne, not " + op);
        };
    }

    /**
     * RFC 5228 §2.7.1 :matches: '*' any run, '?' one character, '\' escapes. Iterative with one
     * backtrack point (no exponential patterns); the texts matched by each wildcard go to {@code groups}.
     */
    static boolean glob(String text, String pattern, String original, List<String> groups) {
        List<Character> p = new ArrayList<>();
        List<Boolean> literal = new ArrayList<>();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                p.add(pattern.charAt(++i));
                literal.add(true);
            } else {
                p.add(c);
                literal.add(false);
            }
        }
        int t = 0, k = 0, starP = -1, starT = -1;
        int[] starts = new int[p.size()], ends = new int[p.size()];
        while (t < text.length()) {
            if (k < p.size() && !literal.get(k) && p.get(k) == '*') {
                starP = k;
                starT = t;
                starts[k] = t;
                ends[k] = t;
                k++;
            } else if (k < p.size() && (!literal.get(k) && p.get(k) == '?' || p.get(k) == text.charAt(t) && (literal.get(k) || p.get(k) != '*'))) {
                if (!literal.get(k) && p.get(k) == '?') {
                    starts[k] = t;
                    ends[k] = t + 1;
                }
                k++;
                t++;
            } else if (starP >= 0) {
                k = starP + 1;
                t = ++starT;
                ends[starP] = starT;
            } else {
                return false;
            }
        }
        while (k < p.size() && !literal.get(k) && p.get(k) == '*') {
            starts[k] = text.length();
            ends[k] = text.length();
            k++;
        }
        if (k != p.size()) return false;
        for (int i = 0; i < p.size(); i++) {
            if (!literal.get(i) && (p.get(i) == '*' || p.get(i) == '?')) groups.add(original.substring(starts[i], Math.min(ends[i], original.length())));
        }
        return true;
    }
}
