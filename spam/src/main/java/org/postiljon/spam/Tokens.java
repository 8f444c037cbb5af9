package org.postiljon.spam;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postiljon.mime.HeaderFields;
import org.postiljon.mime.MessageParser;
import org.postiljon.mime.ParsedMessage;
import org.postiljon.mime.SearchText;

/**
 * What the classifier counts in a message: the words of its decoded text (every text part, HTML
 * without tags, RFC 2047 headers decoded), the words of a few header fields marked with the field's
 * name ("subject:free"), the host names of its links ("url:example.com") and the sender's domain.
 * Each token is a 64-bit hash (FNV-1a of its UTF-8); a message gives each token once, at most
 * {@link #MAX} of them, so a huge message weighs no more than a long one.
 */
public final class Tokens {

    public static final int MAX = 3000;
    /** Decoded text looked at; the start of a message says what it is. */
    static final int MAX_TEXT = 100_000;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}$€£%!]{3,25}");
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)([a-z0-9.-]+\\.[a-z]{2,})");
    private static final String[] FIELDS = {"Subject", "From", "Reply-To", "To", "List-Id", "X-Mailer", "User-Agent", "Content-Type"};

    private Tokens() { }

    /** The tokens of a message (its bytes as stored), sorted. */
    public static long[] of(byte[] message) {
        Set<String> words = new LinkedHashSet<>();
        try {
            ParsedMessage parsed = new MessageParser().parse(new ByteArrayInputStream(message));
            SearchText text = SearchText.of(message, parsed.body(), MAX_TEXT);
            List<HeaderFields> fields = HeaderFields.of(message);
            for (String field : FIELDS) {
                String value = Rules.first(fields, field);
                if (value != null) words(field.toLowerCase(Locale.ROOT), value, words);
            }
            words("", text.body(), words);
            Matcher u = URL.matcher(text.body());
            while (u.find() && words.size() < MAX) words.add("url:" + u.group(1).toLowerCase(Locale.ROOT));
        } catch (IOException | RuntimeException e) {
            words("", new String(message, 0, Math.min(message.length, MAX_TEXT), StandardCharsets.ISO_8859_1), words);
        }
        long[] out = words.stream().limit(MAX).mapToLong(Tokens::hash).filter(h -> h != 0).distinct().toArray(); // 0 is the store's row of totals
        Arrays.sort(out);
        return out;
    }

    private static void words(String prefix, String text, Set<String> into) {
        Matcher m = WORD.matcher(text);
        String p = prefix.isEmpty() ? "" : prefix + ":";
        while (m.find() && into.size() < MAX) into.add(p + m.group().toLowerCase(Locale.ROOT));
    }

    static long hash(String token) {
        long h = 0xcbf29ce484222325L;
        for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
