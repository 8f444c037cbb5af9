package org.postiljon.smtp;

/** The three faces of the one SMTP engine. */
public enum Mode {
    /** Port 25: mail from the world for local recipients only; never a relay. */
    MX,
    /** Ports 587/465 (RFC 6409): authenticated users sending as themselves. */
    SUBMISSION,
    /** RFC 2033: a front MTA hands over mail for local recipients; one reply per recipient. */
    LMTP
}
