package org.postiljon.mailauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DMARC decisions: alignment of SPF and DKIM with the From domain (strict and relaxed), the policy
 * for the domain and for its subdomains, testing mode, records found by the DNS tree walk
 * (DMARCbis §4.10) with its eight-query bound, and what DNS trouble and broken records give.
 */
class DmarcTest {

    static final SpfResult NO_SPF = new SpfResult(SpfResult.Status.NONE, "mailfrom", "x@elsewhere.test", "elsewhere.test", null);

    static SpfResult spfPass(String domain) {
        return new SpfResult(SpfResult.Status.PASS, "mailfrom", "bounce@" + domain, domain, null);
    }

    static List<DkimResult> dkimPass(String domain) {
        return List.of(new DkimResult(DkimResult.Status.PASS, domain, "s1", null));
    }

    static SpfTest.Zone zone(String... records) {
        SpfTest.Zone z = new SpfTest.Zone();
        for (int i = 0; i < records.length; i += 2) z.add(z.txt, "_dmarc." + records[i], records[i + 1]);
        return z;
    }

    static DmarcResult check(SpfTest.Zone z, String from, SpfResult spf, List<DkimResult> dkim) {
        return Dmarc.check(List.of(from), spf, dkim, z);
    }

    @Test
    void anAlignedPassOfEitherMethodPasses() {
        SpfTest.Zone z = zone("example.org", "v=DMARC1; p=reject; rua=mailto:d@example.org");
        assertEquals(DmarcResult.Status.PASS, check(z, "example.org", NO_SPF, dkimPass("example.org")).status());
        assertEquals(DmarcResult.Status.PASS, check(z, "example.org", spfPass("example.org"), List.of()).status());
        // Relaxed (the default): a subdomain of the same organizational domain is aligned, both ways.
        assertEquals(DmarcResult.Status.PASS, check(z, "example.org", NO_SPF, dkimPass("mail.example.org")).status());
        assertEquals(DmarcResult.Status.PASS, check(z, "example.org", spfPass("bounces.example.org"), List.of()).status());
        // A pass for another domain proves nothing about this one.
        DmarcResult r = check(z, "example.org", spfPass("example.net"), dkimPass("example.com"));
        assertEquals(DmarcResult.Status.FAIL, r.status());
        assertEquals(DmarcResult.Disposition.REJECT, r.disposition());
        assertEquals("reject", r.policy());
        // A failed or temperror signature of the right domain proves nothing either.
        r = check(z, "example.org", NO_SPF, List.of(new DkimResult(DkimResult.Status.FAIL, "example.org", "s1", "body hash did not verify")));
        assertEquals(DmarcResult.Disposition.REJECT, r.disposition());
        // A look-alike is not a subdomain.
        assertEquals(DmarcResult.Status.FAIL, check(z, "example.org", NO_SPF, dkimPass("badexample.org")).status());
    }

    /** DMARCbis np=: the policy for subdomains that do not exist (no A, AAAA or MX), sp= for those that do. */
    @Test
    void aNonExistentSubdomainGetsTheNpPolicy() {
        SpfTest.Zone z = zone("example.org", "v=DMARC1; p=none; sp=quarantine; np=reject");
        z.add(z.a, "mail.example.org", "192.0.2.1").add(z.mx, "lists.example.org", "mx.example.org").add(z.aaaa, "v6.example.org", "2001:db8::1");
        assertEquals(DmarcResult.Disposition.REJECT, check(z, "ghost.example.org", NO_SPF, List.of()).disposition(), "no such name");
        assertEquals("reject", check(z, "ghost.example.org", NO_SPF, List.of()).policy());
        for (String existing : List.of("mail.example.org", "lists.example.org", "v6.example.org")) {
            assertEquals(DmarcResult.Disposition.QUARANTINE, check(z, existing, NO_SPF, List.of()).disposition(), existing);
        }
        assertEquals(DmarcResult.Disposition.NONE, check(z, "example.org", NO_SPF, List.of()).disposition(), "the domain itself: p=");
        z.failing.add("down.example.org");
        assertEquals(DmarcResult.Disposition.QUARANTINE, check(z, "down.example.org", NO_SPF, List.of()).disposition(),
                "a DNS that does not answer: assumed to exist");
        SpfTest.Zone without = zone("example.org", "v=DMARC1; p=none; sp=quarantine");
        assertEquals(DmarcResult.Disposition.QUARANTINE, check(without, "ghost.example.org", NO_SPF, List.of()).disposition(), "no np=: sp=");
        assertEquals(DmarcResult.Status.PASS, check(z, "ghost.example.org", NO_SPF, dkimPass("example.org")).status(), "aligned mail still passes");
    }

    @Test
    void theResultCarriesThePublishedRecordAndBothAlignmentsForTheReports() {
        SpfTest.Zone z = zone("example.org", "v=DMARC1; p=quarantine; sp=reject; aspf=s; pct=0; "
                + "rua=mailto:agg@example.org!10m, https://r.example/x, mailto:other@reports.example");
        DmarcResult r = check(z, "mail.example.org", spfPass("mail.example.org"), dkimPass("example.org"));
        assertEquals(DmarcResult.Status.PASS, r.status());
        assertTrue(r.dkimAligned() && r.spfAligned(), "both checked, though one is enough");
        DmarcResult.Published p = r.published();
        assertEquals("example.org", p.domain(), "found at the organizational domain");
        assertEquals("p=quarantine; sp=reject; adkim=r; aspf=s; pct=0", p.text());
        assertEquals(List.of("agg@example.org", "other@reports.example"), p.rua(), "mailto: only, without the size limit");
        assertEquals(50, check(zone("example.org", "v=DMARC1; p=reject; pct=50"), "example.org", NO_SPF, List.of()).published().pct(),
                "pct as published (RFC 7489 Appendix C's policy_published)");
        DmarcResult none = check(z, "example.net", NO_SPF, List.of());
        assertEquals(null, none.published(), "no record, nothing to report");
    }

    @Test
    void strictAlignmentWantsTheSameName() {
        SpfTest.Zone z = zone("example.org", "v=DMARC1; p=quarantine; adkim=s; aspf=s");
        assertEquals(DmarcResult.Status.PASS, check(z, "example.org", NO_SPF, dkimPass("EXAMPLE.org")).status());
        DmarcResult r = check(z, "example.org", spfPass("bounces.example.org"), dkimPass("mail.example.org"));
        assertEquals(DmarcResult.Status.FAIL, r.status());
        assertEquals(DmarcResult.Disposition.QUARANTINE, r.disposition());
    }

    @Test
    void subdomainsTakeSpAndTestingAppliesOneStepLess() {
        SpfTest.Zone z = zone("example.org", "v=DMARC1; p=reject; sp=quarantine");
        // No record at news.example.org: the walk finds example.org's, whose sp= applies.
        DmarcResult r = check(z, "news.example.org", NO_SPF, List.of());
        assertEquals(DmarcResult.Disposition.QUARANTINE, r.disposition());
        assertEquals("quarantine", r.policy());
        assertEquals(List.of("TXT _dmarc.news.example.org", "TXT _dmarc.example.org"), z.asked);
        // Without sp=, subdomains get p=.
        assertEquals(DmarcResult.Disposition.REJECT, check(zone("example.org", "v=DMARC1; p=reject"), "a.b.example.org", NO_SPF, List.of()).disposition());
        // t=y (DMARCbis) and pct=0 (RFC 7489): the owner is testing.
        assertEquals(DmarcResult.Disposition.QUARANTINE, check(zone("example.org", "v=DMARC1; p=reject; t=y"), "example.org", NO_SPF, List.of()).disposition());
        assertEquals(DmarcResult.Disposition.NONE, check(zone("example.org", "v=DMARC1; p=quarantine; pct=0"), "example.org", NO_SPF, List.of()).disposition());
        // p=none: reported, never acted on.
        r = check(zone("example.org", "v=DMARC1; p=none"), "example.org", NO_SPF, List.of());
        assertEquals(DmarcResult.Status.FAIL, r.status());
        assertEquals(DmarcResult.Disposition.NONE, r.disposition());
    }

    @Test
    void theTreeWalkIsBoundedAndStopsAtPublicSuffixes() {
        SpfTest.Zone z = zone("example.org", "v=DMARC1; p=reject");
        String deep = "a.b.c.d.e.f.g.h.i.example.org"; // 11 labels
        assertEquals(DmarcResult.Disposition.REJECT, check(z, deep, NO_SPF, List.of()).disposition());
        assertTrue(z.asked.size() <= Dmarc.MAX_WALK, z.asked.toString());
        assertEquals("TXT _dmarc." + deep, z.asked.getFirst());
        assertEquals("TXT _dmarc.e.f.g.h.i.example.org", z.asked.get(1), "from eleven labels straight to seven");

        // psd=y marks a public suffix: its registrations are organizational domains of their own.
        SpfTest.Zone psd = zone("test", "v=DMARC1; p=reject; psd=y");
        assertEquals(DmarcResult.Status.PASS, check(psd, "shop.test", NO_SPF, dkimPass("mail.shop.test")).status());
        DmarcResult r = check(psd, "shop.test", NO_SPF, dkimPass("other.test"));
        assertEquals(DmarcResult.Disposition.REJECT, r.disposition(), "two registrations under one suffix are not aligned");
    }

    @Test
    void noRecordTroubleAndBrokenRecords() {
        DmarcResult r = check(zone(), "example.org", NO_SPF, List.of());
        assertEquals(DmarcResult.Status.NONE, r.status());
        assertEquals(DmarcResult.Disposition.NONE, r.disposition());

        SpfTest.Zone down = zone();
        down.failing.add("_dmarc.example.org");
        r = check(down, "example.org", NO_SPF, List.of());
        assertEquals(DmarcResult.Status.TEMPERROR, r.status());
        assertEquals(DmarcResult.Disposition.NONE, r.disposition(), "a DNS failure never refuses mail");

        SpfTest.Zone two = zone("example.org", "v=DMARC1; p=reject", "example.org", "v=DMARC1; p=none");
        assertEquals(DmarcResult.Status.PERMERROR, check(two, "example.org", NO_SPF, List.of()).status());

        // Not DMARC records at all: discarded (the walk goes on up).
        for (String text : List.of("v=DMARC2; p=reject", "p=reject; v=DMARC1", "v=spf1 -all", "v=DMARC1; p=reject; p=none")) {
            assertEquals(DmarcResult.Status.NONE, check(zone("example.org", text), "example.org", NO_SPF, List.of()).status(), text);
        }
        // An unknown p= is p=none.
        assertEquals(DmarcResult.Disposition.NONE, check(zone("example.org", "v=DMARC1; p=bounce"), "example.org", NO_SPF, List.of()).disposition());

        // Several From domains: the strictest outcome.
        SpfTest.Zone both = zone("example.org", "v=DMARC1; p=none", "bank.test", "v=DMARC1; p=reject");
        r = Dmarc.check(List.of("example.org", "bank.test"), NO_SPF, dkimPass("example.org"), both);
        assertEquals("bank.test", r.domain());
        assertEquals(DmarcResult.Disposition.REJECT, r.disposition());
        assertEquals(DmarcResult.Status.NONE, Dmarc.check(List.of(), NO_SPF, List.of(), both).status());
    }
}
