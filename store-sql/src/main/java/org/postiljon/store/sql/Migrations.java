package org.postiljon.store.sql;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Versioned schema migrations, one schema for every dialect: version {@code n} is
 * {@code schema/V<n>__name.sql} (SQL every dialect runs) followed by the dialect's overlay
 * {@code schema/<dialect>/V<n>__name.sql} (what only that dialect can say: row ids, binary
 * types, triggers, functions). At least one of the two exists. Each version runs once, in order,
 * in one transaction together with its row in {@code schema_version}. Statements end with
 * {@code ;} at the end of a line; a block that ends a line with {@code BEGIN} ends with {@code END;}.
 */
final class Migrations {

    private static final String ROOT = "org/postiljon/store/sql/schema/";

    /** The versions, in order. A new version is a line here and its files. */
    static final List<String> VERSIONS = List.of(
            "V1__schema", "V2__address_text", "V3__account_setting", "V4__outbound",
            "V5__outbound_dsn", "V6__outbound_delay_notice", "V7__quota_acl_retention",
            "V8__search_index", "V9__parse_by_content", "V10__message_content_index",
            "V11__change_log_content", "V12__deleted_unseen_indexes", "V13__flags_index",
            "V14__annotation", "V15__display_to", "V16__casemap_sort_keys", "V17__trace", "V18__outbound_lease",
            "V19__lease", "V20__change_notify", "V21__shared_blobs_and_text", "V22__web_session",
            "V23__dkim_key", "V24__sent_mail", "V25__vacation", "V26__sieve_script", "V27__spam", "V28__sieve_script_id", "V29__app_password", "V30__totp",
            "V31__transport_security", "V32__attachment_mark");

    private static final Pattern NAME = Pattern.compile("V(\\d+)__[a-z0-9_]+");

    private Migrations() { }

    /** The scripts of one version for {@code dialect}, common part first; empty if it has none. */
    static List<String> scripts(String version, String dialect) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>(2);
        for (String resource : List.of(ROOT + version + ".sql", ROOT + dialect + "/" + version + ".sql")) {
            String text = read(resource);
            if (text != null) out.add(text);
        }
        return out;
    }

    static int apply(Connection c, Dialect d) throws SQLException {
        String dialect = d.name();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            d.lockSchema(s); // nodes starting together: one migrates, the others wait and find it done
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            int current = 0;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                if (rs.next()) current = rs.getInt(1);
            }
            int applied = current;
            for (String name : VERSIONS) {
                Matcher m = NAME.matcher(name);
                if (!m.matches()) throw new IllegalArgumentException("migration not named V<n>__name: " + name);
                int version = Integer.parseInt(m.group(1));
                if (version <= current) continue;
                if (version != applied + 1) throw new IllegalStateException("migration " + version + " follows " + applied);
                List<String> scripts = scripts(name, dialect);
                if (scripts.isEmpty()) throw new IllegalStateException("migration " + name + " has no script for " + dialect);
                for (String script : scripts) for (String sql : statements(script)) s.execute(sql);
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, version);
                    p.setString(2, name + ".sql");
                    p.setLong(3, System.currentTimeMillis());
                    p.executeUpdate();
                }
                applied = version;
            }
            c.commit();
            return applied;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private static String read(String resource) {
        try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) return null;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    static List<String> statements(String script) {
        StringBuilder current = new StringBuilder();
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        boolean inBlock = false; // a trigger body: its statements end with ';' too, the block with 'END;'
        boolean inDollars = false; // a $$-quoted function body (PostgreSQL): everything up to the closing $$
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (!inDollars && (t.startsWith("--") || t.isEmpty())) continue;
            current.append(line).append('\n');
            if ((t.split("\\$\\$", -1).length - 1) % 2 == 1) inDollars = !inDollars;
            if (inDollars) continue;
            if (t.toUpperCase(java.util.Locale.ROOT).endsWith("BEGIN")) inBlock = true;
            if (inBlock && !t.equalsIgnoreCase("END;")) continue;
            inBlock = false;
            if (t.endsWith(";")) {
                String sql = current.toString().strip();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) out.add(current.toString().strip());
        return out;
    }
}
