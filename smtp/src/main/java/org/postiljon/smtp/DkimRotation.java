package org.postiljon.smtp;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailauth.KeyLookup;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.mailbox.api.SigningKeys;
import org.postiljon.mailbox.api.SigningKeys.SigningKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates the local domains' DKIM keys on a schedule (RFC 6376 §3.6.1 leaves it to the signer;
 * M3AAWG advises every six months), in three steps that never leave mail signed with a key nobody
 * can look up:
 * <ol>
 *   <li>a signing key older than {@code rotateAfter} gets a successor of the same algorithm under
 *       a new selector, which does not sign yet; its record is logged for the operator to publish;</li>
 *   <li>once the successor's record is seen in the DNS with its public key, it signs, and the old
 *       key retires (its record must stay published: mail it signed is still travelling);</li>
 *   <li>a key retired more than {@code retireAfter} ago is removed, and the operator told that its
 *       record can go.</li>
 * </ol>
 * One node runs it (a lease).
 */
public final class DkimRotation {

    private static final Logger log = LoggerFactory.getLogger(DkimRotation.class);
    private static final DateTimeFormatter SELECTOR_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final Directory directory;
    private final SigningKeys keys;
    private final KeyLookup dns;
    private final Leases leases;
    private final Duration rotateAfter;
    private final Duration retireAfter;
    private final Clock clock;

    public DkimRotation(Directory directory, SigningKeys keys, KeyLookup dns, Leases leases, Duration rotateAfter, Duration retireAfter, Clock clock) {
        this.directory = directory;
        this.keys = keys;
        this.dns = dns;
        this.leases = leases;
        this.rotateAfter = rotateAfter;
        this.retireAfter = retireAfter;
        this.clock = clock;
    }

    /** One pass over every local domain; what it did, a line per step (also logged). */
    public List<String> run() {
        List<String> done = new ArrayList<>();
        Optional<Leases.Lease> lease = leases.take("dkim-rotation");
        if (lease.isEmpty()) return done;
        try (Leases.Lease held = lease.get()) {
            for (DomainName d : directory.domains()) {
                if (!held.held()) break;
                try {
                    rotate(d, done);
                } catch (RuntimeException e) {
                    log.warn("DKIM rotation of {} failed: {}", d.ascii(), e.getMessage());
                }
            }
        }
        return done;
    }

    private void rotate(DomainName domain, List<String> done) {
        List<SigningKey> all = keys.list(domain);
        Optional<SigningKey> signing = all.stream().filter(SigningKey::signing).findFirst();
        if (signing.isEmpty()) return; // the domain does not sign: nothing to rotate
        Instant now = clock.instant();
        SigningKey current = signing.get();
        Optional<SigningKey> next = all.stream().filter(k -> !k.signing() && k.retired() == null && k.created().isAfter(current.created())).findFirst();
        if (next.isPresent()) {
            DkimKey key = key(next.get());
            if (published(key)) {
                keys.use(domain, next.get().selector());
                note(done, "DKIM key " + next.get().selector() + " of " + domain.ascii() + " signs now (its record is published); "
                        + current.selector() + " retires: keep its record published " + retireAfter.toDays() + " days more");
            }
        } else if (!current.created().plus(rotateAfter).isAfter(now)) {
            String selector = selector(all, now);
            DkimKey.Algorithm algorithm = current.algorithm().equals("rsa-sha256") ? DkimKey.Algorithm.RSA_SHA256 : DkimKey.Algorithm.ED25519_SHA256;
            DkimKey key = DkimKey.generate(domain.ascii(), selector, algorithm);
            keys.prepare(domain, selector, algorithm.tag(), key.privateKeyPkcs8());
            note(done, "DKIM key " + current.selector() + " of " + domain.ascii() + " is due for rotation: publish " + key.dnsName() + ". IN TXT \""
                    + key.dnsText() + "\"; key " + selector + " signs once the record is seen");
        }
        for (SigningKey k : all) {
            if (!k.signing() && k.retired() != null && !k.retired().plus(retireAfter).isAfter(now)) {
                keys.remove(domain, k.selector());
                note(done, "DKIM key " + k.selector() + " of " + domain.ascii() + " removed (retired " + k.retired() + "): its record "
                        + k.selector() + "._domainkey." + domain.ascii() + " can be deleted");
            }
        }
    }

    private static void note(List<String> done, String line) {
        log.warn("{}", line); // the operator has something to do (or undo) in the DNS
        done.add(line);
    }

    /** "pj" and the day (the CLI's style), with a letter after it when the day's selector is taken. */
    private static String selector(List<SigningKey> all, Instant now) {
        String base = "pj" + SELECTOR_DATE.format(now);
        String s = base;
        for (char c = 'b'; c <= 'z' && taken(all, s); c++) s = base + c;
        return s;
    }

    private static boolean taken(List<SigningKey> all, String selector) {
        return all.stream().anyMatch(k -> k.selector().equals(selector));
    }

    private static DkimKey key(SigningKey k) {
        try {
            return DkimKey.of(k.domain().ascii(), k.selector(), k.algorithm().equals("rsa-sha256") ? DkimKey.Algorithm.RSA_SHA256 : DkimKey.Algorithm.ED25519_SHA256,
                    k.privateKey());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the stored key " + k.selector() + " of " + k.domain() + " is unreadable", e);
        }
    }

    /** Whether the key's record is in the DNS with its public key (its p= tag). */
    private boolean published(DkimKey key) {
        String want = tag(key.dnsText(), "p");
        try {
            for (String txt : dns.txt(key.dnsName())) if (want.equals(tag(txt, "p"))) return true;
        } catch (KeyLookup.TemporaryFailure e) {
            return false; // asked again at the next run
        }
        return false;
    }

    private static String tag(String record, String name) {
        for (String part : record.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(name)) return part.substring(eq + 1).replaceAll("\\s", "");
        }
        return "";
    }
}
