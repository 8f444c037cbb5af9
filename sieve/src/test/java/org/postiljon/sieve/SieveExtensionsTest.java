package org.postiljon.sieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.postiljon.sieve.SieveTest.KEEP;
import static org.postiljon.sieve.SieveTest.into;
import static org.postiljon.sieve.SieveTest.run;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The extensions of the second round: date and index (RFC 5260), editheader (RFC 5293),
 * duplicate (RFC 7352), include (RFC 6609) and virustest (RFC 5235), on their RFCs' examples
 * where they give some.
 */
class SieveExtensionsTest {

    static final SieveTest.Msg BOSS = SieveTest.Msg.of("boss@example.com", "me@example.org",
            "From: boss@example.com", "Date: Tue, 1 Jul 2008 10:52:37 +0200 (CEST)", "Subject: Plans",
            "Received: from a.example by b.example; Sat, 5 Jul 2008 23:10:00 -0400",
            "Received: from c.example by a.example; Sun, 6 Jul 2008 03:00:00 +0000", "Message-ID: <plans@example.com>");

    @Test
    void dateComparesPartsInTheZoneAsked() throws Exception {
        // RFC 5260 §4 example: office hours in the sender's own zone.
        String office = """
                require ["date", "relational", "fileinto"];
                if allof(header :is "from" "boss@example.com",
                         date :value "ge" :originalzone "date" "hour" "09",
                         date :value "lt" :originalzone "date" "hour" "17")
                { fileinto "urgent"; }""";
        assertEquals(List.of(into("urgent")), run(office, BOSS));
        // In UTC the same instant is 08:52: not office hours there.
        assertEquals(List.of(KEEP), run(office.replace(":originalzone", ":zone \"+0000\""), BOSS));
        String parts = "require [\"date\", \"fileinto\"];\n"
                + "if date :is :zone \"+0000\" \"date\" \"date\" \"2008-07-01\" { fileinto \"a\"; }\n"
                + "if date :is :originalzone \"date\" \"zone\" \"+0200\" { fileinto \"b\"; }\n"
                + "if date :is :originalzone \"date\" \"weekday\" \"2\" { fileinto \"c\"; }\n"
                + "if date :is :zone \"+0000\" \"date\" \"julian\" \"54648\" { fileinto \"d\"; }\n"
                + "if date :is :zone \"-0130\" \"date\" \"time\" \"07:22:37\" { fileinto \"e\"; }\n"
                + "if date :is :originalzone \"date\" \"iso8601\" \"2008-07-01T10:52:37+02:00\" { fileinto \"f\"; }\n"
                + "if date :is :originalzone \"date\" \"std11\" \"Tue, 01 Jul 2008 10:52:37 +0200\" { fileinto \"g\"; }\n"
                + "if date :matches \"x-none\" \"year\" \"*\" { fileinto \"never\"; }";
        assertEquals(List.of(into("a"), into("b"), into("c"), into("d"), into("e"), into("f"), into("g")), run(parts, BOSS));
    }

    @Test
    void indexPicksOneOccurrenceAndReceivedDatesFollowTheSemicolon() throws Exception {
        // RFC 5260 §4 example, with index (§6): the weekend seen in the first Received field (the last hop).
        String weekend = "require [\"date\", \"index\", \"fileinto\"];\n"
                + "if date :index 1 :originalzone \"received\" \"weekday\" \"6\" { fileinto \"first\"; }\n"
                + "if date :index 1 :last :zone \"+0000\" \"received\" \"weekday\" \"0\" { fileinto \"last\"; }\n"
                + "if date :index 1 :zone \"+0000\" \"received\" \"weekday\" \"0\" { fileinto \"first-in-utc\"; }\n"
                + "if header :index 2 :contains \"received\" \"c.example\" { fileinto \"second\"; }\n"
                + "if header :index 3 :contains \"received\" \"example\" { fileinto \"none\"; }";
        // The first field says Saturday 23:10 -0400, which is Sunday 03:10 in UTC; the last says Sunday.
        assertEquals(List.of(into("first"), into("last"), into("first-in-utc"), into("second")), run(weekend, BOSS));
        assertThrows(Sieve.InvalidScript.class, () -> Sieve.compile("require \"date\"; if header :index 1 \"to\" \"x\" { stop; }"));
    }

    @Test
    void currentdateReadsTheClock() throws Exception {
        // RFC 5260 §5 example: a vacation in the first week of July.
        String away = """
                require ["date", "relational", "vacation"];
                if allof(currentdate :value "ge" "date" "2007-06-30",
                         currentdate :value "le" "date" "2007-07-07")
                { vacation :days 7  "I'm away during the first week in July."; }""";
        assertEquals(1, run(away, at(BOSS, ZonedDateTime.of(2007, 7, 2, 12, 0, 0, 0, ZoneOffset.UTC))).stream().filter(a -> a instanceof Action.Vacation).count());
        assertEquals(List.of(KEEP), run(away, at(BOSS, ZonedDateTime.of(2007, 7, 8, 12, 0, 0, 0, ZoneOffset.UTC))));
        Sieve.Result bad = Sieve.run(Sieve.compile("require \"date\"; if currentdate :zone \"CET\" \"date\" \"x\" { discard; }"), BOSS);
        assertTrue(bad.error().contains("+hhmm"), bad.error());
        assertEquals(List.of(KEEP), bad.actions());
        Sieve.Result part = Sieve.run(Sieve.compile("require \"date\"; if currentdate \"fortnight\" \"1\" { discard; }"), BOSS);
        assertTrue(part.error().contains("fortnight"), part.error());
    }

    static Sieve.Message at(SieveTest.Msg m, ZonedDateTime now) {
        return new Delegate(m) {
            @Override
            public ZonedDateTime now() {
                return now;
            }
        };
    }

    @Test
    void editheaderChangesWhatLaterTestsAndEachActionSee() throws Exception {
        String script = """
                require ["editheader", "fileinto", "copy"];
                addheader "X-Filtered" "once";
                if header :is "x-filtered" "once" { fileinto :copy "Seen-Added"; }
                deleteheader "subject";
                if not exists "subject" { fileinto :copy "No-Subject"; }
                addheader :last "X-Tail" "Grüße aus Köln";
                deleteheader :index 1 :last "received";
                deleteheader :index 2 "x-nothing";
                deleteheader :contains "message-id" "plans";
                """;
        List<Action> actions = run(script, BOSS);
        assertEquals(3, actions.size(), actions.toString());
        Action.FileInto first = (Action.FileInto) actions.get(1), second = (Action.FileInto) actions.get(2);
        Action.Keep keep = (Action.Keep) actions.getFirst();
        assertEquals(List.of(new HeaderEdits.Field("X-Filtered", "once")), first.edits().top());
        assertTrue(first.edits().deleted().isEmpty());
        assertEquals(Map.of("subject", Set.of(0)), second.edits().deleted());
        // Received is never deleted; Message-ID is.
        assertEquals(Map.of("subject", Set.of(0), "message-id", Set.of(0)), keep.edits().deleted());
        assertEquals(List.of(new HeaderEdits.Field("X-Tail", "Grüße aus Köln")), keep.edits().bottom());

        byte[] message = ("Received: by x\r\nSubject: Plans\r\n  continued\r\nMessage-ID: <plans@example.com>\r\nFrom: boss@example.com\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        HeaderEdits.Edited edited = keep.edits().apply(message);
        assertNotNull(edited);
        assertEquals("X-Filtered: once\r\nReceived: by x\r\nFrom: boss@example.com\r\nX-Tail: =?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=\r\n\r\n",
                new String(edited.header(), StandardCharsets.US_ASCII));
        assertEquals(message.length - "body\r\n".length(), edited.replaces());
        assertNull(keep.edits().apply("Subject: no end".getBytes(StandardCharsets.US_ASCII)), "a header cut off is not edited");

        assertEquals("line 1: not a header field name: \"Bad Name\"",
                Sieve.run(Sieve.compile("require \"editheader\"; addheader \"Bad Name\" \"x\";"), BOSS).error());
        assertTrue(Sieve.run(Sieve.compile("require \"editheader\"; addheader \"X-Big\" \"" + "x".repeat(3000) + "\";"), BOSS).error().contains("2048"));
        assertThrows(Sieve.InvalidScript.class, () -> Sieve.compile("addheader \"X\" \"y\";"));
        // An error drops the edits with the actions: the message is kept as it came.
        Sieve.Result failed = Sieve.run(Sieve.compile("require [\"editheader\", \"date\"]; deleteheader \"subject\"; if currentdate \"nope\" \"x\" { stop; }"), BOSS);
        assertEquals(List.of(KEEP), failed.actions());
    }

    @Test
    void duplicateIsRememberedOnlyAfterAGoodRun() throws Exception {
        Map<String, Long> store = new HashMap<>();
        // RFC 7352 §3 example: a message seen before goes to a folder.
        String script = "require [\"duplicate\", \"fileinto\", \"mailbox\"];\nif duplicate { fileinto :create \"Trash/Duplicate\"; }";
        Sieve.Message m = remembering(BOSS, store);
        List<Action> firstRun = run(script, m);
        assertEquals(List.of(KEEP, new Action.Track("\nmessage-id\n<plans@example.com>", Sieve.DUPLICATE_DEFAULT)), firstRun);
        firstRun.forEach(a -> {
            if (a instanceof Action.Track t) store.put(t.key(), t.seconds());
        });
        assertEquals(List.of(new Action.FileInto("Trash/Duplicate", Set.of(), true)), run(script, m), "seen: filed, and not remembered again");
        // :last remembers it again each time; :handle keeps apart; :uniqueid and :header choose the id.
        assertEquals(List.of(new Action.Track("\nmessage-id\n<plans@example.com>", Sieve.DUPLICATE_DEFAULT)),
                run("require \"duplicate\"; if duplicate :last { discard; }", m), "seen, discarded, remembered anew");
        assertEquals(List.of(KEEP, new Action.Track("news\nmessage-id\n<plans@example.com>", 60)),
                run("require \"duplicate\"; if duplicate :handle \"news\" :seconds 60 { discard; }", m));
        assertEquals(List.of(KEEP, new Action.Track("\nuniqueid\nPlans", Sieve.DUPLICATE_MAX)),
                run("require [\"duplicate\", \"variables\"]; if header :matches \"subject\" \"*\" { if duplicate :uniqueid \"${1}\" :seconds 999999999 { discard; } }", m));
        assertEquals(List.of(KEEP), run("require \"duplicate\"; if duplicate :header \"x-none\" { discard; }", m), "no id: no duplicate, nothing kept");
        assertThrows(Sieve.InvalidScript.class, () -> Sieve.compile("require \"duplicate\"; if duplicate :last :index 1 { stop; }"));
    }

    static Sieve.Message remembering(SieveTest.Msg m, Map<String, Long> store) {
        return new Delegate(m) {
            @Override
            public boolean seen(String key, long seconds) {
                return store.containsKey(key);
            }
        };
    }

    @Test
    void includeRunsPersonalScriptsWithGlobalVariables() throws Exception {
        Map<String, String> personal = Map.of(
                "spam", "require [\"fileinto\"]; if header :contains \"subject\" \"offer\" { fileinto \"Junk\"; stop; }",
                "lists", "require [\"include\", \"variables\", \"fileinto\"]; global \"folder\"; if header :is \"from\" \"boss@example.com\" { set \"folder\" \"Boss\"; return; }"
                        + " fileinto \"never\";",
                "loop", "require \"include\"; include \"loop\";",
                "broken", "this is no script");
        Sieve.Includes includes = (global, name) -> {
            String text = global ? null : personal.get(name);
            if (text == null) return null;
            try {
                return Sieve.compile(text);
            } catch (Script.SyntaxError | Sieve.InvalidScript e) {
                throw new IllegalStateException(e.getMessage());
            }
        };
        // RFC 6609 §5 style: the main script includes the others; a variable set in one is used in another.
        String main = """
                require ["include", "variables", "fileinto"];
                global "folder";
                include :personal "spam";
                include :once "lists";
                include :once "lists";
                include :optional :global "none";
                if string :is "${folder}" "Boss" { fileinto "${folder}"; }
                """;
        assertEquals(List.of(into("Boss")), Sieve.run(Sieve.compile(main), BOSS, includes).actions());
        SieveTest.Msg offer = SieveTest.Msg.of("x@y.test", "me@example.org", "From: x@y.test", "Subject: a great offer");
        assertEquals(List.of(into("Junk")), Sieve.run(Sieve.compile(main), offer, includes).actions(), "stop in an included script ends the run");
        // Without "global" the variable is the script's own: empty here.
        Sieve.Result local = Sieve.run(Sieve.compile(main.replace("global \"folder\";", "")), BOSS, includes);
        assertEquals(List.of(KEEP), local.actions());
        assertEquals(List.of(into("Boss")), Sieve.run(Sieve.compile(main.replace("global \"folder\";", "").replace("${folder}", "${global.folder}")),
                BOSS, includes).actions(), "the global. namespace reads it without a declaration");
        assertTrue(Sieve.run(Sieve.compile("require \"include\"; include \"loop\";"), BOSS, includes).error().contains("includes itself"));
        assertTrue(Sieve.run(Sieve.compile("require \"include\"; include \"missing\";"), BOSS, includes).error().contains("no personal script"));
        assertTrue(Sieve.run(Sieve.compile("require \"include\"; include \"broken\";"), BOSS, includes).error().contains("cannot be included"));
        assertEquals(List.of(KEEP), Sieve.run(Sieve.compile("require [\"include\", \"fileinto\"]; return; fileinto \"x\";"), BOSS, includes).actions(),
                "return in the main script is stop");
        assertThrows(Sieve.InvalidScript.class, () -> Sieve.compile("require \"include\"; global \"x\";"), "global needs variables");
        assertThrows(Sieve.InvalidScript.class, () -> Sieve.compile("require \"include\"; include :personal :global \"x\";"));
    }

    @Test
    void virustestIsZeroWhenNothingScanned() throws Exception {
        assertEquals(List.of(into("Untested")),
                run("require [\"virustest\", \"fileinto\", \"relational\", \"comparator-i;ascii-numeric\"];"
                        + " if virustest :value \"eq\" :comparator \"i;ascii-numeric\" \"0\" { fileinto \"Untested\"; }", BOSS));
        assertTrue(Sieve.EXTENSIONS.containsAll(Set.of("date", "index", "editheader", "duplicate", "include", "virustest")));
    }

    /** A message that answers as another does, for tests that change one answer. */
    static class Delegate implements Sieve.Message {
        private final Sieve.Message m;

        Delegate(Sieve.Message m) {
            this.m = m;
        }

        @Override
        public List<String> headers(String name) {
            return m.headers(name);
        }

        @Override
        public String envelopeFrom() {
            return m.envelopeFrom();
        }

        @Override
        public String envelopeTo() {
            return m.envelopeTo();
        }

        @Override
        public long size() {
            return m.size();
        }

        @Override
        public String bodyText() {
            return m.bodyText();
        }
    }
}
