package org.postiljon.imap;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** SORT (RFC 5256, 5957), ESORT and PARTIAL (RFC 5267, 9394), THREAD (RFC 5256) over the wire. */
class SortThreadTest extends ImapTranscriptTest {

    private int n;

    private void append(String from, String subject, String date, String id, String refs, String body) throws Exception {
        String m = "From: " + from + "\r\nSubject: " + subject + "\r\nDate: " + date + "\r\nMessage-ID: " + id + "\r\n"
                + (refs == null ? "" : refs + "\r\n") + "\r\n" + body + "\r\n";
        t.send(1, "p" + n + " APPEND INBOX {" + m.getBytes(StandardCharsets.UTF_8).length + "+}\r\n" + m + "\r\n");
        run("S1: p" + n++ + " OK [APPENDUID *");
    }

    private void six() throws Exception {
        login(1, "alice@example.org");
        append("Zed <zed@example.org>", "Lunch", "Tue, 3 Nov 2026 10:00:00 +0000", "<a@x>", null, "x");
        append("anna <anna@example.org>", "Re: Lunch", "Tue, 3 Nov 2026 12:00:00 +0000", "<b@x>", "References: <a@x>", "a longer body here");
        append("Bob <bob@example.org>", "Budget", "Sun, 1 Nov 2026 09:00:00 +0000", "<c@x>", null, "xx");
        append("carl <carl@example.org>", "Re: Lunch", "Tue, 3 Nov 2026 11:00:00 +0000", "<d@x>", "In-Reply-To: <a@x>", "xxx");
        append("anna <anna@example.org>", "Fwd: Budget", "Mon, 2 Nov 2026 09:00:00 +0000", "<e@x>", null, "xxxx");
        append("Bob <bob@example.org>", "Lunch plans", "Wed, 4 Nov 2026 09:00:00 +0000", "<f@x>", "References: <a@x> <b@x>", "y");
        run("""
            C1: s0 SELECT INBOX
            S1~ s0 OK [READ-WRITE] SELECT completed
            """);
    }

    private void appendTo(String box, String subject) throws Exception {
        String m = "From: x@example.org\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
        t.send(1, "q" + n + " APPEND " + box + " {" + m.length() + "+}\r\n" + m + "\r\n");
        run("S1: q" + n++ + " OK [APPENDUID *");
    }

    @Test
    void subjectsSortByUnicodeCasemapSoPunctuationFollowsTheLetters() throws Exception {
        login(1, "alice@example.org");
        run("C1: c1 CREATE Sorted\nS1: c1 OK *");
        appendTo("Sorted", "_underscore");
        appendTo("Sorted", "banana");
        appendTo("Sorted", "Apple");
        appendTo("Sorted", "apple");
        run("""
            C1: s1 SELECT Sorted
            S1~ s1 OK [READ-WRITE] SELECT completed
            # RFC 5256 §7 / RFC 5051: letters to title (for ASCII, upper) case, so "_" (0x5F) comes after "Z"; ties by sequence number
            C1: s2 SORT (SUBJECT) UTF-8 ALL
            S1: * SORT 3 4 2 1
            S1: s2 OK SORT completed
            """);
    }

    @Test
    void aMailboxMadeAfterADeleteGetsNoStaleSortOrRecent() throws Exception {
        login(1, "alice@example.org");
        run("C1: c1 CREATE Old\nS1: c1 OK *");
        appendTo("Old", "Beta");
        appendTo("Old", "Alpha");
        run("""
            C1: s1 SELECT Old
            S1~ s1 OK [READ-WRITE] SELECT completed
            C1: s2 SORT (SUBJECT) UTF-8 ALL
            S1: * SORT 2 1
            S1: s2 OK SORT completed
            C1: s4 CLOSE
            S1: s4 OK *
            C1: d1 DELETE Old
            S1: d1 OK *
            C1: c2 CREATE New
            S1: c2 OK *
            """);
        // The store may give "New" the id "Old" had; its messages start again at UID 1 and 2.
        appendTo("New", "Alpha");
        appendTo("New", "Beta");
        run("""
            C1: s5 SELECT New
            S1~ * 2 RECENT
            S1~ s5 OK [READ-WRITE] SELECT completed
            C1: s6 SORT (SUBJECT) UTF-8 ALL
            S1: * SORT 1 2
            S1: s6 OK SORT completed
            """);
    }

    @Test
    void sortByEveryKindOfKey() throws Exception {
        six();
        run("""
            C1: a1 SORT (SUBJECT) UTF-8 ALL
            S1: * SORT 3 5 1 2 4 6
            S1: a1 OK SORT completed
            C1: a2 SORT (REVERSE DATE) UTF-8 ALL
            S1: * SORT 6 2 4 1 5 3
            S1: a2 OK SORT completed
            C1: a3 SORT (FROM DATE) US-ASCII ALL
            S1: * SORT 5 2 3 6 4 1
            S1: a3 OK SORT completed
            C1: a4 SORT (DISPLAYFROM) UTF-8 ALL
            S1: * SORT 2 5 3 6 4 1
            S1: a4 OK SORT completed
            C1: a5 UID SORT (REVERSE SUBJECT REVERSE ARRIVAL) UTF-8 FROM anna
            S1: * SORT 2 5
            S1: a5 OK UID SORT completed
            C1: a6 SORT (SIZE) UTF-8 NOT FROM anna
            S1: * SORT 1 3 4 6
            S1: a6 OK SORT completed
            # RFC 5267 §3.1: MIN and MAX are the first and last in the sort order
            C1: a7 SORT RETURN (MIN MAX COUNT ALL) (SUBJECT) UTF-8 ALL
            S1: * ESEARCH (TAG "a7") MIN 3 MAX 6 ALL 3,5,1,2,4,6 COUNT 6
            S1: a7 OK SORT completed
            C1: a8 SORT RETURN (PARTIAL 1:2) (REVERSE DATE) UTF-8 ALL
            S1: * ESEARCH (TAG "a8") PARTIAL (1:2 6,2)
            S1: a8 OK SORT completed
            C1: a9 SORT RETURN (PARTIAL -1:-2) (REVERSE DATE) UTF-8 ALL
            S1: * ESEARCH (TAG "a9") PARTIAL (-1:-2 5,3)
            S1: a9 OK SORT completed
            C1: a10 SORT (SUBJECT) UTF-8 SUBJECT nothing-like-this
            S1: * SORT
            S1: a10 OK SORT completed
            C1: a11 SORT (REVERSE) UTF-8 ALL
            S1: a11 BAD REVERSE must precede a sort key
            C1: a12 SORT (COLOR) UTF-8 ALL
            S1: a12 BAD unknown sort key COLOR
            C1: a13 SORT (DATE) KOI8-R ALL
            S1: a13 NO [BADCHARSET (UTF-8 US-ASCII)] unsupported charset
            C1: a14 SORT RETURN (PARTIAL 0:5) (DATE) UTF-8 ALL
            S1: a14 BAD PARTIAL range is n:m, both positive or both negative, never 0
            """);
    }

    @Test
    void threadByReferencesAndBySubject() throws Exception {
        six();
        run("""
            C1: a1 THREAD ORDEREDSUBJECT UTF-8 ALL
            S1: * THREAD (3 5)(1 (4)(2))(6)
            S1: a1 OK THREAD completed
            C1: a2 THREAD REFERENCES UTF-8 ALL
            S1: * THREAD (3 5)(1 (4)(2 6))
            S1: a2 OK THREAD completed
            C1: a3 UID THREAD REFERENCES UTF-8 NOT FROM zed
            S1: * THREAD (3 5)((4)(2 6))
            S1: a3 OK UID THREAD completed
            C1: a4 THREAD REFERENCES UTF-8 SUBJECT nothing-like-this
            S1: * THREAD
            S1: a4 OK THREAD completed
            C1: a5 THREAD REFS UTF-8 ALL
            S1: a5 BAD unknown threading algorithm REFS; ORDEREDSUBJECT and REFERENCES are
            """);
    }

    @Test
    void withinSearchesByAgeInSeconds() throws Exception {
        login(1, "alice@example.org");
        run("""
            C1: a1 APPEND INBOX "01-Jan-2020 10:00:00 +0000" {9+}
            C1: Subject:
            S1: a1 OK [APPENDUID *
            C1: a2 APPEND INBOX {9+}
            C1: Subject:
            S1: a2 OK [APPENDUID *
            C1: a3 SELECT INBOX
            S1~ a3 OK [READ-WRITE] SELECT completed
            C1: a4 SEARCH OLDER 86400
            S1: * SEARCH 1
            S1: a4 OK SEARCH completed
            C1: a5 SEARCH YOUNGER 86400
            S1: * SEARCH 2
            S1: a5 OK SEARCH completed
            C1: a6 SORT (ARRIVAL) UTF-8 YOUNGER 4000000000
            S1: * SORT 1 2
            S1: a6 OK SORT completed
            """);
    }
}
