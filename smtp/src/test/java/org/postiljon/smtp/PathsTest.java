package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The argument of MAIL and RCPT (RFC 5321 §4.1.2) as a table: the text, the path and parameters read, or the error. */
class PathsTest {

    record Row(String args, String keyword, String read) { }

    static final Row[] ROWS = {
            new Row("FROM:<a@example.org>", "FROM", "a@example.org"),
            new Row("from:<a@example.org>", "FROM", "a@example.org"),                 // §2.4: verbs and keywords in any case
            new Row("FROM:<>", "FROM", ""),                                            // §4.5.5: the null reverse-path
            new Row("FROM: <a@example.org>", "FROM", "a@example.org"),                // a space after the colon, as some clients send
            new Row("TO:<@relay.example,@r2.example:b@example.org>", "TO", "b@example.org"), // §C: the source route is dropped
            new Row("FROM:<a@example.org> SIZE=100 BODY=8BITMIME", "FROM", "a@example.org SIZE=100 BODY=8BITMIME"),
            new Row("FROM:<a@example.org> size=100 smtputf8", "FROM", "a@example.org SIZE=100 SMTPUTF8"), // parameter names in any case
            new Row("TO:<b@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+40example.org", "TO",
                    "b@example.org NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+40example.org"),
            new Row("FROM:a@example.org", "FROM", "501"),                             // the brackets are required
            new Row("FROM:<a@example.org", "FROM", "501"),
            new Row("TO:<b@example.org>", "FROM", "501"),                             // the wrong keyword
            new Row("FROM:<@relay.example>", "FROM", "501"),                          // a route to nowhere
            new Row("FROM:<a@example.org> A B C D E F G H I J K", "FROM", "501"),     // at most ten parameters
    };

    @Test
    void table() {
        for (Row r : ROWS) assertEquals(r.read(), read(r.args(), r.keyword()), r.args());
    }

    private static String read(String args, String keyword) {
        try {
            Paths.Parsed p = Paths.parse(args, keyword);
            StringBuilder b = new StringBuilder(p.path());
            p.params().forEach((k, v) -> b.append(' ').append(k).append(v == null ? "" : "=" + v));
            return b.toString();
        } catch (SmtpError e) {
            return Integer.toString(e.code);
        }
    }
}
