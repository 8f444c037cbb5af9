package org.postiljon.pop3;

/**
 * A command that fails: {@code -ERR [code] text}. Codes are RFC 2449 §8 / RFC 3206:
 * IN-USE, LOGIN-DELAY, AUTH, SYS/TEMP, SYS/PERM; null for none.
 */
final class Pop3Error extends RuntimeException {

    final String code;

    Pop3Error(String code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    Pop3Error(String text) {
        this(null, text);
    }
}
