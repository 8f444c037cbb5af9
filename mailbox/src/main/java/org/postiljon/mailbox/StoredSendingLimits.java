package org.postiljon.mailbox;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.SendingLimits;
import org.postiljon.store.spi.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sending limits counted in the store (tables {@code sent_day}, {@code sent_recipient}), so every node counts alike. */
final class StoredSendingLimits implements SendingLimits {

    private static final Logger log = LoggerFactory.getLogger(StoredSendingLimits.class);
    private final MetadataStore store;
    private final Directory directory;
    private final Clock clock;
    /** The day each account was last reported to the operator as over a limit: one log line per account and day. */
    private final Map<Long, Long> warned = new ConcurrentHashMap<>();

    StoredSendingLimits(MetadataStore store, Directory directory, Clock clock) {
        this.store = store;
        this.directory = directory;
        this.clock = clock;
    }

    private long day() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toEpochDay();
    }

    private long limit(Account a, AccountSetting s) {
        return AccountSetting.number(directory.setting(a, s)).orElse(-1);
    }

    @Override
    public Today today(Account a) {
        long day = day();
        Instant start = LocalDate.ofEpochDay(day).atStartOfDay(ZoneOffset.UTC).toInstant();
        long[] counts = store.read(tx -> new long[] {tx.sentMessages(a.id(), day), tx.newRecipientsSince(a.id(), start)});
        return new Today(counts[0], limit(a, AccountSetting.SENT_MESSAGES_PER_DAY), counts[1], limit(a, AccountSetting.NEW_RECIPIENTS_PER_DAY));
    }

    @Override
    public Outgoing outgoing(Account a) {
        return new Outgoing() {
            private Today today;
            private final Set<String> admitted = new LinkedHashSet<>();
            private final Set<String> fresh = new LinkedHashSet<>();

            @Override
            public Optional<String> admit(EmailAddress to) {
                if (today == null) today = today(a);
                if (today.messageLimit() >= 0 && today.messages() >= today.messageLimit()) {
                    return refuse("the daily limit of " + today.messageLimit() + " messages to other servers is reached");
                }
                String address = to.toString().toLowerCase(Locale.ROOT);
                if (admitted.contains(address)) return Optional.empty();
                boolean isNew = !store.read(tx -> tx.sentTo(a.id(), address));
                if (isNew && today.newRecipientLimit() >= 0 && today.newRecipients() + fresh.size() >= today.newRecipientLimit()) {
                    return refuse("the daily limit of " + today.newRecipientLimit() + " new recipients on other servers is reached");
                }
                admitted.add(address);
                if (isNew) fresh.add(address);
                return Optional.empty();
            }

            private Optional<String> refuse(String why) {
                long day = day();
                if (!Long.valueOf(day).equals(warned.put(a.id(), day))) {
                    // The operator's signal: a user who never sends this much may have lost the password.
                    log.warn("account {} reached a sending limit: {} (further refusals today not logged)", a.address(), why);
                }
                return Optional.of(why + " (it resets at 00:00 UTC)");
            }

            @Override
            public void sent() {
                if (admitted.isEmpty()) return;
                Instant now = clock.instant();
                store.write(tx -> {
                    tx.recordSent(a.id(), LocalDate.ofInstant(now, ZoneOffset.UTC).toEpochDay(), now, fresh);
                    return null;
                });
            }
        };
    }
}
