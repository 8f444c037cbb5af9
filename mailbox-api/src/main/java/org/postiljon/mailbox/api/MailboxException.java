package org.postiljon.mailbox.api;

/**
 * A failure the user caused or can act on. The message is safe to show to a client: it never
 * carries a stack trace, a path on disk or another user's data.
 */
public abstract sealed class MailboxException extends RuntimeException
        permits MailboxException.AccountExists, MailboxException.NoSuchAccount,
                MailboxException.DomainExists, MailboxException.NoSuchDomain,
                MailboxException.AliasExists, MailboxException.NoSuchAlias,
                MailboxException.MailboxExists, MailboxException.NoSuchMailbox,
                MailboxException.InvalidName, MailboxException.NotAllowed,
                MailboxException.TooBig, MailboxException.OverQuota, MailboxException.NoRights,
                MailboxException.LimitReached, MailboxException.Unavailable, MailboxException.Damaged {

    protected MailboxException(String message) {
        super(message, null, false, false);
    }

    public static final class AccountExists extends MailboxException {
        public AccountExists(String address) { super("account already exists: " + address); }
    }

    public static final class NoSuchAccount extends MailboxException {
        public NoSuchAccount(String address) { super("no such account: " + address); }
    }

    public static final class DomainExists extends MailboxException {
        public DomainExists(String domain) { super("domain already exists: " + domain); }
    }

    public static final class NoSuchDomain extends MailboxException {
        public NoSuchDomain(String domain) { super("no such domain: " + domain); }
    }

    public static final class AliasExists extends MailboxException {
        public AliasExists(String alias) { super("alias already exists: " + alias); }
    }

    public static final class NoSuchAlias extends MailboxException {
        public NoSuchAlias(String alias) { super("no such alias: " + alias); }
    }

    public static final class MailboxExists extends MailboxException {
        public MailboxExists(String name) { super("mailbox already exists: " + name); }
    }

    public static final class NoSuchMailbox extends MailboxException {
        public NoSuchMailbox(String name) { super("no such mailbox: " + name); }
    }

    /** A name, address or value that breaks a syntax or policy rule; the message says which. */
    public static final class InvalidName extends MailboxException {
        public InvalidName(String reason) { super(reason); }
    }

    /** A valid request that the model refuses, such as deleting INBOX. */
    public static final class NotAllowed extends MailboxException {
        public NotAllowed(String reason) { super(reason); }
    }

    /** A message larger than the configured maximum. */
    public static final class TooBig extends MailboxException {
        public TooBig(long limit) { super("message larger than " + limit + " bytes"); }
    }

    /**
     * The owner's quota would be exceeded. {@code permanent}: the message alone is larger than the
     * limit, so trying again cannot help (SMTP 552 5.2.2 rather than 452 4.2.2).
     */
    public static final class OverQuota extends MailboxException {
        private final boolean permanent;

        public OverQuota(String reason, boolean permanent) {
            super(reason);
            this.permanent = permanent;
        }

        public boolean permanent() {
            return permanent;
        }
    }

    /** The user may see the mailbox but lacks the right the operation needs (RFC 4314 §4). */
    public static final class NoRights extends MailboxException {
        public NoRights(String reason) { super(reason); }
    }

    /** A limit of the server's (not the quota): folders per account, and the like (RFC 5530 LIMIT). */
    public static final class LimitReached extends MailboxException {
        public LimitReached(String reason) { super(reason); }
    }

    /**
     * The operation failed for a passing reason of the server's (its storage is full); trying again
     * later may work. Nothing was changed.
     */
    public static final class Unavailable extends MailboxException {
        public Unavailable(String reason) { super(reason); }

        /** The storage is full: what the store and the blob store throw instead of their own failure. */
        public static Unavailable storageFull() {
            return new Unavailable("the server's storage is full; try again later");
        }

        /**
         * Whether an I/O error is a full disk (ENOSPC). The JDK reports it only as text, so the text
         * is read, at the few places where message files are written.
         */
        public static boolean isStorageFull(java.io.IOException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (String.valueOf(t.getMessage()).contains("No space left on device")) return true;
            }
            return false;
        }
    }

    /** A message's stored bytes are missing, cut short or altered (RFC 5530 CORRUPTION); {@code postiljon check} lists all. */
    public static final class Damaged extends MailboxException {
        public Damaged(String reason) { super(reason); }
    }
}
