package org.postiljon.mime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.postiljon.mailbox.api.structure.BodyPart;

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
     * space, none at either end; for HTML made text as {@link #stripTags} does. Stops when the
     * preview is full.
     */
    static String fold(String text, boolean html) {
        return text(text, html, true, CHARS);
    }

    /** HTML as text: each tag a space, style and script elements removed, the common entities replaced. */
    static String stripTags(String html) {
        return text(html, true, false, Integer.MAX_VALUE);
    }

    private static final String[][] ENTITIES = {{"&nbsp;", " "}, {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}};
    /** Elements whose content is not text; the same index in {@code ends} below. */
    private static final String[] HIDDEN = {"style", "script"};

    /**
     * One pass over {@code s} that stops at {@code limit} characters. Linear whatever the input: the
     * next '>' and the next end of each hidden element are looked up once and remembered, so a
     * message of unclosed tags costs no search per tag (a regular expression did, and recursed deeply).
     */
    private static String text(String s, boolean html, boolean fold, int limit) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), limit) + 8);
        int count = 0;
        boolean space = false;
        int gt = -2;                // the next '>' at or after the last look (-1: none; -2: not looked)
        int[] ends = {-2, -2};      // the same for "</style>" and "</script>"
        int i = 0;
        while (i < s.length() && count < limit) {
            char c = s.charAt(i);
            int cp;
            if (html && c == '<' && (gt == -2 || gt >= 0 && gt < i)) gt = s.indexOf('>', i);
            if (html && c == '<' && gt >= 0) { // a tag; without a '>' after it the '<' is text
                cp = ' ';
                i = afterTag(s, i, gt, ends);
            } else {
                cp = s.codePointAt(i);
                int next = i + Character.charCount(cp);
                if (html && c == '&') {
                    for (String[] e : ENTITIES) {
                        if (s.startsWith(e[0], i)) {
                            cp = e[1].charAt(0);
                            next = i + e[0].length();
                            break;
                        }
                    }
                }
                i = next;
            }
            if (!fold) {
                out.appendCodePoint(cp);
                count++;
                continue;
            }
            if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0x0B || out.isEmpty() && Character.isWhitespace(cp)) {
                space = true;
                continue;
            }
            if (space && !out.isEmpty()) {
                out.append(' ');
                if (++count == limit) break;
            }
            space = false;
            out.appendCodePoint(cp);
            count++;
        }
        return fold ? out.toString().strip() : out.toString();
    }

    /** Where the text goes on after the tag at {@code at} ending at {@code close}: past its whole element if it hides its content. */
    private static int afterTag(String s, int at, int close, int[] ends) {
        for (int k = 0; k < HIDDEN.length; k++) {
            if (!s.regionMatches(true, at + 1, HIDDEN[k], 0, HIDDEN[k].length())) continue;
            String end = "</" + HIDDEN[k] + ">";
            if (ends[k] == -2 || ends[k] >= 0 && ends[k] <= close) ends[k] = indexOfIgnoreCase(s, end, close + 1);
            if (ends[k] >= 0) return ends[k] + end.length();
        }
        return close + 1;
    }

    private static int indexOfIgnoreCase(String s, String what, int from) {
        for (int j = s.indexOf('<', from); j >= 0; j = s.indexOf('<', j + 1)) {
            if (s.regionMatches(true, j, what, 0, what.length())) return j;
        }
        return -1;
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
