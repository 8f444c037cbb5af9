package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way (ARCHITECTURE.md): each module may use only the modules listed here
 * in main scope, and protocol and domain code never touches JDBC or a concrete store.
 */
class ArchitectureTest {

    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("mailbox-api", Set.of()),
            Map.entry("mime", Set.of()),
            Map.entry("store-spi", Set.of("mailbox-api")),
            Map.entry("store-sql", Set.of("store-spi")),
            Map.entry("store-embedded", Set.of("store-sql")),
            Map.entry("mailbox", Set.of("mailbox-api", "store-spi", "mime")),
            Map.entry("net", Set.of("mailbox-api")),
            Map.entry("testkit", Set.of()),
            Map.entry("imap", Set.of("mailbox-api", "mime", "net")),
            Map.entry("pop3", Set.of("mailbox-api", "mime", "net")),
            Map.entry("smtp", Set.of("mailbox-api", "mime", "net")),
            Map.entry("jmap", Set.of("mailbox-api", "mime")),
            Map.entry("web", Set.of("jmap", "mailbox-api", "net")),
            Map.entry("server", Set.of("mailbox-api", "mime", "mailbox", "store-embedded", "net", "imap", "pop3", "smtp", "jmap", "web")),
            Map.entry("imap-conformance", Set.of()), // tests only: a whole node from server, scripts from testkit
            Map.entry("bench", Set.of("mailbox", "store-embedded", "mime", "testkit")));


    static final Pattern DEP = Pattern.compile(
            "<dependency><groupId>org\\.postiljon</groupId><artifactId>([a-z0-9-]+)</artifactId>(<type>[a-z-]+</type>)?(<scope>(\\w+)</scope>)?</dependency>");

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("mvnw"))) p = p.getParent();
        return p;
    }

    @Test
    void everyModuleIsListedHere() throws Exception {
        Matcher m = Pattern.compile("<module>([a-z0-9-]+)</module>").matcher(Files.readString(root().resolve("pom.xml")));
        while (m.find()) assertTrue(ALLOWED.containsKey(m.group(1)), "module " + m.group(1) + " has no entry in ALLOWED");
    }

    @Test
    void modulesDependOnlyDownwards() throws Exception {
        for (var e : ALLOWED.entrySet()) {
            String pom = Files.readString(root().resolve(e.getKey()).resolve("pom.xml"));
            Set<String> main = new TreeSet<>();
            Matcher m = DEP.matcher(pom);
            while (m.find()) if (m.group(4) == null || !m.group(4).equals("test")) main.add(m.group(1));
            assertTrue(e.getValue().containsAll(main), e.getKey() + " depends on " + main + ", allowed " + e.getValue());
        }
    }

    @Test
    void protocolAndDomainCodeNeverImportsStoresOrJdbc() throws Exception {
        for (String module : new String[] {"mailbox-api", "mime", "net", "mailbox", "imap", "pop3", "smtp"}) {
            try (Stream<Path> files = Files.walk(root().resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    assertEquals(false, src.contains("import java.sql."), f + " uses JDBC");
                    assertEquals(false, src.contains("import org.postiljon.store.embedded") || src.contains("import org.postiljon.store.sql"),
                            f + " knows a concrete store");
                }
            }
        }
    }
}
