package org.postiljon.imap.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postiljon.testkit.Feeds;

/**
 * The IMAP command reader as a table (RFC 9051 §9 grammar): raw bytes, the reads a command makes,
 * what they yield. Every row is also fed one byte per read and split in two at every byte, as a
 * network may deliver it; the result must not change.
 */
class CommandReaderTest {

    /**
     * @param wire    what the client sends
     * @param reads   the reads, in order: tag, sp, atom, astring, string, number, flags, message (a
     *                message literal's bytes), end
     * @param yields  the values read, joined by "|", then "+n" for n continuation requests; or
     *                "BAD" / "NO code" when the reads fail
     */
    record Row(String wire, String reads, String yields) { }

    static final Row[] ROWS = {
            new Row("a1 NOOP\r\n", "tag sp atom end", "a1|NOOP"),
            new Row("a1 LOGIN alice \"pa ss\"\r\n", "tag sp atom sp astring sp astring end", "a1|LOGIN|alice|pa ss"),
            // §4.3: quoted strings escape only " and \
            new Row("a1 LOGIN \"a\\\"b\" \"c\\\\d\"\r\n", "tag sp atom sp astring sp astring end", "a1|LOGIN|a\"b|c\\d"),
            new Row("a1 LOGIN \"a\\b\" x\r\n", "tag sp atom sp astring", "BAD"),
            // §4.3: a synchronizing literal is asked for with a continuation; a non-synchronizing one (RFC 7888) is not
            new Row("a1 LOGIN {5}\r\nalice {3}\r\npwd\r\n", "tag sp atom sp astring sp astring end", "a1|LOGIN|alice|pwd+2"),
            new Row("a1 LOGIN {5+}\r\nalice {3+}\r\npwd\r\n", "tag sp atom sp astring sp astring end", "a1|LOGIN|alice|pwd"),
            new Row("a1 LOGIN {0}\r\n \"\"\r\n", "tag sp atom sp astring sp astring end", "a1|LOGIN||+1"),
            // a literal's bytes are data: CRLF, quotes and braces inside it are not syntax
            new Row("a1 X {9+}\r\nq\"{1}\r\n)(\r\n", "tag sp atom sp astring end", "a1|X|q\"{1}\r\n)("),
            // RFC 3516 §4.2: literal8
            new Row("a1 APPEND INBOX ~{3+}\r\na\u0000b\r\n", "tag sp atom sp astring sp message end", "a1|APPEND|INBOX|a\u0000b"),
            new Row("a1 APPEND INBOX (\\Seen $Label) {5}\r\nhello\r\n", "tag sp atom sp astring sp flags sp message end",
                    "a1|APPEND|INBOX|\\Seen $Label|hello+1"),
            // RFC 9051 §9: "~foo" is an atom (a mailbox name), a literal8 only before "{"
            new Row("a1 SELECT ~foo\r\n", "tag sp atom sp astring end", "a1|SELECT|~foo"),
            new Row("a1 FETCH 18446744073709551616 x\r\n", "tag sp atom sp number", "BAD"),
            new Row("a1 FETCH 9223372036854775807\r\n", "tag sp atom sp number end", "a1|FETCH|9223372036854775807"),
            new Row("a1 NOOP extra\r\n", "tag sp atom end", "BAD"),
            new Row("a1  NOOP\r\n", "tag sp atom", "BAD"),
            new Row("a1 LOGIN {5}x\r\n", "tag sp atom sp astring", "BAD"), // a literal must end the line
            // before login a literal over 8 KiB is refused before a single byte is asked for
            new Row("a1 LOGIN {9999}\r\n", "tag sp atom sp astring", "NO TOOBIG"),
    };

    @Test
    void table() throws IOException {
        for (Row r : ROWS) {
            byte[] wire = r.wire().getBytes(StandardCharsets.ISO_8859_1);
            String what = r.wire().replace("\r", "<CR>").replace("\n", "<LF>");
            for (Feeds.Feed f : Feeds.of(wire)) assertEquals(r.yields(), run(f.in(), r.reads()), what + " fed " + f.name());
        }
    }

    private static String run(InputStream in, String reads) throws IOException {
        int[] continuations = {0};
        CommandReader c = new CommandReader(in, ImapLimits.DEFAULT, () -> continuations[0]++);
        List<String> out = new ArrayList<>();
        try {
            c.next();
            for (String read : reads.split(" ")) {
                switch (read) {
                    case "tag" -> out.add(c.tag());
                    case "sp" -> c.sp();
                    case "atom" -> out.add(c.atom());
                    case "astring" -> out.add(new String(c.astringBytes(), StandardCharsets.ISO_8859_1));
                    case "string" -> out.add(new String(c.stringBytes(), StandardCharsets.ISO_8859_1));
                    case "number" -> out.add(Long.toString(c.number()));
                    case "flags" -> out.add(String.join(" ", c.flagList()));
                    case "message" -> {
                        CommandReader.Literal l = c.messageLiteral(1 << 20, n -> { });
                        out.add(new String(l.stream().readAllBytes(), StandardCharsets.ISO_8859_1));
                        l.finish();
                    }
                    case "end" -> c.end();
                    default -> throw new IllegalArgumentException(read);
                }
            }
        } catch (BadSyntax e) {
            return "BAD";
        } catch (CommandFailed e) {
            return "NO " + e.code();
        }
        return String.join("|", out) + (continuations[0] == 0 ? "" : "+" + continuations[0]);
    }
}
