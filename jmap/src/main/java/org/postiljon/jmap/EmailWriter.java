package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.Body;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MessageBuilder;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;
import org.postiljon.mailbox.api.Account;

/**
 * A new message from an Email/set create object (RFC 8621 §4.6), written with Apache Mime4j:
 * the header from the address and text properties, the body from {@code bodyStructure} or from
 * {@code textBody}/{@code htmlBody}/{@code attachments} (text as quoted-printable UTF-8,
 * attachments as base64 from uploaded blobs).
 */
final class EmailWriter {

    private static final Set<String> ALLOWED = Set.of("mailboxIds", "keywords", "receivedAt", "messageId", "inReplyTo", "references",
            "sender", "from", "to", "cc", "bcc", "replyTo", "subject", "sentAt", "bodyStructure", "bodyValues", "textBody", "htmlBody",
            "attachments");
    private static final BasicBodyFactory BODIES = BasicBodyFactory.INSTANCE;
    private static final int MAX_PARTS = 100;

    private EmailWriter() { }

    static byte[] write(JsonNode email, Function<String, Optional<Blobs.Blob>> blobs, Account account) {
        if (!email.isObject()) throw new MethodError("invalidProperties", "an Email is an object");
        for (var it = email.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ALLOWED.contains(f) && !f.startsWith("header:")) throw new MethodError("invalidProperties", f + " cannot be set on a new Email");
        }
        try {
            MessageBuilder m = MessageBuilder.create();
            m.use(BODIES);
            List<Mailbox> from = mailboxes(email.get("from"), "from");
            if (!from.isEmpty()) m.setFrom(from);
            List<Mailbox> to = mailboxes(email.get("to"), "to");
            if (!to.isEmpty()) m.setTo(to);
            List<Mailbox> cc = mailboxes(email.get("cc"), "cc");
            if (!cc.isEmpty()) m.setCc(cc);
            List<Mailbox> bcc = mailboxes(email.get("bcc"), "bcc");
            if (!bcc.isEmpty()) m.setBcc(bcc);
            List<Mailbox> replyTo = mailboxes(email.get("replyTo"), "replyTo");
            if (!replyTo.isEmpty()) m.setReplyTo(replyTo);
            List<Mailbox> sender = mailboxes(email.get("sender"), "sender");
            if (!sender.isEmpty()) m.setSender(sender.getFirst());
            if (email.path("subject").isTextual()) m.setSubject(email.get("subject").asText());
            Date date = email.path("sentAt").isTextual() ? date(email.get("sentAt").asText()) : new Date();
            m.setDate(date);
            List<String> ids = ids(email.get("messageId"), "messageId");
            if (!ids.isEmpty()) m.setMessageId("<" + ids.getFirst() + ">");
            else m.generateMessageId(account.address().domain().ascii());
            List<String> inReplyTo = ids(email.get("inReplyTo"), "inReplyTo");
            if (!inReplyTo.isEmpty()) m.setField(new RawField("In-Reply-To", angle(inReplyTo)));
            List<String> refs = ids(email.get("references"), "references");
            if (!refs.isEmpty()) m.setField(new RawField("References", angle(refs)));
            for (var it = email.fields(); it.hasNext(); ) {
                var f = it.next();
                if (!f.getKey().startsWith("header:")) continue;
                String[] p = f.getKey().split(":");
                if (p.length != 2 && !(p.length == 3 && p[2].equals("asText"))) {
                    throw new MethodError("invalidProperties", "only header:Name and header:Name:asText can be set");
                }
                if (!p[1].matches("[!-9;-~]{1,76}")) throw new MethodError("invalidProperties", "bad header name " + p[1]);
                String v = f.getValue().asText();
                if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) throw new MethodError("invalidProperties", "a header value cannot hold line breaks");
                m.addField(new RawField(p[1], p.length == 3 ? EncoderUtil.encodeIfNecessary(v, EncoderUtil.Usage.TEXT_TOKEN, p[1].length() + 2) : v));
            }
            Content content = new Content(email.get("bodyValues"), blobs);
            if (email.hasNonNull("bodyStructure")) {
                if (email.hasNonNull("textBody") || email.hasNonNull("htmlBody") || email.hasNonNull("attachments")) {
                    throw new MethodError("invalidProperties", "bodyStructure or textBody/htmlBody/attachments, not both");
                }
                body(m, email.get("bodyStructure"), content, 0);
            } else {
                compose(m, email, content);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new DefaultMessageWriter().writeMessage(m.build(), out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new MethodError("invalidProperties", e.getMessage());
        }
    }

    private static String angle(List<String> ids) {
        StringBuilder b = new StringBuilder();
        for (String id : ids) b.append(b.isEmpty() ? "" : " ").append('<').append(id).append('>');
        return b.toString();
    }

    private static Date date(String s) {
        try {
            return Date.from(OffsetDateTime.parse(s).toInstant());
        } catch (RuntimeException e) {
            try {
                return Date.from(Instant.parse(s));
            } catch (RuntimeException e2) {
                throw new MethodError("invalidProperties", "sentAt is not a date: " + s);
            }
        }
    }

    private static List<String> ids(JsonNode n, String what) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) return out;
        if (!n.isArray()) throw new MethodError("invalidProperties", what + " is a list of ids");
        for (JsonNode i : n) {
            if (!i.isTextual() || !i.asText().matches("[^<>\\s@]+@[^<>\\s@]+")) throw new MethodError("invalidProperties", "bad id in " + what);
            out.add(i.asText());
        }
        return out;
    }

    private static List<Mailbox> mailboxes(JsonNode n, String what) {
        List<Mailbox> out = new ArrayList<>();
        if (n == null || n.isNull()) return out;
        if (!n.isArray()) throw new MethodError("invalidProperties", what + " is a list of addresses");
        for (JsonNode a : n) {
            String email = a.path("email").asText("");
            int at = email.lastIndexOf('@');
            if (at <= 0 || at == email.length() - 1 || email.chars().anyMatch(ch -> ch <= ' ' || ch == '<' || ch == '>' || ch == '"')) {
                throw new MethodError("invalidProperties", "bad address in " + what + ": " + email);
            }
            String name = a.path("name").isTextual() ? a.get("name").asText() : null;
            if (name != null && (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0)) throw new MethodError("invalidProperties", "bad name in " + what);
            out.add(new Mailbox(name, email.substring(0, at), email.substring(at + 1)));
        }
        return out;
    }

    /** Where part contents come from: bodyValues by partId, blobs by blobId. */
    private record Content(JsonNode values, Function<String, Optional<Blobs.Blob>> blobs) {
        String text(String partId) {
            JsonNode v = values == null ? null : values.get(partId);
            if (v == null || !v.path("value").isTextual()) throw new MethodError("invalidProperties", "no bodyValues for part " + partId);
            if (v.path("isTruncated").asBoolean(false) || v.path("isEncodingProblem").asBoolean(false)) {
                throw new MethodError("invalidProperties", "bodyValues of a new Email cannot be truncated or broken");
            }
            return v.get("value").asText().replace("\r\n", "\n").replace("\n", "\r\n");
        }

        byte[] blob(String blobId) {
            Blobs.Blob b = blobs.apply(blobId).orElseThrow(() -> new MethodError("blobNotFound", "no blob " + blobId));
            try (InputStream in = b.content()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void compose(MessageBuilder m, JsonNode email, Content content) throws IOException {
        JsonNode text = email.get("textBody");
        JsonNode html = email.get("htmlBody");
        JsonNode atts = email.get("attachments");
        for (JsonNode l : new JsonNode[] {text, html}) {
            if (l != null && !l.isNull() && (!l.isArray() || l.size() > 1)) throw new MethodError("invalidProperties", "textBody and htmlBody hold one part");
        }
        BodyPartBuilder textPart = text == null || text.isEmpty() ? null : leaf(text.get(0), content, "text/plain");
        BodyPartBuilder htmlPart = html == null || html.isEmpty() ? null : leaf(html.get(0), content, "text/html");
        BodyPartBuilder main;
        if (textPart != null && htmlPart != null) {
            main = BodyPartBuilder.create().setBody(MultipartBuilder.create("alternative").addBodyPart(textPart).addBodyPart(htmlPart).build());
        } else {
            main = textPart != null ? textPart : htmlPart;
        }
        List<BodyPartBuilder> attachments = new ArrayList<>();
        if (atts != null && !atts.isNull()) {
            if (!atts.isArray() || atts.size() > MAX_PARTS) throw new MethodError("invalidProperties", "attachments is a list of at most " + MAX_PARTS);
            for (JsonNode a : atts) attachments.add(leaf(a, content, null));
        }
        if (main == null) main = BodyPartBuilder.create().setBody("", StandardCharsets.UTF_8).setContentType("text/plain", new NameValuePair("charset", "utf-8"));
        if (attachments.isEmpty()) {
            copyInto(m, main);
            return;
        }
        MultipartBuilder mixed = MultipartBuilder.create("mixed").addBodyPart(main);
        for (BodyPartBuilder a : attachments) mixed.addBodyPart(a);
        m.setBody(mixed.build());
    }

    /** The top entity takes the part's body and content fields. */
    private static void copyInto(MessageBuilder m, BodyPartBuilder part) {
        for (var f : part.getFields()) m.setField(f);
        m.setBody(part.getBody());
    }

    private static void body(MessageBuilder m, JsonNode structure, Content content, int depth) throws IOException {
        copyInto(m, part(structure, content, depth));
    }

    private static BodyPartBuilder part(JsonNode p, Content content, int depth) throws IOException {
        if (depth > 16) throw new MethodError("invalidProperties", "bodyStructure nested too deep");
        String type = p.path("type").asText("");
        if (type.startsWith("multipart/") || p.has("subParts")) {
            JsonNode subs = p.get("subParts");
            if (subs == null || !subs.isArray() || subs.isEmpty() || subs.size() > MAX_PARTS) {
                throw new MethodError("invalidProperties", "a multipart needs 1 to " + MAX_PARTS + " subParts");
            }
            MultipartBuilder mp = MultipartBuilder.create(type.isEmpty() ? "mixed" : type.substring(10));
            for (JsonNode s : subs) mp.addBodyPart(part(s, content, depth + 1));
            return BodyPartBuilder.create().setBody(mp.build());
        }
        return leaf(p, content, null);
    }

    private static BodyPartBuilder leaf(JsonNode p, Content content, String defaultType) throws IOException {
        if (!p.isObject()) throw new MethodError("invalidProperties", "a body part is an object");
        String type = p.path("type").asText(defaultType == null ? "" : defaultType);
        if (type.isEmpty()) throw new MethodError("invalidProperties", "a body part needs a type");
        if (!type.matches("[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+")) throw new MethodError("invalidProperties", "bad type " + type);
        BodyPartBuilder b = BodyPartBuilder.create();
        String partId = p.path("partId").asText(null);
        String blobId = p.path("blobId").asText(null);
        if ((partId == null) == (blobId == null)) throw new MethodError("invalidProperties", "a body part has a partId or a blobId");
        String name = p.path("name").asText(null);
        if (partId != null) {
            if (!type.startsWith("text/")) throw new MethodError("invalidProperties", "bodyValues are text");
            Body body = BODIES.textBody(content.text(partId), StandardCharsets.UTF_8);
            b.setBody(body);
            b.setContentType(type, new NameValuePair("charset", "utf-8"));
            b.setContentTransferEncoding("quoted-printable");
        } else {
            byte[] bytes = content.blob(blobId);
            b.setBody(BODIES.binaryBody(bytes));
            if (type.equals("message/rfc822")) {
                b.setContentType(type);
                b.setContentTransferEncoding("7bit");
            } else {
                b.setContentType(type, name == null ? new NameValuePair[0] : new NameValuePair[] {new NameValuePair("name", name)});
                b.setContentTransferEncoding("base64");
            }
        }
        String disposition = p.path("disposition").asText(partId == null ? "attachment" : null);
        if (disposition != null) {
            if (name != null) b.setContentDisposition(disposition, name); else b.setContentDisposition(disposition);
        }
        if (p.path("cid").isTextual()) b.setField(new RawField("Content-ID", "<" + p.get("cid").asText().replaceAll("[<>\\s]", "") + ">"));
        return b;
    }
}
