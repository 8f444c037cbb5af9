package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** TOTP's arithmetic on RFC 6238 Appendix B's SHA-1 test vectors (their last six digits), and base32 (RFC 4648 §10). */
class TotpTest {

    @Test
    void theRfcTestVectors() {
        byte[] key = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
        long[][] vectors = {{59, 94287082}, {1111111109, 7081804}, {1111111111, 14050471}, {1234567890, 89005924}, {2000000000, 69279037},
            {20000000000L, 65353130}};
        for (long[] v : vectors) assertEquals(v[1] % 1_000_000, StoredTwoFactor.code(key, v[0] / StoredTwoFactor.STEP_SECONDS), "T=" + v[0]);
    }

    @Test
    void base32RoundTrips() {
        assertEquals("MZXW6YTBOI", StoredTwoFactor.base32("foobar".getBytes(StandardCharsets.US_ASCII)));
        byte[] key = new byte[20];
        for (int i = 0; i < key.length; i++) key[i] = (byte) (i * 37);
        assertArrayEquals(key, StoredTwoFactor.unbase32(StoredTwoFactor.base32(key)));
    }
}
