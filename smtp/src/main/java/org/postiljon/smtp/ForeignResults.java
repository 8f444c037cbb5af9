package org.postiljon.smtp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * RFC 8601 §5: Authentication-Results fields that arrive with a message and carry this server's
 * authserv-id are forgeries (a sender claiming we checked it); they are taken out of the header
 * as the message is delivered, so the only such field is the one we add. Every other byte stays.
 */
final class ForeignResults {

    /** A header section longer than this is passed through unchanged (it was refused long before, at the limits). */
    static final int MAX_HEADER = 1024 * 1024;

    private ForeignResults() { }

    /** {@code message} without Authentication-Results fields naming {@code authservId}. */
    static InputStream strip(InputStream message, String authservId) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        try {
            while (head.size() < MAX_HEADER) {
                int b = message.read();
                if (b < 0) break;
                head.write(b);
                last4 = (last4 << 8) | b;
                if (last4 == 0x0d0a0d0a) break; // the empty line ending the header section
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (last4 != 0x0d0a0d0a) return new SequenceInputStream(new ByteArrayInputStream(head.toByteArray()), message);
        String header = head.toString(StandardCharsets.ISO_8859_1);
        StringBuilder kept = new StringBuilder(header.length());
        int start = 0;
        while (start < header.length()) {
            // A field runs to the CRLF not followed by white space (RFC 5322 §2.2.3 folding).
            int end = header.indexOf("\r\n", start);
            while (end >= 0 && end + 2 < header.length() && (header.charAt(end + 2) == ' ' || header.charAt(end + 2) == '\t')) {
                end = header.indexOf("\r\n", end + 2);
            }
            end = end < 0 ? header.length() : end + 2;
            String field = header.substring(start, end);
            if (!ours(field, authservId)) kept.append(field);
            start = end;
        }
        return new SequenceInputStream(new ByteArrayInputStream(kept.toString().getBytes(StandardCharsets.ISO_8859_1)), message);
    }

    /** An Authentication-Results field whose authserv-id (RFC 8601 §2.2, before the optional version and the ';') is ours. */
    static boolean ours(String field, String authservId) {
        int colon = field.indexOf(':');
        if (colon < 0 || !field.substring(0, colon).strip().equalsIgnoreCase("Authentication-Results")) return false;
        String value = field.substring(colon + 1).replaceAll("\\([^)]*\\)", " ").strip().toLowerCase(Locale.ROOT);
        int semi = value.indexOf(';');
        String id = (semi < 0 ? value : value.substring(0, semi)).strip().split("[ \t\r\n]+")[0];
        return id.equals(authservId.toLowerCase(Locale.ROOT));
    }
}
