package org.postiljon.smtp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.postiljon.mailauth.Dns;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DNS as mail authentication asks it (dnsjava): TXT records for DKIM keys, SPF and DMARC
 * (each record's strings joined, RFC 6376 §3.6.2.2 and RFC 7208 §3.3), addresses, mail
 * exchangers and reverse names for SPF. Answers are not cached here (the resolver caches).
 */
public final class DnsResolver implements Dns {

    /** A check must not hold a sender's DATA reply for long. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final Resolver resolver;

    /** @param server a DNS server to ask (tests, split DNS); null for the system's resolvers */
    public DnsResolver(InetSocketAddress server) {
        this.resolver = server == null ? Lookup.getDefaultResolver() : new SimpleResolver(server);
        if (server != null) this.resolver.setTimeout(TIMEOUT);
    }

    @Override
    public List<String> txt(String name) throws TemporaryFailure {
        List<String> out = new ArrayList<>();
        for (Record r : query(name, Type.TXT)) if (r instanceof TXTRecord t) out.add(String.join("", t.getStrings()));
        return out;
    }

    @Override
    public List<InetAddress> addresses(String name, boolean ipv6) throws TemporaryFailure {
        List<InetAddress> out = new ArrayList<>();
        for (Record r : query(name, ipv6 ? Type.AAAA : Type.A)) {
            if (r instanceof ARecord a) out.add(a.getAddress());
            else if (r instanceof AAAARecord a) out.add(a.getAddress());
        }
        return out;
    }

    @Override
    public List<String> mx(String name) throws TemporaryFailure {
        List<MXRecord> records = new ArrayList<>();
        for (Record r : query(name, Type.MX)) if (r instanceof MXRecord m && !m.getTarget().equals(Name.root)) records.add(m);
        records.sort(Comparator.comparingInt(MXRecord::getPriority));
        return records.stream().map(m -> withoutDot(m.getTarget())).toList();
    }

    @Override
    public List<String> ptr(InetAddress address) throws TemporaryFailure {
        List<String> out = new ArrayList<>();
        for (Record r : query(ReverseMap.fromAddress(address), Type.PTR)) if (r instanceof PTRRecord p) out.add(withoutDot(p.getTarget()));
        return out;
    }

    private static String withoutDot(Name n) {
        return n.toString(true);
    }

    private Record[] query(String name, int type) throws TemporaryFailure {
        try {
            return query(Name.fromString(name.endsWith(".") ? name : name + "."), type);
        } catch (TextParseException e) {
            return new Record[0]; // not a name: nothing there
        }
    }

    private Record[] query(Name name, int type) throws TemporaryFailure {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(resolver);
        lookup.setCache(null); // the resolver caches; a process-wide cache here would keep a record past a test's or an operator's change
        Record[] answers = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> answers;
            case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> new Record[0];
            default -> throw new TemporaryFailure("DNS lookup for " + withoutDot(name) + " failed: " + lookup.getErrorString());
        };
    }
}
