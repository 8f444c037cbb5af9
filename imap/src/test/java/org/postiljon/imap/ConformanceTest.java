package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.postiljon.testkit.Transcript;

/**
 * The IMAP conformance scripts (src/test/resources/conformance/*.imap): each runs against a fresh
 * server with the accounts alice@example.org and bob@example.org (password {@code ${password}}),
 * over several connections, every server line checked (in order, or in any order for {@code S1?}
 * groups), every step citing the RFC section it checks. One test per script.
 */
class ConformanceTest {

    private static final AtomicInteger CHECKS = new AtomicInteger();
    private static final AtomicInteger SCRIPTS = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(ConformanceTest.class.getResource("/conformance").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".imap")).sorted().toList();
        }
        assertTrue(files.size() >= 19, "the conformance scripts are on the class path: " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private static void run(Path script) throws Exception {
        Path dir = Files.createTempDirectory("conformance");
        try (ImapTestServer server = new ImapTestServer(dir); Transcript t = new Transcript(server.port())) {
            server.account("alice@example.org");
            server.account("bob@example.org");
            t.vars.put("password", ImapTestServer.PASSWORD);
            try {
                t.run(Files.readString(script, StandardCharsets.UTF_8));
            } finally {
                CHECKS.addAndGet(t.checks);
                SCRIPTS.incrementAndGet();
            }
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("IMAP conformance: %d scripts, %d server lines checked%n", SCRIPTS.get(), CHECKS.get());
    }
}
