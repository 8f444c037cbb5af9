package org.postiljon.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way (ARCHITECTURE.md), checked on the compiled classes (ArchUnit), not on
 * what the POMs declare: each module's classes may use only the modules listed here, and protocol
 * and domain code never touches JDBC or a concrete store.
 */
class ArchitectureTest {

    /** Each module, the modules its main code may use. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("mailbox-api", Set.of()),
            Map.entry("mime", Set.of("mailbox-api")), // decision 0011: it makes mailbox-api's structure values
            Map.entry("mailauth", Set.of()),
            Map.entry("sieve", Set.of()),
            Map.entry("spam", Set.of("mime", "mailbox-api")),
            Map.entry("store-spi", Set.of("mailbox-api")),
            Map.entry("store-sql", Set.of("store-spi", "mailbox-api")),
            Map.entry("store-embedded", Set.of("store-sql", "store-spi", "mailbox-api")),
            Map.entry("store-postgres", Set.of("store-sql", "store-spi", "mailbox-api")),
            Map.entry("mailbox", Set.of("mailbox-api", "store-spi", "mime", "sieve", "spam")),
            Map.entry("net", Set.of("mailbox-api")),
            Map.entry("testkit", Set.of()),
            Map.entry("imap", Set.of("mailbox-api", "mime", "net")),
            Map.entry("pop3", Set.of("mailbox-api", "mime", "net")),
            Map.entry("managesieve", Set.of("mailbox-api", "net")),
            Map.entry("smtp", Set.of("mailbox-api", "mime", "net", "mailauth", "sieve", "spam")),
            Map.entry("jmap", Set.of("mailbox-api", "mime")),
            Map.entry("web", Set.of("jmap", "mailbox-api", "net", "transfer")),
            Map.entry("transfer", Set.of("mailbox-api", "mime")),
            Map.entry("server", Set.of("mailbox-api", "mime", "mailauth", "sieve", "mailbox", "store-embedded", "store-postgres", "store-spi", "net", "imap", "pop3", "managesieve", "smtp", "jmap", "web", "transfer", "spam")),
            Map.entry("imap-conformance", Set.of()), // tests only
            Map.entry("bench", Set.of("mailbox", "mailbox-api", "store-embedded", "store-spi", "mime", "testkit")));

    /** The packages each module's classes live in. */
    static final Map<String, String> PACKAGE = Map.ofEntries(
            Map.entry("mailbox-api", "org.postiljon.mailbox.api.."),
            Map.entry("mime", "org.postiljon.mime.."),
            Map.entry("mailauth", "org.postiljon.mailauth.."),
            Map.entry("sieve", "org.postiljon.sieve.."),
            Map.entry("spam", "org.postiljon.spam.."),
            Map.entry("store-spi", "org.postiljon.store.spi.."),
            Map.entry("store-sql", "org.postiljon.store.sql.."),
            Map.entry("store-embedded", "org.postiljon.store.embedded.."),
            Map.entry("store-postgres", "org.postiljon.store.postgres.."),
            Map.entry("mailbox", "org.postiljon.mailbox"),
            Map.entry("net", "org.postiljon.net.."),
            Map.entry("testkit", "org.postiljon.testkit.."),
            Map.entry("imap", "org.postiljon.imap.."),
            Map.entry("pop3", "org.postiljon.pop3.."),
            Map.entry("managesieve", "org.postiljon.managesieve.."),
            Map.entry("smtp", "org.postiljon.smtp.."),
            Map.entry("jmap", "org.postiljon.jmap.."),
            Map.entry("web", "org.postiljon.web.."),
            Map.entry("transfer", "org.postiljon.transfer.."),
            Map.entry("server", "org.postiljon.server.."),
            Map.entry("imap-conformance", "org.postiljon.conformance.."),
            Map.entry("bench", "org.postiljon.bench.."));

    /** Every module's main classes that are on this module's class path (all but bench and the tests-only ones). */
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // test helpers published as test-jars (TestStore)
                .importPackages("org.postiljon");
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("mvnw"))) p = p.getParent();
        return p;
    }

    @Test
    void everyModuleIsListedHere() throws Exception {
        Matcher m = Pattern.compile("<module>([a-z0-9-]+)</module>").matcher(Files.readString(root().resolve("pom.xml")));
        while (m.find()) {
            assertTrue(ALLOWED.containsKey(m.group(1)), "module " + m.group(1) + " has no entry in ALLOWED");
            assertTrue(PACKAGE.containsKey(m.group(1)), "module " + m.group(1) + " has no entry in PACKAGE");
        }
    }

    @Test
    void modulesDependOnlyDownwards() {
        assertTrue(classes.size() > 300, "the modules' classes were imported: " + classes.size());
        for (var e : ALLOWED.entrySet()) {
            List<String> forbidden = PACKAGE.entrySet().stream()
                    .filter(p -> !p.getKey().equals(e.getKey()) && !e.getValue().contains(p.getKey()))
                    .map(Map.Entry::getValue).toList();
            noClasses().that().resideInAPackage(PACKAGE.get(e.getKey()))
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .because(e.getKey() + " may use only " + e.getValue())
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void protocolAndDomainCodeNeverTouchesJdbcOrAConcreteStore() {
        noClasses().that().resideInAnyPackage("org.postiljon.mailbox.api..", "org.postiljon.mime..", "org.postiljon.net..",
                        "org.postiljon.mailbox", "org.postiljon.imap..", "org.postiljon.pop3..", "org.postiljon.smtp..", "org.postiljon.jmap..",
                        "org.postiljon.web..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.postiljon.store.sql..",
                        "org.postiljon.store.embedded..", "org.sqlite..")
                .check(classes);
    }
}
