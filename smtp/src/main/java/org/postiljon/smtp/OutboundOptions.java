package org.postiljon.smtp;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How the outbound queue delivers.
 *
 * @param hostname          the name in EHLO and in bounces
 * @param dns               a DNS server to ask for MX records; null for the system's
 * @param port              the port of other servers: 25 (another only in tests)
 * @param smarthost         send everything through this server instead of MX lookups; null for direct
 * @param smarthostUser     AUTH PLAIN at the smarthost (only over TLS); null for none
 * @param lifetime          how long a message is retried before it bounces (default 5 days)
 * @param retryBase         the first retry delay; each further one doubles, at most {@code retryMax}
 * @param perDomain         connections to one destination domain at a time
 * @param timeout           connect and reply timeout (RFC 5321 §4.5.3.2 asks for minutes)
 * @param delayNotice       after how long a still-undelivered recipient's sender is told once (RFC 3464
 *                          "delayed", when NOTIFY allows); null for never
 * @param policyPort        the HTTPS port of MTA-STS policy hosts: 443 (another only in tests)
 * @param trustedCa         certificates (PEM) trusted besides the JDK's for MX hosts and policy hosts; null for none
 * @param dane              whether DANE (RFC 7672) applies: TLSA records of MX hosts, from DNSSEC-validated answers
 * @param dnssecAnchors     the trust anchors DNSSEC validation starts from (zone file form); null for the DNS root's
 */
public record OutboundOptions(String hostname, InetSocketAddress dns, int port, InetSocketAddress smarthost, String smarthostUser,
                              String smarthostPassword, Duration lifetime, Duration retryBase, Duration retryMax, int perDomain,
                              Duration timeout, Duration delayNotice, int policyPort, java.nio.file.Path trustedCa,
                              boolean dane, java.nio.file.Path dnssecAnchors) {

    /** Without MTA-STS port or extra trust anchors given (443, the JDK's), without DANE. */
    public OutboundOptions(String hostname, InetSocketAddress dns, int port, InetSocketAddress smarthost, String smarthostUser,
                           String smarthostPassword, Duration lifetime, Duration retryBase, Duration retryMax, int perDomain,
                           Duration timeout, Duration delayNotice) {
        this(hostname, dns, port, smarthost, smarthostUser, smarthostPassword, lifetime, retryBase, retryMax, perDomain, timeout, delayNotice,
                443, null, false, null);
    }

    public static OutboundOptions defaults(String hostname) {
        return new OutboundOptions(hostname, null, 25, null, null, null, Duration.ofDays(5), Duration.ofMinutes(5),
                Duration.ofHours(4), 4, Duration.ofMinutes(5), Duration.ofHours(4));
    }

    /** The same, with MTA-STS policies fetched from {@code port} and {@code ca} trusted too (null: the JDK's only). */
    public OutboundOptions withTransportSecurity(int port, java.nio.file.Path ca) {
        return new OutboundOptions(hostname, dns, this.port, smarthost, smarthostUser, smarthostPassword, lifetime, retryBase, retryMax, perDomain,
                timeout, delayNotice, port, ca, dane, dnssecAnchors);
    }

    /** The same, with DANE applied, DNSSEC validation starting from {@code anchors} (null: the DNS root's). */
    public OutboundOptions withDane(java.nio.file.Path anchors) {
        return new OutboundOptions(hostname, dns, port, smarthost, smarthostUser, smarthostPassword, lifetime, retryBase, retryMax, perDomain,
                timeout, delayNotice, policyPort, trustedCa, true, anchors);
    }

    /** The delay before attempt {@code attempts + 1}. */
    Duration delayAfter(int attempts) {
        long ms = retryBase.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        return Duration.ofMillis(Math.min(ms, retryMax.toMillis()));
    }
}
