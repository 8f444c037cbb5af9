package org.postiljon.transfer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.postiljon.mailbox.api.Flags;

/**
 * The mbox format: messages one after another, each begun by a "From " line with the envelope
 * sender and the time it arrived (asctime, UTC) and ended by an empty line. mboxrd quoting: a body
 * line that is "From " after any number of {@code >} gets one {@code >} more on writing and loses
 * one on reading (so mboxo's ">From " reads right as well). Flags travel in the header fields
 * Dovecot, mutt and Thunderbird use (Status, X-Status, X-Keywords); reading takes them out again,
 * with Dovecot's other bookkeeping fields (X-UID, X-IMAP, X-IMAPbase), as Dovecot does.
 */
final class Mbox {

    private Mbox() { }

    static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);
    private static final Set<String> BOOKKEEPING = Set.of("status", "x-status", "x-keywords", "x-uid", "x-imap", "x-imapbase");

    /** The "From " line for a message (without its line end). */
    static String fromLine(String sender, Instant arrived) {
        String s = sender == null || sender.isBlank() || sender.chars().anyMatch(Character::isWhitespace) ? "MAILER-DAEMON" : sender;
        return "From " + s + " " + ASCTIME.format(LocalDateTime.ofInstant(arrived, ZoneOffset.UTC));
    }

    /** The time on a "From " line, or null when it has none this can read. */
    static Instant arrival(String fromLine) {
        String[] w = fromLine.trim().split("\\s+");
        // From sender Wed Dec  2 15:50:01 2026 [zone]: the five words after the sender
        for (int start = 2; start + 5 <= w.length; start++) {
            String text = String.join(" ", w[start], w[start + 1], String.format("%2s", w[start + 2]), w[start + 3], w[start + 4]);
            try {
                return LocalDateTime.parse(text, ASCTIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                // not here; a sender with spaces moves the date along
            }
        }
        return null;
    }

    /** A line that would be read as a message's start, after any number of {@code >}. */
    static boolean quotedFrom(byte[] b, int start, int end) {
        int i = start;
        while (i < end && b[i] == '>') i++;
        return end - i >= 5 && b[i] == 'F' && b[i + 1] == 'r' && b[i + 2] == 'o' && b[i + 3] == 'm' && b[i + 4] == ' ';
    }

    /**
     * A message as written into an mbox: LF line endings, the flag fields added at the end of the
     * header, body lines quoted; the From line and the empty line after it are the caller's.
     */
    static byte[] write(byte[] message, Flags flags) {
        byte[] lf = Content.lf(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream(lf.length + 100);
        int headerEnd = Content.headerEnd(lf);
        boolean blank = headerEnd <= lf.length && headerEnd >= 2 && lf[headerEnd - 1] == '\n' && lf[headerEnd - 2] == '\n';
        int fieldsEnd = blank ? headerEnd - 1 : headerEnd;
        lines(lf, 0, fieldsEnd, out, false);
        if (fieldsEnd > 0 && lf[fieldsEnd - 1] != '\n') out.write('\n');
        out.writeBytes(statusFields(flags).getBytes(StandardCharsets.UTF_8));
        if (blank) out.write('\n');
        else if (headerEnd == lf.length) out.write('\n'); // no body: the header still ends
        lines(lf, headerEnd, lf.length, out, true);
        byte[] b = out.toByteArray();
        if (b.length > 0 && b[b.length - 1] != '\n') {
            out.write('\n');
            b = out.toByteArray();
        }
        return b;
    }

    private static void lines(byte[] b, int from, int to, ByteArrayOutputStream out, boolean quote) {
        int start = from;
        while (start < to) {
            int end = start;
            while (end < to && b[end] != '\n') end++;
            if (quote && quotedFrom(b, start, end)) out.write('>');
            out.write(b, start, Math.min(end + 1, to) - start);
            start = end + 1;
        }
    }

    static String statusFields(Flags flags) {
        StringBuilder b = new StringBuilder();
        b.append("Status: ").append(flags.contains(Flags.SEEN) ? "RO" : "O").append('\n');
        StringBuilder x = new StringBuilder();
        if (flags.contains(Flags.ANSWERED)) x.append('A');
        if (flags.contains(Flags.FLAGGED)) x.append('F');
        if (flags.contains(Flags.DRAFT)) x.append('T');
        if (flags.contains(Flags.DELETED)) x.append('D');
        if (!x.isEmpty()) b.append("X-Status: ").append(x).append('\n');
        List<String> keywords = flags.names().stream().filter(f -> !f.startsWith("\\")).sorted().toList();
        if (!keywords.isEmpty()) b.append("X-Keywords: ").append(String.join(" ", keywords)).append('\n');
        return b.toString();
    }

    /** One message read from an mbox: its bytes (CRLF, bookkeeping fields out, body unquoted) and its flags. */
    record Read(byte[] content, Flags flags) { }

    /** Reads the bytes between a From line and the next message's (without the separating empty line). */
    static Read read(byte[] b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + 64);
        List<String> flags = new ArrayList<>();
        int start = from;
        boolean inHeader = true, skipping = false;
        while (start < to) {
            int end = start;
            while (end < to && b[end] != '\n') end++;
            int lineEnd = end > start && b[end - 1] == '\r' ? end - 1 : end;
            if (inHeader) {
                if (lineEnd == start) {
                    inHeader = false;
                } else if ((b[start] == ' ' || b[start] == '\t') && skipping) {
                    start = end + 1;
                    continue;
                } else {
                    skipping = false;
                    String line = new String(b, start, lineEnd - start, StandardCharsets.UTF_8);
                    int colon = line.indexOf(':');
                    String name = colon > 0 ? line.substring(0, colon).strip().toLowerCase(Locale.ROOT) : "";
                    if (BOOKKEEPING.contains(name)) {
                        flagsFrom(name, line.substring(colon + 1).strip(), flags);
                        skipping = true;
                        start = end + 1;
                        continue;
                    }
                }
            }
            int s = start;
            if (!inHeader && b[s] == '>' && quotedFrom(b, s, lineEnd)) s++;
            out.write(b, s, lineEnd - s);
            if (end < to) out.writeBytes(new byte[] {'\r', '\n'});
            start = end + 1;
        }
        return new Read(out.toByteArray(), Flags.of(flags));
    }

    private static void flagsFrom(String field, String value, List<String> flags) {
        switch (field) {
            case "status" -> {
                if (value.indexOf('R') >= 0) flags.add(Flags.SEEN);
            }
            case "x-status" -> {
                if (value.indexOf('A') >= 0) flags.add(Flags.ANSWERED);
                if (value.indexOf('F') >= 0) flags.add(Flags.FLAGGED);
                if (value.indexOf('T') >= 0) flags.add(Flags.DRAFT);
                if (value.indexOf('D') >= 0) flags.add(Flags.DELETED);
            }
            case "x-keywords" -> {
                for (String k : value.split("[\\s,]+")) if (!k.isEmpty() && !k.startsWith("\\")) flags.add(k);
            }
            default -> { }
        }
    }
}
