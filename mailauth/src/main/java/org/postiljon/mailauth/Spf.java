package org.postiljon.mailauth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sender Policy Framework (RFC 7208): may this client send mail for the domain of the envelope
 * sender (or, for the null sender, of its HELO name)? The whole record is checked for syntax
 * before any of it is evaluated (§4.6), and the evaluation is bounded as §4.6.4 and §11.1 ask.
 */
public final class Spf {

    /** RFC 7208 §4.6.4: include, a, mx, ptr, exists and redirect together, over the whole evaluation. */
    static final int MAX_DNS_TERMS = 10;
    /** §4.6.4: terms whose lookup found nothing (no such name, or no record of the type). */
    static final int MAX_VOID_LOOKUPS = 2;
    /** §4.6.4: names one mx or ptr mechanism may look up. */
    static final int MAX_NAMES = 10;
    /** §4.6.4 allows a limit of at least 20 seconds on the whole check. */
    static final Duration TIME_LIMIT = Duration.ofSeconds(20);

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)", Pattern.DOTALL);
    private static final Pattern DUAL_CIDR = Pattern.compile("(?:/(0|[1-9][0-9]?))?(?://(0|[1-9][0-9]{0,2}))?$");
    private static final Pattern MACRO = Pattern.compile("%\\{([a-zA-Z])([0-9]*)([rR]?)([.\\-+,/_=]*)}|%%|%_|%-|[\\x21-\\x24\\x26-\\x7e]");
    private static final Pattern TOPLABEL = Pattern.compile("[A-Za-z0-9]*[A-Za-z][A-Za-z0-9]*|[A-Za-z0-9]+-[A-Za-z0-9-]*[A-Za-z0-9]");
    private static final Pattern IP4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    private Spf() { }

    /**
     * Checks {@code client} against the SPF record of the sender's domain: the MAIL FROM address,
     * or {@code postmaster@} the HELO name when MAIL FROM is empty (RFC 7208 §2.4).
     *
     * @param mailFrom the envelope sender without angle brackets; "" or null for the null sender
     */
    public static SpfResult check(InetAddress client, String mailFrom, String helo, Dns dns) {
        boolean nullSender = mailFrom == null || mailFrom.isEmpty();
        String identity = nullSender ? "helo" : "mailfrom";
        String sender = nullSender ? "postmaster@" + helo : mailFrom;
        int at = sender.lastIndexOf('@');
        // §4.3: a sender without a local part is checked as postmaster of its domain.
        String local = at <= 0 ? "postmaster" : sender.substring(0, at);
        String domain = stripDot(sender.substring(at + 1).toLowerCase(Locale.ROOT));
        Evaluation e = new Evaluation(unmapped(client), local, domain, helo == null ? "" : helo, dns);
        try {
            SpfResult.Status s = e.checkHost(domain, 0);
            return new SpfResult(s, identity, sender, domain, e.reason);
        } catch (Abort a) {
            return new SpfResult(a.status, identity, sender, domain, a.getMessage());
        }
    }

    /** Evaluation stops with temperror or permerror (RFC 7208 §2.6.6, §2.6.7). */
    private static final class Abort extends Exception {
        final SpfResult.Status status;

        Abort(SpfResult.Status status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private static Abort permerror(String why) {
        return new Abort(SpfResult.Status.PERMERROR, why);
    }

    private enum Kind { ALL, INCLUDE, A, MX, PTR, IP4, IP6, EXISTS }

    /** One mechanism with its qualifier (RFC 7208 §4.6.2): the target as written (a macro string), or the network. */
    private record Directive(SpfResult.Status result, Kind kind, String domainSpec, byte[] network, int cidr4, int cidr6, String text) { }

    /** A record parsed whole: its directives in order and its two modifiers (§6). */
    private record Record(List<Directive> directives, String redirect, String exp) {

        static Record parse(String text) throws Abort {
            List<Directive> directives = new ArrayList<>();
            String redirect = null, exp = null;
            for (String term : text.substring(6).split(" ")) {
                if (term.isEmpty()) continue; // terms are separated by one or more spaces
                Matcher m = MODIFIER.matcher(term);
                if (m.matches()) {
                    String name = m.group(1).toLowerCase(Locale.ROOT), value = m.group(2);
                    switch (name) {
                        case "redirect" -> {
                            if (redirect != null) throw permerror("redirect= twice"); // §6: at most once each
                            redirect = domainSpec(value, term);
                        }
                        case "exp" -> {
                            if (exp != null) throw permerror("exp= twice");
                            exp = domainSpec(value, term);
                        }
                        default -> macroString(value, false, term); // §6: unknown modifiers are ignored, but must be well formed
                    }
                    continue;
                }
                directives.add(directive(term));
            }
            // §6.1: redirect is ignored when the record has "all" anywhere.
            if (directives.stream().anyMatch(d -> d.kind() == Kind.ALL)) redirect = null;
            return new Record(directives, redirect, exp);
        }

        private static Directive directive(String term) throws Abort {
            SpfResult.Status result = switch (term.charAt(0)) {
                case '-' -> SpfResult.Status.FAIL;
                case '~' -> SpfResult.Status.SOFTFAIL;
                case '?' -> SpfResult.Status.NEUTRAL;
                default -> SpfResult.Status.PASS;
            };
            String body = "+-~?".indexOf(term.charAt(0)) >= 0 ? term.substring(1) : term;
            int end = 0;
            while (end < body.length() && body.charAt(end) != ':' && body.charAt(end) != '/') end++;
            String name = body.substring(0, end).toLowerCase(Locale.ROOT), rest = body.substring(end);
            switch (name) {
                case "all" -> {
                    if (!rest.isEmpty()) throw permerror("all takes no argument: " + term);
                    return new Directive(result, Kind.ALL, null, null, 32, 128, term);
                }
                case "include", "exists" -> {
                    if (!rest.startsWith(":")) throw permerror(name + " needs a domain: " + term);
                    return new Directive(result, name.equals("include") ? Kind.INCLUDE : Kind.EXISTS, domainSpec(rest.substring(1), term), null, 32, 128, term);
                }
                case "ptr" -> {
                    if (!rest.isEmpty() && !rest.startsWith(":")) throw permerror("not a ptr mechanism: " + term);
                    return new Directive(result, Kind.PTR, rest.isEmpty() ? null : domainSpec(rest.substring(1), term), null, 32, 128, term);
                }
                case "a", "mx" -> {
                    Matcher cidr = DUAL_CIDR.matcher(rest);
                    if (!cidr.find()) throw permerror("not a prefix length: " + term);
                    int c4 = cidr.group(1) == null ? 32 : Integer.parseInt(cidr.group(1));
                    int c6 = cidr.group(2) == null ? 128 : Integer.parseInt(cidr.group(2));
                    if (c4 > 32 || c6 > 128) throw permerror("prefix length out of range: " + term);
                    String target = rest.substring(0, cidr.start());
                    if (!target.isEmpty() && !target.startsWith(":")) throw permerror("not an " + name + " mechanism: " + term);
                    return new Directive(result, name.equals("a") ? Kind.A : Kind.MX, target.isEmpty() ? null : domainSpec(target.substring(1), term),
                            null, c4, c6, term);
                }
                case "ip4", "ip6" -> {
                    if (!rest.startsWith(":")) throw permerror(name + " needs a network: " + term);
                    boolean v6 = name.equals("ip6");
                    String net = rest.substring(1);
                    int prefix = v6 ? 128 : 32;
                    int slash = net.indexOf('/');
                    if (slash >= 0) {
                        String p = net.substring(slash + 1);
                        if (!p.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(p) > prefix) throw permerror("prefix length out of range: " + term);
                        prefix = Integer.parseInt(p);
                        net = net.substring(0, slash);
                    }
                    byte[] address = v6 ? ip6(net) : IP4.matcher(net).matches() ? literal(net) : null;
                    if (address == null) throw permerror("not an " + (v6 ? "IPv6" : "IPv4") + " network: " + term);
                    return new Directive(result, v6 ? Kind.IP6 : Kind.IP4, null, address, prefix, prefix, term);
                }
                default -> throw permerror("unknown mechanism: " + term);
            }
        }

        /** RFC 7208 §7.1: {@code domain-spec = macro-string domain-end}; domain-end is "." toplabel ["."] or a macro. */
        private static String domainSpec(String spec, String term) throws Abort {
            macroString(spec, false, term);
            boolean macroEnd = spec.endsWith("}") || spec.endsWith("%%") || spec.endsWith("%_") || spec.endsWith("%-");
            String s = spec.endsWith(".") ? spec.substring(0, spec.length() - 1) : spec;
            int dot = s.lastIndexOf('.');
            if (!macroEnd && (dot < 0 || !TOPLABEL.matcher(s.substring(dot + 1)).matches())) throw permerror("not a domain: " + term);
            return spec;
        }
    }

    /** Checks a macro string's syntax (§7.1); c, r and t only in explanations. */
    private static void macroString(String s, boolean explanation, String term) throws Abort {
        Matcher m = MACRO.matcher(s);
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) throw permerror("not a macro string: " + term);
            if (m.group(1) != null) {
                char letter = Character.toLowerCase(m.group(1).charAt(0));
                if ("slodiphv".indexOf(letter) < 0 && !(explanation && "crt".indexOf(letter) >= 0)) throw permerror("unknown macro: " + term);
                if (!m.group(2).isEmpty() && (m.group(2).length() > 3 || Integer.parseInt(m.group(2)) == 0)) {
                    throw permerror("a macro keeps at least one part: " + term); // §7.3: the digit transformer is nonzero
                }
            }
            at = m.end();
        }
    }

    private static byte[] literal(String ip) {
        try {
            return InetAddress.getByName(ip).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv6 address literal (RFC 4291 §2.2), as 16 bytes; null when it is not one. */
    private static byte[] ip6(String s) {
        if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) return null;
        try {
            InetAddress a = InetAddress.getByName(s); // never a lookup for a string of hex digits, colons and dots
            if (a instanceof Inet6Address) return a.getAddress();
            byte[] mapped = new byte[16]; // ::ffff:a.b.c.d comes back as IPv4
            mapped[10] = mapped[11] = (byte) 0xff;
            System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
            return mapped;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static boolean inNetwork(byte[] address, byte[] network, int prefix) {
        if (address.length != network.length) return false;
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((address[bit / 8] & mask) != (network[bit / 8] & mask)) return false;
        }
        return true;
    }

    private static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** A name SPF may look up (§4.3): labels of 1-63 characters, at most 253 in all, more than one label. */
    private static boolean validDomain(String name) {
        if (name.isEmpty() || name.length() > 253 || !name.contains(".")) return false;
        for (String label : name.split("\\.", -1)) if (label.isEmpty() || label.length() > 63) return false;
        return true;
    }

    /** One check_host() run (§4) with its nested ones: the counters of §4.6.4 are shared by all of them. */
    private static final class Evaluation {
        private final InetAddress client;
        private final byte[] clientBytes;
        private final boolean v6;
        private final String local, senderDomain, helo;
        private final Dns dns;
        private final long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
        private int dnsTerms, voids;
        private List<String> validated;
        String reason;

        Evaluation(InetAddress client, String local, String senderDomain, String helo, Dns dns) {
            this.client = client;
            this.clientBytes = client.getAddress();
            this.v6 = client instanceof Inet6Address; // §5: an IPv4-mapped address is IPv4, as Java gives it
            this.local = local;
            this.senderDomain = senderDomain;
            this.helo = helo;
            this.dns = dns;
        }

        SpfResult.Status checkHost(String domain, int depth) throws Abort {
            if (!validDomain(domain)) { // §4.3
                reason = "not a domain name: " + printable(domain);
                return SpfResult.Status.NONE;
            }
            List<String> records = new ArrayList<>();
            for (String txt : txt(domain)) {
                // §4.5: "v=spf1" then a space or the end, case-insensitively.
                if (txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ')) records.add(txt);
            }
            if (records.isEmpty()) {
                reason = "no SPF record at " + domain;
                return SpfResult.Status.NONE;
            }
            if (records.size() > 1) throw permerror("more than one SPF record at " + domain);
            Record record = Record.parse(records.getFirst());
            for (Directive d : record.directives()) {
                if (matches(d, domain, depth)) {
                    reason = domain + ": " + d.text();
                    return d.result();
                }
            }
            if (record.redirect() != null) {
                count();
                String target = expandDomain(record.redirect(), domain);
                SpfResult.Status s = checkHost(target, depth + 1);
                // §6.1: a redirect to a domain without a record is a permerror.
                if (s == SpfResult.Status.NONE) throw permerror("redirect to " + printable(target) + ", which has no SPF record");
                return s;
            }
            reason = domain + ": no mechanism matched";
            return SpfResult.Status.NEUTRAL; // §4.7
        }

        private boolean matches(Directive d, String domain, int depth) throws Abort {
            return switch (d.kind()) {
                case ALL -> true;
                case IP4 -> !v6 && inNetwork(clientBytes, d.network(), d.cidr4());
                case IP6 -> v6 && inNetwork(clientBytes, d.network(), d.cidr6());
                case INCLUDE -> {
                    count();
                    String target = expandDomain(d.domainSpec(), domain);
                    SpfResult.Status s = checkHost(target, depth + 1);
                    // §5.2: include matches on pass only; none is a permerror; temperror and permerror were thrown.
                    if (s == SpfResult.Status.NONE) throw permerror("include:" + printable(target) + " has no SPF record");
                    yield s == SpfResult.Status.PASS;
                }
                case A -> {
                    count();
                    yield anyInNetwork(addresses(target(d, domain), v6), d);
                }
                case MX -> {
                    count();
                    List<String> exchanges = mx(target(d, domain));
                    // §4.6.4: more than 10 names to look up is a permerror.
                    if (exchanges.size() > MAX_NAMES) throw permerror("more than " + MAX_NAMES + " MX names for " + target(d, domain));
                    boolean match = false;
                    for (String exchange : exchanges) if (!match && anyInNetwork(lookup(() -> dns.addresses(exchange, v6)), d)) match = true;
                    yield match;
                }
                case PTR -> {
                    count();
                    String target = target(d, domain).toLowerCase(Locale.ROOT);
                    boolean match = false;
                    for (String name : validatedNames()) if (name.equals(target) || name.endsWith("." + target)) match = true;
                    yield match;
                }
                case EXISTS -> {
                    count();
                    yield !addresses(expandDomain(d.domainSpec(), domain), false).isEmpty(); // §5.7: always an A lookup
                }
            };
        }

        private static boolean isMapped(byte[] a) {
            for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
            return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
        }

        private boolean anyInNetwork(List<InetAddress> addresses, Directive d) {
            for (InetAddress a : addresses) if (inNetwork(clientBytes, a.getAddress(), v6 ? d.cidr6() : d.cidr4())) return true;
            return false;
        }

        private String target(Directive d, String domain) throws Abort {
            return d.domainSpec() == null ? domain : expandDomain(d.domainSpec(), domain);
        }

        private void count() throws Abort {
            if (++dnsTerms > MAX_DNS_TERMS) throw permerror("more than " + MAX_DNS_TERMS + " DNS lookups");
        }

        private <T> List<T> voidCounted(List<T> answer) throws Abort {
            if (answer.isEmpty() && ++voids > MAX_VOID_LOOKUPS) throw permerror("more than " + MAX_VOID_LOOKUPS + " lookups found nothing");
            return answer;
        }

        private List<String> txt(String name) throws Abort {
            return lookup(() -> dns.txt(name));
        }

        private List<InetAddress> addresses(String name, boolean ipv6) throws Abort {
            return voidCounted(validDomain(name) ? lookup(() -> dns.addresses(name, ipv6)) : List.of());
        }

        private List<String> mx(String name) throws Abort {
            return voidCounted(validDomain(name) ? lookup(() -> dns.mx(name)) : List.of());
        }

        private interface Query<T> {
            List<T> run() throws KeyLookup.TemporaryFailure;
        }

        /** §5: a DNS error ends the check with temperror; so does the time limit. */
        private <T> List<T> lookup(Query<T> q) throws Abort {
            if (System.nanoTime() - deadline > 0) throw new Abort(SpfResult.Status.TEMPERROR, "the SPF check took longer than " + TIME_LIMIT.toSeconds() + " s");
            try {
                return q.run();
            } catch (KeyLookup.TemporaryFailure e) {
                throw new Abort(SpfResult.Status.TEMPERROR, e.getMessage());
            }
        }

        /** §5.5: the client's PTR names whose addresses include it (at most 10 names tried; a DNS error is no match). */
        private List<String> validatedNames() throws Abort {
            if (validated != null) return validated;
            List<String> names;
            try {
                names = voidCounted(dns.ptr(client));
            } catch (KeyLookup.TemporaryFailure e) {
                names = List.of();
            }
            List<String> out = new ArrayList<>();
            for (String name : names.subList(0, Math.min(MAX_NAMES, names.size()))) {
                try {
                    for (InetAddress a : dns.addresses(name, v6)) {
                        if (java.util.Arrays.equals(a.getAddress(), clientBytes)) {
                            out.add(stripDot(name.toLowerCase(Locale.ROOT)));
                            break;
                        }
                    }
                } catch (KeyLookup.TemporaryFailure e) {
                    // §5.5: this name is not validated
                }
            }
            return validated = out;
        }

        /** Expands a domain-spec (§7) and shortens it to 253 characters from the left (§7.3). */
        private String expandDomain(String spec, String domain) throws Abort {
            String name = stripDot(expand(spec, domain));
            while (name.length() > 253 && name.indexOf('.') >= 0) name = name.substring(name.indexOf('.') + 1);
            return name.toLowerCase(Locale.ROOT);
        }

        /** RFC 7208 §7.3: macros, transformers and delimiters; an upper-case macro letter URL-escapes its value. */
        private String expand(String spec, String domain) throws Abort {
            StringBuilder out = new StringBuilder();
            Matcher m = MACRO.matcher(spec);
            int at = 0;
            while (at < spec.length() && m.find(at) && m.start() == at) {
                String t = m.group();
                if (t.equals("%%")) out.append('%');
                else if (t.equals("%_")) out.append(' ');
                else if (t.equals("%-")) out.append("%20");
                else if (m.group(1) == null) out.append(t);
                else {
                    char letter = m.group(1).charAt(0);
                    String value = value(Character.toLowerCase(letter), domain);
                    String delimiters = m.group(4).isEmpty() ? "." : m.group(4);
                    List<String> parts = new ArrayList<>();
                    int start = 0;
                    for (int i = 0; i <= value.length(); i++) {
                        if (i == value.length() || delimiters.indexOf(value.charAt(i)) >= 0) {
                            parts.add(value.substring(start, i));
                            start = i + 1;
                        }
                    }
                    if (!m.group(3).isEmpty()) Collections.reverse(parts);
                    if (!m.group(2).isEmpty()) {
                        int keep = Integer.parseInt(m.group(2));
                        if (keep < parts.size()) parts = parts.subList(parts.size() - keep, parts.size());
                    }
                    String joined = String.join(".", parts);
                    out.append(Character.isUpperCase(letter) ? urlEscape(joined) : joined);
                }
                at = m.end();
            }
            if (at < spec.length()) throw permerror("not a macro string: " + printable(spec));
            return out.toString();
        }

        private String value(char letter, String domain) throws Abort {
            return switch (letter) {
                case 's' -> local + "@" + senderDomain;
                case 'l' -> local;
                case 'o' -> senderDomain;
                case 'd' -> domain;
                case 'i' -> dotted();
                case 'v' -> v6 ? "ip6" : "in-addr";
                case 'h' -> helo;
                case 'p' -> {
                    // §7.3: a validated name equal to the domain, else one under it, else any, else "unknown".
                    List<String> names = validatedNames();
                    String best = names.contains(domain) ? domain : null;
                    for (String n : names) if (best == null && n.endsWith("." + domain)) best = n;
                    yield best != null ? best : names.isEmpty() ? "unknown" : names.getFirst();
                }
                default -> throw permerror("macro " + letter + " is for explanations only");
            };
        }

        /** %{i}: dotted decimal for IPv4, 32 dot-separated nibbles for IPv6 (§7.3). */
        private String dotted() {
            if (!v6) return client.getHostAddress();
            StringBuilder b = new StringBuilder();
            for (byte x : clientBytes) {
                if (!b.isEmpty()) b.append('.');
                b.append(Character.forDigit((x >> 4) & 0xf, 16)).append('.').append(Character.forDigit(x & 0xf, 16));
            }
            return b.toString();
        }
    }

    /** RFC 3986 unreserved characters stay; every other octet becomes %XX. */
    private static String urlEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) b.append(c);
            else b.append('%').append(String.format("%02X", x & 0xff));
        }
        return b.toString();
    }

    /** A name as the sender gave it, safe for a log line or a header comment. */
    static String printable(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }

    /** The client address type in {@code Inet4Address} form when it is IPv4-mapped (§5). */
    static InetAddress unmapped(InetAddress a) {
        if (a instanceof Inet6Address && Evaluation.isMapped(a.getAddress())) {
            try {
                return Inet4Address.getByAddress(java.util.Arrays.copyOfRange(a.getAddress(), 12, 16));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return a;
    }
}
