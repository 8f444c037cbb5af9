package org.postiljon.mailbox.api;

/**
 * One quota root as a user sees it (RFC 9208 §3): the account that owns it, its root name in
 * the user's view ({@code ""} for the user's own account), the limits in force (the account's
 * own, else its domain's default) and the usage.
 */
public record Quota(EmailAddress owner, String root, QuotaLimits limits, QuotaUsage usage) {

    /** The highest percentage of a limit in use, 0 when unlimited. */
    public int percentUsed() {
        long pct = 0;
        if (limits.storageBytes().isPresent()) pct = Math.max(pct, percent(usage.bytes(), limits.storageBytes().getAsLong()));
        if (limits.messages().isPresent()) pct = Math.max(pct, percent(usage.messages(), limits.messages().getAsLong()));
        return (int) Math.min(pct, 1000);
    }

    private static long percent(long used, long limit) {
        if (limit <= 0) return used > 0 ? 1000 : 100;
        return used * 100 / limit;
    }
}
