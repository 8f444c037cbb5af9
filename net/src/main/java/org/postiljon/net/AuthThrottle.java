package org.postiljon.net;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The login policy every protocol shares (IMAP, POP3, SMTP AUTH, HTTP Basic, the webmail): a rate
 * limit in fixed windows, as fail2ban does, plus a delay on each failed answer, as Dovecot's
 * auth penalty does.
 *
 * <ul>
 *   <li><b>Per IP</b>: after {@code maxIpFailures} failed attempts within {@code window}, further
 *       attempts from that IP are refused at once, without checking the password, until the window
 *       ends. Once an IP has failed, attempts still being checked count too, so parallel connections
 *       cannot get more guesses through than the limit (a first wave of parallel attempts, before any
 *       failure, all goes ahead: devices behind one address reconnecting at once).</li>
 *   <li><b>Per account</b>: after {@code maxAccountFailures} failures for one account name (from
 *       anywhere), attempts for it are refused, but not from an IP that has signed in to that account
 *       before (a "known device"): an attacker cannot lock the owner out of the devices they use.
 *       A known IP has its own allowance of {@code maxAccountFailures} for that account.</li>
 *   <li><b>A success</b> is answered at once (no delay for earlier failures of the IP), clears the
 *       account's count and makes the IP known for the account; it does not clear the IP's count
 *       (one valid account would otherwise reset an attacker's budget).</li>
 *   <li><b>A failure</b> is answered after {@code base * 2^(failures-1)} (at most {@code max}),
 *       failures counted per IP.</li>
 * </ul>
 * Counts live in memory (bounded): a restart forgets them. Refused attempts do not extend a window.
 */
public final class AuthThrottle {

    /**
     * @param base               delay of the answer to the first failure
     * @param max                longest delay of a failure's answer
     * @param window             length of the counting window (and so of a block)
     * @param maxIpFailures      failures one IP may make within a window
     * @param maxAccountFailures failures for one account name within a window (from unknown IPs; and per known IP)
     */
    public record Options(Duration base, Duration max, Duration window, int maxIpFailures, int maxAccountFailures) {
        public static final Options DEFAULT = new Options(Duration.ofMillis(500), Duration.ofSeconds(15), Duration.ofMinutes(15), 30, 20);

        public Options {
            if (maxIpFailures < 1 || maxAccountFailures < 1) throw new IllegalArgumentException("failure limits must be at least 1");
        }
    }

    /** An attempt refused without being checked: too many recent failures. */
    public static final class Refused extends RuntimeException {
        private final Duration retryAfter;

        Refused(String why, Duration retryAfter) {
            super(why, null, false, false);
            this.retryAfter = retryAfter;
        }

        /** When the window that blocks the attempt ends. */
        public Duration retryAfter() {
            return retryAfter;
        }

        /** Minutes to wait, rounded up, for the texts protocols show. */
        public long minutes() {
            return Math.max(1, (retryAfter.toSeconds() + 59) / 60);
        }
    }

    /** One counting window: failures since {@code since}, and attempts being checked right now. */
    private static final class Window {
        final long since;
        int failures;
        int pending;

        Window(long since) {
            this.since = since;
        }
    }

    private static final int MAX_ENTRIES = 100_000;
    private static final int MAX_KNOWN_IPS_PER_ACCOUNT = 32;
    private static final Duration KNOWN_FOR = Duration.ofDays(30);

    private final Options options;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Window> windows = new HashMap<>();
    /** Account name → IP → when it last signed in; the oldest accounts go first past the bound. */
    private final LinkedHashMap<String, LinkedHashMap<String, Long>> known = new LinkedHashMap<>(16, 0.75f, true);
    /** IP → when some account last signed in from it (for SASL, where the account is named later); the oldest go first past the bound. */
    private final LinkedHashMap<String, Long> knownIps = new LinkedHashMap<>(16, 0.75f, true);

    public AuthThrottle(Options options, Clock clock) {
        this.options = options;
        this.clock = clock;
    }

    /**
     * One login attempt as every protocol makes it: refuses it when the IP or account is over its
     * limit, else makes it, counts the outcome and delays a failure's answer. Empty when the
     * credentials were wrong.
     *
     * @throws Refused when the attempt was not checked because of earlier failures
     */
    public <T> Optional<T> attempt(String ip, String account, Supplier<Optional<T>> check) {
        String user = account == null || account.isEmpty() ? null : account.toLowerCase(Locale.ROOT);
        Window[] held;
        try {
            held = reserve(ip, user);
        } catch (Refused r) {
            refusedLogins.increment();
            pauseLongest(); // a blocked client that retries at once gains nothing but load
            throw r;
        }
        Optional<T> outcome = Optional.empty();
        try {
            outcome = check.get();
        } finally {
            finish(ip, user, held, outcome.isPresent());
        }
        (outcome.isPresent() ? okLogins : failedLogins).increment();
        if (outcome.isEmpty()) pause(ip);
        return outcome;
    }

    /** Logins since start, of every protocol: succeeded, failed (wrong credentials), refused (over a limit). */
    public record Logins(long ok, long failed, long refused) { }

    public Logins logins() {
        return new Logins(okLogins.sum(), failedLogins.sum(), refusedLogins.sum());
    }

    private final java.util.concurrent.atomic.LongAdder okLogins = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder failedLogins = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder refusedLogins = new java.util.concurrent.atomic.LongAdder();

    /** Waits out the delay the IP has earned (on a virtual thread this holds no platform thread). */
    private void pause(String ip) {
        sleep(delayAfterFailure(ip).toMillis());
    }

    /** A refusal is answered after the longest delay. */
    private void pauseLongest() {
        sleep(options.max().toMillis());
    }

    private static void sleep(long wait) {
        if (wait <= 0) return;
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Refuses at once when the IP is blocked: for SASL exchanges, before the mechanism checks a
     * password the answer could not report anyway. {@link #attempt} still counts the outcome.
     *
     * @throws Refused when the IP is over its limit
     */
    public void refuseIfBlocked(String ip) {
        Refused r = null;
        lock.lock();
        try {
            long now = clock.millis();
            Window w = windows.get("ip:" + ip);
            // The user is not known before the exchange: an IP that is some account's known device may go on.
            if (live(w, now) && over(w, options.maxIpFailures()) && !recent(knownIps.get(ip), now)) {
                r = refused("too many failed logins from your address", w, now);
            }
        } finally {
            lock.unlock();
        }
        if (r != null) {
            refusedLogins.increment();
            pauseLongest();
            throw r;
        }
    }

    private Window[] reserve(String ip, String user) {
        lock.lock();
        try {
            long now = clock.millis();
            boolean knownIp = user != null && isKnown(user, ip, now);
            Window byIp = window("ip:" + ip, now);
            if (!knownIp && over(byIp, options.maxIpFailures())) {
                throw refused("too many failed logins from your address", byIp, now);
            }
            Window byAccount = null;
            if (user != null) {
                // A known IP is limited by its own count for the account, not by what others did.
                byAccount = window(knownIp ? "pair:" + user + " " + ip : "user:" + user, now);
                if (over(byAccount, options.maxAccountFailures())) {
                    throw refused("too many failed logins for this account", byAccount, now);
                }
                byAccount.pending++;
            }
            byIp.pending++;
            return new Window[] {byIp, byAccount};
        } finally {
            lock.unlock();
        }
    }

    /**
     * Over the limit: the failures reached it, or, once there are failures, the failures and the
     * attempts being checked together (so parallel guessing cannot overshoot). Without a failure,
     * parallel attempts all go ahead: a burst of devices behind one address reconnecting at once
     * is not an attack; a burst of guesses gets one wave at most, then the window is closed.
     */
    private static boolean over(Window w, int max) {
        return w.failures >= max || (w.failures > 0 && w.failures + w.pending >= max);
    }

    private void finish(String ip, String user, Window[] held, boolean success) {
        lock.lock();
        try {
            for (Window w : held) {
                if (w == null) continue;
                w.pending--;
                if (!success) w.failures++;
            }
            if (success && user != null) {
                windows.remove("user:" + user);
                windows.remove("pair:" + user + " " + ip);
                known.computeIfAbsent(user, k -> new LinkedHashMap<>(4, 0.75f, true)).put(ip, clock.millis());
                LinkedHashMap<String, Long> ips = known.get(user);
                if (ips.size() > MAX_KNOWN_IPS_PER_ACCOUNT) ips.remove(ips.keySet().iterator().next());
                if (known.size() > MAX_ENTRIES) known.remove(known.keySet().iterator().next());
                knownIps.put(ip, clock.millis());
                if (knownIps.size() > MAX_ENTRIES) knownIps.remove(knownIps.keySet().iterator().next());
            }
            if (windows.size() > MAX_ENTRIES) prune(clock.millis());
        } finally {
            lock.unlock();
        }
    }

    private Refused refused(String why, Window w, long now) {
        return new Refused(why, Duration.ofMillis(Math.max(1000, w.since + options.window().toMillis() - now)));
    }

    private boolean isKnown(String user, String ip, long now) {
        Map<String, Long> ips = known.get(user);
        return recent(ips == null ? null : ips.get(ip), now);
    }

    /** A sign-in at {@code at} still makes its IP a known device. */
    private static boolean recent(Long at, long now) {
        return at != null && now - at < KNOWN_FOR.toMillis();
    }

    /** The window exists and has not ended. */
    private boolean live(Window w, long now) {
        return w != null && now - w.since <= options.window().toMillis();
    }

    /** The live window of a key, a new one when it has none or its window ended. Under the lock. */
    private Window window(String key, long now) {
        Window w = windows.get(key);
        if (!live(w, now) && (w == null || w.pending == 0)) {
            w = new Window(now);
            windows.put(key, w);
        }
        return w;
    }

    /** Failures counted for an IP in its current window. */
    public int failures(String ip) {
        lock.lock();
        try {
            Window w = windows.get("ip:" + ip);
            return live(w, clock.millis()) ? w.failures : 0;
        } finally {
            lock.unlock();
        }
    }

    /** How long the answer to a failure from this IP waits: {@code base * 2^(failures-1)}, at most {@code max}. */
    public Duration delayAfterFailure(String ip) {
        int f = failures(ip);
        if (f == 0) return Duration.ZERO;
        long ms = options.base().toMillis() << Math.min(f - 1, 20);
        return Duration.ofMillis(Math.min(ms, options.max().toMillis()));
    }

    private void prune(long now) {
        windows.values().removeIf(w -> w.pending == 0 && !live(w, now));
    }
}
