package org.postiljon.smtp;

import java.nio.file.Path;
import org.postiljon.mailauth.Dns;
import org.postiljon.mailauth.Srs;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.Quotas;
import org.postiljon.mailbox.api.SendingLimits;
import org.postiljon.mailbox.api.SieveScripts;
import org.postiljon.mailbox.api.SigningKeys;
import org.postiljon.mailbox.api.Vacations;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Sasl;
import org.postiljon.net.Tls;

/**
 * What SMTP sessions share.
 *
 * @param hostname            the name in the greeting, EHLO reply and Received lines
 * @param tls                 for STARTTLS; null when there is no certificate
 * @param spool               where message data larger than memory allows waits for delivery
 * @param plaintextOnLoopback allow AUTH PLAIN/LOGIN without TLS from 127.0.0.1 and ::1 (submission)
 * @param queue               mail for other servers (submission)
 * @param queued              called after something was queued, to wake the sender
 * @param deliveries          routing and local delivery (the mailbox layer's), shared with JMAP submission
 * @param dns                 the DNS for checking DKIM, SPF and DMARC on mail arriving on port 25
 * @param signingKeys         the DKIM keys mail leaving for other servers is signed with
 * @param sendingLimits       how much each account may send to other servers (submission)
 * @param srs                 the envelope senders of forwarded mail, and the way back for their bounces
 * @param vacations           the accounts' automatic replies
 * @param sieveScripts        the accounts' Sieve scripts, run at delivery
 */
public record SmtpServices(String hostname, Directory directory, Mailboxes mailboxes, Messages messages, Tls tls, Sasl sasl,
                           AuthThrottle throttle, SmtpLimits limits, Path spool, boolean plaintextOnLoopback,
                           OutboundQueue queue, Runnable queued, Quotas quotas,
                           Deliveries deliveries, Dns dns, SigningKeys signingKeys, SendingLimits sendingLimits, Srs srs, Vacations vacations,
                           SieveScripts sieveScripts, SpamFilter spam, org.postiljon.mailbox.api.TransportSecurity reports) {

    /** The same without TLS: for a unix-domain socket, where STARTTLS is neither possible nor needed. */
    public SmtpServices withoutTls() {
        return new SmtpServices(hostname, directory, mailboxes, messages, null, sasl, throttle, limits, spool, plaintextOnLoopback, queue, queued, quotas, deliveries, dns, signingKeys, sendingLimits, srs, vacations, sieveScripts, spam, reports);
    }
}
