package org.postiljon.mailbox.api;

import java.io.InputStream;
import java.util.List;

/**
 * Sending a message on behalf of a signed-in user, the way SMTP submission does (RFC 6409): the
 * envelope sender must be one of the user's addresses, local recipients get it in their INBOX at
 * once, the others through the outbound queue. JMAP EmailSubmission uses this, so there is one
 * submission path; the SMTP module implements it.
 */
public interface Submission {

    /** What happened to each recipient: delivered here, queued for another server, or refused (with the SMTP-like reason). */
    record Outcome(String recipient, Status status, String reason) {
        public enum Status { DELIVERED, QUEUED, REFUSED }
    }

    /** The From: or Sender: field names an address the user may not send as (RFC 8621 §7.5 forbiddenFrom). */
    final class ForbiddenFrom extends RuntimeException {
        public ForbiddenFrom(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Submits {@code message} from {@code user} with envelope sender {@code mailFrom}.
     * @throws MailboxException.NotAllowed when {@code mailFrom} is not the user's, or no recipient is valid
     * @throws ForbiddenFrom when the message's From: or Sender: is not one of the user's addresses
     */
    List<Outcome> submit(Account user, String mailFrom, List<String> recipients, InputStream message);
}
