package org.postiljon.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.structure.BodyPart;

/** Every message of the shared corpus parses into a structure whose offsets tile the message. */
class CorpusTest {

    @Test
    void everyCorpusMessageParsesWithConsistentOffsets(@TempDir Path dir) throws Exception {
        List<byte[]> messages = org.postiljon.testkit.Corpus.messages(dir, 300, 7);
        assertEquals(300, messages.size());
        int multiparts = 0, attachments = 0, encodedSubjects = 0;
        for (byte[] m : messages) {
            ParsedMessage p = new MessageParser().parse(new ByteArrayInputStream(m));
            assertFalse(p.envelope().from().isEmpty(), "every corpus message has a From");
            assertTrue(p.messageId() != null && p.messageId().startsWith("<"));
            check(p.body(), 0, m.length);
            if (p.body().isMultipart()) multiparts++;
            if (p.envelope().subject() != null && p.envelope().subject().contains("=?")) {
                encodedSubjects++;
                assertFalse(p.subject().contains("=?"), "decoded: " + p.subject());
            }
            attachments += countAttachments(p.body());
        }
        assertTrue(multiparts > 50, "corpus has multiparts: " + multiparts);
        assertTrue(attachments > 10, "corpus has attachments: " + attachments);
        assertTrue(encodedSubjects > 10, "corpus has RFC 2047 subjects: " + encodedSubjects);
    }

    private static int countAttachments(BodyPart p) {
        int n = "attachment".equals(p.disposition()) ? 1 : 0;
        for (BodyPart c : p.parts()) n += countAttachments(c);
        if (p.messageBody() != null) n += countAttachments(p.messageBody());
        return n;
    }

    private static void check(BodyPart p, long from, long to) {
        assertTrue(p.headerStart() >= from && p.headerStart() <= p.bodyStart(), "header inside parent");
        assertTrue(p.bodyStart() <= p.bodyEnd() && p.bodyEnd() <= to, "body inside parent");
        long last = p.bodyStart();
        for (BodyPart c : p.parts()) {
            check(c, last, p.bodyEnd());
            last = c.bodyEnd();
        }
        if (p.messageBody() != null) check(p.messageBody(), p.bodyStart(), p.bodyEnd());
    }
}
