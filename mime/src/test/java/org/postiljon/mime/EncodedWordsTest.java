package org.postiljon.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.Param;

/** RFC 2047 words in several charsets, RFC 2231 parameters, and UTF-8 headers (RFC 6532). */
class EncodedWordsTest {

    private static ParsedMessage parse(byte[] m) throws IOException {
        return new MessageParser().parse(new ByteArrayInputStream(m));
    }

    @Test
    void subjectsInManyCharsetsDecode() throws IOException {
        String[][] cases = {
                {"=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=", "日本語"},
                {"=?KOI8-R?B?8NLJ18XU?=", "Привет"},
                {"=?windows-1252?Q?Caf=E9_=80?=", "Café €"},
                {"=?UTF-8?B?0J/RgNC40LLQtdGC?= =?UTF-8?Q?_mir?=", "Привет mir"},
                {"=?iso-8859-7?Q?=C3=E5=E9=DC?=", "Γειά"},
                {"=?utf-8?q?broken", "=?utf-8?q?broken"},
        };
        for (String[] c : cases) {
            ParsedMessage m = parse(("Subject: " + c[0] + "\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals(c[1], m.subject(), c[0]);
        }
    }

    @Test
    void rawUtf8HeadersAreRead() throws IOException {
        ParsedMessage m = parse("From: Jürgen <jürgen@bücher.example>\r\nSubject: Grüße\r\n\r\nx\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("Grüße", m.subject());
        assertEquals("Jürgen", m.envelope().from().get(0).displayName());
    }

    @Test
    void latin1HeadersDoNotLoseBytes() throws IOException {
        ParsedMessage m = parse("Subject: Gr\u00fc\u00dfe\r\n\r\nx\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("Grüße", m.subject());
    }

    @Test
    void rfc2231ParametersDecode() {
        assertEquals("€.pdf", Rfc2231.decode(List.of(new Param("filename*", "utf-8''%E2%82%AC.pdf")), "filename"));
        assertEquals("Müller Bericht.txt", Rfc2231.decode(List.of(
                new Param("filename*1", " Bericht.txt"), new Param("filename*0*", "iso-8859-1'de'M%FCller")), "filename"));
        assertEquals("отчёт.doc", Rfc2231.decode(List.of(new Param("name", "=?UTF-8?B?0L7RgtGH0ZHRgi5kb2M=?=")), "name"));
        assertEquals("plain.txt", Rfc2231.decode(List.of(new Param("FileName", "plain.txt")), "filename"));
        assertEquals("a%zz", Rfc2231.decode(List.of(new Param("filename*", "us-ascii''a%zz")), "filename"), "bad escapes kept");
        assertNull(Rfc2231.decode(List.of(new Param("charset", "utf-8")), "filename"));
    }

    /** BodyParts (mailbox-api, no decoder) tells a named part from an unnamed one exactly as the decoder does. */
    @Test
    void aPartIsNamedWhenItsNameDecodes() {
        List<List<Param>> cases = List.of(List.of(), List.of(new Param("charset", "utf-8")), List.of(new Param("FILENAME", "a.txt")),
                List.of(new Param("filename*", "utf-8''%E2%82%AC.pdf")), List.of(new Param("filename*0*", "utf-8''x")),
                List.of(new Param("filename*1", "only the second")), List.of(new Param("filename*007", "x")), List.of(new Param("filename*100", "x")),
                List.of(new Param("filename*x", "x")), List.of(new Param("filenames", "x")), List.of(new Param("name", "b.doc")));
        for (List<Param> disposition : cases) {
            for (List<Param> type : List.of(List.<Param>of(), List.of(new Param("name", "c.pdf")), List.of(new Param("name*0", "d")))) {
                var part = new org.postiljon.mailbox.api.structure.BodyPart("application", "pdf", type, null, null, "base64", null, "attachment",
                        disposition, null, null, 0, 0, 0, 0, null, null, null);
                assertEquals(Rfc2231.fileName(part) != null, org.postiljon.mailbox.api.structure.BodyParts.named(part), disposition + " " + type);
            }
        }
    }

    @Test
    void attachmentNamesFromTheCorpusShapeDecode() throws IOException {
        String msg = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
                + "Content-Type: application/pdf; name*=utf-8''%C3%9Cbersicht.pdf\r\n"
                + "Content-Disposition: attachment;\r\n filename*0*=utf-8''%C3%9Cber;\r\n filename*1*=sicht.pdf\r\n\r\nJVBE\r\n--b--\r\n";
        BodyPart pdf = parse(msg.getBytes(StandardCharsets.US_ASCII)).body().parts().get(0);
        assertEquals("Übersicht.pdf", Rfc2231.decode(pdf.dispositionParams(), "filename"));
        assertEquals("Übersicht.pdf", Rfc2231.decode(pdf.params(), "name"));
    }
}
