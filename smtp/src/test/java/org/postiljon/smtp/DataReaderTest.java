package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The end of DATA, dot-stuffing and bare line endings, as a table; each row also fed one byte per read. */
class DataReaderTest {

    /** @param wire what the client sends after DATA; rest what must remain unread after the end */
    record Row(String wire, String message, boolean bare, String rest) { }

    static final Row[] ROWS = {
            new Row(".\r\n", "", false, ""),
            new Row("a\r\n.\r\n", "a\r\n", false, ""),
            new Row("..x\r\n.\r\nNOOP\r\n", ".x\r\n", false, "NOOP\r\n"),
            new Row("...\r\n.\r\n", "..\r\n", false, ""),
            new Row("a\r\n.b\r\n.\r\n", "a\r\nb\r\n", false, ""),
            new Row("a\n.\nb\r\n.\r\n", "a\n.\nb\r\n", true, ""),         // <LF>.<LF> is not the end
            new Row("a\r.\rb\r\n.\r\n", "a\r.\rb\r\n", true, ""),          // <CR>.<CR> is not the end
            new Row("a\n.\r\nb\r\n.\r\n", "a\n.\r\nb\r\n", true, ""),      // <LF>.<CR><LF> is not the end
            new Row("a\r\n.\rx\r\n.\r\n", "a\r\n\rx\r\n", true, ""),       // a dot, then a bare CR
            new Row("a\r\r\n.\r\n", "a\r\r\n", true, ""),
            new Row("x\r\n.\r\n.\r\n", "x\r\n", false, ".\r\n"),
    };

    @Test
    void table() throws IOException {
        for (boolean slow : new boolean[] {false, true}) {
            for (Row r : ROWS) {
                ByteArrayInputStream raw = new ByteArrayInputStream(r.wire().getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = slow ? org.postiljon.testkit.Feeds.trickle(raw) : raw;
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                DataReader.Result result = DataReader.copy(in, out, 1000);
                String what = r.wire().replace("\r", "<CR>").replace("\n", "<LF>");
                assertEquals(r.message(), out.toString(StandardCharsets.ISO_8859_1), what);
                assertEquals(r.bare(), result.bareLineEnding(), what);
                assertEquals(r.rest(), new String(raw.readAllBytes(), StandardCharsets.ISO_8859_1), what);
            }
        }
    }

    /**
     * The reader takes its input in chunks; wherever the end falls against a chunk or a buffer
     * boundary, the message is whole and the pipelined command behind it is left unread.
     */
    @Test
    void theEndAcrossChunkBoundariesLeavesThePipelinedCommandUnread() throws IOException {
        for (int length = 4080; length <= 8210; length += (length > 4110 && length < 8180) ? 1009 : 1) {
            String line = "x".repeat(length - 2) + "\r\n";
            byte[] wire = (".." + line + line + ".\r\nQUIT\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int buffer : new int[] {64, 4096, 16 * 1024}) {
                java.io.BufferedInputStream in = new java.io.BufferedInputStream(new ByteArrayInputStream(wire), buffer);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                DataReader.Result r = DataReader.copy(in, out, 100_000);
                String what = "line length " + length + ", buffer " + buffer;
                assertEquals("." + line + line, out.toString(StandardCharsets.US_ASCII), what);
                assertEquals(false, r.bareLineEnding(), what);
                assertEquals("QUIT\r\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII), what);
            }
        }
    }

    @Test
    void overTheLimitOnlyCountsAndStillReadsToTheEnd() throws IOException {
        ByteArrayInputStream raw = new ByteArrayInputStream("0123456789\r\n.\r\nQUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataReader.Result r = DataReader.copy(raw, out, 5);
        assertEquals(true, r.tooBig());
        assertEquals(12, r.size());
        assertEquals(5, out.size());
        assertEquals("QUIT\r\n", new String(raw.readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void aConnectionThatEndsInsideDataIsNotAMessage() {
        assertThrows(EOFException.class, () -> DataReader.copy(new ByteArrayInputStream("half a message\r\n".getBytes()), new ByteArrayOutputStream(), 100));
    }
}
