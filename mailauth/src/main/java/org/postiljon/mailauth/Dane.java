package org.postiljon.mailauth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DANE for SMTP (RFC 7672): whether a server's certificate chain matches the TLSA records of its
 * MX host (RFC 6698 §2.1, RFC 7671). Only the usages SMTP uses count (RFC 7672 §3.1): DANE-EE(3)
 * matches the server's own key or certificate, with no name or date checked (§3.1.1), and
 * DANE-TA(2) a trust anchor in the chain the server sent, from which the chain must verify and
 * whose leaf must name the MX host or the destination domain (§3.2). PKIX-TA(0) and PKIX-EE(1)
 * records are unusable for SMTP (§3.1.3).
 */
public final class Dane {

    private Dane() { }

    /** RFC 6698 §2.1: certificate usage, selector, matching type and the association data. */
    public record Tlsa(int usage, int selector, int matching, byte[] data) {

        public Tlsa {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        /** RFC 7672 §3.1: usable by SMTP: DANE-TA or DANE-EE, a known selector and matching type. */
        public boolean usable() {
            return (usage == 2 || usage == 3) && (selector == 0 || selector == 1) && (matching == 0 || matching == 1 || matching == 2);
        }

        /** The record's presentation form (RFC 6698 §2.2), as reports list it. */
        @Override
        public String toString() {
            return usage + " " + selector + " " + matching + " " + HexFormat.of().formatHex(data);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tlsa t && t.usage == usage && t.selector == selector && t.matching == matching && Arrays.equals(t.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * (31 * usage + selector) + matching) + Arrays.hashCode(data);
        }
    }

    /**
     * What the check came to.
     *
     * @param failure null when the chain matched; else the RFC 8460 result type to report
     */
    public record Outcome(TlsRpt.Result failure, String detail) {
        public boolean matched() {
            return failure == null;
        }
    }

    /**
     * Checks {@code chain} (leaf first, as the server sent it) against the usable records.
     *
     * @param names the reference identifiers for DANE-TA (RFC 7672 §3.2.2): the MX host name, and the destination domain
     */
    public static Outcome check(List<Tlsa> records, X509Certificate[] chain, List<String> names) {
        List<Tlsa> usable = records.stream().filter(Tlsa::usable).toList();
        if (usable.isEmpty()) return new Outcome(TlsRpt.Result.TLSA_INVALID, "no usable TLSA record");
        if (chain.length == 0) return new Outcome(TlsRpt.Result.TLSA_INVALID, "no certificate");
        TlsRpt.Result anchorProblem = null;
        for (Tlsa t : usable) {
            if (t.usage() == 3) {
                if (matches(t, chain[0])) return new Outcome(null, "DANE-EE " + t);
                continue;
            }
            // DANE-TA: any certificate of the chain the server sent may be the anchor (RFC 7671 §5.2.2).
            for (int i = 0; i < chain.length; i++) {
                if (!matches(t, chain[i])) continue;
                if (!verifies(chain, i)) {
                    anchorProblem = TlsRpt.Result.CERTIFICATE_NOT_TRUSTED;
                } else if (!named(chain[0], names)) {
                    if (anchorProblem == null) anchorProblem = TlsRpt.Result.CERTIFICATE_HOST_MISMATCH;
                } else {
                    return new Outcome(null, "DANE-TA " + t);
                }
            }
        }
        if (anchorProblem == TlsRpt.Result.CERTIFICATE_NOT_TRUSTED) return new Outcome(anchorProblem, "the chain does not verify from the TLSA trust anchor");
        if (anchorProblem != null) return new Outcome(anchorProblem, "the certificate names none of " + names);
        return new Outcome(TlsRpt.Result.TLSA_INVALID, "no TLSA record matches the certificate chain");
    }

    private static boolean matches(Tlsa t, X509Certificate c) {
        try {
            // RFC 6698 §2.1.2: the full certificate, or its SubjectPublicKeyInfo.
            byte[] selected = t.selector() == 0 ? c.getEncoded() : c.getPublicKey().getEncoded();
            byte[] digest = switch (t.matching()) {
                case 0 -> selected;
                case 1 -> MessageDigest.getInstance("SHA-256").digest(selected);
                case 2 -> MessageDigest.getInstance("SHA-512").digest(selected);
                default -> null;
            };
            return digest != null && MessageDigest.isEqual(digest, t.data);
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            return false;
        }
    }

    /** Whether the chain from the leaf up to {@code chain[anchor]} verifies with that certificate as its trust anchor. */
    private static boolean verifies(X509Certificate[] chain, int anchor) {
        if (anchor == 0) return true; // the leaf is the anchor: nothing to verify
        try {
            List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain).subList(0, anchor));
            PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(chain[anchor], null)));
            p.setRevocationEnabled(false); // RFC 7672 §3.1.2: no revocation checks for DANE-TA
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), p);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** RFC 7672 §3.2.3: a DNS-ID of the leaf (wildcards as the leftmost label only), else its CN when it has no DNS-ID. */
    static boolean named(X509Certificate leaf, List<String> names) {
        List<String> ids = new ArrayList<>();
        try {
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> san : leaf.getSubjectAlternativeNames()) if (Integer.valueOf(2).equals(san.get(0))) ids.add(san.get(1).toString());
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return false;
        }
        if (ids.isEmpty()) {
            for (String rdn : leaf.getSubjectX500Principal().getName().split(",")) if (rdn.startsWith("CN=")) ids.add(rdn.substring(3));
        }
        for (String id : ids) {
            String p = id.toLowerCase(Locale.ROOT);
            for (String n : names) {
                String name = n.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
                if (p.equals(name)) return true;
                int dot = name.indexOf('.');
                if (p.startsWith("*.") && dot > 0 && name.substring(dot + 1).equals(p.substring(2))) return true;
            }
        }
        return false;
    }
}
