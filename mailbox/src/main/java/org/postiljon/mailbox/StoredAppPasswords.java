package org.postiljon.mailbox;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.store.spi.MetadataStore;

/** App passwords in the store (table {@code app_password}): the secret's SHA-256, its scopes, when it was last used. */
final class StoredAppPasswords implements AppPasswords {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Last use is written at most this often per app password: a login is a read, not a write. */
    private static final Duration USE_GRAIN = Duration.ofHours(1);

    private final MetadataStore store;
    private final Clock clock;

    StoredAppPasswords(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public List<AppPassword> list(Account account) {
        return store.read(tx -> tx.appPasswords(account.id()));
    }

    @Override
    public Created create(Account account, String name, Set<Scope> scopes) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 100 || n.chars().anyMatch(Character::isISOControl)) {
            throw new MailboxException.InvalidName("an app password's name is 1 to 100 characters without control characters");
        }
        if (scopes.isEmpty()) throw new MailboxException.InvalidName("an app password needs at least one of " + List.of(Scope.values()));
        char[] letters = new char[24];
        for (int i = 0; i < letters.length; i++) letters[i] = (char) ('a' + RANDOM.nextInt(26));
        StringBuilder secret = new StringBuilder();
        for (int i = 0; i < letters.length; i++) secret.append(i > 0 && i % 4 == 0 ? "-" : "").append(letters[i]);
        AppPassword p = new AppPassword(RANDOM.nextLong(1, 1L << 53), n, scopes, clock.instant(), null);
        store.write(tx -> {
            if (tx.appPasswords(account.id()).size() >= MAX_PER_ACCOUNT) {
                throw new MailboxException.LimitReached("an account has at most " + MAX_PER_ACCOUNT + " app passwords; remove one first");
            }
            tx.insertAppPassword(account.id(), p, hash(letters));
            return null;
        });
        return new Created(p, secret.toString());
    }

    @Override
    public void remove(Account account, long id) {
        boolean gone = store.write(tx -> tx.deleteAppPassword(account.id(), id));
        if (!gone) throw new MailboxException.NotAllowed("no app password " + id);
    }

    @Override
    public Optional<AppPassword> check(Account account, char[] secret, Scope scope) {
        if (!AppPasswords.looksLikeOne(secret)) return Optional.empty();
        char[] letters = new char[24];
        int n = 0;
        for (char c : secret) if (c != '-' && c != ' ') letters[n++] = Character.toLowerCase(c);
        Optional<AppPassword> found = store.read(tx -> tx.appPassword(account.id(), hash(letters))).filter(p -> p.scopes().contains(scope));
        java.util.Arrays.fill(letters, '\0');
        Instant now = clock.instant();
        found.filter(p -> p.lastUsed() == null || p.lastUsed().isBefore(now.minus(USE_GRAIN))).ifPresent(p -> store.write(tx -> {
            tx.appPasswordUsed(account.id(), p.id(), now);
            return null;
        }));
        return found;
    }

    private static String hash(char[] letters) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(new String(letters).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
