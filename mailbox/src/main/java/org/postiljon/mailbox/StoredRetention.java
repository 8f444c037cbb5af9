package org.postiljon.mailbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.Retention;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.store.spi.AccountRecord;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;

/**
 * Expiry by SAVEDATE. A run asks the store for the mailboxes that can expire (Trash, Junk and
 * folders with a policy), then per mailbox for messages saved before its cutoff through the
 * (mailbox, save_date) index: cheap when there is nothing to remove, and with no state of its
 * own, so a restart simply runs again.
 */
final class StoredRetention implements Retention {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StoredRetention.class);
    private static final int BATCH = 1000;

    private final MetadataStore store;
    private final ChangeBus bus;
    private final Leases leases;

    StoredRetention(MetadataStore store, ChangeBus bus, Leases leases) {
        this.store = store;
        this.bus = bus;
        this.leases = leases;
    }

    /** Days for the folder: its own policy, else its special use's default from the account's settings. */
    static int days(ReadTx tx, AccountRecord owner, Mailbox m) {
        OptionalInt own = tx.retentionDays(m.id());
        if (own.isPresent()) return own.getAsInt();
        AccountSetting s;
        if (m.specialUse().equals(Optional.of(SpecialUse.TRASH))) s = AccountSetting.RETENTION_TRASH;
        else if (m.specialUse().equals(Optional.of(SpecialUse.JUNK))) s = AccountSetting.RETENTION_JUNK;
        else return 0;
        return (int) AccountSetting.number(Settings.value(tx, owner.account(), s)).orElse(0);
    }

    private record Due(AccountRecord owner, Mailbox mailbox, int days, Instant cutoff, long[] uids) { }

    private static List<Due> due(ReadTx tx, Optional<EmailAddress> account, Instant now) {
        List<Mailbox> candidates;
        Map<Long, AccountRecord> owners = new HashMap<>();
        if (account.isPresent()) {
            AccountRecord a = tx.account(account.get()).orElseThrow(() -> new MailboxException.NoSuchAccount(account.get().toString()));
            owners.put(a.account().id(), a);
            candidates = tx.mailboxes(a.account().id());
        } else {
            candidates = tx.retentionCandidates();
        }
        List<Due> out = new ArrayList<>();
        for (Mailbox m : candidates) {
            AccountRecord owner = owners.computeIfAbsent(m.accountId(), id -> tx.account(id).orElse(null));
            if (owner == null) continue;
            int days = days(tx, owner, m);
            if (days <= 0) continue;
            Instant cutoff = now.minus(Duration.ofDays(days));
            long[] uids = tx.uidsSavedBefore(m.id(), cutoff);
            if (uids.length > 0) out.add(new Due(owner, m, days, cutoff, uids));
        }
        return out;
    }

    private static Expiry expiry(Due d, List<MessageInfo> messages) {
        long bytes = messages.stream().mapToLong(MessageInfo::size).sum();
        return new Expiry(d.owner().account().address(), d.mailbox().name(), d.days(), d.cutoff(), messages.size(), bytes);
    }

    @Override
    public List<Expiry> preview(Optional<EmailAddress> account, Instant now) {
        return store.read(tx -> {
            List<Expiry> out = new ArrayList<>();
            for (Due d : due(tx, account, now)) out.add(expiry(d, tx.messages(d.mailbox().id(), d.uids())));
            return out;
        });
    }

    @Override
    public List<Expiry> run(Instant now) {
        // One node at a time: the batches re-check SAVEDATE, so two runs would be safe, but each would read everything.
        Optional<Leases.Lease> lease = leases.take("retention");
        if (lease.isEmpty()) return List.of();
        try (Leases.Lease held = lease.get()) {
            return runHeld(now);
        }
    }

    private List<Expiry> runHeld(Instant now) {
        List<Expiry> removed = new ArrayList<>();
        for (Due d : store.read(tx -> due(tx, Optional.empty(), now))) {
            for (int from = 0; from < d.uids().length; from += BATCH) {
                long[] batch = java.util.Arrays.copyOfRange(d.uids(), from, Math.min(d.uids().length, from + BATCH));
                removed.add(expunge(d, batch));
            }
        }
        return removed;
    }

    /** Expunges one batch, re-checking each message's SAVEDATE in the transaction (it may have moved on). */
    private Expiry expunge(Due d, long[] uids) {
        long owner = d.mailbox().accountId();
        record Result(List<MessageInfo> gone, long modSeq) { }
        Result r = store.write(tx -> {
            List<MessageInfo> gone = new ArrayList<>();
            for (MessageInfo m : tx.messages(d.mailbox().id(), uids)) if (m.saveDate().isBefore(d.cutoff())) gone.add(m);
            if (gone.isEmpty()) return new Result(gone, 0);
            long modSeq = tx.nextModSeq(owner);
            tx.deleteMessages(d.mailbox().id(), gone.stream().map(MessageInfo::uid).toList(), modSeq);
            StoredQuotas.crossed(tx, owner);
            return new Result(gone, modSeq);
        });
        Expiry e = expiry(d, r.gone());
        if (!r.gone().isEmpty()) {
            bus.publish(new Change.MessagesExpunged(owner, r.modSeq(), d.mailbox().id(), r.gone().stream().map(MessageInfo::uid).toList()));
            log.info("retention: removed {} messages ({} bytes) saved before {} from {} of {} ({} days)", e.messages(), e.bytes(),
                    e.cutoff(), e.mailbox(), e.account(), e.days());
        }
        return e;
    }

    @Override
    public void setPolicy(EmailAddress account, MailboxName mailbox, OptionalInt days) {
        if (days.isPresent() && (days.getAsInt() < 0 || days.getAsInt() > 100_000)) {
            throw new MailboxException.InvalidName("retention must be 0 (never) to 100000 days");
        }
        store.write(tx -> {
            AccountRecord a = tx.account(account).orElseThrow(() -> new MailboxException.NoSuchAccount(account.toString()));
            Mailbox m = tx.mailbox(a.account().id(), mailbox).orElseThrow(() -> new MailboxException.NoSuchMailbox(mailbox.path()));
            tx.setRetentionDays(m.id(), days.isPresent() ? days.getAsInt() : null);
            return null;
        });
    }

    @Override
    public int policy(EmailAddress account, MailboxName mailbox) {
        return store.read(tx -> {
            AccountRecord a = tx.account(account).orElseThrow(() -> new MailboxException.NoSuchAccount(account.toString()));
            Mailbox m = tx.mailbox(a.account().id(), mailbox).orElseThrow(() -> new MailboxException.NoSuchMailbox(mailbox.path()));
            return days(tx, a, m);
        });
    }
}
