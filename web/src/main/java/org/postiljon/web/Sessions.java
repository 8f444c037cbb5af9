package org.postiljon.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postiljon.mailbox.api.Account;

/**
 * Webmail sessions: a random token in an HttpOnly, Secure, SameSite=Strict cookie, and a second
 * random token the page sends in a header with every change (CSRF: a cross-site form cannot set
 * headers, and SameSite keeps the cookie off cross-site requests besides). Kept in memory: a
 * restart signs webmail users out, mail programs are not affected.
 */
final class Sessions {

    /** @param credentials the account's credential stamp at sign-in: a password change ends the session */
    record Session(long accountId, String credentials, String csrf, Instant lastUsed) { }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_SESSIONS = 100_000;

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Clock clock;

    Sessions(Duration idle, Clock clock) {
        this.idle = idle;
        this.clock = clock;
    }

    static String token() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A new session for the account: {token, csrf}. */
    String[] open(Account a, String credentials) {
        if (sessions.size() >= MAX_SESSIONS) prune();
        String token = token();
        String csrf = token();
        sessions.put(token, new Session(a.id(), credentials, csrf, clock.instant()));
        return new String[] {token, csrf};
    }

    Optional<Session> find(String token) {
        if (token == null) return Optional.empty();
        Session s = sessions.get(token);
        if (s == null) return Optional.empty();
        Instant now = clock.instant();
        if (s.lastUsed().plus(idle).isBefore(now)) {
            sessions.remove(token);
            return Optional.empty();
        }
        Session touched = new Session(s.accountId(), s.credentials(), s.csrf(), now);
        sessions.put(token, touched);
        return Optional.of(touched);
    }

    void close(String token) {
        if (token != null) sessions.remove(token);
    }

    private void prune() {
        Instant cutoff = clock.instant().minus(idle);
        sessions.values().removeIf(s -> s.lastUsed().isBefore(cutoff));
    }
}
