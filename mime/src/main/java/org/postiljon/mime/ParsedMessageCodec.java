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
    public record Stored(Envelope envelope, BodyPart body) { }

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
