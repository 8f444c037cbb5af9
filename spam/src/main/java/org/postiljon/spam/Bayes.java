package org.postiljon.spam;

/**
 * The per-user Bayesian classifier, as SpamBayes and SpamAssassin combine evidence (Gary
 * Robinson's "A Statistical Approach to the Spam Problem", 2003): each token's spam probability
 * from how often it was in the user's spam and ham, pulled towards 0.5 while it was seen rarely;
 * the {@link #INTERESTING} tokens furthest from 0.5 combined with Fisher's chi-square method into
 * one indicator between 0 (ham) and 1 (spam).
 */
public final class Bayes {

    /** Messages of each kind a user must have trained before the classifier says anything. */
    public static final int MIN_TRAINED = 10;
    static final int INTERESTING = 150;
    /** Robinson's s and x: the strength and value of the prior for a token seen rarely. */
    private static final double S = 1.0, X = 0.5;
    /** Tokens this close to 0.5 say nothing. */
    private static final double MIN_DISTANCE = 0.1;

    private Bayes() { }

    /**
     * The spam probability of a message, or -1 when too little was trained.
     *
     * @param spamMessages how many spam messages the user trained
     * @param hamMessages  how many ham messages
     * @param counts       for each of the message's tokens: {in how many spam, in how many ham}
     */
    public static double probability(long spamMessages, long hamMessages, long[][] counts) {
        if (spamMessages < MIN_TRAINED || hamMessages < MIN_TRAINED) return -1;
        double[] f = new double[counts.length];
        int n = 0;
        for (long[] c : counts) {
            long seen = c[0] + c[1];
            if (seen == 0) continue;
            double spamRatio = Math.min(1.0, (double) c[0] / spamMessages), hamRatio = Math.min(1.0, (double) c[1] / hamMessages);
            double p = spamRatio / (spamRatio + hamRatio);
            double fw = (S * X + seen * p) / (S + seen);
            if (Math.abs(fw - 0.5) >= MIN_DISTANCE) f[n++] = fw;
        }
        if (n == 0) return 0.5;
        // The most interesting tokens: furthest from 0.5.
        double[] chosen = java.util.Arrays.stream(f, 0, n).boxed().sorted((a, b) -> Double.compare(Math.abs(b - 0.5), Math.abs(a - 0.5)))
                .limit(INTERESTING).mapToDouble(Double::doubleValue).toArray();
        double lnNotSpam = 0, lnSpam = 0;
        for (double fw : chosen) {
            lnNotSpam += Math.log(1 - fw);
            lnSpam += Math.log(fw);
        }
        // As SpamBayes: tokens that are all far from ham make the product of (1 - f) tiny, so spamminess near 1.
        double spamminess = 1 - chi2q(-2 * lnNotSpam, 2 * chosen.length);
        double hamminess = 1 - chi2q(-2 * lnSpam, 2 * chosen.length);
        return (1 + spamminess - hamminess) / 2;
    }

    /** The chi-square survival function for an even number of degrees of freedom. */
    static double chi2q(double x2, int v) {
        double m = x2 / 2, sum = Math.exp(-m), term = sum;
        for (int i = 1; i < v / 2; i++) {
            term *= m / i;
            sum += term;
        }
        return Math.min(sum, 1.0);
    }
}
