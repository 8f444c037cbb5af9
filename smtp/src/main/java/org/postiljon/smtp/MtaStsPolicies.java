package org.postiljon.smtp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postiljon.mailauth.Dns;
import org.postiljon.mailauth.MtaSts;
import org.postiljon.mailauth.TlsRpt;
import org.postiljon.mailbox.api.TransportSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MTA-STS policies of destination domains (RFC 8461 §5.1): announced by a TXT record, fetched
 * over HTTPS with a checked certificate, kept in the store until their max_age runs out, fetched
 * again when the record's id changes. A domain's record is looked at again at most every
 * {@link #RECHECK}; an announced policy that cannot be fetched leaves the cached one in force (so
 * blocking the fetch cannot strip a policy) and is reported (RFC 8460).
 */
final class MtaStsPolicies {

    private static final Logger log = LoggerFactory.getLogger(MtaStsPolicies.class);
    /** How long an answer (policy or none) is used before the TXT record is asked again. */
    static final Duration RECHECK = Duration.ofMinutes(5);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What applies to mail for a domain.
     *
     * @param policy  the policy in force (mode enforce or testing); empty for none
     * @param problem a fetch that failed, for the report; null for none
     */
    record Found(Optional<MtaSts.Policy> policy, OutboundTls.Verdict problem) {
        static final Found NONE = new Found(Optional.empty(), null);
    }

    private record Checked(Instant at, Found found) { }

    private final TransportSecurity cache;
    private final Dns dns;
    private final MxResolver addresses;
    private final OutboundTls tls;
    private final int port;
    private final Clock clock;
    private final Map<String, Checked> recent = new ConcurrentHashMap<>();

    /** @param port the policy hosts' HTTPS port: 443 (another only in tests) */
    MtaStsPolicies(TransportSecurity cache, Dns dns, MxResolver addresses, OutboundTls tls, int port, Clock clock) {
        this.cache = cache;
        this.dns = dns;
        this.addresses = addresses;
        this.tls = tls;
        this.port = port;
        this.clock = clock;
    }

    /** The policy for mail to {@code domain} now. */
    Found find(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Checked seen = recent.get(d);
        if (seen != null && seen.at().plus(RECHECK).isAfter(now)) return seen.found();
        Found found = look(d, now);
        recent.put(d, new Checked(now, found));
        if (recent.size() > 100_000) recent.clear(); // bounded: an answer forgotten is only asked again
        return found;
    }

    private Found look(String domain, Instant now) {
        Optional<TransportSecurity.CachedPolicy> stored = cache.policy(domain).filter(p -> p.expires().isAfter(now));
        Optional<MtaSts.Policy> cached = stored.flatMap(MtaStsPolicies::parsed);
        Optional<String> id;
        try {
            id = MtaSts.announcedId(dns.txt(MtaSts.recordName(domain)));
        } catch (Dns.TemporaryFailure e) {
            return inForce(cached, null); // §5.1: the cached policy holds while the DNS fails
        }
        // §5.1: no record (or an unchanged id) and a cached policy: the cached policy holds until it expires.
        if (id.isEmpty() || (stored.isPresent() && stored.get().id().equals(id.get()))) return inForce(cached, null);
        try {
            String text = fetch(domain);
            MtaSts.Policy policy = MtaSts.parse(text);
            cache.keep(new TransportSecurity.CachedPolicy(domain, id.get(), text, now, now.plus(policy.maxAge())));
            log.info("MTA-STS policy of {} fetched (id {}): mode {}, mx {}, max_age {} s", domain, id.get(), policy.mode().token(), policy.mx(),
                    policy.maxAge().toSeconds());
            return inForce(Optional.of(policy), null);
        } catch (MtaSts.Invalid e) {
            log.warn("MTA-STS policy of {} is invalid: {}", domain, e.getMessage());
            return inForce(cached, new OutboundTls.Verdict(TlsRpt.Result.STS_POLICY_INVALID, e.getMessage()));
        } catch (CertificateProblem e) {
            log.warn("MTA-STS policy of {} not fetched: {}", domain, e.verdict.detail());
            return inForce(cached, new OutboundTls.Verdict(TlsRpt.Result.STS_WEBPKI_INVALID, e.verdict.detail()));
        } catch (IOException e) {
            log.warn("MTA-STS policy of {} not fetched: {}", domain, e.getMessage());
            return inForce(cached, new OutboundTls.Verdict(TlsRpt.Result.STS_POLICY_FETCH_ERROR, String.valueOf(e.getMessage())));
        }
    }

    /** Mode none is no policy (RFC 8461 §5: the domain withdrew it). */
    private static Found inForce(Optional<MtaSts.Policy> p, OutboundTls.Verdict problem) {
        return new Found(p.filter(x -> x.mode() != MtaSts.Mode.NONE), problem);
    }

    private static Optional<MtaSts.Policy> parsed(TransportSecurity.CachedPolicy p) {
        try {
            return Optional.of(MtaSts.parse(p.text()));
        } catch (MtaSts.Invalid e) {
            return Optional.empty();
        }
    }

    /** The policy host's certificate did not check out (RFC 8461 §3.3: it must be valid for the host). */
    static final class CertificateProblem extends IOException {
        private static final long serialVersionUID = 1L;
        final transient OutboundTls.Verdict verdict;

        CertificateProblem(OutboundTls.Verdict verdict) {
            super(verdict.detail());
            this.verdict = verdict;
        }
    }

    /**
     * GET https://mta-sts.DOMAIN/.well-known/mta-sts.txt (RFC 8461 §3.3): HTTP/1.1, the host's
     * addresses from the same DNS as the MX lookups, a certificate valid for the host, only a 200
     * answer (redirects are not followed), the text/plain body at most 64 KiB.
     */
    String fetch(String domain) throws IOException {
        String host = MtaSts.policyHost(domain);
        List<InetAddress> found = addresses.addresses(host).list();
        if (found.isEmpty()) throw new IOException(host + " has no address");
        IOException last = null;
        for (InetAddress a : found) {
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(a, port), (int) FETCH_TIMEOUT.toMillis());
                plain.setSoTimeout((int) FETCH_TIMEOUT.toMillis());
                OutboundTls.Handshake h = tls.handshake(plain, host);
                try (Socket s = h.socket()) {
                    if (!h.verdict().valid()) throw new CertificateProblem(h.verdict());
                    return get(s, host);
                }
            } catch (CertificateProblem e) {
                throw e;
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private static String get(Socket s, String host) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + MtaSts.POLICY_PATH + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: Postiljon\r\nAccept: text/plain\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(s.getInputStream());
        String status = line(in);
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) throw new IOException("not an HTTP answer: " + abbreviate(status));
        if (!parts[1].equals("200")) throw new IOException("HTTP " + abbreviate(status.substring(parts[0].length()).strip()) + " (only 200 is a policy)");
        long length = -1;
        boolean chunked = false;
        String type = "";
        for (int n = 0; ; n++) {
            String h = line(in);
            if (h.isEmpty()) break;
            if (n > 100) throw new IOException("too many header fields");
            int colon = h.indexOf(':');
            if (colon < 0) continue;
            String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> length = parseLength(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "content-type" -> type = value.toLowerCase(Locale.ROOT);
                default -> { }
            }
        }
        // §3.3: the policy is served as text/plain.
        if (!type.startsWith("text/plain")) throw new IOException("the policy is served as " + (type.isEmpty() ? "no type" : abbreviate(type)) + ", not text/plain");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            while (true) {
                String size = line(in);
                int semi = size.indexOf(';');
                long n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                if (n == 0) break;
                copy(in, body, n);
                line(in);
            }
        } else {
            copy(in, body, length < 0 ? MtaSts.MAX_POLICY_BYTES + 1L : length);
        }
        return body.toString(StandardCharsets.UTF_8);
    }

    private static long parseLength(String v) throws IOException {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length " + abbreviate(v));
        }
    }

    /** Up to {@code n} bytes (all of them when a length was given), never over the policy limit. */
    private static void copy(InputStream in, ByteArrayOutputStream body, long n) throws IOException {
        if (body.size() + n > MtaSts.MAX_POLICY_BYTES + 1L) n = MtaSts.MAX_POLICY_BYTES + 1L - body.size();
        byte[] buf = in.readNBytes((int) Math.max(n, 0));
        body.write(buf);
        if (body.size() > MtaSts.MAX_POLICY_BYTES) throw new IOException("the policy is larger than " + MtaSts.MAX_POLICY_BYTES + " bytes");
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("connection closed in the HTTP answer");
            if (b.length() > 8192) throw new IOException("HTTP line too long");
            if (c != '\r') b.append((char) c);
        }
        return b.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
