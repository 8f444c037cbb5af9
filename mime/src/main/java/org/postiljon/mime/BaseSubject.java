package org.postiljon.mime;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RFC 5256 §2.1: the base subject, for SORT SUBJECT and THREAD. Input is already decoded. */
final class BaseSubject {

    private static final Pattern TRAILER = Pattern.compile("(?i)(\\s+|\\(fwd\\))$");
    private static final Pattern BLOB = Pattern.compile("^\\[[^\\[\\]]*\\]\\s*");
    private static final Pattern LEADER = Pattern.compile("(?i)^(\\[[^\\[\\]]*\\]\\s*)*(re|fwd?)\\s*(\\[[^\\[\\]]*\\])?:\\s*");
    private static final Pattern FWD_WRAP = Pattern.compile("(?i)^\\[fwd:(.*)\\]$");

    private BaseSubject() { }

    static String of(String decodedSubject) {
        // §2.1 (1): whitespace runs become one space.
        String s = decodedSubject.replaceAll("[\\t\\r\\n ]+", " ").strip();
        while (true) {
            // (2) remove trailers "(fwd)" and whitespace.
            String before;
            do {
                before = s;
                s = TRAILER.matcher(s).replaceAll("");
            } while (!s.equals(before));
            // (3)-(5) remove leaders and blobs while something remains.
            do {
                before = s;
                Matcher m = LEADER.matcher(s);
                if (m.find()) s = s.substring(m.end());
                Matcher b = BLOB.matcher(s);
                if (b.find() && b.end() < s.length()) s = s.substring(b.end());
            } while (!s.equals(before));
            // (6) "[fwd:" ... "]" wrapping: unwrap and go again.
            Matcher w = FWD_WRAP.matcher(s);
            if (w.matches()) {
                s = w.group(1).strip();
                continue;
            }
            return s.toLowerCase(Locale.ROOT);
        }
    }
}
