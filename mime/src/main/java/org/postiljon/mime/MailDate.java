package org.postiljon.mime;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The Date header in the form nearly all mail carries (RFC 5322 §3.3, with the §4.3 obsolete
 * years and zone names), read in one pass without allocation: java.time's formatter took a tenth
 * of a delivery's parse. Returns {@link #NONE} for anything else (a comment inside the date, a wrong
 * calendar day, seconds of 60...), which the caller hands to Mime4j's lenient parser.
 */
final class MailDate {

    static final long NONE = Long.MIN_VALUE;

    private final String s;
    private int i;

    private MailDate(String s) {
        this.s = s;
    }

    /** Epoch milliseconds of {@code [day-of-week ","] day month year hour ":" minute [":" second] zone [comment]}, or {@link #NONE}. */
    static long epochMilli(String value) {
        return new MailDate(value).read();
    }

    private long read() {
        space();
        if (i + 4 <= s.length() && letters(i, 3)) { // day-of-week: skipped, the date counts (a wrong one is common)
            i += 3;
            space();
            if (!take(',')) return NONE;
            space();
        }
        int day = number(1, 2);
        if (day < 0 || !space()) return NONE;
        int month = month();
        if (month < 0 || !space()) return NONE;
        int yearStart = i;
        int year = number(2, 4);
        int digits = i - yearStart;
        if (year < 0 || !space()) return NONE;
        // RFC 5322 §4.3: a two-digit year below 50 is 20xx, other two- and three-digit years add 1900.
        if (digits == 2) year += year < 50 ? 2000 : 1900;
        else if (digits == 3) year += 1900;
        int hour = number(2, 2);
        if (hour < 0 || !take(':')) return NONE;
        int minute = number(2, 2);
        if (minute < 0) return NONE;
        int second = 0;
        if (take(':')) {
            second = number(2, 2);
            if (second < 0) return NONE;
        }
        if (!space()) return NONE;
        int offsetMinutes = zone();
        if (offsetMinutes == Integer.MIN_VALUE) return NONE;
        space();
        if (i < s.length() && s.charAt(i) == '(' && s.indexOf(')', i) == s.length() - 1) i = s.length(); // "(CET)"
        else space();
        if (i != s.length()) return NONE;
        try {
            return LocalDateTime.of(year, month, day, hour, minute, second)
                    .toEpochSecond(ZoneOffset.ofTotalSeconds(offsetMinutes * 60)) * 1000;
        } catch (DateTimeException e) {
            return NONE; // 31 Feb, hour 25, an offset past 18 hours: the lenient parser decides
        }
    }

    /** RFC 5322 §3.3 zone, or §4.3 obs-zone (UT, GMT, Z and the US names; other military letters go to the lenient parser). */
    private int zone() {
        if (i >= s.length()) return Integer.MIN_VALUE;
        char c = s.charAt(i);
        if (c == '+' || c == '-') {
            i++;
            int hhmm = number(4, 4);
            if (hhmm < 0 || hhmm % 100 >= 60) return Integer.MIN_VALUE;
            int minutes = hhmm / 100 * 60 + hhmm % 100;
            return c == '-' ? -minutes : minutes;
        }
        int start = i;
        while (i < s.length() && letter(s.charAt(i))) i++;
        for (int z = 0; z < ZONES.length; z++) {
            if (ZONES[z].length() == i - start && s.regionMatches(true, start, ZONES[z], 0, i - start)) return ZONE_MINUTES[z];
        }
        return Integer.MIN_VALUE;
    }

    private static final String[] ZONES = {"UT", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"};
    private static final int[] ZONE_MINUTES = {0, 0, 0, -5 * 60, -4 * 60, -6 * 60, -5 * 60, -7 * 60, -6 * 60, -8 * 60, -7 * 60};

    private boolean letters(int from, int count) {
        for (int j = from; j < from + count; j++) if (!letter(s.charAt(j))) return false;
        return true;
    }

    private static boolean letter(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }

    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";

    private int month() {
        if (i + 3 > s.length()) return -1;
        for (int m = 0; m < 12; m++) {
            if (s.regionMatches(true, i, MONTHS, m * 3, 3)) {
                i += 3;
                return m + 1;
            }
        }
        return -1;
    }

    private int number(int min, int max) {
        int start = i, n = 0;
        while (i < s.length() && i - start < max) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') break;
            n = n * 10 + (c - '0');
            i++;
        }
        return i - start >= min ? n : -1;
    }

    private boolean take(char c) {
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    /** Skips white space; true when there was some. */
    private boolean space() {
        int start = i;
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        return i > start;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
