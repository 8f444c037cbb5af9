package org.postiljon.imap.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.mailbox.api.structure.BodyPart;

/** Where a body section's bytes are (RFC 9051 §6.4.5 part numbering), from the stored offsets. */
final class Sections {

    private Sections() { }

    /** {start, end} offsets in the message of what {@code item} names. */
    static long[] range(BodyPart root, FetchItem item, long size) {
        int[] path = item.path();
        String kind = item.kind();
        if (path.length == 0) {
            return switch (kind) {
                case "" -> new long[] {0, size};
                case "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT" -> new long[] {root.headerStart(), root.bodyStart()};
                case "TEXT" -> new long[] {root.bodyStart(), size};
                default -> throw new CommandFailed(null, "invalid section");
            };
        }
        BodyPart part = part(root, path);
        return switch (kind) {
            case "" -> new long[] {part.bodyStart(), part.bodyEnd()};
            case "MIME" -> new long[] {part.headerStart(), part.bodyStart()};
            case "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT" -> {
                // Only an encapsulated message has a HEADER and TEXT of its own.
                if (!part.isMessage()) throw new CommandFailed(null, "part " + join(path) + " is not a message/rfc822 part");
                BodyPart inner = part.messageBody();
                yield kind.equals("TEXT") ? new long[] {inner.bodyStart(), inner.bodyEnd()} : new long[] {inner.headerStart(), inner.bodyStart()};
            }
            default -> throw new CommandFailed(null, "invalid section");
        };
    }

    /**
     * Follows a part path: in a multipart, N is its Nth child; in a message/rfc822 part, numbering
     * continues in the encapsulated message's body; a single-part body has only part 1, itself.
     */
    static BodyPart part(BodyPart root, int[] path) {
        BodyPart cur = root;
        for (int i = 0; i < path.length; i++) {
            int n = path[i];
            if (i > 0 && cur.isMessage()) cur = cur.messageBody();
            if (cur.isMultipart() && !cur.parts().isEmpty()) {
                if (n > cur.parts().size()) throw new CommandFailed(null, "no part " + join(path));
                cur = cur.parts().get(n - 1);
            } else if (n != 1) {
                throw new CommandFailed(null, "no part " + join(path));
            }
        }
        return cur;
    }

    private static String join(int[] path) {
        StringBuilder b = new StringBuilder();
        for (int p : path) b.append(b.isEmpty() ? "" : ".").append(p);
        return b.toString();
    }

    /** The header's fields named in {@code fields} (or all others), then the blank line. */
    static byte[] filterHeader(byte[] header, List<String> fields, boolean not) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String text = new String(header, StandardCharsets.ISO_8859_1);
        boolean keep = false;
        for (String line : text.split("\r\n", -1)) {
            if (line.isEmpty()) break;
            if (line.charAt(0) != ' ' && line.charAt(0) != '\t') {
                int colon = line.indexOf(':');
                String name = colon > 0 ? line.substring(0, colon).strip().toUpperCase(Locale.ROOT) : "";
                keep = colon > 0 && fields.contains(name) != not;
            }
            if (keep) out.writeBytes((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(new byte[] {'\r', '\n'});
        return out.toByteArray();
    }
}
