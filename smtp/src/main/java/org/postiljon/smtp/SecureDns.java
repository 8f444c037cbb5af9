package org.postiljon.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNSSEC-validated lookups, as DANE needs them (RFC 7672 §2.1): dnsjava's validator checks every
 * answer of the configured resolver itself, from the DNS root's trust anchors (or the operator's),
 * so no resolver has to be trusted to have validated. An answer is secure (validated), insecure (no
 * signature chain covers it) or bogus (a chain should and does not: an attack or a broken zone).
 */
final class SecureDns {

    enum Security { SECURE, INSECURE, BOGUS }

    /**
     * An answer: the records of the asked type (empty for none), how secure, the validator's reason
     * when bogus, and whether the name does not exist (NXDOMAIN).
     */
    record Answer(Security security, List<Record> records, String why, boolean nxdomain) {
        Answer(Security security, List<Record> records, String why) {
            this(security, records, why, false);
        }
    }

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SecureDns.class);
    /** How long the check that validation works at all holds. */
    private static final Duration RECHECK = Duration.ofMinutes(10);
    private final ValidatingResolver resolver;
    private final List<String> anchorZones = new ArrayList<>();
    private volatile long checkedAt = Long.MIN_VALUE;
    private volatile boolean working;

    /**
     * @param server  the resolver to ask (it must pass DNSSEC records on: any recursive resolver does); null for the system's
     * @param anchors trust anchors (DS or DNSKEY records in zone file form); null for the root's
     */
    SecureDns(InetSocketAddress server, Path anchors) throws IOException {
        Resolver head = server == null ? new SimpleResolver() : new SimpleResolver(server);
        head.setTimeout(Duration.ofSeconds(5));
        resolver = new ValidatingResolver(head);
        resolver.setTimeout(Duration.ofSeconds(15));
        byte[] text;
        try (InputStream in = anchors == null ? SecureDns.class.getResourceAsStream("root-anchors.txt") : Files.newInputStream(anchors)) {
            if (in == null) throw new IOException("the root trust anchors are missing from the jar");
            text = in.readAllBytes();
        }
        resolver.loadTrustAnchors(new java.io.ByteArrayInputStream(text));
        for (String line : new String(text, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith(";")) anchorZones.add(l.split("\\s+")[0]);
        }
    }

    /**
     * Whether validation works at all: the trust anchors' own zones answer as secure. A resolver that
     * strips DNSSEC records would make every signed answer bogus and stop all mail to signed
     * domains; then DANE is not applied (as a sender without a validating resolver would not apply
     * it), and the operator is told.
     */
    boolean working() {
        long now = System.nanoTime();
        if (checkedAt != Long.MIN_VALUE && now - checkedAt < RECHECK.toNanos()) return working;
        boolean ok = !anchorZones.isEmpty();
        for (String zone : anchorZones.stream().distinct().toList()) {
            Answer a = query(zone, org.xbill.DNS.Type.SOA);
            if (a.security() != Security.SECURE) {
                ok = false;
                if (working || checkedAt == Long.MIN_VALUE) {
                    log.warn("DNSSEC validation does not work here ({} answers {} for {}: {}): DANE is not applied until it does; "
                            + "outbound.dns must name a resolver that passes DNSSEC records on", "the resolver", a.security(), zone, a.why());
                }
                break;
            }
        }
        working = ok;
        checkedAt = now;
        return ok;
    }

    Answer query(String name, int type) {
        Name n;
        try {
            n = Name.fromString(name.endsWith(".") ? name : name + ".");
        } catch (TextParseException e) {
            return new Answer(Security.INSECURE, List.of(), "not a name");
        }
        Message response;
        try {
            response = resolver.send(Message.newQuery(Record.newRecord(n, type, DClass.IN)));
        } catch (IOException e) {
            return new Answer(Security.BOGUS, List.of(), "no answer: " + e.getMessage());
        }
        int rcode = response.getRcode();
        if (rcode == Rcode.SERVFAIL) {
            String why = "validation failed";
            for (Record r : response.getSection(Section.ADDITIONAL)) {
                if (r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS && r instanceof TXTRecord t) why = String.join("", t.getStrings());
            }
            return new Answer(Security.BOGUS, List.of(), why);
        }
        List<Record> records = new ArrayList<>();
        if (rcode == Rcode.NOERROR) for (Record r : response.getSection(Section.ANSWER)) if (r.getType() == type) records.add(r);
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) return new Answer(Security.BOGUS, List.of(), "DNS answer " + Rcode.string(rcode));
        return new Answer(response.getHeader().getFlag(Flags.AD) ? Security.SECURE : Security.INSECURE, records, Rcode.string(rcode),
                rcode == Rcode.NXDOMAIN);
    }
}
