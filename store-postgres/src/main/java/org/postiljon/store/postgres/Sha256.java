package org.postiljon.store.postgres;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The digest that names a content. */
final class Sha256 {

    private Sha256() { }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
