package org.postiljon.smtp;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.postiljon.mailauth.Dkim;
import org.postiljon.mailauth.DkimResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Authentication-Results header field (RFC 8601) this server puts on mail from the world:
 * today the DKIM result of each signature (RFC 6376 §6). The authserv-id is the server's host
 * name; the field goes on top of the message, under the trace fields of the delivery.
 */
final class AuthenticationResults {

    private static final Logger log = LoggerFactory.getLogger(AuthenticationResults.class);

    private AuthenticationResults() { }

    static String of(SmtpServices svc, Spool spool) {
        List<DkimResult> dkim;
        try {
            dkim = Dkim.verify(spool::open, svc.dns(), Instant.now());
        } catch (IOException | java.io.UncheckedIOException e) {
            log.warn("DKIM check failed to read the message: {}", e.toString());
            dkim = List.of(new DkimResult(DkimResult.Status.TEMPERROR, null, null, "message unreadable"));
        }
        return field(svc.hostname(), dkim);
    }

    /** RFC 8601 §2.2: {@code authserv-id; method=result (comment) property=value ...}, one resinfo per signature. */
    static String field(String authservId, List<DkimResult> dkim) {
        StringBuilder b = new StringBuilder("Authentication-Results: ").append(authservId);
        for (DkimResult r : dkim) {
            b.append(";\r\n\tdkim=").append(r.status().word());
            if (r.reason() != null) b.append(" (").append(comment(r.reason())).append(')');
            if (r.domain() != null && r.status() != DkimResult.Status.NONE) b.append(" header.d=").append(value(r.domain()));
            if (r.selector() != null && r.status() != DkimResult.Status.NONE) b.append(" header.s=").append(value(r.selector()));
        }
        return b.append("\r\n").toString();
    }

    /** A comment's text: printable ASCII without parentheses or backslashes, bounded (it may quote what a sender wrote). */
    private static String comment(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]|[()\\\\]", "?");
        return clean.length() > 120 ? clean.substring(0, 120) + "..." : clean;
    }

    /** A property value: a token as it is, else a quoted string (RFC 2045 value). */
    private static String value(String s) {
        String clean = s.replaceAll("[^\\x21-\\x7e]", "?");
        if (clean.length() > 255) clean = clean.substring(0, 255);
        return clean.matches("[A-Za-z0-9!#$%&'*+.^_`{|}~-]+") ? clean : "\"" + clean.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
