package org.postiljon.mailbox.api;

import java.util.List;
import java.util.Optional;

/** Domains, accounts and aliases, and the checking of credentials. */
public interface Directory {

    void addDomain(DomainName domain);

    /** @throws MailboxException.NotAllowed while accounts or aliases of the domain exist */
    void removeDomain(DomainName domain);

    List<DomainName> domains();

    boolean isLocal(DomainName domain);

    /** Creates the account with INBOX, Drafts, Sent, Trash, Junk and Archive, all subscribed. */
    Account addAccount(EmailAddress address, char[] password, QuotaLimits quota);

    /** Removes the account with all its mailboxes and messages. */
    void removeAccount(EmailAddress address);

    List<Account> accounts(Optional<DomainName> domain);

    Optional<Account> find(EmailAddress address);

    Optional<Account> find(long accountId);

    /**
     * An account with a stamp of its current credentials: an opaque text that changes whenever the
     * password does, so a session made with the old password can be ended (the webmail's cookie).
     */
    record Stamped(Account account, String credentials) { }

    Optional<Stamped> findStamped(long accountId);

    void setPassword(EmailAddress address, char[] password);

    void setQuota(EmailAddress address, QuotaLimits quota);

    /** The account's value of {@code setting}, its default when never set. */
    String setting(Account account, AccountSetting setting);

    /** The values of several settings, read together (one store read; what delivery asks for every recipient). */
    default java.util.Map<AccountSetting, String> settings(Account account, java.util.List<AccountSetting> settings) {
        java.util.Map<AccountSetting, String> out = new java.util.EnumMap<>(AccountSetting.class);
        for (AccountSetting s : settings) out.put(s, setting(account, s));
        return out;
    }

    /**
     * What an account's own rules say about mail it receives, read together: delivery asks all of
     * it for every recipient of every message, and one store read answers it instead of four.
     *
     * @param settings    the values of the settings asked for (its own, else its domain's, else the default)
     * @param script      its active Sieve script, if any
     * @param vacation    its vacation response (JMAP VacationResponse), {@link Vacation#OFF} when never set
     * @param spamTrained how many spam messages its spam classifier was shown
     * @param hamTrained  how many other messages
     */
    record DeliveryRules(java.util.Map<AccountSetting, String> settings, java.util.Optional<String> script, Vacation vacation,
                         long spamTrained, long hamTrained) {
        public DeliveryRules {
            settings = java.util.Map.copyOf(settings);
        }
    }

    /**
     * The account's {@link DeliveryRules}, with the value of every {@link AccountSetting}. Shared by
     * a node's deliveries for a second: a change made on this node is met at once, one made on
     * another node within the second.
     */
    DeliveryRules deliveryRules(Account account);

    /** Sets a preference; the value must be one of {@link AccountSetting#allowed}. */
    void setSetting(EmailAddress address, AccountSetting setting, String value);

    void addAlias(AliasSource source, EmailAddress target);

    void removeAlias(AliasSource source, EmailAddress target);

    List<Alias> aliases(Optional<DomainName> domain);

    /**
     * Where mail for {@code recipient} goes, read at once: the account itself, else its aliases'
     * targets, else the domain's catch-all, alias chains followed to a bounded depth; as the local
     * accounts reached and the addresses on other servers. Both empty when the domain is not local
     * ({@code localDomain} false) or nothing matches.
     */
    Targets targets(EmailAddress recipient);

    /** Where mail for one address goes: local accounts, and foreign addresses (for the outbound queue). */
    record Targets(boolean localDomain, List<Account> accounts, List<EmailAddress> foreign) {
        public Targets {
            accounts = List.copyOf(accounts);
            foreign = List.copyOf(foreign);
        }
    }

    /**
     * Whether the account may send as {@code address} (RFC 6409 §8.1), in the envelope and in
     * From:/Sender:: its own address, an alias that leads to it, or a team mailbox it is a member of.
     */
    boolean maySendAs(Account account, EmailAddress address);

    /**
     * Checks a password. Takes about as long whether or not the account exists, so the answer's
     * timing does not tell which addresses are real.
     */
    Optional<Account> authenticate(String username, char[] password);

    /**
     * The same for a mail program signing in to {@code scope}: the account's password, or one of
     * its app passwords made for that scope ({@link AppPasswords}).
     */
    Optional<Account> authenticate(String username, char[] password, AppPasswords.Scope scope);

    Optional<ScramSecret> scramSecret(String username);

    /** The domain's default for an account setting (or its own value of a domain-only one). */
    String domainSetting(DomainName domain, AccountSetting setting);

    /** Sets a domain's value; accounts that did not set their own follow it. */
    void setDomainSetting(DomainName domain, AccountSetting setting, String value);

    // ---- team mailboxes ----

    /** A team mailbox: an address that receives mail into shared folders, and who may use them with what rights. */
    record Team(EmailAddress address, java.util.Map<EmailAddress, Rights> members) { }

    /** Creates a team mailbox with the default folders; it has no password and cannot log in. */
    Account addTeam(EmailAddress address, QuotaLimits quota);

    /** Adds a member, or changes the rights of one, on every folder of the team (unless a folder's ACL names the member). */
    void setTeamMember(EmailAddress team, EmailAddress member, Rights rights);

    void removeTeamMember(EmailAddress team, EmailAddress member);

    List<Team> teams(Optional<DomainName> domain);

    /** Whether the address is a team mailbox. */
    boolean isTeam(EmailAddress address);

    // ---- what users keep for themselves (JMAP identities, vacation response): JSON text, by key ----

    /** Keys are short names ({@code [a-z.]+}); values at most 64 KiB. */
    java.util.Optional<String> userData(Account account, String key);

    void setUserData(Account account, String key, String value);
}
