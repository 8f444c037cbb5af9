package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postiljon.mailbox.api.Messages;

/** SearchSnippet/get (RFC 8621 §5): the subject and preview with the filter's terms marked. */
final class SearchSnippets {

    private final JmapServices svc;

    SearchSnippets(JmapServices svc) {
        this.svc = svc;
    }

    void register(Map<String, Jmap.Method> m) {
        m.put("SearchSnippet/get", this::snippets);
    }


    private ObjectNode snippets(Call c) {
        c.accountId();
        ArrayNode ids = c.array("emailIds");
        if (ids == null) throw MethodError.invalidArguments("emailIds is required");
        if (ids.size() > svc.limits().maxObjectsInGet()) throw new MethodError("requestTooLarge", "too many emailIds");
        List<String> terms = new ArrayList<>();
        ObjectNode filter = c.object("filter");
        if (filter != null) terms(filter, terms);
        ObjectNode out = EmailMethods.base(c);
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        // One read for the whole list: each Email's first copy and its keys.
        List<String> emailIds = new ArrayList<>();
        ids.forEach(n -> emailIds.add(n.asText()));
        Map<String, Messages.Copies> found = EmailMethods.copies(svc, c.account, emailIds);
        for (String id : new java.util.LinkedHashSet<>(emailIds)) {
            Messages.Copies copies = found.get(id);
            if (copies == null) {
                notFound.add(id);
                continue;
            }
            ObjectNode s = list.addObject();
            s.put("emailId", id);
            s.put("subject", highlight(copies.keys().subject(), terms, false));
            s.put("preview", highlight(copies.keys().preview(), terms, true));
        }
        return out;
    }

    private static void terms(JsonNode f, List<String> out) {
        if (f.has("conditions")) {
            if (!"NOT".equals(f.path("operator").asText())) for (JsonNode x : f.get("conditions")) terms(x, out);
            return;
        }
        for (String k : List.of("text", "body", "subject")) if (f.path(k).isTextual()) out.add(f.get(k).asText());
    }

    /** The text HTML-escaped with the search terms in {@code <mark>} (RFC 8621 §5.1); null when nothing matched. */
    static String highlight(String text, List<String> terms, boolean excerpt) {
        if (text == null || terms.isEmpty()) return null;
        String lower = text.toLowerCase(Locale.ROOT);
        int first = -1;
        for (String t : terms) {
            int at = lower.indexOf(t.toLowerCase(Locale.ROOT));
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first < 0) return null;
        String s = text;
        if (excerpt && text.length() > 255) {
            int from = Math.max(0, first - 60);
            s = text.substring(from, Math.min(text.length(), from + 255));
        }
        StringBuilder b = new StringBuilder();
        String ls = s.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length()) {
            int best = -1;
            int len = 0;
            for (String t : terms) {
                int at = ls.indexOf(t.toLowerCase(Locale.ROOT), i);
                if (at >= 0 && !t.isEmpty() && (best < 0 || at < best)) {
                    best = at;
                    len = t.length();
                }
            }
            if (best < 0) {
                b.append(HtmlSanitizer.escape(s.substring(i)));
                break;
            }
            b.append(HtmlSanitizer.escape(s.substring(i, best)));
            b.append("<mark>").append(HtmlSanitizer.escape(s.substring(best, best + len))).append("</mark>");
            i = best + len;
        }
        return b.toString();
    }
}
