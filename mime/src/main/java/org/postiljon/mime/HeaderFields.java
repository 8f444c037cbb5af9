package org.postiljon.mime;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * A message's header fields as a filter reads them (Sieve's header test, RFC 5228 §5.7): in order,
 * unfolded, RFC 2047 encoded words decoded, UTF-8 else Latin-1 (RFC 6532).
 *
 * @param name  the field name as written
 * @param value the value without its leading white space
 */
public record HeaderFields(String name, String value) {

    /** The fields of the header section at the start of {@code message} (to the first empty line or its end). */
    public static List<HeaderFields> of(byte[] message) {
        int end = headerEnd(message);
        String header = Headers.decode(end < 0 ? message : java.util.Arrays.copyOf(message, end + 2)); // only the header is decoded
        List<HeaderFields> out = new ArrayList<>();
        StringBuilder field = null;
        for (String line : header.split("\r\n", -1)) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (field != null) field.append(line); // RFC 5322 §2.2.3: unfolding removes the CRLF only
                continue;
            }
            add(out, field);
            field = new StringBuilder(line);
        }
        add(out, field);
        return out;
    }

    /** Where the empty line that ends the header section starts (its CRLF CRLF), or -1 when there is none. */
    static int headerEnd(byte[] message) {
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') return i;
        }
        return -1;
    }

    private static void add(List<HeaderFields> out, StringBuilder field) {
        if (field == null) return;
        int colon = field.indexOf(":");
        if (colon <= 0) return;
        String raw = field.substring(colon + 1).strip();
        out.add(new HeaderFields(field.substring(0, colon).strip(),
                raw.contains("=?") ? DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT) : raw));
    }
}
