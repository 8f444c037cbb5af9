package org.postiljon.mime;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One entity's header fields, unfolded, in order. Values are Unicode (UTF-8, else Latin-1). */
final class Headers {

    record Field(String name, String value) { }

    private final List<Field> fields = new ArrayList<>();

    void add(byte[] rawLine) {
        String line = decode(rawLine);
        int colon = line.indexOf(':');
        if (colon <= 0) return; // not a field: ignored, as Mime4j's lenient parser does
        String name = line.substring(0, colon).strip();
        if (name.isEmpty() || name.contains(" ")) return;
        fields.add(new Field(name, line.substring(colon + 1).strip()));
    }

    /** The first value of a field, or null. */
    String get(String name) {
        for (Field f : fields) if (f.name().equalsIgnoreCase(name)) return f.value();
        return null;
    }


    /** RFC 6532 allows UTF-8 in headers; anything else 8-bit is read as Latin-1 so nothing is lost. */
    static String decode(byte[] raw) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
    }

}
