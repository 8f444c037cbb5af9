package org.postiljon.sieve;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The date and currentdate tests' values (RFC 5260 §4-5): dates read from header fields, and their parts. */
final class Dates {

    /** RFC 5322 §3.3 date-time, with the obsolete forms (§4.3) the wild still sends: no weekday, two-digit years, named zones. */
    private static final Pattern DATE = Pattern.compile(
            "(?:[A-Za-z]{3},?\\s*)?(\\d{1,2})\\s+([A-Za-z]{3})[a-z]*\\s+(\\d{2,4})\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([+-]\\d{4}|[A-Za-z]{1,5})?");
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
    /** RFC 5322 §4.3's zone names; any other (military letters and the rest) is -0000, time as given. */
    private static final Map<String, Integer> ZONES = Map.of("ut", 0, "gmt", 0, "edt", -4, "est", -5, "cdt", -5, "cst", -6, "mdt", -6, "mst", -7,
            "pdt", -7, "pst", -8);
    private static final Pattern OFFSET = Pattern.compile("([+-])(\\d{2})(\\d{2})");
    private static final DateTimeFormatter STD11 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss xx", Locale.ROOT);

    private Dates() { }

    /**
     * The date-time in a header field's value, in the zone it was written in; null when it has none.
     * A Received field's date is the part after its last ";" (RFC 5260 §4).
     */
    static ZonedDateTime parse(String value) {
        String v = value.replaceAll("\\([^()]*\\)", " ").strip();
        Matcher m = DATE.matcher(v.substring(v.lastIndexOf(';') + 1).strip());
        if (!m.lookingAt()) return null;
        int month = MONTHS.indexOf(m.group(2).toLowerCase(Locale.ROOT));
        if (month < 0 || month % 3 != 0) return null;
        int year = Integer.parseInt(m.group(3));
        if (m.group(3).length() == 2) year += year < 50 ? 2000 : 1900; // RFC 5322 §4.3
        else if (m.group(3).length() == 3) year += 1900;
        try {
            return ZonedDateTime.of(year, month / 3 + 1, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), 0, zone(m.group(7)));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static ZoneOffset zone(String z) {
        if (z == null) return ZoneOffset.UTC;
        ZoneOffset offset = offset(z);
        if (offset != null) return offset;
        return ZoneOffset.ofHours(ZONES.getOrDefault(z.toLowerCase(Locale.ROOT), 0));
    }

    /** A zone as the :zone argument writes it ("+0100"); null when it is none (RFC 5260 §4.1). */
    static ZoneOffset offset(String z) {
        Matcher o = OFFSET.matcher(z);
        if (!o.matches()) return null;
        int hours = Integer.parseInt(o.group(2)), minutes = Integer.parseInt(o.group(3));
        if (hours > 18 || minutes > 59) return null;
        int seconds = (hours * 3600 + minutes * 60) * (o.group(1).equals("-") ? -1 : 1);
        try {
            return ZoneOffset.ofTotalSeconds(seconds);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The date as the test compares it: in {@code zone}, or as written when null (:originalzone). */
    static ZonedDateTime in(ZonedDateTime d, ZoneId zone) {
        return zone == null ? d : d.withZoneSameInstant(zone);
    }

    /** RFC 5260 §4.2: one date-part of {@code d}; null when {@code part} is none of them. */
    static String part(ZonedDateTime d, String part) {
        return switch (part.toLowerCase(Locale.ROOT)) {
            case "year" -> String.format(Locale.ROOT, "%04d", d.getYear());
            case "month" -> String.format(Locale.ROOT, "%02d", d.getMonthValue());
            case "day" -> String.format(Locale.ROOT, "%02d", d.getDayOfMonth());
            case "date" -> String.format(Locale.ROOT, "%04d-%02d-%02d", d.getYear(), d.getMonthValue(), d.getDayOfMonth());
            // The Modified Julian Day: days since 1858-11-17.
            case "julian" -> String.valueOf(d.toLocalDate().toEpochDay() - LocalDate.of(1858, 11, 17).toEpochDay());
            case "hour" -> String.format(Locale.ROOT, "%02d", d.getHour());
            case "minute" -> String.format(Locale.ROOT, "%02d", d.getMinute());
            case "second" -> String.format(Locale.ROOT, "%02d", d.getSecond());
            case "time" -> String.format(Locale.ROOT, "%02d:%02d:%02d", d.getHour(), d.getMinute(), d.getSecond());
            case "iso8601" -> DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(d.withNano(0));
            case "std11" -> STD11.format(d);
            case "zone" -> DateTimeFormatter.ofPattern("xx", Locale.ROOT).format(d);
            case "weekday" -> String.valueOf(d.getDayOfWeek().getValue() % 7); // 0 is Sunday
            default -> null;
        };
    }
}
