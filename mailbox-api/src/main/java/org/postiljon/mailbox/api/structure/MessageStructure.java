package org.postiljon.mailbox.api.structure;

import java.util.List;

/**
 * The part of a message's parse kept beside it (ARCHITECTURE.md principle 4): the envelope and the
 * body structure with the byte offsets of every part. Made once, at delivery, by the {@code mime}
 * module; stored by the store in its own form; read by the protocols as these values.
 *
 * @param envelope RFC 9051 §7.5.2 ENVELOPE of the message
 * @param body     the top-level entity, null only for a parse of nothing
 */
public record MessageStructure(Envelope envelope, BodyPart body) {

    /** Whether the message has an attachment as JMAP's hasAttachment says (RFC 8621 §4.1.4; {@link BodyParts}). */
    public boolean hasAttachment() {
        return body != null && !new BodyParts(body).attachments().isEmpty();
    }

    /**
     * The structure of the content as it stands in a message after {@code prefix} octets of trace
     * fields: every offset moves, but the header still starts at 0 (the trace fields are header
     * fields of the message).
     */
    public MessageStructure after(long prefix) {
        if (prefix == 0 || body == null) return this;
        BodyPart moved = shift(body, prefix);
        return new MessageStructure(envelope, new BodyPart(moved.type(), moved.subtype(), moved.params(), moved.id(),
                moved.description(), moved.encoding(), moved.md5(), moved.disposition(), moved.dispositionParams(),
                moved.language(), moved.location(), 0, moved.bodyStart(), moved.bodyEnd(), moved.lines(), moved.parts(),
                moved.message(), moved.messageBody()));
    }

    private static BodyPart shift(BodyPart p, long by) {
        if (p == null) return null;
        List<BodyPart> parts = p.parts() == null ? null : p.parts().stream().map(c -> shift(c, by)).toList();
        return new BodyPart(p.type(), p.subtype(), p.params(), p.id(), p.description(), p.encoding(), p.md5(), p.disposition(),
                p.dispositionParams(), p.language(), p.location(), p.headerStart() + by, p.bodyStart() + by, p.bodyEnd() + by,
                p.lines(), parts, p.message(), shift(p.messageBody(), by));
    }
}
