package org.postiljon.mailbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MailboxStatus;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.Rights;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.store.spi.AccountRecord;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;
import org.postiljon.store.spi.WriteTx;

/** Folders: create, rename, delete, subscribe. */
final class StoredMailboxes implements Mailboxes {

    private final MetadataStore store;
    private final ChangeBus bus;
    private final int maxMailboxes;

    StoredMailboxes(MetadataStore store, ChangeBus bus, int maxMailboxes) {
        this.store = store;
        this.bus = bus;
        this.maxMailboxes = maxMailboxes;
    }

    /** Inside the creating transaction: its new mailboxes (with parents) must leave the owner within the limit, else all roll back. */
    private void withinLimit(WriteTx tx, long ownerId) {
        if (tx.mailboxCount(ownerId) > maxMailboxes) {
            throw new MailboxException.LimitReached("an account has at most " + maxMailboxes + " folders; delete some first");
        }
    }

    /** The user's own mailbox, with every right (for paths that never reach others' folders). */
    static Mailbox require(ReadTx tx, Account account, MailboxName name) {
        return tx.mailbox(account.id(), name).orElseThrow(() -> new MailboxException.NoSuchMailbox(name.path()));
    }

    @Override
    public List<Mailbox> list(Account account) {
        return store.read(tx -> Access.visible(tx, account));
    }

    @Override
    public Optional<Mailbox> find(Account account, MailboxName name) {
        return store.read(tx -> {
            try {
                return Optional.of(Access.resolve(tx, account, name).viewed());
            } catch (MailboxException.NoSuchMailbox e) {
                return Optional.<Mailbox>empty();
            }
        });
    }

    @Override
    public Mailbox get(Account account, MailboxName name) {
        return store.read(tx -> Access.resolve(tx, account, name).viewed());
    }

    /**
     * Where a new name goes: the owning account, the name there, the prefix of the user's view,
     * and the nearest existing parent (whose {@code k} right a user needs in another's namespace,
     * RFC 4314 §4, and whose ACL the new mailbox inherits).
     */
    private record Place(long ownerId, MailboxName name, String prefix, Optional<Mailbox> parent) { }

    private static Place place(ReadTx tx, Account user, MailboxName name, String what) {
        Optional<Access.Foreign> f = Access.foreign(tx, user, name);
        long owner = f.map(x -> x.owner().account().id()).orElse(user.id());
        MailboxName inner = f.isEmpty() ? name : f.get().rest().orElseThrow(() -> new MailboxException.NotAllowed(
                "no permission to " + what + " " + name + ": it names another account's namespace"));
        Optional<Mailbox> parent = Optional.empty();
        for (Optional<MailboxName> p = inner.parent(); p.isPresent() && parent.isEmpty(); p = p.get().parent()) {
            parent = tx.mailbox(owner, p.get());
        }
        if (f.isPresent()) {
            // At the top of a team's namespace the membership decides; another user's top level is theirs alone.
            Rights r = parent.isPresent() ? Access.rights(tx, user, f.get().owner(), parent.get().id())
                    : f.get().owner().team() ? new Rights(tx.teamsOf(user.id()).getOrDefault(owner, "")) : Rights.NONE;
            if (!r.has('k')) {
                throw new MailboxException.NoRights("no permission to " + what + " " + name + " (needs the 'k' right on "
                        + (parent.isEmpty() ? "a parent folder" : f.get().prefix() + parent.get().name()) + ")");
            }
        }
        // RFC 2342: "Other Users" and "Shared" are the prefixes of the other namespaces, not folders of one's own.
        if (f.isEmpty() && name.isNamespacePrefix()) {
            throw new MailboxException.NotAllowed("'" + name.path().split("/")[0] + "' is where other users' and teams' folders appear;"
                    + " choose another name");
        }
        checkPolicy(tx, owner, inner, parent);
        return new Place(owner, inner, f.map(Access.Foreign::prefix).orElse(""), parent);
    }

    private static final java.util.regex.Pattern RESTRICTED = java.util.regex.Pattern.compile("[A-Za-z0-9_-]+");

    /** The domain's folder-name policy ({@link AccountSetting#FOLDER_NAMES}) applies to every level that is new. */
    private static void checkPolicy(ReadTx tx, long ownerId, MailboxName name, Optional<Mailbox> existingParent) {
        AccountRecord owner = StoredQuotas.owner(tx, ownerId);
        if (!Settings.domainValue(tx, owner.account().address().domain(), AccountSetting.FOLDER_NAMES).equals("restricted")) return;
        String[] parts = name.path().split("/");
        int known = existingParent.map(p -> p.name().path().split("/").length).orElse(0);
        for (int i = known; i < parts.length; i++) {
            if (i == 0 && parts[i].equals("INBOX")) continue;
            if (!RESTRICTED.matcher(parts[i]).matches()) {
                throw new MailboxException.InvalidName("folder names in " + owner.account().address().domain()
                        + " may only use the letters a-z, digits, '_' and '-' (a policy of the domain, for mail programs"
                        + " that mishandle other characters); '" + parts[i] + "' does not");
            }
        }
    }

    @Override
    public Mailbox create(Account account, MailboxName name, Set<SpecialUse> use) {
        if (use.size() > 1) throw new MailboxException.NotAllowed("a mailbox has at most one special use here");
        List<Change> changes = new ArrayList<>();
        Mailbox created = store.write(tx -> {
            changes.clear();
            Place at = place(tx, account, name, "create");
            if (tx.mailbox(at.ownerId(), at.name()).isPresent()) throw new MailboxException.MailboxExists(name.path());
            long modSeq = tx.nextModSeq(at.ownerId());
            createParents(tx, at.ownerId(), at.name(), modSeq, changes);
            Mailbox m = tx.insertMailbox(at.ownerId(), at.name(), use.stream().findFirst(), modSeq);
            withinLimit(tx, at.ownerId());
            // RFC 4314 §4: a new mailbox SHOULD inherit the ACL of its parent.
            if (at.parent().isPresent()) tx.acl(at.parent().get().id()).forEach((id, r) -> tx.setAcl(m.id(), id, r));
            changes.add(new Change.MailboxCreated(at.ownerId(), modSeq, m));
            return at.prefix().isEmpty() ? m : Access.view(m, at.prefix());
        });
        changes.forEach(bus::publish);
        return created;
    }

    /** RFC 9051 §6.3.4: missing superior names are created too. */
    private static void createParents(WriteTx tx, long accountId, MailboxName name, long modSeq, List<Change> changes) {
        Optional<MailboxName> parent = name.parent();
        if (parent.isEmpty() || tx.mailbox(accountId, parent.get()).isPresent()) return;
        createParents(tx, accountId, parent.get(), modSeq, changes);
        Mailbox p = tx.insertMailbox(accountId, parent.get(), Optional.empty(), modSeq);
        changes.add(new Change.MailboxCreated(accountId, modSeq, p));
    }

    @Override
    public void delete(Account account, MailboxName name) {
        // RFC 9051 §6.3.5: deleting INBOX is an error.
        if (name.isInbox()) throw new MailboxException.NotAllowed("INBOX cannot be deleted");
        Change c = store.write(tx -> {
            Access.Target t = Access.resolve(tx, account, name, 'x', "delete");
            if (t.mailbox().name().isInbox()) throw new MailboxException.NotAllowed("INBOX cannot be deleted");
            long modSeq = tx.nextModSeq(t.ownerId());
            tx.deleteMailbox(t.mailbox().id(), modSeq);
            StoredQuotas.crossed(tx, t.ownerId()); // usage fell: a threshold may be announced again later
            return new Change.MailboxDeleted(t.ownerId(), modSeq, t.mailbox().id(), t.mailbox().name());
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
            Access.Target source = Access.resolve(tx, account, from, 'x', "rename");
            Place at = place(tx, account, to, "rename to");
            if (at.ownerId() != source.ownerId()) throw new MailboxException.NotAllowed("cannot move a folder to another account");
            long owner = at.ownerId();
            MailboxName inner = source.mailbox().name();
            if (tx.mailbox(owner, at.name()).isPresent()) throw new MailboxException.MailboxExists(to.path());
            long modSeq = tx.nextModSeq(owner);
            createParents(tx, owner, at.name(), modSeq, changes);
            if (inner.isInbox()) {
                withinLimit(tx, owner);
                // RFC 9051 §6.3.6: renaming INBOX moves its messages to the new name; INBOX stays, empty.
                Mailbox target = tx.insertMailbox(owner, at.name(), Optional.empty(), modSeq);
                changes.add(new Change.MailboxCreated(owner, modSeq, target));
                List<MessageInfo> all = tx.messages(source.mailbox().id(), UidSet.ALL);
                List<Long> uids = new ArrayList<>();
                for (MessageInfo m : all) {
                    MessageInfo copy = tx.copyMessage(m, target.id(), modSeq, java.time.Instant.now(), m.flags());
                    changes.add(new Change.MessageAdded(owner, modSeq, target.id(), copy));
                    uids.add(m.uid());
                }
                tx.deleteMessages(source.mailbox().id(), uids, modSeq);
                if (!uids.isEmpty()) changes.add(new Change.MessagesExpunged(owner, modSeq, source.mailbox().id(), uids));
                return null;
            }
            withinLimit(tx, owner);
            // Children move with their parent; if a new name is taken, the whole rename fails.
            for (Mailbox m : tx.mailboxes(owner)) {
                if (!m.name().isWithin(inner)) continue;
                MailboxName newName = m.name().rebase(inner, at.name());
                tx.renameMailbox(m.id(), newName, modSeq);
                changes.add(new Change.MailboxRenamed(owner, modSeq, m.id(), m.name(), newName));
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
        bus.publish(new Change.SubscriptionChanged(account.id(), 0, name, true));
    }

    @Override
    public void unsubscribe(Account account, MailboxName name) {
        store.write(tx -> {
            tx.unsubscribe(account.id(), name);
            return null;
        });
        bus.publish(new Change.SubscriptionChanged(account.id(), 0, name, false));
    }

    @Override
    public SortedSet<MailboxName> subscriptions(Account account) {
        return store.read(tx -> tx.subscriptions(account.id()));
    }

    @Override
    public MailboxStatus status(Account account, MailboxName name) {
        return store.read(tx -> {
            Access.Target t = Access.resolve(tx, account, name, 'r', "read the status");
            MailboxStatus st = tx.status(t.mailbox());
            return new MailboxStatus(t.viewed(), st.messages(), st.unseen(), st.deleted(), st.sizeBytes(), st.deletedBytes());
        });
    }

    /** The mailbox whose METADATA the user may read and write (RFC 5464 §3.3), or null for the server's. */
    private static Access.Target annotated(ReadTx tx, Account account, MailboxName name) {
        if (name == null) return null;
        Access.Target t = Access.resolve(tx, account, name);
        Rights r = t.rights();
        // RFC 5464 §3.3: the "l" right and any one of "r", "s", "w", "i", "p".
        if (!r.has('l') || "rswip".chars().noneMatch(c -> r.has((char) c))) {
            throw Access.denied(r, t.viewed().name(), 'r', "read or annotate it");
        }
        return t;
    }

    private static long idOf(Access.Target t) {
        return t == null ? 0 : t.mailbox().id();
    }

    @Override
    public java.util.SortedMap<String, byte[]> annotations(Account account, MailboxName name) {
        java.util.SortedMap<String, byte[]> entries = store.read(tx -> tx.annotations(idOf(annotated(tx, account, name)), account.id()));
        if (name == null) { // RFC 5464 §3.2.1.1: /shared/admin, a URI for reaching the administrator
            entries.put("/shared/admin", ("mailto:postmaster@" + account.address().domain()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return entries;
    }

    @Override
    public void annotate(Account account, MailboxName name, java.util.Map<String, Optional<byte[]>> entries) {
        Access.Target[] target = {null};
        store.write(tx -> {
            Access.Target t = annotated(tx, account, name);
            target[0] = t;
            long mailboxId = idOf(t);
            for (var e : entries.entrySet()) {
                String entry = e.getKey().toLowerCase(java.util.Locale.ROOT);
                boolean shared = entry.startsWith("/shared/");
                if (!shared && !entry.startsWith("/private/")) throw new MailboxException.InvalidName("entry names begin with /private/ or /shared/");
                // RFC 5464 §3.3: the server may restrict its own annotations; its /shared ones are the operator's.
                if (shared && mailboxId == 0) throw new MailboxException.NoRights("the server's /shared entries are set by the operator");
                byte[] value = e.getValue().orElse(null);
                if (value != null && value.length > MAX_ANNOTATION_BYTES) throw new MailboxException.LimitReached("an entry holds at most " + MAX_ANNOTATION_BYTES + " octets");
                tx.annotate(mailboxId, shared ? 0 : account.id(), entry, value);
            }
            // §4.3: too many entries fails the whole command (the transaction rolls back).
            if (tx.annotations(mailboxId, account.id()).size() > MAX_ANNOTATIONS) {
                throw new MailboxException.LimitReached("at most " + MAX_ANNOTATIONS + " entries");
            }
            // Entries do not count toward the quota, so an account's total is bounded on its own (10,000
            // folders × 100 entries × 64 KiB would otherwise be 64 GB outside any quota).
            for (long who : t == null || t.ownerId() == account.id() ? new long[] {account.id()} : new long[] {account.id(), t.ownerId()}) {
                if (tx.annotationBytes(who) > MAX_ANNOTATION_BYTES_PER_ACCOUNT) {
                    throw new MailboxException.LimitReached("METADATA values of an account are limited to "
                            + MAX_ANNOTATION_BYTES_PER_ACCOUNT / 1024 + " KiB in all");
                }
            }
            return null;
        });
        java.util.Set<String> shared = new java.util.TreeSet<>(), mine = new java.util.TreeSet<>();
        for (String e : entries.keySet()) {
            String n = e.toLowerCase(java.util.Locale.ROOT);
            (n.startsWith("/shared/") ? shared : mine).add(n);
        }
        Access.Target t = target[0];
        // A /private entry concerns its user (by the user's name for the mailbox); a /shared one every
        // user of the mailbox, told through the owner's account (by the owner's name).
        if (!mine.isEmpty()) bus.publish(new Change.AnnotationsChanged(account.id(), 0, t == null ? null : t.viewed().name(), mine));
        if (!shared.isEmpty() && t != null) bus.publish(new Change.AnnotationsChanged(t.ownerId(), 0, t.mailbox().name(), shared));
    }
}
