package org.postiljon.imap.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.postiljon.mailbox.api.MailboxName;

/**
 * A message or message part URL of this server and session (RFC 5092 §3, as RFC 4469 §3 uses it):
 * {@code /Drafts;UIDVALIDITY=385759045/;UID=20/;SECTION=1.MIME/;PARTIAL=0.1024}, or relative to the
 * selected mailbox, {@code ;UID=20/;SECTION=TEXT}. Absolute URLs naming a server are not this
 * session's and are refused.
 *
 * @param mailbox     the mailbox, or null for the selected one
 * @param uidValidity 0 when the URL does not state it
 * @param section     the FETCH section text (RFC 9051 §9 section-spec), empty for the whole message
 * @param partialStart -1 without a PARTIAL
 * @param partialLength -1 for "to the end"
 */
record ImapUrl(String text, MailboxName mailbox, long uidValidity, long uid, String section, long partialStart, long partialLength) {

    /** Raised for a URL this server cannot use; the message is the reason. */
    static final class Bad extends RuntimeException {
        Bad(String reason) {
            super(reason);
        }
    }

    static ImapUrl parse(String text) {
        String rest = text;
        if (rest.regionMatches(true, 0, "imap:", 0, 5)) throw new Bad("only URLs relative to this session are supported (RFC 4469 §3)");
        MailboxName mailbox = null;
        long uidValidity = 0;
        if (rest.startsWith("/")) {
            int end = indexOfIgnoreCase(rest, "/;UID=");
            if (end < 0) throw new Bad("the URL names no message (/;UID=)");
            String box = rest.substring(1, end);
            int v = indexOfIgnoreCase(box, ";UIDVALIDITY=");
            if (v >= 0) {
                uidValidity = number(box.substring(v + ";UIDVALIDITY=".length()));
                box = box.substring(0, v);
            }
            if (box.isEmpty()) throw new Bad("empty mailbox name");
            mailbox = MailboxName.of(percentDecode(box));
            rest = rest.substring(end + 1);
        }
        if (!rest.regionMatches(true, 0, ";UID=", 0, 5)) throw new Bad("the URL names no message (;UID=)");
        String[] segments = rest.split("/", -1);
        long uid = number(segments[0].substring(5));
        String section = "";
        long start = -1, length = -1;
        for (int i = 1; i < segments.length; i++) {
            String seg = segments[i];
            if (seg.regionMatches(true, 0, ";SECTION=", 0, 9) && section.isEmpty() && start < 0) {
                section = percentDecode(seg.substring(9)).toUpperCase(Locale.ROOT);
                if (section.isEmpty()) throw new Bad("empty section");
            } else if (seg.regionMatches(true, 0, ";PARTIAL=", 0, 9) && start < 0) {
                String range = seg.substring(9);
                int dot = range.indexOf('.');
                start = number(dot < 0 ? range : range.substring(0, dot), true);
                if (dot >= 0) length = number(range.substring(dot + 1));
            } else {
                throw new Bad("unsupported URL part " + seg);
            }
        }
        return new ImapUrl(text, mailbox, uidValidity, uid, section, start, length);
    }

    private static long number(String s) {
        return number(s, false);
    }

    private static long number(String s, boolean zeroAllowed) {
        if (!s.matches("[0-9]{1,10}")) throw new Bad("invalid number " + s);
        long n = Long.parseLong(s);
        if (n == 0 && !zeroAllowed || n > 0xFFFF_FFFFL) throw new Bad("number out of range " + s);
        return n;
    }

    private static int indexOfIgnoreCase(String s, String what) {
        return s.toUpperCase(Locale.ROOT).indexOf(what.toUpperCase(Locale.ROOT));
    }

    /** RFC 5092 §3 / RFC 3986 §2.1: %XX octets, the result read as UTF-8. */
    static String percentDecode(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                if (i + 2 >= in.length) throw new Bad("truncated %-escape");
                int hi = Character.digit(in[i + 1], 16), lo = Character.digit(in[i + 2], 16);
                if (hi < 0 || lo < 0) throw new Bad("invalid %-escape");
                b.write(hi * 16 + lo);
                i += 2;
            } else {
                b.write(in[i]);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b.toByteArray())).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new Bad("the mailbox name is not UTF-8");
        }
    }

    /** The URL as it may stand in a BADURL response code (RFC 4469 §5: no "]", no CR or LF). */
    String forResponse() {
        return org.postiljon.net.Connection.printable(text, 500).replace("]", "%5D");
    }
}
