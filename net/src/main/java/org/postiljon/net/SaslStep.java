package org.postiljon.net;

import org.postiljon.mailbox.api.Account;

/** The outcome of one SASL exchange step. */
public sealed interface SaslStep {

    /** Send this challenge (raw bytes; the protocol base64-encodes it) and wait for a response. */
    record Challenge(byte[] data) implements SaslStep { }

    /** Authenticated; {@code additional} (may be empty) goes with the success, as SCRAM's server-final. */
    record Success(Account account, byte[] additional) implements SaslStep { }

    /** Failed; {@code username} (may be null) is what the client claimed, for throttling and logs. */
    record Failure(String username, String reason) implements SaslStep { }
}
