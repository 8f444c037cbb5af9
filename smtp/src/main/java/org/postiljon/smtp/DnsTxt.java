package org.postiljon.smtp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.postiljon.mailauth.KeyLookup;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/** TXT records from the DNS (dnsjava), for DKIM keys: each record's strings joined (RFC 6376 §3.6.2.2). */
public final class DnsTxt implements KeyLookup {

    /** A DKIM check must not hold a sender's DATA reply for long. */
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final Resolver resolver;

    /** @param server a DNS server to ask (tests, split DNS); null for the system's resolvers */
    public DnsTxt(InetSocketAddress server) {
        this.resolver = server == null ? Lookup.getDefaultResolver() : new SimpleResolver(server);
        if (server != null) this.resolver.setTimeout(TIMEOUT);
    }

    @Override
    public List<String> txt(String name) throws TemporaryFailure {
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name.endsWith(".") ? name : name + "."), Type.TXT);
        } catch (TextParseException e) {
            return List.of();
        }
        lookup.setResolver(resolver);
        Record[] answers = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> {
                List<String> out = new ArrayList<>();
                for (Record r : answers) if (r instanceof TXTRecord t) out.add(String.join("", t.getStrings()));
                yield out;
            }
            case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> List.of();
            default -> throw new TemporaryFailure("DNS lookup for " + name + " failed: " + lookup.getErrorString());
        };
    }
}
