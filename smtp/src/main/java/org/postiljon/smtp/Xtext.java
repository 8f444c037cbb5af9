package org.postiljon.smtp;

/** RFC 3461 §4 xtext: printable ASCII but "+" and "=", and "+XX" for any other octet. */
final class Xtext {

    private Xtext() { }

    static boolean valid(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length() || !hex(s.charAt(i + 1)) || !hex(s.charAt(i + 2))) return false;
                i += 2;
            } else if (c < 33 || c > 126 || c == '=') {
                return false;
            }
        }
        return true;
    }

    /**
     * Valid xtext whose decoded text is printable US-ASCII (RFC 3461 §4.2, §4.4): no CR, LF or other
     * control character may reach a report, where it would start a line of its own.
     */
    static boolean printable(String s) {
        if (!valid(s)) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '+') continue;
            int c = Integer.parseInt(s.substring(i + 1, i + 3), 16);
            if (c < 32 || c > 126) return false;
            i += 2;
        }
        return true;
    }

    /** The decoded text, for reports; invalid xtext decodes to itself, a decoded control character to '?'. */
    static String decode(String s) {
        if (!valid(s)) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                char d = (char) Integer.parseInt(s.substring(i + 1, i + 3), 16);
                b.append(d < 32 || d > 126 ? '?' : d);
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }
}
