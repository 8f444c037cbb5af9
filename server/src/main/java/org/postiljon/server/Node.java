package org.postiljon.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.postiljon.imap.server.ImapServer;
import org.postiljon.imap.server.ImapServices;
import org.postiljon.imap.server.ParseCache;
import org.postiljon.imap.server.RecentTracker;
import org.postiljon.imap.wire.ImapLimits;
import org.postiljon.jmap.Jmap;
import org.postiljon.jmap.JmapLimits;
import org.postiljon.jmap.JmapServices;
import org.postiljon.mailbox.InProcessChangeBus;
import org.postiljon.mailbox.MailboxLimits;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.Passwords;
import org.postiljon.mailbox.SharedChangeBus;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.Submission;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Listener;
import org.postiljon.net.Sasl;
import org.postiljon.net.Tls;
import org.postiljon.pop3.Pop3Limits;
import org.postiljon.pop3.Pop3Server;
import org.postiljon.pop3.Pop3Services;
import org.postiljon.smtp.LocalSubmission;
import org.postiljon.smtp.Mode;
import org.postiljon.smtp.OutboundOptions;
import org.postiljon.smtp.OutboundSender;
import org.postiljon.smtp.SmtpLimits;
import org.postiljon.smtp.SmtpServer;
import org.postiljon.smtp.SmtpServices;
import org.postiljon.web.WebLimits;
import org.postiljon.web.WebServer;
import org.postiljon.web.WebServices;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One running Postiljon: the store, the mailbox model, TLS, listeners and background jobs. */
public final class Node implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final Settings settings;
    private final NodeStore store;
    private final MailboxModel model;
    private final List<Listener> listeners = new ArrayList<>();
    private Observability observability;
    private final ScheduledExecutorService jobs;
    private final ScheduledExecutorService leaseKeeper =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("leases").daemon(true).factory());
    private final ParseCache parses;
    private OutboundSender outbound;
    private WebServer web;
    private Tls tls;
    private volatile boolean selfSigned;
    /** The certificate and key files watched for a change; null for a self-signed certificate. */
    private CertificateFiles certificateFiles;
    private final org.postiljon.web.AcmeChallenges acmeChallenges = new org.postiljon.web.AcmeChallenges();
    private AcmeCertificates acme;

    private Node(Settings settings, NodeStore store, MailboxModel model) {
        this.settings = settings;
        this.store = store;
        this.model = model;
        this.jobs = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("jobs").daemon(true).factory());
        this.parses = new ParseCache(settings.number("cache.parses"));
    }

    /** Opens the store and model only: what the admin CLI needs. */
    public static Node open(Settings settings) throws IOException {
        Duration leaseLifetime = Duration.ofSeconds(settings.number("cluster.lease-seconds"));
        if (leaseLifetime.toSeconds() < 4) throw new Settings.ConfigError("cluster.lease-seconds must be at least 4");
        NodeStore store = NodeStore.open(settings);
        java.util.Set<org.postiljon.mailbox.api.EmailAddress> admins = new java.util.HashSet<>();
        for (String a : settings.get("admin.accounts").split(",")) {
            if (a.isBlank()) continue;
            try {
                admins.add(org.postiljon.mailbox.api.EmailAddress.parse(a.strip()));
            } catch (org.postiljon.mailbox.api.MailboxException.InvalidName e) {
                throw new Settings.ConfigError("admin.accounts: " + e.getMessage());
            }
        }
        // Over a shared store other nodes' changes come from its signals (started with the listeners).
        org.postiljon.mailbox.api.ChangeBus bus = store.signals() != null ? new SharedChangeBus(store.metadata()) : new InProcessChangeBus();
        MailboxModel model = MailboxModel.over(store.metadata(), store.blobs(), store.index(), bus,
                new MailboxLimits(settings.number("limits.max-message-bytes"), Duration.ofMinutes(settings.number("auth.cache-ttl-minutes")),
                        100_000, (int) settings.number("limits.folders-per-account")), Passwords.DEFAULT, admins, Clock.systemUTC(),
                leaseLifetime);
        return new Node(settings, store, model);
    }

    /** Loads or creates the TLS certificate, binds the listeners, starts the background jobs. */
    public void start() throws IOException {
        acme = acme();
        tls = loadTls();
        long reload = settings.number("tls.reload-seconds");
        if (reload > 0 && certificateFiles != null) {
            Periodic.schedule(jobs, "checking the TLS certificate files", Duration.ofSeconds(reload), Duration.ofSeconds(reload), this::reloadIfChanged);
        }
        if (store.signals() != null) store.signals().start((SharedChangeBus) model.changes());
        // Its own thread: a long retention run or sweep on the jobs thread must not let the leases run out.
        Duration heartbeat = model.leases().lifetime().dividedBy(4);
        Periodic.schedule(leaseKeeper, "renewing this node's leases", heartbeat, heartbeat, () -> model.leases().heartbeat());
        Duration sweep = Duration.ofMinutes(settings.number("blobs.sweep-minutes"));
        Periodic.schedule(jobs, "the blob sweep", sweep, sweep, () -> model.sweeper().sweep(Duration.ofHours(1)));
        try {
            model.indexer().start(); // catches up on whatever was delivered while the server was down
        } catch (IllegalStateException e) {
            throw new Settings.ConfigError(e.getMessage());
        }
        long retention = settings.number("retention.run-minutes");
        if (retention > 0) {
            // No state of its own: after a restart the first run (a minute in) catches up on whatever expired meanwhile.
            Periodic.schedule(jobs, "the retention run", Duration.ofMinutes(1), Duration.ofMinutes(retention),
                    () -> model.retention().run(java.time.Instant.now()));
        }
        // One throttle for every protocol: failures over POP3 slow IMAP logins from that IP too.
        AuthThrottle throttle = new AuthThrottle(new AuthThrottle.Options(Duration.ofMillis(settings.number("auth.failure-delay-ms")),
                Duration.ofMillis(settings.number("auth.failure-delay-max-ms")), Duration.ofMinutes(settings.number("auth.window-minutes")),
                (int) settings.number("auth.max-failures-per-ip"), (int) settings.number("auth.max-failures-per-account")), Clock.systemUTC());
        Sasl sasl = new Sasl(model.directory(), OidcTokens.from(settings));
        boolean plaintextOnLoopback = settings.flag("auth.plaintext-on-loopback");
        ImapLimits limits = ImapLimits.DEFAULT.withMaxMessageBytes(settings.number("limits.max-message-bytes"));
        listen("imap", new ImapServer(new ImapServices(model.directory(), model.mailboxes(), model.messages(), model.changes(), tls,
                sasl.forScope(AppPasswords.Scope.IMAP), throttle, limits, plaintextOnLoopback, new RecentTracker(), parses, model.quotas(), model.acl())));
        listen("pop3", new Pop3Server(new Pop3Services(model.directory(), model.mailboxes(), model.messages(), tls, sasl.forScope(AppPasswords.Scope.POP3),
                throttle, Pop3Limits.DEFAULT, plaintextOnLoopback, model.leases())));
        // RFC 5804 has no implicit-TLS port: one listener, with STARTTLS.
        listen("managesieve", null, new org.postiljon.managesieve.ManageSieveServer(new org.postiljon.managesieve.ManageSieveServices(model.directory(),
                model.sieveScripts(), tls, sasl.forScope(AppPasswords.Scope.SIEVE), throttle, plaintextOnLoopback)));
        outbound = new OutboundSender(model.queue(), model.directory(), model.messages(), model.signingKeys(), model.transportSecurity(), outboundOptions())
                // Another node's claims run out after a lease lifetime: look that often, at most every 30 s.
                .start(java.util.Collections.min(List.of(Duration.ofSeconds(30), model.leases().lifetime())));
        org.postiljon.mailbox.api.Deliveries deliveries = model.deliveries(hostname(), settings.get("smtp.postmaster").isEmpty() ? null
                : org.postiljon.mailbox.api.EmailAddress.parse(settings.get("smtp.postmaster")));
        org.postiljon.mailauth.Dns dns = new org.postiljon.smtp.DnsResolver(settings.address("outbound.dns").orElse(null));
        org.postiljon.smtp.TlsReports tlsReports = new org.postiljon.smtp.TlsReports(model.transportSecurity(), dns, model.signingKeys(),
                model.directory(), model.messages(), model.queue(), outbound::wake, model.leases());
        if (settings.number("dkim.rotate-days") > 0) {
            org.postiljon.smtp.DkimRotation rotation = new org.postiljon.smtp.DkimRotation(model.directory(), model.signingKeys(), dns, model.leases(),
                    Duration.ofDays(settings.number("dkim.rotate-days")), Duration.ofDays(settings.number("dkim.retire-days")), Clock.systemUTC());
            Periodic.schedule(jobs, "the DKIM key rotation", Duration.ofMinutes(7), Duration.ofHours(1), rotation::run);
        }
        org.postiljon.smtp.DmarcReports dmarcReports = new org.postiljon.smtp.DmarcReports(model.transportSecurity(), dns, model.signingKeys(),
                model.directory(), model.messages(), model.queue(), outbound::wake, model.leases());
        // RFC 7489 §7.2: a report per UTC day (its default ri=86400), the same way.
        Periodic.schedule(jobs, "the DMARC reports", Duration.ofMinutes(6), Duration.ofHours(1),
                () -> reporter("dmarc").ifPresent(r -> dmarcReports.sendDue(java.time.LocalDate.now(java.time.ZoneOffset.UTC), r)));
        // RFC 8460 §4.1: a report per UTC day; looked for hourly, so a day's reports leave within the hour after it ends.
        Periodic.schedule(jobs, "the TLS reports", Duration.ofMinutes(5), Duration.ofHours(1),
                () -> reporter("tls").ifPresent(r -> tlsReports.sendDue(java.time.LocalDate.now(java.time.ZoneOffset.UTC), r)));
        SmtpServices smtp = new SmtpServices(hostname(), model.directory(), model.mailboxes(), model.messages(), tls, sasl.forScope(AppPasswords.Scope.SMTP), throttle,
                SmtpLimits.DEFAULT.withMaxMessageBytes(settings.number("limits.max-message-bytes")),
                Path.of(settings.get("data.dir")).resolve("spool"), plaintextOnLoopback, model.queue(), outbound::wake, model.quotas(),
                deliveries, dns, model.signingKeys(), model.sendingLimits(), new org.postiljon.mailauth.Srs(srsSecret()), model.vacations(),
                model.sieveScripts(), new org.postiljon.smtp.SpamFilter(model.directory(), model.spam(), dns, spamOptions()), model.transportSecurity());
        listen("smtp", null, new SmtpServer(smtp, Mode.MX));
        listen("submission", new SmtpServer(smtp, Mode.SUBMISSION));
        // LMTP's clients are the front MTA's delivery agents, many connections from one address: a limit of their own.
        Listener.Options lmtpOptions = new Listener.Options((int) settings.number("limits.lmtp-connections-per-ip"),
                (int) settings.number("limits.connections"), Duration.ofSeconds(settings.number("shutdown.grace-seconds"))).withProxies(proxies());
        listen("lmtp", null, new SmtpServer(smtp, Mode.LMTP), lmtpOptions);
        String lmtpSocket = settings.get("listen.lmtp-socket");
        if (!lmtpSocket.isEmpty()) {
            listeners.add(Listener.startUnix("lmtp-unix", Path.of(lmtpSocket), new SmtpServer(smtp.withoutTls(), Mode.LMTP), lmtpOptions));
        }
        Submission submission = new LocalSubmission(smtp);
        Path data = Path.of(settings.get("data.dir"));
        Jmap jmap = new Jmap(new JmapServices(model.directory(), model.mailboxes(), model.messages(), model.changes(), model.quotas(),
                submission, data.resolve("uploads"), JmapLimits.defaults(settings.number("limits.max-message-bytes"))
                        .withMaxSizeResponse(settings.number("jmap.max-response-mb") * 1024 * 1024), model.vacations(), model.sieveScripts(),
                model.appPasswords(), model.twoFactor()));
        Periodic.schedule(jobs, "expiring JMAP uploads", Duration.ofMinutes(10), Duration.ofMinutes(10),
                () -> jmap.blobs().expire(java.time.Instant.now().minus(org.postiljon.jmap.Blobs.UPLOAD_LIFETIME)));
        Optional<InetSocketAddress> http = settings.address("listen.http");
        Optional<InetSocketAddress> https = settings.address("listen.https");
        if (http.isPresent() || https.isPresent()) {
            org.postiljon.mailbox.StoredWebSessions sessions = new org.postiljon.mailbox.StoredWebSessions(store.metadata(),
                    Duration.ofMinutes(settings.number("web.session-idle-minutes")), Clock.systemUTC());
            Periodic.schedule(jobs, "expiring webmail sessions", Duration.ofMinutes(10), Duration.ofMinutes(60),
                    sessions::expire);
            AdminService admin = new AdminService(this, deliveries, clientSetup());
            Periodic.schedule(jobs, "counting deliveries for the admin dashboard", Duration.ofSeconds(10), Duration.ofSeconds(10), admin::sample);
            try {
                web = WebServer.start(new WebServices(jmap, model.directory(), model.twoFactor(), throttle, tls.context(), plaintextOnLoopback, sessions,
                        new WebLimits((int) settings.number("limits.connections"), (int) settings.number("web.connections-per-ip"),
                                (int) settings.number("web.streams-per-account"), (int) settings.number("web.streams-per-ip")),
                        clientSetup(), new org.postiljon.transfer.Exporter(model.mailboxes(), model.messages()), admin,
                        acme == null ? null : acmeChallenges), http.orElse(null), https.orElse(null));
            } catch (Exception e) {
                throw new IOException("cannot start the web listeners: " + e.getMessage(), e);
            }
        }
        if (acme != null) {
            // A first order a few seconds after the web listener is up (the CA checks over it), then a look twice a day.
            Periodic.schedule(jobs, "the ACME certificate", Duration.ofSeconds(2), Duration.ofHours(settings.number("acme.check-hours")), () -> {
                if (acme.due(java.time.Instant.now())) {
                    acme.renew();
                    reloadIfChanged();
                }
            });
        }
        Optional<InetSocketAddress> metrics = settings.address("listen.metrics");
        if (metrics.isPresent()) {
            // Ready while this node can read its store: one statement per probe.
            observability = new Observability(metrics.get(), listeners, throttle, deliveries, model, store.metadata(), () -> {
                model.queue().summary();
                return true;
            });
        }
    }

    /** smtp.srs-secret, else a random key made once and kept in the data directory (owner-only). */
    /** spam.dnsbl ("zone=score, zone=score") and spam.rspamd-url. */
    private org.postiljon.smtp.SpamFilter.Options spamOptions() {
        java.util.Map<String, Double> zones = new java.util.LinkedHashMap<>();
        for (String item : settings.get("spam.dnsbl").split(",")) {
            String z = item.strip();
            if (z.isEmpty()) continue;
            int eq = z.indexOf('=');
            try {
                zones.put(eq < 0 ? z : z.substring(0, eq).strip(), eq < 0 ? 3.0 : Double.parseDouble(z.substring(eq + 1).strip()));
            } catch (NumberFormatException e) {
                throw new Settings.ConfigError("spam.dnsbl: not a score in '" + z + "' (expected zone=score, e.g. zen.spamhaus.org=3.5)");
            }
        }
        String url = settings.get("spam.rspamd-url");
        java.net.URI rspamd = null;
        if (!url.isEmpty()) {
            try {
                rspamd = java.net.URI.create(url);
                if (rspamd.getHost() == null || !(url.startsWith("http://") || url.startsWith("https://"))) throw new IllegalArgumentException();
            } catch (IllegalArgumentException e) {
                throw new Settings.ConfigError("spam.rspamd-url: expected http://host:port of rspamd's normal worker, not " + url);
            }
        }
        return new org.postiljon.smtp.SpamFilter.Options(zones, rspamd);
    }

    private byte[] srsSecret() throws IOException {
        String configured = settings.get("smtp.srs-secret");
        if (!configured.isEmpty()) {
            if (configured.length() < 16) throw new IOException("smtp.srs-secret needs at least 16 characters");
            return configured.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        Path file = Path.of(settings.get("data.dir")).resolve("srs.key");
        java.nio.file.Files.createDirectories(file.getParent());
        if (java.nio.file.Files.exists(file)) return java.nio.file.Files.readAllBytes(file);
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Path tmp = file.resolveSibling("srs.key.tmp");
        java.nio.file.Files.deleteIfExists(tmp);
        java.nio.file.Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        java.nio.file.Files.write(tmp, key);
        java.nio.file.Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return key;
    }

    /**
     * What mail programs are told (autoconfig): this node's host name and the ports of its mail
     * listeners as configured (a listener on port 0, as in tests, is told as the port it got).
     */
    private org.postiljon.web.ClientSetup clientSetup() {
        return new org.postiljon.web.ClientSetup(hostname(), port("imaps"), port("imap"), port("pop3s"), port("pop3"),
                port("submissions"), port("submission"), mtaStsPolicy());
    }

    /** The MTA-STS policy served for the local domains (RFC 8461 §3.2), "" when mta-sts.mode is off. */
    private String mtaStsPolicy() {
        String mode = settings.get("mta-sts.mode");
        if (mode.equals("off")) return "";
        org.postiljon.mailauth.MtaSts.Mode m = switch (mode) {
            case "testing" -> org.postiljon.mailauth.MtaSts.Mode.TESTING;
            case "enforce" -> org.postiljon.mailauth.MtaSts.Mode.ENFORCE;
            case "none" -> org.postiljon.mailauth.MtaSts.Mode.NONE;
            default -> throw new Settings.ConfigError("mta-sts.mode is off, none, testing or enforce, not " + mode);
        };
        List<String> mx = settings.get("mta-sts.mx").isBlank() ? List.of(hostname())
                : java.util.Arrays.stream(settings.get("mta-sts.mx").split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
        return org.postiljon.mailauth.MtaSts.render(m, mx, Duration.ofDays(settings.number("mta-sts.max-age-days")));
    }

    /** Who the aggregate reports of {@code kind} (dmarc, tls) come from now (reports.*); empty when none are to be sent. */
    private Optional<org.postiljon.smtp.ReportMail.Reporter> reporter(String kind) {
        if (java.util.Arrays.stream(settings.get("reports.send").split(",")).map(String::strip).noneMatch(kind::equals)) return Optional.empty();
        String from = settings.get("reports.from");
        if (from.isEmpty()) {
            Optional<String> signing = model.directory().domains().stream().filter(d -> model.signingKeys().signing(d).isPresent())
                    .map(org.postiljon.mailbox.api.DomainName::ascii).sorted().findFirst();
            if (signing.isEmpty()) return Optional.empty();
            from = "reports@" + signing.get();
        }
        String organization = settings.get("reports.organization").isEmpty() ? hostname() : settings.get("reports.organization");
        return Optional.of(new org.postiljon.smtp.ReportMail.Reporter(organization, from, from));
    }

    private int port(String listener) {
        int configured = settings.address("listen." + listener).map(InetSocketAddress::getPort).orElse(0);
        if (configured != 0) return configured;
        return listeners.stream().filter(l -> l.name().equals(listener) && l.unixPath().isEmpty())
                .mapToInt(l -> l.address().getPort()).findFirst().orElse(0);
    }

    /**
     * Returns a queued message to its sender now (the admin commands' {@code queue bounce}), whether
     * this node serves or only runs a command.
     */
    OutboundSender.Returned returnToSender(long entryId) {
        if (outbound != null) return outbound.returnToSender(entryId);
        try (OutboundSender once = new OutboundSender(model.queue(), model.directory(), model.messages(), model.signingKeys(), model.transportSecurity(), outboundOptions())) {
            return once.returnToSender(entryId);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The metrics and health listener's address; empty when listen.metrics is off. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(observability).map(Observability::address);
    }

    /** The bound HTTP and HTTPS ports (in that order, those configured). */
    public List<Integer> webPorts() {
        return web == null ? List.of() : web.ports();
    }

    private OutboundOptions outboundOptions() {
        OutboundOptions d = OutboundOptions.defaults(hostname());
        String user = settings.get("outbound.smarthost-user");
        OutboundOptions o = new OutboundOptions(hostname(), settings.address("outbound.dns").orElse(null), d.port(),
                settings.address("outbound.smarthost").orElse(null), user.isEmpty() ? null : user,
                settings.get("outbound.smarthost-password"), Duration.ofHours(settings.number("outbound.lifetime-hours")),
                d.retryBase(), d.retryMax(), (int) settings.number("outbound.connections-per-domain"), d.timeout(),
                settings.number("outbound.delay-notice-hours") == 0 ? null : Duration.ofHours(settings.number("outbound.delay-notice-hours")))
                .withTransportSecurity(443, settings.get("outbound.tls-ca").isEmpty() ? null : Path.of(settings.get("outbound.tls-ca")));
        return settings.flag("outbound.dane")
                ? o.withDane(settings.get("outbound.dnssec-anchors").isEmpty() ? null : Path.of(settings.get("outbound.dnssec-anchors"))) : o;
    }

    /** The protocol's two listeners: {@code listen.<name>} (plain, with STARTTLS/STLS) and {@code listen.<name>s} (implicit TLS). */
    private void listen(String name, Listener.Handler handler) throws IOException {
        listen(name, null, handler);
        listen(name + "s", tls, handler);
    }

    /** One listener on {@code listen.<name>}, with implicit TLS when {@code implicitTls} is given. */
    private void listen(String name, Tls implicitTls, Listener.Handler handler) throws IOException {
        listen(name, implicitTls, handler, listenerOptions());
    }

    private void listen(String name, Tls implicitTls, Listener.Handler handler, Listener.Options options) throws IOException {
        Optional<InetSocketAddress> address = settings.address("listen." + name);
        if (address.isPresent()) listeners.add(Listener.start(name, address.get(), implicitTls, handler, options));
    }

    private Listener.Options listenerOptions() {
        return new Listener.Options((int) settings.number("limits.connections-per-ip"),
                (int) settings.number("limits.connections"), Duration.ofSeconds(settings.number("shutdown.grace-seconds"))).withProxies(proxies());
    }

    private org.postiljon.net.ProxyProtocol.Trusted proxies() {
        try {
            return org.postiljon.net.ProxyProtocol.Trusted.parse(settings.get("proxy.trusted"));
        } catch (IllegalArgumentException e) {
            throw new Settings.ConfigError("proxy.trusted: " + e.getMessage());
        }
    }

    private Tls loadTls() throws IOException {
        String cert = settings.get("tls.certificate");
        String key = settings.get("tls.key");
        if (!cert.isEmpty() || !key.isEmpty()) {
            if (cert.isEmpty() || key.isEmpty()) throw new Settings.ConfigError("tls.certificate and tls.key must be set together");
            if (acme != null) throw new Settings.ConfigError("acme.directory and tls.certificate exclude each other: the certificate comes from one of them");
            certificateFiles = new CertificateFiles(Path.of(cert), Path.of(key));
            return certificateFiles.load();
        }
        if (acme != null) {
            certificateFiles = new CertificateFiles(acme.certificateFile(), acme.keyFile());
            if (acme.expires().isPresent()) return certificateFiles.load();
            log.warn("no ACME certificate yet: serving a self-signed one until {} issues it", settings.get("acme.directory"));
        }
        Path dir = Path.of(settings.get("data.dir")).resolve("tls");
        selfSigned = true;
        if (Files.exists(dir.resolve("cert.pem")) && Files.exists(dir.resolve("key.pem"))) {
            return Tls.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        }
        log.warn("no TLS certificate configured: generating a self-signed one in {}; mail clients will warn about it", dir);
        return Tls.generateSelfSigned(dir, hostname());
    }

    /** acme.* as configured; null when acme.directory is empty. */
    private AcmeCertificates acme() {
        String directory = settings.get("acme.directory");
        if (directory.isEmpty()) return null;
        // RFC 8555 §8.3: the CA fetches the HTTP-01 answer over plain HTTP from this node's web listener.
        if (settings.address("listen.http").isEmpty()) throw new Settings.ConfigError("acme.directory needs listen.http (the CA checks each name on port 80)");
        java.net.URI uri;
        try {
            uri = java.net.URI.create(directory);
            if (!"https".equals(uri.getScheme()) || uri.getHost() == null) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw new Settings.ConfigError("acme.directory: expected the https:// URL of an ACME directory, not " + directory);
        }
        List<String> names = new ArrayList<>();
        for (String d : settings.get("acme.domains").split(",")) if (!d.isBlank()) names.add(d.strip());
        if (names.isEmpty()) names.add(hostname());
        String ca = settings.get("acme.ca-certificate");
        return new AcmeCertificates(uri, names, settings.get("acme.email"), ca.isEmpty() ? null : Path.of(ca),
                Duration.ofDays(settings.number("acme.renew-days")), Path.of(settings.get("data.dir")).resolve("tls").resolve("acme"), acmeChallenges);
    }

    /** Serves the certificate files anew when they changed: every listener's next handshake gets the new pair. */
    void reloadIfChanged() {
        certificateFiles.changed().ifPresent(fresh -> {
            tls.replaceWith(fresh);
            selfSigned = false;
            log.atInfo().addKeyValue("subject", fresh.certificate().getSubjectX500Principal().getName())
                    .addKeyValue("expires", fresh.certificate().getNotAfter().toInstant().toString()).log("TLS certificate reloaded");
        });
    }

    public String hostname() {
        String h = settings.get("hostname");
        if (!h.isEmpty()) return h;
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Store read transactions since start (for tests and metrics). */
    long storeReads() {
        return store.metadata().reads();
    }

    public MailboxModel model() {
        return model;
    }

    public Settings settings() {
        return settings;
    }

    public Tls tls() {
        return tls;
    }

    public boolean selfSigned() {
        return selfSigned;
    }

    public List<Listener> listeners() {
        return listeners;
    }

    /** Stops accepting, lets sessions finish within the grace period, then closes the store. */
    @Override
    public void close() {
        if (observability != null) observability.close();
        for (Listener l : listeners) l.close();
        if (web != null) web.close();
        if (outbound != null) outbound.close();
        model.indexer().close();
        jobs.shutdownNow();
        leaseKeeper.shutdownNow();
        if (store.signals() != null) {
            store.signals().close();
            ((SharedChangeBus) model.changes()).close();
        }
        store.close();
    }
}
