package org.postiljon.mailbox.api;

import java.util.Optional;

/**
 * Per-account limits on mail sent to other servers, so that a stolen password sends a bounded
 * amount of spam: messages per UTC day ({@link AccountSetting#SENT_MESSAGES_PER_DAY}) and
 * addresses written to for the first time per UTC day ({@link AccountSetting#NEW_RECIPIENTS_PER_DAY}).
 * SMTP submission and JMAP submission check every remote recipient; local delivery is not limited.
 * Concurrent messages of one account may overshoot a limit by the recipients they admit together.
 */
public interface SendingLimits {

    /** Begins one message of {@code account}'s: admit its remote recipients, then record it once queued. */
    Outgoing outgoing(Account account);

    /** What {@code account} sent today and may send (a limit of -1 is none). */
    Today today(Account account);

    record Today(long messages, long messageLimit, long newRecipients, long newRecipientLimit) { }

    /** One message's remote recipients. Not for use by several threads. */
    interface Outgoing {

        /** Empty when the message may go to {@code to}; else why not, for the sender to read. */
        Optional<String> admit(EmailAddress to);

        /** Counts the message (when it admitted a recipient) and remembers the new recipients; durable when it returns. */
        void sent();
    }
}
