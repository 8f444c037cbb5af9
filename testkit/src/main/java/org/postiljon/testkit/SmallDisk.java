package org.postiljon.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A small tmpfs mounted at a directory, for tests of a disk that really fills up (ENOSPC from the
 * kernel, not a simulation). Mounting needs root, as CI and these machines have; elsewhere
 * {@link #mount} is empty and the test is skipped.
 */
public final class SmallDisk implements AutoCloseable {

    public final Path path;

    private SmallDisk(Path path) {
        this.path = path;
    }

    /** Mounts a tmpfs of {@code size} ({@code "4m"}) at {@code dir}, created if missing; empty when this machine does not allow it. */
    public static Optional<SmallDisk> mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        return p.waitFor() == 0 ? Optional.of(new SmallDisk(dir)) : Optional.empty();
    }

    /** Unmounts lazily: a file still open in the test does not keep the mount. */
    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("umount", "-l", path.toString()).start().waitFor();
    }
}
