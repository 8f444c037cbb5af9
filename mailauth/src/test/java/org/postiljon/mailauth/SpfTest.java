package org.postiljon.mailauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SPF on the examples of RFC 7208: the zone of Appendix A with each record of A.1 to A.4, the
 * macro expansions of §7.4 (seen as the names the check asks the DNS for), and the limits of
 * §4.6.4. The check against an independent implementation (python3-spf) over a real DNS server
 * is SpfInteropTest in the smtp module.
 */
class SpfTest {

    /** A zone in memory that notes every question; names in {@code failing} give a DNS error. */
    static final class Zone implements Dns {
        final Map<String, List<String>> txt = new HashMap<>();
        final Map<String, List<String>> a = new HashMap<>();
        final Map<String, List<String>> aaaa = new HashMap<>();
        final Map<String, List<String>> mx = new HashMap<>();
        final Map<String, List<String>> ptr = new HashMap<>();
        final List<String> failing = new ArrayList<>();
        final List<String> asked = new ArrayList<>();

        Zone add(Map<String, List<String>> type, String name, String... values) {
            type.computeIfAbsent(name, k -> new ArrayList<>()).addAll(List.of(values));
            return this;
        }

        private List<String> get(Map<String, List<String>> type, String kind, String name) throws TemporaryFailure {
            asked.add(kind + " " + name);
            if (failing.contains(name)) throw new TemporaryFailure("SERVFAIL for " + name);
            return type.getOrDefault(name, List.of());
        }

        @Override
        public List<String> txt(String name) throws TemporaryFailure {
            return get(txt, "TXT", name);
        }

        @Override
        public List<InetAddress> addresses(String name, boolean ipv6) throws TemporaryFailure {
            List<InetAddress> out = new ArrayList<>();
            for (String s : get(ipv6 ? aaaa : a, ipv6 ? "AAAA" : "A", name)) out.add(ip(s));
            return out;
        }

        @Override
        public List<String> mx(String name) throws TemporaryFailure {
            return get(mx, "MX", name);
        }

        @Override
        public List<String> ptr(InetAddress address) throws TemporaryFailure {
            return get(ptr, "PTR", address.getHostAddress());
        }
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** RFC 7208 Appendix A's zone, without example.com's TXT record (each test puts its own). */
    static Zone appendixA() {
        Zone z = new Zone();
        z.add(z.a, "example.com", "192.0.2.10", "192.0.2.11").add(z.a, "amy.example.com", "192.0.2.65")
                .add(z.a, "bob.example.com", "192.0.2.66").add(z.a, "mail-a.example.com", "192.0.2.129")
                .add(z.a, "mail-b.example.com", "192.0.2.130").add(z.a, "www.example.com", "192.0.2.10", "192.0.2.11")
                .add(z.a, "mail-c.example.org", "192.0.2.140")
                .add(z.mx, "example.com", "mail-a.example.com", "mail-b.example.com").add(z.mx, "example.org", "mail-c.example.org")
                .add(z.ptr, "192.0.2.10", "example.com").add(z.ptr, "192.0.2.11", "example.com").add(z.ptr, "192.0.2.65", "amy.example.com")
                .add(z.ptr, "192.0.2.66", "bob.example.com").add(z.ptr, "192.0.2.129", "mail-a.example.com")
                .add(z.ptr, "192.0.2.130", "mail-b.example.com").add(z.ptr, "192.0.2.140", "mail-c.example.org")
                .add(z.ptr, "10.0.0.4", "bob.example.com");
        return z;
    }

    static final List<String> CLIENTS = List.of("192.0.2.10", "192.0.2.11", "192.0.2.65", "192.0.2.66", "192.0.2.129", "192.0.2.130",
            "192.0.2.131", "192.0.2.140", "192.0.2.143", "192.0.2.144", "10.0.0.4");

    /** Which of {@link #CLIENTS} pass with example.com's record {@code record} (the others: the result named). */
    static void passes(String record, SpfResult.Status others, String... passing) {
        Zone z = appendixA();
        z.add(z.txt, "example.com", record);
        for (String client : CLIENTS) {
            SpfResult r = Spf.check(ip(client), "someone@example.com", "mail.example.net", z);
            SpfResult.Status expected = List.of(passing).contains(client) ? SpfResult.Status.PASS : others;
            assertEquals(expected, r.status(), record + " for " + client + ": " + r.reason());
        }
    }

    @Test
    void theSimpleExamplesOfAppendixA1() {
        passes("v=spf1 +all", SpfResult.Status.PASS, CLIENTS.toArray(String[]::new));
        passes("v=spf1 a -all", SpfResult.Status.FAIL, "192.0.2.10", "192.0.2.11");
        passes("v=spf1 a:example.org -all", SpfResult.Status.FAIL);
        passes("v=spf1 mx -all", SpfResult.Status.FAIL, "192.0.2.129", "192.0.2.130");
        passes("v=spf1 mx:example.org -all", SpfResult.Status.FAIL, "192.0.2.140");
        passes("v=spf1 mx mx:example.org -all", SpfResult.Status.FAIL, "192.0.2.129", "192.0.2.130", "192.0.2.140");
        passes("v=spf1 mx/30 mx:example.org/30 -all", SpfResult.Status.FAIL, "192.0.2.129", "192.0.2.130", "192.0.2.131",
                "192.0.2.140", "192.0.2.143");
        // ptr: names whose A records lead back to the client; 10.0.0.4's PTR name does not.
        passes("v=spf1 ptr -all", SpfResult.Status.FAIL, "192.0.2.10", "192.0.2.11", "192.0.2.65", "192.0.2.66", "192.0.2.129", "192.0.2.130");
        passes("v=spf1 ip4:192.0.2.128/28 -all", SpfResult.Status.FAIL, "192.0.2.129", "192.0.2.130", "192.0.2.131", "192.0.2.140", "192.0.2.143");
        passes("v=spf1 ?all", SpfResult.Status.NEUTRAL);
        passes("v=spf1 ~all", SpfResult.Status.SOFTFAIL);
        passes("v=spf1 ip4:192.0.2.10", SpfResult.Status.NEUTRAL, "192.0.2.10"); // §4.7: nothing matched
    }

    @Test
    void includeAndRedirectFollowTheOtherDomainsRecordA2() {
        Zone z = appendixA();
        z.add(z.txt, "example.com", "v=spf1 include:example.org -all");
        z.add(z.txt, "example.org", "v=spf1 ip4:192.0.2.140 -all");
        assertEquals(SpfResult.Status.PASS, Spf.check(ip("192.0.2.140"), "a@example.com", "h.test", z).status());
        // include: the other domain's fail is "no match" here, so the outer -all decides.
        assertEquals(SpfResult.Status.FAIL, Spf.check(ip("192.0.2.10"), "a@example.com", "h.test", z).status());

        Zone r = appendixA();
        r.add(r.txt, "example.com", "v=spf1 redirect=_spf.example.org");
        r.add(r.txt, "_spf.example.org", "v=spf1 mx:example.org ~all");
        assertEquals(SpfResult.Status.PASS, Spf.check(ip("192.0.2.140"), "a@example.com", "h.test", r).status());
        assertEquals(SpfResult.Status.SOFTFAIL, Spf.check(ip("192.0.2.10"), "a@example.com", "h.test", r).status());

        // An include of a domain without a record, and a redirect to one: permerror (§5.2, §6.1).
        Zone none = appendixA();
        none.add(none.txt, "example.com", "v=spf1 include:example.net -all");
        assertEquals(SpfResult.Status.PERMERROR, Spf.check(ip("192.0.2.10"), "a@example.com", "h.test", none).status());
        none.txt.put("example.com", List.of("v=spf1 redirect=example.net"));
        assertEquals(SpfResult.Status.PERMERROR, Spf.check(ip("192.0.2.10"), "a@example.com", "h.test", none).status());
        // §6.1: with "all" in the record, redirect is ignored.
        none.txt.put("example.com", List.of("v=spf1 redirect=example.net ?all"));
        assertEquals(SpfResult.Status.NEUTRAL, Spf.check(ip("192.0.2.10"), "a@example.com", "h.test", none).status());
    }

    @Test
    void multipleRequirementsA4() {
        Zone z = appendixA();
        z.add(z.txt, "example.com", "v=spf1 -include:ip4._spf.%{d} -include:ptr._spf.%{d} +all");
        z.add(z.txt, "ip4._spf.example.com", "v=spf1 -ip4:192.0.2.0/24 +all");
        // A.4 writes "-ptr +all", whose ptr checks names under ptr._spf.example.com (the current domain); the names meant are example.com's.
        z.add(z.txt, "ptr._spf.example.com", "v=spf1 -ptr:example.com +all");
        // Outside 192.0.2.0/24 the first include passes, so its "-" fails the client.
        assertEquals(SpfResult.Status.FAIL, Spf.check(ip("10.0.0.4"), "a@example.com", "h.test", z).status());
        // Inside it, with a validated name in example.com: both includes fail, +all passes.
        assertEquals(SpfResult.Status.PASS, Spf.check(ip("192.0.2.65"), "a@example.com", "h.test", z).status());
        // Inside it, with a PTR name elsewhere: the ptr include passes, "-" fails it.
        assertEquals(SpfResult.Status.FAIL, Spf.check(ip("192.0.2.140"), "a@example.com", "h.test", z).status());
    }

    /** The name an {@code exists:} with {@code macro} asks for, the sender strong-bad@email.example.com. */
    static String expanded(String macro, String client) {
        Zone z = new Zone();
        z.add(z.txt, "email.example.com", "v=spf1 exists:" + macro + " -all");
        Spf.check(ip(client), "strong-bad@email.example.com", "mx.example.org", z);
        return z.asked.stream().filter(q -> q.startsWith("A ")).findFirst().map(q -> q.substring(2)).orElse("(none: " + z.asked + ")");
    }

    @Test
    void macrosExpandAsSection74Shows() {
        String ip = "192.0.2.3";
        assertEquals("strong-bad@email.example.com", expanded("%{s}", ip));
        assertEquals("email.example.com", expanded("%{o}", ip));
        assertEquals("email.example.com", expanded("%{d}", ip));
        assertEquals("email.example.com", expanded("%{d4}", ip));
        assertEquals("email.example.com", expanded("%{d3}", ip));
        assertEquals("example.com", expanded("%{d2}", ip));
        assertEquals("com", expanded("%{d1}.x.test", ip).substring(0, 3));
        assertEquals("com.example.email", expanded("%{dr}", ip));
        assertEquals("example.email", expanded("%{d2r}", ip));
        assertEquals("strong-bad.x.test", expanded("%{l}.x.test", ip));
        assertEquals("strong.bad.x.test", expanded("%{l-}.x.test", ip));
        assertEquals("bad.strong.x.test", expanded("%{lr-}.x.test", ip));
        assertEquals("strong.x.test", expanded("%{l1r-}.x.test", ip));
        assertEquals("3.2.0.192.in-addr._spf.example.com", expanded("%{ir}.%{v}._spf.%{d2}", ip));
        assertEquals("bad.strong.lp._spf.example.com", expanded("%{lr-}.lp._spf.%{d2}", ip));
        assertEquals("bad.strong.lp.3.2.0.192.in-addr._spf.example.com", expanded("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", ip));
        assertEquals("3.2.0.192.in-addr.strong.lp._spf.example.com", expanded("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", ip));
        assertEquals("example.com.trusted-domains.example.net", expanded("%{d2}.trusted-domains.example.net", ip));
        assertEquals("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
                expanded("%{ir}.%{v}._spf.%{d2}", "2001:db8::cb01"));
        // An upper-case letter URL-escapes; %% %_ %- are literals.
        assertEquals("strong-bad%40email.example.com.x.test", expanded("%{S}.x.test", ip));
    }

    @Test
    void brokenRecordsArePermanentErrorsBeforeAnythingIsLookedUp() {
        for (String record : List.of("v=spf1 ip4:192.0.2.300 -all", "v=spf1 ip4:192.0.2.1/33", "v=spf1 a:example.com/24//129",
                "v=spf1 frobnicate -all", "v=spf1 all:x", "v=spf1 include", "v=spf1 exists:%{q}.example.com", "v=spf1 exists:%{d0}.x.test",
                "v=spf1 redirect=a.test redirect=b.test", "v=spf1 a:example.c0m1-", "v=spf1 ip6:zz::1 -all", "v=spf1 a:%{c}.x.test")) {
            Zone z = new Zone();
            z.add(z.txt, "example.com", "v=spf1 a -all"); // would be asked if the record were evaluated at all
            z.add(z.txt, "broken.test", record);
            SpfResult r = Spf.check(ip("192.0.2.10"), "x@broken.test", "h.test", z);
            assertEquals(SpfResult.Status.PERMERROR, r.status(), record);
            assertEquals(List.of("TXT broken.test"), z.asked, "§4.6: a syntax error anywhere stops the check before any lookup: " + record);
        }
        Zone two = new Zone();
        two.add(two.txt, "two.test", "v=spf1 -all", "v=spf1 +all", "v=spf10 ignored", "something else");
        assertEquals(SpfResult.Status.PERMERROR, Spf.check(ip("192.0.2.10"), "x@two.test", "h.test", two).status(), "two SPF records");
        Zone none = new Zone();
        none.add(none.txt, "none.test", "v=spf10 +all", "google-site-verification=x");
        assertEquals(SpfResult.Status.NONE, Spf.check(ip("192.0.2.10"), "x@none.test", "h.test", none).status());
        // Unknown modifiers are ignored; mechanism names are case-insensitive.
        Zone mod = appendixA();
        mod.add(mod.txt, "example.com", "V=SPF1 future=%{d}.x IP4:192.0.2.10 -ALL");
        assertEquals(SpfResult.Status.PASS, Spf.check(ip("192.0.2.10"), "x@example.com", "h.test", mod).status());
    }

    @Test
    void lookupsAreBoundedAsSection464Says() {
        // Each include asks the DNS: the eleventh is a permerror, however the chain is made.
        Zone chain = new Zone();
        for (int i = 0; i < 12; i++) chain.add(chain.txt, "d" + i + ".test", "v=spf1 include:d" + (i + 1) + ".test -all");
        SpfResult r = Spf.check(ip("192.0.2.1"), "x@d0.test", "h.test", chain);
        assertEquals(SpfResult.Status.PERMERROR, r.status());
        assertTrue(r.reason().contains("more than 10 DNS lookups"), r.reason());

        // A record that includes itself ends the same way, not in a loop.
        Zone loop = new Zone();
        loop.add(loop.txt, "loop.test", "v=spf1 include:loop.test -all");
        assertEquals(SpfResult.Status.PERMERROR, Spf.check(ip("192.0.2.1"), "x@loop.test", "h.test", loop).status());

        // Three lookups that find nothing: permerror (void lookup limit 2).
        Zone voids = new Zone();
        voids.add(voids.txt, "void.test", "v=spf1 a:n1.void.test a:n2.void.test a:n3.void.test -all");
        r = Spf.check(ip("192.0.2.1"), "x@void.test", "h.test", voids);
        assertEquals(SpfResult.Status.PERMERROR, r.status());
        assertTrue(r.reason().contains("found nothing"), r.reason());

        // More than ten MX names for one mx mechanism.
        Zone many = new Zone();
        many.add(many.txt, "many.test", "v=spf1 mx -all");
        for (int i = 0; i < 11; i++) many.add(many.mx, "many.test", "mx" + i + ".many.test");
        assertEquals(SpfResult.Status.PERMERROR, Spf.check(ip("192.0.2.1"), "x@many.test", "h.test", many).status());
    }

    @Test
    void dnsErrorsAreTemporaryAndTheNullSenderIsCheckedByHelo() {
        Zone z = appendixA();
        z.add(z.txt, "example.com", "v=spf1 a:down.test -all");
        z.failing.add("down.test");
        assertEquals(SpfResult.Status.TEMPERROR, Spf.check(ip("192.0.2.10"), "a@example.com", "h.test", z).status());
        z.failing.add("example.com");
        assertEquals(SpfResult.Status.TEMPERROR, Spf.check(ip("192.0.2.10"), "a@example.com", "h.test", z).status());

        // §2.4: MAIL FROM:<> is checked as postmaster@ the HELO name.
        Zone h = appendixA();
        h.add(h.txt, "mail-a.example.com", "v=spf1 a -all");
        SpfResult r = Spf.check(ip("192.0.2.129"), "", "mail-a.example.com", h);
        assertEquals(SpfResult.Status.PASS, r.status());
        assertEquals("helo", r.identity());
        assertEquals("postmaster@mail-a.example.com", r.checked());
        // An address literal as HELO name is no domain: none.
        assertEquals(SpfResult.Status.NONE, Spf.check(ip("192.0.2.129"), "", "[192.0.2.129]", h).status());
        // IPv6 clients match ip6 and AAAA, never ip4; an IPv4-mapped client is IPv4 (§5).
        Zone six = new Zone();
        six.add(six.txt, "six.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a:v6.six.test//64 -all");
        six.add(six.aaaa, "v6.six.test", "2001:db9:1:2::1");
        assertEquals(SpfResult.Status.PASS, Spf.check(ip("2001:db8::5"), "x@six.test", "h.test", six).status());
        assertEquals(SpfResult.Status.PASS, Spf.check(ip("2001:db9:1:2::77"), "x@six.test", "h.test", six).status());
        assertEquals(SpfResult.Status.FAIL, Spf.check(ip("2001:db9:1:3::1"), "x@six.test", "h.test", six).status());
        assertEquals(SpfResult.Status.PASS, Spf.check(ip("::ffff:192.0.2.9"), "x@six.test", "h.test", six).status());
    }
}
