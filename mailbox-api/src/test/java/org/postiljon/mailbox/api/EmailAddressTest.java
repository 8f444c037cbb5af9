package org.postiljon.mailbox.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Addresses and domains as a table (RFC 5321 §4.1.2, §4.5.3.1; RFC 6531; RFC 5890): the text, what is kept, or "invalid". */
class EmailAddressTest {

    record Row(String text, String kept) { }

    static final Row[] ROWS = {
            new Row("alice@example.org", "alice@example.org"),
            new Row("Alice@Example.ORG", "alice@example.org"),            // one account however it is written
            new Row("  alice@example.org ", "alice@example.org"),
            new Row("a.b+tag@example.org", "a.b+tag@example.org"),
            new Row("o'hara@example.org", "o'hara@example.org"),           // atext includes '
            new Row("jürgen@bücher.example", "jürgen@xn--bcher-kva.example"), // RFC 6531 local part, IDN domain as A-labels
            new Row("alice@example.org.", "alice@example.org"),            // the root's dot
            new Row("a@b@example.org", "invalid"),                         // "@" is not atext
            new Row("@example.org", "invalid"),
            new Row("alice@", "invalid"),
            new Row("alice", "invalid"),
            new Row(".alice@example.org", "invalid"),                     // Dot-string: no leading, trailing or double dot
            new Row("al..ice@example.org", "invalid"),
            new Row("alice.@example.org", "invalid"),
            new Row("\"a b\"@example.org", "invalid"),                    // quoted local parts: refused, not misread
            new Row("al ice@example.org", "invalid"),
            new Row("alice\r\n@example.org", "invalid"),
            new Row("alice@exa mple.org", "invalid"),
            new Row("alice@-example.org", "invalid"),
            new Row("x".repeat(64) + "@example.org", "x".repeat(64) + "@example.org"), // §4.5.3.1.1: 64 octets
            new Row("x".repeat(65) + "@example.org", "invalid"),
            new Row("a@" + "d".repeat(63) + "." + "e".repeat(63) + "." + "f".repeat(63) + "." + "g".repeat(58) + ".org", "invalid"), // over 254 in all
    };

    @Test
    void table() {
        for (Row r : ROWS) {
            String kept;
            try {
                kept = EmailAddress.parse(r.text()).toString();
            } catch (MailboxException.InvalidName e) {
                kept = "invalid";
            }
            assertEquals(r.kept(), kept, r.text());
        }
    }
}
