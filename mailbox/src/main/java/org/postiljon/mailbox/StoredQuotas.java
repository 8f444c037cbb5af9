package org.postiljon.mailbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Quota;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.QuotaUsage;
import org.postiljon.mailbox.api.Quotas;
import org.postiljon.store.spi.AccountRecord;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;
import org.postiljon.store.spi.WriteTx;

/**
 * Quota roots, one per account (RFC 9208): named {@code ""} for the user's own and
 * {@code #user/ADDRESS} for another account the user shares mailboxes of. The limits in force are
 * the account's own, else its domain's defaults ({@link AccountSetting#QUOTA_STORAGE_MB},
 * {@link AccountSetting#QUOTA_MESSAGES}).
 */
final class StoredQuotas implements Quotas {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StoredQuotas.class);
    static final String USER_ROOT = "#user/";
    /** Warning thresholds, percent of a limit: each is announced once until usage falls below it again. */
    static final int[] THRESHOLDS = {80, 90, 95};

    /** Forgotten on a change of limits: the accounts it remembers carry them. */
    private final SharedDirectoryReads shared;
    private final MetadataStore store;
    private final Set<EmailAddress> admins;

    StoredQuotas(MetadataStore store, Set<EmailAddress> admins, SharedDirectoryReads shared) {
        this.store = store;
        this.admins = Set.copyOf(admins);
        this.shared = shared;
    }

    static QuotaLimits limits(ReadTx tx, AccountRecord owner) {
        return limits(tx, owner.account());
    }

    /** The account's own limits, else its domain's defaults. */
    static QuotaLimits limits(ReadTx tx, Account owner) {
        QuotaLimits own = owner.quota();
        OptionalLong bytes = own.storageBytes();
        OptionalLong messages = own.messages();
        if (bytes.isPresent() && messages.isPresent()) return own;
        java.util.Map<String, String> domain = tx.domainSettings(owner.address().domain()); // the defaults, in one read
        if (bytes.isEmpty()) {
            OptionalLong mb = AccountSetting.number(Settings.domainValue(domain, AccountSetting.QUOTA_STORAGE_MB));
            if (mb.isPresent()) bytes = OptionalLong.of(mb.getAsLong() * 1024 * 1024);
        }
        if (messages.isEmpty()) {
            messages = AccountSetting.number(Settings.domainValue(domain, AccountSetting.QUOTA_MESSAGES));
        }
        return new QuotaLimits(bytes, messages);
    }

    static AccountRecord owner(ReadTx tx, long accountId) {
        return tx.account(accountId).orElseThrow(() -> new MailboxException.NoSuchAccount("#" + accountId));
    }

    /**
     * Refuses to add {@code bytes} in {@code count} messages (the largest {@code largest}) to the
     * account when that would pass a limit: inside the writing transaction, so concurrent appends
     * can never together pass it. Returns the limits in force, for {@link #crossed(WriteTx, long, QuotaLimits)}.
     */
    static QuotaLimits check(ReadTx tx, long ownerId, long[] sizes) {
        return check(tx, owner(tx, ownerId), sizes);
    }

    /** The same with the owner's row as read under its lock ({@code WriteTx.nextModSeqOf}). */
    static QuotaLimits check(ReadTx tx, AccountRecord owner, long[] sizes) {
        long bytes = 0, largest = 0;
        for (long size : sizes) {
            bytes += size;
            largest = Math.max(largest, size);
        }
        return check(tx, owner.account().id(), limits(tx, owner), bytes, sizes.length, largest);
    }

    static QuotaLimits check(ReadTx tx, long ownerId, long bytes, long count, long largest) {
        return check(tx, ownerId, limits(tx, owner(tx, ownerId)), bytes, count, largest);
    }

    private static QuotaLimits check(ReadTx tx, long ownerId, QuotaLimits l, long bytes, long count, long largest) {
        if (count == 0 || l.storageBytes().isEmpty() && l.messages().isEmpty()) return l;
        QuotaUsage u = tx.usage(ownerId);
        if (l.storageBytes().isPresent()) {
            long limit = l.storageBytes().getAsLong();
            if (largest > limit) {
                throw new MailboxException.OverQuota("message of " + largest + " bytes is larger than the mailbox's storage quota of "
                        + limit + " bytes", true);
            }
            if (u.bytes() + bytes > limit) {
                throw new MailboxException.OverQuota("storage quota exceeded: " + u.bytes() + " of " + limit + " bytes in use", false);
            }
        }
        if (l.messages().isPresent()) {
            long limit = l.messages().getAsLong();
            if (limit == 0) throw new MailboxException.OverQuota("the mailbox's message quota is 0", true);
            if (u.messages() + count > limit) {
                throw new MailboxException.OverQuota("message quota exceeded: " + u.messages() + " of " + limit + " messages", false);
            }
        }
        return l;
    }

    /**
     * After usage changed: the threshold the owner must now be warned about (0 for none), noted so
     * it is not repeated; a lower usage lowers the noted threshold so a later rise warns again.
     */
    static int crossed(WriteTx tx, long ownerId) {
        return crossed(tx, ownerId, limits(tx, owner(tx, ownerId)));
    }

    /** The same with the limits already known (an append checked them in the same transaction). */
    static int crossed(WriteTx tx, long ownerId, QuotaLimits l) {
        if (l.storageBytes().isEmpty() && l.messages().isEmpty()) return 0;
        int pct = l.percentUsed(tx.usage(ownerId));
        int level = 0;
        for (int t : THRESHOLDS) if (pct >= t) level = t;
        int warned = tx.quotaWarned(ownerId);
        if (level == warned) return 0;
        tx.setQuotaWarned(ownerId, level);
        return level > warned ? level : 0;
    }

    private static Quota quota(ReadTx tx, Account user, AccountRecord owner) {
        String root = owner.account().id() == user.id() ? "" : USER_ROOT + owner.account().address();
        return new Quota(owner.account().address(), root, limits(tx, owner), tx.usage(owner.account().id()));
    }

    @Override
    public Quota own(Account user) {
        return store.read(tx -> quota(tx, user, owner(tx, user.id())));
    }

    @Override
    public Quota rootOf(Account user, MailboxName mailbox) {
        return store.read(tx -> quota(tx, user, owner(tx, Access.resolve(tx, user, mailbox).ownerId())));
    }

    @Override
    public Quota root(Account user, String root) {
        return store.read(tx -> quota(tx, user, rootAccount(tx, user, root)));
    }

    /** The account a root names, if the user may see it: their own, any for an admin, else one whose folders they see. */
    private AccountRecord rootAccount(ReadTx tx, Account user, String root) {
        if (root.isEmpty()) return owner(tx, user.id());
        MailboxException none = new MailboxException.NoSuchMailbox("quota root " + root);
        if (!root.startsWith(USER_ROOT)) throw none;
        AccountRecord a;
        try {
            a = tx.account(EmailAddress.parse(root.substring(USER_ROOT.length()))).orElseThrow(() -> none);
        } catch (MailboxException.InvalidName e) {
            throw none;
        }
        if (a.account().id() == user.id() || isAdmin(user)) return a;
        long id = a.account().id();
        if (Access.visible(tx, user).stream().noneMatch(m -> m.accountId() == id)) throw none;
        return a;
    }

    @Override
    public void checkDelivery(Account recipient, long size) {
        store.read(tx -> {
            // A check ahead of the delivery, with the account's limits as given (the caller read it
            // just now); the delivery checks again under the account's lock.
            check(tx, recipient.id(), limits(tx, recipient), size, 1, size);
            return null;
        });
    }

    @Override
    public void checkAppend(Account user, MailboxName mailbox, long bytes, int count) {
        store.read(tx -> {
            check(tx, Access.resolve(tx, user, mailbox).ownerId(), bytes, count, bytes);
            return null;
        });
    }

    @Override
    public boolean isAdmin(Account user) {
        return admins.contains(user.address());
    }

    @Override
    public Quota setLimits(Account admin, String root, QuotaLimits limits) {
        if (!isAdmin(admin)) throw new MailboxException.NoRights("only administrators may set quotas");
        return shared.directoryChanged(() -> store.write(tx -> {
            AccountRecord a = rootAccount(tx, admin, root);
            tx.updateQuota(a.account().id(), limits);
            return quota(tx, admin, owner(tx, a.account().id()));
        }));
    }

    @Override
    public java.util.Map<Long, QuotaUsage> usages() {
        return store.read(tx -> tx.usages());
    }

    @Override
    public Totals totals() {
        return store.read(tx -> tx.totals());
    }

    @Override
    public List<Drift> repair(Optional<EmailAddress> account) {
        List<Drift> drifts = store.write(tx -> {
            List<AccountRecord> all = account.isPresent()
                    ? List.of(tx.account(account.get()).orElseThrow(() -> new MailboxException.NoSuchAccount(account.get().toString())))
                    : tx.accounts(Optional.empty());
            List<Drift> out = new ArrayList<>();
            for (AccountRecord a : all) {
                QuotaUsage kept = tx.usage(a.account().id());
                QuotaUsage counted = tx.countUsage(a.account().id());
                if (!kept.equals(counted)) {
                    tx.setUsage(a.account().id(), counted);
                    out.add(new Drift(a.account().address(), kept, counted));
                }
            }
            return out;
        });
        for (Drift d : drifts) log.warn("quota usage of {} was {} and is {} after recounting", d.account(), d.stored(), d.counted());
        return drifts;
    }
}
