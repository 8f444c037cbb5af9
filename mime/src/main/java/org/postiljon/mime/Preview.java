package org.postiljon.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** RFC 8970 preview: the first characters of the first text part, decoded, whitespace folded. */
public final class Preview {

    private static final int CHARS = 256;

    private Preview() { }

    static String of(BodyPart part, byte[] raw) {
        if (part == null || raw.length == 0) return "";
        byte[] decoded;
        try (InputStream in = TransferEncoding.decode(new ByteArrayInputStream(raw), part.encoding()).orElse(new ByteArrayInputStream(raw))) {
            decoded = in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            decoded = raw;
        }
        String text = new String(decoded, charset(part.param("charset")));
        if (part.subtype().equals("html")) text = stripTags(text);
        text = text.replaceAll("\\s+", " ").strip();
        if (text.codePointCount(0, text.length()) > CHARS) text = text.substring(0, text.offsetByCodePoints(0, CHARS));
        return text;
    }

    /** HTML as text: scripts, styles and tags removed, the common entities replaced. */
    static String stripTags(String html) {
        return html.replaceAll("(?is)<(style|script)[^>]*>.*?</\\1>", " ")
                .replaceAll("(?s)<[^>]*>", " ")
                .replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
    }

    public static Charset charset(String name) {
        if (name == null) return StandardCharsets.US_ASCII;
        try {
            return Charset.forName(name.strip());
        } catch (RuntimeException e) {
            return StandardCharsets.ISO_8859_1; // unknown charsets lose no byte this way
        }
    }
}
