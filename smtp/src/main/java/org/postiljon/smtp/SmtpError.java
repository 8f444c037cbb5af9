package org.postiljon.smtp;

/** A refused command: the reply code, the RFC 3463 enhanced status code and a text for people. */
final class SmtpError extends RuntimeException {

    final int code;
    final String status;

    SmtpError(int code, String status, String text) {
        super(text, null, false, false);
        this.code = code;
        this.status = status;
    }

    /** 501 5.5.4: the arguments are wrong. */
    static SmtpError syntax(String text) {
        return new SmtpError(501, "5.5.4", text);
    }

    /** 503 5.5.1: the command is fine, its time is not. */
    static SmtpError sequence(String text) {
        return new SmtpError(503, "5.5.1", text);
    }
}
