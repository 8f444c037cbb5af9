package org.postiljon.store.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL from Debian's packages, started for the tests in a temporary directory on a
 * free loopback port (as the "postgres" user when the tests run as root: PostgreSQL refuses root),
 * with trust authentication and the "C" locale. Each {@link #newDatabase} is a fresh database.
 * Durability settings are off: these tests are about SQL, not about surviving power loss.
 */
public final class PostgresServer implements AutoCloseable {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean root;

    private PostgresServer(Path bin, Path dir, int port, boolean root) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.root = root;
    }

    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin;
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            bin = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.comparing(Path::toString)).orElseThrow();
        } catch (IOException | java.util.NoSuchElementException e) {
            throw new IllegalStateException("PostgreSQL is not installed (Debian: apt-get install postgresql); .ci/run installs it", e);
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "postiljon-pg");
        if (root) run(List.of("chown", "postgres", dir.toString()), false);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer pg = new PostgresServer(bin, dir, port, root);
        pg.as(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "--auth=trust", "--username=postiljon",
                "--encoding=UTF8", "--locale=C", "--no-sync"));
        pg.as(List.of(bin.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("log").toString(), "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1"
                        + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"));
        Runtime.getRuntime().addShutdownHook(new Thread(pg::close));
        return pg;
    }

    /** A new empty database; its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "t" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"), "postiljon", null); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        }
        return url(name);
    }

    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void as(List<String> command) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>();
        if (root) c.addAll(List.of("runuser", "-u", "postgres", "--"));
        c.addAll(command);
        run(c, true);
    }

    private static void run(List<String> command, boolean quiet) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", command) + " failed:\n" + out);
    }

    @Override
    public synchronized void close() {
        if (!Files.exists(dir)) return;
        try {
            as(List.of(bin.resolve("pg_ctl").toString(), "stop", "-m", "immediate", "-D", dir.resolve("data").toString()));
        } catch (IOException | InterruptedException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left to the system
        }
    }
}
