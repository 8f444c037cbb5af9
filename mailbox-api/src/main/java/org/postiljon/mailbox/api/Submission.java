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

    /**
     * Submits {@code message} from {@code user} with envelope sender {@code mailFrom}.
     * @throws MailboxException.NotAllowed when {@code mailFrom} is not the user's, or no recipient is valid
     */
    List<Outcome> submit(Account user, String mailFrom, List<String> recipients, InputStream message);
}
