package org.postiljon.imap.wire;

/** The command was understood and refused: tagged NO with an optional response code (RFC 5530). */
public final class CommandFailed extends RuntimeException {

    private final String code;

    public CommandFailed(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The response code without brackets, e.g. {@code TOOBIG}, or null. */
    public String code() {
        return code;
    }
}
