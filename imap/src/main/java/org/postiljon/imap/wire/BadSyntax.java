package org.postiljon.imap.wire;

/** The command cannot be parsed: tagged BAD. The message is safe to send. */
public final class BadSyntax extends RuntimeException {
    public BadSyntax(String message) {
        super(message, null, false, false);
    }
}
