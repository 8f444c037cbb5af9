package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.QuotaUsage;
import org.postiljon.mailbox.api.structure.MessageStructure;

/** The queries, over one connection that is inside a transaction (read-only use is a {@code ReadTx}); quota, sharing, retention and index bookkeeping here, the rest in the classes it extends, one per section of the schema. */
final class SqlTx extends SqlTransportSecurity {

    SqlTx(Connection c, Dialect dialect, Map<String, PreparedStatement> statements) {
        super(c, dialect, statements);
    }


    @Override
    public QuotaUsage usage(long accountId) {
        return one("SELECT used_bytes, used_messages FROM account WHERE id = ?", rs -> new QuotaUsage(rs.getLong(1), rs.getLong(2)), accountId)
                .orElseThrow(() -> new MailboxException.NoSuchAccount("#" + accountId));
    }

    @Override
    public java.util.Map<Long, QuotaUsage> usages() {
        java.util.Map<Long, QuotaUsage> out = new java.util.HashMap<>();
        for (var e : query("SELECT id, used_bytes, used_messages FROM account",
                rs -> java.util.Map.entry(rs.getLong(1), new QuotaUsage(rs.getLong(2), rs.getLong(3))))) out.put(e.getKey(), e.getValue());
        return out;
    }

    @Override
    public org.postiljon.mailbox.api.Quotas.Totals totals() {
        return one("SELECT count(*), coalesce(sum(used_bytes), 0), coalesce(sum(used_messages), 0) FROM account",
                rs -> new org.postiljon.mailbox.api.Quotas.Totals(rs.getLong(1), new QuotaUsage(rs.getLong(2), rs.getLong(3)))).orElseThrow();
    }

    @Override
    public QuotaUsage countUsage(long accountId) {
        return one("SELECT coalesce(sum(m.size), 0), count(*) FROM message m JOIN mailbox b ON b.id = m.mailbox_id WHERE b.account_id = ?",
                rs -> new QuotaUsage(rs.getLong(1), rs.getLong(2)), accountId).orElseThrow();
    }

    @Override
    public int quotaWarned(long accountId) {
        return (int) number("SELECT quota_warned FROM account WHERE id = ?", accountId);
    }

    @Override
    public void setUsage(long accountId, QuotaUsage usage) {
        update("UPDATE account SET used_bytes = ?, used_messages = ? WHERE id = ?", usage.bytes(), usage.messages(), accountId);
    }

    @Override
    public void setQuotaWarned(long accountId, int percent) {
        update("UPDATE account SET quota_warned = ? WHERE id = ?", percent, accountId);
    }

    @Override
    public java.util.Map<String, String> domainSettings(DomainName domain) {
        if (sharedDomains != null) return sharedDomains.get(domain, domainsGeneration, this::readDomain).orElse(Map.of());
        return domainSettingsRead.computeIfAbsent(domain, d -> readDomain(d).orElse(Map.of()));
    }

    @Override
    public void setDomainSetting(DomainName domain, String key, String value) {
        changedDomains();
        update("INSERT INTO domain_setting (domain_id, name, value) VALUES (?, ?, ?)"
                + " ON CONFLICT (domain_id, name) DO UPDATE SET value = excluded.value", domainId(domain), key, value);
    }

    @Override
    public void markTeam(long accountId) {
        update("UPDATE account SET kind = 'team' WHERE id = ?", accountId);
    }

    @Override
    public java.util.SortedMap<String, String> acl(long mailboxId) {
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        for (var e : query("SELECT identifier, rights FROM acl WHERE mailbox_id = ?",
                rs -> Map.entry(rs.getString(1), rs.getString(2)), mailboxId)) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    @Override
    public void setAcl(long mailboxId, String identifier, String rights) {
        update("INSERT INTO acl (mailbox_id, identifier, rights) VALUES (?, ?, ?)"
                + " ON CONFLICT (mailbox_id, identifier) DO UPDATE SET rights = excluded.rights", mailboxId, identifier, rights);
    }

    @Override
    public boolean deleteAcl(long mailboxId, String identifier) {
        return update("DELETE FROM acl WHERE mailbox_id = ? AND identifier = ?", mailboxId, identifier) > 0;
    }

    @Override
    public List<Mailbox> mailboxesSharedWith(List<String> identifiers) {
        if (identifiers.isEmpty()) return List.of();
        String marks = String.join(", ", java.util.Collections.nCopies(identifiers.size(), "?"));
        return query("SELECT DISTINCT " + MAILBOX_COLUMNS.replace("id, account_id", "b.id, b.account_id")
                        + " FROM mailbox b JOIN acl a ON a.mailbox_id = b.id WHERE a.identifier IN (" + marks + ") ORDER BY b.account_id, b.name",
                SqlTx::mailbox, identifiers.toArray());
    }

    @Override
    public Map<Long, String> teamsOf(long accountId) {
        return idToRights("SELECT team_id, rights FROM team_member WHERE account_id = ? ORDER BY team_id", accountId);
    }

    @Override
    public Map<Long, String> teamMembers(long teamId) {
        return idToRights("SELECT account_id, rights FROM team_member WHERE team_id = ? ORDER BY account_id", teamId);
    }

    /** Rows of (id, rights) as an ordered map. */
    Map<Long, String> idToRights(String sql, long key) {
        Map<Long, String> out = new java.util.LinkedHashMap<>();
        for (var e : query(sql, rs -> Map.entry(rs.getLong(1), rs.getString(2)), key)) out.put(e.getKey(), e.getValue());
        return out;
    }

    @Override
    public void setTeamMember(long teamId, long accountId, String rights) {
        update("INSERT INTO team_member (team_id, account_id, rights) VALUES (?, ?, ?)"
                + " ON CONFLICT (team_id, account_id) DO UPDATE SET rights = excluded.rights", teamId, accountId, rights);
    }

    @Override
    public boolean removeTeamMember(long teamId, long accountId) {
        return update("DELETE FROM team_member WHERE team_id = ? AND account_id = ?", teamId, accountId) > 0;
    }

    @Override
    public java.util.OptionalInt retentionDays(long mailboxId) {
        return one("SELECT retention_days FROM mailbox WHERE id = ?", rs -> {
            int d = rs.getInt(1);
            return rs.wasNull() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(d);
        }, mailboxId).orElse(java.util.OptionalInt.empty());
    }

    @Override
    public void setRetentionDays(long mailboxId, Integer days) {
        update("UPDATE mailbox SET retention_days = ? WHERE id = ?", days, mailboxId);
    }

    @Override
    public List<Mailbox> retentionCandidates() {
        return query("SELECT " + MAILBOX_COLUMNS + " FROM mailbox WHERE special_use IN ('TRASH', 'JUNK') OR retention_days > 0 ORDER BY account_id, name",
                SqlTx::mailbox);
    }

    @Override
    public long[] uidsSavedBefore(long mailboxId, Instant cutoff) {
        return uids("SELECT uid FROM message WHERE mailbox_id = ? AND save_date < ? ORDER BY uid", mailboxId, cutoff.toEpochMilli());
    }

    // ---- full-text index bookkeeping ----

    @Override
    public Optional<MessageStructure> parseOf(BlobId blob) {
        return one("SELECT parse FROM message_parse WHERE blob_id = ?", rs -> structure(rs.getString(1)), blob.sha256());
    }

    @Override
    public Optional<MessageKeys> keysOf(BlobId blob) {
        return one("SELECT " + KEY_COLUMNS + " FROM message WHERE blob_id = ? LIMIT 1", SqlTx::keys, blob.sha256());
    }

    @Override
    public long indexedCount() {
        return number("SELECT count(*) FROM fts_indexed");
    }

    @Override
    public List<BlobId> pendingIndex(int limit) {
        return query("SELECT blob_id FROM fts_pending LIMIT ?", rs -> new BlobId(rs.getString(1)), limit);
    }

    @Override
    public long[] uidsPendingIndex(long mailboxId) {
        // The (small) pending table outside: one index probe per pending content.
        return uids("SELECT m.uid FROM fts_pending p " + dialect.joinInThisOrder() + " message m ON m.blob_id = p.blob_id WHERE m.mailbox_id = ? ORDER BY m.uid",
                mailboxId);
    }

    @Override
    public AttachmentMarks attachmentMarks(long mailboxId) {
        // One pass: the mailbox's contents from the covering (mailbox_id, blob_id, uid) index, each
        // mark from the covering (blob_id, attachments) index, never the parse's row.
        long[][] out = {new long[64], new long[64], new long[64]};
        int[] n = new int[3];
        for (long[] row : query("SELECT m.uid, p.attachments FROM message m" + dialect.useIndex("message_content") + " " + dialect.joinInThisOrder()
                + " message_parse p" + dialect.useIndex("message_parse_attachments") + " ON p.blob_id = m.blob_id WHERE m.mailbox_id = ? ORDER BY m.uid",
                rs -> new long[] {rs.getLong(1), rs.getObject(2) == null ? 2 : rs.getLong(2) == 1 ? 0 : 1}, mailboxId)) {
            int k = (int) row[1];
            if (n[k] == out[k].length) out[k] = Arrays.copyOf(out[k], n[k] * 2);
            out[k][n[k]++] = row[0];
        }
        return new AttachmentMarks(Arrays.copyOf(out[0], n[0]), Arrays.copyOf(out[1], n[1]), Arrays.copyOf(out[2], n[2]));
    }

    @Override
    public int markAttachments(int limit) {
        List<Map.Entry<String, String>> unmarked = query("SELECT blob_id, parse FROM message_parse WHERE attachments IS NULL LIMIT ?",
                rs -> Map.entry(rs.getString(1), java.util.Objects.requireNonNullElse(rs.getString(2), "")), limit);
        for (var e : unmarked) {
            boolean has = !e.getValue().isEmpty() && StructureJson.decode(e.getValue()).hasAttachment();
            update("UPDATE message_parse SET attachments = ? WHERE blob_id = ?", has ? 1 : 0, e.getKey());
        }
        return unmarked.size();
    }

    @Override
    public long[] uidsWithContent(long mailboxId, Set<String> blobs) {
        if (blobs.isEmpty()) return new long[0];
        if (blobs.size() > 2 * IN_LIST * FEW_RANGES) { // many: one pass over the mailbox beats thousands of probes
            List<Long> out = new java.util.ArrayList<>();
            for (var e : query("SELECT uid, blob_id FROM message" + dialect.useIndex("message_content") + " WHERE mailbox_id = ?",
                    rs -> Map.entry(rs.getLong(1), rs.getString(2)), mailboxId)) {
                if (blobs.contains(e.getValue())) out.add(e.getKey());
            }
            return out.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        List<String> all = new java.util.ArrayList<>(blobs);
        java.util.TreeSet<Long> out = new java.util.TreeSet<>();
        for (int from = 0; from < all.size(); from += IN_LIST) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST));
            Object[] args = new Object[chunk.size() + 1];
            args[0] = mailboxId;
            for (int j = 0; j < chunk.size(); j++) args[j + 1] = chunk.get(j);
            for (long u : uids("SELECT uid FROM message" + dialect.useIndex("message_content") + " WHERE mailbox_id = ? AND blob_id IN ("
                    + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")", args)) {
                out.add(u);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public void markIndexed(java.util.Collection<BlobId> blobs) {
        for (BlobId b : blobs) {
            update("DELETE FROM fts_pending WHERE blob_id = ?", b.sha256());
            update("INSERT INTO fts_indexed (blob_id) VALUES (?) ON CONFLICT DO NOTHING", b.sha256());
        }
    }

    @Override
    public boolean forgetContent(BlobId blob) {
        // A delivery of the same bytes may have come back since the file was deleted: then it all stays.
        if (one("SELECT 1 FROM message WHERE blob_id = ? LIMIT 1", rs -> true, blob.sha256()).isPresent()) return false;
        update("DELETE FROM message_parse WHERE blob_id = ?", blob.sha256());
        update("DELETE FROM fts_pending WHERE blob_id = ?", blob.sha256());
        return update("DELETE FROM fts_indexed WHERE blob_id = ?", blob.sha256()) > 0;
    }

    @Override
    public int reindexAll() {
        update("DELETE FROM fts_indexed");
        update("DELETE FROM fts_pending");
        return update("INSERT INTO fts_pending (blob_id) SELECT DISTINCT blob_id FROM message");
    }

    static Map<String, PreparedStatement> newStatementCache() {
        return new HashMap<>();
    }
}
