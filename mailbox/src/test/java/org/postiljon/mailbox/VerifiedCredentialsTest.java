package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;

/** The verified-credential cache: what it accepts without Argon2, and what it never accepts. */
class VerifiedCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void aVerifiedPasswordIsAcceptedAgainOnlyWithTheSameHashWithinTheTtl() {
        Instant[] now = {Instant.parse("2026-12-01T00:00:00Z")};
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId z) { return this; }
            @Override public Instant instant() { return now[0]; }
        };
        VerifiedCredentials c = new VerifiedCredentials(Duration.ofHours(1), 2, clock);
        char[] pw = "correct horse battery".toCharArray();
        assertFalse(c.matches(1, "$hash1", pw), "nothing before a verification");
        c.verified(1, "$hash1", pw);
        assertTrue(c.matches(1, "$hash1", pw));
        assertFalse(c.matches(1, "$hash1", "correct horse batterY".toCharArray()), "another password is never accepted");
        assertFalse(c.matches(2, "$hash1", pw), "the entry belongs to its account");
        assertFalse(c.matches(1, "$hash2", pw), "a changed stored hash (new password) drops it");
        now[0] = now[0].plus(Duration.ofMinutes(61));
        assertFalse(c.matches(1, "$hash1", pw), "expired after the TTL");
        c.verified(1, "$h", pw);
        c.verified(2, "$h", pw);
        c.verified(3, "$h", pw);
        assertFalse(c.matches(1, "$h", pw), "bounded: the least recently used account goes first");
        assertTrue(c.matches(3, "$h", pw));
    }

    @Test
    void aPasswordChangeEndsTheOldPasswordAtOnce() throws Exception {
        try (TestModels t = new TestModels(dir)) {
            Account alice = t.account("alice@example.org");
            var d = t.model.directory();
            assertEquals(Optional.of(alice), d.authenticate("alice@example.org", "correct horse battery".toCharArray()));
            assertEquals(Optional.of(alice), d.authenticate("alice@example.org", "correct horse battery".toCharArray()), "again, from the cache");
            assertEquals(Optional.empty(), d.authenticate("alice@example.org", "wrong horse battery".toCharArray()));
            d.setPassword(alice.address(), "a brand new passphrase".toCharArray());
            assertEquals(Optional.empty(), d.authenticate("alice@example.org", "correct horse battery".toCharArray()), "the old one is gone");
            assertEquals(Optional.of(alice), d.authenticate("alice@example.org", "a brand new passphrase".toCharArray()));
        }
    }
}
