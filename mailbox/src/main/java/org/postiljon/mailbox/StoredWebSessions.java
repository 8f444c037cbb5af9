package org.postiljon.mailbox;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.postiljon.mailbox.api.WebSessions;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.WebSessionRecord;

/**
 * Webmail sessions in the store: 256-bit random tokens, stored only as their SHA-256. A use is
 * written at most once a {@link #TOUCH} (a relaxed write), so the idle time is kept to within it
 * and a page's many requests cost one read each.
 */
public final class StoredWebSessions implements WebSessions {

    static final Duration TOUCH = Duration.ofMinutes(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetadataStore store;
    private final Duration idle;
    private final Clock clock;

    public StoredWebSessions(MetadataStore store, Duration idle, Clock clock) {
        this.store = store;
        this.idle = idle;
        this.clock = clock;
    }

    @Override
    public Opened open(long accountId, String credentials) {
        String token = token(), csrf = token();
        WebSessionRecord s = new WebSessionRecord(accountId, credentials, csrf, clock.instant());
        store.write(tx -> {
            tx.openWebSession(hash(token), s);
            return null;
        });
        return new Opened(token, csrf);
    }

    @Override
    public Optional<Session> find(String token) {
        if (token == null || token.length() > 100) return Optional.empty();
        String key = hash(token);
        Optional<WebSessionRecord> found = store.read(tx -> tx.webSession(key));
        if (found.isEmpty()) return Optional.empty();
        WebSessionRecord s = found.get();
        Instant now = clock.instant();
        if (s.lastUsed().plus(idle).isBefore(now)) {
            close(token);
            return Optional.empty();
        }
        if (s.lastUsed().plus(TOUCH).isBefore(now)) {
            store.writeRelaxed(tx -> {
                tx.touchWebSession(key, now);
                return null;
            });
        }
        return Optional.of(new Session(s.accountId(), s.credentials(), s.csrf()));
    }

    @Override
    public void close(String token) {
        if (token == null || token.length() > 100) return;
        String key = hash(token);
        store.write(tx -> {
            tx.closeWebSession(key);
            return null;
        });
    }

    @Override
    public int expire() {
        Instant before = clock.instant().minus(idle);
        return store.write(tx -> tx.expireWebSessions(before));
    }

    private static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String hash(String token) {
        return CheckedContent.sha256(token.getBytes(StandardCharsets.US_ASCII));
    }
}
