package org.postiljon.imap.server;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.ResponseWriter;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.Envelope;
import org.postiljon.mailbox.api.structure.Param;

/** ENVELOPE and BODY/BODYSTRUCTURE as RFC 9051 §7.5.2 writes them, from the parse stored at delivery. */
final class Structures {

    private Structures() { }

    /** What writes one structure. */
    interface Writing {
        void write(ResponseWriter out) throws IOException;
    }

    /** The bytes {@code writing} produces for a session with or without UTF-8 strings. */
    static byte[] render(boolean utf8, Writing writing) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(512);
        ResponseWriter w = new ResponseWriter(bytes);
        w.utf8(utf8);
        try {
            writing.write(w);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not thrown by a byte array
        }
        return bytes.toByteArray();
    }

    static void envelope(ResponseWriter out, Envelope e) throws IOException {
        out.raw("(").string(e.date()).raw(" ").string(e.subject()).raw(" ");
        addresses(out, e.from());
        out.raw(" ");
        addresses(out, e.sender());
        out.raw(" ");
        addresses(out, e.replyTo());
        out.raw(" ");
        addresses(out, e.to());
        out.raw(" ");
        addresses(out, e.cc());
        out.raw(" ");
        addresses(out, e.bcc());
        out.raw(" ").string(e.inReplyTo()).raw(" ").string(e.messageId()).raw(")");
    }

    private static void addresses(ResponseWriter out, List<Address> list) throws IOException {
        if (list == null || list.isEmpty()) {
            out.raw("NIL");
            return;
        }
        out.raw("(");
        for (Address a : list) {
            out.raw("(").string(a.name()).raw(" ").string(a.adl()).raw(" ").string(a.mailbox()).raw(" ").string(a.host()).raw(")");
        }
        out.raw(")");
    }

    /** BODYSTRUCTURE with {@code extensions}, BODY without. */
    static void body(ResponseWriter out, BodyPart p, boolean extensions) throws IOException {
        out.raw("(");
        if (p.isMultipart() && !p.parts().isEmpty()) {
            for (BodyPart c : p.parts()) body(out, c, extensions);
            out.raw(" ").string(p.subtype().toUpperCase(Locale.ROOT));
            if (extensions) {
                out.raw(" ");
                params(out, p.params());
                out.raw(" ");
                disposition(out, p);
                out.raw(" ");
                language(out, p.language());
                out.raw(" ").string(p.location());
            }
            out.raw(")");
            return;
        }
        // A multipart without parts (no boundary found) is described as what it is, with no children.
        out.string(p.type().toUpperCase(Locale.ROOT)).raw(" ").string(p.subtype().toUpperCase(Locale.ROOT)).raw(" ");
        params(out, p.params());
        out.raw(" ").string(p.id()).raw(" ").string(p.description()).raw(" ").string(p.encoding().toUpperCase(Locale.ROOT))
                .raw(" " + p.size());
        if (p.isMessage()) {
            out.raw(" ");
            envelope(out, p.message());
            out.raw(" ");
            body(out, p.messageBody(), extensions);
            out.raw(" " + p.lines());
        } else if (p.type().equals("text")) {
            out.raw(" " + p.lines());
        }
        if (extensions) {
            out.raw(" ").string(p.md5()).raw(" ");
            disposition(out, p);
            out.raw(" ");
            language(out, p.language());
            out.raw(" ").string(p.location());
        }
        out.raw(")");
    }

    private static void params(ResponseWriter out, List<Param> params) throws IOException {
        if (params.isEmpty()) {
            out.raw("NIL");
            return;
        }
        out.raw("(");
        boolean first = true;
        for (Param p : params) {
            if (!first) out.raw(" ");
            first = false;
            out.string(p.name().toUpperCase(Locale.ROOT)).raw(" ").string(p.value());
        }
        out.raw(")");
    }

    private static void disposition(ResponseWriter out, BodyPart p) throws IOException {
        if (p.disposition() == null) {
            out.raw("NIL");
            return;
        }
        out.raw("(").string(p.disposition().toUpperCase(Locale.ROOT)).raw(" ");
        params(out, p.dispositionParams());
        out.raw(")");
    }

    private static void language(ResponseWriter out, List<String> language) throws IOException {
        if (language.isEmpty()) {
            out.raw("NIL");
        } else if (language.size() == 1) {
            out.string(language.getFirst());
        } else {
            out.raw("(");
            for (int i = 0; i < language.size(); i++) {
                if (i > 0) out.raw(" ");
                out.string(language.get(i));
            }
            out.raw(")");
        }
    }
}
