package org.postiljon.imap;

import org.junit.jupiter.api.Test;

/** BINARY, BINARY.PEEK and BINARY.SIZE (RFC 3516): parts with the transfer encoding undone. */
class BinaryFetchTest extends ImapTranscriptTest {

    @Test
    void binaryDecodesBase64AndQuotedPrintableParts() throws Exception {
        String msg = String.join("\r\n",
                "Content-Type: multipart/mixed; boundary=b",
                "",
                "--b",
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                "",
                "Gr=C3=BC=C3=9Fe",
                "--b",
                "Content-Type: application/octet-stream",
                "Content-Transfer-Encoding: base64",
                "",
                "aGVsbG8gd29ybGQ=",
                "--b",
                "Content-Type: application/x-odd",
                "Content-Transfer-Encoding: x-uuencode",
                "",
                "begin 644 f",
                "--b--",
                "");
        login(1, "alice@example.org");
        t.send(1, "a1 APPEND INBOX {" + msg.length() + "+}\r\n" + msg + "\r\n");
        run("""
            S1: a1 OK [APPENDUID ${uv} 1] APPEND completed
            C1: a2 EXAMINE INBOX
            S1: * FLAGS *
            S1: * OK [PERMANENTFLAGS *
            S1: * 1 EXISTS
            S1: * 1 RECENT
            S1: * OK [UNSEEN 1] first unseen
            S1: * OK [UIDVALIDITY *
            S1: * OK [UIDNEXT *
            S1: * OK [MAILBOXID *
            S1: a2 OK [READ-ONLY] EXAMINE completed
            C1: a3 FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2])
            S1: * 1 FETCH (BINARY.SIZE[2] 11 BINARY[2] ~{11}
            S1: hello world)
            S1: a3 OK FETCH completed
            C1: a4 FETCH 1 (BINARY.PEEK[1]<0.2>)
            S1: * 1 FETCH (BINARY[1]<0> ~{2}
            S1: Gr)
            S1: a4 OK FETCH completed
            C1: a5 FETCH 1 (BINARY.PEEK[3])
            S1: a5 NO [UNKNOWN-CTE] unknown transfer encoding x-uuencode
            C1: a6 FETCH 1 (BINARY.PEEK[1.HEADER])
            S1: a6 BAD BINARY.PEEK takes part numbers only
            C1: a7 FETCH 1 (BINARY.SIZE[])
            S1: * 1 FETCH (BINARY.SIZE[] %d)
            S1: a7 OK FETCH completed
            C1: a8 FETCH 1 (BINARY.PEEK[]<0.12>)
            S1: * 1 FETCH (BINARY[]<0> ~{12}
            S1: Content-Type)
            S1: a8 OK FETCH completed
            """.formatted(msg.length()));
    }

    @Test
    void literal8AppendKeepsBinaryContentByteForByte() throws Exception {
        // RFC 3516 §4.4: a transformation of appended binary data must not lose data; bare LF and NUL stay.
        byte[] head = "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] body = {'a', '\n', 0, 'b', '\r', 'c', '\n', '\n', (byte) 0xff};
        byte[] msg = new byte[head.length + body.length];
        System.arraycopy(head, 0, msg, 0, head.length);
        System.arraycopy(body, 0, msg, head.length, body.length);
        login(1, "alice@example.org");
        var out = t.socket(1).getOutputStream();
        out.write(("b1 APPEND INBOX ~{" + msg.length + "+}\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(msg);
        out.write("\r\nb2 SELECT INBOX\r\nb3 FETCH 1 (RFC822.SIZE BINARY.PEEK[])\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        run("S1: b1 OK [APPENDUID ${uv} 1] APPEND completed\n"
                + "S1~ b2 OK [READ-WRITE] SELECT completed\n"
                + "S1: * 1 FETCH (RFC822.SIZE " + msg.length + " BINARY[] ~{" + msg.length + "}\n");
        byte[] back = t.socket(1).getInputStream().readNBytes(msg.length);
        org.junit.jupiter.api.Assertions.assertArrayEquals(msg, back, "the stored bytes are the appended bytes");
        run("S1: )\nS1: b3 OK FETCH completed\n");
    }
}
