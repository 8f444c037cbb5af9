package org.postiljon.spam;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the filter found in a message: the rules that hit and their scores, summed. A message
 * scores as spam for a user at or above the user's threshold (5 by default, as SpamAssassin's).
 */
public record Verdict(List<Hit> hits) {

    /** One rule that matched: its name, its score (negative for signs of ham), and why. */
    public record Hit(String name, double score, String why) { }

    public static final Verdict NONE = new Verdict(List.of());

    public Verdict {
        hits = List.copyOf(hits);
    }

    public double score() {
        return hits.stream().mapToDouble(Hit::score).sum();
    }

    public Verdict plus(List<Hit> more) {
        if (more.isEmpty()) return this;
        List<Hit> all = new ArrayList<>(hits);
        all.addAll(more);
        return new Verdict(all);
    }

    /** The X-Spam-Status value, as SpamAssassin writes it: {@code Yes, score=7.2 required=5.0 tests=BAYES_99,MISSING_DATE}. */
    public String status(double required) {
        return (score() >= required ? "Yes" : "No") + String.format(Locale.ROOT, ", score=%.1f required=%.1f tests=", score(), required)
                + (hits.isEmpty() ? "none" : hits.stream().map(Hit::name).collect(Collectors.joining(",")));
    }
}
