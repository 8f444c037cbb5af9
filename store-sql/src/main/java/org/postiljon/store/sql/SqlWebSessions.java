package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.postiljon.store.spi.WebSessionRecord;

/** Webmail sessions, keyed by the hash of their cookie token. */
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
}
