package org.postiljon.mailbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MailboxStatus;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;
import org.postiljon.store.spi.WriteTx;

/** Folders: create, rename, delete, subscribe. */
final class StoredMailboxes implements Mailboxes {

    private final MetadataStore store;
    private final ChangeBus bus;

    StoredMailboxes(MetadataStore store, ChangeBus bus) {
        this.store = store;
        this.bus = bus;
    }

    static Mailbox require(ReadTx tx, Account account, MailboxName name) {
        return tx.mailbox(account.id(), name).orElseThrow(() -> new MailboxException.NoSuchMailbox(name.path()));
    }

    @Override
    public List<Mailbox> list(Account account) {
        return store.read(tx -> tx.mailboxes(account.id()));
    }

    @Override
    public Optional<Mailbox> find(Account account, MailboxName name) {
        return store.read(tx -> tx.mailbox(account.id(), name));
    }

    @Override
    public Mailbox get(Account account, MailboxName name) {
        return store.read(tx -> require(tx, account, name));
    }

    @Override
    public Mailbox create(Account account, MailboxName name, Set<SpecialUse> use) {
        if (use.size() > 1) throw new MailboxException.NotAllowed("a mailbox has at most one special use here");
        List<Change> changes = new ArrayList<>();
        Mailbox created = store.write(tx -> {
            changes.clear();
            if (tx.mailbox(account.id(), name).isPresent()) throw new MailboxException.MailboxExists(name.path());
            long modSeq = tx.nextModSeq(account.id());
            createParents(tx, account, name, modSeq, changes);
            Mailbox m = tx.insertMailbox(account.id(), name, use.stream().findFirst(), modSeq);
            changes.add(new Change.MailboxCreated(account.id(), modSeq, m));
            return m;
        });
        changes.forEach(bus::publish);
        return created;
    }

    /** RFC 9051 §6.3.4: missing superior names are created too. */
    private static void createParents(WriteTx tx, Account account, MailboxName name, long modSeq, List<Change> changes) {
        Optional<MailboxName> parent = name.parent();
        if (parent.isEmpty() || tx.mailbox(account.id(), parent.get()).isPresent()) return;
        createParents(tx, account, parent.get(), modSeq, changes);
        Mailbox p = tx.insertMailbox(account.id(), parent.get(), Optional.empty(), modSeq);
        changes.add(new Change.MailboxCreated(account.id(), modSeq, p));
    }

    @Override
    public void delete(Account account, MailboxName name) {
        // RFC 9051 §6.3.5: deleting INBOX is an error.
        if (name.isInbox()) throw new MailboxException.NotAllowed("INBOX cannot be deleted");
        Change c = store.write(tx -> {
            Mailbox m = require(tx, account, name);
            long modSeq = tx.nextModSeq(account.id());
            tx.deleteMailbox(m.id(), modSeq);
            return new Change.MailboxDeleted(account.id(), modSeq, m.id(), name);
        });
        bus.publish(c);
    }

    @Override
    public void rename(Account account, MailboxName from, MailboxName to) {
        if (to.isInbox()) throw new MailboxException.MailboxExists("INBOX");
        if (!from.isInbox() && to.isWithin(from)) {
            throw new MailboxException.NotAllowed("cannot rename " + from + " into itself");
        }
        List<Change> changes = new ArrayList<>();
        store.write(tx -> {
            changes.clear();
            Mailbox source = require(tx, account, from);
            if (tx.mailbox(account.id(), to).isPresent()) throw new MailboxException.MailboxExists(to.path());
            long modSeq = tx.nextModSeq(account.id());
            createParents(tx, account, to, modSeq, changes);
            if (from.isInbox()) {
                // RFC 9051 §6.3.6: renaming INBOX moves its messages to the new name; INBOX stays, empty.
                Mailbox target = tx.insertMailbox(account.id(), to, Optional.empty(), modSeq);
                changes.add(new Change.MailboxCreated(account.id(), modSeq, target));
                List<MessageInfo> all = tx.messages(source.id(), UidSet.ALL);
                List<Long> uids = new ArrayList<>();
                for (MessageInfo m : all) {
                    MessageInfo copy = tx.copyMessage(m, target.id(), modSeq, java.time.Instant.now());
                    changes.add(new Change.MessageAdded(account.id(), modSeq, target.id(), copy));
                    uids.add(m.uid());
                }
                tx.deleteMessages(source.id(), uids, modSeq);
                if (!uids.isEmpty()) changes.add(new Change.MessagesExpunged(account.id(), modSeq, source.id(), uids));
                return null;
            }
            // Children move with their parent; if a new name is taken, the whole rename fails.
            for (Mailbox m : tx.mailboxes(account.id())) {
                if (!m.name().isWithin(from)) continue;
                MailboxName newName = m.name().rebase(from, to);
                tx.renameMailbox(m.id(), newName, modSeq);
                changes.add(new Change.MailboxRenamed(account.id(), modSeq, m.id(), m.name(), newName));
            }
            for (MailboxName s : tx.subscriptions(account.id())) {
                if (!s.isWithin(from)) continue;
                tx.unsubscribe(account.id(), s);
                tx.subscribe(account.id(), s.rebase(from, to));
            }
            return null;
        });
        changes.forEach(bus::publish);
    }

    @Override
    public void subscribe(Account account, MailboxName name) {
        store.write(tx -> {
            tx.subscribe(account.id(), name);
            return null;
        });
    }

    @Override
    public void unsubscribe(Account account, MailboxName name) {
        store.write(tx -> {
            tx.unsubscribe(account.id(), name);
            return null;
        });
    }

    @Override
    public SortedSet<MailboxName> subscriptions(Account account) {
        return store.read(tx -> tx.subscriptions(account.id()));
    }

    @Override
    public MailboxStatus status(Account account, MailboxName name) {
        return store.read(tx -> tx.status(require(tx, account, name)));
    }
}
