package org.postiljon.mailauth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The header fields of a message as they stand (folding, case and spacing kept), read up to the
 * blank line; the stream is left at the first octet of the body. Lines may end in CRLF or a bare
 * LF; each field is kept with CRLF line ends, as it goes out over SMTP.
 */
record HeaderSection(List<Field> fields) {

    /** Most a header section may hold. */
    static final int MAX_BYTES = 1 << 20;

    /** One field: {@code raw} is the whole field, name to final CRLF, as ISO-8859-1 text. */
    record Field(String name, String raw) {

        /** The value: what follows the colon, final CRLF removed. */
        String value() {
            return raw.substring(raw.indexOf(':') + 1, raw.length() - 2);
        }
    }

    static HeaderSection read(InputStream in) throws IOException {
        List<Field> fields = new ArrayList<>();
        StringBuilder current = null;
        int total = 0;
        while (true) {
            String line = line(in);
            if (line == null) break; // no body at all
            total += line.length() + 2;
            if (total > MAX_BYTES) throw new IOException("header section larger than " + MAX_BYTES + " octets");
            if (line.isEmpty()) break;
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && current != null) {
                current.append(line).append("\r\n"); // a folded continuation
                continue;
            }
            if (current != null) fields.add(field(current.toString()));
            current = new StringBuilder(line).append("\r\n");
        }
        if (current != null) fields.add(field(current.toString()));
        return new HeaderSection(List.copyOf(fields));
    }

    private static Field field(String raw) {
        int colon = raw.indexOf(':');
        String name = colon < 0 ? raw.strip() : raw.substring(0, colon).strip();
        return new Field(name, colon < 0 ? raw.substring(0, raw.length() - 2) + ":\r\n" : raw);
    }

    /** A line without its end, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(80);
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                if (!b.isEmpty() && b.charAt(b.length() - 1) == '\r') b.setLength(b.length() - 1);
                return b.toString();
            }
            b.append((char) c);
            if (b.length() > MAX_BYTES) throw new IOException("header line longer than " + MAX_BYTES + " octets");
        }
        return b.isEmpty() ? null : b.toString();
    }

    /** The fields named {@code name} (case-insensitive), last first: how h= picks among repeated fields (RFC 6376 §5.4.2). */
    List<Field> named(String name) {
        List<Field> out = new ArrayList<>();
        for (int i = fields.size() - 1; i >= 0; i--) if (fields.get(i).name().equalsIgnoreCase(name)) out.add(fields.get(i));
        return out;
    }

    static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }
}
