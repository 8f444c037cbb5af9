package org.postiljon.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.CommandTimes;
import org.postiljon.net.Listener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node as monitoring sees it, on a listener of its own ({@code listen.metrics}, loopback by
 * default: what it shows is for the operator, not the Internet):
 * <ul>
 *   <li>{@code /metrics}: Prometheus text format: connections per listener, logins, deliveries,
 *       the outbound queue, the search index backlog, command latency per protocol and command,
 *       and the JVM's own figures;</li>
 *   <li>{@code /healthz}: 200 while the process serves (liveness);</li>
 *   <li>{@code /readyz}: 200 when the listeners are up and the store answers a read, else 503
 *       (readiness: a load balancer sends no one to a node that cannot read its store).</li>
 * </ul>
 * Figures read from the store (queue, index backlog) are read at scrape time, once per scrape.
 */
final class Observability implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Observability.class);
    /** Seconds: from a NOOP on a warm node to a large FETCH or a slow DATA. */
    private static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final HttpServer http;
    private final BooleanSupplier ready;

    /**
     * @param listeners the node's listeners (read at each scrape: the list may grow while the node starts)
     * @param ready     whether the node is ready to serve (listeners up, store readable)
     */
    Observability(InetSocketAddress address, List<Listener> listeners, AuthThrottle throttle, Deliveries deliveries,
                  MailboxModel model, org.postiljon.store.spi.MetadataStore metadata, BooleanSupplier ready) throws IOException {
        this.ready = ready;
        GaugeWithCallback.builder().name("postiljon_connections").help("Open connections, per listener.").labelNames("listener")
                .callback(cb -> forEach(listeners, l -> cb.call(l.openConnections(), l.name()))).register(registry);
        CounterWithCallback.builder().name("postiljon_connections_accepted").help("Connections served since start, per listener.")
                .labelNames("listener").callback(cb -> forEach(listeners, l -> cb.call(l.accepted(), l.name()))).register(registry);
        CounterWithCallback.builder().name("postiljon_connections_refused").help("Connections refused by a connection limit, per listener.")
                .labelNames("listener").callback(cb -> forEach(listeners, l -> cb.call(l.refused(), l.name()))).register(registry);
        CounterWithCallback.builder().name("postiljon_logins").help("Logins over every protocol: ok, failed (wrong credentials), refused (over a limit).")
                .labelNames("outcome").callback(cb -> {
                    AuthThrottle.Logins n = throttle.logins();
                    cb.call(n.ok(), "ok");
                    cb.call(n.failed(), "failed");
                    cb.call(n.refused(), "refused");
                }).register(registry);
        CounterWithCallback.builder().name("postiljon_deliveries").help("Messages stored by SMTP/LMTP delivery, one per recipient account.")
                .callback(cb -> cb.call(deliveries.delivered())).register(registry);
        Supplier<OutboundQueue.Summary> queue = recent(model.queue()::summary, 1_000_000_000L); // two series, one query per scrape
        GaugeWithCallback.builder().name("postiljon_queue_messages").help("Messages waiting in the outbound queue.")
                .callback(cb -> cb.call(queue.get().messages())).register(registry);
        GaugeWithCallback.builder().name("postiljon_queue_oldest_age_seconds").unit(Unit.SECONDS)
                .help("Age of the oldest message in the outbound queue (0 when empty).")
                .callback(cb -> cb.call(queue.get().oldest().map(t -> (Instant.now().toEpochMilli() - t.toEpochMilli()) / 1000.0).orElse(0.0)))
                .register(registry);
        GaugeWithCallback.builder().name("postiljon_index_backlog").help("Contents waiting for the search index (counted up to 100,000).")
                .callback(cb -> cb.call(model.indexer().pending(100_000))).register(registry);
        Histogram commands = Histogram.builder().name("postiljon_command_duration_seconds").unit(Unit.SECONDS)
                .help("Time from a command's first byte read to its answer, per protocol and command.")
                .labelNames("protocol", "command").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        CommandTimes.sink((protocol, command, nanos) -> commands.labelValues(protocol, command).observe(nanos / 1e9));
        Histogram commitTimes = Histogram.builder().name("postiljon_store_commit_duration_seconds").unit(Unit.SECONDS)
                .help("How long each store commit took (fsync included when durable); one commit holds a group of transactions.")
                .labelNames("durable").classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        io.prometheus.metrics.core.metrics.Counter grouped = io.prometheus.metrics.core.metrics.Counter.builder().name("postiljon_store_transactions")
                .help("Write transactions committed, per kind (a commit groups several).").labelNames("durable").register(registry);
        metadata.onCommit((nanos, transactions, durable) -> {
            String d = String.valueOf(durable);
            commitTimes.labelValues(d).observe(nanos / 1e9);
            grouped.labelValues(d).inc(transactions);
        });
        JvmMetrics.builder().register(registry);

        http = HttpServer.create(address, 16);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/metrics", this::metrics);
        http.createContext("/healthz", x -> text(x, 200, "ok\n"));
        http.createContext("/readyz", x -> {
            boolean ok;
            try {
                ok = this.ready.getAsBoolean();
            } catch (RuntimeException e) {
                log.warn("readiness check failed: {}", e.toString());
                ok = false;
            }
            text(x, ok ? 200 : 503, ok ? "ready\n" : "not ready\n");
        });
        http.start();
    }

    /** The bound address (the port, when 0 was configured). */
    InetSocketAddress address() {
        return http.getAddress();
    }

    private void metrics(HttpExchange x) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
        var writer = ExpositionFormats.init().getPrometheusTextFormatWriter();
        writer.write(body, registry.scrape());
        x.getResponseHeaders().set("Content-Type", writer.getContentType());
        send(x, 200, body.toByteArray());
    }

    private static void text(HttpExchange x, int status, String body) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(x, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, int status, byte[] body) throws IOException {
        try (x) {
            boolean head = x.getRequestMethod().equals("HEAD");
            if (!head && !x.getRequestMethod().equals("GET")) {
                x.sendResponseHeaders(405, -1);
                return;
            }
            x.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = x.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static void forEach(List<Listener> listeners, java.util.function.Consumer<Listener> each) {
        for (Listener l : List.copyOf(listeners)) each.accept(l);
    }

    @Override
    public void close() {
        http.stop(0);
    }

    /** {@code source}'s value, asked again at most once per {@code ttlNanos}. */
    private static <T> Supplier<T> recent(Supplier<T> source, long ttlNanos) {
        return new Supplier<>() {
            private T value;
            private long at;

            @Override
            public synchronized T get() {
                long now = System.nanoTime();
                if (value == null || now - at > ttlNanos) {
                    value = source.get();
                    at = now;
                }
                return value;
            }
        };
    }
}
