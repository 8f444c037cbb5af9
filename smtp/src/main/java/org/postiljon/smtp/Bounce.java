package org.postiljon.smtp;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.postiljon.mailbox.api.OutboundQueue;

/** A delivery status notification for failed recipients, RFC 3464 (multipart/report, RFC 6522). */
final class Bounce {

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private Bounce() { }

    /** The report for {@code failed} (with their last replies), quoting the original's header. */
    static byte[] build(String hostname, OutboundQueue.Entry entry, List<OutboundQueue.Recipient> failed, byte[] original) {
        String boundary = "=_bounce_" + UUID.randomUUID();
        String now = DATE.format(ZonedDateTime.now(ZoneOffset.UTC));
        StringBuilder b = new StringBuilder();
        b.append("From: Mail Delivery System <MAILER-DAEMON@").append(hostname).append(">\r\n")
                .append("To: <").append(entry.sender()).append(">\r\n")
                .append("Subject: Undelivered mail returned to sender\r\n")
                .append("Date: ").append(now).append("\r\n")
                .append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n")
                .append("Auto-Submitted: auto-replied\r\n") // RFC 3834
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/report; report-type=delivery-status; boundary=\"").append(boundary).append("\"\r\n\r\n")
                .append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
                .append("Your message could not be delivered to ").append(failed.size() == 1 ? "this recipient" : "these recipients")
                .append(":\r\n\r\n");
        for (OutboundQueue.Recipient r : failed) b.append("  ").append(r.address()).append(": ").append(r.lastReply()).append("\r\n");
        b.append("\r\n--").append(boundary).append("\r\nContent-Type: message/delivery-status\r\n\r\n")
                .append("Reporting-MTA: dns; ").append(hostname).append("\r\n")
                .append("Arrival-Date: ").append(DATE.format(entry.created().atZone(ZoneOffset.UTC))).append("\r\n");
        for (OutboundQueue.Recipient r : failed) {
            String reply = r.lastReply() == null ? "" : r.lastReply();
            b.append("\r\nFinal-Recipient: rfc822; ").append(r.address()).append("\r\n")
                    .append("Action: failed\r\n")
                    .append("Status: ").append(status(reply)).append("\r\n")
                    .append("Diagnostic-Code: smtp; ").append(reply.replace("\r", " ").replace("\n", " ")).append("\r\n")
                    .append("Last-Attempt-Date: ").append(now).append("\r\n");
        }
        b.append("\r\n--").append(boundary).append("\r\nContent-Type: text/rfc822-headers\r\n\r\n");
        b.append(header(original));
        b.append("\r\n--").append(boundary).append("--\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The RFC 3463 code in a reply like "550 5.1.1 no such user", else a generic permanent failure. */
    static String status(String reply) {
        String[] words = reply.split(" ");
        if (words.length > 1 && words[1].matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}")) return words[1].replaceFirst("^4", "5");
        return "5.0.0";
    }

    private static String header(byte[] original) {
        String head = new String(original, StandardCharsets.UTF_8);
        int end = head.indexOf("\r\n\r\n");
        return end < 0 ? head : head.substring(0, end + 2);
    }
}
