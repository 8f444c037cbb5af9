package org.postiljon.smtp;

import java.time.Duration;

/**
 * Input bounds and timers.
 *
 * @param maxLineBytes    a command line; RFC 5321 §4.5.3.1.4 asks for 512, ESMTP parameters need more
 * @param maxRecipients   per message; RFC 5321 §4.5.3.1.8: at least 100
 * @param maxMessageBytes announced with SIZE (RFC 1870) and enforced
 * @param maxErrors       errors in one session before it is closed (421)
 * @param commandTimeout  RFC 5321 §4.5.3.2: at least 5 minutes for commands
 * @param dataTimeout     RFC 5321 §4.5.3.2.6: 10 minutes for the data block and its end
 */
public record SmtpLimits(int maxLineBytes, int maxRecipients, long maxMessageBytes, int maxErrors,
                         Duration commandTimeout, Duration dataTimeout) {

    public static final SmtpLimits DEFAULT = new SmtpLimits(4096, 100, 50L * 1024 * 1024, 20,
            Duration.ofMinutes(5), Duration.ofMinutes(10));

    public SmtpLimits withMaxMessageBytes(long bytes) {
        return new SmtpLimits(maxLineBytes, maxRecipients, bytes, maxErrors, commandTimeout, dataTimeout);
    }
}
