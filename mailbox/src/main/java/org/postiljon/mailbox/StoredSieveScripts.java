package org.postiljon.mailbox;

import java.util.List;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.SieveScripts;
import org.postiljon.sieve.Sieve;
import org.postiljon.store.spi.MetadataStore;

/** Sieve scripts in the store (table {@code sieve_script}), checked by the sieve library before they are kept. */
final class StoredSieveScripts implements SieveScripts {

    private final MetadataStore store;
    private final SharedDirectoryReads shared;

    StoredSieveScripts(MetadataStore store, SharedDirectoryReads shared) {
        this.store = store;
        this.shared = shared;
    }

    @Override
    public List<Script> list(Account account) {
        return store.read(tx -> tx.sieveScripts(account.id()));
    }

    @Override
    public Optional<Script> get(Account account, String name) {
        return list(account).stream().filter(s -> s.name().equals(name)).findFirst();
    }

    @Override
    public Optional<String> active(Account account) {
        return store.read(tx -> active(tx, account.id()));
    }

    /** The account's active script, read in {@code tx} (delivery reads it with the account's other rules). */
    static Optional<String> active(org.postiljon.store.spi.ReadTx tx, long accountId) {
        return tx.sieveScripts(accountId).stream().filter(Script::active).map(Script::content).findFirst();
    }

    @Override
    public List<String> extensions() {
        return Sieve.EXTENSIONS.stream().sorted().toList();
    }

    @Override
    public int maxRedirects() {
        return Sieve.MAX_REDIRECTS;
    }

    @Override
    public Optional<String> check(String content) {
        try {
            Sieve.compile(content);
            return Optional.empty();
        } catch (org.postiljon.sieve.Script.SyntaxError | Sieve.InvalidScript e) {
            return Optional.of(e.getMessage());
        }
    }

    /** RFC 5804 §1.6: a script name is 1-128 Unicode characters without controls. */
    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.codePointCount(0, name.length()) > 128 || name.codePoints().anyMatch(Character::isISOControl)
                || name.contains("\u2028") || name.contains("\u2029")) {
            throw new MailboxException.NotAllowed("a script name is 1 to 128 characters without control characters");
        }
    }

    @Override
    public void put(Account account, String name, String content) {
        checkName(name);
        Optional<String> fault = check(content);
        if (fault.isPresent()) throw new MailboxException.NotAllowed("not a valid Sieve script: " + fault.get());
        shared.rulesChanged(account, () -> store.write(tx -> {
            List<Script> existing = tx.sieveScripts(account.id());
            if (existing.size() >= MAX_SCRIPTS && existing.stream().noneMatch(s -> s.name().equals(name))) {
                throw new MailboxException.NotAllowed("an account keeps at most " + MAX_SCRIPTS + " scripts; delete one first");
            }
            tx.putSieveScript(account.id(), name, content);
            return null;
        }));
    }

    @Override
    public void activate(Account account, String name) {
        shared.rulesChanged(account, () -> store.write(tx -> {
            if (name != null && tx.sieveScripts(account.id()).stream().noneMatch(s -> s.name().equals(name))) {
                throw new MailboxException.NotAllowed("no script " + name);
            }
            tx.activateSieveScript(account.id(), name);
            return null;
        }));
    }

    @Override
    public void delete(Account account, String name) {
        shared.rulesChanged(account, () -> store.write(tx -> {
            Optional<Script> s = tx.sieveScripts(account.id()).stream().filter(x -> x.name().equals(name)).findFirst();
            if (s.isEmpty()) throw new MailboxException.NotAllowed("no script " + name);
            if (s.get().active()) throw new MailboxException.NotAllowed("the script " + name + " is active; deactivate it first");
            tx.deleteSieveScript(account.id(), name);
            return null;
        }));
    }

    @Override
    public void rename(Account account, String from, String to) {
        checkName(to);
        shared.rulesChanged(account, () -> store.write(tx -> {
            List<Script> all = tx.sieveScripts(account.id());
            if (all.stream().noneMatch(x -> x.name().equals(from))) throw new MailboxException.NotAllowed("no script " + from);
            if (all.stream().anyMatch(x -> x.name().equals(to))) throw new MailboxException.NotAllowed("a script " + to + " exists already");
            tx.renameSieveScript(account.id(), from, to);
            return null;
        }));
    }
}
