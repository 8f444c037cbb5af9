package org.postiljon.mailbox.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8474 object ids (also JMAP's): what the server writes reads back, and nothing else names an object. */
class ObjectIdsTest {

    private static final BlobId CONTENT = new BlobId("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");

    @Test
    void aMailboxIdReadsBackAndNamesOnlyItsMailbox() {
        Mailbox m = new Mailbox(0x2a, 7, MailboxName.of("Archive"), 0x5f00, 1, 1, Optional.empty());
        MailboxId id = MailboxId.of(m);
        assertEquals("F2ax5f00", id.toString());
        assertEquals(Optional.of(id), MailboxId.parse("F2ax5f00"));
        assertTrue(id.names(m));
        // the same key with a new UIDVALIDITY (the name deleted and made again) is another mailbox
        assertFalse(id.names(new Mailbox(0x2a, 7, MailboxName.of("Archive"), 0x5f01, 1, 1, Optional.empty())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "F", "Fx1", "F1x", "F01x2", "F1X2", "F1x2 ", "f1x2", "F1x2x3", "Fgx1", "F11111111111111111x1", "M1x2"})
    void whatTheServerNeverWritesIsNoMailboxId(String id) {
        assertEquals(Optional.empty(), MailboxId.parse(id));
    }

    @Test
    void anEmailIdIsTheContentsFirst96Bits() {
        EmailId id = EmailId.of(CONTENT);
        assertEquals("M0123456789abcdef01234567", id.toString());
        assertEquals(Optional.of(id), EmailId.parse(id.toString()));
        assertTrue(id.names(CONTENT));
        for (String bad : List.of("M0123456789ABCDEF01234567", "M0123456789abcdef0123456", "0123456789abcdef012345678", "M0123456789abcdef0123456g")) {
            assertEquals(Optional.empty(), EmailId.parse(bad), bad);
        }
    }

    @Test
    void aThreadIdGivesBackItsRootOrItsOneEmail() {
        MessageKeys reply = keys("<root@example.org>", List.of("<root@example.org>", "<second@example.org>"));
        ThreadId t = ThreadId.of(reply).orElseThrow();
        assertEquals(Optional.of("<root@example.org>"), t.root());
        assertEquals(Optional.of(t), ThreadId.parse(t.toString()));
        assertEquals(t, ThreadId.of(keys("<root@example.org>", List.of()), CONTENT), "the root's own message is in its thread");

        ThreadId alone = ThreadId.of(keys(null, List.of()), CONTENT);
        assertEquals(Optional.of(EmailId.of(CONTENT)), alone.single());
        assertEquals(Optional.empty(), alone.root());
        assertEquals(Optional.empty(), ThreadId.of(keys(null, List.of())), "IMAP answers NIL");

        ThreadId hashed = ThreadId.of(keys("<" + "x".repeat(300) + "@example.org>", List.of())).orElseThrow();
        assertTrue(hashed.toString().startsWith("H") && hashed.toString().length() < 255);
        assertEquals(Optional.empty(), hashed.root());
        for (String bad : List.of("", "T", "T!!", "Sxyz", "H0123", "Q0123456789abcdef01234567")) {
            assertEquals(Optional.empty(), ThreadId.parse(bad), bad);
        }
    }

    private static MessageKeys keys(String messageId, List<String> references) {
        return new MessageKeys("s", "s", "", "", "", "", null, messageId, references, "", "", "", "", "", null, "");
    }
}
