package org.postiljon.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.BlobStore;

/**
 * {@code postiljon migrate-store}: copies an embedded installation's store (SQLite) into a
 * PostgreSQL database, and its message contents into the target's blob store, then verifies the
 * copy. Every row keeps its ids, so UIDs, UIDVALIDITY, MODSEQ, flags and the change log (QRESYNC,
 * JMAP states) are what clients knew.
 *
 * <p>Resumable and incremental: rows are upserted by primary key and rows gone from the source
 * are deleted from the target, contents the target has are skipped. So a first run may go while
 * the old server still runs (most of the work), and a final run with it stopped copies what
 * changed since, before the nodes start on PostgreSQL.
 */
final class StoreMigration {

    /** The tables, parents before children (foreign keys). A table not listed here and not skipped stops the migration. */
    static final List<String> TABLES = List.of("domain", "dkim_key", "account", "domain_setting", "account_setting", "sent_day", "sent_recipient", "vacation", "vacation_reply", "sieve_script", "app_password", "totp", "spam_token", "spam_trained", "alias", "team_member",
            "mailbox", "subscription", "acl", "annotation", "message_parse", "message", "change_log", "blob_orphan", "outbound", "outbound_rcpt",
            "mta_sts_policy", "tls_result", "dmarc_result");
    /**
     * Not copied: the target keeps its own schema history, search index state (its index starts
     * empty) and leases; webmail users sign in again after the move.
     */
    static final Set<String> SKIPPED = Set.of("schema_version", "fts_indexed", "fts_pending", "lease", "web_session");

    private static final int BATCH = 500;

    static final String USAGE = "migrate-store --to (jdbc:postgresql://HOST:PORT/DB | postgres://[USER@]HOST[:PORT]/DB)"
            + " [--blobs postgres | files | s3://BUCKET[/PREFIX]] [--verify-content]";

    /**
     * The command: the source is this node's settings (an embedded store), the target the same
     * settings with the store and contents {@code --to} and {@code --blobs} name (the database's
     * password from {@code PGPASSWORD}, or store.password; S3's endpoint and keys from blobs.s3.*).
     * Prints what it copied and any difference it found; 0 when the copy verified clean.
     */
    static int command(Settings settings, List<String> args, PrintStream out) throws IOException {
        String to = null, blobs = "postgres";
        boolean content = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--to" -> to = i + 1 < args.size() ? args.get(++i) : null;
                case "--blobs" -> blobs = i + 1 < args.size() ? args.get(++i) : null;
                case "--verify-content" -> content = true;
                default -> throw new Cli.Usage("migrate-store: unknown argument " + args.get(i) + "\n  " + USAGE);
            }
        }
        if (to == null || blobs == null) throw new Cli.Usage("usage: " + USAGE);
        if (!settings.get("store").equals("embedded")) throw new Settings.ConfigError("migrate-store moves an embedded store; this node's store is " + settings.get("store"));
        Settings target = settings.with("store", "postgres");
        java.net.URI uri = to.startsWith("postgres://") || to.startsWith("postgresql://") ? java.net.URI.create(to) : null;
        if (uri != null) {
            target = target.with("store.url", "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + uri.getPath());
            if (uri.getUserInfo() != null) {
                if (uri.getUserInfo().contains(":")) throw new Cli.Usage("migrate-store: no password in --to (it would show in the process list); use PGPASSWORD");
                target = target.with("store.user", uri.getUserInfo());
            }
        } else if (to.startsWith("jdbc:postgresql://")) {
            target = target.with("store.url", to);
        } else {
            throw new Cli.Usage("migrate-store: --to must be a PostgreSQL URL\n  " + USAGE);
        }
        String password = System.getenv("PGPASSWORD");
        if (password != null && !password.isEmpty()) target = target.with("store.password", password);
        if (blobs.startsWith("s3://")) {
            String rest = blobs.substring(5);
            int slash = rest.indexOf('/');
            target = target.with("blobs", "s3").with("blobs.s3.bucket", slash < 0 ? rest : rest.substring(0, slash))
                    .with("blobs.s3.prefix", slash < 0 ? "" : rest.substring(slash + 1));
        } else if (blobs.equals("postgres") || blobs.equals("files")) {
            target = target.with("blobs", blobs);
        } else {
            throw new Cli.Usage("migrate-store: --blobs is postgres, files or s3://BUCKET[/PREFIX]\n  " + USAGE);
        }
        java.nio.file.Path db = java.nio.file.Path.of(settings.get("data.dir")).resolve("postiljon.db");
        if (!java.nio.file.Files.isRegularFile(db)) throw new Settings.ConfigError("no embedded store in " + settings.get("data.dir"));
        java.util.Properties credentials = new java.util.Properties();
        if (!target.get("store.user").isEmpty()) credentials.setProperty("user", target.get("store.user"));
        if (!target.get("store.password").isEmpty()) credentials.setProperty("password", target.get("store.password"));
        out.println("migrating " + db + " to " + target.get("store.url") + " (contents: " + blobs + ")");
        try (NodeStore from = NodeStore.open(settings); NodeStore into = NodeStore.open(target);
             Connection sqlite = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
             Connection pg = java.sql.DriverManager.getConnection(target.get("store.url"), credentials)) {
            Report r = new StoreMigration(sqlite, pg, from.blobs(), into.blobs(), out).run(content);
            if (r.problems().isEmpty()) {
                out.println("verified: every table's rows, every mailbox's UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and messages"
                        + (content ? ", every content's bytes" : ", every content's size") + " agree");
                out.println("next: with the old server stopped, run this once more, then set in the config:");
                out.println("  store = postgres");
                out.println("  store.url = " + target.get("store.url"));
                out.println("  blobs = " + target.get("blobs"));
                return 0;
            }
            for (String p : r.problems()) out.println("DIFFERS: " + p);
            out.println(r.problems().size() + " differences: run it again (with the old server stopped, it must come out clean)");
            return 1;
        } catch (SQLException e) {
            throw new IOException("migrate-store: " + e.getMessage(), e);
        }
    }

    private final Connection source;
    private final Connection target;
    private final BlobStore sourceBlobs;
    private final BlobStore targetBlobs;
    private final PrintStream out;

    StoreMigration(Connection source, Connection target, BlobStore sourceBlobs, BlobStore targetBlobs, PrintStream out) {
        this.source = source;
        this.target = target;
        this.sourceBlobs = sourceBlobs;
        this.targetBlobs = targetBlobs;
        this.out = out;
    }

    /** A column of the target table and how its values are carried over. */
    private record Column(String name, int type) { }

    /** What the run did, and what verification found wrong (empty: the copy is whole). */
    record Report(Map<String, Long> rows, long blobsCopied, long blobsPresent, List<String> problems) { }

    Report run(boolean verifyContent) throws SQLException, IOException {
        checkSchemas();
        Map<String, Long> rows = new LinkedHashMap<>();
        target.setAutoCommit(false);
        // Rows gone from the source go first, children before parents; then everything is upserted, parents first.
        for (String table : TABLES.reversed()) deleteGone(table);
        for (String table : TABLES) rows.put(table, copy(table));
        fixUsageAndSequences();
        target.commit();
        target.setAutoCommit(true);
        long[] blobs = copyBlobs();
        List<String> problems = verify(verifyContent);
        return new Report(rows, blobs[0], blobs[1], problems);
    }

    private void checkSchemas() throws SQLException {
        long from = number(source, "SELECT max(version) FROM schema_version"), to = number(target, "SELECT max(version) FROM schema_version");
        if (from != to) {
            throw new IllegalStateException("the source's schema is version " + from + ", the target's " + to
                    + ": start the server on the source once (it migrates), then migrate the store");
        }
        Set<String> tables = new TreeSet<>();
        try (Statement s = source.createStatement();
             ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")) {
            while (rs.next()) tables.add(rs.getString(1));
        }
        for (String t : tables) {
            if (!TABLES.contains(t) && !SKIPPED.contains(t)) throw new IllegalStateException("table " + t + " is not known to migrate-store");
        }
        for (String t : TABLES) if (!tables.contains(t)) throw new IllegalStateException("the source has no table " + t);
    }

    private List<Column> columns(String table) throws SQLException {
        List<Column> out = new ArrayList<>();
        try (PreparedStatement p = target.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    int type = switch (rs.getString(2)) {
                        case "bigint", "integer", "smallint" -> Types.BIGINT;
                        case "bytea" -> Types.BINARY;
                        case "boolean" -> Types.BOOLEAN;
                        default -> Types.VARCHAR;
                    };
                    out.add(new Column(rs.getString(1), type));
                }
            }
        }
        Set<String> sourceColumns = new TreeSet<>();
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) sourceColumns.add(rs.getString("name"));
        }
        Set<String> targetColumns = new TreeSet<>();
        for (Column c : out) targetColumns.add(c.name());
        if (!sourceColumns.equals(targetColumns)) throw new IllegalStateException("table " + table + " differs: " + sourceColumns + " against " + targetColumns);
        return out;
    }

    private List<String> primaryKey(String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement p = target.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY a.attnum")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        if (out.isEmpty()) throw new IllegalStateException("table " + table + " has no primary key");
        return out;
    }

    /** Deletes the target's rows whose key the source no longer has (an expunged message, a removed alias). */
    private void deleteGone(String table) throws SQLException {
        List<String> key = primaryKey(table);
        String keys = String.join(", ", key);
        try (Statement s = target.createStatement()) {
            s.execute("DROP TABLE IF EXISTS migrate_keys");
            s.execute("CREATE TEMPORARY TABLE migrate_keys AS SELECT " + keys + " FROM " + table + " WHERE false");
        }
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT " + keys + " FROM " + table);
             PreparedStatement insert = target.prepareStatement("INSERT INTO migrate_keys VALUES (" + "?, ".repeat(key.size() - 1) + "?)")) {
            List<Column> types = new ArrayList<>();
            for (Column c : columns(table)) if (key.contains(c.name())) types.add(c);
            int n = 0;
            while (rs.next()) {
                for (int i = 0; i < key.size(); i++) bind(insert, i + 1, typeOf(types, key.get(i)), rs, key.get(i));
                insert.addBatch();
                if (++n % BATCH == 0) insert.executeBatch();
            }
            insert.executeBatch();
        }
        StringBuilder match = new StringBuilder();
        for (String k : key) match.append(match.isEmpty() ? "" : " AND ").append("k.").append(k).append(" = t.").append(k);
        try (Statement s = target.createStatement()) {
            int gone = s.executeUpdate("DELETE FROM " + table + " t WHERE NOT EXISTS (SELECT 1 FROM migrate_keys k WHERE " + match + ")");
            if (gone > 0) out.println("  " + table + ": " + gone + " rows gone from the source, deleted");
            s.execute("DROP TABLE migrate_keys");
        }
    }

    private static int typeOf(List<Column> columns, String name) {
        for (Column c : columns) if (c.name().equals(name)) return c.type();
        throw new IllegalStateException("no column " + name);
    }

    /** Upserts every source row; returns how many the source has. */
    private long copy(String table) throws SQLException {
        List<Column> columns = columns(table);
        List<String> key = primaryKey(table);
        StringBuilder names = new StringBuilder(), marks = new StringBuilder(), updates = new StringBuilder();
        for (Column c : columns) {
            names.append(names.isEmpty() ? "" : ", ").append(c.name());
            marks.append(marks.isEmpty() ? "?" : ", ?");
            if (!key.contains(c.name())) updates.append(updates.isEmpty() ? "" : ", ").append(c.name()).append(" = excluded.").append(c.name());
        }
        String sql = "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ") ON CONFLICT (" + String.join(", ", key) + ") DO "
                + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates);
        long n = 0;
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT " + names + " FROM " + table);
             PreparedStatement upsert = target.prepareStatement(sql)) {
            while (rs.next()) {
                for (int i = 0; i < columns.size(); i++) bind(upsert, i + 1, columns.get(i).type(), rs, columns.get(i).name());
                upsert.addBatch();
                if (++n % BATCH == 0) upsert.executeBatch();
            }
            upsert.executeBatch();
        }
        out.println("  " + table + ": " + n + " rows");
        return n;
    }

    private static void bind(PreparedStatement p, int i, int type, ResultSet rs, String column) throws SQLException {
        switch (type) {
            case Types.BIGINT -> {
                long v = rs.getLong(column);
                if (rs.wasNull()) p.setNull(i, Types.BIGINT);
                else p.setLong(i, v);
            }
            case Types.BINARY -> p.setBytes(i, rs.getBytes(column));
            case Types.BOOLEAN -> {
                long v = rs.getLong(column);
                if (rs.wasNull()) p.setNull(i, Types.BOOLEAN);
                else p.setBoolean(i, v != 0);
            }
            default -> p.setString(i, rs.getString(column));
        }
    }

    /**
     * The copy fired the target's usage triggers on inserted messages: the usage is set to the
     * source's exact figures again. Identity columns continue after the highest copied id.
     */
    private void fixUsageAndSequences() throws SQLException {
        try (Statement s = source.createStatement(); ResultSet rs = s.executeQuery("SELECT id, used_bytes, used_messages FROM account");
             PreparedStatement p = target.prepareStatement("UPDATE account SET used_bytes = ?, used_messages = ? WHERE id = ?")) {
            while (rs.next()) {
                p.setLong(1, rs.getLong(2));
                p.setLong(2, rs.getLong(3));
                p.setLong(3, rs.getLong(1));
                p.addBatch();
            }
            p.executeBatch();
        }
        try (Statement s = target.createStatement()) {
            for (String table : TABLES) {
                if (columns(table).stream().noneMatch(c -> c.name().equals("id"))) continue;
                try (ResultSet rs = s.executeQuery("SELECT pg_get_serial_sequence('" + table + "', 'id')")) {
                    if (!rs.next() || rs.getString(1) == null) continue;
                }
                s.execute("SELECT setval(pg_get_serial_sequence('" + table + "', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM " + table + "), false)");
            }
            // Every content waits for the target's search index, which starts empty.
            s.execute("INSERT INTO fts_pending (blob_id) SELECT DISTINCT blob_id FROM message WHERE blob_id NOT IN (SELECT blob_id FROM fts_indexed)"
                    + " ON CONFLICT DO NOTHING");
        }
    }

    /** Every content a message or the queue refers to, into the target's blob store unless there. Returns {copied, present}. */
    private long[] copyBlobs() throws SQLException, IOException {
        List<BlobId> ids = new ArrayList<>();
        try (Statement s = source.createStatement();
             ResultSet rs = s.executeQuery("SELECT blob_id FROM message UNION SELECT blob_id FROM outbound ORDER BY 1")) {
            while (rs.next()) ids.add(new BlobId(rs.getString(1)));
        }
        long copied = 0, present = 0;
        for (BlobId id : ids) {
            if (targetBlobs.exists(id)) {
                present++;
                continue;
            }
            if (!sourceBlobs.exists(id)) continue; // reported by the verification
            try (InputStream in = sourceBlobs.open(id)) {
                BlobStore.Stored stored = targetBlobs.put(in, Long.MAX_VALUE);
                if (!stored.id().equals(id)) throw new IOException("content " + id + " read back as " + stored.id() + ": the source file is damaged");
            }
            if (++copied % 1000 == 0) out.println("  contents: " + copied + " copied");
        }
        out.println("  contents: " + copied + " copied, " + present + " already there");
        return new long[] {copied, present};
    }

    /**
     * Row counts per table, each mailbox's UIDVALIDITY, UIDNEXT, HIGHESTMODSEQ and its messages
     * (UID, MODSEQ, flags, content) compared as digests, and every content present at its size;
     * with {@code content}, every content's bytes read back and hashed.
     */
    private List<String> verify(boolean content) throws SQLException, IOException {
        List<String> problems = new ArrayList<>();
        for (String table : TABLES) {
            long a = number(source, "SELECT count(*) FROM " + table), b = number(target, "SELECT count(*) FROM " + table);
            if (a != b) problems.add(table + ": " + a + " rows in the source, " + b + " in the target");
        }
        String mailboxes = "SELECT b.id, a.address || ' ' || b.name, b.uid_validity, b.uid_next, b.highest_modseq FROM mailbox b"
                + " JOIN account a ON a.id = b.account_id ORDER BY b.id";
        Map<Long, String> expected = mailboxRows(source, mailboxes), found = mailboxRows(target, mailboxes);
        for (var e : expected.entrySet()) {
            String f = found.get(e.getKey());
            if (!e.getValue().equals(f)) problems.add("mailbox " + e.getKey() + ": " + e.getValue() + " in the source, " + f + " in the target");
        }
        for (long mailbox : expected.keySet()) {
            String sql = "SELECT uid, modseq, flags, blob_id, size FROM message WHERE mailbox_id = " + mailbox + " ORDER BY uid";
            if (!digest(source, sql).equals(digest(target, sql))) problems.add("mailbox " + expected.get(mailbox) + ": its messages differ");
        }
        try (Statement s = source.createStatement();
             ResultSet rs = s.executeQuery("SELECT blob_id, max(size - coalesce(length(trace), 0)) FROM message GROUP BY blob_id"
                     + " UNION SELECT blob_id, max(size) FROM outbound GROUP BY blob_id")) {
            while (rs.next()) {
                BlobId id = new BlobId(rs.getString(1));
                long size = rs.getLong(2);
                try {
                    long stored = targetBlobs.size(id);
                    if (stored != size) problems.add("content " + id + ": " + stored + " octets in the target, " + size + " expected");
                    else if (content && !sha256(id).equals(id.sha256())) problems.add("content " + id + ": its bytes in the target differ (SHA-256)");
                } catch (IOException e) {
                    problems.add("content " + id + ": missing in the target (" + e.getMessage() + ")");
                }
            }
        }
        return problems;
    }

    private String sha256(BlobId id) throws IOException {
        try (InputStream in = targetBlobs.open(id)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<Long, String> mailboxRows(Connection c, String sql) throws SQLException {
        Map<Long, String> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) out.put(rs.getLong(1), rs.getString(2) + " UIDVALIDITY " + rs.getLong(3) + " UIDNEXT " + rs.getLong(4)
                    + " HIGHESTMODSEQ " + rs.getLong(5));
        }
        return out;
    }

    private static String digest(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) sha.update((rs.getString(i) + "\u0000").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) '\n');
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long number(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
