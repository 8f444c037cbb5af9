package org.postiljon.mailauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SRS addresses: made for forwarding, reversed for their bounces, refused when forged, altered or too old. */
class SrsTest {

    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    final Srs srs = new Srs("a secret of this installation".getBytes(StandardCharsets.UTF_8));

    static String local(String address) {
        return address.substring(0, address.lastIndexOf('@'));
    }

    @Test
    void aForwardedSendersAddressComesBack() {
        String a = srs.forward("alice@example.net", "fwd.example", NOW);
        assertTrue(a.matches("SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=example\\.net=alice@fwd\\.example"), a);
        assertEquals(Optional.of("alice@example.net"), srs.reverse(local(a), NOW));
        // Mail systems may change the case of the local part.
        assertEquals(Optional.of("alice@example.net"), srs.reverse(local(a).toUpperCase(java.util.Locale.ROOT).replace("SRS0", "srs0"), NOW)
                .map(s -> s.toLowerCase(java.util.Locale.ROOT)));
        // Within 21 days, not after.
        assertEquals(Optional.of("alice@example.net"), srs.reverse(local(a), NOW.plus(Duration.ofDays(Srs.MAX_AGE_DAYS))));
        assertEquals(Optional.empty(), srs.reverse(local(a), NOW.plus(Duration.ofDays(Srs.MAX_AGE_DAYS + 1))));
    }

    @Test
    void forgedAndAlteredAddressesAreRefused() {
        String a = local(srs.forward("alice@example.net", "fwd.example", NOW));
        assertEquals(Optional.empty(), srs.reverse(a.replace("example.net", "victim.test"), NOW), "another destination");
        assertEquals(Optional.empty(), new Srs("another installation's secret".getBytes(StandardCharsets.UTF_8)).reverse(a, NOW), "another key");
        for (String bad : new String[] {"SRS0=AAAA=AA=example.net=alice", "SRS0=", "SRS0=x=y", "alice", "SRS1=AAAA=a.test", "SRS2=AAAA=AA=x=y"}) {
            assertEquals(Optional.empty(), srs.reverse(bad, NOW), bad);
        }
    }

    @Test
    void forwardingForwardedMailMakesSrs1ThatReturnsThroughTheFirstForwarder() {
        Srs first = new Srs("the first forwarder's secret".getBytes(StandardCharsets.UTF_8));
        String once = first.forward("alice@example.net", "first.example", NOW);
        String twice = srs.forward(once, "second.example", NOW);
        assertTrue(twice.startsWith("SRS1=") && twice.contains("=first.example==") && twice.endsWith("@second.example"), twice);
        // The bounce goes back to the first forwarder, which reverses its own SRS0.
        String back = srs.reverse(local(twice), NOW).orElseThrow();
        assertEquals(once, back);
        assertEquals(Optional.of("alice@example.net"), first.reverse(local(back), NOW));
        // A third hop still returns to the first forwarder.
        String thrice = new Srs("a third forwarder's secret".getBytes(StandardCharsets.UTF_8)).forward(twice, "third.example", NOW);
        assertTrue(thrice.contains("=first.example=="), thrice);
    }
}
