package org.postiljon.smtp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postiljon.mailauth.Dns;
import org.postiljon.mailauth.MtaSts;
import org.postiljon.mailauth.TlsRpt;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.SigningKeys;
import org.postiljon.mailbox.api.TransportSecurity;

/**
 * Sends the daily TLS-RPT aggregate reports (RFC 8460): for each domain this server delivered to
 * under a policy on a UTC day, once the day is over, the sessions' outcomes as the JSON of §4,
 * gzipped, in a multipart/report mail (§5.3) to the "mailto:" addresses of the domain's
 * {@code _smtp._tls} record, DKIM-signed with the From domain's key. One node sends (a lease); a
 * day's counts are forgotten once its report is queued, or after a week when it cannot be.
 */
public final class TlsReports extends DailyReports<TransportSecurity.Tally> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TransportSecurity counts;

    public TlsReports(TransportSecurity counts, Dns dns, SigningKeys keys, Directory directory, Messages messages, OutboundQueue queue,
                      Runnable queued, Leases leases) {
        super("tls", dns, keys, directory, messages, queue, queued, leases);
        this.counts = counts;
    }

    @Override
    List<TransportSecurity.Tally> due(LocalDate today) {
        return counts.before(today);
    }

    @Override
    LocalDate day(TransportSecurity.Tally t) {
        return t.day();
    }

    @Override
    String domain(TransportSecurity.Tally t) {
        return t.policyDomain();
    }

    @Override
    List<String> addresses(String domain) throws Dns.TemporaryFailure {
        return TlsRpt.reportAddresses(dns.txt(TlsRpt.recordName(domain))).stream().filter(u -> u.toLowerCase(Locale.ROOT).startsWith("mailto:"))
                .map(u -> u.substring(7)).toList();
    }

    @Override
    void forget(String domain, LocalDate day) {
        counts.forget(domain, day);
    }

    /** The report's JSON (RFC 8460 §4.4). */
    static String json(ReportMail.Reporter reporter, String domain, LocalDate day, List<TransportSecurity.Tally> tallies, String reportId) {
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
                MtaSts.lines(one.policy()).forEach(lines::add);
            }
            ArrayNode mx = policy.putArray("mx-host");
            if (one.policyType().equals("sts")) {
                for (String line : MtaSts.lines(one.policy())) if (line.startsWith("mx:")) mx.add(line.substring(3).strip());
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

    /** The report mail (RFC 8460 §5.3: its Subject and the two header fields naming the domain and the submitter), signed. */
    @Override
    byte[] message(ReportMail.Reporter reporter, String domain, LocalDate day, List<TransportSecurity.Tally> tallies, String to) {
        String submitter = reporter.submitter();
        String reportId = ReportMail.newReportId(submitter, day);
        long start = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1;
        return ReportMail.build(reporter, new ReportMail.Report("TLS", domain, reportId, "multipart/report; report-type=\"tlsrpt\"",
                "TLS-Report-Domain: " + domain + "\r\nTLS-Report-Submitter: " + submitter + "\r\n",
                "This is an aggregate TLS report (RFC 8460) from " + submitter + " on the mail it sent to " + domain + " on " + day + " (UTC).",
                "application/tlsrpt+gzip", submitter + "!" + domain + "!" + start + "!" + end + "!" + reportId.substring(0, reportId.indexOf('@')) + ".json.gz",
                json(reporter, domain, day, tallies, reportId).getBytes(StandardCharsets.UTF_8)), to);
    }
}
