package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postiljon.mailbox.api.TransportSecurity.CachedPolicy;
import org.postiljon.mailbox.api.TransportSecurity.DmarcTally;
import org.postiljon.mailbox.api.TransportSecurity.Tally;

/**
 * Other domains' MTA-STS policies as fetched, the TLS session counts for TLS-RPT and the DMARC
 * counts for DMARC reports (tables {@code mta_sts_policy}, {@code tls_result}, {@code dmarc_result}).
 */
abstract class SqlTransportSecurity extends SqlWebSessions {

    SqlTransportSecurity(Connection c, Dialect dialect, Map<String, PreparedStatement> statements) {
        super(c, dialect, statements);
    }

    @Override
    public Optional<CachedPolicy> mtaStsPolicy(String domain) {
        return one("SELECT domain, policy_id, policy, fetched_at, expires_at FROM mta_sts_policy WHERE domain = ?",
                rs -> new CachedPolicy(rs.getString(1), rs.getString(2), rs.getString(3), Instant.ofEpochMilli(rs.getLong(4)),
                        Instant.ofEpochMilli(rs.getLong(5))), domain);
    }

    @Override
    public void putMtaStsPolicy(CachedPolicy p) {
        update("INSERT INTO mta_sts_policy (domain, policy_id, policy, fetched_at, expires_at) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (domain) DO UPDATE SET policy_id = excluded.policy_id, policy = excluded.policy,"
                + " fetched_at = excluded.fetched_at, expires_at = excluded.expires_at",
                p.domain(), p.id(), p.text(), p.fetched().toEpochMilli(), p.expires().toEpochMilli());
    }

    @Override
    public List<Tally> tlsResultsBefore(long day) {
        return query("SELECT day, policy_domain, policy_type, mx_host, receiving_ip, result, policy, detail, sessions FROM tls_result"
                        + " WHERE day < ? ORDER BY day, policy_domain, policy_type, mx_host, receiving_ip, result",
                rs -> new Tally(LocalDate.ofEpochDay(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getLong(9)), day);
    }

    @Override
    public void countTlsResult(Tally t) {
        update("INSERT INTO tls_result (day, policy_domain, policy_type, mx_host, receiving_ip, result, policy, detail, sessions)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, policy_domain, policy_type, mx_host, receiving_ip, result)"
                        + " DO UPDATE SET sessions = tls_result.sessions + excluded.sessions, policy = excluded.policy, detail = excluded.detail",
                t.day().toEpochDay(), t.policyDomain(), t.policyType(), t.mxHost(), t.receivingIp(), t.result(), t.policy(), t.detail(), t.sessions());
    }

    @Override
    public void forgetTlsResults(String policyDomain, long day) {
        update("DELETE FROM tls_result WHERE policy_domain = ? AND day = ?", policyDomain, day);
    }

    @Override
    public List<DmarcTally> dmarcResultsBefore(long day) {
        return query("SELECT day, policy_domain, header_from, source_ip, disposition, dkim_aligned, spf_aligned, dkim, spf, policy, messages"
                        + " FROM dmarc_result WHERE day < ? ORDER BY day, policy_domain, header_from, source_ip, disposition, dkim_aligned, spf_aligned, dkim, spf",
                rs -> new DmarcTally(LocalDate.ofEpochDay(rs.getLong(1)), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6) == 1, rs.getInt(7) == 1, rs.getString(8), rs.getString(9), rs.getString(10), rs.getLong(11)), day);
    }

    @Override
    public void countDmarcResult(DmarcTally t) {
        update("INSERT INTO dmarc_result (day, policy_domain, header_from, source_ip, disposition, dkim_aligned, spf_aligned, dkim, spf, policy, messages)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day, policy_domain, header_from, source_ip, disposition, dkim_aligned,"
                        + " spf_aligned, dkim, spf) DO UPDATE SET messages = dmarc_result.messages + excluded.messages, policy = excluded.policy",
                t.day().toEpochDay(), t.policyDomain(), t.headerFrom(), t.sourceIp(), t.disposition(), t.dkimAligned() ? 1 : 0, t.spfAligned() ? 1 : 0,
                t.dkim(), t.spf(), t.policy(), t.messages());
    }

    @Override
    public void forgetDmarcResults(String policyDomain, long day) {
        update("DELETE FROM dmarc_result WHERE policy_domain = ? AND day = ?", policyDomain, day);
    }
}
