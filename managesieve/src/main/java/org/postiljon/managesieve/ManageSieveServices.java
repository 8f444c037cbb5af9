package org.postiljon.managesieve;

import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.SieveScripts;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Sasl;
import org.postiljon.net.Tls;

/**
 * What ManageSieve sessions share.
 *
 * @param tls                 for STARTTLS; null when the listener has no certificate
 * @param plaintextOnLoopback allow AUTHENTICATE PLAIN/LOGIN without TLS from 127.0.0.1 and ::1
 */
public record ManageSieveServices(Directory directory, SieveScripts scripts, Tls tls, Sasl sasl, AuthThrottle throttle,
                                  boolean plaintextOnLoopback) { }
