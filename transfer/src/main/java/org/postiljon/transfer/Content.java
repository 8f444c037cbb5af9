package org.postiljon.transfer;

import jakarta.mail.internet.MailDateFormat;
import java.io.ByteArrayOutputStream;
import java.text.ParsePosition;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postiljon.mime.HeaderFields;

/** What import needs to know of a message's bytes: line endings, a few header fields. */
final class Content {

    /** The msg-id form the store keeps (RFC 5322 §3.6.4), as {@code mime}'s parser finds it. */
    private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");

    private Content() { }

    /** Every bare LF made CRLF (RFC 5322 §2.3): the message as IMAP serves a file that has LF endings. */
    static byte[] crlf(byte[] in) {
        int bare = 0;
        for (int i = 0; i < in.length; i++) if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) bare++;
        if (bare == 0) return in;
        byte[] out = new byte[in.length + bare];
        int o = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) out[o++] = '\r';
            out[o++] = in[i];
        }
        return out;
    }

    /** CRLF line endings made LF, for files in a Maildir or mbox (the form mail tools on Unix write). */
    static byte[] lf(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\r' && i + 1 < in.length && in[i + 1] == '\n') continue;
            out.write(in[i]);
        }
        return out.toByteArray();
    }

    /** Where the header section ends: after the empty line, or the whole message when there is none. */
    static int headerEnd(byte[] m) {
        for (int i = 0; i < m.length; i++) {
            if (m[i] != '\n') continue;
            if (i + 1 < m.length && m[i + 1] == '\n') return i + 2;
            if (i + 2 < m.length && m[i + 1] == '\r' && m[i + 2] == '\n') return i + 3;
        }
        return m.length;
    }

    /** The header fields as mime reads them for Sieve (unfolded, encoded words decoded; CRLF line ends). */
    static List<HeaderFields> fields(byte[] message) {
        return HeaderFields.of(message);
    }

    /** The first field of that name's value, or null. */
    static String field(List<HeaderFields> fields, String name) {
        for (HeaderFields f : fields) if (f.name().equalsIgnoreCase(name)) return f.value();
        return null;
    }

    /** The first msg-id of the Message-ID field, or null. */
    static String messageId(byte[] messageOrHeader) {
        return messageIdOf(field(fields(messageOrHeader), "Message-ID"));
    }

    static String messageIdOf(String value) {
        if (value == null) return null;
        Matcher m = MSG_ID.matcher(value);
        return m.find() ? m.group() : null;
    }

    /**
     * When the message arrived, as its header tells it: the date of the newest Received field (the
     * receiving server's clock, RFC 5321 §4.4), else the Date field, else null. For sources that
     * keep no arrival time (POP3).
     */
    static Instant arrival(byte[] message) {
        List<HeaderFields> fields = fields(message);
        String received = field(fields, "Received");
        if (received != null && received.lastIndexOf(';') >= 0) {
            Instant at = date(received.substring(received.lastIndexOf(';') + 1));
            if (at != null) return at;
        }
        return date(field(fields, "Date"));
    }

    static Instant date(String value) {
        if (value == null) return null;
        Date d = new MailDateFormat().parse(value.strip(), new ParsePosition(0));
        return d == null ? null : d.toInstant();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
