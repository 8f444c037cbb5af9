package org.postiljon.mailbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Acl;
import org.postiljon.mailbox.api.AclEntry;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Rights;
import org.postiljon.store.spi.AccountRecord;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;

/**
 * Mailbox ACLs. Identifiers are account addresses and {@code anyone} (every logged-in user);
 * negative rights ({@code -name}) are refused. The owner has every right and cannot lose one.
 */
final class StoredAcl implements Acl {

    private final MetadataStore store;

    StoredAcl(MetadataStore store) {
        this.store = store;
    }

    @Override
    public Rights myRights(Account user, MailboxName mailbox) {
        return store.read(tx -> Access.resolve(tx, user, mailbox).rights());
    }

    @Override
    public List<AclEntry> get(Account user, MailboxName mailbox) {
        return store.read(tx -> {
            Access.Target t = Access.resolve(tx, user, mailbox, 'a', "read the access list");
            AccountRecord owner = StoredQuotas.owner(tx, t.ownerId());
            Map<String, Rights> entries = new LinkedHashMap<>();
            entries.put(owner.account().address().toString(), Rights.ALL);
            if (owner.team()) {
                for (var m : tx.teamMembers(owner.account().id()).entrySet()) {
                    tx.account(m.getKey()).ifPresent(a -> entries.put(a.account().address().toString(), new Rights(m.getValue())));
                }
            }
            tx.acl(t.mailbox().id()).forEach((id, r) -> entries.put(id, new Rights(r)));
            List<AclEntry> out = new ArrayList<>();
            entries.forEach((id, r) -> out.add(new AclEntry(id, r)));
            return out;
        });
    }

    /** An identifier in canonical form: "anyone" or the address of an existing account other than the owner. */
    private static String identifier(ReadTx tx, long ownerId, String identifier) {
        if (identifier.equalsIgnoreCase(AclEntry.ANYONE)) return AclEntry.ANYONE;
        if (identifier.startsWith("-")) throw new MailboxException.NotAllowed("negative rights are not supported");
        EmailAddress a = EmailAddress.parse(identifier);
        AccountRecord r = tx.account(a).orElseThrow(() -> new MailboxException.NoSuchAccount(a.toString()));
        if (r.account().id() == ownerId) throw new MailboxException.NotAllowed("the owner of a mailbox always has every right");
        if (r.team()) throw new MailboxException.NotAllowed(a + " is a team mailbox and cannot log in");
        return a.toString();
    }

    @Override
    public void set(Account user, MailboxName mailbox, String identifier, Rights rights) {
        store.write(tx -> {
            Access.Target t = Access.resolve(tx, user, mailbox, 'a', "change the access list");
            String id = identifier(tx, t.ownerId(), identifier);
            if (rights.isEmpty() && !isTeamMember(tx, t, id)) tx.deleteAcl(t.mailbox().id(), id);
            else tx.setAcl(t.mailbox().id(), id, rights.letters());
            return null;
        });
    }

    /** On a team mailbox an explicit empty entry is how a member is shut out of one folder. */
    private static boolean isTeamMember(ReadTx tx, Access.Target t, String identifier) {
        if (identifier.equals(AclEntry.ANYONE)) return false;
        long member = tx.account(EmailAddress.parse(identifier)).orElseThrow().account().id();
        return tx.teamMembers(t.ownerId()).containsKey(member);
    }

    @Override
    public void delete(Account user, MailboxName mailbox, String identifier) {
        store.write(tx -> {
            Access.Target t = Access.resolve(tx, user, mailbox, 'a', "change the access list");
            tx.deleteAcl(t.mailbox().id(), identifier(tx, t.ownerId(), identifier));
            return null;
        });
    }

    @Override
    public List<Rights> listRights(Account user, MailboxName mailbox, String identifier) {
        return store.read(tx -> {
            Access.Target t = Access.resolve(tx, user, mailbox, 'a', "read the access list");
            if (!identifier.equalsIgnoreCase(AclEntry.ANYONE) && tx.account(EmailAddress.parse(identifier))
                    .map(a -> a.account().id() == t.ownerId()).orElse(false)) {
                return List.of(Rights.ALL); // RFC 4314 §3.7: the owner's rights are all required
            }
            List<Rights> out = new ArrayList<>();
            out.add(Rights.NONE);
            for (char c : Rights.ORDER.toCharArray()) out.add(new Rights(String.valueOf(c)));
            return out;
        });
    }
}
