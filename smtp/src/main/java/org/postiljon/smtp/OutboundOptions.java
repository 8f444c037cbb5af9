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
 */
public record OutboundOptions(String hostname, InetSocketAddress dns, int port, InetSocketAddress smarthost, String smarthostUser,
                              String smarthostPassword, Duration lifetime, Duration retryBase, Duration retryMax, int perDomain,
                              Duration timeout, Duration delayNotice) {

    public static OutboundOptions defaults(String hostname) {
        return new OutboundOptions(hostname, null, 25, null, null, null, Duration.ofDays(5), Duration.ofMinutes(5),
                Duration.ofHours(4), 4, Duration.ofMinutes(5), Duration.ofHours(4));
    }

    /** The delay before attempt {@code attempts + 1}. */
    Duration delayAfter(int attempts) {
        long ms = retryBase.toMillis() << Math.min(Math.max(attempts - 1, 0), 20);
        return Duration.ofMillis(Math.min(ms, retryMax.toMillis()));
    }
}
