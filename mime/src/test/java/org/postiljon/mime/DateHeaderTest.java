package org.postiljon.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** RFC 5322 §3.3 dates in the forms mail really carries, current and obsolete. */
class DateHeaderTest {

    @Test
    void currentForms() {
        assertEquals(Instant.parse("2026-03-03T09:00:00Z"), MessageParser.date("Tue, 3 Mar 2026 10:00:00 +0100"));
        assertEquals(Instant.parse("2026-03-03T10:00:00Z"), MessageParser.date("  Tue, 03 Mar 2026 10:00:00 -0000 "));
        assertEquals(Instant.parse("2026-03-03T10:00:00Z"), MessageParser.date("3 Mar 2026 10:00:00 GMT"));
        assertEquals(Instant.parse("2026-03-03T10:00:00Z"), MessageParser.date("Tue, 3 Mar 2026 10:00 +0000"));
    }

    @Test
    void obsoleteAndOddFormsStillParse() {
        assertEquals(Instant.parse("2026-03-03T09:00:00Z"), MessageParser.date("Tue, 3 Mar 2026 10:00:00 +0100 (CET)"));
        assertEquals(Instant.parse("2026-03-03T15:00:00Z"), MessageParser.date("Tue, 3 Mar 2026 10:00:00 EST"));
        assertEquals(Instant.parse("1999-03-03T10:00:00Z"), MessageParser.date("Wed, 3 Mar 99 10:00:00 +0000"));
        // RFC 5322 §4.3: two-digit years below 50 are 20xx (java.time's RFC 1123 parser alone made it the year 26).
        assertEquals(Instant.parse("2026-11-04T10:00:00Z"), MessageParser.date("4 Nov 26 10:00 GMT"));
        // A wrong day of the week is common in spam and old mailers; the date itself counts.
        assertEquals(Instant.parse("2026-03-03T10:00:00Z"), MessageParser.date("Fri, 3 Mar 2026 10:00:00 +0000"));
    }

    @Test
    void theDayAsWrittenIgnoresTimeAndZone() {
        // RFC 3501 §6.4.4: SENTON compares the date in the header, "disregarding time and timezone".
        assertEquals(java.time.LocalDate.of(2026, 11, 3), MessageParser.writtenDay("Tue, 3 Nov 2026 23:30:00 -0500").orElseThrow());
        assertEquals(java.time.LocalDate.of(2026, 11, 4), MessageParser.writtenDay("4 nov 26 10:00 GMT").orElseThrow());
        assertEquals(java.time.LocalDate.of(1999, 3, 3), MessageParser.writtenDay("Wed, 3 Mar 99 10:00:00 +0000").orElseThrow());
        assertEquals(java.util.Optional.empty(), MessageParser.writtenDay("31 Feb 2026 10:00 +0000"));
        assertEquals(java.util.Optional.empty(), MessageParser.writtenDay("yesterday at noon"));
    }

    @Test
    void garbageIsNoDate() {
        assertNull(MessageParser.date("yesterday at noon"));
        assertNull(MessageParser.date(""));
    }
}
