package org.postiljon.mailbox.api;

import java.util.OptionalLong;

/** An account's limits; an empty value means no limit. Enforcement lives in the mailbox layer. */
public record QuotaLimits(OptionalLong storageBytes, OptionalLong messages) {

    public static final QuotaLimits UNLIMITED = new QuotaLimits(OptionalLong.empty(), OptionalLong.empty());

    public QuotaLimits {
        if (storageBytes.isPresent() && storageBytes.getAsLong() < 0) throw new MailboxException.InvalidName("negative storage quota");
        if (messages.isPresent() && messages.getAsLong() < 0) throw new MailboxException.InvalidName("negative message quota");
    }
}
