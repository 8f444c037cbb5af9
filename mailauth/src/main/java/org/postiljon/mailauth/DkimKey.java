package org.postiljon.mailauth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A key a domain signs with: {@code selector._domainkey.domain} publishes its public half.
 *
 * @param domain    the d= domain, lower case
 * @param selector  the s= selector
 * @param algorithm how it signs
 */
public record DkimKey(String domain, String selector, Algorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {

    /** RFC 8301 / RFC 8463: rsa-sha256 (2048-bit keys made here) and ed25519-sha256. rsa-sha1 is never used. */
    public enum Algorithm {
        RSA_SHA256("rsa-sha256", "rsa"), ED25519_SHA256("ed25519-sha256", "ed25519");

        final String tag;
        final String keyType;

        Algorithm(String tag, String keyType) {
            this.tag = tag;
            this.keyType = keyType;
        }

        public String tag() {
            return tag;
        }
    }

    /** The DER prefix that makes a raw 32-octet Ed25519 public key a SubjectPublicKeyInfo (RFC 8410). */
    static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    public DkimKey {
        domain = domain.toLowerCase(java.util.Locale.ROOT);
        if (!selector.matches("[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
            throw new IllegalArgumentException("a selector is one or more DNS labels: " + selector);
        }
    }

    /** A new key: RSA of 2048 bits, or Ed25519. */
    public static DkimKey generate(String domain, String selector, Algorithm algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm == Algorithm.RSA_SHA256 ? "RSA" : "Ed25519");
            if (algorithm == Algorithm.RSA_SHA256) g.initialize(2048);
            KeyPair p = g.generateKeyPair();
            return new DkimKey(domain, selector, algorithm, p.getPrivate(), p.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make " + algorithm + " keys", e);
        }
    }

    /** A key from its PKCS#8 encoding (what {@link #privateKeyPkcs8} gives), with its public half derived. */
    public static DkimKey of(String domain, String selector, Algorithm algorithm, byte[] pkcs8) throws GeneralSecurityException {
        KeyFactory f = KeyFactory.getInstance(algorithm == Algorithm.RSA_SHA256 ? "RSA" : "Ed25519");
        PrivateKey priv = f.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        return new DkimKey(domain, selector, algorithm, priv, publicOf(priv));
    }

    private static PublicKey publicOf(PrivateKey priv) throws GeneralSecurityException {
        if (priv instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
            return KeyFactory.getInstance("RSA").generatePublic(new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        }
        if (priv instanceof java.security.interfaces.EdECPrivateKey ed) {
            // The JDK derives an Ed25519 public key only by signing machinery; derive it with a throwaway generator seeded by the key.
            byte[] seed = ed.getBytes().orElseThrow();
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            g.initialize(java.security.spec.NamedParameterSpec.ED25519, new FixedRandom(seed));
            return g.generateKeyPair().getPublic();
        }
        throw new GeneralSecurityException("an RSA (CRT) or Ed25519 private key is needed");
    }

    /** Gives exactly the seed once: the JDK's Ed25519 generator takes its 32-octet private key from the random source. */
    private static final class FixedRandom extends java.security.SecureRandom {
        private final byte[] seed;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
    }

    public byte[] privateKeyPkcs8() {
        return privateKey.getEncoded();
    }

    /** The p= value: SubjectPublicKeyInfo for RSA, the raw 32 octets for Ed25519 (RFC 8463 §4.2). */
    public String publicKeyTag() {
        byte[] spki = publicKey.getEncoded();
        if (algorithm == Algorithm.ED25519_SHA256) spki = Arrays.copyOfRange(spki, ED25519_SPKI_PREFIX.length, spki.length);
        return Base64.getEncoder().encodeToString(spki);
    }

    /** The DNS record to publish: its name and TXT text (one string; split into 255-octet strings when a zone file needs it). */
    public String dnsName() {
        return selector + "._domainkey." + domain;
    }

    public String dnsText() {
        return "v=DKIM1; k=" + algorithm.keyType + "; p=" + publicKeyTag();
    }
}
