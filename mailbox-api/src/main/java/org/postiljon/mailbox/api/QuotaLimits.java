package org.postiljon.mailbox.api;

import java.util.OptionalLong;

/** An account's limits; an empty value means no limit. Enforcement lives in the mailbox layer. */
public record QuotaLimits(OptionalLong storageBytes, OptionalLong messages) {

    public static final QuotaLimits UNLIMITED = new QuotaLimits(OptionalLong.empty(), OptionalLong.empty());

    public QuotaLimits {
        if (storageBytes.isPresent() && storageBytes.getAsLong() < 0) throw new MailboxException.InvalidName("negative storage quota");
        if (messages.isPresent() && messages.getAsLong() < 0) throw new MailboxException.InvalidName("negative message quota");
    }

    /** The highest percentage of a limit {@code usage} takes, 0 when unlimited (capped at 1000). */
    public int percentUsed(QuotaUsage usage) {
        long pct = 0;
        if (storageBytes.isPresent()) pct = Math.max(pct, percent(usage.bytes(), storageBytes.getAsLong()));
        if (messages.isPresent()) pct = Math.max(pct, percent(usage.messages(), messages.getAsLong()));
        return (int) Math.min(pct, 1000);
    }

    private static long percent(long used, long limit) {
        if (limit <= 0) return used > 0 ? 1000 : 100;
        return used * 100 / limit;
    }
}
