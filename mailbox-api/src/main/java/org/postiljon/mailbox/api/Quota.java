package org.postiljon.mailbox.api;

/**
 * One quota root as a user sees it (RFC 9208 §3): the account that owns it, its root name in
 * the user's view ({@code ""} for the user's own account), the limits in force (the account's
 * own, else its domain's default) and the usage.
 */
public record Quota(EmailAddress owner, String root, QuotaLimits limits, QuotaUsage usage) {

    /** The highest percentage of a limit in use, 0 when unlimited. */
    public int percentUsed() {
        return limits.percentUsed(usage);
    }
}
