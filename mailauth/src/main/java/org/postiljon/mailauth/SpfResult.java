package org.postiljon.mailauth;

/**
 * What an SPF check found (RFC 7208 §2.6; the words of RFC 8601 §2.7.2).
 *
 * @param identity which identity was checked: {@code mailfrom}, or {@code helo} for the null sender (§2.4)
 * @param checked  the address checked ({@code postmaster@} the HELO name for the null sender)
 * @param domain   its domain, the one DMARC aligns with
 * @param reason   why, for the Authentication-Results comment; null when there is nothing to add
 */
public record SpfResult(Status status, String identity, String checked, String domain, String reason) {

    public enum Status {
        PASS("pass"), FAIL("fail"), SOFTFAIL("softfail"), NEUTRAL("neutral"), NONE("none"), TEMPERROR("temperror"), PERMERROR("permerror");

        private final String word;

        Status(String word) {
            this.word = word;
        }

        /** The word in an Authentication-Results header field and in Received-SPF. */
        public String word() {
            return word;
        }
    }
}
