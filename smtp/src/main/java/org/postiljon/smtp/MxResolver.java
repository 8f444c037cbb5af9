package org.postiljon.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Where mail for a domain goes, RFC 5321 §5.1: its MX hosts by preference, else the domain itself;
 * RFC 7505 null MX. With DNSSEC validation at hand (DANE on and working), the same answers are
 * validated and say whether they are secure (RFC 7672 §2.2.1, §2.2.2): one lookup serves both the
 * route and DANE's decision.
 */
final class MxResolver {

    /** The answer for one domain. */
    sealed interface Route {
        /**
         * Hosts to try in this order.
         *
         * @param secure whether the MX answer was DNSSEC-validated (DANE may apply to its hosts)
         */
        record Hosts(List<String> names, boolean secure) implements Route { }

        /** RFC 7505: the domain accepts no mail. */
        record NullMx() implements Route { }

        /**
         * No answer: {@code temporary} for a DNS failure worth retrying, else the domain does not exist.
         *
         * @param bogus the answer failed DNSSEC validation (RFC 7672 §2.2.1: not used)
         */
        record Unresolved(boolean temporary, String why, boolean bogus) implements Route { }
    }

    /**
     * A host's addresses.
     *
     * @param security how the answers validated (INSECURE without validation)
     */
    record Addresses(List<InetAddress> list, SecureDns.Security security, String why) { }

    private final Resolver resolver;
    /** Validated lookups; null when DANE is off. */
    private final SecureDns secure;

    /**
     * @param server a DNS server to ask (tests, split DNS); null for the system's resolvers
     * @param secure validated lookups for DANE; null for plain ones
     */
    MxResolver(InetSocketAddress server, SecureDns secure) {
        this.resolver = server == null ? Lookup.getDefaultResolver() : new SimpleResolver(server);
        this.secure = secure;
    }

    /** Whether answers are validated now (DANE on, and validation working with the resolver). */
    private boolean validating() {
        return secure != null && secure.working();
    }

    Route route(String domain) {
        if (validating()) {
            SecureDns.Answer a = secure.query(domain, Type.MX);
            if (a.security() == SecureDns.Security.BOGUS) {
                return new Route.Unresolved(true, "the MX records of " + domain + " fail DNSSEC validation: " + a.why(), true);
            }
            if (a.nxdomain()) return new Route.Unresolved(false, "domain " + domain + " does not exist", false);
            boolean isSecure = a.security() == SecureDns.Security.SECURE;
            return a.records().isEmpty() ? new Route.Hosts(List.of(domain), isSecure) : hosts(domain, a.records().toArray(Record[]::new), isSecure);
        }
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(domain.endsWith(".") ? domain : domain + "."), Type.MX);
        } catch (TextParseException e) {
            return new Route.Unresolved(false, "invalid domain " + domain, false);
        }
        lookup.setResolver(resolver);
        lookup.setCache(null); // every attempt asks again: TTLs are the DNS server's business
        Record[] answers = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> hosts(domain, answers, false);
            case Lookup.TYPE_NOT_FOUND -> new Route.Hosts(List.of(domain), false); // §5.1: no MX, the domain's own address
            case Lookup.HOST_NOT_FOUND -> new Route.Unresolved(false, "domain " + domain + " does not exist", false);
            default -> new Route.Unresolved(true, "DNS lookup for " + domain + " failed: " + lookup.getErrorString(), false);
        };
    }

    static Route hosts(String domain, Record[] answers, boolean secure) {
        List<MXRecord> mx = new ArrayList<>();
        for (Record r : answers) if (r instanceof MXRecord m) mx.add(m);
        // RFC 7505 §3: a single MX with the root as target means "no mail here".
        if (mx.size() == 1 && mx.getFirst().getTarget().equals(Name.root)) return new Route.NullMx();
        mx.sort(Comparator.comparingInt(MXRecord::getPriority));
        List<String> names = new ArrayList<>();
        for (MXRecord m : mx) if (!m.getTarget().equals(Name.root)) names.add(m.getTarget().toString(true));
        return names.isEmpty() ? new Route.Hosts(List.of(domain), secure) : new Route.Hosts(names, secure);
    }

    /** A host's addresses (A, then AAAA) through the same resolver; validated when DANE is on. */
    Addresses addresses(String host) {
        List<InetAddress> out = new ArrayList<>();
        if (validating()) {
            SecureDns.Security worst = SecureDns.Security.SECURE;
            for (int type : new int[] {Type.A, Type.AAAA}) {
                SecureDns.Answer a = secure.query(host, type);
                if (a.security() == SecureDns.Security.BOGUS) return new Addresses(List.of(), SecureDns.Security.BOGUS, a.why());
                if (a.security() == SecureDns.Security.INSECURE) worst = SecureDns.Security.INSECURE;
                add(a.records(), out);
            }
            return new Addresses(out, worst, "");
        }
        for (int type : new int[] {Type.A, Type.AAAA}) {
            try {
                Lookup l = new Lookup(Name.fromString(host.endsWith(".") ? host : host + "."), type);
                l.setResolver(resolver);
                l.setCache(null);
                Record[] rs = l.run();
                if (rs != null) add(List.of(rs), out);
            } catch (TextParseException e) {
                break;
            }
        }
        return new Addresses(out, SecureDns.Security.INSECURE, "");
    }

    private static void add(List<Record> records, List<InetAddress> out) {
        for (Record r : records) {
            if (r instanceof ARecord a) out.add(a.getAddress());
            if (r instanceof AAAARecord a) out.add(a.getAddress());
        }
    }
}
