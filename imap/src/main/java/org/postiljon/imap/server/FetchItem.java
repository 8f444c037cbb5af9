package org.postiljon.imap.server;

import java.util.List;

/**
 * One FETCH data item (RFC 9051 §6.4.5). BINARY and BINARY.SIZE (RFC 3516) are sections too. For body sections: the part path, what of the part
 * ({@code ""}, HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT, MIME), the header field names, and
 * an optional partial range ({@code start} and {@code count}, -1 when absent).
 */
record FetchItem(String name, boolean peek, int[] path, String kind, List<String> fields, long start, long count) {

    static FetchItem simple(String name) {
        return new FetchItem(name, true, null, null, List.of(), -1, -1);
    }

    boolean isSection() {
        return path != null;
    }

    /** Whether answering it marks the message \Seen (RFC 9051 §6.4.5: BODY[], RFC822, RFC822.TEXT). */
    boolean setsSeen() {
        return (isSection() && !peek && !name.equals("BINARY.SIZE")) || name.equals("RFC822") || name.equals("RFC822.TEXT");
    }

    /** The item's name in the response, e.g. {@code BODY[1.HEADER.FIELDS (FROM)]<0>}. */
    String responseName() {
        if (!isSection()) return name;
        StringBuilder b = new StringBuilder(name.startsWith("BINARY") ? name + "[" : "BODY[");
        for (int i = 0; i < path.length; i++) {
            if (i > 0) b.append('.');
            b.append(path[i]);
        }
        if (!kind.isEmpty()) b.append(path.length > 0 ? "." : "").append(kind);
        if (!fields.isEmpty()) b.append(" (").append(String.join(" ", fields)).append(')');
        b.append(']');
        if (start >= 0) b.append('<').append(start).append('>');
        return b.toString();
    }
}
