package org.postiljon.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.postiljon.mailbox.api.structure.BodyPart;

/**
 * The text that SEARCH TEXT and BODY look in (RFC 9051 §6.4.4), and that the full-text index
 * holds: the header with its encoded words decoded (RFC 2047), then the decoded text of every
 * text/* part, HTML without its tags, and the header and text of attached messages. Transfer
 * encodings and charsets are undone, so a word in a base64 UTF-8 part is found; binary parts
 * (images, PDFs, archives) are left out, so their bytes never match by chance.
 *
 * @param header the message's header section
 * @param body   the text of its parts, each on its own lines
 */
public record SearchText(String header, String body) {

    /** The header and the body, as TEXT matches them. */
    public String whole() {
        return header + "\r\n" + body;
    }

    /** The search text of {@code message}, whose structure is {@code root}; at most {@code maxChars} characters of body. */
    public static SearchText of(byte[] message, BodyPart root, int maxChars) {
        String header = decodeWords(new String(message, 0, (int) Math.min(message.length, Math.max(0, root.bodyStart())), StandardCharsets.UTF_8));
        StringBuilder body = new StringBuilder();
        append(message, root, body, maxChars, 0);
        return new SearchText(header, body.length() > maxChars ? body.substring(0, maxChars) : body.toString());
    }

    private static void append(byte[] m, BodyPart part, StringBuilder out, int max, int depth) {
        if (out.length() >= max || depth > 32) return;
        if (part.isMultipart()) {
            for (BodyPart p : part.parts()) append(m, p, out, max, depth + 1);
        } else if (part.isMessage()) {
            out.append(decodeWords(slice(m, part.messageBody().headerStart(), part.messageBody().bodyStart()))).append("\r\n");
            append(m, part.messageBody(), out, max, depth + 1);
        } else if (part.type().equals("text")) {
            String text = decoded(m, part);
            if (part.subtype().equals("html")) text = Preview.stripTags(text);
            out.append(text).append("\r\n");
        }
    }

    private static String slice(byte[] m, long from, long to) {
        int a = (int) Math.max(0, Math.min(m.length, from)), b = (int) Math.max(a, Math.min(m.length, to));
        return new String(m, a, b - a, StandardCharsets.UTF_8);
    }

    private static String decoded(byte[] m, BodyPart part) {
        int a = (int) Math.max(0, Math.min(m.length, part.bodyStart())), b = (int) Math.max(a, Math.min(m.length, part.bodyEnd()));
        byte[] raw = java.util.Arrays.copyOfRange(m, a, b);
        byte[] bytes;
        try (InputStream in = TransferEncoding.decode(new ByteArrayInputStream(raw), part.encoding()).orElse(new ByteArrayInputStream(raw))) {
            bytes = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            bytes = raw;
        }
        return new String(bytes, Preview.charset(part.param("charset")));
    }

    /** RFC 2047 encoded words decoded, everything else (line breaks included) as it was. */
    private static String decodeWords(String raw) {
        return raw.contains("=?") ? DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT) : raw;
    }
}
