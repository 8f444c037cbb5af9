package org.postiljon.mailbox;

/**
 * Limits of the mailbox layer.
 *
 * @param maxMessageBytes largest message accepted by append; 50 MiB is what large hosted
 *                        services accept after base64 growth of a 35 MB attachment
 */
public record MailboxLimits(long maxMessageBytes) {
    public static final MailboxLimits DEFAULT = new MailboxLimits(50L * 1024 * 1024);
}
