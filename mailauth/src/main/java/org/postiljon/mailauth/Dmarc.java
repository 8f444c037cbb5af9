package org.postiljon.mailauth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * DMARC (RFC 7489, with the DMARCbis revision where they differ): does the message's From domain
 * match a domain that SPF or DKIM proved, and what does its owner ask receivers to do when not?
 * Records are found by DMARCbis's DNS tree walk (§4.10, no public-suffix list): the From domain,
 * then its parents, at most eight queries; the same walk finds organizational domains for relaxed
 * alignment.
 */
public final class Dmarc {

    /** DMARCbis §4.10.1: a walk asks at most this many names (the domain, then at most seven labels, down to one). */
    static final int MAX_WALK = 8;

    private Dmarc() { }

    /**
     * Checks every distinct From domain (RFC 5322 allows several addresses) and returns the one
     * with the strictest outcome; NONE when there is no From domain.
     *
     * @param spf  the SPF result of the envelope sender (its domain is the one aligned)
     * @param dkim the results of every DKIM signature
     */
    public static DmarcResult check(List<String> fromDomains, SpfResult spf, List<DkimResult> dkim, Dns dns) {
        if (fromDomains.isEmpty()) return new DmarcResult(DmarcResult.Status.NONE, null, null, DmarcResult.Disposition.NONE, "no From domain");
        Walk walk = new Walk(dns);
        DmarcResult worst = null;
        for (String domain : fromDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).distinct().toList()) {
            DmarcResult r = check(domain, spf, dkim, walk, dns);
            if (worst == null || rank(r) > rank(worst)) worst = r;
        }
        return worst;
    }

    /**
     * The aggregate report addresses ("rua", mailto: only) of the DMARC record among {@code txt} (the
     * TXT records of {@code _dmarc.DOMAIN}); none unless there is exactly one record (§6.6.3).
     */
    public static List<String> reportAddresses(String domain, List<String> txt) {
        List<Policy> found = new java.util.ArrayList<>();
        for (String t : txt) Policy.parse(domain, t).ifPresent(found::add);
        return found.size() == 1 ? found.getFirst().rua() : List.of();
    }

    /**
     * RFC 7489 §7.1: a report address outside the policy domain takes reports only if its domain
     * says so, with a DMARC record at {@code POLICYDOMAIN._report._dmarc.RUADOMAIN}.
     */
    public static boolean acceptsReports(String policyDomain, String address, KeyLookup dns) throws KeyLookup.TemporaryFailure {
        String ruaDomain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        String policy = policyDomain.toLowerCase(Locale.ROOT);
        if (ruaDomain.equals(policy) || ruaDomain.endsWith("." + policy)) return true;
        for (String t : dns.txt(policy + "._report._dmarc." + ruaDomain)) if (t.startsWith("v=DMARC1")) return true;
        return false;
    }

    private static int rank(DmarcResult r) {
        return r.disposition().ordinal() * 10 + switch (r.status()) {
            case PASS -> 0;
            case NONE -> 1;
            case TEMPERROR, PERMERROR -> 2;
            case FAIL -> 3;
        };
    }

    private static DmarcResult check(String domain, SpfResult spf, List<DkimResult> dkim, Walk walk, Dns dns) {
        Policy policy;
        try {
            Optional<Policy> found = walk.policy(domain);
            if (found.isEmpty()) return new DmarcResult(DmarcResult.Status.NONE, domain, null, DmarcResult.Disposition.NONE, "no DMARC record");
            policy = found.get();
        } catch (KeyLookup.TemporaryFailure e) {
            return new DmarcResult(DmarcResult.Status.TEMPERROR, domain, null, DmarcResult.Disposition.NONE, e.getMessage());
        } catch (Ambiguous e) {
            return new DmarcResult(DmarcResult.Status.PERMERROR, domain, null, DmarcResult.Disposition.NONE, e.getMessage());
        }
        String requested;
        if (policy.at().equals(domain)) requested = policy.p();
        // DMARCbis (and RFC 9091): np= for a subdomain that does not exist; sp= for the others (RFC 7489 §6.6.3).
        else if (policy.np() != null && !exists(domain, dns)) requested = policy.np();
        else requested = policy.sp();
        DmarcResult.Published published = new DmarcResult.Published(policy.at(), policy.p(), policy.sp(), policy.strictDkim(), policy.strictSpf(),
                policy.pct(), policy.rua());
        boolean dkimAligned = false;
        boolean spfAligned;
        try {
            for (DkimResult r : dkim) {
                // RFC 7489 §3.1.1: a passing signature whose d= matches the From domain (exactly when adkim=s).
                if (r.status() == DkimResult.Status.PASS && r.domain() != null && aligned(r.domain(), domain, policy.strictDkim(), walk)) {
                    dkimAligned = true;
                    break;
                }
            }
            // §3.1.2: an SPF pass for the envelope sender's domain (the HELO's for the null sender).
            spfAligned = spf != null && spf.status() == SpfResult.Status.PASS && aligned(spf.domain(), domain, policy.strictSpf(), walk);
        } catch (KeyLookup.TemporaryFailure e) {
            return new DmarcResult(DmarcResult.Status.TEMPERROR, domain, requested, DmarcResult.Disposition.NONE, e.getMessage(), published,
                    dkimAligned, false);
        }
        if (dkimAligned || spfAligned) {
            return new DmarcResult(DmarcResult.Status.PASS, domain, requested, DmarcResult.Disposition.NONE, null, published, dkimAligned, spfAligned);
        }
        DmarcResult.Disposition d = switch (requested) {
            case "reject" -> DmarcResult.Disposition.REJECT;
            case "quarantine" -> DmarcResult.Disposition.QUARANTINE;
            default -> DmarcResult.Disposition.NONE;
        };
        // DMARCbis t=y (and RFC 7489's pct=0, which it replaces): the owner is testing; apply one step less.
        if (policy.testing() && d != DmarcResult.Disposition.NONE) d = DmarcResult.Disposition.values()[d.ordinal() - 1];
        return new DmarcResult(DmarcResult.Status.FAIL, domain, requested, d, "neither SPF nor DKIM passed for an aligned domain", published, false, false);
    }

    /**
     * DMARCbis's non-existent domain (as RFC 9091 §2.7): no A, AAAA or MX records (NXDOMAIN or
     * NODATA). A DNS that does not answer counts as "exists": the subdomain policy applies, not np=.
     */
    private static boolean exists(String domain, Dns dns) {
        try {
            return !dns.addresses(domain, false).isEmpty() || !dns.addresses(domain, true).isEmpty() || !dns.mx(domain).isEmpty();
        } catch (KeyLookup.TemporaryFailure e) {
            return true;
        }
    }

    /** RFC 7489 §3.1: strict is the same name; relaxed, the same organizational domain. */
    private static boolean aligned(String proven, String from, boolean strict, Walk walk) throws KeyLookup.TemporaryFailure {
        String a = proven.toLowerCase(Locale.ROOT), b = from.toLowerCase(Locale.ROOT);
        if (a.endsWith(".")) a = a.substring(0, a.length() - 1);
        if (a.equals(b)) return true;
        if (strict) return false;
        // An organizational domain is a suffix of its domain: names that end differently cannot share one.
        if (!a.substring(a.lastIndexOf('.') + 1).equals(b.substring(b.lastIndexOf('.') + 1))) return false;
        return walk.organizational(a).equals(walk.organizational(b));
    }

    /** A domain's DMARC record (RFC 7489 §6.3) as far as the check needs it; {@code at} is where it was found. */
    record Policy(String at, String p, String sp, String np, boolean strictDkim, boolean strictSpf, boolean testing, String psd, List<String> rua,
                  int pct) {

        /** The record in {@code text}, or empty when it is not a DMARC record (§6.6.3: those are discarded). */
        static Optional<Policy> parse(String at, String text) {
            Map<String, String> t;
            try {
                t = TagList.parse(text);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (t.isEmpty() || !t.keySet().iterator().next().equals("v") || !t.get("v").equals("DMARC1")) return Optional.empty();
            String p = policyWord(t.get("p"));
            // DMARCbis §5.3: an absent or unknown p= is p=none (RFC 7489 kept the record only with a rua=).
            if (p == null) p = "none";
            String sp = policyWord(t.get("sp"));
            boolean testing = "y".equalsIgnoreCase(t.get("t")) || "0".equals(t.get("pct"));
            return Optional.of(new Policy(at, p, sp == null ? p : sp, policyWord(t.get("np")), "s".equalsIgnoreCase(t.get("adkim")), "s".equalsIgnoreCase(t.get("aspf")),
                    testing, t.getOrDefault("psd", "u").toLowerCase(Locale.ROOT), rua(t.get("rua")), pct(t.get("pct"))));
        }

        /** RFC 7489 §6.3 pct: 0-100, 100 when absent or not a number there (as published, for the reports). */
        private static int pct(String v) {
            return v != null && v.matches("[0-9]{1,3}") && Integer.parseInt(v) <= 100 ? Integer.parseInt(v) : 100;
        }

        /** RFC 7489 §6.4: "rua" is a comma-separated list of URIs, each maybe with "!size"; only mailto: ones are kept. */
        static List<String> rua(String value) {
            if (value == null) return List.of();
            List<String> out = new java.util.ArrayList<>();
            for (String u : value.split(",")) {
                String uri = u.strip();
                int bang = uri.lastIndexOf('!');
                if (bang > 7) uri = uri.substring(0, bang);
                if (uri.regionMatches(true, 0, "mailto:", 0, 7) && uri.indexOf('@') > 7) out.add(uri.substring(7));
                if (out.size() == 5) break; // bounded: a record naming more gets its first five
            }
            return out;
        }

        private static String policyWord(String v) {
            if (v == null) return null;
            String w = v.toLowerCase(Locale.ROOT);
            return w.equals("none") || w.equals("quarantine") || w.equals("reject") ? w : null;
        }
    }

    /** More than one DMARC record at one name: §6.6.3 applies no policy. */
    private static final class Ambiguous extends Exception {
        Ambiguous(String name) {
            super("more than one DMARC record at _dmarc." + name, null, false, false);
        }
    }

    /** The DNS tree walk of DMARCbis §4.10, with the answers kept for the rest of one message's check. */
    private static final class Walk {
        private final KeyLookup dns;
        private final Map<String, List<Policy>> found = new HashMap<>();

        Walk(KeyLookup dns) {
            this.dns = dns;
        }

        /** The names to ask for {@code domain}: itself, then (from at most seven labels) each parent down to one label. */
        static List<String> targets(String domain) {
            List<String> out = new ArrayList<>(List.of(domain));
            String[] labels = domain.split("\\.");
            for (int n = Math.min(labels.length - 1, MAX_WALK - 1); n >= 1; n--) {
                out.add(String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - n, labels.length)));
            }
            return out;
        }

        private List<Policy> at(String name) throws KeyLookup.TemporaryFailure {
            List<Policy> cached = found.get(name);
            if (cached != null) return cached;
            List<Policy> policies = new ArrayList<>();
            for (String txt : dns.txt("_dmarc." + name)) Policy.parse(name, txt).ifPresent(policies::add);
            found.put(name, policies);
            return policies;
        }

        /** §4.10.1: the first record on the walk up from the From domain. */
        Optional<Policy> policy(String domain) throws KeyLookup.TemporaryFailure, Ambiguous {
            for (String name : targets(domain)) {
                List<Policy> p = at(name);
                if (p.size() > 1) throw new Ambiguous(name);
                if (p.size() == 1) return Optional.of(p.getFirst());
            }
            return Optional.empty();
        }

        /**
         * §4.10.2: a record with psd=n marks the organizational domain; one with psd=y (above the
         * start) marks a public suffix, so the name below it; else the highest name with a record;
         * else the domain itself.
         */
        String organizational(String domain) throws KeyLookup.TemporaryFailure {
            List<String> names = targets(domain);
            String highest = null;
            for (int i = 0; i < names.size(); i++) {
                List<Policy> p = at(names.get(i));
                if (p.size() != 1) continue;
                if (p.getFirst().psd().equals("n")) return names.get(i);
                if (p.getFirst().psd().equals("y") && i > 0) return names.get(i - 1);
                highest = names.get(i);
            }
            return highest == null ? domain : highest;
        }
    }
}
