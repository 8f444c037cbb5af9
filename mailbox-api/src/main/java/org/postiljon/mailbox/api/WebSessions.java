package org.postiljon.mailbox.api;

import java.util.Optional;

/**
 * Webmail sign-ins, kept where every node sees them: a browser signed in on one node is signed in
 * on all, and signing out or staying away past the idle time ends the session everywhere.
 */
public interface WebSessions {

    /** What a new session gives the browser: the cookie's token and the CSRF token for its header. */
    record Opened(String token, String csrf) { }

    /** @param credentials the account's credential stamp at sign-in (a password change ends the session) */
    record Session(long accountId, String credentials, String csrf) { }

    Opened open(long accountId, String credentials);

    /** The live session for a cookie token (and notes its use); empty when unknown, closed or idle too long. */
    Optional<Session> find(String token);

    void close(String token);

    /** Forgets the sessions idle too long; how many. */
    int expire();
}
