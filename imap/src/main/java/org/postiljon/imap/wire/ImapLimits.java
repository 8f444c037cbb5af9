package org.postiljon.imap.wire;

import java.time.Duration;

/**
 * Every bound of an IMAP session, with its reason.
 *
 * @param maxLineBytes              64 KiB; RFC 7162 §4 asks for at least 8 KiB, and long UID sets need more
 * @param maxLiteralBytesBeforeAuth 8 KiB; nothing before login needs more
 * @param maxLiteralBytes           100 KiB for literals other than APPEND's message
 * @param maxMessageBytes           APPEND: streamed to the blob store, never held in memory
 * @param maxBadCommands            BAD replies in a row before BYE
 * @param maxNesting                parentheses in SEARCH and FETCH
 * @param idleBeforeAuth            autologout before authentication (RFC 9051 §5.4: at least 30 min after)
 * @param idleAfterAuth             autologout after authentication
 */
public record ImapLimits(int maxLineBytes, int maxLiteralBytesBeforeAuth, int maxLiteralBytes, long maxMessageBytes,
                         int maxBadCommands, int maxNesting, Duration idleBeforeAuth, Duration idleAfterAuth) {

    public static final ImapLimits DEFAULT = new ImapLimits(64 * 1024, 8 * 1024, 100 * 1024, 50L * 1024 * 1024,
            10, 32, Duration.ofSeconds(60), Duration.ofMinutes(30));

    public ImapLimits withMaxMessageBytes(long bytes) {
        return new ImapLimits(maxLineBytes, maxLiteralBytesBeforeAuth, maxLiteralBytes, bytes, maxBadCommands, maxNesting,
                idleBeforeAuth, idleAfterAuth);
    }
}
