package org.postiljon.smtp;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** Where mail for a domain goes, RFC 5321 §5.1: its MX hosts by preference, else the domain itself; RFC 7505 null MX. */
final class MxResolver {

    /** The answer for one domain. */
    sealed interface Route {
        /** Hosts to try in this order. */
        record Hosts(List<String> names) implements Route { }

        /** RFC 7505: the domain accepts no mail. */
        record NullMx() implements Route { }

        /** No answer: {@code temporary} for a DNS failure worth retrying, else the domain does not exist. */
        record Unresolved(boolean temporary, String why) implements Route { }
    }

    private final Resolver resolver;

    /** @param server a DNS server to ask (tests, split DNS); null for the system's resolvers */
    MxResolver(InetSocketAddress server) {
        this.resolver = server == null ? Lookup.getDefaultResolver() : new SimpleResolver(server);
    }

    Route route(String domain) {
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(domain.endsWith(".") ? domain : domain + "."), Type.MX);
        } catch (TextParseException e) {
            return new Route.Unresolved(false, "invalid domain " + domain);
        }
        lookup.setResolver(resolver);
        lookup.setCache(null); // every attempt asks again: TTLs are the DNS server's business
        Record[] answers = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> hosts(domain, answers);
            case Lookup.TYPE_NOT_FOUND -> new Route.Hosts(List.of(domain)); // §5.1: no MX, the domain's own address
            case Lookup.HOST_NOT_FOUND -> new Route.Unresolved(false, "domain " + domain + " does not exist");
            default -> new Route.Unresolved(true, "DNS lookup for " + domain + " failed: " + lookup.getErrorString());
        };
    }

    static Route hosts(String domain, Record[] answers) {
        List<MXRecord> mx = new ArrayList<>();
        for (Record r : answers) if (r instanceof MXRecord m) mx.add(m);
        // RFC 7505 §3: a single MX with the root as target means "no mail here".
        if (mx.size() == 1 && mx.getFirst().getTarget().equals(Name.root)) return new Route.NullMx();
        mx.sort(Comparator.comparingInt(MXRecord::getPriority));
        List<String> names = new ArrayList<>();
        for (MXRecord m : mx) if (!m.getTarget().equals(Name.root)) names.add(m.getTarget().toString(true));
        return names.isEmpty() ? new Route.Hosts(List.of(domain)) : new Route.Hosts(names);
    }

    /** A host's addresses (A and AAAA) through the same resolver. */
    List<java.net.InetAddress> addresses(String host) {
        List<java.net.InetAddress> out = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            try {
                Lookup l = new Lookup(Name.fromString(host.endsWith(".") ? host : host + "."), type);
                l.setResolver(resolver);
                l.setCache(null);
                Record[] rs = l.run();
                if (rs != null) {
                    for (Record r : rs) {
                        if (r instanceof org.xbill.DNS.ARecord a) out.add(a.getAddress());
                        if (r instanceof org.xbill.DNS.AAAARecord a) out.add(a.getAddress());
                    }
                }
            } catch (TextParseException e) {
                return out;
            }
        }
        return out;
    }
}
