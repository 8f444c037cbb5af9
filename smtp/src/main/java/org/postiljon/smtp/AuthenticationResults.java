package org.postiljon.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import org.postiljon.mailauth.Dkim;
import org.postiljon.mailauth.DkimResult;
import org.postiljon.mailauth.Dmarc;
import org.postiljon.mailauth.DmarcResult;
import org.postiljon.mailauth.Spf;
import org.postiljon.mailauth.SpfResult;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this server finds out about mail from the world, and the Authentication-Results header
 * field (RFC 8601) that says so: SPF for the envelope sender (RFC 7208), each DKIM signature (RFC
 * 6376 §6) and DMARC for the From domain (RFC 7489), whose policy decides whether the message is
 * refused, filed as Junk or delivered. The authserv-id is the server's host name; the field goes
 * on top of the message, under the trace fields of the delivery.
 */
final class AuthenticationResults {

    private static final Logger log = LoggerFactory.getLogger(AuthenticationResults.class);

    private AuthenticationResults() { }

    /**
     * The checks' outcome.
     *
     * @param field the Authentication-Results field, with its final CRLF
     */
    record Verdict(String field, SpfResult spf, List<DkimResult> dkim, DmarcResult dmarc) { }

    static Verdict check(Session s, Spool spool) {
        SmtpServices svc = s.services;
        List<DkimResult> dkim;
        try {
            dkim = Dkim.verify(spool::open, svc.dns(), Instant.now());
        } catch (IOException | java.io.UncheckedIOException e) {
            log.warn("DKIM check failed to read the message: {}", e.toString());
            dkim = List.of(new DkimResult(DkimResult.Status.TEMPERROR, null, null, "message unreadable"));
        }
        SpfResult spf = spf(s.remoteIp(), s.envelope.from(), s.helo, svc);
        Envelope header = spool.header();
        List<String> from = header == null ? List.of()
                : header.from().stream().filter(a -> !a.isGroupMarker() && a.host() != null && !a.host().isEmpty()).map(Address::host).toList();
        DmarcResult dmarc = Dmarc.check(from, spf, dkim, svc.dns());
        return new Verdict(field(svc.hostname(), spf, dkim, dmarc), spf, dkim, dmarc);
    }

    private static SpfResult spf(String clientIp, String mailFrom, String helo, SmtpServices svc) {
        InetAddress client;
        try {
            // A literal (the socket's peer, or PROXY protocol's): no lookup happens.
            client = clientIp.matches("[0-9A-Fa-f:.]+") ? InetAddress.getByName(clientIp) : null;
        } catch (UnknownHostException e) {
            client = null;
        }
        if (client == null) return new SpfResult(SpfResult.Status.NONE, "mailfrom", mailFrom, "", "no client address");
        return Spf.check(client, mailFrom, helo, svc.dns());
    }

    /** RFC 8601 §2.2: {@code authserv-id; method=result (comment) property=value ...}, one resinfo per result. */
    static String field(String authservId, SpfResult spf, List<DkimResult> dkim, DmarcResult dmarc) {
        StringBuilder b = new StringBuilder("Authentication-Results: ").append(authservId);
        if (spf != null) {
            b.append(";\r\n\tspf=").append(spf.status().word());
            if (spf.reason() != null) b.append(" (").append(comment(spf.reason())).append(')');
            // §2.7.2: smtp.mailfrom is the checked address; for the null sender, smtp.helo is the name checked.
            if (spf.identity().equals("helo")) b.append(" smtp.helo=").append(value(spf.domain()));
            else if (spf.checked() != null && !spf.checked().isEmpty()) b.append(" smtp.mailfrom=").append(value(spf.checked()));
        }
        for (DkimResult r : dkim) {
            b.append(";\r\n\tdkim=").append(r.status().word());
            if (r.reason() != null) b.append(" (").append(comment(r.reason())).append(')');
            if (r.domain() != null && r.status() != DkimResult.Status.NONE) b.append(" header.d=").append(value(r.domain()));
            if (r.selector() != null && r.status() != DkimResult.Status.NONE) b.append(" header.s=").append(value(r.selector()));
        }
        if (dmarc != null) {
            b.append(";\r\n\tdmarc=").append(dmarc.status().word());
            String note = dmarc.policy() == null ? dmarc.reason()
                    : "p=" + dmarc.policy() + " dis=" + dmarc.disposition().name().toLowerCase(java.util.Locale.ROOT);
            if (note != null) b.append(" (").append(comment(note)).append(')');
            if (dmarc.domain() != null) b.append(" header.from=").append(value(dmarc.domain()));
        }
        return b.append("\r\n").toString();
    }

    /** A comment's text: printable ASCII without parentheses or backslashes, bounded (it may quote what a sender wrote). */
    private static String comment(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]|[()\\\\]", "?");
        return clean.length() > 120 ? clean.substring(0, 120) + "..." : clean;
    }

    /** A property value (RFC 8601 §2.2 pvalue): an address or a token as it is, else a quoted string. */
    private static String value(String s) {
        String clean = s.replaceAll("[^\\x21-\\x7e]", "?");
        if (clean.length() > 255) clean = clean.substring(0, 255);
        return clean.matches("[A-Za-z0-9!#$%&'*+.^_`{|}~-]+") || clean.matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9.-]+") ? clean
                : "\"" + clean.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
