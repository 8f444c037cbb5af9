package org.postiljon.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every message of the shared corpus parses into a structure whose offsets tile the message. */
class CorpusTest {

    static List<byte[]> corpus(Path dir, int count) throws IOException, InterruptedException {
        Path shared = Path.of(System.getProperty("postiljon.shared", "../../shared"));
        Path gen = shared.resolve("corpus/gen_mbox.py");
        assertTrue(Files.exists(gen), "corpus generator not found at " + gen);
        Path out = dir.resolve("corpus.mbox");
        Process p = new ProcessBuilder("python3", gen.toString(), "-n", String.valueOf(count), "--seed", "7", "-o", out.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "gen_mbox.py failed");
        return splitMbox(Files.readAllBytes(out));
    }

    /** mboxrd: "From " lines separate messages; ">From " unquoted; LF becomes CRLF. */
    static List<byte[]> splitMbox(byte[] mbox) {
        List<byte[]> out = new ArrayList<>();
        StringBuilder cur = null;
        for (String line : new String(mbox, StandardCharsets.ISO_8859_1).split("\n", -1)) {
            if (line.startsWith("From ")) {
                if (cur != null) out.add(cur.toString().getBytes(StandardCharsets.ISO_8859_1));
                cur = new StringBuilder();
                continue;
            }
            if (cur == null) continue;
            if (line.matches("^>+From .*")) line = line.substring(1);
            cur.append(line).append("\r\n");
        }
        if (cur != null) out.add(cur.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out;
    }

    @Test
    void everyCorpusMessageParsesWithConsistentOffsets(@TempDir Path dir) throws Exception {
        List<byte[]> messages = corpus(dir, 300);
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
