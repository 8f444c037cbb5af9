package org.postiljon.mailbox;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.TwoFactor;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;

/**
 * TOTP (RFC 6238 over RFC 4226's HOTP) with the secrets in the store (table {@code totp}): 160-bit
 * secrets, HMAC-SHA1, 30-second steps, 6 digits, one step of drift either way, and a code accepted
 * once (the last step used is kept, so a code seen over someone's shoulder cannot be used again).
 */
final class StoredTwoFactor implements TwoFactor {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    static final int STEP_SECONDS = 30;

    private final MetadataStore store;
    private final Clock clock;
    private final VerifiedCredentials verified;

    /** @param verified the cache of verified passwords, which must forget an account when two-step sign-in goes on */
    StoredTwoFactor(MetadataStore store, Clock clock, VerifiedCredentials verified) {
        this.store = store;
        this.clock = clock;
        this.verified = verified;
    }

    @Override
    public boolean enabled(Account account) {
        return store.read(tx -> tx.totp(account.id())).filter(ReadTx.Totp::enabled).isPresent();
    }

    @Override
    public String begin(Account account) {
        byte[] key = new byte[20];
        RANDOM.nextBytes(key);
        String secret = base32(key);
        store.write(tx -> {
            Optional<ReadTx.Totp> now = tx.totp(account.id());
            if (now.isPresent() && now.get().enabled()) throw new org.postiljon.mailbox.api.MailboxException.NotAllowed("two-step sign-in is on; turn it off first");
            tx.putTotp(account.id(), new ReadTx.Totp(secret, false, 0));
            return null;
        });
        return secret;
    }

    @Override
    public boolean confirm(Account account, String code) {
        boolean on = accept(account, code, false);
        if (on) verified.forget(account.id()); // a cached password must not sign in alone from now on
        return on;
    }

    @Override
    public boolean check(Account account, String code) {
        return accept(account, code, true);
    }

    /** Whether {@code code} matches a step not used before; if so that step is noted (and with {@code !enabled} it is turned on). */
    private boolean accept(Account account, String code, boolean enabled) {
        if (code == null || !code.strip().matches("[0-9]{6}")) return false;
        int given = Integer.parseInt(code.strip());
        long now = clock.instant().getEpochSecond() / STEP_SECONDS;
        return store.write(tx -> {
            Optional<ReadTx.Totp> t = tx.totp(account.id());
            if (t.isEmpty() || t.get().enabled() != enabled) return false;
            byte[] key = unbase32(t.get().secret());
            for (long step = now - 1; step <= now + 1; step++) {
                if (step > t.get().lastStep() && code(key, step) == given) {
                    tx.putTotp(account.id(), new ReadTx.Totp(t.get().secret(), true, step));
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public void disable(Account account) {
        store.write(tx -> {
            tx.putTotp(account.id(), null);
            return null;
        });
    }

    /** RFC 4226 §5.3: HOTP of the step, dynamically truncated to 6 digits. */
    static int code(byte[] key, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int o = h[h.length - 1] & 0xf;
            int bin = (h[o] & 0x7f) << 24 | (h[o + 1] & 0xff) << 16 | (h[o + 2] & 0xff) << 8 | h[o + 3] & 0xff;
            return bin % 1_000_000;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4648 §6 without padding, as authenticator apps take it. */
    static String base32(byte[] b) {
        StringBuilder out = new StringBuilder();
        int buffer = 0, bits = 0;
        for (byte x : b) {
            buffer = buffer << 8 | x & 0xff;
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt(buffer >> bits - 5 & 31));
                bits -= 5;
            }
        }
        if (bits > 0) out.append(BASE32.charAt(buffer << 5 - bits & 31));
        return out.toString();
    }

    static byte[] unbase32(String s) {
        ByteBuffer out = ByteBuffer.allocate(s.length() * 5 / 8);
        int buffer = 0, bits = 0;
        for (char c : s.toCharArray()) {
            buffer = buffer << 5 | BASE32.indexOf(c);
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> bits - 8));
                bits -= 8;
            }
        }
        return out.array();
    }
}
