package org.postiljon.mailbox.api;

/**
 * Two-step sign-in for the webmail with time-based one-time codes (TOTP, RFC 6238: HMAC-SHA1, 30 s
 * steps, 6 digits; what every authenticator app makes). While it is on, the account's password
 * alone opens nothing: the webmail asks for a code as well, and mail programs sign in with app
 * passwords ({@link AppPasswords}) only.
 */
public interface TwoFactor {

    boolean enabled(Account account);

    /** A new secret (base32), not yet in force until {@link #confirm}ed; replaces one begun before. */
    String begin(Account account);

    /** Turns it on when {@code code} matches the secret begun; false when it does not. */
    boolean confirm(Account account, String code);

    /**
     * Whether {@code code} is the current one (a step before or after allowed for clock drift);
     * each code is good once.
     */
    boolean check(Account account, String code);

    /** Turns it off and forgets the secret. */
    void disable(Account account);
}
