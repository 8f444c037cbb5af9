package org.postiljon.jmap;

/** A method-level error (RFC 8620 §3.6.2): answered as an {@code error} response, the request goes on. */
final class MethodError extends RuntimeException {

    final String type;

    MethodError(String type, String description) {
        super(description, null, false, false);
        this.type = type;
    }

    static MethodError invalidArguments(String description) {
        return new MethodError("invalidArguments", description);
    }

    static MethodError accountNotFound() {
        return new MethodError("accountNotFound", "no such account, or not yours");
    }

    static MethodError stateMismatch(String expected, String actual) {
        return new MethodError("stateMismatch", "ifInState " + expected + " does not match the current state " + actual);
    }
}
