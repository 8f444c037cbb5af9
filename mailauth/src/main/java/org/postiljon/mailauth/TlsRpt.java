package org.postiljon.mailauth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SMTP TLS Reporting (RFC 8460): where a domain wants reports on the TLS sessions other servers
 * had (or failed to have) with its MX hosts, and the names of the outcomes.
 */
public final class TlsRpt {

    private TlsRpt() { }

    /** Where the reporting policy of {@code domain} is published (RFC 8460 §3). */
    public static String recordName(String domain) {
        return "_smtp._tls." + domain.toLowerCase(Locale.ROOT);
    }

    /** RFC 8460 §4.3: the result types a failed session is reported under. */
    public enum Result {
        STARTTLS_NOT_SUPPORTED, CERTIFICATE_HOST_MISMATCH, CERTIFICATE_EXPIRED, CERTIFICATE_NOT_TRUSTED, VALIDATION_FAILURE,
        TLSA_INVALID, DNSSEC_INVALID, DANE_REQUIRED, STS_POLICY_FETCH_ERROR, STS_POLICY_INVALID, STS_WEBPKI_INVALID;

        /** The name in reports: "certificate-host-mismatch" for CERTIFICATE_HOST_MISMATCH. */
        public String token() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The report addresses ("rua") of the domain's TXT records: RFC 8460 §3, records not starting
     * with "v=TLSRPTv1" are discarded, and unless exactly one is left there is no reporting policy.
     * Only "mailto:" and "https:" URIs are kept.
     */
    public static List<String> reportAddresses(List<String> txtRecords) {
        List<String> rpt = new ArrayList<>();
        for (String r : txtRecords) if (r.startsWith("v=TLSRPTv1;") || r.equals("v=TLSRPTv1")) rpt.add(r);
        if (rpt.size() != 1) return List.of();
        List<String> out = new ArrayList<>();
        for (String field : rpt.getFirst().split(";")) {
            String f = field.strip();
            if (!f.startsWith("rua=")) continue;
            for (String uri : f.substring(4).split(",")) {
                String u = uri.strip();
                String lower = u.toLowerCase(Locale.ROOT);
                if ((lower.startsWith("mailto:") && u.indexOf('@') > 7) || lower.startsWith("https://")) out.add(u);
            }
        }
        return out;
    }
}
