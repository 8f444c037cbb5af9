package org.postiljon.mailauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Sender Rewriting Scheme (Shevek's "SRS" as libsrs2 and postsrsd write it): a message this
 * server forwards leaves with an envelope sender in its own domain, so SPF at the next server
 * checks our address, not the original sender's; a bounce to that address comes back here and is
 * sent on to the original sender. The address carries a keyed hash and a day stamp, so only
 * addresses this server made in the last {@value #MAX_AGE_DAYS} days are reversed (no open relay).
 *
 * <pre>
 *   alice@example.net                 → SRS0=HHHH=TT=example.net=alice@forwarder.example
 *   SRS0=HHHH=TT=example.net=alice@a  → SRS1=HHHH=a==HHHH=TT=example.net=alice@forwarder.example
 * </pre>
 */
public final class Srs {

    /** How long a rewritten address is accepted back (bounces come within days). */
    public static final int MAX_AGE_DAYS = 21;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private final byte[] secret;

    public Srs(byte[] secret) {
        if (secret.length < 16) throw new IllegalArgumentException("an SRS secret has at least 16 bytes");
        this.secret = secret.clone();
    }

    /** The envelope sender for forwarding mail from {@code sender} (an address, not empty) through {@code domain}, ours. */
    public String forward(String sender, String domain, Instant now) {
        int at = sender.lastIndexOf('@');
        String local = sender.substring(0, at), host = sender.substring(at + 1);
        String upper = local.toUpperCase(Locale.ROOT);
        if (upper.startsWith("SRS0") && local.length() > 4 && "=+-".indexOf(local.charAt(4)) >= 0) {
            // Forwarded before by host: SRS1 keeps that forwarder and its opaque part, so the bounce goes back through it.
            String opaque = local.substring(4);
            return "SRS1=" + hash(host + opaque) + "=" + host + "=" + opaque + "@" + domain;
        }
        if (upper.startsWith("SRS1") && local.length() > 4 && "=+-".indexOf(local.charAt(4)) >= 0) {
            String[] p = local.substring(5).split("=", 3); // HHHH, first forwarder, =opaque
            if (p.length == 3 && p[2].startsWith("=")) return "SRS1=" + hash(p[1] + p[2]) + "=" + p[1] + "=" + p[2] + "@" + domain;
        }
        String tt = stamp(now);
        return "SRS0=" + hash(tt + host + local) + "=" + tt + "=" + host + "=" + local + "@" + domain;
    }

    /** The address {@code local} (the part before '@' of an address at one of our domains) stands for; empty when it is no valid SRS address of ours. */
    public Optional<String> reverse(String local, Instant now) {
        String upper = local.toUpperCase(Locale.ROOT);
        if (local.length() < 6 || "=+-".indexOf(local.charAt(4)) < 0) return Optional.empty();
        if (upper.startsWith("SRS0")) {
            String[] p = local.substring(5).split("=", 4); // HHHH, TT, host, local
            if (p.length != 4 || p[2].isEmpty() || p[3].isEmpty() || !equalHash(p[0], p[1] + p[2] + p[3]) || !fresh(p[1], now)) return Optional.empty();
            return Optional.of(p[3] + "@" + p[2]);
        }
        if (upper.startsWith("SRS1")) {
            String[] p = local.substring(5).split("=", 3); // HHHH, first forwarder, =opaque
            if (p.length != 3 || p[1].isEmpty() || !p[2].startsWith("=") || !equalHash(p[0], p[1] + p[2])) return Optional.empty();
            return Optional.of("SRS0" + p[2] + "@" + p[1]);
        }
        return Optional.empty();
    }

    /** Days since 1970 modulo 1024, two base32 characters. */
    static String stamp(Instant now) {
        int d = (int) (now.getEpochSecond() / 86_400 % 1024);
        return "" + BASE32.charAt(d >> 5 & 31) + BASE32.charAt(d & 31);
    }

    private static boolean fresh(String tt, Instant now) {
        if (tt.length() != 2) return false;
        int hi = BASE32.indexOf(Character.toUpperCase(tt.charAt(0))), lo = BASE32.indexOf(Character.toUpperCase(tt.charAt(1)));
        if (hi < 0 || lo < 0) return false;
        int today = (int) (now.getEpochSecond() / 86_400 % 1024);
        int age = Math.floorMod(today - (hi << 5 | lo), 1024);
        return age <= MAX_AGE_DAYS;
    }

    /** Four characters of base64(HMAC-SHA1(secret, text in lower case)), as libsrs2. */
    private String hash(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            byte[] h = mac.doFinal(text.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(h).substring(0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean equalHash(String given, String text) {
        // Mail systems may change the case of a local part: compared without case, in constant time.
        return MessageDigest.isEqual(given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8),
                hash(text).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }
}
