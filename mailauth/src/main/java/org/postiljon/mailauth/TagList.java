package org.postiljon.mailauth;

import java.util.LinkedHashMap;
import java.util.Map;

/** RFC 6376 §3.2 tag=value lists (DKIM-Signature fields and key records). */
final class TagList {

    private TagList() { }

    /**
     * The tags of {@code text}, white space around names and values removed (and inside values
     * folded out). A tag twice, a tag without '=' or a name that is not ALPHA *(ALNUM / "_") is
     * an error (§3.2: "Tags with duplicate names MUST NOT occur").
     */
    static Map<String, String> parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String spec : text.split(";", -1)) {
            if (spec.isBlank()) continue; // a trailing ';' is allowed
            int eq = spec.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("a tag without '=': " + spec.strip());
            String name = spec.substring(0, eq).strip();
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) throw new IllegalArgumentException("not a tag name: " + name);
            String value = spec.substring(eq + 1).replaceAll("\r?\n", "").strip();
            if (tags.put(name, value) != null) throw new IllegalArgumentException("tag " + name + " twice");
        }
        return tags;
    }
}
