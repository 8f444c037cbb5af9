package org.postiljon.store.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real S3-compatible server for tests: S3Proxy (from Maven Central, copied to
 * {@code store-postgres/target/s3proxy} by the build) on a filesystem backend in a temp directory,
 * on a free loopback port, as its own process.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "postiljon-test";
    public static final String SECRET_KEY = "postiljon-test-secret";

    private final Process process;
    private final Path dir;
    private final int port;

    private S3ProxyServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** @param jar S3Proxy's jar-with-dependencies */
    public static S3ProxyServer start(Path jar) throws IOException, InterruptedException {
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: the build copies S3Proxy there (mvn generate-test-resources)");
        Path dir = Files.createTempDirectory("postiljon-s3");
        Files.createDirectories(dir.resolve("data"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Files.writeString(dir.resolve("s3proxy.conf"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + dir.resolve("data")) + "\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx256m", "-jar", jar.toString(), "--properties", dir.resolve("s3proxy.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        S3ProxyServer server = new S3ProxyServer(p, dir, port);
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                break;
            } catch (IOException e) {
                if (!p.isAlive() || System.currentTimeMillis() > deadline) {
                    server.close();
                    throw new IOException("S3Proxy did not start: " + Files.readString(dir.resolve("log")), e);
                }
                Thread.sleep(100);
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        return server;
    }

    /** From a test in store-postgres. */
    public static S3ProxyServer start() throws IOException, InterruptedException {
        return start(Path.of("target/s3proxy/s3proxy.jar"));
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** A new empty bucket (a directory of the backend). */
    public String newBucket(String name) throws IOException {
        Files.createDirectories(dir.resolve("data").resolve(name));
        return name;
    }

    public PostgresStore.S3Options options(String bucket) {
        return new PostgresStore.S3Options(endpoint(), "us-east-1", bucket, "", ACCESS_KEY, SECRET_KEY, true);
    }

    @Override
    public synchronized void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: left to the system
        }
    }
}
