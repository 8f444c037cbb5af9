package org.postiljon.net;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed authentications per IP and per account over a sliding window and says how long
 * to wait before answering the next attempt: {@code base * 2^(failures-1)}, at most {@code max}.
 * Counted for the IP and the account separately; the larger delay applies, so neither many
 * accounts from one IP nor one account from many IPs is fast to guess.
 */
public final class AuthThrottle {

    /**
     * @param base   delay after the first failure
     * @param max    longest delay (a client still gets an answer, later)
     * @param window failures older than this are forgotten
     */
    public record Options(Duration base, Duration max, Duration window) {
        public static final Options DEFAULT = new Options(Duration.ofMillis(500), Duration.ofSeconds(15), Duration.ofMinutes(15));
    }

    private record Count(int failures, long since) { }

    private final Options options;
    private final Clock clock;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();

    public AuthThrottle(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    /**
     * One login attempt as every protocol makes it: waits out the delay this IP and account have
     * earned, makes the attempt, counts the outcome. Empty when the credentials were wrong.
     */
    public <T> java.util.Optional<T> attempt(String ip, String account, java.util.function.Supplier<java.util.Optional<T>> check) {
        long wait = delay(ip, account).toMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        java.util.Optional<T> outcome = check.get();
        if (outcome.isEmpty()) failed(ip, account); else succeeded(ip, account);
        return outcome;
    }

    /** Records a failure for the IP and the account name. */
    public void failed(String ip, String account) {
        bump("ip:" + ip);
        if (account != null && !account.isEmpty()) bump("user:" + account.toLowerCase(java.util.Locale.ROOT));
        if (counts.size() > 100_000) prune();
    }

    public void succeeded(String ip, String account) {
        if (account != null) counts.remove("user:" + account.toLowerCase(java.util.Locale.ROOT));
    }

    public int failures(String ip) {
        Count c = live("ip:" + ip);
        return c == null ? 0 : c.failures();
    }

    /** How long to wait before answering an attempt from this IP for this account. */
    public Duration delay(String ip, String account) {
        int f = Math.max(failuresOf("ip:" + ip), account == null ? 0 : failuresOf("user:" + account.toLowerCase(java.util.Locale.ROOT)));
        if (f == 0) return Duration.ZERO;
        long ms = options.base().toMillis() << Math.min(f - 1, 20);
        return Duration.ofMillis(Math.min(ms, options.max().toMillis()));
    }

    private int failuresOf(String key) {
        Count c = live(key);
        return c == null ? 0 : c.failures();
    }

    private Count live(String key) {
        Count c = counts.get(key);
        if (c != null && clock.millis() - c.since() > options.window().toMillis()) {
            counts.remove(key, c);
            return null;
        }
        return c;
    }

    private void bump(String key) {
        long now = clock.millis();
        counts.compute(key, (k, c) -> c == null || now - c.since() > options.window().toMillis()
                ? new Count(1, now) : new Count(c.failures() + 1, c.since()));
    }

    private void prune() {
        long now = clock.millis();
        counts.entrySet().removeIf(e -> now - e.getValue().since() > options.window().toMillis());
    }
}
