package org.postiljon.mailauth;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** DKIM signatures (RFC 6376): made for our domains' mail, checked on mail that arrives. */
public final class Dkim {

    /** Fields signed when present; From once more than it occurs, so a From added later breaks the signature (RFC 6376 §8.15). */
    static final List<String> SIGNED = List.of("From", "Reply-To", "Sender", "Subject", "Date", "Message-ID", "To", "Cc", "In-Reply-To",
            "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "List-Id",
            "List-Unsubscribe", "List-Unsubscribe-Post", "Autocrypt");
    /** Signatures checked per message; more are reported as not checked (one sender could make us do unbounded work). */
    static final int MAX_SIGNATURES = 5;
    /** Fields one signature may cover. */
    static final int MAX_SIGNED_FIELDS = 100;
    /** RFC 8301 §3.2: verifiers must not accept RSA keys below 1024 bits. */
    static final int MIN_RSA_BITS = 1024;

    private Dkim() { }

    /**
     * The DKIM-Signature header field (folded, with its final CRLF) to put on top of the message
     * that {@code message} opens: relaxed/relaxed, no body length limit, the usual fields (From
     * over-signed).
     */
    public static String sign(Supplier<InputStream> message, DkimKey key, Instant now) throws IOException {
        HeaderSection header;
        byte[] bodyHash;
        try (InputStream in = message.get()) {
            header = HeaderSection.read(in);
            MessageDigest sha256 = sha256();
            Canonicalization.RELAXED.body(in, sha256, Long.MAX_VALUE);
            bodyHash = sha256.digest();
        }
        List<String> names = new ArrayList<>();
        for (String name : SIGNED) {
            int present = header.named(name).size();
            for (int i = 0; i < present; i++) names.add(name.toLowerCase(Locale.ROOT));
        }
        names.add("from"); // over-signed: covers one From more than there is
        StringBuilder f = new StringBuilder("DKIM-Signature: v=1; a=").append(key.algorithm().tag()).append("; c=relaxed/relaxed;\r\n")
                .append("\td=").append(key.domain()).append("; s=").append(key.selector()).append("; t=").append(now.getEpochSecond()).append(";\r\n")
                .append("\th=");
        int col = 3;
        for (int i = 0; i < names.size(); i++) {
            String part = names.get(i) + (i + 1 < names.size() ? ":" : ";");
            if (col + part.length() > 76) {
                f.append("\r\n\t ");
                col = 2;
            }
            f.append(part);
            col += part.length();
        }
        f.append("\r\n\tbh=").append(Base64.getEncoder().encodeToString(bodyHash)).append(";\r\n\tb=");
        String unsigned = f.toString();
        byte[] signature;
        try {
            Signature s = signer(key.algorithm());
            s.initSign(key.privateKey());
            s.update(input(key.algorithm(), headerHashInput(header, names, Canonicalization.RELAXED, unsigned + "\r\n")));
            signature = s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the key of " + key.domain(), e);
        }
        String b64 = Base64.getEncoder().encodeToString(signature);
        StringBuilder out = new StringBuilder(unsigned);
        for (int i = 0; i < b64.length(); i += 72) {
            if (i > 0) out.append("\r\n\t ");
            out.append(b64, i, Math.min(b64.length(), i + 72));
        }
        return out.append("\r\n").toString();
    }

    /**
     * Checks every DKIM-Signature of the message {@code message} opens (at most
     * {@value #MAX_SIGNATURES}); {@code NONE} alone when it has none. The message is read once
     * per distinct body canonicalization and length.
     */
    public static List<DkimResult> verify(Supplier<InputStream> message, KeyLookup dns, Instant now) throws IOException {
        HeaderSection header;
        try (InputStream in = message.get()) {
            header = HeaderSection.read(in);
        }
        List<HeaderSection.Field> signatures = header.named("DKIM-Signature");
        if (signatures.isEmpty()) return List.of(new DkimResult(DkimResult.Status.NONE, null, null, "no signature"));
        List<DkimResult> out = new ArrayList<>();
        Map<String, byte[]> bodyHashes = new HashMap<>();
        // named() gives the last first; check them top-down, as they were added last to first.
        for (int i = signatures.size() - 1, n = 0; i >= 0; i--, n++) {
            if (n == MAX_SIGNATURES) {
                out.add(new DkimResult(DkimResult.Status.NEUTRAL, null, null, "more than " + MAX_SIGNATURES + " signatures; the rest not checked"));
                break;
            }
            out.add(check(signatures.get(i), header, message, dns, now, bodyHashes));
        }
        return out;
    }

    private static DkimResult check(HeaderSection.Field field, HeaderSection header, Supplier<InputStream> message, KeyLookup dns, Instant now,
                                    Map<String, byte[]> bodyHashes) throws IOException {
        Map<String, String> t;
        try {
            t = TagList.parse(field.value());
        } catch (IllegalArgumentException e) {
            return new DkimResult(DkimResult.Status.PERMERROR, null, null, "unreadable signature: " + e.getMessage());
        }
        String d = t.get("d"), s = t.get("s");
        // RFC 6376 §6.1.1: the tags that must be there, v=1, h= naming From, i= within d=.
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!t.containsKey(required) || (t.get(required).isEmpty() && !required.equals("b"))) {
                return new DkimResult(DkimResult.Status.PERMERROR, d, s, "signature lacks " + required + "=");
            }
        }
        if (!t.get("v").equals("1")) return new DkimResult(DkimResult.Status.PERMERROR, d, s, "version " + t.get("v"));
        String domain = d.toLowerCase(Locale.ROOT);
        if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+") || !s.matches("[A-Za-z0-9._-]{1,253}")) {
            return new DkimResult(DkimResult.Status.PERMERROR, d, s, "d= or s= is not a domain name");
        }
        DkimKey.Algorithm alg = switch (t.get("a").toLowerCase(Locale.ROOT)) {
            case "rsa-sha256" -> DkimKey.Algorithm.RSA_SHA256;
            case "ed25519-sha256" -> DkimKey.Algorithm.ED25519_SHA256;
            default -> null; // rsa-sha1 too: RFC 8301 §3.1 forbids it
        };
        if (alg == null) return new DkimResult(DkimResult.Status.PERMERROR, d, s, "algorithm " + t.get("a") + " not accepted");
        String[] c = t.getOrDefault("c", "simple/simple").toLowerCase(Locale.ROOT).split("/", -1);
        Canonicalization headerC, bodyC;
        try {
            headerC = Canonicalization.of(c[0]);
            bodyC = Canonicalization.of(c.length > 1 ? c[1] : "simple");
            if (c.length > 2) throw new IllegalArgumentException("c=" + t.get("c"));
        } catch (IllegalArgumentException e) {
            return new DkimResult(DkimResult.Status.PERMERROR, d, s, e.getMessage());
        }
        List<String> names = new ArrayList<>();
        for (String n : t.get("h").split(":", -1)) names.add(n.strip().toLowerCase(Locale.ROOT));
        if (names.size() > MAX_SIGNED_FIELDS) return new DkimResult(DkimResult.Status.PERMERROR, d, s, "more than " + MAX_SIGNED_FIELDS + " fields signed");
        if (!names.contains("from")) return new DkimResult(DkimResult.Status.PERMERROR, d, s, "From is not signed");
        if (t.containsKey("i")) {
            String i = t.get("i").toLowerCase(Locale.ROOT);
            String iDomain = i.substring(i.lastIndexOf('@') + 1);
            if (!i.contains("@") || !(iDomain.equals(domain) || iDomain.endsWith("." + domain))) {
                return new DkimResult(DkimResult.Status.PERMERROR, d, s, "i= is not within d=");
            }
        }
        if (t.containsKey("x")) {
            try {
                if (Long.parseLong(t.get("x")) < now.getEpochSecond()) return new DkimResult(DkimResult.Status.FAIL, d, s, "signature expired");
            } catch (NumberFormatException e) {
                return new DkimResult(DkimResult.Status.PERMERROR, d, s, "x= is not a number");
            }
        }
        long limit = Long.MAX_VALUE;
        if (t.containsKey("l")) {
            try {
                limit = Long.parseLong(t.get("l"));
                if (limit < 0) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                return new DkimResult(DkimResult.Status.PERMERROR, d, s, "l= is not a length");
            }
        }

        // The key (RFC 6376 §3.6.2, §6.1.2).
        PublicKey key;
        try {
            key = key(dns, s + "._domainkey." + domain, alg);
        } catch (KeyLookup.TemporaryFailure e) {
            return new DkimResult(DkimResult.Status.TEMPERROR, d, s, "key lookup: " + e.getMessage());
        } catch (KeyProblem e) {
            return new DkimResult(DkimResult.Status.PERMERROR, d, s, e.getMessage());
        }

        // The body hash (§3.7), once per canonicalization and length.
        String bodyKey = bodyC + "/" + limit;
        byte[] bh = bodyHashes.get(bodyKey);
        if (bh == null) {
            try (InputStream in = message.get()) {
                HeaderSection.read(in);
                MessageDigest sha256 = sha256();
                long length = bodyC.body(in, sha256, limit);
                if (length < limit && limit != Long.MAX_VALUE) {
                    return new DkimResult(DkimResult.Status.PERMERROR, d, s, "l= is longer than the body");
                }
                bh = sha256.digest();
            }
            bodyHashes.put(bodyKey, bh);
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(t.get("bh").replaceAll("[ \t\r\n]", ""));
        } catch (IllegalArgumentException e) {
            return new DkimResult(DkimResult.Status.PERMERROR, d, s, "bh= is not base64");
        }
        if (!MessageDigest.isEqual(claimed, bh)) return new DkimResult(DkimResult.Status.FAIL, d, s, "body hash did not verify");

        // The header hash and the signature (§3.7, §6.1.3).
        byte[] b;
        try {
            b = Base64.getDecoder().decode(t.get("b").replaceAll("[ \t\r\n]", ""));
        } catch (IllegalArgumentException e) {
            return new DkimResult(DkimResult.Status.PERMERROR, d, s, "b= is not base64");
        }
        try {
            Signature v = signer(alg);
            v.initVerify(key);
            v.update(input(alg, headerHashInput(header, names, headerC, withoutSignature(field.raw()))));
            if (!v.verify(b)) return new DkimResult(DkimResult.Status.FAIL, d, s, "signature did not verify");
        } catch (GeneralSecurityException e) {
            return new DkimResult(DkimResult.Status.FAIL, d, s, "signature did not verify: " + e.getMessage());
        }
        return new DkimResult(DkimResult.Status.PASS, d, s, null);
    }

    /** A key record that cannot serve this signature. */
    private static final class KeyProblem extends Exception {
        KeyProblem(String message) {
            super(message);
        }
    }

    private static PublicKey key(KeyLookup dns, String name, DkimKey.Algorithm alg) throws KeyLookup.TemporaryFailure, KeyProblem {
        List<String> records = dns.txt(name);
        if (records.isEmpty()) throw new KeyProblem("no key at " + name);
        if (records.size() > 1) throw new KeyProblem("more than one record at " + name); // §6.1.2: ambiguous, treat as failure
        Map<String, String> k;
        try {
            k = TagList.parse(records.getFirst());
        } catch (IllegalArgumentException e) {
            throw new KeyProblem("unreadable key record: " + e.getMessage());
        }
        if (k.containsKey("v") && !k.get("v").equals("DKIM1")) throw new KeyProblem("key record version " + k.get("v"));
        if (!k.getOrDefault("k", "rsa").equalsIgnoreCase(alg.keyType)) throw new KeyProblem("key type " + k.get("k") + " does not fit " + alg.tag());
        if (k.containsKey("h") && !List.of(k.get("h").toLowerCase(Locale.ROOT).split("\\s*:\\s*")).contains("sha256")) {
            throw new KeyProblem("key is not for sha256");
        }
        if (k.containsKey("s") && !List.of(k.get("s").split("\\s*:\\s*")).stream().anyMatch(x -> x.equals("*") || x.equals("email"))) {
            throw new KeyProblem("key is not for email");
        }
        String p = k.get("p");
        if (p == null) throw new KeyProblem("key record has no p=");
        if (p.isEmpty()) throw new KeyProblem("key revoked");
        try {
            byte[] der = Base64.getDecoder().decode(p.replaceAll("\\s", ""));
            if (alg == DkimKey.Algorithm.ED25519_SHA256) {
                if (der.length != 32) throw new KeyProblem("an Ed25519 key is 32 octets");
                byte[] spki = java.util.Arrays.copyOf(DkimKey.ED25519_SPKI_PREFIX, DkimKey.ED25519_SPKI_PREFIX.length + 32);
                System.arraycopy(der, 0, spki, DkimKey.ED25519_SPKI_PREFIX.length, 32);
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            }
            PublicKey rsa = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            if (((RSAPublicKey) rsa).getModulus().bitLength() < MIN_RSA_BITS) throw new KeyProblem("RSA key shorter than " + MIN_RSA_BITS + " bits");
            return rsa;
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            throw new KeyProblem("unreadable public key");
        }
    }

    /**
     * What is signed (RFC 6376 §3.7): the fields named in h=, each taken from the bottom up among
     * its namesakes (a name more often than present counts as an empty, absent field), then the
     * DKIM-Signature field itself with an empty b= and no final CRLF.
     */
    static byte[] headerHashInput(HeaderSection header, List<String> names, Canonicalization c, String signatureField) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new HashMap<>();
        for (String name : names) {
            List<HeaderSection.Field> candidates = header.named(name);
            int n = used.merge(name, 1, Integer::sum) - 1;
            if (n < candidates.size()) data.append(c.header(candidates.get(n).raw()));
        }
        String own = c.header(signatureField);
        data.append(own, 0, own.length() - 2);
        return HeaderSection.bytes(data.toString());
    }

    /** The signature field with the value of its b= tag removed (§3.7: "the value of the b= tag ... deleted"). */
    static String withoutSignature(String raw) {
        int i = 0;
        while (i < raw.length()) {
            int end = raw.indexOf(';', i);
            if (end < 0) end = raw.length() - 2; // up to the final CRLF
            String spec = raw.substring(i, end);
            int eq = spec.indexOf('=');
            int colon = i == 0 ? spec.indexOf(':') : -1; // the first spec starts with the field name
            String name = eq < 0 ? "" : spec.substring(colon + 1, eq).strip();
            if (name.equals("b")) return raw.substring(0, i + eq + 1) + raw.substring(end);
            i = end + 1;
            if (end >= raw.length() - 2) break;
        }
        return raw;
    }

    private static Signature signer(DkimKey.Algorithm alg) throws NoSuchAlgorithmException {
        return Signature.getInstance(alg == DkimKey.Algorithm.RSA_SHA256 ? "SHA256withRSA" : "Ed25519");
    }

    /** RFC 8463 §3: Ed25519 signs the SHA-256 of the data; RSA signs the data (hashing it itself). */
    private static byte[] input(DkimKey.Algorithm alg, byte[] data) {
        return alg == DkimKey.Algorithm.ED25519_SHA256 ? sha256().digest(data) : data;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
