package org.postiljon.spam;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postiljon.mime.HeaderFields;

/**
 * The built-in rules: what the message's authentication found (SPF, DKIM, DMARC, RFC 8601 results
 * of this server), DNS blocklists that list the sending address, and a few header signs that mail
 * programs never make. The scores follow SpamAssassin's order of magnitude; GTUBE (the standard
 * test string) scores 1000 so that operators and tests can see the filter work.
 */
public final class Rules {

    /** The Generic Test for Unsolicited Bulk Email (SpamAssassin's GTUBE). */
    static final byte[] GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X".getBytes(StandardCharsets.US_ASCII);

    private Rules() { }

    /**
     * What this server's checks found when the message arrived.
     *
     * @param spf   the SPF result (pass, fail, softfail, neutral, none, temperror, permerror)
     * @param dkim  the best DKIM result (pass, fail, none...)
     * @param dmarc the DMARC result (pass, fail, none...)
     * @param listedBy the DNS blocklists that list the client's address, with the score each gives
     */
    public record Facts(String spf, String dkim, String dmarc, Map<String, Double> listedBy) {
        public static final Facts NONE = new Facts("none", "none", "none", Map.of());

        public Facts {
            listedBy = Map.copyOf(listedBy);
        }
    }

    /** The rules that hit {@code message} (its first bytes are enough: spam is small). */
    public static List<Verdict.Hit> check(byte[] message, Facts facts) {
        List<Verdict.Hit> hits = new ArrayList<>();
        if (containsGtube(message)) hits.add(new Verdict.Hit("GTUBE", 1000, "the GTUBE test string"));
        switch (facts.spf()) {
            case "fail" -> hits.add(new Verdict.Hit("SPF_FAIL", 2.5, "SPF: the sender's domain does not allow this server"));
            case "softfail" -> hits.add(new Verdict.Hit("SPF_SOFTFAIL", 1.0, "SPF: the sender's domain would rather not allow this server"));
            default -> { }
        }
        if (facts.dkim().equals("fail")) hits.add(new Verdict.Hit("DKIM_INVALID", 1.5, "a DKIM signature does not verify"));
        if (facts.dmarc().equals("fail")) hits.add(new Verdict.Hit("DMARC_FAIL", 3.0, "DMARC: neither SPF nor DKIM proves the From domain"));
        facts.listedBy().forEach((zone, score) -> hits.add(new Verdict.Hit("DNSBL_" + zone.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"),
                score, "the sending address is listed by " + zone)));
        // The header fields as mime reads them for Sieve (unfolded, encoded words decoded).
        List<HeaderFields> fields = HeaderFields.of(message);
        if (first(fields, "Date") == null) hits.add(new Verdict.Hit("MISSING_DATE", 1.0, "no Date field (RFC 5322 requires one)"));
        if (first(fields, "Message-ID") == null) hits.add(new Verdict.Hit("MISSING_MID", 0.5, "no Message-ID field"));
        if (first(fields, "From") == null) hits.add(new Verdict.Hit("MISSING_FROM", 1.5, "no From field"));
        String subject = first(fields, "Subject");
        if (subject != null && subject.length() >= 12 && subject.chars().filter(Character::isLetter).count() >= 10
                && subject.equals(subject.toUpperCase(Locale.ROOT))) {
            hits.add(new Verdict.Hit("SUBJ_ALL_CAPS", 1.0, "the Subject is in capitals"));
        }
        String type = first(fields, "Content-Type");
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("text/html")) hits.add(new Verdict.Hit("HTML_ONLY", 0.5, "HTML without a text part"));
        return hits;
    }

    /** The classifier's say for a spam probability from {@link Bayes}; none when it was not trained enough. */
    public static List<Verdict.Hit> bayes(double p) {
        if (p < 0) return List.of();
        String at = String.format(Locale.ROOT, "%.3f", p);
        if (p >= 0.99) return List.of(new Verdict.Hit("BAYES_99", 5.0, "the user's classifier: spam probability " + at));
        if (p >= 0.95) return List.of(new Verdict.Hit("BAYES_95", 3.5, "the user's classifier: spam probability " + at));
        if (p >= 0.80) return List.of(new Verdict.Hit("BAYES_80", 2.0, "the user's classifier: spam probability " + at));
        if (p <= 0.01) return List.of(new Verdict.Hit("BAYES_00", -2.0, "the user's classifier: spam probability " + at));
        if (p <= 0.05) return List.of(new Verdict.Hit("BAYES_05", -1.0, "the user's classifier: spam probability " + at));
        return List.of();
    }

    /** The first field of that name's value, or null. */
    static String first(List<HeaderFields> fields, String name) {
        for (HeaderFields f : fields) if (f.name().equalsIgnoreCase(name)) return f.value();
        return null;
    }

    /** GTUBE's Horspool shifts: how far the window may move when its last byte is b. */
    private static final int[] GTUBE_SHIFT = shifts(GTUBE);

    private static int[] shifts(byte[] needle) {
        int[] shift = new int[256];
        java.util.Arrays.fill(shift, needle.length);
        for (int j = 0; j < needle.length - 1; j++) shift[needle[j] & 0xff] = needle.length - 1 - j;
        return shift;
    }

    /** Whether GTUBE occurs in {@code hay} (Boyer-Moore-Horspool: most windows are skipped whole). */
    static boolean containsGtube(byte[] hay) {
        return contains(hay, GTUBE, GTUBE_SHIFT);
    }

    static boolean contains(byte[] hay, byte[] needle) {
        return contains(hay, needle, shifts(needle));
    }

    private static boolean contains(byte[] hay, byte[] needle, int[] shift) {
        int last = needle.length - 1;
        for (int i = 0; i + last < hay.length; i += shift[hay[i + last] & 0xff]) {
            if (java.util.Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) return true;
        }
        return false;
    }
}
