package org.postiljon.mailbox.api;

import java.text.Normalizer;
import java.util.Locale;

/**
 * An address of a mailbox, {@code local-part@domain}, normalised for lookup: the domain to
 * lower-case A-labels, the local part to lower case (NFC for UTF-8 local parts, RFC 6531).
 *
 * <p>RFC 5321 §2.4 lets the local part be case-sensitive, and also warns that relying on it
 * hinders interoperability; like every widely used server we treat it as case-insensitive.
 * Quoted local parts are refused for accounts and aliases: no mail client lets a user type one.
 */
public record EmailAddress(String localPart, DomainName domain) {

    private static final int MAX_LOCAL = 64;   // RFC 5321 §4.5.3.1.1
    private static final int MAX_TOTAL = 254;  // RFC 5321 §4.5.3.1.3 path minus the brackets

    public EmailAddress {
        if (localPart != null) localPart = normaliseLocalPart(localPart);
        validateLocalPart(localPart);
        if (domain == null) throw new MailboxException.InvalidName("address without domain");
        if (localPart.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1 + domain.ascii().length() > MAX_TOTAL) {
            throw new MailboxException.InvalidName("address longer than " + MAX_TOTAL + " octets");
        }
    }

    public static EmailAddress parse(String text) {
        if (text == null) throw new MailboxException.InvalidName("empty address");
        String s = text.strip();
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            throw new MailboxException.InvalidName("invalid address (expected local-part@domain): " + DomainName.printable(text));
        }
        return new EmailAddress(s.substring(0, at), DomainName.of(s.substring(at + 1)));
    }

    static String normaliseLocalPart(String local) {
        return Normalizer.normalize(local, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
    }

    static void validateLocalPart(String local) {
        if (local == null || local.isEmpty()) throw new MailboxException.InvalidName("empty local part");
        if (local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LOCAL) {
            throw new MailboxException.InvalidName("local part longer than " + MAX_LOCAL + " octets");
        }
        if (local.startsWith("\"")) {
            throw new MailboxException.InvalidName("quoted local parts are not supported: " + DomainName.printable(local));
        }
        // RFC 5321 §4.1.2 Dot-string, widened by RFC 6531 to UTF-8 characters.
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw new MailboxException.InvalidName("local part has a misplaced dot: " + DomainName.printable(local));
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c < 0x80 && !isAtext(c) && c != '.') {
                throw new MailboxException.InvalidName("character not allowed in local part: " + DomainName.printable(local));
            }
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new MailboxException.InvalidName("character not allowed in local part: " + DomainName.printable(local));
            }
        }
    }

    /** RFC 5322 §3.2.3 atext. */
    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    @Override
    public String toString() {
        return localPart + "@" + domain.ascii();
    }
}
