package org.postiljon.jmap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.postiljon.mailbox.api.EmailId;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxId;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.ThreadId;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.BodyParts;
import org.postiljon.mailbox.api.structure.MessageStructure;
import org.postiljon.mime.MessageParser;
import org.postiljon.mime.Preview;
import org.postiljon.mime.TransferEncoding;

/**
 * An Email as RFC 8621 §4.1 shows it, from what was stored at delivery (keys, envelope, body
 * structure); the bytes are read only for body values, header fields and the sanitised HTML.
 */
final class EmailView {

    static final Set<String> PROPERTIES = Set.of("id", "blobId", "threadId", "mailboxIds", "keywords", "size", "receivedAt",
            "messageId", "inReplyTo", "references", "sender", "from", "to", "cc", "bcc", "replyTo", "subject", "sentAt",
            "hasAttachment", "preview", "bodyStructure", "bodyValues", "textBody", "htmlBody", "attachments", "headers",
            "sanitizedHtml");
    static final List<String> DEFAULT = List.of("id", "blobId", "threadId", "mailboxIds", "keywords", "size", "receivedAt",
            "messageId", "inReplyTo", "references", "sender", "from", "to", "cc", "bcc", "replyTo", "subject", "sentAt",
            "hasAttachment", "preview", "bodyValues", "textBody", "htmlBody", "attachments");
    static final List<String> BODY_DEFAULT = List.of("partId", "blobId", "size", "name", "type", "charset", "disposition", "cid",
            "language", "location");

    /** What a body-reading request asked for (RFC 8621 §4.2). */
    record Fetch(List<String> bodyProperties, boolean text, boolean html, boolean all, int maxBytes, boolean remoteImages) { }

    private EmailView() { }

    static String keyword(String flag) {
        return switch (flag) {
            case Flags.SEEN -> "$seen";
            case Flags.FLAGGED -> "$flagged";
            case Flags.ANSWERED -> "$answered";
            case Flags.DRAFT -> "$draft";
            case Flags.DELETED -> null; // IMAP-only state: JMAP destroys instead
            default -> flag.toLowerCase(Locale.ROOT);
        };
    }

    static String flag(String keyword) {
        return switch (keyword.toLowerCase(Locale.ROOT)) {
            case "$seen" -> Flags.SEEN;
            case "$flagged" -> Flags.FLAGGED;
            case "$answered" -> Flags.ANSWERED;
            case "$draft" -> Flags.DRAFT;
            default -> keyword;
        };
    }

    static String date(Instant t) {
        return t == null ? null : java.time.format.DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /**
     * One Email.
     * @param instances the messages with its content, in the user's own mailboxes (at least one)
     * @param bytes     opens the message's bytes, when a property needs them
     */
    static ObjectNode json(List<MessageInfo> instances, Map<Long, Mailbox> mailboxes, MessageKeys keys, List<String> props,
                           Fetch fetch, Supplier<InputStream> bytes) {
        MessageInfo first = instances.getFirst();
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        // The bytes are those of the first instance: a delivered one has its trace fields before the content.
        MessageStructure parse = keys.parse() == null ? null : keys.parse().after(first.traceLength());
        // Read only when a property needs them: the header fields (the root header's bytes, a few KB)
        // for sender, replyTo, references and header:*; the whole message for bodies.
        long headEnd = parse == null ? 256 * 1024 : parse.body().bodyStart();
        Supplier<byte[]> all = memo(() -> read(bytes, Long.MAX_VALUE));
        Supplier<List<String[]>> fields = memo(() -> Headers.raw(read(bytes, headEnd), Integer.MAX_VALUE));
        String emailId = EmailId.of(first).toString();
        Parts parts = parse == null ? null : new Parts(parse.body(), emailId);
        for (String p : props) {
            switch (p) {
                case "id" -> o.put("id", emailId);
                case "blobId" -> o.put("blobId", Blobs.messageBlobId(first.blobId()));
                case "threadId" -> o.put("threadId", ThreadId.of(keys, first.blobId()).toString());
                case "mailboxIds" -> {
                    ObjectNode m = o.putObject("mailboxIds");
                    for (MessageInfo i : instances) {
                        Mailbox mb = mailboxes.get(i.mailboxId());
                        if (mb != null) m.put(MailboxId.of(mb).toString(), true);
                    }
                }
                case "keywords" -> {
                    ObjectNode k = o.putObject("keywords");
                    for (String f : first.flags().names()) {
                        String kw = keyword(f);
                        if (kw != null) k.put(kw, true);
                    }
                }
                case "size" -> o.put("size", first.size());
                case "receivedAt" -> o.put("receivedAt", date(first.internalDate()));
                case "messageId" -> ids(o, "messageId", parse == null ? null : parse.envelope().messageId());
                case "inReplyTo" -> ids(o, "inReplyTo", parse == null ? null : parse.envelope().inReplyTo());
                case "references" -> {
                    ids(o, "references", header(fields.get(), "References"));
                }
                case "sender" -> addresses(o, p, parse == null ? null : header(fields.get(), "Sender") == null ? null : parse.envelope().sender());
                case "from" -> addresses(o, p, parse == null ? null : parse.envelope().from());
                case "to" -> addresses(o, p, parse == null ? null : parse.envelope().to());
                case "cc" -> addresses(o, p, parse == null ? null : parse.envelope().cc());
                case "bcc" -> addresses(o, p, parse == null ? null : parse.envelope().bcc());
                case "replyTo" -> addresses(o, p, parse == null ? null : header(fields.get(), "Reply-To") == null ? null : parse.envelope().replyTo());
                case "subject" -> o.put("subject", keys.subject() == null || keys.subject().isEmpty() ? null : keys.subject());
                case "sentAt" -> o.put("sentAt", keys.sentDate() == null ? null : keys.sentDate().atOffset(java.time.ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                case "hasAttachment" -> o.put("hasAttachment", parts != null && !parts.attachments.isEmpty());
                case "preview" -> o.put("preview", keys.preview() == null ? "" : keys.preview());
                case "bodyStructure" -> o.set("bodyStructure", parts == null ? null : parts.json(parse.body(), "", fetch.bodyProperties(), all, true));
                case "textBody" -> o.set("textBody", parts == null ? null : parts.list(parts.text, fetch.bodyProperties(), all));
                case "htmlBody" -> o.set("htmlBody", parts == null ? null : parts.list(parts.html, fetch.bodyProperties(), all));
                case "attachments" -> o.set("attachments", parts == null ? null : parts.list(parts.attachments, fetch.bodyProperties(), all));
                case "bodyValues" -> {
                    ObjectNode v = o.putObject("bodyValues");
                    if (parts == null) break;
                    List<BodyParts.Leaf> want = new ArrayList<>();
                    if (fetch.all()) {
                        for (BodyParts.Leaf l : parts.leaves) if (l.part().type().equals("text")) want.add(l);
                    } else {
                        if (fetch.text()) want.addAll(parts.text);
                        if (fetch.html()) want.addAll(parts.html);
                    }
                    for (BodyParts.Leaf l : want) {
                        if (!l.part().type().equals("text") || v.has(l.id())) continue;
                        v.set(l.id(), bodyValue(all.get(), l.part(), fetch.maxBytes()));
                    }
                }
                case "sanitizedHtml" -> o.put("sanitizedHtml", parts == null ? "" : sanitizedHtml(all.get(), parts, fetch.remoteImages()));
                case "headers" -> {
                    ArrayNode h = o.putArray("headers");
                    for (String[] f : fields.get()) {
                        h.addObject().put("name", f[0]).put("value", f[1]);
                    }
                }
                default -> {
                    if (p.startsWith("header:")) o.set(p, Headers.property(fields.get(), p));
                }
            }
        }
        return o;
    }

    /** The text of a text part, decoded (RFC 8621 §4.1.4 EmailBodyValue). */
    static ObjectNode bodyValue(byte[] message, BodyPart part, int maxBytes) {
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        byte[] decoded = decode(message, part);
        boolean problem = decoded == null;
        if (decoded == null) decoded = slice(message, part);
        String text;
        Charset cs = Preview.charset(part.param("charset"));
        try {
            text = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded)).toString();
        } catch (CharacterCodingException e) {
            problem = true;
            text = new String(decoded, cs);
        }
        text = text.replace("\r\n", "\n");
        boolean truncated = false;
        if (maxBytes > 0 && text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            int n = Math.min(text.length(), maxBytes);
            while (n > 0 && text.substring(0, n).getBytes(StandardCharsets.UTF_8).length > maxBytes) n--;
            if (n > 0 && Character.isHighSurrogate(text.charAt(n - 1))) n--;
            text = text.substring(0, n);
            truncated = true;
        }
        v.put("value", text);
        v.put("isEncodingProblem", problem);
        v.put("isTruncated", truncated);
        return v;
    }

    static byte[] slice(byte[] message, BodyPart part) {
        int from = (int) Math.min(message.length, part.bodyStart());
        int to = (int) Math.min(message.length, Math.max(from, part.bodyEnd()));
        return java.util.Arrays.copyOfRange(message, from, to);
    }

    /** The part's content with its transfer encoding undone, or null when it cannot be. */
    static byte[] decode(byte[] message, BodyPart part) {
        try {
            var in = TransferEncoding.decode(new java.io.ByteArrayInputStream(slice(message, part)), part.encoding());
            return in.isEmpty() ? null : in.get().readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static String sanitizedHtml(byte[] message, Parts parts, boolean remoteImages) {
        StringBuilder b = new StringBuilder();
        for (BodyParts.Leaf l : parts.html) {
            String html = bodyValue(message, l.part(), 0).get("value").asText();
            if (l.part().subtype().equals("plain")) {
                b.append("<pre>").append(HtmlSanitizer.escape(html)).append("</pre>");
            } else if (l.part().subtype().equals("html")) {
                b.append(HtmlSanitizer.sanitize(html, remoteImages));
            }
        }
        return b.toString();
    }

    private static void ids(ObjectNode o, String name, String raw) {
        if (raw == null || raw.isBlank()) {
            o.putNull(name);
            return;
        }
        ArrayNode a = o.putArray(name);
        var m = java.util.regex.Pattern.compile("<([^<>\\s]+)>").matcher(raw);
        while (m.find()) a.add(m.group(1));
        if (a.isEmpty()) o.putNull(name);
    }

    private static void addresses(ObjectNode o, String name, List<Address> list) {
        if (list == null || list.isEmpty()) {
            o.putNull(name);
            return;
        }
        ArrayNode a = o.putArray(name);
        for (Address x : list) {
            if (x.isGroupMarker()) continue;
            ObjectNode e = a.addObject();
            e.put("name", x.displayName());
            e.put("email", x.address());
        }
    }

    static String header(List<String[]> fields, String name) {
        for (String[] f : fields) if (f[0].equalsIgnoreCase(name)) return f[1];
        return null;
    }

    /** At most {@code max} bytes of the message. */
    private static byte[] read(Supplier<InputStream> bytes, long max) {
        try (InputStream in = bytes.get()) {
            return in.readNBytes((int) Math.min(max, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code s}, computed once when first asked for. */
    static <T> Supplier<T> memo(Supplier<T> s) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) value = s.get();
                return value;
            }
        };
    }

    /**
     * The parts of a message sorted into textBody, htmlBody and attachments by the algorithm of
     * RFC 8621 §4.1.4, with part ids that are IMAP section numbers.
     */
    static final class Parts {
        final List<BodyParts.Leaf> text;
        final List<BodyParts.Leaf> html;
        final List<BodyParts.Leaf> attachments;
        final List<BodyParts.Leaf> leaves;
        private final String emailId;

        Parts(BodyPart root, String emailId) {
            this.emailId = emailId;
            BodyParts sorted = new BodyParts(root);
            text = sorted.text();
            html = sorted.html();
            attachments = sorted.attachments();
            leaves = sorted.leaves();
        }

        ArrayNode list(List<BodyParts.Leaf> leaves, List<String> props, Supplier<byte[]> bytes) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            for (BodyParts.Leaf l : leaves) a.add(json(l.part(), l.id(), props, bytes, false));
            return a;
        }

        ObjectNode json(BodyPart p, String id, List<String> props, Supplier<byte[]> bytes, boolean deep) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            boolean multi = p.isMultipart();
            for (String prop : props) {
                switch (prop) {
                    case "partId" -> o.put("partId", multi ? null : (id.isEmpty() ? "1" : id));
                    case "blobId" -> o.put("blobId", multi ? null : Blobs.partBlobId(emailId, id.isEmpty() ? "1" : id));
                    case "size" -> o.put("size", p.size());
                    case "name" -> {
                        String n = org.postiljon.mime.Rfc2231.fileName(p);
                        o.put("name", n == null ? null : MessageParser.decodeText(n));
                    }
                    case "type" -> o.put("type", p.type() + "/" + p.subtype());
                    case "charset" -> o.put("charset", p.type().equals("text") ? (p.param("charset") == null ? "us-ascii" : p.param("charset")) : null);
                    case "disposition" -> o.put("disposition", p.disposition() == null ? null : p.disposition().toLowerCase(Locale.ROOT));
                    case "cid" -> o.put("cid", p.id() == null ? null : p.id().replaceAll("^<|>$", ""));
                    case "language" -> {
                        if (p.language() == null || p.language().isEmpty()) o.putNull("language");
                        else {
                            ArrayNode l = o.putArray("language");
                            p.language().forEach(l::add);
                        }
                    }
                    case "location" -> o.put("location", p.location());
                    case "headers" -> {
                        ArrayNode h = o.putArray("headers");
                        byte[] m = bytes.get();
                        int from = (int) Math.min(m.length, p.headerStart());
                        byte[] head = java.util.Arrays.copyOfRange(m, from, (int) Math.min(m.length, Math.max(from, p.bodyStart())));
                        for (String[] f : Headers.raw(head, head.length)) h.addObject().put("name", f[0]).put("value", f[1]);
                    }
                    default -> { }
                }
            }
            if (deep && multi) {
                ArrayNode subs = o.putArray("subParts");
                for (int i = 0; i < p.parts().size(); i++) subs.add(json(p.parts().get(i), BodyParts.section(id, i + 1), props, bytes, true));
            }
            return o;
        }

        /** The part with this IMAP section number, if any. */
        static BodyPart find(BodyPart root, String id) {
            if (id.equals("1") && !root.isMultipart()) return root;
            BodyPart p = root;
            for (String n : id.split("\\.")) {
                if (!p.isMultipart() || !n.matches("[1-9][0-9]{0,3}")) return null;
                int i = Integer.parseInt(n) - 1;
                if (i >= p.parts().size()) return null;
                p = p.parts().get(i);
            }
            return p;
        }
    }
}
