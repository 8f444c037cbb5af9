package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's test command on a machine without the client tools: a PATH holding only a shell and
 * the few commands the script itself uses stands for a fresh machine. It names every missing
 * package and the command that installs them; on this machine (set up by it) nothing is missing.
 */
class TestCommandTest {

    record Run(int exit, String output) { }

    static Run run(Path bin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", ArchitectureTest.root().resolve("test").toString(), "--check").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        if (bin != null) env.put("PATH", bin.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the check ends");
        return new Run(p.exitValue(), out);
    }

    @Test
    void onAFreshPathItNamesWhatIsMissingAndHowToInstallIt(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "sed", "head", "id")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
        }
        Run r = run(bin);
        assertEquals(1, r.exit(), r.output());
        for (String pkg : List.of("python3", "curl", "fetchmail", "swaks", "dnsmasq-base", "postfix", "nodejs", "npm")) {
            assertTrue(r.output().contains(" " + pkg), pkg + " named in: " + r.output());
        }
        assertTrue(r.output().contains("apt-get install -y "), r.output());
    }

    @Test
    void onThisMachineNothingIsMissing() throws Exception {
        Run r = run(null);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("nothing missing"), r.output());
    }
}
