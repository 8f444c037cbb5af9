package org.postiljon.conformance;

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
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.server.Node;
import org.postiljon.server.Settings;
import org.postiljon.testkit.Transcript;

/**
 * The IMAP conformance scripts (src/test/resources/conformance/*.imap): each runs against a fresh
 * whole node (the server as configured for operators, its IMAP listener on a loopback port) with
 * the accounts alice@example.org and bob@example.org (password {@code ${password}}), over several
 * connections, every server line checked (in order, or in any order for {@code S1?} groups), every
 * step citing the RFC section it checks. One test per script.
 */
class ConformanceTest {

    static final String PASSWORD = "conformance pass";

    private static final AtomicInteger CHECKS = new AtomicInteger();
    private static final AtomicInteger SCRIPTS = new AtomicInteger();

    @TestFactory
    Stream<DynamicTest> scripts() throws IOException, URISyntaxException {
        Path dir = Path.of(ConformanceTest.class.getResource("/conformance").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".imap")).sorted().toList();
        }
        assertTrue(files.size() >= 26, "the conformance scripts are on the class path: " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private static void run(Path script) throws Exception {
        Path dir = Files.createTempDirectory("conformance");
        Settings s = Settings.defaults().with("data.dir", dir.toString()).with("hostname", "mail.example.org");
        for (String l : new String[] {"imaps", "pop3", "pop3s", "smtp", "submission", "submissions", "lmtp", "http", "https", "managesieve", "metrics"}) {
            s = s.with("listen." + l, "off");
        }
        s = s.with("listen.imap", "127.0.0.1:0").with("auth.failure-delay-ms", "1").with("retention.run-minutes", "0");
        try (Node node = Node.open(s)) {
            node.model().directory().addDomain(DomainName.of("example.org"));
            for (String user : new String[] {"alice@example.org", "bob@example.org"}) {
                node.model().directory().addAccount(EmailAddress.parse(user), PASSWORD.toCharArray(), QuotaLimits.UNLIMITED);
            }
            node.start();
            try (Transcript t = new Transcript(node.listeners().getFirst().address().getPort())) {
                t.vars.put("password", PASSWORD);
                try {
                    t.run(Files.readString(script, StandardCharsets.UTF_8));
                } finally {
                    CHECKS.addAndGet(t.checks);
                    SCRIPTS.incrementAndGet();
                }
            }
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("IMAP conformance: %d scripts, %d server lines checked%n", SCRIPTS.get(), CHECKS.get());
    }
}
