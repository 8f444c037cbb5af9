package org.postiljon.mailbox;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Directory.DeliveryRules;
import org.postiljon.mailbox.api.Directory.Targets;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.store.spi.SharedReads;

/**
 * What every delivery asks of the directory, shared by this node's readers for {@link #TTL}: where
 * a recipient's mail goes ({@link Targets}: accounts, aliases, catch-alls) and an account's
 * {@link DeliveryRules} (settings, active Sieve script, vacation response, classifier totals).
 * Operators and users change them rarely.
 *
 * <p>Every change made through this node's services forgets what it touched once it is committed,
 * before its caller is answered (a user's next message meets the new script; an account removed
 * here gets no more mail here); a change made on another node sharing the database, or by the CLI
 * beside a running server, is met within the TTL. Only delivery and address resolution read
 * through it: what a user lists or reads (ManageSieve, JMAP, the webmail) is read afresh.
 */
final class SharedDirectoryReads {

    /** How long another process's change may go unmet here. */
    static final Duration TTL = Duration.ofSeconds(1);

    /**
     * Accounts whose rules are kept at most. Far more than a node delivers to within the TTL;
     * bounded because a script and a vacation response can be tens of kilobytes each.
     */
    static final int MAX_ACCOUNTS = 4_096;

    /** Recipients kept at most: RCPT to endless made-up addresses must not fill the memory. */
    static final int MAX_RECIPIENTS = 10_000;

    private final SharedReads<Long, DeliveryRules> rules = new SharedReads<>(TTL, MAX_ACCOUNTS);
    private final SharedReads<EmailAddress, Targets> targets = new SharedReads<>(TTL, MAX_RECIPIENTS);

    /** The account's rules, remembered or from {@code read} (a read transaction of its own). */
    DeliveryRules rules(Account account, Function<Account, DeliveryRules> read) {
        return rules.get(account.id(), rules.generation(), id -> read.apply(account));
    }

    /** Where mail to {@code recipient} goes, remembered or from {@code read} (a read transaction of its own). */
    Targets targets(EmailAddress recipient, Function<EmailAddress, Targets> read) {
        return targets.get(recipient, targets.generation(), read);
    }

    /** Runs {@code write}, a change to the account's rules, and forgets them (also when it failed: it may have committed). */
    <T> T rulesChanged(Account account, Supplier<T> write) {
        try {
            return write.get();
        } finally {
            rules.invalidate(account.id());
        }
    }

    /**
     * Runs {@code write}, a change to the directory (domains, accounts, aliases, quotas, settings),
     * and forgets everything: a domain's settings are every account's defaults.
     */
    <T> T directoryChanged(Supplier<T> write) {
        try {
            return write.get();
        } finally {
            targets.invalidate();
            rules.invalidate();
        }
    }
}
