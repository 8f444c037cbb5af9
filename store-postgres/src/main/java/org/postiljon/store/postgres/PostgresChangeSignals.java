package org.postiljon.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postiljon.store.spi.ChangeSignals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change bus between nodes: {@code LISTEN postiljon_change} on one dedicated connection per
 * node (the change log's trigger, schema V20, notifies at commit). When the connection breaks it is
 * opened again, with a growing pause, and the listener is told it may have missed signals. An idle
 * connection is probed every {@link #PROBE}, so a silently dead one is found.
 */
public final class PostgresChangeSignals implements ChangeSignals {

    static final String CHANNEL = "postiljon_change";
    private static final Logger log = LoggerFactory.getLogger(PostgresChangeSignals.class);
    private static final Duration PROBE = Duration.ofSeconds(10);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(30);

    private final String url;
    private final Properties properties = new Properties();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;
    private Thread thread;
    private Connection connection;

    public PostgresChangeSignals(String url, String user, String password) {
        this.url = url;
        if (user != null) properties.setProperty("user", user);
        if (password != null) properties.setProperty("password", password);
        properties.setProperty("ApplicationName", "postiljon-changes");
        properties.setProperty("tcpKeepAlive", "true");
        // Longer than a wait for notifications plus a probe: a read blocked longer means the server is gone.
        properties.setProperty("socketTimeout", String.valueOf(PROBE.toSeconds() * 3));
    }

    @Override
    public void start(Listener listener) {
        thread = Thread.ofPlatform().name("change-signals").daemon(true).start(() -> run(listener));
    }

    private void run(Listener listener) {
        long pause = 250;
        while (!closed) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
                pause = 250;
                listener.missed(); // whatever was committed while no one listened
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] signals = pg.getNotifications((int) PROBE.toMillis());
                    if (signals == null || signals.length == 0) {
                        s.execute("SELECT 1");
                        continue;
                    }
                    for (PGNotification n : signals) deliver(listener, n.getParameter());
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) return;
                log.warn("change signals from PostgreSQL interrupted ({}); listening again in {} ms", e.getMessage(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException ie) {
                    return;
                }
                pause = Math.min(pause * 2, MAX_PAUSE.toMillis());
            }
        }
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(url, properties);
        c.setAutoCommit(true);
        lock.lock();
        try {
            if (closed) {
                c.close();
                throw new SQLException("closed");
            }
            connection = c;
        } finally {
            lock.unlock();
        }
        return c;
    }

    /** {@code "<account id>:<modseq>"}; anything else is logged and dropped. */
    private static void deliver(Listener listener, String payload) {
        int colon = payload.indexOf(':');
        try {
            listener.changed(Long.parseLong(payload.substring(0, colon)), Long.parseLong(payload.substring(colon + 1)));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            log.warn("unexpected change signal: {}", payload);
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            if (connection != null) connection.close(); // unblocks a wait for notifications
        } catch (SQLException e) {
            log.debug("closing the change-signal connection", e);
        } finally {
            lock.unlock();
        }
        if (thread != null) thread.interrupt();
    }
}
