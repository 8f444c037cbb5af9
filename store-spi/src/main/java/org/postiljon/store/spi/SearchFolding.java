package org.postiljon.store.spi;

/**
 * How a {@link SearchIndex} folds text: each code point to lower(upper(c)). Two characters the
 * matching rule of {@link org.postiljon.mailbox.api.SearchQuery} calls equal fold equal, so an
 * index of folded text loses no match. A few pairs the rule keeps apart fold equal too (a
 * non-ASCII character that folds to an ASCII one, such as U+017F or U+212A): a text that has one
 * is {@link #ambiguous}, and its hits must be confirmed by reading the message.
 */
public final class SearchFolding {

    private SearchFolding() { }

    public static int fold(int c) {
        return Character.toLowerCase(Character.toUpperCase(c));
    }

    /** The folded code points of {@code text}. */
    public static int[] foldedCodePoints(String text) {
        return text.codePoints().map(SearchFolding::fold).toArray();
    }

    public static String folded(String text) {
        int[] cps = foldedCodePoints(text);
        return new String(cps, 0, cps.length);
    }

    /** Whether the text has a character that folds to ASCII without being ASCII. */
    public static boolean ambiguous(String text) {
        return text.codePoints().anyMatch(c -> c >= 128 && fold(c) < 128);
    }

    /** Whether a hit for {@code needle} in a text that is not {@link #ambiguous} is certain without reading the message. */
    public static boolean certainFor(String needle) {
        return needle.chars().allMatch(c -> c < 128);
    }
}
