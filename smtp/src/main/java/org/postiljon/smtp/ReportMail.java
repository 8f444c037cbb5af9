package org.postiljon.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * The mail an aggregate report travels in (DMARC, RFC 7489 §7.2.1.1; TLS-RPT, RFC 8460 §5.3): a
 * short text and the gzipped report as an attachment, the Subject both RFCs ask for. The DKIM
 * signature both RFCs ask for is added by {@link Reports}, which signs whatever leaves for other servers.
 */
public final class ReportMail {

    /**
     * Who reports.
     *
     * @param organization the reports' organization name
     * @param from         the From address; the reports are DKIM-signed with its domain's key
     * @param contact      the contact the reports give (an address or URI)
     */
    public record Reporter(String organization, String from, String contact) {

        /** The domain of {@link #from}: the reports' "submitter". */
        String submitter() {
            return from.substring(from.indexOf('@') + 1);
        }
    }

    /**
     * What one report mail holds.
     *
     * @param contentType the message's top Content-Type (with its boundary parameter left for this class to add)
     * @param headers     further header fields, each ending in CRLF
     * @param attachment  the report (not yet gzipped) and its type and file name (ending in .gz)
     */
    record Report(String kind, String domain, String reportId, String contentType, String headers, String text, String attachmentType,
                  String fileName, byte[] attachment) { }

    private ReportMail() { }

    static String newReportId(String submitter, java.time.LocalDate day) {
        return day + "." + UUID.randomUUID() + "@" + submitter;
    }

    static byte[] gzip(byte[] data) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
                z.write(data);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("gzip in memory failed", e);
        }
    }

    /** The report mail to {@code to} (signed on its way out by {@link Reports}, with the key of the From domain). */
    static byte[] build(Reporter reporter, Report r, String to) {
        String boundary = "=_report_" + UUID.randomUUID();
        String submitter = reporter.submitter();
        StringBuilder b = new StringBuilder()
                .append("From: ").append(reporter.organization().replaceAll("[\"\\\\\r\n<>]", "")).append(' ').append(r.kind()).append(" reports <")
                .append(reporter.from()).append(">\r\n")
                .append("To: <").append(to).append(">\r\n")
                .append("Subject: Report Domain: ").append(r.domain()).append(" Submitter: ").append(submitter).append(" Report-ID: <")
                .append(r.reportId()).append(">\r\n")
                .append(r.headers())
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n")
                .append("Message-ID: <").append(r.reportId()).append(">\r\n")
                .append("Auto-Submitted: auto-generated\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: ").append(r.contentType()).append("; boundary=\"").append(boundary).append("\"\r\n\r\n")
                .append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").append(r.text()).append("\r\n\r\n")
                .append("--").append(boundary).append("\r\nContent-Type: ").append(r.attachmentType()).append("\r\n")
                .append("Content-Disposition: attachment; filename=\"").append(r.fileName()).append("\"\r\n")
                .append("Content-Transfer-Encoding: base64\r\n\r\n")
                .append(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gzip(r.attachment()))).append("\r\n")
                .append("--").append(boundary).append("--\r\n");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
