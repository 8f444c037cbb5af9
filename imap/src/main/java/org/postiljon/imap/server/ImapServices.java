package org.postiljon.imap.server;

import org.postiljon.imap.wire.ImapLimits;
import org.postiljon.mailbox.api.Acl;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.Quotas;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Sasl;
import org.postiljon.net.Tls;

/**
 * What IMAP sessions share: the mailbox model, TLS, SASL, the login throttle, limits.
 *
 * @param plaintextOnLoopback allow LOGIN and AUTH=PLAIN without TLS from 127.0.0.1 and ::1
 * @param parses              decoded envelopes and body structures, shared with the other protocols
 */
public record ImapServices(Directory directory, Mailboxes mailboxes, Messages messages, ChangeBus changes,
                           Tls tls, Sasl sasl, AuthThrottle throttle, ImapLimits limits, boolean plaintextOnLoopback,
                           RecentTracker recent, ParseCache parses, Quotas quotas, Acl acl) { }
