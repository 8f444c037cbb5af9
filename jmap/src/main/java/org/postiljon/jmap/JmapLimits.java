package org.postiljon.jmap;

/**
 * The limits of RFC 8620 §2 ({@code urn:ietf:params:jmap:core} capability), each with its reason.
 *
 * @param maxSizeUpload        octets of one upload; the message size limit, since uploads become messages or attachments
 * @param maxConcurrentUpload  uploads in flight per account
 * @param maxSizeRequest       octets of one API request: generous for Email/set with inline bodies, small enough to parse in memory
 * @param maxCallsInRequest    method calls in one request
 * @param maxObjectsInGet      ids in one /get (a page of a message list is 50-200)
 * @param maxObjectsInSet      creates + updates + destroys in one /set (selecting a whole page and moving it)
 * @param maxBodyValueBytes    cap on fetched body values, whatever the client asks
 * @param maxMailboxDepth      levels of folders, as {@code MailboxName} allows
 * @param maxSizeResponse      octets of one response as it would be written, weighed before it is:
 *                             result references can repeat one value many times (a 24 KB request
 *                             once asked for 2 GB); 64 MiB holds a page of messages with their bodies
 */
public record JmapLimits(long maxSizeUpload, int maxConcurrentUpload, int maxSizeRequest, int maxCallsInRequest,
                         int maxObjectsInGet, int maxObjectsInSet, int maxBodyValueBytes, int maxMailboxDepth,
                         long maxSizeResponse) {

    public JmapLimits withMaxSizeResponse(long bytes) {
        return new JmapLimits(maxSizeUpload, maxConcurrentUpload, maxSizeRequest, maxCallsInRequest, maxObjectsInGet, maxObjectsInSet,
                maxBodyValueBytes, maxMailboxDepth, bytes);
    }

    public static JmapLimits defaults(long maxMessageBytes) {
        return new JmapLimits(maxMessageBytes, 4, 10 * 1024 * 1024, 32, 1000, 1000, 4 * 1024 * 1024, 32, 64L * 1024 * 1024);
    }
}
