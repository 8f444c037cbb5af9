package org.postiljon.mailauth;

/**
 * What a DMARC check found for one author domain (RFC 7489 §6.6; the words of RFC 8601 §2.7).
 *
 * @param domain      the RFC 5322.From domain checked (null when the message has none)
 * @param policy      the policy the domain owner asked for, for the Authentication-Results comment (null without a record)
 * @param disposition what this server does with the message
 * @param reason      why, for the comment; null when there is nothing to add
 * @param published   the DMARC record that applied, for aggregate reports (RFC 7489 §7.2); null without one
 * @param dkimAligned whether a DKIM signature passed for an aligned domain
 * @param spfAligned  whether SPF passed for an aligned domain
 */
public record DmarcResult(Status status, String domain, String policy, Disposition disposition, String reason, Published published,
                          boolean dkimAligned, boolean spfAligned) {

    /** Without a record that applied. */
    public DmarcResult(Status status, String domain, String policy, Disposition disposition, String reason) {
        this(status, domain, policy, disposition, reason, null, false, false);
    }

    /**
     * A DMARC record as the aggregate report's "policy_published" gives it (RFC 7489 Appendix C).
     *
     * @param domain where the record was found (the From domain, or its organizational domain)
     * @param rua    the aggregate report addresses ("mailto:" URIs, without a size limit suffix)
     */
    public record Published(String domain, String p, String sp, boolean strictDkim, boolean strictSpf, int pct, java.util.List<String> rua) {
        public Published {
            rua = java.util.List.copyOf(rua);
        }

        /** "p=reject; sp=reject; adkim=r; aspf=r; pct=100", as the reports' store keeps it. */
        public String text() {
            return "p=" + p + "; sp=" + sp + "; adkim=" + (strictDkim ? "s" : "r") + "; aspf=" + (strictSpf ? "s" : "r") + "; pct=" + pct;
        }
    }

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
