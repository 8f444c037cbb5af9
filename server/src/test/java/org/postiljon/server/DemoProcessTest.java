package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code postiljon demo} as a separate process, as the README runs it: it creates the demo
 * account and prints its password once, stops cleanly on SIGTERM, and a second run reuses the data.
 */
class DemoProcessTest {

    record Run(List<String> lines, int exitCode) { }

    private static Run demo(Path data) throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--data", data.toString(), "demo")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("Stop with Ctrl-C")) break;
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the demo stops on SIGTERM");
        }
        return new Run(lines, p.exitValue());
    }

    @Test
    void aCommandPrintsOnlyItsAnswer(@TempDir Path dir) throws Exception {
        // A fresh JVM, as a script runs it: nothing of logging's own set-up may reach standard output
        // (logback once printed its status there on every command, which broke --json for scripts).
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "--data", dir.toString(), "--json", "domain", "list")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        org.junit.jupiter.api.Assertions.assertEquals("[]\n", out);
    }

    @Test
    void demoCreatesTheAccountOnceAndStopsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Run first = demo(data);
        String all = String.join("\n", first.lines());
        Matcher m = Pattern.compile("password  (\\S+)    \\(shown once").matcher(all);
        assertTrue(m.find(), all);
        String password = m.group(1);
        assertTrue(all.contains("account   demo@example.test"));
        assertTrue(all.contains("IMAP, TLS                    127.0.0.1:1993"));
        assertTrue(all.contains("WARNING: TLS uses a self-signed certificate"));
        assertEquals(143, first.exitCode(), "128 + SIGTERM after the shutdown hooks ran");
        assertTrue(Files.exists(data.resolve("tls/cert.pem")));

        Run second = demo(data);
        String again = String.join("\n", second.lines());
        assertTrue(again.contains("password  (set on first start"), again);
        assertTrue(!again.contains(password), "the password is shown only once");

        try (Node node = Node.open(Settings.defaults().with("data.dir", data.toString()))) {
            assertTrue(node.model().directory().authenticate("demo@example.test", password.toCharArray()).isPresent(),
                    "the printed password logs in");
        }
    }
}
