package org.postiljon.sieve;

/** RFC 5228 §2.4.2.4: {@code ${hex:41 42}} and {@code ${unicode:1F600}} in strings, when "encoded-character" is required. */
final class EncodedCharacters {

    private EncodedCharacters() { }

    static String decode(String s) {
        return substitute(s, EncodedCharacters::decodeOne);
    }

    /**
     * Every {@code ${inner}} of {@code s} replaced by {@code f(inner)}, or kept as written where
     * that is null (RFC 5228 §2.4.2.4 and RFC 5229 §3 read such references alike).
     */
    static String substitute(String s, java.util.function.Function<String, String> f) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int open = s.indexOf("${", i);
            int close = open < 0 ? -1 : s.indexOf('}', open);
            if (open < 0 || close < 0) {
                b.append(s, i, s.length());
                break;
            }
            b.append(s, i, open);
            String replaced = f.apply(s.substring(open + 2, close));
            b.append(replaced != null ? replaced : s.substring(open, close + 1));
            i = close + 1;
        }
        return b.toString();
    }

    private static String decodeOne(String inner) {
        int colon = inner.indexOf(':');
        if (colon < 0) return null;
        String kind = inner.substring(0, colon).strip().toLowerCase(java.util.Locale.ROOT);
        String[] units = inner.substring(colon + 1).strip().split("[ \\t\\r\\n]+");
        StringBuilder out = new StringBuilder();
        try {
            if (kind.equals("hex")) {
                byte[] bytes = new byte[units.length];
                for (int k = 0; k < units.length; k++) {
                    if (units[k].isEmpty() || units[k].length() > 2) return null;
                    bytes[k] = (byte) Integer.parseInt(units[k], 16);
                }
                return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            }
            if (kind.equals("unicode")) {
                for (String u : units) {
                    if (u.isEmpty() || u.length() > 6) return null;
                    int cp = Integer.parseInt(u, 16);
                    if (cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) return null;
                    out.appendCodePoint(cp);
                }
                return out.toString();
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }
}
