package org.postiljon.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.MimeConfig;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads the aggregate reports other servers send about this server's domains: DMARC (RFC 7489
 * Appendix C XML, plain, gzipped or zipped, as the big senders attach it) and TLS-RPT (RFC 8460
 * JSON, plain or gzipped). Everything is bounded (16 MiB unpacked, 100,000 rows) and hostile input
 * is refused as not a report: no DTDs or external entities in the XML, no zip bombs.
 */
public final class ReceivedReports {

    private static final long MAX_UNPACKED = 16L * 1024 * 1024;
    private static final int MAX_ROWS = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReceivedReports() { }

    /** A report: who sent it, about which day(s). */
    public sealed interface Report permits DmarcReport, TlsReport {
        String organization();

        Instant begin();

        Instant end();
    }

    /** A DMARC aggregate report on one policy domain. */
    public record DmarcReport(String organization, String reportId, Instant begin, Instant end, String domain, String policy, List<DmarcRow> rows)
            implements Report {
        public long messages() {
            return rows.stream().mapToLong(DmarcRow::count).sum();
        }

        /** Messages that passed DMARC (an aligned DKIM or SPF pass). */
        public long passed() {
            return rows.stream().filter(r -> r.dkim().equals("pass") || r.spf().equals("pass")).mapToLong(DmarcRow::count).sum();
        }
    }

    /** One row: messages from one address with one outcome. */
    public record DmarcRow(String sourceIp, long count, String disposition, String dkim, String spf, String headerFrom) { }

    /** A TLS-RPT report. */
    public record TlsReport(String organization, String reportId, Instant begin, Instant end, List<TlsPolicy> policies) implements Report { }

    /** One policy's sessions in a TLS report, failures by result type. */
    public record TlsPolicy(String domain, String type, long successful, long failed, Map<String, Long> failures) { }

    /** The reports in one mail (none when it holds none). */
    public static List<Report> read(InputStream message) throws IOException {
        List<Report> found = new ArrayList<>();
        MimeStreamParser parser = new MimeStreamParser(MimeConfig.PERMISSIVE);
        parser.setContentDecoding(true);
        parser.setContentHandler(new AbstractContentHandler() {
            @Override
            public void body(BodyDescriptor bd, InputStream is) throws IOException {
                String type = bd.getMimeType().toLowerCase(Locale.ROOT);
                byte[] data = bounded(is);
                try {
                    readPart(type, data, found);
                } catch (IOException | RuntimeException e) {
                    // Not a report after all (or a damaged one): the mail's other parts may still be.
                }
            }
        });
        try {
            parser.parse(message);
        } catch (MimeException e) {
            throw new IOException("not a readable message: " + e.getMessage(), e);
        }
        return found;
    }

    private static void readPart(String type, byte[] data, List<Report> found) throws IOException {
        if (type.equals("application/tlsrpt+gzip")) {
            found.add(tls(gunzip(data)));
        } else if (type.equals("application/tlsrpt+json")) {
            found.add(tls(data));
        } else if (type.equals("application/gzip") || type.equals("application/x-gzip")) {
            found.add(dmarc(gunzip(data)));
        } else if (type.equals("application/zip") || type.equals("application/x-zip-compressed") || type.equals("application/x-zip")) {
            try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(data))) {
                for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                    if (e.getName().toLowerCase(Locale.ROOT).endsWith(".xml")) {
                        found.add(dmarc(bounded(z)));
                        return;
                    }
                }
            }
        } else if (type.equals("text/xml") || type.equals("application/xml")) {
            found.add(dmarc(data));
        }
    }

    private static byte[] gunzip(byte[] data) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return bounded(in);
        }
    }

    private static byte[] bounded(InputStream in) throws IOException {
        byte[] b = in.readNBytes((int) MAX_UNPACKED + 1);
        if (b.length > MAX_UNPACKED) throw new IOException("a report larger than " + MAX_UNPACKED + " bytes");
        return b;
    }

    static DmarcReport dmarc(byte[] xml) throws IOException {
        Document d;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true); // no entities, no billion laughs
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            d = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("not a DMARC report: " + e.getMessage(), e);
        }
        Element root = d.getDocumentElement();
        if (!root.getTagName().equals("feedback")) throw new IOException("not a DMARC report: <" + root.getTagName() + ">");
        Element meta = child(root, "report_metadata");
        Element range = meta == null ? null : child(meta, "date_range");
        Element published = child(root, "policy_published");
        List<DmarcRow> rows = new ArrayList<>();
        NodeList records = root.getElementsByTagName("record");
        for (int i = 0; i < records.getLength() && rows.size() < MAX_ROWS; i++) {
            Element r = (Element) records.item(i);
            Element row = child(r, "row");
            Element evaluated = row == null ? null : child(row, "policy_evaluated");
            Element ids = child(r, "identifiers");
            rows.add(new DmarcRow(text(row, "source_ip"), number(text(row, "count")), text(evaluated, "disposition"), text(evaluated, "dkim"),
                    text(evaluated, "spf"), text(ids, "header_from")));
        }
        String policy = published == null ? "" : "p=" + text(published, "p") + "; sp=" + text(published, "sp") + "; adkim=" + text(published, "adkim")
                + "; aspf=" + text(published, "aspf") + "; pct=" + text(published, "pct");
        return new DmarcReport(text(meta, "org_name"), text(meta, "report_id"), Instant.ofEpochSecond(number(text(range, "begin"))),
                Instant.ofEpochSecond(number(text(range, "end"))), text(published, "domain"), policy, rows);
    }

    static TlsReport tls(byte[] json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.has("policies")) throw new IOException("not a TLS report");
        List<TlsPolicy> policies = new ArrayList<>();
        for (JsonNode p : root.path("policies")) {
            Map<String, Long> failures = new LinkedHashMap<>();
            for (JsonNode f : p.path("failure-details")) failures.merge(f.path("result-type").asText(), f.path("failed-session-count").asLong(), Long::sum);
            policies.add(new TlsPolicy(p.at("/policy/policy-domain").asText(), p.at("/policy/policy-type").asText(),
                    p.at("/summary/total-successful-session-count").asLong(), p.at("/summary/total-failure-session-count").asLong(), failures));
        }
        return new TlsReport(root.path("organization-name").asText(), root.path("report-id").asText(), instant(root.at("/date-range/start-datetime").asText()),
                instant(root.at("/date-range/end-datetime").asText()), policies);
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private static Element child(Element e, String name) {
        if (e == null) return null;
        for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) return c;
        }
        return null;
    }

    private static String text(Element e, String name) {
        Element c = child(e, name);
        return c == null ? "" : c.getTextContent().strip();
    }

    private static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
