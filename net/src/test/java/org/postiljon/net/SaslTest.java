package org.postiljon.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.InProcessChangeBus;
import org.postiljon.mailbox.MailboxLimits;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.Passwords;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.Scram;
import org.postiljon.store.embedded.EmbeddedStore;

/** SASL against a real directory on a real store, with the client side computed as RFC 5802 says. */
class SaslTest {

    static EmbeddedStore store;
    static Sasl sasl;

    @BeforeAll
    static void directory(@TempDir Path dir) throws Exception {
        store = EmbeddedStore.open(dir);
        MailboxModel m = MailboxModel.over(store.metadata(), store.blobs(), new InProcessChangeBus(), MailboxLimits.DEFAULT, new Passwords(256, 1, 1));
        m.directory().addDomain(DomainName.of("example.org"));
        m.directory().addAccount(EmailAddress.parse("alice@example.org"), "pencil-pencil".toCharArray(), QuotaLimits.UNLIMITED);
        sasl = new Sasl(m.directory());
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plainWithAndWithoutInitialResponse() {
        var ok = sasl.mechanism("plain").orElseThrow().start(b("\0alice@example.org\0pencil-pencil"));
        assertEquals("alice@example.org", ((SaslStep.Success) ok).account().address().toString());
        var m = sasl.mechanism("PLAIN").orElseThrow();
        assertInstanceOf(SaslStep.Challenge.class, m.start(null));
        assertInstanceOf(SaslStep.Failure.class, m.next(b("\0alice@example.org\0wrong")));
        assertInstanceOf(SaslStep.Failure.class, sasl.mechanism("PLAIN").orElseThrow().start(b("bob@example.org\0alice@example.org\0pencil-pencil")),
                "no proxy authorization");
        assertInstanceOf(SaslStep.Failure.class, sasl.mechanism("PLAIN").orElseThrow().start(b("garbage")));
    }

    @Test
    void loginAsksForUsernameThenPassword() {
        var m = sasl.mechanism("LOGIN").orElseThrow();
        assertEquals("Username:", new String(((SaslStep.Challenge) m.start(null)).data(), StandardCharsets.US_ASCII));
        assertEquals("Password:", new String(((SaslStep.Challenge) m.next(b("alice@example.org"))).data(), StandardCharsets.US_ASCII));
        assertInstanceOf(SaslStep.Success.class, m.next(b("pencil-pencil")));
    }

    private static SaslStep scram(String user, String password, boolean checkServer) {
        var m = sasl.mechanism("SCRAM-SHA-256").orElseThrow();
        String clientFirstBare = "n=" + user + ",r=rOprNGfwEbeRWgbNEkqO";
        SaslStep first = m.start(b("n,," + clientFirstBare));
        String serverFirst = new String(((SaslStep.Challenge) first).data(), StandardCharsets.UTF_8);
        String nonce = serverFirst.split(",")[0].substring(2);
        byte[] salt = Base64.getDecoder().decode(serverFirst.split(",")[1].substring(2));
        int iterations = Integer.parseInt(serverFirst.split(",")[2].substring(2));
        assertTrue(nonce.startsWith("rOprNGfwEbeRWgbNEkqO"));
        byte[] salted = Scram.saltedPassword(password.toCharArray(), salt, iterations);
        byte[] clientKey = Scram.hmac(salted, "Client Key");
        byte[] storedKey = Scram.sha256(clientKey);
        String withoutProof = "c=biws,r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] signature = Scram.hmac(storedKey, b(authMessage));
        byte[] proof = new byte[32];
        for (int i = 0; i < 32; i++) proof[i] = (byte) (clientKey[i] ^ signature[i]);
        SaslStep last = m.next(b(withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)));
        if (checkServer && last instanceof SaslStep.Success s) {
            byte[] serverKey = Scram.hmac(salted, "Server Key");
            assertEquals("v=" + Base64.getEncoder().encodeToString(Scram.hmac(serverKey, b(authMessage))),
                    new String(s.additional(), StandardCharsets.UTF_8), "the server proves it knows the secret too");
        }
        return last;
    }

    @Test
    void scramSha256AuthenticatesBothWays() {
        assertInstanceOf(SaslStep.Success.class, scram("alice@example.org", "pencil-pencil", true));
        assertInstanceOf(SaslStep.Failure.class, scram("alice@example.org", "wrong-password", false));
        assertInstanceOf(SaslStep.Failure.class, scram("nobody@example.org", "pencil-pencil", false), "unknown users get a decoy salt and fail");
        assertInstanceOf(SaslStep.Failure.class, sasl.mechanism("SCRAM-SHA-256").orElseThrow().start(b("p=tls-unique,,n=a,r=x")));
    }

    @Test
    void throttleDelaysFailuresAndForgetsAfterTheWindow() {
        Instant[] now = {Instant.parse("2026-11-26T00:00:00Z")};
        AuthThrottle t = new AuthThrottle(AuthThrottle.Options.DEFAULT, clock(now));
        assertEquals(Duration.ZERO, t.delayAfterFailure("192.0.2.1"));
        for (int i = 0; i < 3; i++) t.attempt("192.0.2.1", "alice@example.org", Optional::empty);
        assertEquals(Duration.ofSeconds(2), t.delayAfterFailure("192.0.2.1"), "500 ms doubled per failure");
        assertEquals(3, t.failures("192.0.2.1"));
        now[0] = now[0].plus(Duration.ofMinutes(16));
        assertEquals(Duration.ZERO, t.delayAfterFailure("192.0.2.1"), "forgotten after the window");
    }

    @Test
    void anIpOverItsLimitIsRefusedWithoutACheckEvenInParallel() throws Exception {
        Instant[] now = {Instant.parse("2026-11-26T00:00:00Z")};
        AuthThrottle t = new AuthThrottle(new AuthThrottle.Options(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(15), 10, 1000), clock(now));
        t.attempt("192.0.2.9", "first-guess@example.org", Optional::empty); // the IP has failed once
        java.util.concurrent.atomic.AtomicInteger checked = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> guesses = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String user = "user" + i + "@example.org";
            guesses.add(Thread.startVirtualThread(() -> {
                try {
                    t.attempt("192.0.2.9", user, () -> {
                        checked.incrementAndGet();
                        try {
                            hold.await(); // every check still running while the others arrive
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return Optional.empty();
                    });
                } catch (AuthThrottle.Refused r) {
                    refused.incrementAndGet();
                }
            }));
        }
        while (checked.get() + refused.get() < 300) Thread.sleep(5);
        hold.countDown();
        for (Thread g : guesses) g.join();
        assertEquals(9, checked.get(), "300 parallel guesses after a failure: only what is left of the limit is checked");
        assertEquals(291, refused.get());
        AuthThrottle.Refused r = assertThrows(AuthThrottle.Refused.class, () -> t.attempt("192.0.2.9", "alice@example.org", () -> Optional.of("ok")));
        assertTrue(r.retryAfter().compareTo(Duration.ofMinutes(14)) > 0, "blocked for the rest of the window: " + r.retryAfter());
        assertThrows(AuthThrottle.Refused.class, () -> t.refuseIfBlocked("192.0.2.9"));
        assertEquals(Optional.of("ok"), t.attempt("198.51.100.1", "alice@example.org", () -> Optional.of("ok")), "other IPs are not affected");
        now[0] = now[0].plus(Duration.ofMinutes(16));
        assertEquals(Optional.of("ok"), t.attempt("192.0.2.9", "alice@example.org", () -> Optional.of("ok")), "the block ends with the window");
    }

    @Test
    void aBurstOfCorrectLoginsFromOneAddressAllGoAhead() throws Exception {
        AuthThrottle t = new AuthThrottle(new AuthThrottle.Options(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(15), 10, 10), Clock.systemUTC());
        java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger in = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> logins = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String user = "user" + i + "@example.org";
            logins.add(Thread.startVirtualThread(() -> {
                Optional<String> ok = t.attempt("198.51.100.9", user, () -> {
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Optional.of(user);
                });
                if (ok.isPresent()) in.incrementAndGet();
            }));
        }
        Thread.sleep(200);
        hold.countDown();
        for (Thread l : logins) l.join();
        assertEquals(50, in.get(), "50 devices behind one address reconnecting at once are not refused");
    }

    @Test
    void guessingOneAccountFromManyIpsCannotLockOutItsKnownDevices() {
        Instant[] now = {Instant.parse("2026-11-26T00:00:00Z")};
        AuthThrottle t = new AuthThrottle(new AuthThrottle.Options(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(15), 30, 5), clock(now));
        String victim = "alice@example.org";
        assertEquals(Optional.of("in"), t.attempt("203.0.113.5", victim, () -> Optional.of("in")), "the owner's phone signs in");
        for (int i = 0; i < 5; i++) t.attempt("192.0.2." + i, victim, Optional::empty);
        assertThrows(AuthThrottle.Refused.class, () -> t.attempt("192.0.2.100", victim, () -> Optional.of("in")),
                "a sixth guess, from a new IP, is refused unchecked");
        assertEquals(Optional.of("in"), t.attempt("203.0.113.5", victim, () -> Optional.of("in")), "the owner's known device still signs in");
        assertEquals(Optional.of("in"), t.attempt("192.0.2.100", "bob@example.org", () -> Optional.of("in")), "other accounts are unaffected");
        for (int i = 0; i < 5; i++) t.attempt("203.0.113.5", victim, Optional::empty);
        assertThrows(AuthThrottle.Refused.class, () -> t.attempt("203.0.113.5", victim, () -> Optional.of("in")),
                "a known IP has an allowance of its own, not an unlimited one");
    }

    @Test
    void aSuccessIsAnsweredAtOnceAfterEarlierFailuresFromItsIp() {
        Instant[] now = {Instant.parse("2026-11-26T00:00:00Z")};
        AuthThrottle t = new AuthThrottle(new AuthThrottle.Options(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMinutes(15), 30, 20), clock(now));
        t.attempt("192.0.2.1", "typo@example.org", Optional::<String>empty);
        long start = System.nanoTime();
        assertEquals(Optional.of("in"), t.attempt("192.0.2.1", "alice@example.org", () -> Optional.of("in")));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "no waiting before a correct password");
    }

    private static Clock clock(Instant[] now) {
        return new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId z) { return this; }
            @Override public Instant instant() { return now[0]; }
        };
    }
}
