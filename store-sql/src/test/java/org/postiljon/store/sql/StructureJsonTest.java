package org.postiljon.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.Envelope;
import org.postiljon.mailbox.api.structure.MessageStructure;
import org.postiljon.mailbox.api.structure.Param;
import org.postiljon.mime.MessageParser;
import org.postiljon.mime.ParsedMessage;
import org.postiljon.testkit.Corpus;

/** The stored form of a message's structure keeps every value, and rows of earlier versions stay readable. */
class StructureJsonTest {

    @Test
    void theShapesOfTheSharedCorpusReadBackEqual(@TempDir Path dir) throws Exception {
        for (byte[] m : Corpus.messages(dir, 300, 7)) {
            ParsedMessage p = new MessageParser().parse(new ByteArrayInputStream(m));
            assertEquals(p.structure(), StructureJson.decode(StructureJson.encode(p.structure())));
        }
    }

    /** A row as the previous version (Jackson databind over the mime module's records) wrote it. */
    static final String EARLIER_ROW = """
            {"envelope":{"date":"Tue, 1 Dec 2026 10:00:00 +0100","subject":"hi","from":[{"name":null,"displayName":"Jörg",\
            "adl":null,"mailbox":"jorg","host":"x.test"}],"sender":[],"replyTo":null,"to":[],"cc":[],"bcc":[],"inReplyTo":null,\
            "messageId":"<id@x>"},"body":{"type":"text","subtype":"plain","params":[{"name":"charset","value":"utf-8"}],"id":null,\
            "description":null,"encoding":"7bit","md5":null,"disposition":null,"dispositionParams":null,"language":null,\
            "location":null,"headerStart":0,"bodyStart":40,"bodyEnd":52,"lines":1,"parts":[],"message":null,"messageBody":null}}""";

    @Test
    void rowsOfTheEarlierVersionRead() {
        MessageStructure expected = new MessageStructure(
                new Envelope("Tue, 1 Dec 2026 10:00:00 +0100", "hi", List.of(new Address(null, "Jörg", null, "jorg", "x.test")),
                        List.of(), null, List.of(), List.of(), List.of(), null, "<id@x>"),
                new BodyPart("text", "plain", List.of(new Param("charset", "utf-8")), null, null, "7bit", null, null, null, null, null,
                        0, 40, 52, 1, List.of(), null, null));
        assertEquals(expected, StructureJson.decode(EARLIER_ROW));
        assertEquals(EARLIER_ROW, StructureJson.encode(expected), "the same form is written as before: no migration");
    }

    @Test
    void fieldsOfALaterVersionAreSkippedAndMissingOnesReadAsNothing() {
        String later = "{\"version\":3,\"envelope\":null,\"body\":{\"type\":\"text\",\"subtype\":\"html\",\"new\":{\"a\":[1,{\"b\":2}]},"
                + "\"bodyEnd\":9,\"parts\":[{\"type\":\"x\",\"subtype\":\"y\",\"more\":[[]]}]},\"after\":\"x\"}";
        MessageStructure s = StructureJson.decode(later);
        assertEquals(null, s.envelope());
        assertEquals("html", s.body().subtype());
        assertEquals(9, s.body().bodyEnd());
        assertEquals(0, s.body().bodyStart());
        assertEquals(null, s.body().params());
        assertEquals("y", s.body().parts().getFirst().subtype());
    }

    @Test
    void aDamagedRowIsAClearErrorNotAWrongStructure() {
        for (String bad : List.of("", "[]", "{\"body\":{\"type\":\"text\"", "{\"body\":[1]}", "{\"envelope\":{\"from\":{}}}", "nonsense")) {
            assertThrows(IllegalArgumentException.class, () -> StructureJson.decode(bad), bad);
        }
    }
}
