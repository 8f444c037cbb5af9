package org.postiljon.web;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * The HTTP host (Jetty 12, decision 0008): plain HTTP and HTTPS listeners, every request on a
 * virtual thread, bounded headers and idle time, connections bounded in all and per address.
 */
public final class WebServer implements AutoCloseable {

    private final Server server;
    private final WebHandler handler;
    private final List<ServerConnector> connectors = new ArrayList<>();

    private WebServer(Server server, WebHandler handler) {
        this.server = server;
        this.handler = handler;
    }

    /** Starts on {@code http} and/or {@code https} (either may be null). */
    public static WebServer start(WebServices svc, InetSocketAddress http, InetSocketAddress https) throws Exception {
        // Every request on a virtual thread, capped only by the connection limit: Jetty's default cap of 200
        // let 200 slow requests (a failed login waits out its delay) stall everyone else.
        VirtualThreadPool threads = new VirtualThreadPool(svc.limits().connections());
        threads.setMaxConcurrentTasks(svc.limits().connections());
        Server server = new Server(threads);
        WebHandler handler = new WebHandler(svc);
        WebServer w = new WebServer(server, handler);
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(16 * 1024);
        config.setResponseHeaderSize(16 * 1024);
        config.setSendServerVersion(false);
        if (http != null) w.add(new ServerConnector(server, new HttpConnectionFactory(config)), http, svc.limits().connectionsPerIp());
        if (https != null && svc.tls() != null) {
            HttpConfiguration secure = new HttpConfiguration(config);
            SecureRequestCustomizer customizer = new SecureRequestCustomizer();
            customizer.setSniHostCheck(false); // the self-signed default names the host, clients may use an IP
            customizer.setStsMaxAge(365L * 24 * 3600);
            secure.addCustomizer(customizer);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(svc.tls());
            w.add(new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(secure)), https, svc.limits().connectionsPerIp());
        }
        server.addBean(new NetworkConnectionLimit(svc.limits().connections(), server));
        server.setHandler(handler);
        server.setStopTimeout(5_000);
        server.start();
        return w;
    }

    private void add(ServerConnector c, InetSocketAddress at, int perIp) {
        c.getSelectorManager().addEventListener(new PerIpConnections(perIp));
        c.setHost(at.getHostString());
        c.setPort(at.getPort());
        c.setIdleTimeout(120_000);
        server.addConnector(c);
        connectors.add(c);
    }

    /** The ports actually bound (for port 0 in tests): HTTP first, then HTTPS, as configured. */
    public List<Integer> ports() {
        return connectors.stream().map(ServerConnector::getLocalPort).toList();
    }

    @Override
    public void close() {
        handler.closeStreams(); // before the graceful stop, which waits for open requests
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
