package org.postiljon.mailbox.api;

import java.util.List;

/**
 * Each account's own spam classifier (a Bayesian one, kept in the store so every node uses the
 * same): trained when the user moves mail into Junk (spam) or out of it to anywhere but Trash (ham),
 * over IMAP, JMAP or the webmail; asked at delivery.
 */
public interface SpamClassifier {

    /** The spam probability (0..1) of a message with these tokens for this account, or -1 while it has too little training. */
    double probability(Account account, long[] tokens);

    /** Trains with a stored message content now; whether anything changed (the same content trained the same way counts once). */
    boolean train(Account account, BlobId content, boolean spam);

    /** Trains in the background (what a move into or out of Junk asks for): the mover does not wait. */
    void trainLater(Account account, List<BlobId> contents, boolean spam);

    /** Whether no training waits in the background. */
    boolean idle();

    /** How many spam and ham messages the account has trained (delivery reads it with the account's other rules: {@code Directory.deliveryRules}). */
    long[] trained(Account account);
}
