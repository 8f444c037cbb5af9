package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.postiljon.mime.MessageParser;

/** Header fields as RFC 8621 §4.1.2-4.1.3 shows them: raw, or parsed in one of the named forms. */
final class Headers {

    private static final Pattern IDS = Pattern.compile("<([^<>\\s]+)>");

    private Headers() { }

    /** The header's fields in order, {name, raw value without the colon} (RFC 8621 §4.1.3 EmailHeader). */
    static List<String[]> raw(byte[] message, int limit) {
        int end = Math.min(message.length, limit);
        String head = new String(message, 0, end, StandardCharsets.UTF_8);
        int blank = head.indexOf("\r\n\r\n");
        if (blank >= 0) head = head.substring(0, blank + 2);
        List<String[]> out = new ArrayList<>();
        for (String line : head.split("\r\n(?![ \t])")) {
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            out.add(new String[] {line.substring(0, colon).strip(), line.substring(colon + 1)});
        }
        return out;
    }

    /** {@code header:Name[:asForm][:all]} (RFC 8621 §4.1.3). */
    static JsonNode property(List<String[]> fields, String property) {
        String[] p = property.split(":");
        if (p.length < 2 || p.length > 4) throw MethodError.invalidArguments("bad header property " + property);
        String name = p[1];
        boolean all = p[p.length - 1].equals("all");
        String form = p.length >= 3 && !p[2].equals("all") ? p[2] : "asRaw";
        List<String> values = new ArrayList<>();
        for (String[] f : fields) if (f[0].equalsIgnoreCase(name)) values.add(f[1]);
        if (!all) {
            if (values.isEmpty()) return NullNode.instance;
            return parsed(values.getLast(), form, property);
        }
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (String v : values) a.add(parsed(v, form, property));
        return a;
    }

    private static JsonNode parsed(String raw, String form, String property) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        String unfolded = raw.replace("\r\n", "");
        return switch (form) {
            case "asRaw" -> f.textNode(raw);
            case "asText" -> f.textNode(MessageParser.decodeText(unfolded).strip());
            case "asMessageIds" -> {
                ArrayNode a = f.arrayNode();
                Matcher m = IDS.matcher(unfolded);
                while (m.find()) a.add(m.group(1));
                yield a.isEmpty() ? NullNode.instance : a;
            }
            case "asURLs" -> {
                ArrayNode a = f.arrayNode();
                Matcher m = Pattern.compile("<([^>]*)>").matcher(unfolded);
                while (m.find()) a.add(m.group(1).strip());
                yield a.isEmpty() ? NullNode.instance : a;
            }
            case "asDate" -> {
                try {
                    yield f.textNode(java.time.ZonedDateTime.parse(unfolded.strip().replaceAll("\\s*\\(.*\\)$", ""),
                            java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toOffsetDateTime().toString());
                } catch (RuntimeException e) {
                    yield NullNode.instance;
                }
            }
            case "asAddresses" -> {
                ArrayNode a = f.arrayNode();
                for (var addr : LenientAddressParser.DEFAULT.parseAddressList(unfolded)) {
                    if (addr instanceof Mailbox mb) a.add(mailbox(mb));
                    if (addr instanceof Group g) for (Mailbox mb : g.getMailboxes()) a.add(mailbox(mb));
                }
                yield a;
            }
            case "asGroupedAddresses" -> {
                ArrayNode a = f.arrayNode();
                for (var addr : LenientAddressParser.DEFAULT.parseAddressList(unfolded)) {
                    var g = a.addObject();
                    ArrayNode list = f.arrayNode();
                    if (addr instanceof Mailbox mb) {
                        g.putNull("name");
                        list.add(mailbox(mb));
                    }
                    if (addr instanceof Group gr) {
                        g.put("name", MessageParser.decodeText(gr.getName()));
                        for (Mailbox mb : gr.getMailboxes()) list.add(mailbox(mb));
                    }
                    g.set("addresses", list);
                }
                yield a;
            }
            default -> throw MethodError.invalidArguments("unknown header form " + form + " in " + property);
        };
    }

    private static JsonNode mailbox(Mailbox mb) {
        var o = JsonNodeFactory.instance.objectNode();
        o.put("name", mb.getName() == null ? null : MessageParser.decodeText(mb.getName()));
        o.put("email", mb.getAddress());
        return o;
    }
}
