package org.postiljon.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 8970 previews: white space folded, HTML made text, at most 256 characters, read no further than needed. */
class PreviewTest {

    record Row(String in, boolean html, String preview) { }

    static final Row[] ROWS = {
            new Row("  Hello\r\n\r\n\tworld  \r\n", false, "Hello world"),
            new Row("a\u000Bb\fc", false, "a b c"),
            new Row("\u3000 ideographic\u3000space ", false, "ideographic\u3000space"),
            new Row("<p>Hello</p><p>world</p>", true, "Hello world"),
            new Row("<html><head><STYLE type=\"text/css\">p { color: red }</style></head><body>Hi &amp; bye&nbsp;now</body></html>", true, "Hi & bye now"),
            new Row("<script>if (a < b) x()</SCRIPT>text", true, "text"),
            new Row("<style>never closed, so only the tag goes", true, "never closed, so only the tag goes"),
            new Row("1 < 2 and no tag after", true, "1 < 2 and no tag after"),
            new Row("a<br>b", true, "a b"),
            new Row("&lt;b&gt; is shown as text", true, "<b> is shown as text"),
            new Row("😀 two 😀", false, "😀 two 😀"),
    };

    @Test
    void table() {
        for (Row r : ROWS) assertEquals(r.preview(), Preview.fold(r.in(), r.html()), r.in());
    }

    @Test
    void atMost256CharactersCountingCodePoints() {
        String words = "word ".repeat(100);
        assertEquals(words.substring(0, 256), Preview.fold(words, false));
        String emoji = "😀".repeat(300);
        assertEquals("😀".repeat(256), Preview.fold(emoji, false));
        // A large style block before the text does not push the text out.
        assertEquals("text", Preview.fold("<style>" + "x".repeat(100_000) + "</style>\n text", true));
    }

    /** The search text of an HTML part: markup gone, white space kept as it is (substring search sees it). */
    @Test
    void searchTextKeepsWhiteSpaceAndDropsOnlyMarkup() {
        assertEquals("a\n\n x  y&z ", Preview.stripTags("a\n\n<b>x</b><style>p{}</style>y&amp;z<br>"));
        assertEquals("1 < 2", Preview.stripTags("1 < 2"));
    }

    /** Hostile HTML (unclosed tags and elements by the hundred thousand) is made text in one pass, not one search per tag. */
    @Test
    void hostileMarkupIsOnePass() {
        String unclosedStyles = "<style>".repeat(200_000) + "text";
        String noTagEnd = "<".repeat(1_000_000);
        String unclosedScript = "<script>" + "<b>".repeat(300_000);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
            assertEquals("text", Preview.fold(unclosedStyles, true));
            assertEquals(" ".repeat(200_000) + "text", Preview.stripTags(unclosedStyles));
            assertEquals("<".repeat(256), Preview.fold(noTagEnd, true));
            assertEquals(noTagEnd, Preview.stripTags(noTagEnd));
            assertEquals(" ".repeat(300_001), Preview.stripTags(unclosedScript));
        });
    }
}
