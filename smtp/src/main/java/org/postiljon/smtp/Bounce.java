package org.postiljon.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.postiljon.mailbox.api.OutboundQueue;

/** A delivery status notification, RFC 3464 (multipart/report, RFC 6522): failures, and successes when asked (RFC 3461). */
final class Bounce {

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    /** One recipient's line in the report: RFC 3464 §2.3 action ("failed", "delivered", "relayed") and status. */
    record Line(OutboundQueue.Target recipient, String action, String status, String diagnostic) { }

    private Bounce() { }

    /**
     * @param original the message's first bytes (all of it when {@code complete})
     * @param full     RET=FULL: return the whole message when it is complete, else its header
     */
    static byte[] build(String hostname, String sender, Instant arrival, OutboundQueue.Dsn dsn, List<Line> lines,
                        byte[] original, boolean complete, boolean full) {
        String boundary = "=_report_" + UUID.randomUUID();
        String now = DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
        boolean failure = lines.stream().anyMatch(l -> l.action().equals("failed"));
        boolean delay = lines.stream().allMatch(l -> l.action().equals("delayed"));
        StringBuilder b = new StringBuilder();
        b.append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n")
                .append("To: <").append(sender).append(">\r\n")
                .append("Subject: ").append(failure ? "Undelivered mail returned to sender"
                        : delay ? "Delayed mail (still being retried)" : "Delivery status notification").append("\r\n")
                .append("Date: ").append(now).append("\r\n")
                .append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n")
                .append("Auto-Submitted: auto-replied\r\n") // RFC 3834
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/report; report-type=delivery-status; boundary=\"").append(boundary).append("\"\r\n\r\n")
                .append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        for (Line l : lines) {
            b.append(switch (l.action()) {
                case "failed" -> "Your message could not be delivered to ";
                case "delivered" -> "Your message was delivered to ";
                case "delayed" -> "Your message has not been delivered yet (it will be tried again) to ";
                default -> "Your message was handed on, without further notices, to ";
            }).append(l.recipient().address()).append(l.diagnostic() == null ? "" : ": " + l.diagnostic()).append("\r\n");
        }
        b.append("\r\n--").append(boundary).append("\r\nContent-Type: message/delivery-status\r\n\r\n")
                .append("Reporting-MTA: dns; ").append(hostname).append("\r\n");
        if (dsn.envid() != null) b.append("Original-Envelope-Id: ").append(Xtext.decode(dsn.envid())).append("\r\n");
        b.append("Arrival-Date: ").append(DATE.format(arrival.atZone(ZoneOffset.UTC))).append("\r\n");
        for (Line l : lines) {
            b.append("\r\n");
            String orcpt = l.recipient().orcpt();
            if (orcpt != null) {
                int semi = orcpt.indexOf(';');
                b.append("Original-Recipient: ").append(orcpt, 0, semi + 1).append(' ').append(Xtext.decode(orcpt.substring(semi + 1))).append("\r\n");
            }
            b.append("Final-Recipient: rfc822; ").append(l.recipient().address()).append("\r\n")
                    .append("Action: ").append(l.action()).append("\r\n")
                    .append("Status: ").append(l.status()).append("\r\n");
            if (l.diagnostic() != null) b.append("Diagnostic-Code: smtp; ").append(l.diagnostic().replace("\r", " ").replace("\n", " ")).append("\r\n");
            b.append("Last-Attempt-Date: ").append(now).append("\r\n");
        }
        String text = new String(original, StandardCharsets.UTF_8);
        if (full && complete) {
            b.append("\r\n--").append(boundary).append("\r\nContent-Type: message/rfc822\r\n\r\n").append(text);
            if (!text.endsWith("\r\n")) b.append("\r\n");
        } else {
            int end = text.indexOf("\r\n\r\n");
            b.append("\r\n--").append(boundary).append("\r\nContent-Type: text/rfc822-headers\r\n\r\n").append(end < 0 ? text : text.substring(0, end + 2));
        }
        b.append("\r\n--").append(boundary).append("--\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The RFC 3463 code in a reply like "550 5.1.1 no such user" (made permanent for a failure); else a generic one. */
    static String status(String reply, boolean failed) {
        String[] words = reply.split(" ");
        if (words.length > 1 && words[1].matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}")) return failed ? words[1].replaceFirst("^4", "5") : words[1];
        return failed ? "5.0.0" : "4.0.0";
    }
}
