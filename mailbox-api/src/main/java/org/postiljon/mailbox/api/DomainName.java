package org.postiljon.mailbox.api;

import java.net.IDN;
import java.util.Locale;

/**
 * A DNS domain name in its ASCII form: internationalised names are converted to A-labels, and
 * letters are lower-cased (domains compare without case, RFC 5321 §2.4).
 */
public record DomainName(String ascii) {

    private static final int MAX_LENGTH = 253; // RFC 1035 §2.3.4, without the trailing dot
    private static final int MAX_LABEL = 63;

    public DomainName {
        if (!isValidAscii(ascii)) throw new MailboxException.InvalidName("invalid domain: " + printable(ascii));
    }

    public static DomainName of(String text) {
        if (text == null || text.isBlank()) throw new MailboxException.InvalidName("empty domain");
        String trimmed = text.strip();
        if (trimmed.endsWith(".")) trimmed = trimmed.substring(0, trimmed.length() - 1);
        String ascii;
        try {
            // RFC 5890: U-labels go to A-labels; unassigned code points and non-STD3 characters fail.
            ascii = IDN.toASCII(trimmed, IDN.USE_STD3_ASCII_RULES);
        } catch (IllegalArgumentException e) {
            throw new MailboxException.InvalidName("invalid domain: " + printable(text));
        }
        return new DomainName(ascii.toLowerCase(Locale.ROOT));
    }

    /** The name as a person reads it, U-labels where the A-labels encode them. */
    public String unicode() {
        return IDN.toUnicode(ascii, IDN.USE_STD3_ASCII_RULES);
    }

    private static boolean isValidAscii(String s) {
        if (s == null || s.isEmpty() || s.length() > MAX_LENGTH) return false;
        if (!s.contains(".")) return false; // a mail domain has at least two labels
        for (String label : s.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > MAX_LABEL) return false;
            if (label.startsWith("-") || label.endsWith("-")) return false;
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                if (!ok) return false;
            }
        }
        return true;
    }

    static String printable(String s) {
        if (s == null) return "(none)";
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(100).forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) b.append('?'); else b.appendCodePoint(cp);
        });
        return "\"" + b + "\"";
    }

    @Override
    public String toString() {
        return ascii;
    }
}
