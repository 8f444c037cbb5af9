package org.postiljon.web;

/**
 * Bounds of the HTTP host, so that one client or one account cannot take it for everyone.
 *
 * @param connections          HTTP and HTTPS connections in all (each listener); also the cap on
 *                             requests served at once, since each holds one virtual thread
 * @param connectionsPerIp     connections one address may hold open on one listener; more are closed
 *                             as they arrive. Browsers open about 6 per site, so 64 leaves room for
 *                             an office behind one address
 * @param streamsPerAccount    open JMAP event streams (EventSource) of one account: a tab each
 * @param streamsPerIp         open event streams from one address
 */
public record WebLimits(int connections, int connectionsPerIp, int streamsPerAccount, int streamsPerIp) {
    public static final WebLimits DEFAULT = new WebLimits(20_000, 64, 8, 32);
}
