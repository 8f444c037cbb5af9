package org.postiljon.mailauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 8461's record and policy, with its examples, and RFC 8460's reporting record. */
class MtaStsTest {

    @Test
    void theRecordAnnouncesAnIdWhenExactlyOneStsRecordIsThere() {
        // RFC 8461 §3.1's example.
        assertEquals(Optional.of("20160831085700Z"), MtaSts.announcedId(List.of("v=STSv1; id=20160831085700Z;")));
        assertEquals(Optional.of("abc"), MtaSts.announcedId(List.of("v=spf1 -all", "v=STSv1;id=abc")), "other TXT records are discarded");
        assertEquals(Optional.empty(), MtaSts.announcedId(List.of("v=STSv1; id=a;", "v=STSv1; id=b;")), "two: no policy");
        assertEquals(Optional.empty(), MtaSts.announcedId(List.of("v=STSv1;")), "no id");
        assertEquals(Optional.empty(), MtaSts.announcedId(List.of("v=STSv1; id=" + "x".repeat(33) + ";")), "id over 32 characters");
        assertEquals(Optional.empty(), MtaSts.announcedId(List.of("v=STSv1; id=2016-08-31;")), "id with punctuation");
        assertEquals(Optional.empty(), MtaSts.announcedId(List.of("v=STSv2; id=a;")));
        assertEquals("_mta-sts.example.com", MtaSts.recordName("Example.COM."));
        assertEquals("mta-sts.example.com", MtaSts.policyHost("example.com"));
    }

    @Test
    void theRfcExamplePolicyParsesAndMatchesAsSection4Says() throws MtaSts.Invalid {
        // RFC 8461 §3.2's example, with LF line ends (allowed) and an extension key (ignored).
        MtaSts.Policy p = MtaSts.parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\nmx: backupmx.example.com\n"
                + "max_age: 604800\nfuture_key: x\n");
        assertEquals(MtaSts.Mode.ENFORCE, p.mode());
        assertEquals(Duration.ofDays(7), p.maxAge());
        assertEquals(List.of("mail.example.com", "*.example.net", "backupmx.example.com"), p.mx());
        assertTrue(p.allows("mail.example.com"));
        assertTrue(p.allows("MAIL.Example.com."), "case and the root dot do not count");
        assertTrue(p.allows("mx1.example.net"), "§4.1: the wildcard is one label");
        assertFalse(p.allows("a.mx1.example.net"), "§4.1: not two");
        assertFalse(p.allows("example.net"), "nor none");
        assertFalse(p.allows("mail.example.org"));
        assertEquals("version: STSv1", p.lines().getFirst());
    }

    @Test
    void aBrokenPolicyIsRefusedWithAReason() {
        assertEquals("no version", assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("mode: enforce\nmx: a.example\nmax_age: 1\n")).getMessage());
        assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n"));
        assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n"));
        assertEquals("no mx", assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("version: STSv1\nmode: testing\nmax_age: 1\n")).getMessage());
        assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n"));
        assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\nmode: none\n"));
        assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n"));
        assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("<html>Not found</html>"));
        assertThrows(MtaSts.Invalid.class, () -> MtaSts.parse("version: STSv1\nmode: none\nmax_age: 1\n" + "x: y\n".repeat(20_000)), "over 64 KiB");
    }

    @Test
    void modeNoneNeedsNoMxAndMaxAgeIsCappedAtAYear() throws MtaSts.Invalid {
        assertEquals(MtaSts.Mode.NONE, MtaSts.parse("version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n").mode());
        assertEquals(Duration.ofSeconds(MtaSts.MAX_AGE_LIMIT), MtaSts.parse("version: STSv1\nmode: none\nmax_age: 9999999999\n").maxAge());
    }

    @Test
    void whatThisServerServesParsesBack() throws MtaSts.Invalid {
        String text = MtaSts.render(MtaSts.Mode.TESTING, List.of("mail.example.org", "*.mx.example.org"), Duration.ofDays(7));
        MtaSts.Policy p = MtaSts.parse(text);
        assertEquals(MtaSts.Mode.TESTING, p.mode());
        assertTrue(p.allows("a.mx.example.org"));
        assertTrue(text.endsWith("max_age: 604800\r\n"), text);
    }

    @Test
    void theReportingRecordListsMailtoAndHttpsAddresses() {
        // RFC 8460 §3.1's examples.
        assertEquals(List.of("mailto:reports@example.com"), TlsRpt.reportAddresses(List.of("v=TLSRPTv1; rua=mailto:reports@example.com")));
        assertEquals(List.of("https://reporting.example.com/v1/tlsrpt"), TlsRpt.reportAddresses(List.of("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt")));
        assertEquals(List.of("mailto:a@example.com", "https://r.example.com/"),
                TlsRpt.reportAddresses(List.of("v=TLSRPTv1;rua=mailto:a@example.com, https://r.example.com/, ftp://x")));
        assertEquals(List.of(), TlsRpt.reportAddresses(List.of("v=TLSRPTv1; rua=mailto:a@x", "v=TLSRPTv1; rua=mailto:b@x")), "two: none");
        assertEquals("_smtp._tls.example.com", TlsRpt.recordName("example.com"));
        assertEquals("certificate-host-mismatch", TlsRpt.Result.CERTIFICATE_HOST_MISMATCH.token());
    }
}
