package org.postiljon.mailbox.api;

import java.util.List;
import java.util.Optional;

/**
 * Each account's Sieve scripts (RFC 5228), at most one of them active: the one run at delivery.
 * What ManageSieve (RFC 5804) and the CLI edit. A script is checked before it is kept.
 */
public interface SieveScripts {

    /** Scripts one account may keep. */
    int MAX_SCRIPTS = 20;

    /** @param id the script's id, kept over renames (JMAP Sieve, RFC 9661 §2) */
    record Script(String name, String content, boolean active, long id) { }

    List<Script> list(Account account);

    Optional<Script> get(Account account, String name);

    /** The active script's text, when one is active. */
    Optional<String> active(Account account);

    /**
     * Checks {@code content} and keeps it as {@code name} (replacing a script of that name, active or not).
     *
     * @throws MailboxException.NotAllowed with the fault and its line when it is no valid script, or past {@link #MAX_SCRIPTS}
     */
    void put(Account account, String name, String content);

    /** Makes {@code name} the active script; null makes none active. */
    void activate(Account account, String name);

    /** @throws MailboxException.NotAllowed for the active script (RFC 5804 §2.10: deactivate it first) */
    void delete(Account account, String name);

    void rename(Account account, String from, String to);

    /** The Sieve extensions scripts may require (ManageSieve's SIEVE capability). */
    List<String> extensions();

    /** How many redirects one run may make (ManageSieve's MAXREDIRECTS, JMAP's maxNumberRedirects). */
    int maxRedirects();

    /** Whether {@code content} is a valid script: empty, or the fault with its line. */
    Optional<String> check(String content);
}
