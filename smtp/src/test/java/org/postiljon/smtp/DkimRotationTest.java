package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.SigningKeys.SigningKey;
import org.postiljon.testkit.Dnsmasq;

/**
 * Scheduled DKIM key rotation: a successor is made when the key is due, signs only once its record
 * is in a real DNS server (dnsmasq), and the old key goes a week after it stopped signing.
 */
class DkimRotationTest {

    @Test
    void aDueKeyGetsASuccessorThatSignsOncePublishedAndTheOldKeyGoesAWeekLater(@TempDir Path dir) throws Exception {
        DomainName org = DomainName.of("example.org");
        try (SmtpTestServer node = new SmtpTestServer(dir.resolve("node"))) {
            DkimKey first = DkimKey.generate("example.org", "s1", DkimKey.Algorithm.ED25519_SHA256);
            node.model.signingKeys().add(org, "s1", first.algorithm().tag(), first.privateKeyPkcs8());
            Duration half = Duration.ofDays(180), week = Duration.ofDays(7);
            Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(181)), ZoneOffset.UTC);
            try (Dnsmasq empty = new Dnsmasq("--local=/org/")) {
                assertEquals(List.of(), new DkimRotation(node.model.directory(), node.model.signingKeys(), new DnsResolver(empty.address),
                        node.model.leases(), half, week, Clock.systemUTC()).run(), "a new key is not due");
                DkimRotation rotation = new DkimRotation(node.model.directory(), node.model.signingKeys(), new DnsResolver(empty.address),
                        node.model.leases(), half, week, later);
                List<String> did = rotation.run();
                assertEquals(1, did.size(), did.toString());
                assertTrue(did.getFirst().startsWith("DKIM key s1 of example.org is due for rotation: publish pj"), did.getFirst());
                assertEquals(List.of(), rotation.run(), "one successor, and it does not sign while its record is not published");
            }
            List<SigningKey> keys = node.model.signingKeys().list(org);
            assertEquals(2, keys.size());
            SigningKey next = keys.get(1);
            assertEquals("s1", node.model.signingKeys().signing(org).orElseThrow().selector(), "still s1");
            assertEquals("ed25519-sha256", next.algorithm(), "the same algorithm");
            DkimKey nextKey = DkimKey.of("example.org", next.selector(), DkimKey.Algorithm.ED25519_SHA256, next.privateKey());
            try (Dnsmasq published = new Dnsmasq("--local=/org/", "--txt-record=" + nextKey.dnsName() + "," + nextKey.dnsText())) {
                List<String> did = new DkimRotation(node.model.directory(), node.model.signingKeys(), new DnsResolver(published.address),
                        node.model.leases(), half, week, later).run();
                assertEquals(List.of("DKIM key " + next.selector() + " of example.org signs now (its record is published); s1 retires: keep its record "
                        + "published 7 days more"), did);
                assertEquals(next.selector(), node.model.signingKeys().signing(org).orElseThrow().selector());
                Clock weekAfter = Clock.fixed(Instant.now().plus(Duration.ofDays(8)), ZoneOffset.UTC);
                did = new DkimRotation(node.model.directory(), node.model.signingKeys(), new DnsResolver(published.address), node.model.leases(), half,
                        week, weekAfter).run();
                assertEquals(1, did.size(), did.toString());
                assertTrue(did.getFirst().startsWith("DKIM key s1 of example.org removed (retired "), did.getFirst());
                assertEquals(List.of(next.selector()), node.model.signingKeys().list(org).stream().map(SigningKey::selector).toList());
            }
        }
    }
}
