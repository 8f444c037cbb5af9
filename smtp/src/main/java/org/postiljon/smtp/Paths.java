package org.postiljon.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The argument of MAIL and RCPT: {@code FROM:<path> params} (RFC 5321 §4.1.2, §4.1.1.2-3). */
final class Paths {

    private static final int MAX_PARAMS = 10;

    /** @param path the address between the brackets, source route dropped; "" for the null path */
    record Parsed(String path, Map<String, String> params) { }

    private Paths() { }

    static Parsed parse(String args, String keyword) {
        if (!args.regionMatches(true, 0, keyword + ":", 0, keyword.length() + 1)) {
            throw SmtpError.syntax("expected " + keyword + ":<address>");
        }
        String rest = args.substring(keyword.length() + 1).stripLeading(); // some clients put a space after the colon
        if (!rest.startsWith("<")) throw SmtpError.syntax("the address must be in angle brackets");
        int end = rest.indexOf('>');
        if (end < 0) throw SmtpError.syntax("missing '>'");
        String path = rest.substring(1, end);
        // §4.1.2 A-d-l: "@relay1,@relay2:user@domain"; §C: the source route is ignored, never followed.
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            if (colon < 0) throw SmtpError.syntax("malformed source route");
            path = path.substring(colon + 1);
        }
        Map<String, String> params = new LinkedHashMap<>();
        String tail = rest.substring(end + 1).strip();
        if (!tail.isEmpty()) {
            for (String p : tail.split(" +")) {
                if (params.size() == MAX_PARAMS) throw SmtpError.syntax("too many parameters");
                int eq = p.indexOf('=');
                String name = (eq < 0 ? p : p.substring(0, eq)).toUpperCase(Locale.ROOT);
                params.put(name, eq < 0 ? null : p.substring(eq + 1));
            }
        }
        return new Parsed(path, params);
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
