package org.postiljon.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.SpecialUse;

/** The file formats' corners: mbox quoting and flags, Maildir names and flag letters, folder mapping. */
class FormatsTest {

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void mboxQuotesFromLinesOnWritingAndUnquotesThemOnReading(@TempDir Path dir) throws Exception {
        byte[] message = bytes("Subject: quoting\r\nMessage-ID: <q@x>\r\n\r\nFrom here on\r\n>From there\r\n>>From afar\r\nFromage\r\n");
        byte[] written = Mbox.write(message, Flags.of(Flags.SEEN, Flags.ANSWERED, "$Label1"));
        assertEquals("Subject: quoting\nMessage-ID: <q@x>\nStatus: RO\nX-Status: A\nX-Keywords: $Label1\n\n>From here on\n>>From there\n>>>From afar\nFromage\n",
                new String(written, StandardCharsets.UTF_8));
        Path file = dir.resolve("Work.mbox");
        String from = Mbox.fromLine("a@example.net", Instant.parse("2024-02-03T04:05:06Z"));
        assertEquals("From a@example.net Sat Feb  3 04:05:06 2024", from);
        Files.write(file, (from + "\n" + new String(written, StandardCharsets.UTF_8) + "\n" + from + "\nSubject: second\n\nbody\n\n")
                .getBytes(StandardCharsets.UTF_8));
        MboxSource source = new MboxSource(file, null);
        Source.Folder folder = source.folders().getFirst();
        assertEquals(List.of("Work"), folder.levels());
        List<Source.Item> items = source.list(folder);
        assertEquals(2, items.size());
        assertEquals(Flags.of(Flags.SEEN, Flags.ANSWERED, "$Label1"), items.getFirst().flags());
        assertEquals("<q@x>", items.getFirst().messageId());
        assertEquals(Instant.parse("2024-02-03T04:05:06Z"), items.getFirst().internalDate());
        List<byte[]> got = new ArrayList<>();
        source.fetch(folder, items, (i, c) -> got.add(c));
        assertArrayEquals(message, got.getFirst(), "the same bytes back");
        assertEquals("Subject: second\r\n\r\nbody\r\n", new String(got.get(1), StandardCharsets.UTF_8));
        assertEquals(got.get(1).length, items.get(1).size());
    }

    @Test
    void fromLinesWithOddSendersAndDates() {
        assertEquals(Instant.parse("2026-12-02T15:50:01Z"), Mbox.arrival("From MAILER-DAEMON Wed Dec  2 15:50:01 2026"));
        assertEquals(Instant.parse("2026-12-02T15:50:01Z"), Mbox.arrival("From a b@c Wed Dec 2 15:50:01 2026 +0000"));
        assertNull(Mbox.arrival("From nobody"));
        assertEquals("From MAILER-DAEMON Thu Jan  1 00:00:00 1970", Mbox.fromLine("has space@x", Instant.EPOCH));
    }

    @Test
    void maildirNamesAndFlagLetters() {
        assertEquals(List.of("Projekt", "Über", "a.b"), Maildir.levels(".Projekt.&ANw-ber.a\\2eb"));
        assertEquals(".Projekt.&ANw-ber.a\\2eb", Maildir.dirName(List.of("Projekt", "Über", "a.b")));
        var keywords = java.util.Map.of(0, "$Label1", 1, "custom");
        assertEquals(Flags.of(Flags.SEEN, Flags.ANSWERED, Flags.DRAFT, "$Forwarded", "custom"), Maildir.flags("123.M1P2.host,S=3:2,DPRSb", keywords));
        assertEquals(Flags.NONE, Maildir.flags("123.M1P2.host", keywords));
        List<String> known = new ArrayList<>(List.of("$Label1")), lost = new ArrayList<>();
        assertEquals("FSab", Maildir.letters(Flags.of(Flags.SEEN, Flags.FLAGGED, "$Label1", "new"), known, lost));
        assertEquals(List.of("$Label1", "new"), known);
    }

    @Test
    void specialFoldersGoToThisAccountsByUseOrByNameAndEachUseOnce() {
        List<Mailbox> existing = List.of(new Mailbox(1, 1, MailboxName.of("Sent"), 1, 1, 1, Optional.of(SpecialUse.SENT)),
                new Mailbox(2, 1, MailboxName.of("Trash"), 1, 1, 1, Optional.of(SpecialUse.TRASH)));
        Source.Folder inbox = new Source.Folder(List.of("inbox"), Optional.empty(), true, "");
        Source.Folder gesendet = new Source.Folder(List.of("Gesendet"), Optional.empty(), true, "");
        Source.Folder marked = new Source.Folder(List.of("Sent Items"), Optional.of(SpecialUse.SENT), true, "");
        Source.Folder bin = new Source.Folder(List.of("Papierkorb"), Optional.empty(), true, "");
        Source.Folder spam = new Source.Folder(List.of("Spam"), Optional.empty(), true, "");
        Source.Folder slash = new Source.Folder(List.of("a/b", "c*"), Optional.empty(), true, "");
        FolderMap map = new FolderMap(List.of(inbox, gesendet, marked, bin, spam, slash), existing);
        assertEquals(MailboxName.INBOX, map.target(inbox));
        assertEquals(MailboxName.of("Sent"), map.target(marked), "the one the source marks wins");
        assertEquals(MailboxName.of("Gesendet"), map.target(gesendet), "a second Sent keeps its name");
        assertEquals(MailboxName.of("Trash"), map.target(bin));
        assertEquals(MailboxName.of("Spam"), map.target(spam), "no Junk here yet: made with its name");
        assertEquals(Optional.of(SpecialUse.JUNK), map.newUse(spam), "and the use");
        assertEquals(MailboxName.of("a\u2215b/c_"), map.target(slash));
    }
}
