package org.postiljon.mailbox.api.structure;

import java.util.ArrayList;
import java.util.List;

/**
 * A message's leaf parts sorted into text body, HTML body and attachments by the algorithm of RFC
 * 8621 §4.1.4 (parseStructure), with part ids that are IMAP section numbers. One rule for every
 * reader: JMAP's textBody/htmlBody/attachments and hasAttachment, and the search for messages
 * with attachments.
 */
public final class BodyParts {

    /** A leaf part and its section number. */
    public record Leaf(String id, BodyPart part) { }

    private final List<Leaf> text = new ArrayList<>();
    private final List<Leaf> html = new ArrayList<>();
    private final List<Leaf> attachments = new ArrayList<>();
    private final List<Leaf> leaves = new ArrayList<>();

    public BodyParts(BodyPart root) {
        walk(List.of(root), List.of(root.isMultipart() ? "" : "1"), "mixed", false, html, text, attachments);
    }

    public List<Leaf> text() {
        return text;
    }

    public List<Leaf> html() {
        return html;
    }

    public List<Leaf> attachments() {
        return attachments;
    }

    /** Every leaf, in order. */
    public List<Leaf> leaves() {
        return leaves;
    }

    /** The section number of the {@code i}th (from 1) part under {@code parent} ("" for the top). */
    public static String section(String parent, int i) {
        return parent.isEmpty() ? Integer.toString(i) : parent + "." + i;
    }

    private static boolean inlineMedia(BodyPart p) {
        return p.type().equals("image") || p.type().equals("audio") || p.type().equals("video");
    }

    /**
     * Whether a part has a file name: Content-Disposition's filename or Content-Type's name, plain
     * or in RFC 2231's extended or numbered forms (the ones mime's Rfc2231.fileName decodes).
     */
    public static boolean named(BodyPart p) {
        return has(p.dispositionParams(), "filename") || has(p.params(), "name");
    }

    private static boolean has(List<Param> params, String key) {
        for (Param p : params) {
            String n = p.name().toLowerCase(java.util.Locale.ROOT);
            if (n.equals(key) || n.equals(key + "*")) return true;
            String section = n.startsWith(key + "*") ? n.substring(key.length() + 1).replaceFirst("\\*$", "") : "";
            if (section.matches("\\d{1,3}") && Integer.parseInt(section) < 100) return true; // RFC 2231 §3 sections (at most 100 read)
        }
        return false;
    }

    /** RFC 8621 §4.1.4 parseStructure, line by line; a null list is the spec's "null". */
    private void walk(List<BodyPart> parts, List<String> ids, String multipartType, boolean inAlternative,
                      List<Leaf> htmlBody, List<Leaf> textBody, List<Leaf> atts) {
        int textLength = textBody == null ? -1 : textBody.size();
        int htmlLength = htmlBody == null ? -1 : htmlBody.size();
        List<Leaf> t = textBody;
        List<Leaf> h = htmlBody; // set to null for the rest of this level, as the spec's reassignments do
        for (int i = 0; i < parts.size(); i++) {
            BodyPart part = parts.get(i);
            String type = part.type() + "/" + part.subtype();
            boolean isInline = !"attachment".equalsIgnoreCase(part.disposition())
                    && (type.equals("text/plain") || type.equals("text/html") || inlineMedia(part))
                    && (i == 0 || (!multipartType.equals("related") && (inlineMedia(part) || !named(part))));
            if (part.isMultipart()) {
                List<String> sub = new ArrayList<>();
                for (int j = 0; j < part.parts().size(); j++) sub.add(section(ids.get(i), j + 1));
                walk(part.parts(), sub, part.subtype(), inAlternative || part.subtype().equals("alternative"), h, t, atts);
                continue;
            }
            Leaf leaf = new Leaf(ids.get(i), part);
            leaves.add(leaf);
            if (!isInline) {
                atts.add(leaf);
                continue;
            }
            if (multipartType.equals("alternative")) {
                switch (type) {
                    case "text/plain" -> { if (t != null) t.add(leaf); }
                    case "text/html" -> { if (h != null) h.add(leaf); }
                    default -> atts.add(leaf);
                }
                continue;
            }
            if (inAlternative) {
                if (type.equals("text/plain")) h = null;
                if (type.equals("text/html")) t = null;
            }
            if (t != null) t.add(leaf);
            if (h != null) h.add(leaf);
            if ((t == null || h == null) && inlineMedia(part)) atts.add(leaf);
        }
        if (multipartType.equals("alternative") && textBody != null && htmlBody != null) {
            if (textLength == textBody.size() && htmlLength != htmlBody.size()) textBody.addAll(List.copyOf(htmlBody.subList(htmlLength, htmlBody.size())));
            if (htmlLength == htmlBody.size() && textLength != textBody.size()) htmlBody.addAll(List.copyOf(textBody.subList(textLength, textBody.size())));
        }
    }
}
