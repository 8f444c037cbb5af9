package org.postiljon.mailbox.api;

import java.time.Instant;

/**
 * An account's automatic reply while its owner is away: what JMAP's VacationResponse (RFC 8621
 * §8) sets and the delivery path answers with (RFC 5230's vacation rules, RFC 3834).
 *
 * @param from     when replies start (null: at once)
 * @param to       when they stop (null: until turned off)
 * @param subject  the reply's subject (null: "Auto: " and the message's subject)
 * @param textBody the reply's text (null: a short default)
 * @param htmlBody an HTML form of it (null: text only)
 */
public record Vacation(boolean enabled, Instant from, Instant to, String subject, String textBody, String htmlBody) {

    public static final Vacation OFF = new Vacation(false, null, null, null, null, null);

    /** Enabled, and {@code now} within [from, to). */
    public boolean activeAt(Instant now) {
        return enabled && (from == null || !now.isBefore(from)) && (to == null || now.isBefore(to));
    }
}
