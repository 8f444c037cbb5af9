package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;

/**
 * A child JVM appends in a loop and is killed with SIGKILL at random moments, several rounds. After
 * each restart every acknowledged message is there byte for byte, UIDs are unique, and the store
 * opens cleanly.
 */
class CrashTest {

    @Test
    void everyAcknowledgedQueuedMessageSurvivesKillNine(@TempDir Path dir) throws Exception {
        try (TestModels setup = new TestModels(dir)) {
            setup.account("crash@example.org");
        }
        Map<Integer, Long> acked = new HashMap<>();
        int next = 0;
        for (int round = 0; round < 3; round++) {
            next = killDuring(dir, next, 20 + 37 * round, "queue", acked) + 100;
            try (TestModels t = new TestModels(dir)) {
                Map<Long, org.postiljon.mailbox.api.OutboundQueue.Entry> byId = new HashMap<>();
                for (var e : t.model.queue().list(100_000)) byId.put(e.id(), e);
                for (Map.Entry<Integer, Long> e : acked.entrySet()) {
                    var entry = byId.get(e.getValue());
                    assertTrue(entry != null, "acknowledged queued message " + e.getKey() + " lost");
                    assertEquals("r" + e.getKey() + "@example.net", entry.recipients().getFirst().address());
                    try (InputStream in = t.model.queue().open(entry.id())) {
                        assertEquals(CrashChild.message(e.getKey()), new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                    }
                }
            }
        }
    }

    /** Runs a child until it acknowledged {@code killAfter} operations, kills it; returns the next free number. */
    private static int killDuring(Path dir, int next, int killAfter, String mode, Map<Integer, Long> acked) throws Exception {
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(),
                dir.toString(), String.valueOf(next), mode)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            int seen = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen < killAfter && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                String[] p = line.split(" ");
                if (!p[0].equals("ACK")) continue;
                acked.put(Integer.parseInt(p[1]), Long.parseLong(p[2]));
                next = Math.max(next, Integer.parseInt(p[1]) + 1);
                seen++;
            }
            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertTrue(seen > 0, "the child acknowledged nothing");
        }
        return next;
    }

    @Test
    void quotaUsageIsExactAfterKillNineDuringDeliveryAndExpunge(@TempDir Path dir) throws Exception {
        try (TestModels setup = new TestModels(dir)) {
            setup.account("crash@example.org");
        }
        Map<Integer, Long> acked = new HashMap<>();
        int next = 0;
        for (int round = 0; round < 3; round++) {
            next = killDuring(dir, next, 30 + 41 * round, "churn", acked) + 100;
            try (TestModels t = new TestModels(dir)) {
                // The usage kept by the store equals a recount of the messages: repair finds nothing to correct.
                assertEquals(List.of(), t.model.quotas().repair(java.util.Optional.empty()));
                Account a = t.model.directory().find(org.postiljon.mailbox.api.EmailAddress.parse("crash@example.org")).orElseThrow();
                long bytes = t.model.messages().list(a, MailboxName.INBOX, UidSet.ALL).stream().mapToLong(MessageInfo::size).sum();
                assertEquals(bytes, t.model.quotas().own(a).usage().bytes());
                assertTrue(t.model.quotas().own(a).usage().messages() > 0);
            }
        }
    }

    @Test
    void theSearchIndexNeverHidesACommittedMessageAfterKillNine(@TempDir Path dir) throws Exception {
        try (TestModels setup = new TestModels(dir)) {
            setup.account("crash@example.org");
        }
        Map<Integer, Long> acked = new HashMap<>();
        int next = 0;
        for (int round = 0; round < 3; round++) {
            next = killDuring(dir, next, 60 + 53 * round, "indexed", acked) + 100;
            try (TestModels t = new TestModels(dir)) {
                Account a = t.model.directory().find(org.postiljon.mailbox.api.EmailAddress.parse("crash@example.org")).orElseThrow();
                for (int pass = 0; pass < 2; pass++) { // as the kill left the index, then after catching up
                    for (Map.Entry<Integer, Long> e : acked.entrySet()) {
                        if (e.getKey() % 7 != 0) continue; // a sample keeps the test short
                        long[] found = t.model.messages().search(a, MailboxName.INBOX,
                                new org.postiljon.mailbox.api.SearchQuery.Text(true, "<" + e.getKey() + "@crash>"));
                        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[] {e.getValue()}, found, "message " + e.getKey());
                    }
                    t.model.indexer().catchUp();
                }
                assertEquals(0, t.model.indexer().pending(10));
            }
        }
    }

    @Test
    void everyAcknowledgedMessageSurvivesKillNine(@TempDir Path dir) throws Exception {
        try (TestModels setup = new TestModels(dir)) {
            setup.account("crash@example.org");
        }
        Map<Integer, Long> acked = new HashMap<>();
        Random random = new Random(20261126);
        int next = 0;
        for (int round = 0; round < 5; round++) {
            next = killDuring(dir, next, 20 + random.nextInt(150), "append", acked);
            next += 100; // a number reused by the next child gives identical bytes, so every check stays exact
            verify(dir, acked);
        }
    }

    private static void verify(Path dir, Map<Integer, Long> acked) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("postiljon.db"));
             ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            rs.next();
            assertEquals("ok", rs.getString(1));
        }
        try (TestModels t = new TestModels(dir)) {
            Account a = t.model.directory().find(org.postiljon.mailbox.api.EmailAddress.parse("crash@example.org")).orElseThrow();
            List<MessageInfo> all = t.model.messages().list(a, MailboxName.INBOX, UidSet.ALL);
            Map<Long, MessageInfo> byUid = new HashMap<>();
            for (MessageInfo m : all) assertEquals(null, byUid.put(m.uid(), m), "UID " + m.uid() + " twice");
            for (int i = 1; i < all.size(); i++) assertTrue(all.get(i).uid() > all.get(i - 1).uid());
            for (Map.Entry<Integer, Long> e : acked.entrySet()) {
                assertTrue(byUid.containsKey(e.getValue()), "acknowledged message " + e.getKey() + " lost");
                try (InputStream in = t.model.messages().open(a, MailboxName.INBOX, e.getValue())) {
                    assertEquals(CrashChild.message(e.getKey()), new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                }
            }
            assertTrue(all.size() >= acked.size());
        }
    }
}
