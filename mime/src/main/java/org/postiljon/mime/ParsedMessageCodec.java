package org.postiljon.mime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The stored form of a parse: JSON, so a DBA can read it and later versions can add fields
 * (unknown fields are ignored when reading).
 */
public final class ParsedMessageCodec {

    private static final ObjectMapper JSON = new ObjectMapper()
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

    public static String encode(ParsedMessage m) {
        try {
            return JSON.writeValueAsString(new Stored(m.envelope(), m.body()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a parse", e);
        }
    }

    public static Stored decode(String json) {
        try {
            return JSON.readValue(json, Stored.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("stored parse is unreadable", e);
        }
    }
}
