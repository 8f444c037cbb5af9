package org.postiljon.mailauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** RFC 7672 §3's matching rules on real certificate chains (a CA and the leaves it issues). */
class DaneTest {

    private static final KeyPair CA_KEY = keys();
    private static final X509Certificate CA = certificate("CN=Test CA", CA_KEY, "CN=Test CA", CA_KEY, true, null, Duration.ofDays(30));

    static KeyPair keys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for {@code subject}'s key, signed by {@code issuerKey}; valid from an hour ago for {@code life} (negative: expired). */
    static X509Certificate certificate(String subject, KeyPair key, String issuer, KeyPair issuerKey, boolean ca, String dnsName, Duration life) {
        try {
            Instant now = Instant.now();
            Instant from = life.isNegative() ? now.minus(Duration.ofDays(10)) : now.minus(Duration.ofHours(1));
            Instant to = life.isNegative() ? now.minus(Duration.ofDays(1)) : now.plus(life);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer), BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(from), Date.from(to), new X500Name(subject), key.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (dnsName != null) b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void daneEeMatchesTheKeyOrCertificateWhateverItsNameOrDate() throws Exception {
        KeyPair k = keys();
        X509Certificate expiredOtherName = certificate("CN=whatever", k, "CN=whatever", k, false, "other.example", Duration.ofDays(-1));
        X509Certificate[] chain = {expiredOtherName};
        List<String> names = List.of("mx.example.net", "example.net");
        assertTrue(Dane.check(List.of(new Dane.Tlsa(3, 1, 1, sha256(k.getPublic().getEncoded()))), chain, names).matched(), "3 1 1: SPKI SHA-256");
        assertTrue(Dane.check(List.of(new Dane.Tlsa(3, 0, 0, expiredOtherName.getEncoded())), chain, names).matched(), "3 0 0: the whole certificate");
        assertTrue(Dane.check(List.of(new Dane.Tlsa(3, 0, 2, MessageDigest.getInstance("SHA-512").digest(expiredOtherName.getEncoded()))), chain, names)
                .matched(), "3 0 2: certificate SHA-512");
        Dane.Outcome wrong = Dane.check(List.of(new Dane.Tlsa(3, 1, 1, new byte[32])), chain, names);
        assertEquals(TlsRpt.Result.TLSA_INVALID, wrong.failure());
        assertTrue(Dane.check(List.of(new Dane.Tlsa(3, 1, 1, new byte[32]), new Dane.Tlsa(3, 1, 1, sha256(k.getPublic().getEncoded()))), chain, names)
                .matched(), "one matching record of several is enough");
    }

    @Test
    void pkixUsagesAndUnknownTypesAreUnusableForSmtp() throws Exception {
        KeyPair k = keys();
        X509Certificate leaf = certificate("CN=mx", k, "CN=Test CA", CA_KEY, false, "mx.example.net", Duration.ofDays(1));
        byte[] spki = sha256(k.getPublic().getEncoded());
        assertFalse(new Dane.Tlsa(1, 1, 1, spki).usable(), "PKIX-EE: RFC 7672 §3.1.3");
        assertFalse(new Dane.Tlsa(0, 1, 1, spki).usable(), "PKIX-TA");
        assertFalse(new Dane.Tlsa(3, 1, 7, spki).usable(), "an unknown matching type");
        Dane.Outcome o = Dane.check(List.of(new Dane.Tlsa(1, 1, 1, spki)), new X509Certificate[] {leaf, CA}, List.of("mx.example.net"));
        assertEquals("no usable TLSA record", o.detail());
        assertEquals("3 1 1 " + java.util.HexFormat.of().formatHex(spki), new Dane.Tlsa(3, 1, 1, spki).toString());
    }

    @Test
    void daneTaNeedsTheAnchorInTheChainAVerifyingChainAndTheNameOfTheHostOrDomain() throws Exception {
        KeyPair k = keys();
        X509Certificate leaf = certificate("CN=mx", k, "CN=Test CA", CA_KEY, false, "*.example.net", Duration.ofDays(1));
        Dane.Tlsa anchor = new Dane.Tlsa(2, 0, 1, sha256(CA.getEncoded()));
        assertTrue(Dane.check(List.of(anchor), new X509Certificate[] {leaf, CA}, List.of("mx.example.net", "example.net")).matched(),
                "the CA sent in the chain, a wildcard name for the MX host");
        assertEquals(TlsRpt.Result.TLSA_INVALID, Dane.check(List.of(anchor), new X509Certificate[] {leaf}, List.of("mx.example.net")).failure(),
                "RFC 7671 §5.2.2: the server must send the anchor");
        assertEquals(TlsRpt.Result.CERTIFICATE_HOST_MISMATCH,
                Dane.check(List.of(anchor), new X509Certificate[] {leaf, CA}, List.of("mx.example.org", "example.org")).failure(), "another name");
        assertEquals(TlsRpt.Result.CERTIFICATE_HOST_MISMATCH,
                Dane.check(List.of(anchor), new X509Certificate[] {leaf, CA}, List.of("a.mx.example.net")).failure(), "a wildcard is one label");
        // A leaf the anchor did not sign, sent with the anchor: the chain does not verify.
        KeyPair rogue = keys();
        X509Certificate forged = certificate("CN=mx", keys(), "CN=Test CA", rogue, false, "mx.example.net", Duration.ofDays(1));
        assertEquals(TlsRpt.Result.CERTIFICATE_NOT_TRUSTED, Dane.check(List.of(anchor), new X509Certificate[] {forged, CA}, List.of("mx.example.net")).failure());
        // The domain itself as the reference identifier (RFC 7672 §3.2.2).
        X509Certificate domainCert = certificate("CN=mx", k, "CN=Test CA", CA_KEY, false, "example.net", Duration.ofDays(1));
        assertTrue(Dane.check(List.of(anchor), new X509Certificate[] {domainCert, CA}, List.of("mx.example.net", "example.net")).matched());
    }
}
