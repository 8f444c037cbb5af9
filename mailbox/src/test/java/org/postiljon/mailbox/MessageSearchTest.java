package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.postiljon.mailbox.api.SortKey;
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

    /**
     * has:attachment reads the mark stored with the parse; contents stored before the mark existed
     * (its column empty) are decided from their structure until the indexer marks them.
     */
    @Test
    void attachmentsFromTheStoredMarkAndFromTheStructureBeforeIt() throws Exception {
        String[] messages = {
            "Subject: report\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee\r\n"
                    + "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename*=utf-8''%E2%82%AC.pdf\r\n\r\n%PDF\r\n--b--\r\n",
            "Subject: plain\r\n\r\njust text\r\n",
            // RFC 8621 §4.1.4: an image inline between text parts of a mixed body is shown, not an attachment
            "Subject: inline\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\na\r\n"
                    + "--b\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n\r\nPNG\r\n--b--\r\n"};
        long[] uids = new long[messages.length];
        for (int i = 0; i < messages.length; i++) {
            uids[i] = t.model.messages().append(alice, MailboxName.INBOX, new ByteArrayInputStream(messages[i].getBytes(StandardCharsets.UTF_8)),
                    Flags.NONE, Instant.parse("2026-03-04T12:00:00Z")).uid();
        }
        SearchQuery has = new SearchQuery.HasAttachment();
        long[] with = {uids[0]};
        long[] without = {uids[1], uids[2]};
        assertArrayEquals(with, search(has));
        assertArrayEquals(without, search(new Not(has)));
        assertArrayEquals(with, scan(has), "the same as the rule on the structure");

        // A store from before the mark: the same answers, read from the structures
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("postiljon.db"))) {
            assertEquals(3, c.createStatement().executeUpdate("UPDATE message_parse SET attachments = NULL"));
        }
        assertArrayEquals(with, search(has));
        assertArrayEquals(without, search(new Not(has)));
        assertArrayEquals(with, search(new SearchQuery.And(java.util.List.of(has, new Contains(Field.SUBJECT, "report")))));
        assertEquals(3, t.model.indexer().markAttachments());
        assertEquals(0, t.model.indexer().markAttachments(), "all marked");
        assertArrayEquals(with, search(has));
        assertArrayEquals(without, search(new Not(has)));
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

    @Test
    void textSearchesThroughTheIndexGiveWhatAFullScanGives() {
        Random r = new Random(3);
        String[] words = {"Rechnung", "rechnungen", "GRÜẞE", "grüße", "Straße", "invoice", "INVOICES", "Kelvin", "ΣΊΣΥΦΟΣ", "σίσυφος",
                "naïve", "résumé", "x1y2", "the", "and", "budget", "Budgetplanung"};
        for (int i = 0; i < 250; i++) {
            StringBuilder body = new StringBuilder();
            for (int k = 0, n = 1 + r.nextInt(12); k < n; k++) body.append(pick(r, words)).append(r.nextInt(4) == 0 ? "\r\n" : " ");
            append(pick(r, NAMES), pick(r, NAMES), pick(r, SUBJECTS), body.toString(), Flags.NONE);
            if (i == 180) assertTrue(t.model.indexer().catchUp() > 0); // the rest stays pending: found all the same
        }
        int narrowed = 0;
        for (int i = 0; i < 300; i++) {
            String w = pick(r, words);
            int from = r.nextInt(Math.max(1, w.length() - 2));
            String fragment = w.substring(from, Math.min(w.length(), from + 2 + r.nextInt(6)));
            if (r.nextBoolean()) fragment = fragment.toUpperCase(java.util.Locale.ROOT);
            SearchQuery q = switch (r.nextInt(4)) {
                case 0 -> new SearchQuery.Text(r.nextBoolean(), fragment);
                case 1 -> new SearchQuery.Header("Subject", fragment);
                case 2 -> new SearchQuery.Contains(SearchQuery.Field.values()[r.nextInt(SearchQuery.Field.values().length)], fragment(r, NAMES));
                default -> new SearchQuery.Contains(SearchQuery.Field.SUBJECT, fragment(r, SUBJECTS));
            };
            long[] found = search(q);
            assertArrayEquals(scan(q), found, q::toString);
            if (found.length > 0 && found.length < 250) narrowed++;
        }
        assertTrue(narrowed > 40, "selective queries: " + narrowed);
    }

    @Test
    void randomSortsGiveWhatABruteForceSortGives() {
        Random r = new Random(11);
        for (int i = 0; i < 300; i++) {
            String date = "Date: " + (1 + r.nextInt(28)) + " Mar 2026 " + (10 + r.nextInt(10)) + ":00:00 +0" + r.nextInt(3) + "00\r\n";
            String m = "From: " + encoded(pick(r, NAMES)) + " <" + pick(r, new String[] {"zoe", "Adam", "bob", "émile", "ÖZ"}) + "@example.net>\r\n"
                    + "To: " + encoded(pick(r, NAMES)) + " <" + pick(r, new String[] {"x", "Y", "z"}) + "@example.org>\r\n"
                    + (r.nextBoolean() ? "Cc: c" + r.nextInt(5) + "@example.org\r\n" : "")
                    + "Subject: " + encoded(pick(r, SUBJECTS)) + "\r\n" + (r.nextInt(5) == 0 ? "" : date)
                    + "\r\n" + "x".repeat(r.nextInt(50)) + "\r\n";
            t.model.messages().append(alice, MailboxName.INBOX, new ByteArrayInputStream(m.getBytes(StandardCharsets.UTF_8)), Flags.NONE,
                    Instant.parse("2026-03-01T00:00:00Z").plusSeconds(r.nextInt(1_000_000)));
        }
        var infos = new java.util.HashMap<Long, org.postiljon.mailbox.api.MessageInfo>();
        for (var m : t.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL)) infos.put(m.uid(), m);
        var keys = t.model.messages().keys(alice, MailboxName.INBOX, UidSet.ALL, false);
        SortKey.Field[] fields = SortKey.Field.values();
        for (int i = 0; i < 200; i++) {
            List<SortKey> sort = new ArrayList<>();
            for (int k = 0, n = 1 + r.nextInt(3); k < n; k++) sort.add(new SortKey(fields[r.nextInt(fields.length)], r.nextBoolean()));
            SearchQuery q = r.nextInt(3) == 0 ? new SearchQuery.All() : query(r, 0);
            long[] hits = scan(q);
            java.util.Comparator<Long> order = (a, b) -> 0;
            for (SortKey k : sort) {
                java.util.Comparator<Long> c = switch (k.field()) {
                    case ARRIVAL -> java.util.Comparator.comparing((Long u) -> infos.get(u).internalDate());
                    case SIZE -> java.util.Comparator.comparingLong((Long u) -> infos.get(u).size());
                    case DATE -> java.util.Comparator.comparing((Long u) -> keys.get(u).sentDate() != null ? keys.get(u).sentDate() : infos.get(u).internalDate());
                    case FROM -> caseMap(u -> keys.get(u).sortFrom());
                    case TO -> caseMap(u -> keys.get(u).sortTo());
                    case DISPLAYTO -> caseMap(u -> keys.get(u).displayTo() != null ? keys.get(u).displayTo() : keys.get(u).sortTo());
                    case CC -> caseMap(u -> keys.get(u).sortCc());
                    case SUBJECT -> caseMap(u -> keys.get(u).baseSubject());
                    case DISPLAYFROM -> caseMap(u -> keys.get(u).displayFrom() != null ? keys.get(u).displayFrom() : keys.get(u).sortFrom());
                };
                order = order.thenComparing(k.reverse() ? c.reversed() : c);
            }
            order = order.thenComparingLong(Long::longValue);
            long[] expected = java.util.Arrays.stream(hits).boxed().sorted(order).mapToLong(Long::longValue).toArray();
            assertArrayEquals(expected, t.model.messages().sort(alice, MailboxName.INBOX, sort, q), () -> sort + " " + q);
        }
    }

    @Test
    void threadingPlacesEveryMatchingMessageOnceWhateverTheReferences() {
        Random r = new Random(5);
        for (int i = 0; i < 400; i++) {
            StringBuilder refs = new StringBuilder();
            for (int k = 0, n = r.nextInt(4); k < n; k++) refs.append(" <m").append(r.nextInt(60)).append("@x>"); // loops, self, missing
            String m = "Subject: " + pick(r, SUBJECTS) + "\r\n" + (r.nextInt(8) == 0 ? "" : "Message-ID: <m" + r.nextInt(80) + "@x>\r\n")
                    + (refs.isEmpty() ? "" : "References:" + refs + "\r\n")
                    + (r.nextBoolean() ? "Date: " + (1 + r.nextInt(28)) + " Mar 2026 10:00:00 +0000\r\n" : "") + "\r\nx\r\n";
            t.model.messages().append(alice, MailboxName.INBOX, new ByteArrayInputStream(m.getBytes(StandardCharsets.UTF_8)), Flags.NONE, Instant.now());
        }
        for (var algorithm : org.postiljon.mailbox.api.Messages.ThreadAlgorithm.values()) {
            for (int i = 0; i < 30; i++) {
                SearchQuery q = i == 0 ? new SearchQuery.All() : query(r, 0);
                List<Long> placed = new ArrayList<>();
                for (var tn : t.model.messages().thread(alice, MailboxName.INBOX, algorithm, q)) collect(tn, placed);
                long[] expected = scan(q);
                assertEquals(expected.length, placed.size(), () -> algorithm + " " + q + " placed a message twice or lost one");
                assertArrayEquals(expected, placed.stream().mapToLong(Long::longValue).sorted().toArray());
            }
        }
    }

    private static void collect(org.postiljon.mailbox.api.ThreadNode n, List<Long> out) {
        if (n.uid() != 0) out.add(n.uid());
        for (var c : n.children()) collect(c, out);
    }

    /** RFC 5051 i;unicode-casemap (each character in title case, then NFKD) over the UTF-8 octets, a missing value as "". */
    private static java.util.Comparator<Long> caseMap(java.util.function.Function<Long, String> value) {
        return (a, b) -> java.util.Arrays.compareUnsigned(fold(value.apply(a)), fold(value.apply(b)));
    }

    private static byte[] fold(String s) {
        StringBuilder t = new StringBuilder();
        (s == null ? "" : s).codePoints().forEach(c -> t.appendCodePoint(Character.toTitleCase(c)));
        return java.text.Normalizer.normalize(t, java.text.Normalizer.Form.NFKD).getBytes(StandardCharsets.UTF_8);
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
