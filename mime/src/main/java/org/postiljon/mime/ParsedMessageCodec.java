package org.postiljon.mime;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The stored form of a parse: JSON, so a DBA can read it and later versions can add fields
 * (unknown fields are ignored when reading).
 */
public final class ParsedMessageCodec {

    /** Reads the stored form; also what {@link #encode} must agree with (a test compares them). */
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, true)
            .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.ALL, com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.NONE)
            .setVisibility(com.fasterxml.jackson.annotation.PropertyAccessor.FIELD, com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility.ANY);

    /** The part of a parse kept per message: envelope and body structure. */
    public record Stored(Envelope envelope, BodyPart body) {

        /**
         * The parse of the content as it stands in a message after {@code prefix} octets of trace
         * fields: every offset moves, but the header still starts at 0 (the trace fields are header
         * fields of the message).
         */
        public Stored after(long prefix) {
            if (prefix == 0) return this;
            BodyPart moved = shift(body, prefix);
            return new Stored(envelope, new BodyPart(moved.type(), moved.subtype(), moved.params(), moved.id(), moved.description(),
                    moved.encoding(), moved.md5(), moved.disposition(), moved.dispositionParams(), moved.language(), moved.location(),
                    0, moved.bodyStart(), moved.bodyEnd(), moved.lines(), moved.parts(), moved.message(), moved.messageBody()));
        }

        private static BodyPart shift(BodyPart p, long by) {
            if (p == null) return null;
            java.util.List<BodyPart> parts = p.parts() == null ? null : p.parts().stream().map(c -> shift(c, by)).toList();
            return new BodyPart(p.type(), p.subtype(), p.params(), p.id(), p.description(), p.encoding(), p.md5(), p.disposition(),
                    p.dispositionParams(), p.language(), p.location(), p.headerStart() + by, p.bodyStart() + by, p.bodyEnd() + by,
                    p.lines(), parts, p.message(), shift(p.messageBody(), by));
        }
    }

    private ParsedMessageCodec() { }

    /**
     * The JSON databind would write for {@link Stored}, written field by field: databind's
     * reflection was an eighth of a delivery's CPU. {@link #decode} reads either.
     */
    public static String encode(ParsedMessage m) {
        java.io.StringWriter out = new java.io.StringWriter(2048);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName("envelope");
            envelope(g, m.envelope());
            g.writeFieldName("body");
            body(g, m.body());
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot encode a parse", e);
        }
        return out.toString();
    }

    private static void envelope(JsonGenerator g, Envelope e) throws java.io.IOException {
        if (e == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("date", e.date());
        g.writeStringField("subject", e.subject());
        addresses(g, "from", e.from());
        addresses(g, "sender", e.sender());
        addresses(g, "replyTo", e.replyTo());
        addresses(g, "to", e.to());
        addresses(g, "cc", e.cc());
        addresses(g, "bcc", e.bcc());
        g.writeStringField("inReplyTo", e.inReplyTo());
        g.writeStringField("messageId", e.messageId());
        g.writeEndObject();
    }

    @FunctionalInterface
    private interface Item<T> {
        void write(JsonGenerator g, T item) throws java.io.IOException;
    }

    /** A list field: null as null, else each item in an array. */
    private static <T> void array(JsonGenerator g, String field, java.util.List<T> list, Item<T> item) throws java.io.IOException {
        g.writeFieldName(field);
        if (list == null) {
            g.writeNull();
            return;
        }
        g.writeStartArray();
        for (T t : list) item.write(g, t);
        g.writeEndArray();
    }

    private static void addresses(JsonGenerator g, String field, java.util.List<Address> list) throws java.io.IOException {
        array(g, field, list, (out, a) -> {
            out.writeStartObject();
            out.writeStringField("name", a.name());
            out.writeStringField("displayName", a.displayName());
            out.writeStringField("adl", a.adl());
            out.writeStringField("mailbox", a.mailbox());
            out.writeStringField("host", a.host());
            out.writeEndObject();
        });
    }

    private static void params(JsonGenerator g, String field, java.util.List<Param> list) throws java.io.IOException {
        array(g, field, list, (out, p) -> {
            out.writeStartObject();
            out.writeStringField("name", p.name());
            out.writeStringField("value", p.value());
            out.writeEndObject();
        });
    }

    private static void body(JsonGenerator g, BodyPart p) throws java.io.IOException {
        if (p == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("type", p.type());
        g.writeStringField("subtype", p.subtype());
        params(g, "params", p.params());
        g.writeStringField("id", p.id());
        g.writeStringField("description", p.description());
        g.writeStringField("encoding", p.encoding());
        g.writeStringField("md5", p.md5());
        g.writeStringField("disposition", p.disposition());
        params(g, "dispositionParams", p.dispositionParams());
        array(g, "language", p.language(), JsonGenerator::writeString);
        g.writeStringField("location", p.location());
        g.writeNumberField("headerStart", p.headerStart());
        g.writeNumberField("bodyStart", p.bodyStart());
        g.writeNumberField("bodyEnd", p.bodyEnd());
        g.writeNumberField("lines", p.lines());
        array(g, "parts", p.parts(), ParsedMessageCodec::body);
        g.writeFieldName("message");
        envelope(g, p.message());
        g.writeFieldName("messageBody");
        body(g, p.messageBody());
        g.writeEndObject();
    }

    public static Stored decode(String json) {
        try {
            return JSON.readValue(json, Stored.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored parse is unreadable", e);
        }
    }
}
