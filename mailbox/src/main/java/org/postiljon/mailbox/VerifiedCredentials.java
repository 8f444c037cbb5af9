package org.postiljon.mailbox;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What Dovecot's auth cache does for a device that reconnects every minute: a password that
 * verified against an account's Argon2id hash recently is accepted again without the hash (32 ms
 * of CPU), for {@code ttl}.
 *
 * <p>What is kept per account is an HMAC-SHA256 of the presented password under a key made at
 * start and never stored, next to the account's stored hash: never the password, and useless
 * after a restart. An entry counts only while the account's stored hash is the one it was made
 * with, so a password change drops it at once. Only successes are kept: a wrong password always
 * pays the full price. At most {@code maxEntries} accounts, the least recently used go first.
 */
final class VerifiedCredentials {

    private record Verified(byte[] mac, String passwordHash, long until) { }

    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final SecretKeySpec key;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Long, Verified> entries;

    VerifiedCredentials(Duration ttl, int maxEntries, Clock clock) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Verified> eldest) {
                return size() > VerifiedCredentials.this.maxEntries;
            }
        };
    }

    /** True when this password verified for the account, with this stored hash, within the TTL. */
    boolean matches(long accountId, String passwordHash, char[] password) {
        if (ttl.isZero()) return false;
        Verified e;
        lock.lock();
        try {
            e = entries.get(accountId);
        } finally {
            lock.unlock();
        }
        return e != null && e.until() > clock.millis() && e.passwordHash().equals(passwordHash)
                && MessageDigest.isEqual(e.mac(), mac(accountId, password));
    }

    /** Remembers a password that just verified against {@code passwordHash}. */
    void verified(long accountId, String passwordHash, char[] password) {
        if (ttl.isZero()) return;
        Verified e = new Verified(mac(accountId, password), passwordHash, clock.millis() + ttl.toMillis());
        lock.lock();
        try {
            entries.put(accountId, e);
        } finally {
            lock.unlock();
        }
    }

    void forget(long accountId) {
        lock.lock();
        try {
            entries.remove(accountId);
        } finally {
            lock.unlock();
        }
    }

    private byte[] mac(long accountId, char[] password) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            m.update(Long.toString(accountId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            m.update((byte) 0);
            byte[] pw = Passwords.utf8(password);
            try {
                return m.doFinal(pw);
            } finally {
                java.util.Arrays.fill(pw, (byte) 0);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
