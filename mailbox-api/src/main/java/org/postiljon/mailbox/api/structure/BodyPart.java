package org.postiljon.mailbox.api.structure;

import java.util.List;

/**
 * One MIME entity: what IMAP BODYSTRUCTURE reports (RFC 9051 §7.5.2, with extension data), plus
 * where its bytes are in the message, so BODY[1.2.MIME] and BODY[1.2] are served by seeking, not
 * by parsing again.
 *
 * @param headerStart offset of the entity's first header line
 * @param bodyStart   offset of its body (after the blank line)
 * @param bodyEnd     offset just after its body; the CRLF before a boundary is not in the body
 * @param lines       lines in the body (text/* and message/rfc822)
 * @param parts       children of a multipart, in order
 * @param message     for message/rfc822: the embedded message's envelope ...
 * @param messageBody ... and its body structure
 */
public record BodyPart(String type, String subtype, List<Param> params, String id, String description,
                       String encoding, String md5, String disposition, List<Param> dispositionParams,
                       List<String> language, String location,
                       long headerStart, long bodyStart, long bodyEnd, long lines,
                       List<BodyPart> parts, Envelope message, BodyPart messageBody) {

    public boolean isMultipart() {
        return type.equals("multipart");
    }

    public boolean isMessage() {
        return type.equals("message") && subtype.equals("rfc822") && messageBody != null;
    }

    public long size() {
        return bodyEnd - bodyStart;
    }

    public String param(String name) {
        for (Param p : params) if (p.name().equalsIgnoreCase(name)) return p.value();
        return null;
    }
}
