package org.postiljon.mime;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RFC 5256 §2.1: the base subject, for SORT SUBJECT and THREAD. Input is already decoded. */
public final class BaseSubject {

    private static final Pattern WHITESPACE = Pattern.compile("[\\t\\r\\n ]+");
    private static final Pattern TRAILER = Pattern.compile("(?i)(\\s+|\\(fwd\\))$");
    private static final Pattern BLOB = Pattern.compile("^\\[[^\\[\\]]*\\]\\s*");
    private static final Pattern LEADER = Pattern.compile("(?i)^(\\[[^\\[\\]]*\\]\\s*)*(re|fwd?)\\s*(\\[[^\\[\\]]*\\])?:\\s*");
    private static final Pattern FWD_WRAP = Pattern.compile("(?i)^\\[fwd:(.*)\\]$");

    private BaseSubject() { }

    static String of(String decodedSubject) {
        return strip(decodedSubject, new boolean[1]);
    }

    /**
     * Whether the subject marks a reply or forward (RFC 5256 §2.1: a "Re:"/"Fw:"/"Fwd:" leader, a
     * "(fwd)" trailer or a "[fwd: ...]" wrapper was taken off; a [blob] alone does not count), for
     * THREAD's subject merging (§2.2 step 5).
     */
    public static boolean isReplyOrForward(String decodedSubject) {
        boolean[] reply = new boolean[1];
        strip(decodedSubject == null ? "" : decodedSubject, reply);
        return reply[0];
    }

    private static String strip(String decodedSubject, boolean[] reply) {
        // §2.1 (1): whitespace runs become one space.
        String s = WHITESPACE.matcher(decodedSubject).replaceAll(" ").strip();
        while (true) {
            // (2) remove trailers "(fwd)" and whitespace.
            String before;
            do {
                before = s;
                Matcher t = TRAILER.matcher(s);
                if (t.find() && !t.group().isBlank()) reply[0] = true;
                s = t.replaceAll("");
            } while (!s.equals(before));
            // (3)-(5) remove leaders and blobs while something remains.
            do {
                before = s;
                Matcher m = LEADER.matcher(s);
                if (m.find()) {
                    s = s.substring(m.end());
                    reply[0] = true;
                }
                Matcher b = BLOB.matcher(s);
                if (b.find() && b.end() < s.length()) s = s.substring(b.end());
            } while (!s.equals(before));
            // (6) "[fwd:" ... "]" wrapping: unwrap and go again.
            Matcher w = FWD_WRAP.matcher(s);
            if (w.matches()) {
                s = w.group(1).strip();
                reply[0] = true;
                continue;
            }
            return s.toLowerCase(Locale.ROOT);
        }
    }
}
