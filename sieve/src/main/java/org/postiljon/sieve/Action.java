package org.postiljon.sieve;

import java.util.List;
import java.util.Set;

/** What a script decided for one message (RFC 5228 §4 and the extensions' actions), in the order it decided it. */
public sealed interface Action {

    /**
     * File the message in the INBOX (RFC 5228 §4.3), with these IMAP flags (RFC 5232), its header
     * as the script had edited it when it decided (RFC 5293).
     */
    record Keep(Set<String> flags, HeaderEdits edits) implements Action {
        public Keep(Set<String> flags) {
            this(flags, HeaderEdits.NONE);
        }
    }

    /** File it in {@code folder} (§4.1), made first when {@code create} (RFC 5490 §3.2). */
    record FileInto(String folder, Set<String> flags, boolean create, HeaderEdits edits) implements Action {
        public FileInto(String folder, Set<String> flags, boolean create) {
            this(folder, flags, create, HeaderEdits.NONE);
        }
    }

    /** Send it on to {@code address} (§4.2), keeping the envelope sender. */
    record Redirect(String address, HeaderEdits edits) implements Action {
        public Redirect(String address) {
            this(address, HeaderEdits.NONE);
        }
    }

    /**
     * Remember {@code key} for the duplicate test (RFC 7352 §3): done only when the run ended
     * without an error, as the RFC asks.
     *
     * @param seconds how long it counts as seen
     */
    record Track(String key, long seconds) implements Action { }

    /** Refuse it with {@code reason}: at SMTP time when it can be, else a rejection notice (RFC 5429). */
    record Reject(String reason) implements Action { }

    /** Throw it away silently (§4.4). */
    record Discard() implements Action { }

    /**
     * Answer the sender (RFC 5230), at most once per {@code seconds} per sender and {@code handle}.
     *
     * @param subject   null: "Auto: " and the message's subject
     * @param from      null: the recipient's address
     * @param addresses the recipient's other addresses (for the "is it addressed to me" check)
     * @param mime      {@code reason} is a MIME entity, not plain text
     */
    record Vacation(String reason, long seconds, String subject, String from, List<String> addresses, boolean mime, String handle)
            implements Action { }
}
