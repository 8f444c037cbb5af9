package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every English text the webmail shows has its Swedish and German translation in i18n.js: the
 * page's text, titles, placeholders and labels, and every {@code t('…')} in the code, read from
 * the files the server serves. A text added without its translations fails here, not in front of
 * a user.
 */
class WebmailTranslationsTest {

    static final String ROOT = "/org/postiljon/web/static/";
    /** Names and symbols that read the same in every language. */
    static final Set<String> SAME_EVERYWHERE = Set.of("Postiljon", "…", "B", "I", "U", "IMAP", "SMTP", "POP3", "ManageSieve", "JMAP", "OK", "✕");
    /** What the code passes to t() built from a variable: every value it can take. */
    static final List<String> COMPUTED = List.of("Theme: auto", "Theme: light", "Theme: dark", "Reading pane: right", "Reading pane: below",
            "Reading pane: off", "Inbox", "Sent", "Drafts", "Trash", "Junk", "Archive", "From", "To or Cc", "Subject", "contains", "is",
            "does not contain", "move to folder", "mark as read", "flag", "delete (to Trash)", "forward a copy to", "address", "folder",
            "Field", "Comparison", "Action");

    static String resource(String name) throws IOException {
        try (InputStream in = WebmailTranslationsTest.class.getResourceAsStream(ROOT + name)) {
            if (in == null) throw new IOException("no " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The string literals of JavaScript source in order, each with whether a colon follows it (an object key). */
    record Literal(String value, boolean key) { }

    static List<Literal> literals(String js) {
        List<Literal> out = new ArrayList<>();
        for (int i = 0; i < js.length(); i++) {
            char c = js.charAt(i);
            if (c == '/' && i + 1 < js.length() && js.charAt(i + 1) == '/') {
                i = js.indexOf('\n', i);
                if (i < 0) break;
            } else if (c == '\'' || c == '"' || c == '`') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                for (; j < js.length() && js.charAt(j) != c; j++) {
                    if (js.charAt(j) == '\\') j++;
                    b.append(js.charAt(j));
                }
                int k = j + 1;
                while (k < js.length() && Character.isWhitespace(js.charAt(k))) k++;
                out.add(new Literal(b.toString(), k < js.length() && js.charAt(k) == ':'));
                i = j;
            }
        }
        return out;
    }

    static Set<String> keys(String i18n, String from, String to) {
        String block = i18n.substring(i18n.indexOf(from), i18n.indexOf(to));
        Set<String> keys = new TreeSet<>();
        for (Literal l : literals(block)) if (l.key()) keys.add(l.value());
        return keys;
    }

    static Set<String> used() throws IOException {
        Set<String> used = new LinkedHashSet<>(COMPUTED);
        Pattern call = Pattern.compile("\\bt\\(\\s*'((?:[^'\\\\]|\\\\.)*)'\\s*[,)]"); // a whole literal, not 'Theme: ' + theme
        for (String file : List.of("app.js", "settings.js", "signin.js")) {
            Matcher m = call.matcher(resource(file));
            while (m.find()) used.add(m.group(1).replace("\\'", "'"));
        }
        String html = resource("index.html").replaceAll("(?s)<script.*?</script>|<style.*?</style>|<!--.*?-->", "");
        Matcher text = Pattern.compile(">([^<>]+)<").matcher(html);
        while (text.find()) {
            String s = text.group(1).replaceAll("\\s+", " ").trim().replace("&amp;", "&");
            if (!s.isEmpty()) used.add(s);
        }
        Matcher attr = Pattern.compile("\\b(?:title|placeholder|aria-label)=\"([^\"]+)\"").matcher(html);
        while (attr.find()) used.add(attr.group(1));
        used.removeAll(SAME_EVERYWHERE);
        return used;
    }

    @Test
    void everyTextHasItsSwedishAndGerman() throws Exception {
        String i18n = resource("i18n.js");
        Map<String, Set<String>> languages = Map.of("sv", keys(i18n, "const SV = {", "const DE = {"), "de", keys(i18n, "const DE = {", "const DICTIONARIES"));
        Set<String> used = used();
        assertTrue(used.size() > 200, "the texts were found: " + used.size());
        for (var l : languages.entrySet()) {
            Set<String> missing = new TreeSet<>(used);
            missing.removeAll(l.getValue());
            assertEquals(Set.of(), missing, "without a translation in " + l.getKey());
        }
        assertEquals(languages.get("sv"), languages.get("de"), "the same texts in both");
    }
}
