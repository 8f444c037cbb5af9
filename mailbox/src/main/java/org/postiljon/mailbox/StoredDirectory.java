package org.postiljon.mailbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.Alias;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.Scram;
import org.postiljon.mailbox.api.ScramSecret;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.TwoFactor;
import org.postiljon.store.spi.AccountRecord;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.WriteTx;

/** Domains, accounts and aliases in the metadata store. */
final class StoredDirectory implements Directory {

    /** The folders every account starts with (RFC 6154 special uses), all subscribed. */
    record DefaultMailbox(String name, SpecialUse use) { }

    static final List<DefaultMailbox> DEFAULT_MAILBOXES = List.of(
            new DefaultMailbox("INBOX", null),
            new DefaultMailbox("Drafts", SpecialUse.DRAFTS),
            new DefaultMailbox("Sent", SpecialUse.SENT),
            new DefaultMailbox("Trash", SpecialUse.TRASH),
            new DefaultMailbox("Junk", SpecialUse.JUNK),
            new DefaultMailbox("Archive", SpecialUse.ARCHIVE));
    private static final int MAX_ALIAS_DEPTH = 8;

    private final MetadataStore store;
    private final Passwords passwords;
    /** Verified against when the account does not exist, so both cases take as long. */
    /**
     * Verified against when the account does not exist, so both cases take as long. Made on first
     * use, not at start: the admin CLI builds a directory for every command.
     */
    private volatile String decoyHash;
    private final VerifiedCredentials verified;

    private final AppPasswords appPasswords;
    private final TwoFactor twoFactor;
    private final SharedDirectoryReads shared;

    StoredDirectory(MetadataStore store, Passwords passwords, VerifiedCredentials verified, AppPasswords appPasswords, TwoFactor twoFactor,
                    SharedDirectoryReads shared) {
        this.store = store;
        this.passwords = passwords;
        this.verified = verified;
        this.appPasswords = appPasswords;
        this.twoFactor = twoFactor;
        this.shared = shared;
    }

    @Override
    public void addDomain(DomainName domain) {
        write(tx -> {
            tx.insertDomain(domain);
            return null;
        });
    }

    @Override
    public void removeDomain(DomainName domain) {
        write(tx -> {
            tx.deleteDomain(domain);
            return null;
        });
    }

    @Override
    public List<DomainName> domains() {
        return store.read(tx -> tx.domains());
    }

    @Override
    public boolean isLocal(DomainName domain) {
        return store.read(tx -> tx.domainExists(domain));
    }

    static void checkPassword(char[] password) {
        if (password == null || password.length < Passwords.MIN_LENGTH) {
            throw new MailboxException.InvalidName("password must be at least " + Passwords.MIN_LENGTH + " characters");
        }
        if (password.length > Passwords.MAX_LENGTH) {
            throw new MailboxException.InvalidName("password longer than " + Passwords.MAX_LENGTH + " characters");
        }
    }

    @Override
    public Account addAccount(EmailAddress address, char[] password, QuotaLimits quota) {
        checkPassword(password);
        String hash = passwords.hash(password);
        ScramSecret scram = Scram.newSecret(password);
        return write(tx -> {
            if (!tx.domainExists(address.domain())) throw new MailboxException.NoSuchDomain(address.domain().ascii());
            if (!tx.aliasTargets(new AliasSource(address.localPart(), address.domain())).isEmpty()) {
                throw new MailboxException.AliasExists(address + " is already an alias");
            }
            Account a = tx.insertAccount(address, hash, scram, quota);
            createDefaults(tx, a.id());
            return a;
        });
    }

    private static void createDefaults(WriteTx tx, long accountId) {
        long modSeq = tx.nextModSeq(accountId);
        for (DefaultMailbox m : DEFAULT_MAILBOXES) {
            MailboxName name = MailboxName.of(m.name());
            tx.insertMailbox(accountId, name, Optional.ofNullable(m.use()), modSeq);
            tx.subscribe(accountId, name);
        }
    }

    @Override
    public void removeAccount(EmailAddress address) {
        write(tx -> {
            AccountRecord a = tx.account(address).orElseThrow(() -> new MailboxException.NoSuchAccount(address.toString()));
            tx.deleteAccount(a.account().id());
            return null;
        });
    }

    @Override
    public List<Account> accounts(Optional<DomainName> domain) {
        return store.read(tx -> {
            if (domain.isPresent() && !tx.domainExists(domain.get())) throw new MailboxException.NoSuchDomain(domain.get().ascii());
            return tx.accounts(domain).stream().map(AccountRecord::account).toList();
        });
    }

    @Override
    public Optional<Account> find(EmailAddress address) {
        return store.read(tx -> tx.account(address).map(AccountRecord::account));
    }

    @Override
    public Optional<Account> find(long accountId) {
        return store.read(tx -> tx.account(accountId).map(AccountRecord::account));
    }

    @Override
    public Optional<Stamped> findStamped(long accountId) {
        return store.read(tx -> tx.account(accountId)).map(a -> new Stamped(a.account(), stamp(a.passwordHash())));
    }

    /** A digest of the stored hash: changes with the password, reveals nothing of it. */
    private static String stamp(String passwordHash) {
        return CheckedContent.sha256(String.valueOf(passwordHash).getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, 32);
    }

    @Override
    public void setPassword(EmailAddress address, char[] password) {
        checkPassword(password);
        String hash = passwords.hash(password);
        ScramSecret scram = Scram.newSecret(password);
        long id = write(tx -> {
            AccountRecord a = tx.account(address).orElseThrow(() -> new MailboxException.NoSuchAccount(address.toString()));
            tx.updateCredentials(a.account().id(), hash, scram);
            return a.account().id();
        });
        verified.forget(id); // the stored hash changed, so the entry no longer matches anyway; this frees it
    }

    @Override
    public void setQuota(EmailAddress address, QuotaLimits quota) {
        write(tx -> {
            AccountRecord a = tx.account(address).orElseThrow(() -> new MailboxException.NoSuchAccount(address.toString()));
            tx.updateQuota(a.account().id(), quota);
            return null;
        });
    }

    @Override
    public String setting(Account account, AccountSetting setting) {
        return store.read(tx -> Settings.value(tx, account, setting));
    }

    @Override
    public java.util.Map<AccountSetting, String> settings(Account account, java.util.List<AccountSetting> settings) {
        return store.read(tx -> {
            java.util.Map<AccountSetting, String> out = new java.util.EnumMap<>(AccountSetting.class);
            for (AccountSetting s : settings) out.put(s, Settings.value(tx, account, s));
            return out;
        });
    }

    @Override
    public DeliveryRules deliveryRules(Account account) {
        return shared.rules(account, a -> store.read(tx -> {
            java.util.Map<AccountSetting, String> values = new java.util.EnumMap<>(AccountSetting.class);
            for (AccountSetting s : AccountSetting.values()) values.put(s, Settings.value(tx, a, s));
            long[] trained = StoredSpamClassifier.trained(tx, a.id());
            return new DeliveryRules(values, StoredSieveScripts.active(tx, a.id()), StoredVacations.get(tx, a.id()), trained[0], trained[1]);
        }));
    }

    @Override
    public void setSetting(EmailAddress address, AccountSetting setting, String value) {
        if (setting.domainOnly()) throw new MailboxException.NotAllowed(setting.key() + " is set per domain (domain set)");
        String checked = setting.check(value);
        write(tx -> {
            AccountRecord a = tx.account(address).orElseThrow(() -> new MailboxException.NoSuchAccount(address.toString()));
            tx.setAccountSetting(a.account().id(), setting.key(), checked);
            return null;
        });
    }

    @Override
    public void addAlias(AliasSource source, EmailAddress target) {
        write(tx -> {
            if (!tx.domainExists(source.domain())) throw new MailboxException.NoSuchDomain(source.domain().ascii());
            if (!source.isCatchAll() && tx.account(new EmailAddress(source.localPart(), source.domain())).isPresent()) {
                throw new MailboxException.AccountExists(source + " is an account; an alias cannot shadow it");
            }
            if (tx.domainExists(target.domain()) && tx.account(target).isEmpty()
                    && tx.aliasTargets(new AliasSource(target.localPart(), target.domain())).isEmpty()) {
                throw new MailboxException.NoSuchAccount(target.toString());
            }
            tx.insertAlias(new Alias(source, target));
            return null;
        });
    }

    @Override
    public void removeAlias(AliasSource source, EmailAddress target) {
        boolean removed = write(tx -> tx.deleteAlias(new Alias(source, target)));
        if (!removed) throw new MailboxException.NoSuchAlias(source + " -> " + target);
    }

    @Override
    public List<Alias> aliases(Optional<DomainName> domain) {
        return store.read(tx -> tx.aliases(domain));
    }

    @Override
    public boolean maySendAs(Account account, EmailAddress address) {
        if (address.equals(account.address())) return true;
        return store.read(tx -> {
            // an alias (or catch-all) that leads to the account
            if (targets(tx, address).accounts().stream().anyMatch(a -> a.id() == account.id())) return true;
            return tx.account(address).filter(AccountRecord::team)
                    .map(team -> tx.teamsOf(account.id()).containsKey(team.account().id())).orElse(false);
        });
    }

    @Override
    public Targets targets(EmailAddress recipient) {
        return shared.targets(recipient, r -> store.read(tx -> targets(tx, r)));
    }

    /** Every change to the directory, which forgets what this node's deliveries remembered of it (SharedDirectoryReads). */
    private <T> T write(java.util.function.Function<org.postiljon.store.spi.WriteTx, T> work) {
        return shared.directoryChanged(() -> store.write(work));
    }

    private static Targets targets(org.postiljon.store.spi.ReadTx tx, EmailAddress recipient) {
        if (!tx.domainExists(recipient.domain())) return new Targets(false, List.of(), List.of());
        List<Account> accounts = new ArrayList<>();
        List<EmailAddress> foreign = new ArrayList<>();
        walk(tx, recipient, 0, accounts, foreign, new HashSet<>());
        return new Targets(true, accounts, foreign);
    }

    /** The account itself, else its aliases' targets, else the domain's catch-all; alias chains to a bounded depth. */
    private static void walk(org.postiljon.store.spi.ReadTx tx, EmailAddress a, int depth, List<Account> accounts, List<EmailAddress> foreign, Set<EmailAddress> seen) {
        if (!seen.add(a)) return; // alias loop
        if (depth > 0 && !tx.domainExists(a.domain())) { // the recipient's own domain was checked by the caller
            foreign.add(a); // delivered by the outbound queue
            return;
        }
        Optional<AccountRecord> account = tx.account(a);
        if (account.isPresent()) {
            accounts.add(account.get().account());
            return;
        }
        if (depth >= MAX_ALIAS_DEPTH) return;
        List<EmailAddress> targets = tx.aliasTargets(new AliasSource(a.localPart(), a.domain()));
        if (targets.isEmpty()) targets = tx.aliasTargets(new AliasSource("", a.domain())); // catch-all
        for (EmailAddress t : targets) walk(tx, t, depth + 1, accounts, foreign, seen);
    }

    @Override
    public Optional<Account> authenticate(String username, char[] password) {
        return verify(account(username), password, false);
    }

    /** The account record of a user name as typed; empty when there is none or it is no address. */
    private Optional<AccountRecord> account(String username) {
        try {
            return store.read(tx -> tx.account(EmailAddress.parse(username)));
        } catch (MailboxException.InvalidName e) {
            return Optional.empty();
        }
    }

    /**
     * The account's password checked; with {@code refuseTwoStep}, refused for an account with
     * two-step sign-in on. The verified-credential cache holds only accounts without it (turning
     * it on forgets the account's entry), so a cached login needs no read to know.
     */
    private Optional<Account> verify(Optional<AccountRecord> a, char[] password, boolean refuseTwoStep) {
        // A team mailbox has no password of its own: checked against the decoy, so it takes as long and fails.
        boolean usable = a.isPresent() && !a.get().team();
        String hash = usable ? a.get().passwordHash() : decoy();
        if (usable && verified.matches(a.get().account().id(), hash, password)) return Optional.of(a.get().account());
        boolean ok = Passwords.verify(password, hash);
        if (!ok || !usable) return Optional.empty();
        boolean twoStep = twoFactor.enabled(a.get().account());
        if (!twoStep) verified.verified(a.get().account().id(), hash, password);
        return twoStep && refuseTwoStep ? Optional.empty() : Optional.of(a.get().account());
    }

    /**
     * An app password (its form tells) is one indexed read; anything else, or an app password not
     * made for this scope, is checked as the account's password, as slow as ever, and is refused
     * for an account with two-step sign-in on (its mail programs use app passwords).
     */
    @Override
    public Optional<Account> authenticate(String username, char[] password, AppPasswords.Scope scope) {
        Optional<AccountRecord> a = account(username); // read once for both checks
        if (AppPasswords.looksLikeOne(password) && a.isPresent() && !a.get().team()
                && appPasswords.check(a.get().account(), password, scope).isPresent()) {
            return Optional.of(a.get().account());
        }
        return verify(a, password, true);
    }

    private String decoy() {
        String d = decoyHash;
        if (d == null) decoyHash = d = passwords.hash("decoy password".toCharArray());
        return d;
    }

    @Override
    public Optional<ScramSecret> scramSecret(String username) {
        return account(username).filter(a -> !a.team()).map(AccountRecord::scram);
    }

    @Override
    public String domainSetting(DomainName domain, AccountSetting setting) {
        return store.read(tx -> {
            if (!tx.domainExists(domain)) throw new MailboxException.NoSuchDomain(domain.ascii());
            return Settings.domainValue(tx, domain, setting);
        });
    }

    @Override
    public void setDomainSetting(DomainName domain, AccountSetting setting, String value) {
        String checked = setting.check(value);
        write(tx -> {
            if (!tx.domainExists(domain)) throw new MailboxException.NoSuchDomain(domain.ascii());
            tx.setDomainSetting(domain, setting.key(), checked);
            return null;
        });
    }

    @Override
    public Account addTeam(EmailAddress address, QuotaLimits quota) {
        // Unusable as a password: no Argon2id string; login is refused before it is looked at.
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        ScramSecret scram = Scram.newSecret(java.util.HexFormat.of().formatHex(random).toCharArray());
        return write(tx -> {
            if (!tx.domainExists(address.domain())) throw new MailboxException.NoSuchDomain(address.domain().ascii());
            if (!tx.aliasTargets(new AliasSource(address.localPart(), address.domain())).isEmpty()) {
                throw new MailboxException.AliasExists(address + " is already an alias");
            }
            Account a = tx.insertAccount(address, "!team", scram, quota);
            tx.markTeam(a.id());
            createDefaults(tx, a.id());
            return a;
        });
    }

    private static AccountRecord team(org.postiljon.store.spi.ReadTx tx, EmailAddress team) {
        AccountRecord t = tx.account(team).orElseThrow(() -> new MailboxException.NoSuchAccount(team.toString()));
        if (!t.team()) throw new MailboxException.NotAllowed(team + " is not a team mailbox");
        return t;
    }

    @Override
    public void setTeamMember(EmailAddress team, EmailAddress member, org.postiljon.mailbox.api.Rights rights) {
        write(tx -> {
            AccountRecord t = team(tx, team);
            AccountRecord m = tx.account(member).orElseThrow(() -> new MailboxException.NoSuchAccount(member.toString()));
            if (m.team()) throw new MailboxException.NotAllowed(member + " is a team mailbox; members are users");
            tx.setTeamMember(t.account().id(), m.account().id(), rights.letters());
            return null;
        });
    }

    @Override
    public void removeTeamMember(EmailAddress team, EmailAddress member) {
        boolean removed = write(tx -> {
            AccountRecord t = team(tx, team);
            AccountRecord m = tx.account(member).orElseThrow(() -> new MailboxException.NoSuchAccount(member.toString()));
            return tx.removeTeamMember(t.account().id(), m.account().id());
        });
        if (!removed) throw new MailboxException.NotAllowed(member + " is not a member of " + team);
    }

    @Override
    public List<Team> teams(Optional<DomainName> domain) {
        return store.read(tx -> {
            List<Team> out = new ArrayList<>();
            for (AccountRecord a : tx.accounts(domain)) {
                if (!a.team()) continue;
                java.util.Map<EmailAddress, org.postiljon.mailbox.api.Rights> members = new java.util.TreeMap<>(
                        java.util.Comparator.comparing(EmailAddress::toString));
                tx.teamMembers(a.account().id()).forEach((id, r) -> tx.account(id)
                        .ifPresent(m -> members.put(m.account().address(), new org.postiljon.mailbox.api.Rights(r))));
                out.add(new Team(a.account().address(), members));
            }
            return out;
        });
    }

    @Override
    public boolean isTeam(EmailAddress address) {
        return store.read(tx -> tx.account(address).map(AccountRecord::team).orElse(false));
    }

    /** Kept beside the account settings, under {@code user.<key>} so they never meet an operator's setting. */
    private static String userKey(String key) {
        if (!key.matches("[a-z.]{1,64}")) throw new MailboxException.InvalidName("bad user data key");
        return "user." + key;
    }

    @Override
    public Optional<String> userData(Account account, String key) {
        String k = userKey(key);
        return store.read(tx -> tx.accountSetting(account.id(), k));
    }

    @Override
    public void setUserData(Account account, String key, String value) {
        String k = userKey(key);
        if (value.length() > 64 * 1024) throw new MailboxException.NotAllowed("too much data for " + key);
        store.write(tx -> { // a client's own data ("user." keys): nothing a delivery reads, so nothing shared is forgotten
            tx.setAccountSetting(account.id(), k, value);
            return null;
        });
    }
}
