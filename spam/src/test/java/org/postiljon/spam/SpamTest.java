package org.postiljon.spam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postiljon.mime.HeaderFields;

/** Tokens, the classifier's arithmetic and the built-in rules. */
class SpamTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void tokensComeFromDecodedTextFieldsAndLinks() {
        byte[] m = bytes("From: Shop <a@deals.test>\r\nSubject: =?UTF-8?B?R3JhdGlzIFByZWlz?=\r\nContent-Type: text/html\r\n\r\n"
                + "<p>Cheap <b>pills</b> at <a href=\"http://pills.example/buy\">http://pills.example/buy</a></p>\r\n");
        long[] t = Tokens.of(m);
        for (String expected : List.of("subject:gratis", "subject:preis", "cheap", "pills", "url:pills.example", "from:deals")) {
            assertTrue(java.util.Arrays.binarySearch(t, Tokens.hash(expected)) >= 0, expected);
        }
        assertArrayEquals(t, Tokens.of(m), "the same message, the same tokens");
        assertTrue(java.util.Arrays.stream(t).noneMatch(x -> x == 0), "0 is the store's row of totals");
        byte[] huge = bytes("Subject: x\r\n\r\n" + "word".repeat(1).concat(" ").repeat(1) + String.join(" ", java.util.stream.IntStream.range(0, 20_000)
                .mapToObj(i -> "w" + i + "x").toList()));
        assertEquals(Tokens.MAX, Tokens.of(huge).length, "bounded");
    }

    @Test
    void theClassifierLearnsWhatItIsShown() {
        // 20 spam messages with "pills", 20 ham with "lunch"; "meeting" in both.
        Map<Long, long[]> counts = new HashMap<>();
        counts.put(Tokens.hash("pills"), new long[] {20, 0});
        counts.put(Tokens.hash("lunch"), new long[] {0, 20});
        counts.put(Tokens.hash("meeting"), new long[] {10, 10});
        double spam = Bayes.probability(20, 20, row(counts, "pills", "meeting", "unknown"));
        double ham = Bayes.probability(20, 20, row(counts, "lunch", "meeting"));
        double unsure = Bayes.probability(20, 20, row(counts, "meeting", "unknown"));
        assertTrue(spam > 0.95, "spam " + spam);
        assertTrue(ham < 0.05, "ham " + ham);
        assertEquals(0.5, unsure, 0.01);
        assertEquals(-1, Bayes.probability(5, 20, row(counts, "pills")), "too little spam trained: no say");
        assertEquals(List.of("BAYES_99"), Rules.bayes(0.995).stream().map(Verdict.Hit::name).toList());
        assertEquals(List.of("BAYES_00"), Rules.bayes(0.001).stream().map(Verdict.Hit::name).toList());
        assertEquals(List.of(), Rules.bayes(-1));
        assertEquals(List.of(), Rules.bayes(0.5));
    }

    static long[][] row(Map<Long, long[]> counts, String... tokens) {
        long[][] out = new long[tokens.length][];
        for (int i = 0; i < tokens.length; i++) out[i] = counts.getOrDefault(Tokens.hash(tokens[i]), new long[2]);
        return out;
    }

    @Test
    void rulesSeeTheTestStringAuthenticationListingsAndOddHeaders() {
        byte[] gtube = bytes("From: a@b.test\r\nDate: x\r\nMessage-ID: <1@b>\r\nSubject: hi\r\n\r\nXJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\r\n");
        assertEquals(List.of("GTUBE"), names(Rules.check(gtube, Rules.Facts.NONE)));
        byte[] odd = bytes("To: you@b.test\r\nSubject: FREE MONEY FOR YOU NOW\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n");
        assertEquals(List.of("SPF_FAIL", "DMARC_FAIL", "DNSBL_ZEN_SPAMHAUS_ORG", "MISSING_DATE", "MISSING_MID", "MISSING_FROM", "SUBJ_ALL_CAPS", "HTML_ONLY"),
                names(Rules.check(odd, new Rules.Facts("fail", "none", "fail", Map.of("zen.spamhaus.org", 3.5)))));
        Verdict v = new Verdict(Rules.check(odd, Rules.Facts.NONE));
        assertEquals("No, score=4.5 required=5.0 tests=MISSING_DATE,MISSING_MID,MISSING_FROM,SUBJ_ALL_CAPS,HTML_ONLY", v.status(5));
        assertEquals("No, score=0.0 required=5.0 tests=none", Verdict.NONE.status(5));
    }

    @Test
    void theTestStringIsFoundWhereverItIsAndOnlyWhole() {
        String g = new String(Rules.GTUBE, StandardCharsets.US_ASCII);
        String filler = "a quick brown fox XJS*C4 jumps GTUBE over *C.34X ".repeat(40);
        for (int at = 0; at <= filler.length(); at += 37) {
            String text = filler.substring(0, at) + g + filler.substring(at);
            assertTrue(Rules.containsGtube(bytes(text)), "at " + at);
        }
        assertTrue(Rules.containsGtube(Rules.GTUBE), "alone");
        assertTrue(Rules.containsGtube(bytes(filler + g)), "at the very end");
        for (int cut = 0; cut < g.length(); cut += 5) {
            String broken = g.substring(0, cut) + "_" + g.substring(cut + 1);
            assertFalse( Rules.containsGtube(bytes(filler + broken + filler)), "one byte changed at " + cut);
        }
        assertFalse( Rules.containsGtube(bytes(g.substring(1))), "shorter than the string");
        assertFalse( Rules.containsGtube(new byte[0]));
        assertTrue(Rules.contains(bytes("abcabd"), bytes("abd")));
        assertFalse( Rules.contains(bytes("abcab"), bytes("abd")));
    }

    @Test
    void headerFieldsAreReadFromTheHeaderOnly() {
        byte[] m = bytes("Subject: =?UTF-8?Q?gr=C3=BC=C3=9Fe?=\r\nX-Long: one\r\n two\r\n\r\nNot-A-Field: body\r\n");
        assertEquals(List.of("Subject", "X-Long"), HeaderFields.of(m).stream().map(HeaderFields::name).toList());
        assertEquals("grüße", HeaderFields.of(m).getFirst().value());
        assertEquals("one two", HeaderFields.of(m).get(1).value());
        byte[] latin = new byte[] {'S', 'u', 'b', 'j', 'e', 'c', 't', ':', ' ', (byte) 0xe9, '\r', '\n', '\r', '\n', (byte) 0xff};
        assertEquals("\u00e9", HeaderFields.of(latin).getFirst().value(), "8-bit that is no UTF-8: Latin-1");
        byte[] utf8Header = bytes("Subject: \u00e9\r\n\r\n");
        byte[] withBadBody = java.util.Arrays.copyOf(utf8Header, utf8Header.length + 1);
        withBadBody[utf8Header.length] = (byte) 0xff;
        assertEquals("\u00e9", HeaderFields.of(withBadBody).getFirst().value(), "a body that is no UTF-8 does not change how the header is read");
        assertEquals(List.of("Subject"), HeaderFields.of(bytes("Subject: no body")).stream().map(HeaderFields::name).toList());
    }

    static List<String> names(List<Verdict.Hit> hits) {
        return hits.stream().map(Verdict.Hit::name).toList();
    }
}
