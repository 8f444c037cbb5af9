package org.postiljon.imap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postiljon.imap.server.ListPattern;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxName;

/**
 * One user with very many folders must not stall the server: LIST is linear, the folder count is
 * capped (RFC 5530 LIMIT), patterns cannot backtrack, and long answers give way to other sessions.
 */
class ListScaleTest extends ImapTranscriptTest {

    @Test
    void patternsMatchAsRfc9051SaysAndNeverBacktrack() {
        assertTrue(ListPattern.matches("*", "a/b/c"));
        assertTrue(ListPattern.matches("%", "abc"));
        assertFalse(ListPattern.matches("%", "a/b"));
        assertTrue(ListPattern.matches("a/%", "a/b"));
        assertFalse(ListPattern.matches("a/%", "a/b/c"));
        assertTrue(ListPattern.matches("a*c", "a/b/c"));
        assertTrue(ListPattern.matches("inbox", "INBOX"), "INBOX in any case");
        assertTrue(ListPattern.matches("Inbox/%", "INBOX/x"));
        assertFalse(ListPattern.matches("inboxes", "INBOX"));
        assertTrue(ListPattern.matches("%/%", "x/y"));
        assertTrue(ListPattern.matches("a%%%b", "ab"));
        assertFalse(ListPattern.matches("abc", "ab"));
        assertTrue(ListPattern.matches("a.b", "a.b"), "regex characters are plain characters");
        assertFalse(ListPattern.matches("a.b", "axb"));
        // A backtracking matcher takes 2^n steps here; this one a few thousand.
        String name = "a".repeat(200);
        assertFalse(ListPattern.matches("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", name));
        assertFalse(ListPattern.matches("%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%a%b", name));
    }

    @Test
    @Timeout(120)
    void tenThousandFoldersListWhileOthersKeepTheirLatencyAndTheLimitHolds() throws Exception {
        Account alice = server.model.directory().find(org.postiljon.mailbox.api.EmailAddress.parse("alice@example.org")).orElseThrow();
        int have = server.model.mailboxes().list(alice).size();
        for (int p = 0; p < 100; p++) server.model.mailboxes().create(alice, MailboxName.of("Projects/p" + p), Set.of());
        for (int i = have + 101; i < 10_000; i++) {
            server.model.mailboxes().create(alice, MailboxName.of("Projects/p" + (i % 100) + "/f" + i), Set.of());
        }
        int total = server.model.mailboxes().list(alice).size();
        assertEquals(10_000, total, "parents included, the account is at the default limit");
        login(1, "alice@example.org");
        run("""
            C1: c1 CREATE one-too-many
            S1: c1 NO [LIMIT] an account has at most 10000 folders; delete some first
            C1: c2 RENAME Projects/p1/f201 Elsewhere/f201
            S1: c2 NO [LIMIT] an account has at most 10000 folders; delete some first
            """);
        // Four sessions list everything at once (10,000 lines each) while another user's session pings.
        server.account("bob@example.org");
        for (int n = 2; n <= 5; n++) login(n, "alice@example.org");
        login(6, "bob@example.org");
        for (int n = 2; n <= 5; n++) t.send(n, "l LIST \"\" \"*\"\r\n");
        List<Long> pings = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long start = System.nanoTime();
            run("C6: n" + i + " NOOP\nS6: n" + i + " OK *");
            pings.add((System.nanoTime() - start) / 1_000_000);
        }
        for (int n = 2; n <= 5; n++) {
            int lines = 0;
            String line;
            while (!(line = t.readLine(n)).startsWith("l ")) lines++;
            assertEquals("l OK LIST completed", line);
            assertEquals(10_000, lines);
        }
        System.out.println("NOOP ms during four LISTs: " + pings);
        assertTrue(pings.stream().allMatch(ms -> ms < 1000), "another user's NOOP during four big LISTs, ms: " + pings);
    }
}
