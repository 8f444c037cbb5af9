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
 * Versioned schema migrations: each resource {@code V<n>__name.sql} runs once, in order, in one
 * transaction together with its row in {@code schema_version}. Statements end with {@code ;} at
 * the end of a line.
 */
final class Migrations {

    private static final Pattern NAME = Pattern.compile(".*/V(\\d+)__[^/]+\\.sql");

    private Migrations() { }

    static int apply(Connection c, List<String> resources) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
            int current = 0;
            try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                if (rs.next()) current = rs.getInt(1);
            }
            int applied = current;
            for (String resource : resources) {
                Matcher m = NAME.matcher(resource);
                if (!m.matches()) throw new IllegalArgumentException("migration not named V<n>__name.sql: " + resource);
                int version = Integer.parseInt(m.group(1));
                if (version <= current) continue;
                if (version != applied + 1) throw new IllegalStateException("migration " + version + " follows " + applied);
                for (String sql : statements(read(resource))) s.execute(sql);
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, version);
                    p.setString(2, resource.substring(resource.lastIndexOf('/') + 1));
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
            if (in == null) throw new IllegalStateException("missing migration resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    static List<String> statements(String script) {
        StringBuilder current = new StringBuilder();
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        boolean inBlock = false; // a trigger body: its statements end with ';' too, the block with 'END;'
        for (String line : script.split("\n")) {
            String t = line.strip();
            if (t.startsWith("--") || t.isEmpty()) continue;
            current.append(line).append('\n');
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
