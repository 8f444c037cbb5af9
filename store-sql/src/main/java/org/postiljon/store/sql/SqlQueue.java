package org.postiljon.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.QueueRecord;

/** The outbound queue, and the leases that let one holder at a time act (a POP3 maildrop, a sweep). */
abstract class SqlQueue extends SqlMessages {

    SqlQueue(Connection c, Dialect dialect, Map<String, PreparedStatement> statements) {
        super(c, dialect, statements);
    }


    @Override
    public long enqueue(String sender, String ret, String envid, BlobId blob, long size, List<QueueRecord.Target> recipients, Instant now) {
        long id = one("INSERT INTO outbound (created_at, sender, ret, envid, blob_id, size) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                rs -> rs.getLong(1), now.toEpochMilli(), sender, ret, envid, blob.sha256(), size).orElseThrow();
        for (QueueRecord.Target r : recipients) {
            String domain = r.address().substring(r.address().lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
            update("INSERT INTO outbound_rcpt (outbound_id, address, domain, notify, orcpt, state, attempts, next_attempt_at)"
                    + " VALUES (?, ?, ?, ?, ?, 'QUEUED', 0, ?)", id, r.address(), domain, r.notifyOn(), r.orcpt(), now.toEpochMilli());
        }
        return id;
    }

    @Override
    public void recordAttempt(long recipientId, QueueRecord.State state, Instant nextAttempt, String reply) {
        long queueId = number("SELECT outbound_id FROM outbound_rcpt WHERE id = ?", recipientId);
        update("UPDATE outbound_rcpt SET state = ?, attempts = attempts + 1, next_attempt_at = ?, last_reply = ? WHERE id = ?",
                state.name(), nextAttempt.toEpochMilli(), reply, recipientId);
        if (number("SELECT COUNT(*) FROM outbound_rcpt WHERE outbound_id = ? AND state = 'QUEUED'", queueId) == 0) dequeue(queueId);
    }

    @Override
    public void retryNow(long queueId, Instant now) {
        update("UPDATE outbound_rcpt SET next_attempt_at = ? WHERE outbound_id = ? AND state = 'QUEUED'", now.toEpochMilli(), queueId);
    }

    @Override
    public void delayNotified(long recipientId) {
        update("UPDATE outbound_rcpt SET delay_notified = 1 WHERE id = ?", recipientId);
    }

    @Override
    public boolean dequeue(long queueId) {
        List<BlobId> blobs = query("SELECT blob_id FROM outbound WHERE id = ?", rs -> new BlobId(rs.getString(1)), queueId);
        update("DELETE FROM outbound_rcpt WHERE outbound_id = ?", queueId);
        boolean gone = update("DELETE FROM outbound WHERE id = ?", queueId) > 0;
        noteOrphans(blobs);
        return gone;
    }

    @Override
    public List<QueueRecord> dueQueue(Instant now, int limit) {
        List<Long> ids = query("SELECT outbound_id, MIN(next_attempt_at) AS due FROM outbound_rcpt WHERE state = 'QUEUED' AND next_attempt_at <= ?"
                + " GROUP BY outbound_id ORDER BY due LIMIT ?", rs -> rs.getLong(1), now.toEpochMilli(), limit);
        List<QueueRecord> out = new ArrayList<>();
        for (long id : ids) queued(id).ifPresent(out::add);
        return out;
    }

    @Override
    public List<QueueRecord> claimDue(Instant now, int limit, String owner, Instant until) {
        // No GROUP BY (FOR UPDATE forbids it): the due time of each candidate is a subquery.
        List<Long> ids = query("SELECT o.id FROM outbound o WHERE (o.lease_until IS NULL OR o.lease_until <= ?)"
                + " AND EXISTS (SELECT 1 FROM outbound_rcpt r WHERE r.outbound_id = o.id AND r.state = 'QUEUED' AND r.next_attempt_at <= ?)"
                + " ORDER BY (SELECT MIN(r.next_attempt_at) FROM outbound_rcpt r WHERE r.outbound_id = o.id AND r.state = 'QUEUED'), o.id"
                + " LIMIT ?" + dialect.skipLocked(), rs -> rs.getLong(1), now.toEpochMilli(), now.toEpochMilli(), limit);
        List<QueueRecord> out = new ArrayList<>();
        for (long id : ids) {
            update("UPDATE outbound SET lease_owner = ?, lease_until = ? WHERE id = ?", owner, until.toEpochMilli(), id);
            queued(id).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<QueueRecord> claimOne(long queueId, Instant now, String owner, Instant until) {
        // One statement: of two nodes racing for the entry, the second finds the first one's live lease.
        int got = update("UPDATE outbound SET lease_owner = ?, lease_until = ? WHERE id = ? AND (lease_until IS NULL OR lease_until <= ? OR lease_owner = ?)",
                owner, until.toEpochMilli(), queueId, now.toEpochMilli(), owner);
        return got == 1 ? queued(queueId) : Optional.empty();
    }

    @Override
    public void releaseClaim(long queueId, String owner) {
        update("UPDATE outbound SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?", queueId, owner);
    }

    @Override
    public Optional<QueueRecord> queued(long id) {
        return one("SELECT id, created_at, sender, ret, envid, blob_id, size FROM outbound WHERE id = ?", rs -> new QueueRecord(rs.getLong(1),
                Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5), new BlobId(rs.getString(6)), rs.getLong(7),
                List.of()), id)
                .map(q -> new QueueRecord(q.id(), q.created(), q.sender(), q.ret(), q.envid(), q.blob(), q.size(), query(
                        "SELECT id, address, domain, notify, orcpt, state, attempts, next_attempt_at, last_reply, delay_notified FROM outbound_rcpt"
                                + " WHERE outbound_id = ? ORDER BY id",
                        rs -> new QueueRecord.Recipient(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                QueueRecord.State.valueOf(rs.getString(6)), rs.getInt(7), Instant.ofEpochMilli(rs.getLong(8)), rs.getString(9),
                                rs.getInt(10) != 0), id)));
    }

    @Override
    public List<QueueRecord> queue(int limit) {
        List<Long> ids = query("SELECT id FROM outbound ORDER BY id LIMIT ?", rs -> rs.getLong(1), limit);
        List<QueueRecord> out = new ArrayList<>();
        for (long id : ids) queued(id).ifPresent(out::add);
        return out;
    }

    @Override
    public org.postiljon.mailbox.api.OutboundQueue.Summary queueSummary() {
        return one("SELECT COUNT(*), MIN(created_at) FROM outbound", rs -> {
            long messages = rs.getLong(1);
            long oldest = rs.getLong(2);
            return new org.postiljon.mailbox.api.OutboundQueue.Summary(messages,
                    rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(oldest)));
        }).orElseThrow();
    }

    @Override
    public List<BlobId> orphanedBlobs(Instant before, int limit) {
        return query("SELECT blob_id FROM blob_orphan WHERE since < ? ORDER BY since LIMIT ?",
                rs -> new BlobId(rs.getString(1)), before.toEpochMilli(), limit);
    }

    @Override
    public void forgetOrphan(BlobId blob) {
        update("DELETE FROM blob_orphan WHERE blob_id = ?", blob.sha256());
    }

    @Override
    public boolean takeLease(String name, String node, String owner, Instant now, Instant until) {
        // One statement, so two nodes racing for a free lease cannot both win: the loser's insert
        // becomes an update whose WHERE finds a live lease held by someone else.
        return update("INSERT INTO lease (name, node, owner, until) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE"
                + " SET node = excluded.node, owner = excluded.owner, until = excluded.until"
                + " WHERE lease.until <= ? OR lease.owner = excluded.owner", name, node, owner, until.toEpochMilli(), now.toEpochMilli()) == 1;
    }

    @Override
    public void releaseLease(String name, String owner) {
        update("DELETE FROM lease WHERE name = ? AND owner = ?", name, owner);
    }

    @Override
    public int renewLeases(String node, Instant until) {
        return update("UPDATE lease SET until = ? WHERE node = ?", until.toEpochMilli(), node)
                + update("UPDATE outbound SET lease_until = ? WHERE lease_owner = ?", until.toEpochMilli(), node);
    }

    @Override
    public int releaseLeases(String node) {
        return update("DELETE FROM lease WHERE node = ?", node);
    }

    @Override
    public Optional<String> leaseHolder(String name, Instant now) {
        return one("SELECT owner FROM lease WHERE name = ? AND until > ?", rs -> rs.getString(1), name, now.toEpochMilli());
    }
}
