/**
 * What every protocol shares: listeners, TLS, bounded line reading, SASL, and the limits on
 * connections and failed logins.
 *
 * <p>Invariants:
 * <ul>
 *   <li>One virtual thread per connection, blocking I/O; the accept loop never blocks on a client.</li>
 *   <li>Every read is bounded: a line longer than the limit is consumed and reported, never buffered.</li>
 *   <li>TLS 1.2 and 1.3 only, with the JDK's AEAD cipher suites.</li>
 *   <li>A failed authentication is slowed down before its answer, by IP and by account, so
 *       guessing is slow even from many connections.</li>
 *   <li>Passwords never reach a log line.</li>
 * </ul>
 */
package org.postiljon.net;
