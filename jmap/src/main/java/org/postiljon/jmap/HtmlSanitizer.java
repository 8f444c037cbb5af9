package org.postiljon.jmap;

import java.util.regex.Pattern;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;

/**
 * HTML mail made safe to show, with the OWASP Java HTML Sanitizer: formatting, tables, links and
 * inline styles stay; scripts, event handlers, forms, frames, objects and {@code javascript:} URLs
 * go. Remote images (http/https) are dropped unless the user allowed them for this message, so an
 * opened message tells no tracker that it was read; {@code data:} images stay. The webmail shows the
 * result in a sandboxed iframe without scripts under a CSP as a second wall.
 */
final class HtmlSanitizer {

    private static final Pattern REMOTE = Pattern.compile("(?i)^\\s*(https?:)?//.*");
    private static final Pattern DATA = Pattern.compile("(?is)^[\\s\\x00-\\x20]*d[\\s]*a[\\s]*t[\\s]*a[\\s]*:.*");

    private static PolicyFactory policy(boolean remoteImages) {
        return Sanitizers.FORMATTING.and(Sanitizers.BLOCKS).and(Sanitizers.TABLES).and(Sanitizers.STYLES)
                .and(new HtmlPolicyBuilder()
                        .allowElements("a").allowAttributes("title").onElements("a")
                        // data: is allowed for inline images only: a link to data:text/html would open a page the
                        // sender wrote, outside the sandbox, at an address that shows no sender (phishing).
                        .allowAttributes("href").matching((element, attr, value) -> DATA.matcher(value).matches() ? null : value).onElements("a")
                        .allowStandardUrlProtocols().requireRelsOnLinks("noopener", "noreferrer").allowAttributes("target").matching(
                                (element, attr, value) -> "_blank").onElements("a")
                        .allowElements("img").allowAttributes("alt", "width", "height", "title").onElements("img")
                        .allowUrlProtocols("http", "https", "mailto", "data")
                        .allowAttributes("src").matching((element, attr, value) -> {
                            if (value.regionMatches(true, 0, "data:image/", 0, 11)) return value;
                            if (REMOTE.matcher(value).matches()) return remoteImages ? value : null;
                            return null; // cid: and relative references lead nowhere in the frame
                        }).onElements("img")
                        .allowElements("font", "center", "hr", "br", "span", "div", "pre", "code", "blockquote")
                        .allowAttributes("color", "face", "size").onElements("font")
                        .allowAttributes("align", "valign", "bgcolor", "width", "height", "border", "cellpadding", "cellspacing", "colspan", "rowspan")
                        .globally()
                        .toFactory());
    }

    private static final PolicyFactory BLOCKED = policy(false);
    private static final PolicyFactory ALLOWED = policy(true);

    private HtmlSanitizer() { }

    static String sanitize(String html, boolean remoteImages) {
        return (remoteImages ? ALLOWED : BLOCKED).sanitize(html);
    }

    /** Whether the message has remote images the user could allow (the webmail shows a button then). */
    static boolean hasRemoteImages(String html) {
        return Pattern.compile("(?is)<img[^>]+src\\s*=\\s*[\"']?\\s*(https?:)?//").matcher(html).find();
    }

    /** Text as HTML: the five characters that matter escaped. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&#34;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
