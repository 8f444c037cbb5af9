package org.postiljon.mailauth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * SMTP MTA Strict Transport Security (RFC 8461): the TXT record that announces a domain's policy,
 * the policy text served over HTTPS, and which MX hosts a policy allows. Fetching and caching are
 * the caller's (the policy comes over HTTPS, not the DNS).
 */
public final class MtaSts {

    /** RFC 8461 §3.2: "max_age" is at most 31557600 seconds (about a year). */
    public static final long MAX_AGE_LIMIT = 31_557_600L;
    /** RFC 8461 §3.3: senders may limit the policy's size; 64 KiB is what it names. */
    public static final int MAX_POLICY_BYTES = 64 * 1024;

    private MtaSts() { }

    /** What the policy asks of senders. */
    public enum Mode {
        /** Only to MX hosts the policy names, only over TLS with a valid certificate for the host. */
        ENFORCE,
        /** Deliver as without a policy, and report what would have failed (RFC 8460). */
        TESTING,
        /** The domain withdrew its policy. */
        NONE;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A policy (RFC 8461 §3.2).
     *
     * @param text the policy as served (for TLS-RPT's policy-string)
     */
    public record Policy(Mode mode, List<String> mx, Duration maxAge, String text) {

        public Policy {
            mx = List.copyOf(mx);
        }

        /**
         * RFC 8461 §4.1: an MX host matches a pattern that is its name, or a pattern "*.domain"
         * whose wildcard stands for exactly one leftmost label. Case and a trailing dot do not count.
         */
        public boolean allows(String mxHost) {
            String host = normal(mxHost);
            for (String pattern : mx) {
                String p = normal(pattern);
                if (p.startsWith("*.")) {
                    int dot = host.indexOf('.');
                    if (dot > 0 && host.substring(dot + 1).equals(p.substring(2))) return true;
                } else if (p.equals(host)) {
                    return true;
                }
            }
            return false;
        }

        /** The policy's lines, as TLS-RPT's "policy-string" lists them (RFC 8460 §4.4). */
        public List<String> lines() {
            return MtaSts.lines(text);
        }
    }

    /** A record or policy that does not parse; the reason is for logs and reports. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        public Invalid(String why) {
            super(why);
        }
    }

    /** Where the policy of {@code domain} is announced (RFC 8461 §3.1). */
    public static String recordName(String domain) {
        return "_mta-sts." + normal(domain);
    }

    /** Where the policy of {@code domain} is served (RFC 8461 §3.3). */
    public static String policyHost(String domain) {
        return "mta-sts." + normal(domain);
    }

    /** The path of the policy on {@link #policyHost} (RFC 8461 §3.3). */
    public static final String POLICY_PATH = "/.well-known/mta-sts.txt";

    /**
     * The policy id the domain's TXT records announce, or empty when there is no policy: RFC 8461
     * §3.1, records not starting with "v=STSv1" are discarded, and unless exactly one is left and
     * it is valid the domain has no available policy.
     */
    public static Optional<String> announcedId(List<String> txtRecords) {
        List<String> sts = new ArrayList<>();
        for (String r : txtRecords) if (r.startsWith("v=STSv1;") || r.equals("v=STSv1")) sts.add(r);
        if (sts.size() != 1) return Optional.empty();
        String id = null;
        for (String field : sts.getFirst().split(";")) {
            String f = field.strip();
            if (f.startsWith("id=")) {
                if (id != null) return Optional.empty();
                id = f.substring(3);
            }
        }
        // §3.1: sts-id = 1*32(ALPHA / DIGIT)
        return id != null && id.matches("[A-Za-z0-9]{1,32}") ? Optional.of(id) : Optional.empty();
    }

    /**
     * Parses a policy (RFC 8461 §3.2): "key: value" lines ending in CRLF or LF; "version: STSv1",
     * "mode", "max_age" once each, "mx" once or more (required unless the mode is none); unknown
     * keys are ignored (the grammar's sts-policy-extension).
     */
    public static Policy parse(String text) throws Invalid {
        if (text.length() > MAX_POLICY_BYTES) throw new Invalid("policy larger than " + MAX_POLICY_BYTES + " bytes");
        String version = null;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.isBlank()) continue;
            int colon = line.indexOf(':');
            if (colon <= 0) throw new Invalid("not a \"key: value\" line: " + abbreviate(line));
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> {
                    if (version != null) throw new Invalid("version twice");
                    version = value;
                }
                case "mode" -> {
                    if (mode != null) throw new Invalid("mode twice");
                    mode = switch (value) {
                        case "enforce" -> Mode.ENFORCE;
                        case "testing" -> Mode.TESTING;
                        case "none" -> Mode.NONE;
                        default -> throw new Invalid("unknown mode " + abbreviate(value));
                    };
                }
                case "max_age" -> {
                    if (maxAge != null) throw new Invalid("max_age twice");
                    if (!value.matches("[0-9]{1,10}")) throw new Invalid("max_age is not a number of seconds: " + abbreviate(value));
                    maxAge = Math.min(Long.parseLong(value), MAX_AGE_LIMIT);
                }
                case "mx" -> {
                    // §3.2: sts-policy-mx-value = ["*."] Domain
                    if (!value.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\\.?")) {
                        throw new Invalid("not an mx pattern: " + abbreviate(value));
                    }
                    mx.add(value);
                }
                default -> { } // an extension this sender does not know
            }
        }
        if (!"STSv1".equals(version)) throw new Invalid(version == null ? "no version" : "version " + abbreviate(version) + " is not STSv1");
        if (mode == null) throw new Invalid("no mode");
        if (maxAge == null) throw new Invalid("no max_age");
        if (mx.isEmpty() && mode != Mode.NONE) throw new Invalid("no mx");
        return new Policy(mode, mx, Duration.ofSeconds(maxAge), text);
    }

    /** The policy this server serves for its own domains (RFC 8461 §3.2), lines ending in CRLF. */
    public static String render(Mode mode, List<String> mx, Duration maxAge) {
        StringBuilder b = new StringBuilder("version: STSv1\r\nmode: ").append(mode.token()).append("\r\n");
        for (String m : mx) b.append("mx: ").append(m).append("\r\n");
        return b.append("max_age: ").append(Math.min(maxAge.toSeconds(), MAX_AGE_LIMIT)).append("\r\n").toString();
    }

    /** A policy's (or any policy text's) non-blank lines, stripped: TLS-RPT's "policy-string" (RFC 8460 §4.4). */
    public static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n")) if (!line.isBlank()) out.add(line.strip());
        return out;
    }

    private static String normal(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
