package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.SearchQuery.Contains;
import org.postiljon.mailbox.api.SearchQuery.Field;
import org.postiljon.mailbox.api.SearchQuery.HasFlag;
import org.postiljon.mailbox.api.SearchQuery.Not;
import org.postiljon.mailbox.api.UidSet;

/** Searches narrowed by the store give exactly what a scan of every message gives. */
class MessageSearchTest {

    @TempDir
    Path dir;
    TestModels t;
    Account alice;

    private static final String[] NAMES = {"Alice Ärger", "bob", "Carol_100%", "dave", "Émile", "ÖZLEM", "Kelvin"};
    private static final String[] SUBJECTS = {"Hello", "hello world", "Grüße", "GRÜSSE aus Köln", "50% off_now", "Re: lunch", ""};

    @BeforeEach
    void setUp() throws Exception {
        t = new TestModels(dir);
        alice = t.account("alice@example.org");
    }

    @AfterEach
    void tearDown() {
        t.close();
    }

    private long append(String from, String to, String subject, String body, Flags flags) {
        String m = "From: " + encoded(from) + " <sender@example.net>\r\n"
                + "To: " + encoded(to) + " <to@example.org>\r\n"
                + "Subject: " + encoded(subject) + "\r\n"
                + "Date: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\n" + body + "\r\n";
        return t.model.messages().append(alice, MailboxName.INBOX, new ByteArrayInputStream(m.getBytes(StandardCharsets.UTF_8)),
                flags, Instant.parse("2026-03-04T12:00:00Z")).uid();
    }

    /** An RFC 2047 encoded word, as mail programs send non-ASCII names and subjects. */
    private static String encoded(String text) {
        return "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    private long[] search(SearchQuery q) {
        return t.model.messages().search(alice, MailboxName.INBOX, q);
    }

    /** The same query, but in a form no store can narrow: every message is confirmed one by one. */
    private long[] scan(SearchQuery q) {
        return search(new SearchQuery.Or(q, new Not(new SearchQuery.All())));
    }

    @Test
    void matchingIgnoresAsciiCaseAndUnicodeCaseButNeverMixesThem() {
        long a = append("Alice Ärger", "bob", "GRÜSSE aus Köln", "x", Flags.NONE);
        long b = append("dave", "bob", "grüsse", "x", Flags.NONE);
        long c = append("\u212Aelvin", "bob", "Kelvin sign", "x", Flags.NONE); // U+212A KELVIN SIGN
        assertArrayEquals(new long[] {a, b}, search(new Contains(Field.SUBJECT, "grüsse")));
        assertArrayEquals(new long[] {a}, search(new Contains(Field.FROM, "äRGER")));
        assertArrayEquals(new long[] {a}, search(new Contains(Field.FROM, "ALICE")));
        assertArrayEquals(new long[] {}, search(new Contains(Field.FROM, "kelvin")), "an ASCII k never matches the Kelvin sign");
        assertArrayEquals(new long[] {c}, search(new Contains(Field.FROM, "\u212Aelvin")));
    }

    @Test
    void rawUtf8HeadersAreSearchedAsUtf8() {
        String m = "From: Jürgen Groß <j@example.net>\r\nSubject: Grüße\r\n\r\nhi\r\n"; // RFC 6532
        long a = t.model.messages().append(alice, MailboxName.INBOX, new ByteArrayInputStream(m.getBytes(StandardCharsets.UTF_8)),
                Flags.NONE, Instant.now()).uid();
        assertArrayEquals(new long[] {a}, search(new Contains(Field.FROM, "GROß")));
        assertArrayEquals(new long[] {a}, search(new Contains(Field.SUBJECT, "GRÜßE")));
    }

    @Test
    void likeWildcardsInTheQueryAreMatchedLiterally() {
        long a = append("Carol_100%", "bob", "50% off_now", "x", Flags.NONE);
        append("Carol 1000", "bob", "500 offXnow", "x", Flags.NONE);
        assertArrayEquals(new long[] {a}, search(new Contains(Field.FROM, "l_100%")));
        assertArrayEquals(new long[] {a}, search(new Contains(Field.SUBJECT, "0% off_")));
        assertArrayEquals(new long[] {}, search(new Contains(Field.SUBJECT, "\\")));
    }

    @Test
    void flagQueriesAreAnsweredByTheStoreAndAgreeWithAScan() {
        long a = append("bob", "x", "s", "x", Flags.of(Flags.SEEN));
        long b = append("bob", "x", "s", "x", Flags.NONE);
        long c = append("bob", "x", "s", "x", Flags.of(Flags.DELETED, Flags.SEEN));
        assertArrayEquals(new long[] {b}, search(new Not(new HasFlag(Flags.SEEN))));
        assertArrayEquals(new long[] {a, c}, search(new HasFlag("\\SEEN")));
        assertArrayEquals(new long[] {a}, search(new SearchQuery.And(List.of(new HasFlag(Flags.SEEN), new Not(new HasFlag(Flags.DELETED))))));
        assertArrayEquals(scan(new Not(new HasFlag(Flags.DELETED))), search(new Not(new HasFlag(Flags.DELETED))));
    }

    @Test
    void randomQueriesGiveWhatAFullScanGives() {
        Random r = new Random(7);
        List<Long> uids = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Flags f = Flags.NONE;
            if (r.nextBoolean()) f = f.with(Flags.of(Flags.SEEN));
            if (r.nextInt(5) == 0) f = f.with(Flags.of(Flags.DELETED));
            if (r.nextInt(4) == 0) f = f.with(Flags.of(Flags.FLAGGED));
            uids.add(append(pick(r, NAMES), pick(r, NAMES), pick(r, SUBJECTS), "body " + pick(r, SUBJECTS), f));
        }
        // Some flags changed after delivery, so the flag columns are exercised after updates too.
        t.model.messages().store(alice, MailboxName.INBOX, UidSet.range(1, 40), new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of(Flags.SEEN)));
        int nonEmpty = 0;
        for (int i = 0; i < 400; i++) {
            SearchQuery q = query(r, 0);
            long[] narrowed = search(q);
            assertArrayEquals(scan(q), narrowed, q::toString);
            if (narrowed.length > 0) nonEmpty++;
        }
        assertEquals(true, nonEmpty > 100, "the queries should not all be empty: " + nonEmpty);
    }

    private static SearchQuery query(Random r, int depth) {
        int kind = r.nextInt(depth > 2 ? 6 : 9);
        return switch (kind) {
            case 0 -> new HasFlag(r.nextBoolean() ? Flags.SEEN : r.nextBoolean() ? Flags.DELETED : Flags.FLAGGED);
            case 1 -> new Not(new HasFlag(r.nextBoolean() ? Flags.SEEN : Flags.DELETED));
            case 2, 3 -> new Contains(Field.values()[r.nextInt(Field.values().length)], fragment(r, r.nextBoolean() ? NAMES : SUBJECTS));
            case 4 -> new SearchQuery.Text(r.nextBoolean(), fragment(r, SUBJECTS));
            case 5 -> new SearchQuery.Day(SearchQuery.DateField.values()[r.nextInt(2)], SearchQuery.Comparison.values()[r.nextInt(3)],
                    LocalDate.of(2026, 3, 3 + r.nextInt(2)));
            case 6 -> new SearchQuery.And(List.of(query(r, depth + 1), query(r, depth + 1)));
            case 7 -> new SearchQuery.Or(query(r, depth + 1), query(r, depth + 1));
            default -> new Not(query(r, depth + 1));
        };
    }

    private static String fragment(Random r, String[] from) {
        String s = pick(r, from);
        if (s.isEmpty()) return s;
        int a = r.nextInt(s.length()), b = a + 1 + r.nextInt(Math.min(4, s.length() - a));
        String f = s.substring(a, b);
        return r.nextBoolean() ? f.toUpperCase() : f;
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }
}
