package org.postiljon.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.postiljon.mailauth.Dane;
import org.postiljon.mailauth.MtaSts;
import org.postiljon.mailauth.TlsRpt;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.OutboundQueue.State;
import org.postiljon.mailbox.api.TransportSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works off the outbound queue: per message and destination domain, looks up the MX hosts (or
 * uses the smarthost), delivers over SMTP with STARTTLS (required with a valid certificate where
 * the domain's MTA-STS policy enforces it, RFC 8461; opportunistic elsewhere), and records each
 * recipient's outcome in the store before going on: 2xx delivered, 5xx failed (bounced to the
 * sender), anything else retried with doubling delays until the lifetime is over (then bounced).
 * A crash between the remote 250 and the record can send a message twice, never lose it.
 */
public final class OutboundSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboundSender.class);

    private final OutboundQueue queue;
    private final OutboundOptions options;
    private final MxResolver resolver;
    private final Reports reports;
    private final OutboundTls tls;
    private final MtaStsPolicies policies;
    private final TransportSecurity transport;
    /** DNSSEC-validated lookups for DANE; null when DANE is off. */
    private final SecureDns dane;
    private final Map<String, Semaphore> perDomain = new ConcurrentHashMap<>();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private volatile boolean running = true;
    private Thread loop;

    /**
     * @param keys      the local domains' DKIM keys: notices to other servers' senders are signed
     * @param transport where MTA-STS policies are kept and TLS sessions counted for reports
     */
    public OutboundSender(OutboundQueue queue, Directory directory, Messages messages, org.postiljon.mailbox.api.SigningKeys keys,
                          TransportSecurity transport, OutboundOptions options) throws IOException {
        this.queue = queue;
        this.options = options;
        this.dane = options.dane() ? new SecureDns(options.dns(), options.dnssecAnchors()) : null;
        this.resolver = new MxResolver(options.dns(), dane);
        this.reports = new Reports(directory, messages, queue, this::wake, keys); // bounces and delay notices are signed
        this.tls = OutboundTls.load(options.trustedCa());
        this.transport = transport;
        this.policies = new MtaStsPolicies(transport, new DnsResolver(options.dns()), resolver, tls, options.policyPort(), java.time.Clock.systemUTC());
    }

    /** Starts the loop: it looks for due messages every {@code poll}, and at once after {@link #wake}. */
    public OutboundSender start(java.time.Duration poll) {
        loop = Thread.ofVirtual().name("outbound").start(() -> {
            while (running) {
                try {
                    runDue();
                } catch (RuntimeException e) {
                    log.error("outbound queue run failed", e);
                }
                try {
                    wake.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        return this;
    }

    /** Something was queued: look now. */
    public void wake() {
        wake.release();
    }

    /** One pass over what is due; returns how many messages were attempted. */
    int runDue() {
        // Claimed: another node sending from the same queue gets other messages.
        List<OutboundQueue.Entry> due = queue.claim(Instant.now(), 200);
        int started = 0;
        for (OutboundQueue.Entry e : due) {
            if (!inFlight.add(e.id())) continue;
            started++;
            workers.submit(() -> {
                try {
                    attempt(e);
                } catch (RuntimeException ex) {
                    log.error("delivery of queued message {} failed", e.id(), ex);
                } finally {
                    inFlight.remove(e.id());
                    release(e);
                }
            });
        }
        return started;
    }

    /** Gives the claim up after an attempt; if that fails the claim runs out by itself. */
    private void release(OutboundQueue.Entry e) {
        try {
            queue.release(e.id());
        } catch (RuntimeException ex) {
            log.warn("claim on queued message {} not released (it runs out by itself): {}", e.id(), ex.getMessage());
        }
    }

    private void attempt(OutboundQueue.Entry e) {
        Instant now = Instant.now();
        // Read before any outcome is recorded: the entry leaves the queue when its last recipient is final.
        byte[] original = original(e);
        if (original == null) return;
        Map<String, List<OutboundQueue.Recipient>> byDomain = new LinkedHashMap<>();
        for (OutboundQueue.Recipient r : e.recipients()) {
            if (r.state() == State.QUEUED && !r.nextAttempt().isAfter(now)) byDomain.computeIfAbsent(r.domain(), d -> new ArrayList<>()).add(r);
        }
        List<Bounce.Line> notices = new ArrayList<>();
        for (Map.Entry<String, List<OutboundQueue.Recipient>> d : byDomain.entrySet()) {
            Semaphore limit = perDomain.computeIfAbsent(d.getKey(), k -> new Semaphore(options.perDomain()));
            limit.acquireUninterruptibly();
            try {
                notices.addAll(deliver(e, d.getKey(), d.getValue()));
            } finally {
                limit.release();
            }
        }
        notify(e, notices, original);
    }

    /** What the notices quote of the message (its start, or all of it up to 256 KiB for RET=FULL); null when it cannot be read. */
    private byte[] original(OutboundQueue.Entry e) {
        try (InputStream in = queue.open(e.id())) {
            return in.readNBytes("FULL".equalsIgnoreCase(e.dsn().ret()) ? 256 * 1024 : 64 * 1024);
        } catch (IOException | RuntimeException ex) {
            log.warn("queued message {} cannot be read: {}", e.id(), ex.getMessage());
            return null;
        }
    }

    /** Sends the sender one notice (RFC 3464) for these recipients' outcomes; none for a notice itself. */
    private void notify(OutboundQueue.Entry e, List<Bounce.Line> notices, byte[] original) {
        if (notices.isEmpty()) return;
        if (e.sender().isEmpty()) {
            log.warn("queued message {} (a notice itself) failed for {}: dropped, notices are never answered", e.id(), notices);
            return;
        }
        reports.send(e.sender(), Bounce.build(options.hostname(), e.sender(), e.created(), e.dsn(), notices, original,
                e.size() <= original.length, "FULL".equalsIgnoreCase(e.dsn().ret())));
    }

    /** What {@link #returnToSender} came to. */
    public enum Returned { RETURNED, NO_SUCH_MESSAGE, BUSY }

    /**
     * The operator gives up on a queued message: its waiting recipients fail now and the sender gets
     * the notice they asked for (RFC 3461), as after a permanent refusal. Only while no node is
     * sending it: the claim is taken as the senders take theirs.
     */
    public Returned returnToSender(long entryId) {
        if (inFlight.contains(entryId)) return Returned.BUSY;
        java.util.Optional<OutboundQueue.Entry> got = queue.claim(entryId, Instant.now());
        if (got.isEmpty()) {
            try (InputStream in = queue.open(entryId)) {
                return Returned.BUSY; // it exists: another node is sending it
            } catch (IOException | org.postiljon.mailbox.api.MailboxException ex) {
                return Returned.NO_SUCH_MESSAGE;
            }
        }
        if (!inFlight.add(entryId)) {
            release(got.get());
            return Returned.BUSY;
        }
        try {
            OutboundQueue.Entry e = got.get();
            byte[] original = original(e);
            List<OutboundQueue.Recipient> waiting = e.recipients().stream().filter(r -> r.state() == State.QUEUED).toList();
            List<Bounce.Line> notices = finish(e, waiting, "550 5.0.0 returned to the sender by the postmaster", true, false, true);
            if (original != null) notify(e, notices, original);
            return Returned.RETURNED;
        } finally {
            inFlight.remove(entryId);
            release(got.get());
        }
    }

    /** Tries the domain's hosts in order; records every recipient's outcome; returns the notices the sender asked for. */
    private List<Bounce.Line> deliver(OutboundQueue.Entry e, String domain, List<OutboundQueue.Recipient> rcpts) {
        List<String> hosts;
        boolean secureMx = false;
        if (options.smarthost() != null) {
            hosts = List.of(options.smarthost().getHostString());
        } else {
            switch (resolver.route(domain)) {
                case MxResolver.Route.NullMx n -> {
                    return finish(e, rcpts, "556 5.1.10 " + domain + " accepts no mail (null MX, RFC 7505)", true, false, true);
                }
                case MxResolver.Route.Unresolved u -> {
                    // RFC 7672 §2.2.1: a bogus MX RRset is not used; the domain waits, as for any DNS failure.
                    if (u.bogus()) count(domain, "tlsa", "", "", "", TlsRpt.Result.DNSSEC_INVALID, u.why());
                    return finish(e, rcpts, (u.bogus() ? "451 4.7.5 " : u.temporary() ? "451 4.4.3 " : "550 5.1.2 ") + u.why(), !u.temporary(),
                            false, true);
                }
                case MxResolver.Route.Hosts h -> {
                    hosts = h.names();
                    secureMx = h.secure(); // RFC 7672 §2.2.1: DANE applies to the hosts of a secure MX RRset
                }
            }
        }
        // RFC 8461 §5: a policy applies to MX delivery only; a smarthost is the operator's own choice of route.
        MtaStsPolicies.Found sts = options.smarthost() != null ? MtaStsPolicies.Found.NONE : policies.find(domain);
        if (sts.problem() != null) {
            count(domain, "sts", sts.policy().map(MtaSts.Policy::text).orElse(""), "", "", sts.problem().failure(), sts.problem().detail());
        }
        String lastError = "451 4.4.1 no host for " + domain + " could be reached";
        for (String host : hosts) {
            MxResolver.Addresses found = options.smarthost() != null
                    ? new MxResolver.Addresses(List.of(), SecureDns.Security.INSECURE, "") : resolver.addresses(host);
            if (found.security() == SecureDns.Security.BOGUS) {
                // RFC 7672 §2.2: a host whose addresses fail validation is not used.
                if (secureMx) count(domain, "tlsa", "", host, "", TlsRpt.Result.DNSSEC_INVALID, "addresses of " + host + ": " + found.why());
                lastError = "451 4.7.5 " + host + ": its DNS records fail DNSSEC validation: addresses of " + host + ": " + found.why();
                continue;
            }
            // RFC 7672 §2.2.2: TLSA records are looked up for a host whose addresses are secure too.
            Tlsa tlsa = secureMx && found.security() == SecureDns.Security.SECURE ? tlsa(host) : Tlsa.NONE;
            if (tlsa.bogus() != null) {
                count(domain, "tlsa", "", host, "", TlsRpt.Result.DNSSEC_INVALID, tlsa.bogus());
                lastError = "451 4.7.5 " + host + ": its DNS records fail DNSSEC validation: " + tlsa.bogus();
                continue;
            }
            // RFC 8461 §2: where DANE applies it decides; elsewhere the MTA-STS policy, if any.
            Rule rule = !tlsa.records().isEmpty() ? Rule.dane(tlsa) : sts.policy().map(Rule::sts).orElse(Rule.NONE);
            // RFC 8461 §4.1: only MX hosts the policy names.
            if (rule.sts() != null && !rule.sts().allows(host)) {
                count(domain, "sts", rule.text(), host, "", TlsRpt.Result.VALIDATION_FAILURE, host + " is not an mx of the policy");
                if (rule.binding()) {
                    lastError = "451 4.7.5 " + host + " is not named by the MTA-STS policy of " + domain;
                    log.info("queued message {}: {} skipped: not named by the MTA-STS policy of {}", e.id(), host, domain);
                    continue;
                }
            }
            // Where to connect: the smarthost as configured, an MX host's addresses from the same lookups as its route.
            List<InetSocketAddress> targets = options.smarthost() != null ? List.of(options.smarthost())
                    : found.list().stream().map(a -> new InetSocketAddress(a, options.port())).toList();
            for (InetSocketAddress address : targets) {
                String ip = address.getAddress() == null ? "" : address.getAddress().getHostAddress();
                try (InputStream content = queue.open(e.id()); SmtpClient c = SmtpClient.connect(address, options.timeout())) {
                    SmtpClient.Reply greeting = c.read();
                    if (greeting.code() != 220) {
                        lastError = greeting.toString();
                        continue; // §3.8: a 421 greeting; try the next host
                    }
                    c.ehlo(options.hostname());
                    OutboundTls.Verdict verdict = c.startTls(options.hostname(), host, tls);
                    Dane.Outcome checked = rule.check(verdict, c, host, domain);
                    if (rule.counted()) count(domain, rule.type(), rule.text(), host, ip, checked.failure(), checked.detail());
                    if (!checked.matched() && rule.binding()) {
                        lastError = "451 4.7.5 " + host + ": " + rule.requirement(domain) + ": " + checked.failure().token();
                        log.info("queued message {}: {} refused under {}: {} ({})", e.id(), address, rule.type().equals("tlsa") ? "DANE"
                                : "the MTA-STS policy of " + domain, checked.failure().token(), checked.detail());
                        continue;
                    }
                    if (options.smarthostUser() != null) {
                        SmtpClient.Reply auth = c.authPlain(options.smarthostUser(), options.smarthostPassword());
                        if (!auth.positive()) return finish(e, rcpts, auth.toString(), auth.permanent(), false, true);
                    }
                    boolean dsn = c.offers("DSN");
                    List<SmtpClient.Reply> replies = c.send(e.sender(), e.dsn(), rcpts.stream().map(OutboundQueue.Recipient::target).toList(),
                            content, e.size());
                    List<Bounce.Line> notices = new ArrayList<>();
                    String security = rule.type().equals("tlsa") ? " (TLS, DANE: " + checked.detail() + ")"
                            : !c.isSecure() ? "" : verdict != null && verdict.valid() ? " (TLS, certificate valid)" : " (TLS)";
                    for (int i = 0; i < rcpts.size(); i++) {
                        OutboundQueue.Recipient r = rcpts.get(i);
                        SmtpClient.Reply reply = replies.get(i);
                        log.info("queued message {} to {} via {}{}: {}", e.id(), r.address(), host, security, reply);
                        // RFC 3461 §6.2.3.2: a server without DSN takes over silently; SUCCESS then gets "relayed" from here.
                        notices.addAll(finish(e, List.of(r), reply.toString(), reply.permanent(), reply.positive(), !dsn));
                    }
                    return notices;
                } catch (IOException ex) {
                    lastError = "451 4.4.1 " + host + ": " + ex.getMessage();
                    log.info("queued message {}: {} failed: {}", e.id(), address, ex.getMessage());
                    if (rule.counted()) count(domain, rule.type(), rule.text(), host, ip, TlsRpt.Result.VALIDATION_FAILURE, String.valueOf(ex.getMessage()));
                }
            }
        }
        return finish(e, rcpts, lastError, false, false, true);
    }

    /**
     * An MX host's TLSA records (RFC 7672 §2.2.2).
     *
     * @param bogus why validation failed, or null
     */
    private record Tlsa(List<Dane.Tlsa> records, String bogus, String base) {
        static final Tlsa NONE = new Tlsa(List.of(), null, "");

        /** The records as TLS-RPT's policy-string lists them. */
        String text() {
            StringBuilder b = new StringBuilder();
            for (Dane.Tlsa t : records) b.append(base).append(" IN TLSA ").append(t).append('\n');
            return b.toString();
        }
    }

    /** The TLSA records of a host whose name and addresses are secure; secure ones only count (§2.2). */
    private Tlsa tlsa(String host) {
        String base = "_" + options.port() + "._tcp." + host; // RFC 7672 §2.2.3 (the port is 25 but in tests)
        SecureDns.Answer t = dane.query(base, org.xbill.DNS.Type.TLSA);
        if (t.security() == SecureDns.Security.BOGUS) return new Tlsa(List.of(), "TLSA records of " + host + ": " + t.why(), "");
        if (t.security() != SecureDns.Security.SECURE) return Tlsa.NONE;
        List<Dane.Tlsa> records = new ArrayList<>();
        for (org.xbill.DNS.Record r : t.records()) {
            if (r instanceof org.xbill.DNS.TLSARecord x) {
                records.add(new Dane.Tlsa(x.getCertificateUsage(), x.getSelector(), x.getMatchingType(), x.getCertificateAssociationData()));
            }
        }
        return new Tlsa(records, null, base + ".");
    }

    /**
     * What the destination asks of the TLS session with one host: DANE (its TLSA records), an
     * MTA-STS policy, or nothing (opportunistic TLS). {@code type} is TLS-RPT's policy type, "" for none.
     */
    private record Rule(String type, Tlsa tlsa, MtaSts.Policy sts) {
        static final Rule NONE = new Rule("", Tlsa.NONE, null);

        static Rule dane(Tlsa t) {
            return new Rule("tlsa", t, null);
        }

        static Rule sts(MtaSts.Policy p) {
            return new Rule("sts", Tlsa.NONE, p);
        }

        /** Whether sessions under it are counted for TLS-RPT. */
        boolean counted() {
            return !type.isEmpty();
        }

        /** Whether a failed check stops delivery to the host: DANE always (RFC 7672 §2.2), MTA-STS in enforce mode (RFC 8461 §5). */
        boolean binding() {
            return type.equals("tlsa") || (sts != null && sts.mode() == MtaSts.Mode.ENFORCE);
        }

        /** The policy as TLS-RPT's policy-string gives it. */
        String text() {
            return sts != null ? sts.text() : tlsa.text();
        }

        String requirement(String domain) {
            return type.equals("tlsa") ? "its TLSA records require TLS with a matching certificate (DANE)"
                    : "the MTA-STS policy of " + domain + " requires TLS with a valid certificate";
        }

        /** The session's outcome under the rule (a failure with an RFC 8460 result type, or a match). */
        Dane.Outcome check(OutboundTls.Verdict verdict, SmtpClient c, String host, String domain) {
            if (type.isEmpty()) return new Dane.Outcome(null, "");
            if (verdict == null) return new Dane.Outcome(TlsRpt.Result.STARTTLS_NOT_SUPPORTED, host + " offered no STARTTLS");
            if (sts != null) return new Dane.Outcome(verdict.failure(), verdict.detail()); // RFC 8461 §4.2: WebPKI, the MX host's name
            // RFC 7672 §2.2: a usable record must match; with none usable (§3.1.3), TLS alone will do.
            if (tlsa.records().stream().noneMatch(Dane.Tlsa::usable)) return new Dane.Outcome(null, "no usable TLSA record: TLS unauthenticated");
            return Dane.check(tlsa.records(), c.peerCertificates(), List.of(host, domain));
        }
    }

    /** Counts one session with {@code domain}'s MX hosts under a policy for the day's TLS-RPT report (RFC 8460 §4). */
    private void count(String domain, String type, String policyText, String host, String ip, TlsRpt.Result failure, String detail) {
        try {
            transport.count(new TransportSecurity.Tally(java.time.LocalDate.now(java.time.ZoneOffset.UTC), domain, type, host, ip,
                    failure == null ? "" : failure.token(), policyText, failure == null ? "" : detail, 1));
        } catch (RuntimeException ex) {
            log.warn("TLS session with {} not counted for the report: {}", domain, ex.getMessage());
        }
    }

    /** Records one outcome for the recipients; returns the notices they asked for (RFC 3461 NOTIFY). */
    private List<Bounce.Line> finish(OutboundQueue.Entry e, List<OutboundQueue.Recipient> rcpts, String reply,
                                     boolean permanent, boolean delivered, boolean lastHop) {
        List<Bounce.Line> notices = new ArrayList<>();
        Instant now = Instant.now();
        for (OutboundQueue.Recipient r : rcpts) {
            // One line per recipient and attempt (issue #21): what the other server said.
            boolean gone = !delivered && (permanent || now.plus(options.delayAfter(r.attempts() + 1)).isAfter(e.created().plus(options.lifetime())));
            log.atInfo().addKeyValue("id", e.id()).addKeyValue("from", e.sender()).addKeyValue("to", r.address()).addKeyValue("attempt", r.attempts() + 1)
                    .addKeyValue("outcome", delivered ? "delivered" : gone ? "failed" : "deferred").addKeyValue("reply", reply).log("outbound attempt");
            if (delivered) {
                queue.record(r.id(), State.DELIVERED, now, reply);
                if (lastHop && r.target().wants("SUCCESS")) notices.add(new Bounce.Line(r.target(), "relayed", "2.0.0", reply));
                continue;
            }
            Instant next = now.plus(options.delayAfter(r.attempts() + 1));
            boolean expired = next.isAfter(e.created().plus(options.lifetime()));
            if (permanent || expired) {
                String why = permanent ? reply : "4.4.7 delivery time expired; last reply: " + reply;
                queue.record(r.id(), State.FAILED, now, why);
                if (r.target().wants("FAILURE")) notices.add(new Bounce.Line(r.target(), "failed", permanent ? Bounce.status(reply, true) : "5.4.7", why));
            } else {
                queue.record(r.id(), State.QUEUED, next, reply);
                boolean late = options.delayNotice() != null && !now.isBefore(e.created().plus(options.delayNotice()));
                if (late && !r.delayNotified() && r.target().wants("DELAY")) {
                    queue.delayNotified(r.id()); // told once
                    notices.add(new Bounce.Line(r.target(), "delayed", Bounce.status(reply, false), reply));
                }
            }
        }
        return notices;
    }

    @Override
    public void close() {
        running = false;
        wake();
        if (loop != null) loop.interrupt();
        workers.shutdown();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
