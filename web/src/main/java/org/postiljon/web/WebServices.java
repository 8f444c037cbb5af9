package org.postiljon.web;

import javax.net.ssl.SSLContext;
import org.postiljon.jmap.Jmap;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.WebSessions;
import org.postiljon.net.AuthThrottle;

/**
 * What the HTTP host needs.
 *
 * @param tls                 for the HTTPS listener; null when there is none
 * @param plaintextOnLoopback allow passwords over plain HTTP from 127.0.0.1 and ::1 (never from elsewhere)
 * @param sessions            webmail sign-ins (in the store: every node sees them)
 * @param limits              connections and event streams
 * @param clients             what mail programs are told to set themselves up (autoconfig); null: not served
 * @param archives            writes a user's whole mailbox as a zip of mbox files (the webmail's download); null: not served
 * @param admin               the admin API; null: not served
 * @param acme                the ACME HTTP-01 answers this node serves; null: none
 */
public record WebServices(Jmap jmap, Directory directory, org.postiljon.mailbox.api.TwoFactor twoFactor, AuthThrottle throttle, SSLContext tls, boolean plaintextOnLoopback,
                          WebSessions sessions, WebLimits limits, ClientSetup clients, org.postiljon.transfer.Exporter archives, AdminApi admin,
                          AcmeChallenges acme) { }
