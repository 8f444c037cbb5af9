package org.postiljon.store.sql;

/** The database failed (I/O, corruption, a bug in a query): not the user's doing. */
public final class StoreFailure extends RuntimeException {
    public StoreFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The failure as callers see it: a full disk is the domain's temporary refusal (every protocol
     * maps it: IMAP NO [UNAVAILABLE], SMTP 452 4.3.1...), anything else a store failure.
     */
    static RuntimeException of(Dialect dialect, String message, Throwable cause) {
        if (cause instanceof java.sql.SQLException e && dialect.isStorageFull(e)) {
            return org.postiljon.mailbox.api.MailboxException.Unavailable.storageFull();
        }
        return new StoreFailure(message, cause);
    }
}
