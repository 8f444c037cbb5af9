package org.postiljon.pop3;

import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Sasl;
import org.postiljon.net.Tls;

/**
 * What POP3 sessions share.
 *
 * @param tls                 for STLS; null when the listener has no certificate
 * @param plaintextOnLoopback allow USER/PASS and AUTH PLAIN/LOGIN without TLS from 127.0.0.1 and ::1
 * @param leases              a maildrop's lock (RFC 1939 §8), in the store so every node sees it
 */
public record Pop3Services(Directory directory, Mailboxes mailboxes, Messages messages, Tls tls, Sasl sasl,
                           AuthThrottle throttle, Pop3Limits limits, boolean plaintextOnLoopback, Leases leases) { }
