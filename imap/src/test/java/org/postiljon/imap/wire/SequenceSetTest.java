package org.postiljon.imap.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sequence-set (RFC 9051 §9) as a table: the text, the ranges read ("*" as *), or BAD. */
class SequenceSetTest {

    record Row(String text, String ranges) { }

    static final Row[] ROWS = {
            new Row("1", "1:1"),
            new Row("1:5", "1:5"),
            new Row("5:1", "5:1"),                       // §9: a range may be given high to low
            new Row("1,3:4,*", "1:1 3:4 *:*"),
            new Row("2:*", "2:*"),
            new Row("$", "$"),                           // RFC 5182 §2.1: the saved search
            new Row("4294967295", "4294967295:4294967295"), // nz-number: 32 bits
            new Row("4294967296", "BAD"),
            new Row("0", "BAD"),                         // nz-number: never 0
            new Row("01", "BAD"),
            new Row("1,", "BAD"),
            new Row(",1", "BAD"),
            new Row("1::2", "BAD"),
            new Row("1:", "BAD"),
            new Row("a", "BAD"),
            new Row("-1", "BAD"),
            new Row("1 2", "BAD"),
            new Row("$,1", "BAD"),                       // "$" stands alone
    };

    @Test
    void table() {
        for (Row r : ROWS) assertEquals(r.ranges(), read(r.text()), r.text());
    }

    private static String read(String text) {
        SequenceSet s;
        try {
            s = SequenceSet.parse(text);
        } catch (BadSyntax e) {
            return "BAD";
        }
        if (s.saved()) return "$";
        List<String> out = new ArrayList<>();
        for (long[] r : s.ranges()) out.add(end(r[0]) + ":" + end(r[1]));
        return String.join(" ", out);
    }

    private static String end(long n) {
        return n == SequenceSet.STAR ? "*" : Long.toString(n);
    }
}
