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
        return fold(new String(decoded, charset(part.param("charset"))), part.subtype().equals("html"));
    }

    /**
     * The first {@value #CHARS} characters of {@code text} with each run of white space as one
     * space, none at either end; for HTML, without its tags (each one a space), style and script
     * elements, and with the common entities replaced. One pass that stops when the preview is
     * full (a regular expression over the whole part cost a tenth of a delivery's parse).
     */
    static String fold(String text, boolean html) {
        StringBuilder out = new StringBuilder(CHARS + 8);
        int count = 0;
        boolean space = false;
        int i = 0;
        while (i < text.length() && count < CHARS) {
            char c = text.charAt(i);
            if (html && c == '<') {
                int close = text.indexOf('>', i);
                if (close >= 0) { // a tag; without its '>' the '<' is text
                    i = afterElement(text, i, close);
                    space = true;
                    continue;
                }
            }
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (html && c == '&') {
                for (String[] e : ENTITIES) {
                    if (text.startsWith(e[0], i)) {
                        cp = e[1].charAt(0);
                        next = i + e[0].length();
                        break;
                    }
                }
            }
            i = next;
            if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0x0B || out.isEmpty() && Character.isWhitespace(cp)) {
                space = true;
                continue;
            }
            if (space && !out.isEmpty()) {
                out.append(' ');
                count++;
                if (count == CHARS) break;
            }
            space = false;
            out.appendCodePoint(cp);
            count++;
        }
        return out.toString().strip();
    }

    private static final String[][] ENTITIES = {{"&nbsp;", " "}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}};

    /** Where the text goes on after the tag at {@code at} (ending at {@code close}): after a whole style or script element. */
    private static int afterElement(String text, int at, int close) {
        for (String name : new String[] {"style", "script"}) {
            if (text.regionMatches(true, at + 1, name, 0, name.length())) {
                String end = "</" + name + ">";
                for (int j = close + 1; j + end.length() <= text.length(); j++) {
                    if (text.charAt(j) == '<' && text.regionMatches(true, j, end, 0, end.length())) return j + end.length();
                }
            }
        }
        return close + 1;
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
