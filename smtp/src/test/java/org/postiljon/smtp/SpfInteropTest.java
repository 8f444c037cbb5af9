package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postiljon.mailauth.Spf;
import org.postiljon.mailauth.SpfResult;
import org.postiljon.testkit.Dnsmasq;

/**
 * SPF results equal to an independent implementation's (Debian's python3-spf, "pyspf", strict RFC
 * 7208 mode) on a table of records served by a real DNS server (dnsmasq): every mechanism and
 * modifier, macros, IPv6, the lookup limits, broken and missing records, the null sender.
 */
class SpfInteropTest {

    /** Debian's Python, where python3-spf lives (a python3 earlier on PATH may be another). */
    static final String PYTHON = "/usr/bin/python3";

    /** Each domain's record; the client addresses below are checked against every one of them. */
    static final List<String[]> RECORDS = List.of(
            new String[] {"a.test", "v=spf1 a -all"},
            new String[] {"mx.test", "v=spf1 mx -all"},
            new String[] {"mxcidr.test", "v=spf1 mx:mx.test/24 -all"},
            new String[] {"inc.test", "v=spf1 include:a.test ~all"},
            new String[] {"red.test", "v=spf1 redirect=a.test"},
            new String[] {"cidr.test", "v=spf1 ip4:192.0.2.0/28 ip6:2001:db8::/48 -all"},
            new String[] {"ptr.test", "v=spf1 ptr -all"},
            new String[] {"ptrother.test", "v=spf1 ptr:a.test ?all"},
            new String[] {"exists.test", "v=spf1 exists:%{ir}.list.exists.test -all"},
            new String[] {"macro.test", "v=spf1 exists:%{l}.users.macro.test ~all"},
            new String[] {"aaaa.test", "v=spf1 a//64 -all"},
            new String[] {"void.test", "v=spf1 a:n1.void.test a:n2.void.test a:n3.void.test -all"},
            new String[] {"d0.test", "v=spf1 include:d1.test -all"},
            new String[] {"loop.test", "v=spf1 include:loop.test -all"},
            new String[] {"bad.test", "v=spf1 ip4:192.0.2.300 -all"},
            new String[] {"unknown.test", "v=spf1 frobnicate:x -all"},
            new String[] {"incnone.test", "v=spf1 include:none.test -all"},
            new String[] {"rednone.test", "v=spf1 redirect=none.test"},
            new String[] {"neutral.test", "v=spf1 ?all"},
            new String[] {"soft.test", "v=spf1 ip4:192.0.2.1 ~all"},
            new String[] {"case.test", "V=SPF1 A:a.test -ALL"},
            new String[] {"modifier.test", "v=spf1 future=%{d}.x ip4:192.0.2.20 exp=explain.modifier.test -all"},
            new String[] {"refused.test", "v=spf1 a:host.elsewhere.example -all"});

    static final List<String> CLIENTS = List.of("192.0.2.1", "192.0.2.2", "192.0.2.10", "192.0.2.20", "2001:db8::5", "2001:db8:1::99");

    static List<String> dnsmasqOptions() {
        List<String> o = new ArrayList<>(List.of("--local=/test/", "--local=/in-addr.arpa/", "--local=/ip6.arpa/",
                "--host-record=a.test,192.0.2.1", "--mx-host=mx.test,mail.mx.test,10", "--host-record=mail.mx.test,192.0.2.10",
                "--host-record=host.ptr.test,192.0.2.20", "--host-record=20.2.0.192.list.exists.test,127.0.0.2",
                "--host-record=alice.users.macro.test,127.0.0.2", "--host-record=aaaa.test,2001:db8:1::1"));
        // An include chain longer than the limit of ten lookups.
        for (int i = 1; i < 12; i++) o.add("--txt-record=d" + i + ".test,v=spf1 include:d" + (i + 1) + ".test -all");
        o.add("--txt-record=two.test,v=spf1 -all");
        o.add("--txt-record=two.test,v=spf1 +all");
        for (String[] r : RECORDS) o.add("--txt-record=" + r[0] + "," + r[1]);
        return o;
    }

    /** The (client, sender, helo) triples checked: every client against every record, and a few senders besides. */
    static List<String[]> cases() {
        List<String[]> out = new ArrayList<>();
        List<String> domains = new ArrayList<>(RECORDS.stream().map(r -> r[0]).toList());
        domains.addAll(List.of("two.test", "none.test"));
        for (String domain : domains) for (String client : CLIENTS) out.add(new String[] {client, "alice@" + domain, "helo.example"});
        for (String client : CLIENTS) {
            out.add(new String[] {client, "bob@macro.test", "helo.example"});
            out.add(new String[] {client, "", "a.test"}); // the null sender: postmaster@ the HELO name
            out.add(new String[] {client, "", "[192.0.2.1]"});
        }
        return out;
    }

    @Test
    void resultsEqualPyspfsOnATableOfRecords() throws Exception {
        try (Dnsmasq dns = new Dnsmasq(dnsmasqOptions().toArray(String[]::new))) {
            List<String[]> cases = cases();
            List<String> theirs = pyspf(dns, cases);
            DnsResolver resolver = new DnsResolver(dns.address);
            Set<SpfResult.Status> seen = EnumSet.noneOf(SpfResult.Status.class);
            List<String> differences = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                String[] c = cases.get(i);
                SpfResult ours = Spf.check(InetAddress.getByName(c[0]), c[1], c[2], resolver);
                seen.add(ours.status());
                if (!ours.status().word().equals(theirs.get(i))) {
                    differences.add(String.join(" ", c) + ": ours " + ours.status().word() + " (" + ours.reason() + "), pyspf " + theirs.get(i));
                }
            }
            assertEquals(List.of(), differences, "checked " + cases.size());
            assertEquals(EnumSet.allOf(SpfResult.Status.class), seen, "the table reaches every result");
        }
    }

    /** pyspf's result word for each case, asking the same dnsmasq. */
    static List<String> pyspf(Dnsmasq dns, List<String[]> cases) throws Exception {
        String script = String.join("\n",
                "import sys, spf, dns.resolver",
                "r = dns.resolver.Resolver(configure=False)",
                "r.nameservers = ['127.0.0.1']",
                "r.port = " + dns.address.getPort(),
                "r.lifetime = 5",
                "dns.resolver.default_resolver = r",
                "for line in sys.stdin:",
                "    i, s, h = line.rstrip('\\n').split('\\t')",
                "    print(spf.check2(i=i, s=s, h=h)[0], flush=True)",
                "");
        Process p = new ProcessBuilder(PYTHON, "-c", script).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (OutputStream in = p.getOutputStream()) {
            for (String[] c : cases) in.write((String.join("\t", c) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "pyspf finished");
        assertEquals(0, p.exitValue(), "pyspf ran (is python3-spf installed? ./test installs it)");
        List<String> lines = out.lines().toList();
        assertEquals(cases.size(), lines.size(), out);
        return lines;
    }
}
