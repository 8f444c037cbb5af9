package org.postiljon.mailauth;

import java.util.List;

/** The DNS as DKIM needs it: the TXT records of a name. */
@FunctionalInterface
public interface KeyLookup {

    /**
     * The TXT records at {@code name}, each record's strings joined; empty when the name has none
     * (NXDOMAIN or no TXT).
     *
     * @throws TemporaryFailure when the DNS did not answer (SERVFAIL, a timeout)
     */
    List<String> txt(String name) throws TemporaryFailure;

    /** The DNS could not be asked now; trying later may work. */
    final class TemporaryFailure extends Exception {
        public TemporaryFailure(String message) {
            super(message);
        }
    }
}
