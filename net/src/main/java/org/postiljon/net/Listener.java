package org.postiljon.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Accepts connections on one address and runs each on its own virtual thread. With {@code tls}
 * set, the TLS handshake happens first (implicit TLS, as on 993/995/465).
 */
public final class Listener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Listener.class);
    private static final AtomicLong IDS = new AtomicLong();

    /** A protocol's session, run on the connection's own thread. */
    public interface Handler {
        void handle(Connection connection) throws IOException;

        /** Said to a client refused by a connection limit, before the socket closes. */
        default byte[] refusal() {
            return new byte[0];
        }
    }

    /**
     * @param maxConnectionsPerIp more from one address are refused; 20 is above what a household
     *                            of devices behind one NAT opens, far below a flood
     * @param maxConnections      in all, so memory stays bounded
     * @param shutdownGrace       how long running sessions get to finish on shutdown
     * @param commandTime         what a command may take to arrive beyond its pace (see {@link Connection#commandDone})
     * @param proxies             load balancers whose connections start with a PROXY header naming the client
     */
    public record Options(int maxConnectionsPerIp, int maxConnections, Duration shutdownGrace, Duration commandTime,
                          ProxyProtocol.Trusted proxies) {
        public static final Options DEFAULT = new Options(20, 20_000, Duration.ofSeconds(10));

        public Options(int maxConnectionsPerIp, int maxConnections, Duration shutdownGrace) {
            this(maxConnectionsPerIp, maxConnections, shutdownGrace, Duration.ofSeconds(Connection.COMMAND_BASE_SECONDS), ProxyProtocol.Trusted.NONE);
        }

        public Options withProxies(ProxyProtocol.Trusted trusted) {
            return new Options(maxConnectionsPerIp, maxConnections, shutdownGrace, commandTime, trusted);
        }
    }

    /** How long a trusted proxy has to send its header. */
    private static final int PROXY_HEADER_MILLIS = 5000;

    private final String name;
    private final ServerSocket server;
    private final Tls implicitTls;
    private final Handler handler;
    private final Options options;
    private final Slots<InetAddress> perIp;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private final Thread acceptor;
    private volatile boolean closing;

    /** Set instead of {@code server} for a unix-domain socket. */
    private final ServerSocketChannel unixServer;
    private final Path unixPath;

    private Listener(String name, ServerSocket server, ServerSocketChannel unixServer, Path unixPath, Tls implicitTls, Handler handler,
                     Options options) {
        this.name = name;
        this.server = server;
        this.unixServer = unixServer;
        this.unixPath = unixPath;
        this.implicitTls = implicitTls;
        this.handler = handler;
        this.options = options;
        this.perIp = new Slots<>(options.maxConnectionsPerIp());
        this.acceptor = Thread.ofPlatform().name("accept-" + name).daemon(true).start(unixServer != null ? this::acceptUnixLoop : this::acceptLoop);
    }

    /**
     * Listens on a unix-domain socket (e.g. LMTP for a local Postfix): only processes on this
     * machine with the rights to the file can connect; no TLS. A stale socket file is replaced.
     */
    public static Listener startUnix(String name, Path path, Handler handler, Options options) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        ch.bind(UnixDomainSocketAddress.of(path), 512);
        return new Listener(name, null, ch, path, null, handler, options);
    }

    private void acceptUnixLoop() {
        InetAddress local = InetAddress.getLoopbackAddress();
        while (!closing) {
            SocketChannel ch;
            try {
                ch = unixServer.accept();
            } catch (IOException e) {
                if (!closing) log.warn("accept on {} failed: {}", name, e.getMessage());
                continue;
            }
            if (!admit(local)) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // refused anyway
                }
                continue;
            }
            Thread.ofVirtual().name(name + "-conn").start(() -> {
                try {
                    serve(new Connection(name + "-" + Long.toString(IDS.incrementAndGet(), 36), new ChannelStreams(ch), options.commandTime()), local);
                } catch (IOException e) {
                    log.debug("unix connection failed: {}", e.getMessage());
                    perIp.release(local);
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
            });
        }
    }

    public static Listener start(String name, InetSocketAddress address, Tls implicitTls, Handler handler, Options options) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(address, 512);
        return new Listener(name, s, null, null, implicitTls, handler, options);
    }

    /** The name it was started with ({@code imap}, {@code pop3s}, ...). */
    public String name() {
        return name;
    }

    /** The socket file of a unix-domain listener; empty for TCP. */
    public java.util.Optional<Path> unixPath() {
        return java.util.Optional.ofNullable(unixPath);
    }

    /** The bound address of a TCP listener. */
    public InetSocketAddress address() {
        if (server == null) throw new IllegalStateException(name + " listens on a unix socket");
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    public int openConnections() {
        return open.size();
    }

    /** One open connection as the operator sees it: never what was said on it. */
    public record Session(String id, String listener, String ip, String user, boolean tls, int commands, long ageMillis) { }

    /** The connections open now (the admin API's sessions), at most {@code limit}. */
    public java.util.List<Session> sessions(int limit) {
        return open.stream().limit(limit).map(c -> new Session(c.id(), name, c.remoteIp(), c.user(), c.isSecure(), c.commands(), c.ageMillis())).toList();
    }

    /** Connections served since start (TLS handshakes that failed not among them). */
    public long accepted() {
        return accepted.sum();
    }

    /** Connections refused by the per-address or the total limit since start. */
    public long refused() {
        return refused.sum();
    }

    private final java.util.concurrent.atomic.LongAdder accepted = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();

    private void acceptLoop() {
        while (!closing) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closing) log.warn("accept on {} failed: {}", name, e.getMessage());
                continue;
            }
            InetAddress ip = s.getInetAddress();
            if (options.proxies().contains(ip)) {
                // The per-address limit counts the client the header names, not the balancer.
                Thread.ofVirtual().name(name + "-proxied").start(() -> serveProxied(s, ip));
                continue;
            }
            if (!admit(ip)) {
                log.info("refused connection from {} on {}: connection limit", ip.getHostAddress(), name);
                Thread.ofVirtual().start(() -> refuse(s));
                continue;
            }
            Thread.ofVirtual().name(name + "-conn").start(() -> serve(s, ip));
        }
    }

    /** A connection from a trusted proxy: its header first, then the session as from the client it names. */
    private void serveProxied(Socket s, InetAddress proxy) {
        InetAddress client;
        try {
            s.setSoTimeout(PROXY_HEADER_MILLIS);
            client = ProxyProtocol.read(s.getInputStream()).orElse(proxy);
            s.setSoTimeout(0); // the session sets its own timeouts
        } catch (IOException e) {
            log.warn("closed connection from proxy {} on {}: {}", proxy.getHostAddress(), name, e.getMessage());
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            return;
        }
        if (!admit(client)) {
            log.info("refused connection from {} (through {}) on {}: connection limit", client.getHostAddress(), proxy.getHostAddress(), name);
            refuse(s);
            return;
        }
        serve(s, client);
    }

    /** A place for one more connection from {@code ip}, within the per-IP and the total limit. */
    private boolean admit(InetAddress ip) {
        if (!perIp.take(ip)) return false;
        if (open.size() < options.maxConnections()) return true;
        perIp.release(ip);
        return false;
    }

    private void refuse(Socket s) {
        refused.increment();
        try (s) {
            s.setSoTimeout(5000);
            byte[] message = handler.refusal();
            if (message.length > 0) s.getOutputStream().write(message);
        } catch (IOException ignored) {
            // nothing to tell a client that is gone
        }
    }

    private void serve(Socket plain, InetAddress ip) {
        String id = name + "-" + Long.toString(IDS.incrementAndGet(), 36);
        Connection c;
        try {
            plain.setTcpNoDelay(true);
            Socket s = plain;
            if (implicitTls != null) {
                plain.setSoTimeout(30_000); // a handshake that does not finish in time is an attack or a dead peer
                s = implicitTls.wrap(plain);
            }
            c = new Connection(id, s, implicitTls != null, ip, options.commandTime());
        } catch (IOException e) {
            log.debug("connection from {} failed: {}", ip.getHostAddress(), e.getMessage());
            try {
                plain.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            perIp.release(ip);
            return;
        }
        serve(c, ip);
    }

    /** Runs the protocol on an open connection, and cleans up after it. */
    private void serve(Connection c, InetAddress ip) {
        MDC.put("conn", c.id());
        try {
            open.add(c);
            accepted.increment();
            log.debug("connection from {}", ip.getHostAddress());
            handler.handle(c);
        } catch (SocketException e) {
            log.debug("connection ended: {}", e.getMessage());
        } catch (IOException e) {
            log.debug("connection failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("session crashed", e);
        } finally {
            open.remove(c);
            c.finish();
            perIp.release(ip);
            // One line per session (issue #21): who, from where, how long; never what was said.
            log.atInfo().addKeyValue("protocol", name).addKeyValue("ip", ip.getHostAddress()).addKeyValue("user", c.user())
                    .addKeyValue("tls", c.isSecure()).addKeyValue("commands", c.commands()).addKeyValue("ms", c.ageMillis()).log("session ended");
            MDC.remove("conn");
            lock.lock();
            try {
                drained.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stops accepting, lets running sessions finish within the grace period, then closes the rest. */
    @Override
    public void close() {
        if (closing) return;
        closing = true;
        try {
            if (unixServer != null) {
                unixServer.close();
                Files.deleteIfExists(unixPath);
            } else {
                server.close();
            }
        } catch (IOException ignored) {
            // already closed
        }
        for (Connection c : open) c.requestClose();
        long deadline = System.nanoTime() + options.shutdownGrace().toNanos();
        lock.lock();
        try {
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                drained.await(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        for (Connection c : open) c.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
