package org.postiljon.mailbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Vacation;
import org.postiljon.mailbox.api.Vacations;
import org.postiljon.store.spi.MetadataStore;

/** Automatic replies in the store (tables {@code vacation}, {@code vacation_reply}): every node answers alike, once per sender. */
final class StoredVacations implements Vacations {

    private final MetadataStore store;
    private final SharedDirectoryReads shared;
    private final Clock clock;

    StoredVacations(MetadataStore store, Clock clock, SharedDirectoryReads shared) {
        this.store = store;
        this.shared = shared;
        this.clock = clock;
    }

    @Override
    public Vacation get(Account account) {
        return store.read(tx -> get(tx, account.id()));
    }

    /** The account's vacation response, read in {@code tx}; {@link Vacation#OFF} when never set. */
    static Vacation get(org.postiljon.store.spi.ReadTx tx, long accountId) {
        return tx.vacation(accountId).orElse(Vacation.OFF);
    }

    @Override
    public void set(Account account, Vacation vacation) {
        shared.rulesChanged(account, () -> store.write(tx -> {
            tx.putVacation(account.id(), vacation);
            return null;
        }));
    }

    @Override
    public boolean claimReply(Account account, String sender, Duration period) {
        String who = sender.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        // Read and note in one write transaction: two deliveries at once (or two nodes) cannot both reply.
        return store.write(tx -> {
            Optional<Instant> last = tx.vacationReplied(account.id(), who);
            if (last.isPresent() && last.get().isAfter(now.minus(period))) return false;
            tx.noteVacationReply(account.id(), who, now);
            return true;
        });
    }

    @Override
    public boolean seen(Account account, String key, Duration period) {
        Instant now = clock.instant();
        return store.read(tx -> tx.vacationReplied(account.id(), duplicateKey(key))).filter(at -> at.isAfter(now.minus(period))).isPresent();
    }

    @Override
    public void remember(Account account, String key) {
        Instant now = clock.instant();
        store.write(tx -> {
            tx.noteVacationReply(account.id(), duplicateKey(key), now);
            // Now and then the account's ids older than any duplicate test looks back go (RFC 7352 §3.3 bounds :seconds).
            if (java.util.concurrent.ThreadLocalRandom.current().nextInt(64) == 0) tx.forgetVacationReplies(account.id(), DUPLICATE, now.minus(FORGET_AFTER));
            return null;
        });
    }

    /** Sieve keeps duplicate ids at most 30 days; a day more before they are forgotten. */
    private static final Duration FORGET_AFTER = Duration.ofDays(31);
    private static final String DUPLICATE = "sieve-duplicate:";

    /** A duplicate key in the replies' table: hashed (ids are any length), and never an address. */
    private static String duplicateKey(String key) {
        try {
            return DUPLICATE + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
