package org.postiljon.mailbox.api;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** SCRAM-SHA-256 secrets (RFC 5802 §3, RFC 7677): what the server keeps instead of the password. */
public final class Scram {

    /** RFC 7677 §4: at least 4096 iterations. */
    public static final int ITERATIONS = 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Scram() { }

    public static ScramSecret newSecret(char[] password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] salted = saltedPassword(password, salt, ITERATIONS);
        byte[] clientKey = hmac(salted, "Client Key");
        return new ScramSecret(salt, ITERATIONS, sha256(clientKey), hmac(salted, "Server Key"));
    }

    /** SaltedPassword := Hi(Normalize(password), salt, i); SASLprep is left to the caller. */
    public static byte[] saltedPassword(char[] password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            return f.generateSecret(new PBEKeySpec(password, salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has PBKDF2WithHmacSHA256", e);
        }
    }

    public static byte[] hmac(byte[] key, String text) {
        return hmac(key, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has HmacSHA256", e);
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
