/**
 * The HTTP host: JMAP and the webmail on Jetty 12 with virtual threads (decision 0008).
 *
 * <p>Invariants: a password is accepted only over TLS, or over plain HTTP from loopback when
 * {@code auth.plaintext-on-loopback} allows it, and every attempt passes the shared
 * {@code AuthThrottle}. A cookie session changes nothing without its CSRF header. Pages carry a
 * CSP without inline script; downloads carry {@code Content-Security-Policy: sandbox}. Handlers
 * never hold a lock while writing; the event stream only queues in the change listener and writes
 * from the request's own thread.
 */
package org.postiljon.web;
