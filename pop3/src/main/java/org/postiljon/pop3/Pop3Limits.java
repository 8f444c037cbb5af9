package org.postiljon.pop3;

import java.time.Duration;

/**
 * Input bounds and timers.
 *
 * @param maxLineBytes    a command line or SASL response; RFC 2449 §4 allows 255 octets for
 *                        commands, SASL responses (base64) need more
 * @param maxBadCommands  errors in a row before the connection is closed
 * @param idleBeforeAuth  autologout before authentication
 * @param idleAfterAuth   autologout after authentication; RFC 1939 §3: at least 10 minutes
 */
public record Pop3Limits(int maxLineBytes, int maxBadCommands, Duration idleBeforeAuth, Duration idleAfterAuth) {

    public static final Pop3Limits DEFAULT = new Pop3Limits(8 * 1024, 10, Duration.ofSeconds(60), Duration.ofMinutes(10));
}
