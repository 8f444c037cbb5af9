package org.postiljon.store.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.store.spi.BlobStore;

/**
 * Message bytes as files named by their SHA-256 under {@code root/ab/}. Writes go
 * temp, fsync, rename, fsync(dir); identical bytes are stored once.
 */
public final class FileBlobStore implements BlobStore {

    private static final int BUFFER = 64 * 1024;
    private final Path root;
    private final Path tmp;
    /** Serialises a renewing put against {@link #deleteIfIdle}; striped by the first id byte. */
    private final ReentrantLock[] stripes = new ReentrantLock[256];

    public FileBlobStore(Path root) throws IOException {
        this.root = root;
        this.tmp = root.resolve("tmp");
        Files.createDirectories(tmp);
        for (int i = 0; i < stripes.length; i++) stripes[i] = new ReentrantLock();
        // Files in tmp/ belong to writes that never returned: nobody refers to them. Only old ones
        // are removed, because the admin CLI opens this store while the server is writing.
        Instant dayAgo = Instant.now().minus(java.time.Duration.ofDays(1));
        try (var leftovers = Files.list(tmp)) {
            for (Path p : (Iterable<Path>) leftovers::iterator) {
                if (Files.getLastModifiedTime(p).toInstant().isBefore(dayAgo)) Files.deleteIfExists(p);
            }
        }
    }

    private ReentrantLock stripe(BlobId id) {
        return stripes[Integer.parseInt(id.sha256().substring(0, 2), 16)];
    }

    Path path(BlobId id) {
        String h = id.sha256();
        // One level of 256 directories: few directory creations (each costs an fsync of its
        // parent), and still small directories at a few million messages per store.
        return root.resolve(h.substring(0, 2)).resolve(h);
    }

    @Override
    public Stored put(InputStream content, long maxBytes) throws IOException {
        MessageDigest sha = sha256();
        Path temp = tmp.resolve(UUID.randomUUID().toString());
        long size = 0;
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(ch)) {
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = content.read(buf)) > 0) {
                    size += n;
                    if (size > maxBytes) throw new TooLarge(maxBytes);
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
                out.flush();
                ch.force(false); // fdatasync: the data and the size, which a new file needs
            }
            BlobId id = new BlobId(HexFormat.of().formatHex(sha.digest()));
            Path target = path(id);
            ReentrantLock lock = stripe(id);
            lock.lock();
            try {
                if (Files.exists(target)) {
                    // Same bytes already durable: renew them so a sweeper leaves them alone.
                    Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
                    Files.delete(temp);
                } else {
                    createDirectoriesDurably(target.getParent());
                    try {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                        throw new IOException("cannot move blob into place", e);
                    }
                }
            } finally {
                lock.unlock();
            }
            // Also after a de-duplicated put: the first writer of these bytes may not have synced yet.
            dirSync(target.getParent()).sync();
            return new Stored(id, size);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<Path, DirectorySync> dirSyncs = new java.util.concurrent.ConcurrentHashMap<>();

    private DirectorySync dirSync(Path dir) {
        return dirSyncs.computeIfAbsent(dir, DirectorySync::new);
    }

    /**
     * Group fsync of one directory: a caller whose rename is done waits for an fsync that started
     * after its rename; one fsync covers every rename before it, so concurrent deliveries into the
     * same directory share it.
     */
    private static final class DirectorySync {
        private final Path dir;
        private final ReentrantLock lock = new ReentrantLock();
        private final java.util.concurrent.locks.Condition changed = lock.newCondition();
        private long requested;
        private long synced;
        private boolean running;

        DirectorySync(Path dir) {
            this.dir = dir;
        }

        void sync() throws IOException {
            lock.lock();
            try {
                long mine = ++requested;
                while (synced < mine) {
                    if (running) {
                        changed.awaitUninterruptibly();
                        continue;
                    }
                    running = true;
                    long covers = requested;
                    lock.unlock();
                    IOException failure = null;
                    try {
                        fsyncDirectory(dir);
                    } catch (IOException e) {
                        failure = e;
                    } finally {
                        lock.lock();
                        running = false;
                        if (failure == null) synced = Math.max(synced, covers);
                        changed.signalAll();
                    }
                    if (failure != null) throw failure;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void createDirectoriesDurably(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        createDirectoriesDurably(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return; // another writer made it, and fsync'd its parent
        }
        fsyncDirectory(dir.getParent());
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public InputStream open(BlobId id) throws IOException {
        try {
            return Files.newInputStream(path(id));
        } catch (NoSuchFileException e) {
            throw new IOException("blob " + id + " is missing", e);
        }
    }

    @Override
    public long size(BlobId id) throws IOException {
        try {
            return Files.size(path(id));
        } catch (NoSuchFileException e) {
            throw new IOException("blob " + id + " is missing", e);
        }
    }

    @Override
    public boolean exists(BlobId id) {
        return Files.exists(path(id));
    }

    @Override
    public boolean deleteIfIdle(BlobId id, Instant notWrittenSince) throws IOException {
        ReentrantLock lock = stripe(id);
        lock.lock();
        try {
            Path p = path(id);
            if (!Files.exists(p)) return false;
            if (Files.getLastModifiedTime(p).toInstant().isAfter(notWrittenSince)) return false;
            Files.delete(p);
            return true;
        } finally {
            lock.unlock();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
