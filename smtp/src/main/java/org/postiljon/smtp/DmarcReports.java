package org.postiljon.smtp;

import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.postiljon.mailauth.Dmarc;
import org.postiljon.mailauth.Dns;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.SigningKeys;
import org.postiljon.mailbox.api.TransportSecurity;
import org.postiljon.mailbox.api.TransportSecurity.DmarcTally;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the daily DMARC aggregate reports (RFC 7489 §7.2): for each DMARC record whose domain sent
 * mail here on a UTC day, once the day is over, the messages' sources and outcomes as the XML of
 * Appendix C, gzipped (§7.2.1.1), to the record's "rua" mailto: addresses; an address outside the
 * policy domain only when its domain agrees to take the reports (§7.1). One node sends (a lease); a
 * day's counts are forgotten once its reports are queued, or after a week when they cannot be.
 */
public final class DmarcReports extends DailyReports<DmarcTally> {

    private static final Logger log = LoggerFactory.getLogger(DmarcReports.class);

    private final TransportSecurity counts;

    public DmarcReports(TransportSecurity counts, Dns dns, SigningKeys keys, Directory directory, Messages messages, OutboundQueue queue,
                        Runnable queued, Leases leases) {
        super("dmarc", dns, keys, directory, messages, queue, queued, leases);
        this.counts = counts;
    }

    @Override
    List<DmarcTally> due(LocalDate today) {
        return counts.dmarcBefore(today);
    }

    @Override
    LocalDate day(DmarcTally t) {
        return t.day();
    }

    @Override
    String domain(DmarcTally t) {
        return t.policyDomain();
    }

    /** The record's rua= addresses; one outside the policy domain only when its domain agrees (RFC 7489 §7.1). */
    @Override
    List<String> addresses(String domain) throws Dns.TemporaryFailure {
        List<String> to = new ArrayList<>();
        for (String address : Dmarc.reportAddresses(domain, dns.txt("_dmarc." + domain))) {
            if (Dmarc.acceptsReports(domain, address, dns)) to.add(address);
            else log.info("DMARC report for {} not sent to {}: its domain does not agree to take them (RFC 7489 section 7.1)", domain, address);
        }
        return to;
    }

    @Override
    void forget(String domain, LocalDate day) {
        counts.forgetDmarc(domain, day);
    }

    /** The report mail (RFC 7489 §7.2.1.1: its Subject, the gzipped XML with the file name it gives), signed. */
    @Override
    byte[] message(ReportMail.Reporter reporter, String domain, LocalDate day, List<DmarcTally> tallies, String to) {
        String submitter = reporter.submitter();
        String reportId = ReportMail.newReportId(submitter, day);
        long begin = day.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1;
        return ReportMail.build(reporter, new ReportMail.Report("DMARC", domain, reportId, "multipart/mixed", "",
                "This is a DMARC aggregate report (RFC 7489) from " + submitter + " on the mail it received from " + domain + " on " + day + " (UTC).",
                "application/gzip", submitter + "!" + domain + "!" + begin + "!" + end + ".xml.gz", xml(reporter, domain, begin, end, tallies, reportId)), to);
    }

    /** RFC 7489 Appendix C's feedback document. */
    static byte[] xml(ReportMail.Reporter reporter, String domain, long begin, long end, List<DmarcTally> tallies, String reportId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            XMLStreamWriter w = XMLOutputFactory.newInstance().createXMLStreamWriter(out, "UTF-8");
            w.writeStartDocument("UTF-8", "1.0");
            w.writeStartElement("feedback");
            element(w, "version", "1.0");
            w.writeStartElement("report_metadata");
            element(w, "org_name", reporter.organization());
            element(w, "email", reporter.contact());
            element(w, "report_id", reportId);
            w.writeStartElement("date_range");
            element(w, "begin", Long.toString(begin));
            element(w, "end", Long.toString(end));
            w.writeEndElement();
            w.writeEndElement();
            Map<String, String> policy = policy(tallies.getLast().policy());
            w.writeStartElement("policy_published");
            element(w, "domain", domain);
            element(w, "adkim", policy.getOrDefault("adkim", "r"));
            element(w, "aspf", policy.getOrDefault("aspf", "r"));
            element(w, "p", policy.getOrDefault("p", "none"));
            element(w, "sp", policy.getOrDefault("sp", policy.getOrDefault("p", "none")));
            element(w, "pct", policy.getOrDefault("pct", "100"));
            w.writeEndElement();
            for (DmarcTally t : tallies) {
                w.writeStartElement("record");
                w.writeStartElement("row");
                element(w, "source_ip", t.sourceIp());
                element(w, "count", Long.toString(t.messages()));
                w.writeStartElement("policy_evaluated");
                element(w, "disposition", t.disposition());
                element(w, "dkim", t.dkimAligned() ? "pass" : "fail");
                element(w, "spf", t.spfAligned() ? "pass" : "fail");
                w.writeEndElement();
                w.writeEndElement();
                w.writeStartElement("identifiers");
                element(w, "header_from", t.headerFrom());
                w.writeEndElement();
                w.writeStartElement("auth_results");
                for (String d : t.dkim().split(";")) {
                    String[] f = d.strip().split(" ");
                    if (f.length != 3) continue;
                    w.writeStartElement("dkim");
                    element(w, "domain", f[0]);
                    if (!f[1].equals("-")) element(w, "selector", f[1]);
                    element(w, "result", f[2]);
                    w.writeEndElement();
                }
                String[] spf = t.spf().split(" ");
                w.writeStartElement("spf");
                element(w, "domain", spf.length == 3 ? spf[0] : "");
                element(w, "scope", spf.length == 3 ? spf[1] : "mfrom");
                element(w, "result", spf.length == 3 ? spf[2] : "none");
                w.writeEndElement();
                w.writeEndElement();
                w.writeEndElement();
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("XML in memory failed", e);
        }
        return out.toByteArray();
    }

    private static Map<String, String> policy(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) m.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return m;
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(text);
        w.writeEndElement();
    }
}
