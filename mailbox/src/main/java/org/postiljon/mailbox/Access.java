package org.postiljon.mailbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AclEntry;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Rights;
import org.postiljon.store.spi.AccountRecord;
import org.postiljon.store.spi.ReadTx;

/**
 * Where a mailbox name in a user's view points, and what the user may do there (RFC 2342
 * namespaces, RFC 4314 rights). A user's own folders have plain names; another user's appear
 * under {@code Other Users/<owner>/}, a team's under {@code Shared/<team>/}, where the owner is
 * named by local part when in the user's domain and by full address otherwise.
 *
 * <p>Every operation of the mailbox layer resolves its names here inside its transaction, so
 * rights are checked on every access and a revoked right takes effect at the next command.
 */
final class Access {

    static final String OTHER_USERS = MailboxName.OTHER_USERS;
    static final String SHARED = MailboxName.SHARED;

    private Access() { }

    /**
     * A mailbox as one user reaches it: the stored mailbox (with the owner's name for it), its
     * owner, the user's rights, and the prefix that makes the user's name for it.
     */
    record Target(Mailbox mailbox, Rights rights, String prefix) {

        long ownerId() {
            return mailbox.accountId();
        }

        boolean own() {
            return prefix.isEmpty();
        }

        /** The mailbox with the name the user knows it by. */
        Mailbox viewed() {
            return own() ? mailbox : view(mailbox, prefix);
        }

        Target require(char right, String what) {
            if (!rights.has(right)) throw denied(rights, viewed().name(), right, what);
            return this;
        }
    }

    static Mailbox view(Mailbox m, String prefix) {
        return new Mailbox(m.id(), m.accountId(), new MailboxName(prefix + m.name().path()), m.uidValidity(), m.uidNext(),
                m.highestModSeq(), m.specialUse());
    }

    /**
     * RFC 4314 §6: without {@code l} the user must not learn that the mailbox exists, so a
     * missing right is reported as a missing mailbox; with it, as a missing right.
     */
    static MailboxException denied(Rights rights, MailboxName name, char right, String what) {
        if (!rights.has('l')) return new MailboxException.NoSuchMailbox(name.path());
        return new MailboxException.NoRights("no permission to " + what + " in " + name + " (needs the '" + right + "' right)");
    }

    /** An account's namespace and the rest of a name, when the name lies in another user's or a team's namespace. */
    record Foreign(AccountRecord owner, String prefix, Optional<MailboxName> rest) { }

    /** Whether {@code name} lies under "Other Users/" or "Shared/"; empty for the user's own names. */
    static Optional<Foreign> foreign(ReadTx tx, Account user, MailboxName name) {
        String p = name.path();
        String ns;
        if (p.startsWith(OTHER_USERS + "/")) ns = OTHER_USERS;
        else if (p.startsWith(SHARED + "/")) ns = SHARED;
        else return Optional.empty();
        String after = p.substring(ns.length() + 1);
        int slash = after.indexOf('/');
        String who = slash < 0 ? after : after.substring(0, slash);
        Optional<AccountRecord> owner;
        try {
            owner = tx.account(who.contains("@") ? EmailAddress.parse(who) : EmailAddress.parse(who + "@" + user.address().domain().ascii()));
        } catch (MailboxException.InvalidName e) {
            owner = Optional.empty();
        }
        if (owner.isEmpty() || owner.get().account().id() == user.id() || owner.get().team() != ns.equals(SHARED)) {
            throw new MailboxException.NoSuchMailbox(p);
        }
        String prefix = ns + "/" + who + "/";
        Optional<MailboxName> rest = slash < 0 || slash == after.length() - 1 ? Optional.empty() : Optional.of(MailboxName.of(after.substring(slash + 1)));
        return Optional.of(new Foreign(owner.get(), prefix, rest));
    }

    /** The prefix under which {@code owner}'s folders appear to {@code user}. */
    static String prefix(Account user, AccountRecord owner) {
        EmailAddress a = owner.account().address();
        String who = a.domain().equals(user.address().domain()) ? a.localPart() : a.toString();
        return (owner.team() ? SHARED : OTHER_USERS) + "/" + who + "/";
    }

    /**
     * Resolves a name the user gave. The user must be able to see the mailbox at all (some right
     * of RFC 4314's "Any": l, r, i, k, x, a); callers check the right their operation needs.
     * @throws MailboxException.NoSuchMailbox when it does not exist or the user may not know of it
     */
    static Target resolve(ReadTx tx, Account user, MailboxName name) {
        Optional<Foreign> f = foreign(tx, user, name);
        if (f.isEmpty()) {
            Mailbox m = tx.mailbox(user.id(), name).orElseThrow(() -> new MailboxException.NoSuchMailbox(name.path()));
            return new Target(m, Rights.ALL, "");
        }
        Foreign fo = f.get();
        Mailbox m = fo.rest().flatMap(r -> tx.mailbox(fo.owner().account().id(), r))
                .orElseThrow(() -> new MailboxException.NoSuchMailbox(name.path()));
        Rights r = rights(tx, user, fo.owner(), m.id());
        if (!r.any()) throw new MailboxException.NoSuchMailbox(name.path());
        return new Target(m, r, fo.prefix());
    }

    /** Resolves and requires {@code right}. */
    static Target resolve(ReadTx tx, Account user, MailboxName name, char right, String what) {
        return resolve(tx, user, name).require(right, what);
    }

    /**
     * The user's rights on another account's mailbox: the user's own ACL entry, else (on a team
     * mailbox) the rights of the membership; in both cases with those granted to "anyone".
     */
    static Rights rights(ReadTx tx, Account user, AccountRecord owner, long mailboxId) {
        if (owner.account().id() == user.id()) return Rights.ALL;
        SortedMap<String, String> acl = tx.acl(mailboxId);
        String mine = acl.get(user.address().toString());
        Rights r;
        if (mine != null) r = new Rights(mine);
        else if (owner.team()) r = new Rights(tx.teamsOf(user.id()).getOrDefault(owner.account().id(), ""));
        else r = Rights.NONE;
        String anyone = acl.get(AclEntry.ANYONE);
        return anyone == null ? r : r.plus(new Rights(anyone));
    }

    /** Every mailbox the user may list ({@code l}): their own, then others' with prefixed names. */
    static List<Mailbox> visible(ReadTx tx, Account user) {
        List<Mailbox> out = new ArrayList<>(tx.mailboxes(user.id()));
        Map<Long, Mailbox> candidates = new LinkedHashMap<>();
        for (Mailbox m : tx.mailboxesSharedWith(List.of(user.address().toString(), AclEntry.ANYONE))) {
            if (m.accountId() != user.id()) candidates.put(m.id(), m);
        }
        for (long team : tx.teamsOf(user.id()).keySet()) {
            for (Mailbox m : tx.mailboxes(team)) candidates.putIfAbsent(m.id(), m);
        }
        Map<Long, Optional<AccountRecord>> owners = new HashMap<>();
        for (Mailbox m : candidates.values()) {
            Optional<AccountRecord> owner = owners.computeIfAbsent(m.accountId(), tx::account);
            if (owner.isEmpty()) continue;
            if (rights(tx, user, owner.get(), m.id()).has('l')) out.add(view(m, prefix(user, owner.get())));
        }
        return out;
    }
}
