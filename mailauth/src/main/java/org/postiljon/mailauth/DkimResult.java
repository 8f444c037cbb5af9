package org.postiljon.mailauth;

/**
 * What checking one DKIM-Signature found (RFC 8601 §2.7.1 result names).
 *
 * @param domain   the signature's d= (null when unreadable)
 * @param selector its s= (null when unreadable)
 * @param reason   why, for the Authentication-Results comment; null on pass
 */
public record DkimResult(Status status, String domain, String selector, String reason) {

    public enum Status {
        PASS("pass"), FAIL("fail"), NEUTRAL("neutral"), TEMPERROR("temperror"), PERMERROR("permerror"), NONE("none");

        private final String word;

        Status(String word) {
            this.word = word;
        }

        /** The word in an Authentication-Results header field. */
        public String word() {
            return word;
        }
    }
}
