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
    private final Clock clock;

    StoredVacations(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public Vacation get(Account account) {
        return store.read(tx -> tx.vacation(account.id())).orElse(Vacation.OFF);
    }

    @Override
    public void set(Account account, Vacation vacation) {
        store.write(tx -> {
            tx.putVacation(account.id(), vacation);
            return null;
        });
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
}
