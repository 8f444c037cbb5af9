package org.postiljon.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.QuotaUsage;

/**
 * The message that tells a user their mailbox is filling up, from a template per language
 * ({@code quota-warning.<locale>.txt} next to this class: a {@code Subject:} line, a blank line,
 * the body; {@code {percent}}, {@code {used}}, {@code {limit}} and {@code {address}} are replaced).
 * An operator translates by adding a file and a value to {@code locale}'s allowed list.
 */
final class QuotaWarnings {

    byte[] compose(EmailAddress to, String locale, int percent, QuotaLimits limits, QuotaUsage usage, Instant now) {
        String template = template(locale);
        boolean bytes = limits.storageBytes().isPresent()
                && (limits.messages().isEmpty() || usage.bytes() * 100 / Math.max(1, limits.storageBytes().getAsLong())
                        >= usage.messages() * 100 / Math.max(1, limits.messages().getAsLong()));
        String used = bytes ? megabytes(usage.bytes()) : usage.messages() + " messages";
        String limit = bytes ? megabytes(limits.storageBytes().getAsLong()) : limits.messages().getAsLong() + " messages";
        String text = template.replace("{percent}", String.valueOf(percent)).replace("{used}", used)
                .replace("{limit}", limit).replace("{address}", to.toString());
        int split = text.indexOf("\n\n");
        String subject = text.substring(0, split).replaceFirst("^Subject: ", "");
        String body = text.substring(split + 2).replace("\n", "\r\n");
        String from = "postmaster@" + to.domain().ascii();
        String message = "From: Mail System <" + from + ">\r\n"
                + "To: <" + to + ">\r\n"
                + "Subject: " + encodedWord(subject) + "\r\n"
                + "Date: " + DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)) + "\r\n"
                + "Message-ID: <quota-" + UUID.randomUUID() + "@" + to.domain().ascii() + ">\r\n"
                + "Auto-Submitted: auto-generated\r\n" // RFC 3834: no auto-replies to this
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n" + body;
        return message.getBytes(StandardCharsets.UTF_8);
    }

    private static String megabytes(long bytes) {
        if (bytes < 1024 * 1024) return ((bytes + 1023) / 1024) + " KB";
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    /** RFC 2047 encoded word when the subject is not plain ASCII. */
    private static String encodedWord(String s) {
        if (s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) return s;
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    private static String template(String locale) {
        InputStream in = QuotaWarnings.class.getResourceAsStream("quota-warning." + locale + ".txt");
        if (in == null) in = QuotaWarnings.class.getResourceAsStream("quota-warning.en.txt");
        try (InputStream t = in) {
            return new String(t.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
