package org.postiljon.sieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Sieve language on the examples of its RFCs (RFC 5228 §9, RFC 5229 §3.2 and §4, RFC 5232,
 * RFC 5230, RFC 5231, RFC 5233) and on scripts that must be refused, with the line of the fault.
 */
class SieveTest {

    /** A message: header fields in order, an envelope, a size and a text. */
    record Msg(Map<String, List<String>> fields, String from, String to, long size, String text) implements Sieve.Message {
        static Msg of(String from, String to, String... headers) {
            Map<String, List<String>> f = new LinkedHashMap<>();
            for (String h : headers) {
                int colon = h.indexOf(':');
                f.computeIfAbsent(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(h.substring(colon + 1).strip());
            }
            return new Msg(f, from, to, 2000, "Hello, this is the body.");
        }

        Msg size(long n) {
            return new Msg(fields, from, to, n, text);
        }

        @Override
        public List<String> headers(String name) {
            return fields.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public String envelopeFrom() {
            return from;
        }

        @Override
        public String envelopeTo() {
            return to;
        }

        @Override
        public String bodyText() {
            return text;
        }
    }

    static List<Action> run(String script, Sieve.Message m) throws Exception {
        Sieve.Result r = Sieve.run(Sieve.compile(script), m);
        assertNull(r.error(), r.error());
        return r.actions();
    }

    static final Action KEEP = new Action.Keep(Set.of());

    static Action into(String folder) {
        return new Action.FileInto(folder, Set.of(), false);
    }

    static final String RFC5228_EXAMPLE = """
            # Example Sieve Filter
            # Declare any optional features or extension used by the script
            require ["fileinto"];

            # Handle messages from known mailing lists
            # Move messages from IETF filter discussion list to filter mailbox
            if header :is "Sender" "owner-ietf-mta-filters@imc.org"
                    {
                    fileinto "filter";  # move to "filter" mailbox
                    }
            #
            # Keep all messages to or from people in my company
            #
            elsif address :DOMAIN :is ["From", "To"] "example.com"
                    {
                    keep;               # keep in "In" mailbox
                    }

            #
            # Try and catch unsolicited email.  If a message is not to me,
            # or it contains a subject known to be spam, file it away.
            #
            elsif anyof (NOT address :all :contains
                           ["To", "Cc", "Bcc"] "me@example.com",
                         header :matches "subject"
                           ["*make*money*fast*", "*university*dipl*mas*"])
                    {
                    fileinto "spam";   # move to "spam" mailbox
                    }
            else
                    {
                    # Move all other (non-company) mail to "personal"
                    # mailbox.
                    fileinto "personal";
                    }
            """;

    @Test
    void theExampleOfRfc5228Section9() throws Exception {
        assertEquals(List.of(into("filter")), run(RFC5228_EXAMPLE,
                Msg.of("x@imc.org", "me@example.com", "Sender: owner-ietf-mta-filters@imc.org", "To: me@example.com")));
        assertEquals(List.of(KEEP), run(RFC5228_EXAMPLE, Msg.of("boss@example.com", "me@example.com", "From: Boss <boss@EXAMPLE.com>",
                "To: me@example.org")));
        assertEquals(List.of(into("spam")), run(RFC5228_EXAMPLE, Msg.of("s@spam.test", "me@example.com", "From: s@spam.test",
                "To: someone@else.test")));
        assertEquals(List.of(into("spam")), run(RFC5228_EXAMPLE, Msg.of("s@spam.test", "me@example.com", "From: s@spam.test",
                "To: other@x.test", "Cc: me@example.community", "Subject: MAKE lots of MONEY fast!")));
        assertEquals(List.of(into("personal")), run(RFC5228_EXAMPLE, Msg.of("friend@home.test", "me@example.com", "From: friend@home.test",
                "To: other@x.test", "Cc: me@example.community", "Subject: dinner")));
    }

    @Test
    void discardStopAndTheImplicitKeep() throws Exception {
        String script = """
                require "fileinto";
                if header :contains "from" "coyote" {
                    discard;
                } elsif header :contains ["subject"] ["$$$"] {
                    discard;
                } else {
                    fileinto "INBOX";
                }
                """;
        assertEquals(List.of(), run(script, Msg.of("w@acme.test", "r@x.test", "From: Wile E. Coyote <w@acme.test>")));
        assertEquals(List.of(), run(script, Msg.of("a@b.test", "r@x.test", "From: a@b.test", "Subject: $$$ now")));
        assertEquals(List.of(into("INBOX")), run(script, Msg.of("a@b.test", "r@x.test", "From: a@b.test", "Subject: hi")));
        // Nothing done: the implicit keep. "stop" ends the script where it is.
        assertEquals(List.of(KEEP), run("if false { discard; }", Msg.of("a@b.test", "r@x.test")));
        assertEquals(List.of(KEEP), run("stop; discard;", Msg.of("a@b.test", "r@x.test")));
        // fileinto :copy keeps the implicit keep (RFC 3894); the same fileinto twice files once.
        assertEquals(List.of(KEEP, into("Archive")), run("require [\"fileinto\", \"copy\"]; fileinto :copy \"Archive\"; fileinto :copy \"Archive\";",
                Msg.of("a@b.test", "r@x.test")));
    }

    @Test
    void variablesAndMatchVariablesOfRfc5229() throws Exception {
        String lists = """
                require ["fileinto", "variables"];
                if header :matches "List-ID" "*<*@*" {
                    fileinto "INBOX.lists.${2}"; stop;
                }
                # Imagine the header
                # Subject: [acme-users] [fwd] version 1.0 is out
                if header :matches "Subject" "[*] *" {
                    # ${1} will hold "acme-users",
                    # ${2} will hold "[fwd] version 1.0 is out"
                    fileinto "INBOX.lists.${1}"; stop;
                }
                set :upperfirst "name" "${unknown}world";
                fileinto "${name}";
                """;
        assertEquals(List.of(into("INBOX.lists.acme-users")), run(lists, Msg.of("a@b.test", "r@x.test",
                "List-ID: Acme users <acme-users@example.com>")));
        assertEquals(List.of(into("INBOX.lists.acme-users")), run(lists, Msg.of("a@b.test", "r@x.test",
                "Subject: [acme-users] [fwd] version 1.0 is out")));
        assertEquals(List.of(into("World")), run(lists, Msg.of("a@b.test", "r@x.test", "Subject: plain")));
        String modifiers = """
                require ["variables", "fileinto"];
                set "a" "juMBlEd lETteRS";
                set :length "b" "${a}";
                set :lower "c" "${a}";
                set :upperfirst "d" "${c}";
                set :upperfirst :lower "e" "${a}";
                set :quotewildcard "f" "a*b?c\\\\d";
                fileinto "${b}/${c}/${d}/${e}/${f}";
                """;
        assertEquals(List.of(into("15/jumbled letters/Jumbled letters/Jumbled letters/a\\*b\\?c\\\\d")),
                run(modifiers, Msg.of("a@b.test", "r@x.test")));
    }

    @Test
    void flagsVacationRejectRelationalSubaddressBodyAndEncodedCharacters() throws Exception {
        assertEquals(List.of(new Action.FileInto("Later", Set.of("\\Seen", "$Later"), false)),
                run("require [\"imap4flags\", \"fileinto\"]; addflag [\"\\\\Seen\", \"$Later\"]; addflag \"\\\\seen\"; fileinto \"Later\";",
                        Msg.of("a@b.test", "r@x.test")));
        assertEquals(List.of(new Action.Keep(Set.of("\\Flagged"))),
                run("require \"imap4flags\"; setflag \"\\\\Flagged \\\\Seen\"; removeflag \"\\\\Seen\"; if hasflag :contains \"flagged\" { keep; }",
                        Msg.of("a@b.test", "r@x.test")));
        assertEquals(List.of(KEEP, new Action.Vacation("I'm away.\r\n", 3 * 86_400, "Away", null, List.of("me@alias.test"), false, null)),
                run("require \"vacation\";\nvacation :days 3 :subject \"Away\" :addresses [\"me@alias.test\"] text:\nI'm away.\n.\n;",
                        Msg.of("a@b.test", "r@x.test")));
        assertEquals(List.of(new Action.Reject("too big")), run("require \"reject\"; if size :over 1M { reject \"too big\"; }",
                Msg.of("a@b.test", "r@x.test").size(2 << 20)));
        assertEquals(List.of(KEEP), run("require \"reject\"; if size :over 1M { reject \"too big\"; }", Msg.of("a@b.test", "r@x.test")));
        String spam = "require [\"relational\", \"comparator-i;ascii-numeric\"];"
                + " if header :value \"ge\" :comparator \"i;ascii-numeric\" \"X-Spam-Score\" \"5\" { discard; }";
        assertEquals(List.of(), run(spam, Msg.of("a@b.test", "r@x.test", "X-Spam-Score: 12")));
        assertEquals(List.of(KEEP), run(spam, Msg.of("a@b.test", "r@x.test", "X-Spam-Score: 4")));
        assertEquals(List.of(), run("require \"relational\"; if address :count \"ge\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] \"3\" { discard; }",
                Msg.of("a@b.test", "r@x.test", "To: a@x.test, b@x.test", "Cc: \"C, D\" <c@x.test>")));
        String detail = "require [\"envelope\", \"subaddress\", \"fileinto\"]; if envelope :detail \"to\" \"lists\" { fileinto \"lists\"; }"
                + " elsif address :user \"from\" \"bob\" { fileinto \"bob\"; }";
        assertEquals(List.of(into("lists")), run(detail, Msg.of("a@b.test", "alice+lists@example.org")));
        assertEquals(List.of(into("bob")), run(detail, Msg.of("a@b.test", "alice@example.org", "From: Bob <bob+news@x.test>")));
        assertEquals(List.of(), run("require \"body\"; if body :text :contains \"THE BODY\" { discard; }", Msg.of("a@b.test", "r@x.test")));
        assertEquals(List.of(into("Grüße")), run("require [\"encoded-character\", \"fileinto\"]; fileinto \"Gr${unicode:fc}${hex:c3 9F}e\";",
                Msg.of("a@b.test", "r@x.test")));
        // The null reverse path (RFC 5228 §5.4).
        assertEquals(List.of(), run("require \"envelope\"; if envelope :all :is \"from\" \"\" { discard; }", Msg.of("", "r@x.test")));
    }

    @Test
    void brokenScriptsAreRefusedWithTheLine() {
        Map<String, String> broken = Map.ofEntries(
                Map.entry("if true {\n keep;\n", "line 3: '}' expected"),
                Map.entry("keep\nkeep;", "line 1: keep takes no test"),
                Map.entry("keep \"x\" {", "line 1: '}' expected"),
                Map.entry("fileinto \"x\";", "line 1: fileinto needs require \"fileinto\""),
                Map.entry("keep;\nrequire \"fileinto\";", "line 2: require must come before every other command"),
                Map.entry("require \"teleport\";", "line 1: the extension \"teleport\" is not supported"),
                Map.entry("frobnicate;", "line 1: unknown command frobnicate"),
                Map.entry("if frob { keep; }", "line 1: unknown test frob"),
                Map.entry("else { keep; }", "line 1: else without if"),
                Map.entry("if header :sounds \"a\" \"b\" { keep; }", "line 1: unknown tag :sounds for header"),
                Map.entry("keep; /* unterminated", "line 1: a comment that does not end"));
        for (var e : broken.entrySet()) {
            Exception x = assertThrows(Exception.class, () -> Sieve.compile(e.getKey()), e.getKey());
            assertEquals(e.getValue(), x.getMessage(), e.getKey());
        }
        // Nesting is bounded: no stack overflow from a hostile script.
        String deep = "if true {".repeat(100) + "}".repeat(100);
        assertTrue(assertThrows(Script.SyntaxError.class, () -> Sieve.compile(deep)).getMessage().contains("nested deeper than 32"));
        String deepTests = "if " + "not ".repeat(100) + "true { keep; }";
        assertTrue(assertThrows(Script.SyntaxError.class, () -> Sieve.compile(deepTests)).getMessage().contains("nested deeper than 32"));
        assertThrows(Script.SyntaxError.class, () -> Sieve.compile("keep;".repeat(60_000)), "larger than the limit");
    }

    @Test
    void anErrorAtRunTimeKeepsTheMessage() throws Exception {
        Sieve.Result r = Sieve.run(Sieve.compile("require \"fileinto\"; fileinto \"a\";\nredirect \"not an address\";"), Msg.of("a@b.test", "r@x.test"));
        assertEquals(List.of(KEEP), r.actions());
        assertEquals("line 2: redirect needs an address, not \"not an address\"", r.error());
        // :matches is linear in practice: no catastrophic backtracking on a hostile pattern.
        long t0 = System.nanoTime();
        run("if header :matches \"subject\" \"" + "*a".repeat(30) + "*b\" { discard; }", Msg.of("a@b.test", "r@x.test", "Subject: " + "a".repeat(5000)));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "matched in time");
    }

    @Test
    void spamtestComparesTheFiltersVerdictAsANumber() throws Exception {
        Msg plain = Msg.of("a@b.test", "c@d.test", "Subject: x");
        Sieve.Message scored = new Sieve.Message() {
            @Override
            public List<String> headers(String name) {
                return plain.headers(name);
            }

            @Override
            public String envelopeFrom() {
                return plain.from();
            }

            @Override
            public String envelopeTo() {
                return plain.to();
            }

            @Override
            public long size() {
                return 100;
            }

            @Override
            public String bodyText() {
                return "";
            }

            @Override
            public String spamtest(boolean percent) {
                return percent ? "73" : "8";
            }
        };
        String script = "require [\"spamtest\", \"relational\", \"comparator-i;ascii-numeric\", \"fileinto\"];\n"
                + "if spamtest :value \"ge\" :comparator \"i;ascii-numeric\" \"6\" { fileinto \"Junk\"; }";
        assertEquals(List.of(into("Junk")), run(script, scored));
        assertEquals(List.of(KEEP), run(script, plain), "not tested: \"0\"");
        // RFC 5235 §3.2: without a comparator, spamtest compares as numbers ("10" is greater than "9").
        assertEquals(List.of(into("Junk")), run("require [\"spamtest\", \"relational\", \"fileinto\"];\n"
                + "if spamtest :value \"gt\" \"10\" { stop; } elsif spamtest :value \"gt\" \"7\" { fileinto \"Junk\"; }", scored));
        assertEquals(List.of(into("Junk")), run("require [\"spamtestplus\", \"relational\", \"fileinto\"];\n"
                + "if spamtest :percent :value \"ge\" \"70\" { fileinto \"Junk\"; }", scored));
        Sieve.InvalidScript noPlus = assertThrows(Sieve.InvalidScript.class,
                () -> Sieve.compile("require \"spamtest\";\nif spamtest :percent \"50\" { discard; }"));
        assertTrue(noPlus.getMessage().contains(":percent needs require \"spamtestplus\""), noPlus.getMessage());
        assertThrows(Sieve.InvalidScript.class, () -> Sieve.compile("if spamtest \"5\" { discard; }"));
    }
}
