package org.postiljon.mailbox.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * App passwords: secrets the server makes for one mail program each, good only for the protocols
 * they were made for, revoked one by one without changing the account's password. Made by the
 * user (JMAP, the webmail's settings) or the operator (CLI); shown once, kept only as a SHA-256
 * (they are random, 112 bits: no slow hash needed, and a login costs one indexed read).
 */
public interface AppPasswords {

    /** App passwords one account may have. */
    int MAX_PER_ACCOUNT = 20;

    /**
     * What an app password may sign in to. ADMIN: the admin API, for an account named in
     * {@code admin.accounts} (an API token for scripts; made only by the operator).
     */
    enum Scope { IMAP, POP3, SMTP, SIEVE, JMAP, ADMIN }

    /**
     * @param lastUsed when it last signed in (to the hour: not every login writes), or null
     */
    record AppPassword(long id, String name, Set<Scope> scopes, Instant created, Instant lastUsed) {
        public AppPassword {
            scopes = Set.copyOf(scopes);
        }
    }

    /** A new app password and its secret, which is never shown again. */
    record Created(AppPassword password, String secret) { }

    List<AppPassword> list(Account account);

    /**
     * @throws MailboxException.LimitReached past {@link #MAX_PER_ACCOUNT}
     * @throws MailboxException.InvalidName for an empty or overlong name, or no scope
     */
    Created create(Account account, String name, Set<Scope> scopes);

    /** @throws MailboxException.NotAllowed when the account has no such app password */
    void remove(Account account, long id);

    /** Whether {@code secret} has the form of an app password (so a login tries it as one first). */
    static boolean looksLikeOne(char[] secret) {
        int letters = 0;
        for (char c : secret) {
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') letters++;
            else if (c != '-' && c != ' ') return false;
        }
        return letters == 24;
    }

    /** The account's app password with this secret, when it may be used for {@code scope}. */
    Optional<AppPassword> check(Account account, char[] secret, Scope scope);
}
