package org.postiljon.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postiljon.testkit.Feeds;

/**
 * The line reader SMTP, POP3 and IMAP share, as a table: what a client sends, the lines read (a
 * line longer than the limit is "TOO LONG", consumed to its end), fed whole, one byte per read and
 * split at every byte.
 */
class LineReaderTest {

    record Row(String wire, int max, String lines) { }

    static final Row[] ROWS = {
            new Row("NOOP\r\n", 10, "NOOP"),
            new Row("HELO a\r\nQUIT\r\n", 10, "HELO a|QUIT"),
            new Row("USER x\nPASS y\n", 10, "USER x|PASS y"),       // a bare LF ends a line too
            new Row("a\rb\r\n", 10, "a\rb"),                          // a CR alone is data
            new Row("\r\n\r\n", 10, "|"),                              // empty lines
            new Row("0123456789\r\nok\r\n", 10, "0123456789|ok"),     // exactly the limit, CRLF not counted
            new Row("0123456789A\r\nok\r\n", 10, "TOO LONG|ok"),     // one over: consumed, the next line intact
            new Row("0123456789ABCDEFGHIJ\nok\n", 10, "TOO LONG|ok"),
            new Row("last without end", 20, "last without end"),     // a final line the peer did not end
    };

    @Test
    void table() throws IOException {
        for (Row r : ROWS) {
            byte[] wire = r.wire().getBytes(StandardCharsets.ISO_8859_1);
            String what = r.wire().replace("\r", "<CR>").replace("\n", "<LF>");
            for (Feeds.Feed f : Feeds.of(wire)) assertEquals(r.lines(), read(f.in(), r.max()), what + " fed " + f.name());
        }
    }

    private static String read(InputStream in, int max) throws IOException {
        LineReader reader = new LineReader(in, max);
        List<String> lines = new ArrayList<>();
        while (true) {
            try {
                byte[] l = reader.readLine();
                if (l == null) break;
                lines.add(new String(l, StandardCharsets.ISO_8859_1));
            } catch (LineReader.LineTooLong e) {
                lines.add("TOO LONG");
            }
        }
        return String.join("|", lines);
    }
}
