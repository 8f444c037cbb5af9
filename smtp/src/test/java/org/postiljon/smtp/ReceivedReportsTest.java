package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.postiljon.testkit.SampleReports;

/**
 * Reports as other servers send them: a DMARC report zipped as Google attaches it, a TLS-RPT
 * report gzipped (RFC 8460 §4.8's example), and hostile ones (an XML entity bomb, a gzip bomb).
 */
class ReceivedReportsTest {

    static byte[] zip(String name, String content) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return b.toByteArray();
    }

    static List<ReceivedReports.Report> read(String mail) throws Exception {
        return ReceivedReports.read(new ByteArrayInputStream(mail.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aZippedDmarcReportIsRead() throws Exception {
        List<ReceivedReports.Report> r = read(SampleReports.mail("application/zip", "google.com!example.org!1764892800!1764979199.zip",
                zip("google.com!example.org!1764892800!1764979199.xml", SampleReports.DMARC_XML)));
        ReceivedReports.DmarcReport d = (ReceivedReports.DmarcReport) r.getFirst();
        assertEquals("google.com", d.organization());
        assertEquals("example.org", d.domain());
        assertEquals("p=quarantine; sp=quarantine; adkim=r; aspf=r; pct=100", d.policy());
        assertEquals(44, d.messages());
        assertEquals(41, d.passed());
        assertEquals(new ReceivedReports.DmarcRow("203.0.113.66", 3, "quarantine", "fail", "fail", "example.org"), d.rows().get(1));
        assertEquals(1764892800L, d.begin().getEpochSecond());
    }

    @Test
    void aGzippedTlsReportIsRead() throws Exception {
        List<ReceivedReports.Report> r = read(SampleReports.mail("application/tlsrpt+gzip", "x.json.gz", ReportMail.gzip(SampleReports.TLS_JSON.getBytes(StandardCharsets.UTF_8))));
        ReceivedReports.TlsReport t = (ReceivedReports.TlsReport) r.getFirst();
        assertEquals("Company-X", t.organization());
        ReceivedReports.TlsPolicy p = t.policies().getFirst();
        assertEquals(new ReceivedReports.TlsPolicy("company-y.example", "sts", 5326, 303,
                Map.of("certificate-expired", 103L, "starttls-not-supported", 200L)), p);
    }

    @Test
    void hostileReportsAreNoReports() throws Exception {
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
                + "<feedback><report_metadata><org_name>&lol2;</org_name></report_metadata></feedback>";
        assertEquals(List.of(), read(SampleReports.mail("text/xml", "r.xml", bomb.getBytes(StandardCharsets.UTF_8))), "no DTD is read");
        byte[] zeros = ReportMail.gzip(new byte[17 * 1024 * 1024]);
        assertTrue(zeros.length < 100_000);
        assertEquals(List.of(), read(SampleReports.mail("application/gzip", "r.xml.gz", zeros)), "over 16 MiB unpacked: refused");
        assertEquals(List.of(), read(SampleReports.mail("application/gzip", "r.xml.gz", new byte[] {1, 2, 3})), "not gzip");
        assertEquals(List.of(), read("Subject: hello\r\n\r\nJust a mail.\r\n"));
    }
}
