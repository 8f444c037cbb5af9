package org.postiljon.testkit;

import java.util.Base64;

/** Aggregate reports as other servers send them, for the tests that read them. */
public final class SampleReports {

    private SampleReports() { }

    /** A DMARC report in the form Google sends (RFC 7489 Appendix C). */
    public static final String DMARC_XML = """
            <?xml version="1.0" encoding="UTF-8" ?>
            <feedback>
              <report_metadata>
                <org_name>google.com</org_name>
                <email>noreply-dmarc-support@google.com</email>
                <report_id>1786060800</report_id>
                <date_range><begin>1764892800</begin><end>1764979199</end></date_range>
              </report_metadata>
              <policy_published><domain>example.org</domain><adkim>r</adkim><aspf>r</aspf><p>quarantine</p><sp>quarantine</sp><pct>100</pct></policy_published>
              <record>
                <row><source_ip>192.0.2.10</source_ip><count>41</count>
                  <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated></row>
                <identifiers><header_from>example.org</header_from></identifiers>
                <auth_results><dkim><domain>example.org</domain><result>pass</result><selector>pj202612</selector></dkim>
                  <spf><domain>example.org</domain><result>pass</result></spf></auth_results>
              </record>
              <record>
                <row><source_ip>203.0.113.66</source_ip><count>3</count>
                  <policy_evaluated><disposition>quarantine</disposition><dkim>fail</dkim><spf>fail</spf></policy_evaluated></row>
                <identifiers><header_from>example.org</header_from></identifiers>
                <auth_results><spf><domain>spoofer.test</domain><result>fail</result></spf></auth_results>
              </record>
            </feedback>
            """;

    /** RFC 8460 §4.8's example, shortened. */
    public static final String TLS_JSON = """
            {"organization-name": "Company-X", "date-range": {"start-datetime": "2016-04-01T00:00:00Z", "end-datetime": "2016-04-01T23:59:59Z"},
             "contact-info": "sts-reporting@company-x.example", "report-id": "5065427c-23d3-47ca-b6e0-946ea0e8c4be",
             "policies": [{"policy": {"policy-type": "sts", "policy-string": ["version: STSv1", "mode: testing", "mx: *.mail.company-y.example",
               "max_age: 86400"], "policy-domain": "company-y.example", "mx-host": ["*.mail.company-y.example"]},
               "summary": {"total-successful-session-count": 5326, "total-failure-session-count": 303},
               "failure-details": [{"result-type": "certificate-expired", "sending-mta-ip": "2001:db8:abcd:0012::1",
                 "receiving-mx-hostname": "mx1.mail.company-y.example", "failed-session-count": 100},
                 {"result-type": "starttls-not-supported", "sending-mta-ip": "2001:db8:abcd:0013::1",
                 "receiving-mx-hostname": "mx2.mail.company-y.example", "receiving-ip": "203.0.113.56", "failed-session-count": 200},
                 {"result-type": "certificate-expired", "failed-session-count": 3}]}]}
            """;

    /** A mail carrying {@code attachment} as a part of {@code type}, as report senders write them. */
    public static String mail(String type, String fileName, byte[] attachment) {
        return "From: noreply@reporter.example\r\nTo: dmarc@example.org\r\nSubject: Report Domain: example.org\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nA report.\r\n--b\r\n"
                + "Content-Type: " + type + "; name=\"" + fileName + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(attachment) + "\r\n--b--\r\n";
    }

}
