package org.postiljon.sieve;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a script's addheader and deleteheader did to the header (RFC 5293) when an action was
 * taken: fields added at the top and at the end, and which of the message's own fields are gone
 * (by name and occurrence, counted from 0 in header order).
 *
 * @param top     added at the beginning, in the order they end up in (the last addheader first)
 * @param bottom  added at the end (addheader :last), in order
 * @param deleted the message's own fields deleted: lower-case name to occurrences
 */
public record HeaderEdits(List<Field> top, List<Field> bottom, Map<String, Set<Integer>> deleted) {

    public static final HeaderEdits NONE = new HeaderEdits(List.of(), List.of(), Map.of());

    /** One added field, its value as the script gave it. */
    public record Field(String name, String value) {
        /** The field as it is written: RFC 2047 encoded words when the value is not short printable ASCII (RFC 5293 §4). */
        public String encoded() {
            boolean plain = value.length() <= 900 && value.chars().allMatch(c -> c >= 32 && c < 127);
            return name + ": " + (plain ? value : encodedWords(value)) + "\r\n";
        }
    }

    public HeaderEdits {
        top = List.copyOf(top);
        bottom = List.copyOf(bottom);
        Map<String, Set<Integer>> d = new HashMap<>();
        deleted.forEach((k, v) -> d.put(k, Set.copyOf(v)));
        deleted = Map.copyOf(d);
    }

    public boolean isEmpty() {
        return top.isEmpty() && bottom.isEmpty() && deleted.isEmpty();
    }

    /** Whether the edits only add fields at the top: they can be written before the unchanged message. */
    public boolean onlyAtTop() {
        return bottom.isEmpty() && deleted.isEmpty();
    }

    /** The fields added at the top, as written. */
    public String topFields() {
        StringBuilder b = new StringBuilder();
        for (Field f : top) b.append(f.encoded());
        return b.toString();
    }

    /**
     * The message's header with the edits made, through its blank line; null when {@code head}
     * (the message's first octets) does not hold the whole header.
     *
     * @return the edited header and how many octets of {@code head} it replaces
     */
    public Edited apply(byte[] head) {
        int end = headerEnd(head);
        if (end < 0) return null;
        ByteArrayOutputStream out = new ByteArrayOutputStream(end + 256);
        out.writeBytes(topFields().getBytes(StandardCharsets.UTF_8));
        Map<String, Integer> seen = new HashMap<>();
        int i = 0;
        int blank = end; // where the blank line begins
        while (blank > 0 && (head[blank - 1] == '\n' || head[blank - 1] == '\r')) blank--;
        while (i < blank) {
            int start = i;
            do {
                while (i < blank && head[i] != '\n') i++;
                if (i < blank) i++;
            } while (i < blank && (head[i] == ' ' || head[i] == '\t'));
            String line = new String(head, start, Math.min(i - start, 1000), StandardCharsets.ISO_8859_1);
            int colon = line.indexOf(':');
            String name = colon > 0 ? line.substring(0, colon).strip().toLowerCase(Locale.ROOT) : null;
            boolean drop = false;
            if (name != null) {
                int n = seen.merge(name, 1, Integer::sum) - 1;
                drop = deleted.getOrDefault(name, Set.of()).contains(n);
            }
            if (!drop) {
                out.write(head, start, i - start);
                if (i == blank && head[i - 1] != '\n') out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII)); // the last field, before the blank line
            }
        }
        for (Field f : bottom) out.writeBytes(f.encoded().getBytes(StandardCharsets.UTF_8));
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return new Edited(out.toByteArray(), end);
    }

    /** An edited header and the length of the original header it stands for. */
    public record Edited(byte[] header, int replaces) { }

    /** The offset after the header's blank line; -1 when there is none in {@code b}. */
    static int headerEnd(byte[] b) {
        if (b.length > 0 && (b[0] == '\n' || b.length > 1 && b[0] == '\r' && b[1] == '\n')) return b[0] == '\n' ? 1 : 2;
        for (int i = 0; i + 1 < b.length; i++) {
            if (b[i] != '\n') continue;
            if (b[i + 1] == '\n') return i + 2;
            if (b[i + 1] == '\r' && i + 2 < b.length && b[i + 2] == '\n') return i + 3;
        }
        return -1;
    }

    /** RFC 2047 §4.1 B encoded words of UTF-8, each at most 75 characters, folded apart. */
    static String encodedWords(String value) {
        String flat = value.replaceAll("[\\r\\n]+[ \\t]*", " ");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < flat.length()) {
            int j = i, bytes = 0;
            while (j < flat.length()) {
                int cp = flat.codePointAt(j);
                int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + n > 45) break;
                bytes += n;
                j += Character.charCount(cp);
            }
            if (!out.isEmpty()) out.append("\r\n ");
            out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(flat.substring(i, j).getBytes(StandardCharsets.UTF_8))).append("?=");
            i = j;
        }
        return out.toString();
    }

    /** The run's edits so far, mutable; {@link #snapshot} for an action. */
    static final class State {
        final List<Field> top = new ArrayList<>();
        final List<Field> bottom = new ArrayList<>();
        final Map<String, Set<Integer>> deleted = new HashMap<>();

        HeaderEdits snapshot() {
            return top.isEmpty() && bottom.isEmpty() && deleted.isEmpty() ? NONE : new HeaderEdits(top, bottom, deleted);
        }
    }
}
