package org.postiljon.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one-pass Date reader agrees with the expected instant, and leaves what it cannot read to the lenient parser. */
class MailDateTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            Tue, 3 Mar 2026 10:00:00 +0100          | 2026-03-03T09:00:00Z
            Tue,  03 Mar 2026 10:00:00 -0000        | 2026-03-03T10:00:00Z
            3 mar 2026 10:00:00 GMT                 | 2026-03-03T10:00:00Z
            Tue, 3 MAR 2026 10:00 +0000             | 2026-03-03T10:00:00Z
            Tue, 3 Mar 2026 10:00:00 +0100 (CET)    | 2026-03-03T09:00:00Z
            Tue, 3 Mar 2026 10:00:00 EST            | 2026-03-03T15:00:00Z
            Tue, 3 Mar 2026 10:00:00 pdt            | 2026-03-03T17:00:00Z
            Wed, 3 Mar 99 10:00:00 +0000            | 1999-03-03T10:00:00Z
            4 Nov 26 10:00 UT                       | 2026-11-04T10:00:00Z
            4 Nov 126 10:00 Z                       | 2026-11-04T10:00:00Z
            Fri, 3 Mar 2026 10:00:00 +0000          | 2026-03-03T10:00:00Z
            Mon, 29 Feb 2028 23:59:59 +1400         | 2028-02-29T09:59:59Z
            Thu, 1 Jan 1970 00:00:00 +0000          | 1970-01-01T00:00:00Z
            """)
    void readsTheUsualForms(String header, String expected) {
        assertEquals(Instant.parse(expected).toEpochMilli(), MailDate.epochMilli(header));
        assertEquals(Instant.parse(expected), MessageParser.date(header));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "Tue, 31 Feb 2026 10:00:00 +0000",       // no such day
            "Tue, 3 Mar 2026 24:00:00 +0000",        // no such hour
            "Tue, 3 Mar 2026 10:00:60 +0000",        // leap second
            "Tue, 3 Mar 2026 10:00:00 +0160",        // minutes of the offset past 59
            "Tue, 3 Mar 2026 10:00:00 +9900",        // offset past 18 hours
            "Tue, 3 Mar 2026 10:00:00 A",            // military zone
            "Tue, 3 Mar 2026 (noon) 10:00:00 +0000", // a comment inside
            "Tuesday, 3 Mar 2026 10:00:00 +0000",
            "T12, 3 Mar 2026 10:00:00 +0000",        // a day of the week that is not letters
            "3 Mar 20261 10:00:00 +0000",
            "3 March 2026 10:00:00 +0000",
            "Tue, 3 Mar 2026 10:00:00",              // no zone
            "Tue, 3 Mar 2026 10:00:00 +0000 trailing",
            "Wed, 31 Dec 1969 23:59:59 +0000",       // before 1970 is fine too, but is it the lenient parser's?
            "",
            "yesterday at noon",
            "3",
    })
    void leavesTheRestToTheLenientParser(String header) {
        long fast = MailDate.epochMilli(header);
        if (header.startsWith("Wed, 31 Dec 1969")) {
            assertEquals(-1000, fast); // a real date just before the epoch is read, not mistaken for "none"
            return;
        }
        assertEquals(MailDate.NONE, fast);
        // and the result is Mime4j's, as before the fast path existed
        assertEquals(lenient(header), MessageParser.date(header));
    }

    private static Instant lenient(String header) {
        if (header.isBlank()) return null;
        String zoned = header.replace(" EST", " -0500");
        try {
            var f = DateTimeFieldLenientImpl.PARSER.parse(new RawField("Date", zoned), DecodeMonitor.SILENT);
            return f.getDate() == null ? null : f.getDate().toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
