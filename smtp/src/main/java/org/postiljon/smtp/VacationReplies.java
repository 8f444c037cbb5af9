package org.postiljon.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Vacation;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.Envelope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic replies while an account's owner is away (the JMAP VacationResponse), sent by the
 * rules of RFC 5230's vacation action and RFC 3834: never to the null sender, mailing lists, bulk
 * or automatic mail, other automatic responders or oneself; only when the account is named in
 * To, Cc or Bcc; one reply per sender per {@link #PERIOD}; from the null sender, so that no reply
 * ever answers a reply.
 */
final class VacationReplies {

    private static final Logger log = LoggerFactory.getLogger(VacationReplies.class);
    /** RFC 5230 §4.1: the default of :days. */
    static final Duration PERIOD = Duration.ofDays(7);
    private static final Pattern LIST_FIELD = Pattern.compile("(?:^|\\r\\n)(list-id|list-unsubscribe|list-post|list-help|list-owner|list-archive)[ \\t]*:",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PRECEDENCE = Pattern.compile("(?:^|\\r\\n)precedence[ \\t]*:[ \\t]*(bulk|list|junk)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern AUTO_SUBMITTED = Pattern.compile("(?:^|\\r\\n)auto-submitted[ \\t]*:[ \\t]*([^\\r\\n;( \\t]+)", Pattern.CASE_INSENSITIVE);

    private VacationReplies() { }

    /**
     * After a message from {@code sender} (the envelope's) was delivered to {@code accounts} as
     * {@code given}: the replies due, by the vacation responses the message's delivery read ({@code read}).
     */
    static void answer(SmtpServices svc, String sender, String given, List<Account> accounts, Spool spool, SpamFilter.Checked read) {
        for (Account a : accounts) {
            try {
                Vacation v = read.rules(a, svc.directory()).vacation();
                if (v.activeAt(Instant.now())) answer(svc, sender, given, a, v, PERIOD.toSeconds(), null, List.of(), spool);
            } catch (RuntimeException e) {
                log.warn("vacation reply from {} to {} not sent", a.address(), sender, e); // the message itself was delivered
            }
        }
    }

    /**
     * One account's reply, when the rules allow it.
     *
     * @param seconds   at most one reply per sender (and handle) in this time (RFC 5230 :days, RFC 6131 :seconds)
     * @param handle    what tells this reply from the account's others (a Sieve script's); null for the JMAP response
     * @param addresses the account's other addresses, for the To/Cc/Bcc check (Sieve's :addresses)
     */
    static void answer(SmtpServices svc, String sender, String given, Account a, Vacation v, long seconds, String handle, List<String> addresses,
                       Spool spool) {
        try {
            Optional<String> why = refusal(a, sender, given, addresses, spool);
            if (why.isPresent()) {
                log.debug("no vacation reply from {} to {}: {}", a.address(), sender, why.get());
                return;
            }
            String key = handle == null ? sender : sender + " #" + Integer.toHexString(handle.hashCode());
            if (!svc.vacations().claimReply(a, key, java.time.Duration.ofSeconds(seconds))) return; // answered within the period
            byte[] reply = reply(svc.hostname(), a.address().toString(), sender, v, spool.header());
            // Signed on its way out by Reports, with the key of the account's domain (its From).
            new Reports(svc.directory(), svc.messages(), svc.queue(), svc.queued(), svc.signingKeys()).send(sender, reply);
        } catch (RuntimeException e) {
            log.warn("vacation reply from {} to {} not sent", a.address(), sender, e); // the message itself was delivered
        }
    }

    /** Why no reply may go (RFC 5230 §4.5-4.6, RFC 3834 §2); empty when one may. */
    static Optional<String> refusal(Account a, String sender, String given, List<String> addresses, Spool spool) {
        if (sender == null || sender.isEmpty()) return Optional.of("the null sender");
        String local = sender.substring(0, Math.max(0, sender.lastIndexOf('@'))).toLowerCase(Locale.ROOT);
        if (local.startsWith("owner-") || local.endsWith("-request") || local.equals("mailer-daemon") || local.equals("listserv")
                || local.equals("majordomo")) {
            return Optional.of("a list or system address");
        }
        if (sender.equalsIgnoreCase(a.address().toString())) return Optional.of("the account's own mail");
        String head = new String(spool.head(256 * 1024), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        String header = end < 0 ? head : head.substring(0, end + 2);
        var auto = AUTO_SUBMITTED.matcher(header);
        if (auto.find() && !auto.group(1).equalsIgnoreCase("no")) return Optional.of("automatic mail (Auto-Submitted)");
        if (PRECEDENCE.matcher(header).find()) return Optional.of("bulk or list mail (Precedence)");
        if (LIST_FIELD.matcher(header).find()) return Optional.of("mailing list mail (List-*)");
        Envelope e = spool.header();
        if (e == null) return Optional.of("an unreadable header");
        boolean named = false;
        for (List<Address> field : List.of(e.to(), e.cc(), e.bcc())) {
            for (Address x : field) {
                if (x.isGroupMarker() || x.address() == null) continue;
                if (x.address().equalsIgnoreCase(a.address().toString()) || x.address().equalsIgnoreCase(given)
                        || addresses.stream().anyMatch(x.address()::equalsIgnoreCase)) {
                    named = true;
                }
            }
        }
        // §4.5: not addressed to the account (a list, a Bcc through an alias of others): no reply.
        return named ? Optional.empty() : Optional.of("the account is not in To, Cc or Bcc");
    }

    /** The reply (RFC 5230 §5): from the account, to the sender, "Auto:" and the subject, marked auto-replied. */
    static byte[] reply(String hostname, String from, String to, Vacation v, Envelope original) {
        return reply(hostname, from, to, v, original, "auto-replied (vacation)");
    }

    /** The same with another Auto-Submitted value (RFC 3834 §5). */
    static byte[] reply(String hostname, String from, String to, Vacation v, Envelope original, String autoSubmitted) {
        String subject = v.subject() != null && !v.subject().isBlank() ? v.subject()
                : "Auto: " + (original == null || original.subject() == null ? "" : original.subject());
        String text = v.textBody() != null ? v.textBody() : "I am away and will read your message when I am back.";
        StringBuilder b = new StringBuilder()
                .append("From: <").append(from).append(">\r\n")
                .append("To: <").append(to).append(">\r\n")
                .append("Subject: ").append(encoded(subject)).append("\r\n")
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n")
                .append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostname).append(">\r\n");
        String id = original == null ? null : original.messageId();
        if (id != null && id.matches("<[^<>\\s]+>")) b.append("In-Reply-To: ").append(id).append("\r\nReferences: ").append(id).append("\r\n");
        b.append("Auto-Submitted: ").append(autoSubmitted).append("\r\n").append("MIME-Version: 1.0\r\n");
        if (v.htmlBody() == null) {
            b.append(part("text/plain", text));
        } else {
            String boundary = "=_" + UUID.randomUUID();
            b.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append("\"\r\n\r\n")
                    .append("--").append(boundary).append("\r\n").append(part("text/plain", text))
                    .append("--").append(boundary).append("\r\n").append(part("text/html", v.htmlBody()))
                    .append("--").append(boundary).append("--\r\n");
        }
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One body part's fields and its UTF-8 text in base64 (safe over any server, any line length). */
    private static String part(String type, String text) {
        String b64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(text.getBytes(StandardCharsets.UTF_8));
        return "Content-Type: " + type + "; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n";
    }

    /** A header text: as it is when printable ASCII, else RFC 2047 encoded words of whole characters; never a line break. */
    static String encoded(String s) {
        String clean = s.replaceAll("[\\p{Cntrl}]", " ");
        if (clean.length() > 200) clean = clean.substring(0, 200);
        if (clean.matches("[\\x20-\\x7e]*") && !clean.contains("=?")) return clean;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < clean.length()) {
            int j = i;
            while (j < clean.length() && clean.substring(i, j + Character.charCount(clean.codePointAt(j))).getBytes(StandardCharsets.UTF_8).length <= 45) {
                j += Character.charCount(clean.codePointAt(j));
            }
            if (!out.isEmpty()) out.append("\r\n ");
            out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(clean.substring(i, j).getBytes(StandardCharsets.UTF_8))).append("?=");
            i = j;
        }
        return out.toString();
    }
}
