package org.postiljon.store.sql;

/** The database failed (I/O, corruption, a bug in a query): not the user's doing. */
public final class StoreFailure extends RuntimeException {
    public StoreFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
