package org.postiljon.store.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The one schema: every script belongs to a listed version, every version runs on every dialect. */
class MigrationsTest {

    private static final List<String> DIALECTS = List.of("sqlite", "postgres");

    @Test
    void everyScriptIsAListedVersionAndNoVersionIsEmptyForADialect() throws Exception {
        Path root = Path.of(MigrationsTest.class.getClassLoader().getResource("org/postiljon/store/sql/schema").toURI());
        Set<String> found = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String name = f.getFileName().toString();
                assertTrue(name.endsWith(".sql"), name);
                found.add(name.substring(0, name.length() - 4));
                Path dir = root.relativize(f).getParent();
                assertTrue(dir == null || DIALECTS.contains(dir.toString()), "a dialect directory not tested: " + dir);
            });
        }
        assertEquals(new TreeSet<>(Migrations.VERSIONS), found, "scripts and Migrations.VERSIONS differ");
        for (String dialect : DIALECTS) {
            for (String version : Migrations.VERSIONS) {
                assertFalse(Migrations.scripts(version, dialect).isEmpty(), version + " has no script for " + dialect);
            }
        }
        for (int i = 0; i < Migrations.VERSIONS.size(); i++) {
            assertTrue(Migrations.VERSIONS.get(i).startsWith("V" + (i + 1) + "__"), Migrations.VERSIONS.get(i));
        }
    }

    /** A statement ends with ';' at the end of its line: "; -- note" would join it to the next, and only the first would run. */
    @Test
    void noStatementEndsBeforeAComment() {
        for (String dialect : DIALECTS) {
            for (String version : Migrations.VERSIONS) {
                for (String script : Migrations.scripts(version, dialect)) {
                    for (String line : script.split("\n")) assertFalse(line.matches(".*;\\s*--.*"), version + " (" + dialect + "): " + line);
                }
            }
        }
    }

    @Test
    void commonScriptsUseOnlyWhatEveryDialectAccepts() throws URISyntaxException {
        for (String version : Migrations.VERSIONS) {
            var common = Migrations.class.getClassLoader().getResourceAsStream("org/postiljon/store/sql/schema/" + version + ".sql");
            if (common == null) continue;
            String text = Migrations.scripts(version, "none").get(0);
            for (String sql : Migrations.statements(text)) {
                // INTEGER is 32 bits in PostgreSQL; triggers, BLOB and SQLite's functions differ.
                for (String word : List.of("INTEGER", "TRIGGER", "BLOB", "AUTOINCREMENT", "INSTR", "OR IGNORE", "OR REPLACE", "CASEMAP")) {
                    boolean uses = java.util.regex.Pattern.compile("\\b" + word + "\\b", java.util.regex.Pattern.CASE_INSENSITIVE).matcher(sql).find();
                    assertFalse(uses, version + " uses " + word + ": " + sql);
                }
            }
        }
    }

    @Test
    void aDollarQuotedFunctionIsOneStatement() {
        List<String> s = Migrations.statements("""
                CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        UPDATE t SET a = 1;
                    END IF;
                    RETURN NULL;
                END;
                $$;
                CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f();
                """);
        assertEquals(2, s.size(), s.toString());
        assertTrue(s.get(0).endsWith("END;\n$$"), s.get(0));
        assertTrue(s.get(1).startsWith("CREATE TRIGGER x"), s.get(1));
    }

    @Test
    void statementsSplitAtLineEndsAndKeepTriggerBodiesWhole() {
        List<String> s = Migrations.statements("""
                -- a comment
                CREATE TABLE t (a BIGINT);
                CREATE TRIGGER x AFTER INSERT ON t BEGIN
                    UPDATE t SET a = 1;
                END;
                INSERT INTO t VALUES (';');
                """);
        assertEquals(3, s.size(), s.toString());
        assertTrue(s.get(1).contains("UPDATE t SET a = 1;") && s.get(1).endsWith("END"), s.get(1));
        assertEquals("INSERT INTO t VALUES (';')", s.get(2));
    }
}
