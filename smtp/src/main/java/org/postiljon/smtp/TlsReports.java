package org.postiljon.smtp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.postiljon.mailauth.Dns;
import org.postiljon.mailauth.TlsRpt;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.SigningKeys;
import org.postiljon.mailbox.api.TransportSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the daily TLS-RPT aggregate reports (RFC 8460): for each domain this server delivered to
 * under a policy on a UTC day, once the day is over, the sessions' outcomes as the JSON of §4,
 * gzipped, in a multipart/report mail (§5.3) to the "mailto:" addresses of the domain's
 * {@code _smtp._tls} record, DKIM-signed with the From domain's key. One node sends (a lease); a
 * day's counts are forgotten once its report is queued, or after a week when it cannot be.
 */
public final class TlsReports {

    private static final Logger log = LoggerFactory.getLogger(TlsReports.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    /** Counts of a day whose report could not be sent (no DNS answer) are kept this long. */
    private static final int KEEP_DAYS = 7;

    private final TransportSecurity counts;
    private final Dns dns;
    private final SigningKeys keys;
    private final Reports mail;
    private final Leases leases;

    /**
     * Who the reports come from (RFC 8460 §5.3).
     *
     * @param organization the "organization-name" of the reports
     * @param from         the From address; the reports are DKIM-signed with its domain's key
     * @param contact      the "contact-info" of the reports
     */
    public record Reporter(String organization, String from, String contact) { }

    public TlsReports(TransportSecurity counts, Dns dns, SigningKeys keys, Directory directory, Messages messages, OutboundQueue queue,
                      Runnable queued, Leases leases) {
        this.counts = counts;
        this.dns = dns;
        this.keys = keys;
        this.mail = new Reports(directory, messages, queue, queued);
        this.leases = leases;
    }

    /** Sends the reports of the days before {@code today} as {@code reporter}; returns how many went. */
    public int sendDue(LocalDate today, Reporter reporter) {
        Optional<Leases.Lease> lease = leases.take("tls-reports");
        if (lease.isEmpty()) return 0; // another node sends them
        try (Leases.Lease held = lease.get()) {
            Map<String, List<TransportSecurity.Tally>> byDayAndDomain = new LinkedHashMap<>();
            for (TransportSecurity.Tally t : counts.before(today)) {
                byDayAndDomain.computeIfAbsent(t.day() + " " + t.policyDomain(), k -> new ArrayList<>()).add(t);
            }
            int sent = 0;
            for (List<TransportSecurity.Tally> group : byDayAndDomain.values()) {
                if (!held.held()) break;
                TransportSecurity.Tally first = group.getFirst();
                List<String> to;
                try {
                    to = TlsRpt.reportAddresses(dns.txt(TlsRpt.recordName(first.policyDomain())));
                } catch (Dns.TemporaryFailure e) {
                    if (first.day().isBefore(today.minusDays(KEEP_DAYS))) counts.forget(first.policyDomain(), first.day());
                    continue; // asked again at the next run
                }
                List<String> mailto = to.stream().filter(u -> u.toLowerCase(Locale.ROOT).startsWith("mailto:")).map(u -> u.substring(7)).toList();
                for (String address : mailto) {
                    mail.send(address, message(reporter, first.policyDomain(), first.day(), group, address));
                    sent++;
                }
                if (!mailto.isEmpty()) {
                    log.info("TLS report for {} of {} sent to {}", first.policyDomain(), first.day(), mailto);
                }
                counts.forget(first.policyDomain(), first.day());
            }
            return sent;
        }
    }

    /** The report's JSON (RFC 8460 §4.4). */
    static String json(Reporter reporter, String domain, LocalDate day, List<TransportSecurity.Tally> tallies, String reportId) {
        ObjectNode root = JSON.createObjectNode();
        root.put("organization-name", reporter.organization());
        ObjectNode range = root.putObject("date-range");
        range.put("start-datetime", day + "T00:00:00Z");
        range.put("end-datetime", day + "T23:59:59Z");
        root.put("contact-info", reporter.contact());
        root.put("report-id", reportId);
        ArrayNode policies = root.putArray("policies");
        Map<String, List<TransportSecurity.Tally>> byPolicy = new LinkedHashMap<>();
        for (TransportSecurity.Tally t : tallies) byPolicy.computeIfAbsent(t.policyType() + "\n" + t.policy(), k -> new ArrayList<>()).add(t);
        for (List<TransportSecurity.Tally> same : byPolicy.values()) {
            TransportSecurity.Tally one = same.getFirst();
            ObjectNode p = policies.addObject();
            ObjectNode policy = p.putObject("policy");
            boolean none = one.policy().isEmpty() && one.policyType().equals("sts"); // an announced policy that could not be had
            policy.put("policy-type", none ? "no-policy-found" : one.policyType());
            if (!one.policy().isEmpty()) {
                ArrayNode lines = policy.putArray("policy-string");
                for (String line : one.policy().split("\r?\n")) if (!line.isBlank()) lines.add(line.strip());
            }
            ArrayNode mx = policy.putArray("mx-host");
            if (one.policyType().equals("sts")) {
                for (String line : one.policy().split("\r?\n")) if (line.startsWith("mx:")) mx.add(line.substring(3).strip());
            } else {
                same.stream().map(TransportSecurity.Tally::mxHost).filter(h -> !h.isEmpty()).distinct().forEach(mx::add);
            }
            policy.put("policy-domain", domain);
            long ok = same.stream().filter(TransportSecurity.Tally::successful).mapToLong(TransportSecurity.Tally::sessions).sum();
            long failed = same.stream().filter(t -> !t.successful()).mapToLong(TransportSecurity.Tally::sessions).sum();
            ObjectNode summary = p.putObject("summary");
            summary.put("total-successful-session-count", ok);
            summary.put("total-failure-session-count", failed);
            ArrayNode details = p.putArray("failure-details");
            for (TransportSecurity.Tally t : same) {
                if (t.successful()) continue;
                ObjectNode d = details.addObject();
                d.put("result-type", t.result());
                if (!t.mxHost().isEmpty()) d.put("receiving-mx-hostname", t.mxHost());
                if (!t.receivingIp().isEmpty()) d.put("receiving-ip", t.receivingIp());
                d.put("failed-session-count", t.sessions());
                if (!t.detail().isEmpty()) d.put("additional-information", t.detail());
            }
        }
        return root.toString();
    }

    /** The report mail (RFC 8460 §5.3), signed. */
    byte[] message(Reporter reporter, String domain, LocalDate day, List<TransportSecurity.Tally> tallies, String to) {
        String from = reporter.from();
        String submitter = from.substring(from.indexOf('@') + 1);
        String reportId = day + "." + UUID.randomUUID() + "@" + submitter;
        long start = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1;
        byte[] gz;
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
                z.write(json(reporter, domain, day, tallies, reportId).getBytes(StandardCharsets.UTF_8));
            }
            gz = bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("gzip in memory failed", e);
        }
        String boundary = "=_tlsrpt_" + UUID.randomUUID();
        StringBuilder b = new StringBuilder()
                .append("From: ").append(reporter.organization().replaceAll("[\"\\\\\r\n]", "")).append(" TLS reports <").append(from).append(">\r\n")
                .append("To: <").append(to).append(">\r\n")
                // §5.3: this Subject, and the two header fields naming the domain and the submitter.
                .append("Subject: Report Domain: ").append(domain).append(" Submitter: ").append(submitter).append(" Report-ID: <").append(reportId)
                .append(">\r\n")
                .append("TLS-Report-Domain: ").append(domain).append("\r\n")
                .append("TLS-Report-Submitter: ").append(submitter).append("\r\n")
                .append("Date: ").append(DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n")
                .append("Message-ID: <").append(reportId).append(">\r\n")
                .append("Auto-Submitted: auto-generated\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/report; report-type=\"tlsrpt\"; boundary=\"").append(boundary).append("\"\r\n\r\n")
                .append("--").append(boundary).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
                .append("This is an aggregate TLS report (RFC 8460) from ").append(submitter).append(" on the mail it sent to ").append(domain)
                .append(" on ").append(day).append(" (UTC).\r\n\r\n")
                .append("--").append(boundary).append("\r\nContent-Type: application/tlsrpt+gzip\r\n")
                .append("Content-Disposition: attachment; filename=\"").append(submitter).append('!').append(domain).append('!').append(start).append('!')
                .append(end).append('!').append(reportId.substring(0, reportId.indexOf('@'))).append(".json.gz\"\r\n")
                .append("Content-Transfer-Encoding: base64\r\n\r\n")
                .append(Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(gz)).append("\r\n")
                .append("--").append(boundary).append("--\r\n");
        byte[] unsigned = b.toString().getBytes(StandardCharsets.UTF_8);
        // §5.3: reports are DKIM-signed by the submitter.
        String signature = DkimSigning.field(keys, submitter, () -> new ByteArrayInputStream(unsigned));
        if (signature.isEmpty()) log.warn("TLS report to {} goes unsigned: {} has no DKIM key (postiljon dkim add {})", to, submitter, submitter);
        byte[] field = signature.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[field.length + unsigned.length];
        System.arraycopy(field, 0, out, 0, field.length);
        System.arraycopy(unsigned, 0, out, field.length, unsigned.length);
        return out;
    }
}
