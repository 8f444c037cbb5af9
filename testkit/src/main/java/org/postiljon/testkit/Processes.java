package org.postiljon.testkit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a real client program (python3, curl, fetchmail, swaks...) for a test. */
public final class Processes {

    private Processes() { }

    /** Runs {@code command} in {@code dir}; returns its output (stdout and stderr), fails unless it exits 0 within a minute. */
    public static String run(Path dir, List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.getFirst() + " did not finish in a minute:\n" + output);
        }
        if (p.exitValue() != 0) throw new AssertionError(command.getFirst() + " exited with " + p.exitValue() + ":\n" + output);
        return output;
    }
}
