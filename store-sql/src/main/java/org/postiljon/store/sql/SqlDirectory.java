package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Alias;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.ScramSecret;
import org.postiljon.store.spi.AccountRecord;

/** Domains, accounts, aliases and their settings. */
abstract class SqlDirectory extends SqlBase {

    SqlDirectory(Connection c, Dialect dialect, Map<String, PreparedStatement> statements) {
        super(c, dialect, statements);
    }


    @Override
    public List<DomainName> domains() {
        return query("SELECT name FROM domain ORDER BY name", rs -> new DomainName(rs.getString(1)));
    }

    @Override
    public boolean domainExists(DomainName domain) {
        if (sharedDomains != null) return sharedDomains.get(domain, domainsGeneration, this::readDomain).isPresent();
        return number("SELECT count(*) FROM domain WHERE name = ?", domain.ascii()) > 0;
    }

    /**
     * A read transaction's node-wide memory of domains (whether one exists, and its settings; empty
     * for no such domain); null in the writer, which reads them afresh.
     */
    org.postiljon.store.spi.SharedReads<DomainName, Optional<Map<String, String>>> sharedDomains;

    /** {@code sharedDomains}' generation taken before this transaction's snapshot began. */
    long domainsGeneration;

    /** True once this transaction added, removed or changed the settings of a domain (the cache is emptied on its commit). */
    boolean domainsChanged;

    /** Whether the domain exists and its settings, in one read: empty for no such domain. */
    Optional<Map<String, String>> readDomain(DomainName domain) {
        Map<String, String> settings = new java.util.HashMap<>();
        boolean exists = false;
        for (var row : query("SELECT s.name, s.value FROM domain d LEFT JOIN domain_setting s ON s.domain_id = d.id WHERE d.name = ?",
                rs -> java.util.Arrays.asList(rs.getString(1), rs.getString(2)), domain.ascii())) {
            exists = true;
            if (row.get(0) != null) settings.put(row.get(0), row.get(1));
        }
        return exists ? Optional.of(Map.copyOf(settings)) : Optional.empty();
    }

    long domainId(DomainName domain) {
        return one("SELECT id FROM domain WHERE name = ?", rs -> rs.getLong(1), domain.ascii())
                .orElseThrow(() -> new MailboxException.NoSuchDomain(domain.ascii()));
    }

    /**
     * Domain settings this transaction read (a group of deliveries to one domain reads them once).
     * Dropped when the transaction changes them and when a job of the group is rolled back.
     */
    final java.util.Map<DomainName, java.util.Map<String, String>> domainSettingsRead = new java.util.HashMap<>();

    /**
     * Account settings this transaction read, all of an account's at once (a delivery asks for
     * several). Dropped like {@link #domainSettingsRead}.
     */
    final java.util.Map<Long, java.util.Map<String, String>> accountSettingsRead = new java.util.HashMap<>();

    /** Forgets what this transaction remembered of its reads (after its own change, or a rollback to a savepoint). */
    void forgetReads() {
        domainSettingsRead.clear();
        accountSettingsRead.clear();
    }

    /** Marks a change to domains: forgets this transaction's reads, and the node's once it commits. */
    void changedDomains() {
        forgetReads();
        domainsChanged = true;
    }

    static AccountRecord account(ResultSet rs) throws SQLException {
        long qb = rs.getLong("quota_bytes");
        OptionalLong storage = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(qb);
        long qm = rs.getLong("quota_messages");
        OptionalLong messages = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(qm);
        Account a = new Account(rs.getLong("id"), EmailAddress.parse(rs.getString("address")), new QuotaLimits(storage, messages));
        ScramSecret scram = new ScramSecret(rs.getBytes("scram_salt"), rs.getInt("scram_iterations"),
                rs.getBytes("scram_stored_key"), rs.getBytes("scram_server_key"));
        return new AccountRecord(a, rs.getString("password_hash"), scram, "team".equals(rs.getString("kind")));
    }

    @Override
    public Optional<AccountRecord> account(EmailAddress address) {
        return one("SELECT " + ACCOUNT_COLUMNS + " FROM account WHERE address = ?", SqlTx::account, address.toString());
    }

    @Override
    public Optional<AccountRecord> account(long accountId) {
        return one("SELECT " + ACCOUNT_COLUMNS + " FROM account WHERE id = ?", SqlTx::account, accountId);
    }

    @Override
    public List<AccountRecord> accounts(Optional<DomainName> domain) {
        if (domain.isEmpty()) return query("SELECT " + ACCOUNT_COLUMNS + " FROM account ORDER BY address", SqlTx::account);
        return query("SELECT " + ACCOUNT_COLUMNS + " FROM account WHERE domain_id = (SELECT id FROM domain WHERE name = ?) ORDER BY address",
                SqlTx::account, domain.get().ascii());
    }

    static Alias alias(ResultSet rs) throws SQLException {
        return new Alias(new AliasSource(rs.getString(1), new DomainName(rs.getString(2))), EmailAddress.parse(rs.getString(3)));
    }

    @Override
    public List<Alias> aliases(Optional<DomainName> domain) {
        String sql = "SELECT a.local_part, d.name, a.target FROM alias a JOIN domain d ON d.id = a.domain_id";
        if (domain.isEmpty()) return query(sql + " ORDER BY d.name, a.local_part, a.target", SqlTx::alias);
        return query(sql + " WHERE d.name = ? ORDER BY a.local_part, a.target", SqlTx::alias, domain.get().ascii());
    }

    @Override
    public List<EmailAddress> aliasTargets(AliasSource source) {
        return query("SELECT a.target FROM alias a JOIN domain d ON d.id = a.domain_id WHERE d.name = ? AND a.local_part = ? ORDER BY a.target",
                rs -> EmailAddress.parse(rs.getString(1)), source.domain().ascii(), source.localPart());
    }

    @Override
    public void insertDomain(DomainName domain) {
        try {
            changedDomains();
            update("INSERT INTO domain (name, created_at) VALUES (?, ?)", domain.ascii(), System.currentTimeMillis());
        } catch (UniqueViolation e) {
            throw new MailboxException.DomainExists(domain.ascii());
        }
    }

    @Override
    public void deleteDomain(DomainName domain) {
        long id = domainId(domain);
        if (number("SELECT count(*) FROM account WHERE domain_id = ?", id) > 0
                || number("SELECT count(*) FROM alias WHERE domain_id = ?", id) > 0) {
            throw new MailboxException.NotAllowed("domain " + domain + " still has accounts or aliases; remove them first");
        }
        changedDomains();
        update("DELETE FROM domain_setting WHERE domain_id = ?", id);
        update("DELETE FROM domain WHERE id = ?", id);
    }

    @Override
    public Account insertAccount(EmailAddress address, String passwordHash, ScramSecret scram, QuotaLimits quota) {
        long domainId = domainId(address.domain());
        try {
            update("INSERT INTO account (domain_id, local_part, address, password_hash, scram_salt, scram_iterations, scram_stored_key,"
                            + " scram_server_key, quota_bytes, quota_messages, highest_modseq, next_uid_validity, created_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    domainId, address.localPart(), address.toString(), passwordHash, scram.salt(), scram.iterations(),
                    scram.storedKey(), scram.serverKey(), boxed(quota.storageBytes()), boxed(quota.messages()),
                    Instant.now().getEpochSecond(), System.currentTimeMillis());
        } catch (UniqueViolation e) {
            throw new MailboxException.AccountExists(address.toString());
        }
        return account(address).orElseThrow().account();
    }

    static Long boxed(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : null;
    }

    @Override
    public void deleteAccount(long accountId) {
        List<BlobId> blobs = query("SELECT DISTINCT m.blob_id FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = ?",
                rs -> new BlobId(rs.getString(1)), accountId);
        String address = one("SELECT address FROM account WHERE id = ?", rs -> rs.getString(1), accountId).orElse("");
        update("DELETE FROM message WHERE mailbox_id IN (SELECT id FROM mailbox WHERE account_id = ?)", accountId);
        update("DELETE FROM acl WHERE mailbox_id IN (SELECT id FROM mailbox WHERE account_id = ?) OR identifier = ?", accountId, address);
        update("DELETE FROM team_member WHERE team_id = ? OR account_id = ?", accountId, accountId);
        update("DELETE FROM annotation WHERE account_id = ? OR mailbox_id IN (SELECT id FROM mailbox WHERE account_id = ?)", accountId, accountId);
        update("DELETE FROM mailbox WHERE account_id = ?", accountId);
        update("DELETE FROM subscription WHERE account_id = ?", accountId);
        forgetReads();
        update("DELETE FROM account_setting WHERE account_id = ?", accountId);
        update("DELETE FROM sent_day WHERE account_id = ?", accountId);
        update("DELETE FROM sent_recipient WHERE account_id = ?", accountId);
        update("DELETE FROM vacation WHERE account_id = ?", accountId);
        update("DELETE FROM vacation_reply WHERE account_id = ?", accountId);
        update("DELETE FROM sieve_script WHERE account_id = ?", accountId);
        update("DELETE FROM app_password WHERE account_id = ?", accountId);
        update("DELETE FROM totp WHERE account_id = ?", accountId);
        update("DELETE FROM spam_token WHERE account_id = ?", accountId);
        update("DELETE FROM spam_trained WHERE account_id = ?", accountId);
        update("DELETE FROM change_log WHERE account_id = ?", accountId);
        update("DELETE FROM account WHERE id = ?", accountId);
        noteOrphans(blobs);
    }

    @Override
    public void updateCredentials(long accountId, String passwordHash, ScramSecret scram) {
        update("UPDATE account SET password_hash = ?, scram_salt = ?, scram_iterations = ?, scram_stored_key = ?, scram_server_key = ? WHERE id = ?",
                passwordHash, scram.salt(), scram.iterations(), scram.storedKey(), scram.serverKey(), accountId);
    }

    @Override
    public void updateQuota(long accountId, QuotaLimits quota) {
        update("UPDATE account SET quota_bytes = ?, quota_messages = ? WHERE id = ?",
                boxed(quota.storageBytes()), boxed(quota.messages()), accountId);
    }

    @Override
    public void setAccountSetting(long accountId, String key, String value) {
        forgetReads();
        update("INSERT INTO account_setting (account_id, name, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (account_id, name) DO UPDATE SET value = excluded.value", accountId, key, value);
    }

    @Override
    public Optional<String> accountSetting(long accountId, String key) {
        return Optional.ofNullable(accountSettingsRead.computeIfAbsent(accountId, id -> query("SELECT name, value FROM account_setting WHERE account_id = ?",
                rs -> Map.entry(rs.getString(1), rs.getString(2)), id).stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue))).get(key));
    }

    @Override
    public void insertAlias(Alias alias) {
        long domainId = domainId(alias.source().domain());
        try {
            update("INSERT INTO alias (domain_id, local_part, target) VALUES (?, ?, ?)",
                    domainId, alias.source().localPart(), alias.target().toString());
        } catch (UniqueViolation e) {
            throw new MailboxException.AliasExists(alias.source() + " -> " + alias.target());
        }
    }

    @Override
    public boolean deleteAlias(Alias alias) {
        return update("DELETE FROM alias WHERE domain_id = (SELECT id FROM domain WHERE name = ?) AND local_part = ? AND target = ?",
                alias.source().domain().ascii(), alias.source().localPart(), alias.target().toString()) > 0;
    }

}
