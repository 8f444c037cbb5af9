package org.postiljon.mailbox.api;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Local delivery, the one implementation for SMTP (MX, submission, LMTP) and JMAP submission:
 * where a recipient address leads (aliases, catch-all, postmaster, sub-addressing), and one
 * message into every recipient's mailbox, stored, parsed and indexed once, each recipient with
 * its own trace fields (RFC 5321 §4.4) beside the shared content.
 */
public interface Deliveries {

    /**
     * Where mail to a local address goes.
     *
     * @param address  the address as routed (a bare "postmaster" already given its domain)
     * @param accounts the accounts it reaches, after aliases and sub-addressing
     * @param folder   the folder in each account: INBOX, or the "+tag" folder the user opted into
     * @param junk     file it in each account's Junk folder instead (a sender's DMARC policy
     *                 asked for quarantine, or a filter judged it spam)
     * @param forward  addresses on other servers an alias forwards to (the SMTP layer queues them)
     */
    record Route(EmailAddress address, List<Account> accounts, MailboxName folder, boolean junk, List<EmailAddress> forward) {
        public Route {
            accounts = List.copyOf(accounts);
            forward = List.copyOf(forward);
            if (accounts.isEmpty() && forward.isEmpty()) throw new IllegalArgumentException("a route reaches at least one account or address");
        }

        public Route(EmailAddress address, List<Account> accounts, MailboxName folder) {
            this(address, accounts, folder, false, List.of());
        }

        /** The same recipients, each reached in its Junk folder (the \Junk special use, RFC 6154; made when missing). */
        public Route toJunk() {
            return new Route(address, accounts, folder, true, forward);
        }
    }

    /**
     * How the message came in, for its Received field (RFC 5321 §4.4).
     *
     * @param from     the "from" clause (the client's HELO and address), or null for a message that
     *                 did not come over the network from a mail client (JMAP submission)
     * @param protocol the "with" protocol (ESMTP, ESMTPSA, LMTP, HTTPS...)
     */
    record Via(String from, String protocol) { }

    /**
     * The route of an address; empty when its domain is not local or it leads to no account here
     * (the caller tells the two apart with {@code Directory.isLocal} only then: a route is one read).
     */
    Optional<Route> route(EmailAddress to);

    /**
     * {@code postmaster@} the domain of this server's host name, else of the first local domain
     * (RFC 5321 §4.5.1: a bare "postmaster" recipient); empty when there is no local domain.
     */
    Optional<EmailAddress> postmaster();

    /** Copies stored by this delivery agent since it was made, one per recipient account (for metrics). */
    long delivered();

    /** A Received field (RFC 5321 §4.4) naming this server, with a "for" clause when {@code recipient} is not null. */
    String received(Via via, String recipient);

    /**
     * Begins delivering one message; {@code content} is opened once, when the first recipient is
     * delivered to. Close the batch when done: content no delivery took is given up.
     *
     * @param returnPath the envelope sender ("" for the null sender)
     */
    Batch begin(String returnPath, Via via, Supplier<InputStream> content);

    /** One message's deliveries. Not for use by several threads. */
    interface Batch extends AutoCloseable {

        /**
         * Delivers to every account of {@code route} that does not have the message in that folder
         * yet (an alias and its target named in one envelope get one copy), with Return-Path,
         * Delivered-To and Received for it. Durable when it returns.
         *
         * @param given the recipient as the client named it, for Delivered-To and Received's "for"
         * @throws MailboxException.OverQuota when an account has no room (the others were delivered to)
         */
        void deliver(String given, Route route);

        /**
         * Delivers to one account's {@code folder} with {@code flags} (what its Sieve script
         * decided), with the same trace fields; once per account and folder, as {@link #deliver}.
         *
         * @throws MailboxException.NoSuchMailbox when the folder does not exist
         */
        default void deliverTo(String given, Account account, MailboxName folder, Flags flags) {
            deliverTo(given, account, folder, flags, "");
        }

        /**
         * The same with header fields of this copy's own after its trace fields (the spam
         * filter's X-Spam-Status); {@code folder} null is the account's Junk folder (the \Junk
         * special use, made when missing).
         */
        void deliverTo(String given, Account account, MailboxName folder, Flags flags, String fields);

        /**
         * The same with this copy's own {@code content} instead of the shared one (a Sieve script
         * edited its header, RFC 5293): stored and parsed apart.
         */
        void deliverTo(String given, Account account, MailboxName folder, Flags flags, String fields, Supplier<InputStream> content);

        /** How many mailboxes the message went into. */
        int delivered();

        @Override
        void close();
    }
}
