package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.postiljon.store.spi.DkimKeyRecord;
import org.postiljon.store.spi.WebSessionRecord;

/** Webmail sessions, keyed by the hash of their cookie token; the domains' DKIM keys; what accounts sent (sending limits). */
abstract class SqlWebSessions extends SqlQueue {

    SqlWebSessions(Connection c, Dialect dialect, Map<String, PreparedStatement> statements) {
        super(c, dialect, statements);
    }

    @Override
    public Optional<WebSessionRecord> webSession(String tokenHash) {
        return one("SELECT account_id, credentials, csrf, last_used FROM web_session WHERE token_hash = ?",
                rs -> new WebSessionRecord(rs.getLong(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4))), tokenHash);
    }

    @Override
    public void openWebSession(String tokenHash, WebSessionRecord s) {
        update("INSERT INTO web_session (token_hash, account_id, credentials, csrf, last_used) VALUES (?, ?, ?, ?, ?)",
                tokenHash, s.accountId(), s.credentials(), s.csrf(), s.lastUsed().toEpochMilli());
    }

    @Override
    public void touchWebSession(String tokenHash, Instant when) {
        update("UPDATE web_session SET last_used = ? WHERE token_hash = ?", when.toEpochMilli(), tokenHash);
    }

    @Override
    public void closeWebSession(String tokenHash) {
        update("DELETE FROM web_session WHERE token_hash = ?", tokenHash);
    }

    @Override
    public int expireWebSessions(Instant before) {
        return update("DELETE FROM web_session WHERE last_used < ?", before.toEpochMilli());
    }

    @Override
    public java.util.List<DkimKeyRecord> dkimKeys(String domain) {
        return query("SELECT domain, selector, algorithm, private_key, created_at, signing, retired_at FROM dkim_key WHERE domain = ?"
                        + " ORDER BY created_at, selector",
                rs -> new DkimKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                        rs.getInt(6) == 1, rs.getObject(7) == null ? null : Instant.ofEpochMilli(rs.getLong(7))), domain);
    }

    @Override
    public void insertDkimKey(DkimKeyRecord k) {
        if (k.signing()) update("UPDATE dkim_key SET signing = 0, retired_at = ? WHERE domain = ? AND signing = 1", k.created().toEpochMilli(), k.domain());
        update("INSERT INTO dkim_key (domain, selector, algorithm, private_key, created_at, signing) VALUES (?, ?, ?, ?, ?, ?)",
                k.domain(), k.selector(), k.algorithm(), k.privateKey(), k.created().toEpochMilli(), k.signing() ? 1 : 0);
    }

    @Override
    public boolean useDkimKey(String domain, String selector, Instant at) {
        if (one("SELECT 1 FROM dkim_key WHERE domain = ? AND selector = ?", rs -> 1, domain, selector).isEmpty()) return false;
        update("UPDATE dkim_key SET signing = 0, retired_at = ? WHERE domain = ? AND signing = 1 AND selector <> ?", at.toEpochMilli(), domain, selector);
        update("UPDATE dkim_key SET signing = 1, retired_at = NULL WHERE domain = ? AND selector = ?", domain, selector);
        return true;
    }

    @Override
    public boolean deleteDkimKey(String domain, String selector) {
        return update("DELETE FROM dkim_key WHERE domain = ? AND selector = ?", domain, selector) == 1;
    }

    @Override
    public long sentMessages(long accountId, long day) {
        return one("SELECT messages FROM sent_day WHERE account_id = ? AND day = ?", rs -> rs.getLong(1), accountId, day).orElse(0L);
    }

    @Override
    public long newRecipientsSince(long accountId, Instant since) {
        return one("SELECT COUNT(*) FROM sent_recipient WHERE account_id = ? AND first_at >= ?", rs -> rs.getLong(1), accountId, since.toEpochMilli())
                .orElse(0L);
    }

    @Override
    public boolean sentTo(long accountId, String address) {
        return one("SELECT 1 FROM sent_recipient WHERE account_id = ? AND address = ?", rs -> 1, accountId, address).isPresent();
    }

    @Override
    public void recordSent(long accountId, long day, Instant at, java.util.Collection<String> newAddresses) {
        update("INSERT INTO sent_day (account_id, day, messages) VALUES (?, ?, 1)"
                + " ON CONFLICT (account_id, day) DO UPDATE SET messages = sent_day.messages + 1", accountId, day);
        update("DELETE FROM sent_day WHERE account_id = ? AND day < ?", accountId, day - 7);
        for (String a : newAddresses) {
            update("INSERT INTO sent_recipient (account_id, address, first_at) VALUES (?, ?, ?) ON CONFLICT (account_id, address) DO NOTHING",
                    accountId, a, at.toEpochMilli());
        }
    }

    @Override
    public Optional<org.postiljon.mailbox.api.Vacation> vacation(long accountId) {
        return one("SELECT enabled, from_at, to_at, subject, text_body, html_body FROM vacation WHERE account_id = ?",
                rs -> new org.postiljon.mailbox.api.Vacation(rs.getLong(1) == 1, instant(rs, 2), instant(rs, 3), rs.getString(4), rs.getString(5),
                        rs.getString(6)), accountId);
    }

    private static Instant instant(java.sql.ResultSet rs, int column) throws java.sql.SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    @Override
    public Optional<Instant> vacationReplied(long accountId, String sender) {
        return one("SELECT sent_at FROM vacation_reply WHERE account_id = ? AND sender = ?", rs -> Instant.ofEpochMilli(rs.getLong(1)), accountId, sender);
    }

    @Override
    public void putVacation(long accountId, org.postiljon.mailbox.api.Vacation v) {
        update("DELETE FROM vacation WHERE account_id = ?", accountId);
        update("INSERT INTO vacation (account_id, enabled, from_at, to_at, subject, text_body, html_body) VALUES (?, ?, ?, ?, ?, ?, ?)",
                accountId, v.enabled() ? 1 : 0, v.from() == null ? null : v.from().toEpochMilli(), v.to() == null ? null : v.to().toEpochMilli(),
                v.subject(), v.textBody(), v.htmlBody());
        // A new absence answers everyone again (the duplicate test's memory stays).
        if (!v.enabled()) update("DELETE FROM vacation_reply WHERE account_id = ? AND sender NOT LIKE 'sieve-duplicate:%'", accountId);
    }

    @Override
    public void noteVacationReply(long accountId, String sender, Instant at) {
        update("INSERT INTO vacation_reply (account_id, sender, sent_at) VALUES (?, ?, ?)"
                + " ON CONFLICT (account_id, sender) DO UPDATE SET sent_at = excluded.sent_at", accountId, sender, at.toEpochMilli());
    }

    private static org.postiljon.mailbox.api.AppPasswords.AppPassword appPassword(java.sql.ResultSet rs) throws java.sql.SQLException {
        java.util.Set<org.postiljon.mailbox.api.AppPasswords.Scope> scopes = java.util.EnumSet.noneOf(org.postiljon.mailbox.api.AppPasswords.Scope.class);
        for (String s : rs.getString(3).split(" ")) if (!s.isEmpty()) scopes.add(org.postiljon.mailbox.api.AppPasswords.Scope.valueOf(s));
        return new org.postiljon.mailbox.api.AppPasswords.AppPassword(rs.getLong(1), rs.getString(2), scopes, Instant.ofEpochMilli(rs.getLong(4)), instant(rs, 5));
    }

    @Override
    public Optional<Totp> totp(long accountId) {
        return one("SELECT secret, enabled, last_step FROM totp WHERE account_id = ?", rs -> new Totp(rs.getString(1), rs.getLong(2) == 1, rs.getLong(3)), accountId);
    }

    @Override
    public void putTotp(long accountId, Totp totp) {
        update("DELETE FROM totp WHERE account_id = ?", accountId);
        if (totp != null) {
            update("INSERT INTO totp (account_id, secret, enabled, last_step) VALUES (?, ?, ?, ?)", accountId, totp.secret(), totp.enabled() ? 1 : 0, totp.lastStep());
        }
    }

    @Override
    public java.util.List<org.postiljon.mailbox.api.AppPasswords.AppPassword> appPasswords(long accountId) {
        return query("SELECT id, name, scopes, created_at, last_used FROM app_password WHERE account_id = ? ORDER BY id", SqlWebSessions::appPassword, accountId);
    }

    @Override
    public Optional<org.postiljon.mailbox.api.AppPasswords.AppPassword> appPassword(long accountId, String secretHash) {
        return one("SELECT id, name, scopes, created_at, last_used FROM app_password WHERE account_id = ? AND secret_hash = ?", SqlWebSessions::appPassword,
                accountId, secretHash);
    }

    @Override
    public void insertAppPassword(long accountId, org.postiljon.mailbox.api.AppPasswords.AppPassword p, String secretHash) {
        update("INSERT INTO app_password (account_id, id, name, scopes, secret_hash, created_at, last_used) VALUES (?, ?, ?, ?, ?, ?, NULL)", accountId, p.id(),
                p.name(), String.join(" ", p.scopes().stream().map(Enum::name).sorted().toList()), secretHash, p.created().toEpochMilli());
    }

    @Override
    public boolean deleteAppPassword(long accountId, long id) {
        return update("DELETE FROM app_password WHERE account_id = ? AND id = ?", accountId, id) == 1;
    }

    @Override
    public void appPasswordUsed(long accountId, long id, Instant at) {
        update("UPDATE app_password SET last_used = ? WHERE account_id = ? AND id = ?", at.toEpochMilli(), accountId, id);
    }

    @Override
    public void forgetVacationReplies(long accountId, String prefix, Instant before) {
        update("DELETE FROM vacation_reply WHERE account_id = ? AND sender >= ? AND sender < ? AND sent_at < ?", accountId, prefix, prefix + "\uffff",
                before.toEpochMilli());
    }

    @Override
    public java.util.List<org.postiljon.mailbox.api.SieveScripts.Script> sieveScripts(long accountId) {
        return query("SELECT name, content, active, script_id FROM sieve_script WHERE account_id = ? ORDER BY name",
                rs -> new org.postiljon.mailbox.api.SieveScripts.Script(rs.getString(1), rs.getString(2), rs.getLong(3) == 1, rs.getLong(4)), accountId);
    }

    @Override
    public void putSieveScript(long accountId, String name, String content) {
        if (update("UPDATE sieve_script SET content = ? WHERE account_id = ? AND name = ?", content, accountId, name) == 0) {
            // A new script's id: random above 2^32 (those kept before V28 count from 1), never one a deleted script had in practice.
            update("INSERT INTO sieve_script (account_id, name, content, active, script_id) VALUES (?, ?, ?, 0, ?)", accountId, name, content,
                    java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 32, 1L << 53));
        }
    }

    @Override
    public void activateSieveScript(long accountId, String name) {
        update("UPDATE sieve_script SET active = CASE WHEN name = ? THEN 1 ELSE 0 END WHERE account_id = ?", name == null ? "" : name, accountId);
    }

    @Override
    public boolean deleteSieveScript(long accountId, String name) {
        return update("DELETE FROM sieve_script WHERE account_id = ? AND name = ?", accountId, name) == 1;
    }

    @Override
    public boolean renameSieveScript(long accountId, String from, String to) {
        return update("UPDATE sieve_script SET name = ? WHERE account_id = ? AND name = ?", to, accountId, from) == 1;
    }

    @Override
    public java.util.Map<Long, long[]> spamCounts(long accountId, long[] tokens) {
        java.util.Map<Long, long[]> out = new java.util.HashMap<>();
        long[] all = java.util.Arrays.copyOf(tokens, tokens.length + 1); // and token 0: the numbers of messages
        for (int from = 0; from < all.length; from += 500) {
            int to = Math.min(all.length, from + 500);
            Object[] args = new Object[to - from + 1];
            args[0] = accountId;
            for (int i = from; i < to; i++) args[i - from + 1] = all[i];
            String sql = "SELECT token, spam, ham FROM spam_token WHERE account_id = ? AND token IN (" + "?,".repeat(to - from - 1) + "?)";
            for (long[] row : query(sql, rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)}, args)) out.put(row[0], new long[] {row[1], row[2]});
        }
        return out;
    }

    @Override
    public boolean trainSpam(long accountId, String content, long[] tokens, boolean spam) {
        Optional<Long> before = one("SELECT spam FROM spam_trained WHERE account_id = ? AND content = ?", rs -> rs.getLong(1), accountId, content);
        if (before.isPresent() && (before.get() == 1) == spam) return false;
        long dSpam = spam ? 1 : 0, dHam = spam ? 0 : 1;
        if (before.isPresent()) { // it was trained as the other kind: moved from there
            dSpam = spam ? 1 : -1;
            dHam = spam ? -1 : 1;
        }
        String sql = "INSERT INTO spam_token (account_id, token, spam, ham) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (account_id, token) DO UPDATE SET spam = spam_token.spam + excluded.spam, ham = spam_token.ham + excluded.ham";
        try {
            java.sql.PreparedStatement p = prepare(sql);
            long[] all = java.util.Arrays.copyOf(tokens, tokens.length + 1);
            for (long t : all) {
                p.setLong(1, accountId);
                p.setLong(2, t);
                p.setLong(3, dSpam);
                p.setLong(4, dHam);
                p.addBatch();
            }
            p.executeBatch();
        } catch (java.sql.SQLException e) {
            throw failure(sql, e);
        }
        if (before.isPresent()) update("UPDATE spam_trained SET spam = ? WHERE account_id = ? AND content = ?", spam ? 1 : 0, accountId, content);
        else update("INSERT INTO spam_trained (account_id, content, spam) VALUES (?, ?, ?)", accountId, content, spam ? 1 : 0);
        return true;
    }
}
