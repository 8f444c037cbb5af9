package org.postiljon.mailauth;

/**
 * What a DMARC check found for one author domain (RFC 7489 §6.6; the words of RFC 8601 §2.7).
 *
 * @param domain      the RFC 5322.From domain checked (null when the message has none)
 * @param policy      the policy the domain owner asked for, for the Authentication-Results comment (null without a record)
 * @param disposition what this server does with the message
 * @param reason      why, for the comment; null when there is nothing to add
 */
public record DmarcResult(Status status, String domain, String policy, Disposition disposition, String reason) {

    public enum Status {
        PASS("pass"), FAIL("fail"), NONE("none"), TEMPERROR("temperror"), PERMERROR("permerror");

        private final String word;

        Status(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    /** What the receiver does (RFC 7489 §6.3 p=): deliver as usual, file as spam, or refuse. */
    public enum Disposition { NONE, QUARANTINE, REJECT }
}
