package org.postiljon.store.sql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.Envelope;
import org.postiljon.mailbox.api.structure.MessageStructure;
import org.postiljon.mailbox.api.structure.Param;

/**
 * The stored form of a message's structure ({@code message_parse.parse}): JSON, so a DBA can read
 * it, written and read field by field (Jackson's streaming API; reflection was an eighth of a
 * delivery's CPU). Fields a later version adds are skipped when reading, and a field missing from
 * an older row reads as null (0 for offsets), so rows of every version stay readable.
 */
final class StructureJson {

    private static final JsonFactory JSON = new JsonFactory();

    private StructureJson() { }

    static String encode(MessageStructure s) {
        StringWriter out = new StringWriter(2048);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("envelope");
            envelope(g, s.envelope());
            g.writeFieldName("body");
            body(g, s.body());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a message structure", e);
        }
        return out.toString();
    }

    static MessageStructure decode(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            Envelope envelope = null;
            BodyPart body = null;
            expect(p, p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "envelope" -> envelope = envelope(p);
                    case "body" -> body = body(p);
                    default -> p.skipChildren();
                }
            }
            return new MessageStructure(envelope, body);
        } catch (IOException e) {
            throw new IllegalArgumentException("stored message structure is unreadable", e);
        }
    }

    // ---- writing

    private static void envelope(JsonGenerator g, Envelope e) throws IOException {
        if (e == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("date", e.date());
        g.writeStringField("subject", e.subject());
        array(g, "from", e.from(), StructureJson::address);
        array(g, "sender", e.sender(), StructureJson::address);
        array(g, "replyTo", e.replyTo(), StructureJson::address);
        array(g, "to", e.to(), StructureJson::address);
        array(g, "cc", e.cc(), StructureJson::address);
        array(g, "bcc", e.bcc(), StructureJson::address);
        g.writeStringField("inReplyTo", e.inReplyTo());
        g.writeStringField("messageId", e.messageId());
        g.writeEndObject();
    }

    private static void address(JsonGenerator g, Address a) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", a.name());
        g.writeStringField("displayName", a.displayName());
        g.writeStringField("adl", a.adl());
        g.writeStringField("mailbox", a.mailbox());
        g.writeStringField("host", a.host());
        g.writeEndObject();
    }

    private static void param(JsonGenerator g, Param p) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", p.name());
        g.writeStringField("value", p.value());
        g.writeEndObject();
    }

    private static void body(JsonGenerator g, BodyPart p) throws IOException {
        if (p == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("type", p.type());
        g.writeStringField("subtype", p.subtype());
        array(g, "params", p.params(), StructureJson::param);
        g.writeStringField("id", p.id());
        g.writeStringField("description", p.description());
        g.writeStringField("encoding", p.encoding());
        g.writeStringField("md5", p.md5());
        g.writeStringField("disposition", p.disposition());
        array(g, "dispositionParams", p.dispositionParams(), StructureJson::param);
        array(g, "language", p.language(), JsonGenerator::writeString);
        g.writeStringField("location", p.location());
        g.writeNumberField("headerStart", p.headerStart());
        g.writeNumberField("bodyStart", p.bodyStart());
        g.writeNumberField("bodyEnd", p.bodyEnd());
        g.writeNumberField("lines", p.lines());
        array(g, "parts", p.parts(), StructureJson::body);
        g.writeFieldName("message");
        envelope(g, p.message());
        g.writeFieldName("messageBody");
        body(g, p.messageBody());
        g.writeEndObject();
    }

    @FunctionalInterface
    private interface Writer<T> {
        void write(JsonGenerator g, T item) throws IOException;
    }

    /** A list field: null as null, else each item in an array. */
    private static <T> void array(JsonGenerator g, String field, List<T> list, Writer<T> item) throws IOException {
        g.writeFieldName(field);
        if (list == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (T t : list) item.write(g, t);
        g.writeEndArray();
    }

    // ---- reading: each reader starts on its value's first token

    private static Envelope envelope(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) return null;
        expect(p, p.currentToken(), JsonToken.START_OBJECT);
        String date = null, subject = null, inReplyTo = null, messageId = null;
        List<Address> from = null, sender = null, replyTo = null, to = null, cc = null, bcc = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "date" -> date = p.getValueAsString();
                case "subject" -> subject = p.getValueAsString();
                case "from" -> from = list(p, StructureJson::address);
                case "sender" -> sender = list(p, StructureJson::address);
                case "replyTo" -> replyTo = list(p, StructureJson::address);
                case "to" -> to = list(p, StructureJson::address);
                case "cc" -> cc = list(p, StructureJson::address);
                case "bcc" -> bcc = list(p, StructureJson::address);
                case "inReplyTo" -> inReplyTo = p.getValueAsString();
                case "messageId" -> messageId = p.getValueAsString();
                default -> p.skipChildren();
            }
        }
        return new Envelope(date, subject, from, sender, replyTo, to, cc, bcc, inReplyTo, messageId);
    }

    private static Address address(JsonParser p) throws IOException {
        expect(p, p.currentToken(), JsonToken.START_OBJECT);
        String name = null, displayName = null, adl = null, mailbox = null, host = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = p.getValueAsString();
                case "displayName" -> displayName = p.getValueAsString();
                case "adl" -> adl = p.getValueAsString();
                case "mailbox" -> mailbox = p.getValueAsString();
                case "host" -> host = p.getValueAsString();
                default -> p.skipChildren();
            }
        }
        return new Address(name, displayName, adl, mailbox, host);
    }

    private static Param param(JsonParser p) throws IOException {
        expect(p, p.currentToken(), JsonToken.START_OBJECT);
        String name = null, value = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = p.getValueAsString();
                case "value" -> value = p.getValueAsString();
                default -> p.skipChildren();
            }
        }
        return new Param(name, value);
    }

    private static BodyPart body(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) return null;
        expect(p, p.currentToken(), JsonToken.START_OBJECT);
        String type = null, subtype = null, id = null, description = null, encoding = null, md5 = null, disposition = null,
                location = null;
        List<Param> params = null, dispositionParams = null;
        List<String> language = null;
        long headerStart = 0, bodyStart = 0, bodyEnd = 0, lines = 0;
        List<BodyPart> parts = null;
        Envelope message = null;
        BodyPart messageBody = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "type" -> type = p.getValueAsString();
                case "subtype" -> subtype = p.getValueAsString();
                case "params" -> params = list(p, StructureJson::param);
                case "id" -> id = p.getValueAsString();
                case "description" -> description = p.getValueAsString();
                case "encoding" -> encoding = p.getValueAsString();
                case "md5" -> md5 = p.getValueAsString();
                case "disposition" -> disposition = p.getValueAsString();
                case "dispositionParams" -> dispositionParams = list(p, StructureJson::param);
                case "language" -> language = list(p, JsonParser::getValueAsString);
                case "location" -> location = p.getValueAsString();
                case "headerStart" -> headerStart = p.getValueAsLong();
                case "bodyStart" -> bodyStart = p.getValueAsLong();
                case "bodyEnd" -> bodyEnd = p.getValueAsLong();
                case "lines" -> lines = p.getValueAsLong();
                case "parts" -> parts = list(p, StructureJson::body);
                case "message" -> message = envelope(p);
                case "messageBody" -> messageBody = body(p);
                default -> p.skipChildren();
            }
        }
        return new BodyPart(type, subtype, params, id, description, encoding, md5, disposition, dispositionParams, language,
                location, headerStart, bodyStart, bodyEnd, lines, parts, message, messageBody);
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(JsonParser p) throws IOException;
    }

    /** A list field: null as null, else an unmodifiable list of its items. */
    private static <T> List<T> list(JsonParser p, Reader<T> item) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) return null;
        expect(p, p.currentToken(), JsonToken.START_ARRAY);
        List<T> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) out.add(item.read(p));
        return java.util.Collections.unmodifiableList(out);
    }

    private static void expect(JsonParser p, JsonToken found, JsonToken wanted) throws IOException {
        if (found != wanted) throw new com.fasterxml.jackson.core.JsonParseException(p, "expected " + wanted + ", found " + found);
    }
}
