package org.postiljon.mailbox.api.structure;

import java.util.List;

/**
 * The ENVELOPE of RFC 9051 §7.5.2: header values as they appear (unfolded), addresses parsed.
 * Sender and Reply-To default to From when absent or empty, as the RFC requires of the server.
 */
public record Envelope(String date, String subject, List<Address> from, List<Address> sender,
                       List<Address> replyTo, List<Address> to, List<Address> cc, List<Address> bcc,
                       String inReplyTo, String messageId) { }
