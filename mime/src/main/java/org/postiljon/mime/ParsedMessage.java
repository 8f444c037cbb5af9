package org.postiljon.mime;

import java.time.Instant;
import java.util.List;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.Envelope;
import org.postiljon.mailbox.api.structure.MessageStructure;

/**
 * What is read from a message at delivery.
 *
 * @param subject     decoded Subject (RFC 2047), whitespace folded, or "" when missing
 * @param baseSubject RFC 5256 §2.1 base subject, lower-cased for comparison
 * @param sortFrom    RFC 5256 §3 SORT FROM key: first From address's mailbox, lower-cased
 * @param displayFrom the first From's display name, or its address (RFC 5957 SORT=DISPLAY)
 * @param displayTo   the same of the first To (RFC 5957 §3 DISPLAYTO)
 * @param sentDate    the parsed Date header, or null
 * @param references  Message-IDs of References then In-Reply-To, without duplicates
 * @param preview     up to 256 characters of the first text part (RFC 8970)
 */
public record ParsedMessage(Envelope envelope, BodyPart body, String subject, String baseSubject,
                            String sortFrom, String sortTo, String sortCc, String displayFrom, String displayTo,
                            Instant sentDate, String messageId, List<String> references, String preview) {

    /** What is kept beside the message and read by the protocols: envelope and body structure. */
    public MessageStructure structure() {
        return new MessageStructure(envelope, body);
    }
}
