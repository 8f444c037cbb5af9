package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;

/** Many threads appending, flagging and expunging in one mailbox. */
class ConcurrencyTest {

    @Test
    void uidsAndModSeqsNeverRepeatOrGoBackwardsAndNoUpdateIsLost(@TempDir Path dir) throws Exception {
        try (TestModels t = new TestModels(dir)) {
            Account a = t.account("alice@example.org");
            ConcurrentLinkedQueue<Long> modSeqs = new ConcurrentLinkedQueue<>();
            t.model.changes().subscribe(a.id(), c -> modSeqs.add(c.modSeq()));
            int threads = 16, perThread = 40;
            ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                int id = th;
                futures.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        long uid = t.append(a, "INBOX", TestModels.message("t" + id + "-" + i), Flags.NONE).uid();
                        mine.add(uid);
                        // Each thread flags its own message with its own keyword; other threads expunge
                        // messages marked deleted concurrently.
                        t.model.messages().store(a, MailboxName.INBOX, UidSet.of(uid),
                                new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of("$t" + id)));
                        if (i % 4 == 0) {
                            t.model.messages().store(a, MailboxName.INBOX, UidSet.of(uid),
                                    new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of(Flags.DELETED)));
                            t.model.messages().expunge(a, MailboxName.INBOX, UidSet.ALL);
                        }
                    }
                    return mine;
                }));
            }
            Set<Long> allUids = new HashSet<>();
            for (Future<List<Long>> f : futures) {
                List<Long> mine = f.get();
                for (int i = 1; i < mine.size(); i++) assertTrue(mine.get(i) > mine.get(i - 1), "a thread's UIDs increase");
                allUids.addAll(mine);
            }
            pool.shutdown();
            assertEquals(threads * perThread, allUids.size(), "no UID was handed out twice");
            List<MessageInfo> left = t.model.messages().list(a, MailboxName.INBOX, UidSet.ALL);
            assertEquals(threads * perThread * 3 / 4, left.size(), "exactly the deleted quarter is gone");
            for (MessageInfo m : left) {
                assertEquals(1, m.flags().names().size(), "each survivor kept its keyword: " + m.flags());
            }
            List<Long> published = new ArrayList<>(modSeqs);
            assertEquals(published.size(), new HashSet<>(published).size(), "published MODSEQs are distinct per change");
            long highest = t.store.metadata().read(tx -> tx.highestModSeq(a.id()));
            assertEquals(highest, published.stream().mapToLong(Long::longValue).max().orElseThrow());
        }
    }
}
