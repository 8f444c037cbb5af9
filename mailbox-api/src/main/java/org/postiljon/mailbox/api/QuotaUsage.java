package org.postiljon.mailbox.api;

/** What an account stores: the sum of its messages' sizes (CRLF octets) and their number, in every folder. */
public record QuotaUsage(long bytes, long messages) {

    public static final QuotaUsage NONE = new QuotaUsage(0, 0);
}
