package org.postiljon.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.Envelope;

class MessageParserTest {

    private static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\n", "\r\n");
    }

    private static ParsedMessage parse(String message) throws IOException {
        return new MessageParser().parse(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }

    private static String slice(String message, long from, long to) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        return new String(b, (int) from, (int) (to - from), StandardCharsets.UTF_8);
    }

    static final String ALTERNATIVE = crlf("""
            From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.org>
            To: Alice <alice@example.org>, bob@example.org
            Cc: team: carol@example.org, dave@example.org;
            Subject: =?ISO-8859-1?Q?Re:_Gr=FC=DFe?= [fwd]
            Date: Tue, 3 Nov 2026 10:00:00 +0100
            Message-ID: <m1@example.org>
            In-Reply-To: <m0@example.org>
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="b1"

            preamble
            --b1
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Hallo =C3=BCber alles
            zweite Zeile
            --b1
            Content-Type: text/html; charset=utf-8

            <p>Hallo</p>
            --b1--
            epilogue
            """);

    @Test
    void multipartAlternativeHasBothPartsWithExactOffsets() throws IOException {
        ParsedMessage m = parse(ALTERNATIVE);
        BodyPart body = m.body();
        assertEquals("multipart", body.type());
        assertEquals("alternative", body.subtype());
        assertEquals(2, body.parts().size());
        BodyPart plain = body.parts().get(0);
        assertEquals("text", plain.type());
        assertEquals("plain", plain.subtype());
        assertEquals("quoted-printable", plain.encoding());
        assertEquals("Hallo =C3=BCber alles\r\nzweite Zeile", slice(ALTERNATIVE, plain.bodyStart(), plain.bodyEnd()));
        assertEquals(2, plain.lines());
        assertTrue(slice(ALTERNATIVE, plain.headerStart(), plain.bodyStart()).startsWith("Content-Type: text/plain"));
        BodyPart html = body.parts().get(1);
        assertEquals("<p>Hallo</p>", slice(ALTERNATIVE, html.bodyStart(), html.bodyEnd()));
        assertEquals(ALTERNATIVE.length(), body.bodyEnd());
    }

    @Test
    void aFoldedBoundaryParameterUnfoldsToItsExactValue() throws IOException {
        // RFC 5322 §2.2.3: unfolding removes the CRLF, nothing else; the boundary is "foo bar" with one space.
        String m = crlf("""
                Subject: folded
                Content-Type: multipart/mixed; boundary="foo
                 bar"

                --foo bar
                Content-Type: text/plain

                one
                --foo bar
                Content-Type: text/plain

                two
                --foo bar--
                """);
        BodyPart body = parse(m).body();
        assertEquals("foo bar", body.params().stream().filter(p -> p.name().equals("boundary")).findFirst().orElseThrow().value());
        assertEquals(2, body.parts().size(), "split at the boundary");
        assertEquals("two", slice(m, body.parts().get(1).bodyStart(), body.parts().get(1).bodyEnd()));
        assertEquals("folded subject", parse(crlf("Subject: folded\n subject\n\nx\n")).envelope().subject(), "one space, the fold's own");
    }

    @Test
    void envelopeKeepsRawTextAndDecodesForKeys() throws IOException {
        ParsedMessage m = parse(ALTERNATIVE);
        Envelope e = m.envelope();
        assertEquals("=?ISO-8859-1?Q?Re:_Gr=FC=DFe?= [fwd]", e.subject());
        assertEquals("Re: Grüße [fwd]", m.subject());
        assertEquals("grüße [fwd]", m.baseSubject());
        assertEquals("juergen", e.from().get(0).mailbox());
        assertEquals("example.org", e.from().get(0).host());
        assertEquals("Jürgen Müller", e.from().get(0).displayName());
        assertTrue(e.from().get(0).name().startsWith("=?"), "ENVELOPE names stay ASCII");
        assertEquals(e.from(), e.sender());
        assertEquals(e.from(), e.replyTo());
        List<Address> cc = e.cc();
        assertEquals(4, cc.size());
        assertEquals("team", cc.get(0).mailbox());
        assertNull(cc.get(0).host());
        assertEquals(Address.GROUP_END, cc.get(3));
        assertEquals("<m1@example.org>", m.messageId());
        assertEquals(List.of("<m0@example.org>"), m.references());
        assertEquals("juergen", m.sortFrom());
        assertEquals("alice", m.sortTo());
        assertEquals("Hallo über alles zweite Zeile", m.preview());
        assertEquals(java.time.Instant.parse("2026-11-03T09:00:00Z"), m.sentDate());
    }

    @Test
    void baseSubjectFollowsRfc5256() {
        assertEquals("hello", BaseSubject.of("Re: Fwd: hello"));
        assertEquals("hello", BaseSubject.of("[list] Re: hello (fwd)"));
        assertEquals("hello", BaseSubject.of("[Fwd: Re: hello]"));
        assertEquals("re", BaseSubject.of("re"));
        assertEquals("[x]", BaseSubject.of("[x]"));
        assertEquals("", BaseSubject.of(""));
    }

    @Test
    void nestedMessageRfc822HasItsOwnEnvelopeAndStructure() throws IOException {
        String msg = crlf("""
                From: a@example.org
                Subject: fwd
                Content-Type: multipart/mixed; boundary=outer

                --outer
                Content-Type: text/plain

                see attached
                --outer
                Content-Type: message/rfc822

                From: b@example.org
                Subject: inner
                Content-Type: multipart/mixed; boundary=inner

                --inner
                Content-Type: text/plain

                inner text
                --inner
                Content-Type: application/pdf; name*=utf-8''%E2%82%AC.pdf
                Content-Disposition: attachment; filename*=utf-8''%E2%82%AC.pdf
                Content-Transfer-Encoding: base64

                JVBERi0=
                --inner--
                --outer--
                """);
        ParsedMessage m = parse(msg);
        BodyPart fwd = m.body().parts().get(1);
        assertTrue(fwd.isMessage());
        assertEquals("inner", fwd.message().subject());
        BodyPart inner = fwd.messageBody();
        assertEquals(2, inner.parts().size());
        BodyPart pdf = inner.parts().get(1);
        assertEquals("attachment", pdf.disposition());
        assertEquals("filename*", pdf.dispositionParams().get(0).name());
        assertEquals("JVBERi0=", slice(msg, pdf.bodyStart(), pdf.bodyEnd()));
        assertEquals("inner text", slice(msg, inner.parts().get(0).bodyStart(), inner.parts().get(0).bodyEnd()));
        String embedded = slice(msg, fwd.bodyStart(), fwd.bodyEnd());
        assertTrue(embedded.startsWith("From: b@example.org\r\n"));
        assertTrue(embedded.endsWith("--inner--"));
        assertEquals(embedded.split("\r\n", -1).length, fwd.lines());
    }

    @Test
    void defaultsAndMalformedHeadersNeverFail() throws IOException {
        ParsedMessage m = parse("Subject: no colon line follows\r\nthis is not a header\r\nContent-Type: ???\r\n\r\nbody\r\n");
        assertEquals("text", m.body().type());
        assertEquals("plain", m.body().subtype());
        assertEquals("us-ascii", m.body().param("charset"));
        assertEquals("7bit", m.body().encoding());
        assertEquals("body\r\n", slice("Subject: no colon line follows\r\nthis is not a header\r\nContent-Type: ???\r\n\r\nbody\r\n",
                m.body().bodyStart(), m.body().bodyEnd()));
        assertEquals(1, m.body().lines());
    }

    @Test
    void bareLfMessagesParseToo() throws IOException {
        String msg = "From: x@example.org\nContent-Type: multipart/mixed; boundary=z\n\n--z\n\nhello\n--z--\n";
        ParsedMessage m = parse(msg);
        assertEquals(1, m.body().parts().size());
        BodyPart p = m.body().parts().get(0);
        assertEquals("hello", slice(msg, p.bodyStart(), p.bodyEnd()));
    }

    @Test
    void deepNestingIsBoundedAndKeptAsLeaf() throws IOException {
        StringBuilder b = new StringBuilder("Content-Type: multipart/mixed; boundary=b0\r\n\r\n");
        for (int i = 1; i < 200; i++) b.append("--b").append(i - 1).append("\r\nContent-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n");
        b.append("text\r\n");
        ParsedMessage m = parse(b.toString());
        int depth = 0;
        BodyPart p = m.body();
        while (!p.parts().isEmpty()) {
            p = p.parts().get(0);
            depth++;
        }
        assertEquals(MessageParser.Limits.DEFAULT.maxDepth(), depth);
    }

    @Test
    void garbageOfAnyKindParses() throws IOException {
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[r.nextInt(4000)];
            r.nextBytes(junk);
            String prefix = i % 2 == 0 ? "Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n" : "";
            byte[] all = (prefix + new String(junk, StandardCharsets.ISO_8859_1)).getBytes(StandardCharsets.ISO_8859_1);
            ParsedMessage m = new MessageParser().parse(new ByteArrayInputStream(all));
            assertTrue(m.body().bodyEnd() <= all.length && m.body().bodyStart() <= m.body().bodyEnd());
        }
    }

    @Test
    void readsOneByteAtATimeTheSame() throws IOException {
        byte[] bytes = ALTERNATIVE.getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new InputStream() {
            int i;
            @Override public int read() { return i < bytes.length ? bytes[i++] & 0xff : -1; }
            @Override public int read(byte[] b, int off, int len) {
                if (i >= bytes.length) return -1;
                b[off] = bytes[i++];
                return 1;
            }
        };
        assertEquals(parse(ALTERNATIVE), new MessageParser().parse(trickle));
    }
}
