package org.postiljon.mailauth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** RFC 6376 §3.4's rules, with the example of §3.4.6 and the corner cases around it. */
class CanonicalizationTest {

    /** RFC 6376 §3.4.6, the example message. */
    static final String EXAMPLE = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    static String headers(Canonicalization c, String message) throws IOException {
        StringBuilder b = new StringBuilder();
        for (HeaderSection.Field f : HeaderSection.read(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1))).fields()) {
            b.append(c.header(f.raw()));
        }
        return b.toString();
    }

    /** The canonical body, recovered by hashing it and comparing with the hash of the expected text. */
    static String bodyHash(Canonicalization c, String body) throws IOException {
        MessageDigest d = Dkim.sha256();
        c.body(new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), d, Long.MAX_VALUE);
        return Base64.getEncoder().encodeToString(d.digest());
    }

    static String hash(String canonical) {
        return Base64.getEncoder().encodeToString(Dkim.sha256().digest(canonical.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void theRfcExample() throws IOException {
        assertEquals("a:X\r\nb:Y Z\r\n", headers(Canonicalization.RELAXED, EXAMPLE));
        assertEquals("A: X\r\nB : Y\t\r\n\tZ  \r\n", headers(Canonicalization.SIMPLE, EXAMPLE));
        // A colon inside the value is content: the white space after it is kept as one SP.
        assertEquals("h:from: to:x\r\n", headers(Canonicalization.RELAXED, "H: from:\r\n\t to:x\r\n\r\n"));
        String body = EXAMPLE.substring(EXAMPLE.indexOf("\r\n\r\n") + 4);
        assertEquals(hash(" C\r\nD E\r\n"), bodyHash(Canonicalization.RELAXED, body));
        assertEquals(hash(" C \r\nD \t E\r\n"), bodyHash(Canonicalization.SIMPLE, body));
    }

    @Test
    void emptyBodiesAndMissingLineEnds() throws IOException {
        // RFC 6376 §3.4.3: an empty body is CRLF in simple; §3.4.4 with erratum 1384: nothing in relaxed.
        assertEquals(hash("\r\n"), bodyHash(Canonicalization.SIMPLE, ""));
        assertEquals(hash(""), bodyHash(Canonicalization.RELAXED, ""));
        assertEquals(hash("\r\n"), bodyHash(Canonicalization.SIMPLE, "\r\n\r\n\r\n"));
        assertEquals(hash(""), bodyHash(Canonicalization.RELAXED, " \r\n\t\r\n"));
        assertEquals(hash("last\r\n"), bodyHash(Canonicalization.RELAXED, "last"), "a final line without CRLF gets one");
        assertEquals(hash("a\r\n\r\nb\r\n"), bodyHash(Canonicalization.SIMPLE, "a\n\nb\n"), "bare LF lines as they go out: CRLF");
        assertEquals(hash("x\ry\r\n"), bodyHash(Canonicalization.SIMPLE, "x\ry\r\n"), "a lone CR is content");
        assertEquals(hash(" \r\n\r\nz\r\n"), bodyHash(Canonicalization.SIMPLE, " \r\n\r\nz\r\n"), "simple keeps a line of spaces");
    }

    @Test
    void aBodyLengthLimitHashesOnlyThatManyCanonicalOctets() throws IOException {
        MessageDigest d = Dkim.sha256();
        long length = Canonicalization.RELAXED.body(new ByteArrayInputStream("hello  world\r\nmore\r\n".getBytes(StandardCharsets.US_ASCII)), d, 5);
        assertEquals(19, length, "the whole canonical length is counted");
        assertEquals(hash("hello"), Base64.getEncoder().encodeToString(d.digest()));
    }

    @Test
    void tagListsFollowTheirGrammar() {
        assertEquals(java.util.Map.of("v", "1", "a", "rsa-sha256", "b", "abc\t def"), TagList.parse(" v = 1 ;a=rsa-sha256;\r\n\tb=abc\r\n\t def; "));
        for (String bad : new String[] {"v=1; v=2", "novalue", "1x=3", "=x"}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> TagList.parse(bad), bad);
        }
    }
}
