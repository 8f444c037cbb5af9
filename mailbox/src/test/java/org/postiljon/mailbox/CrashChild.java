package org.postiljon.mailbox;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.store.embedded.EmbeddedStore;

/**
 * Run in a child JVM by {@link CrashTest}: appends forever (or with "queue" as third argument,
 * queues for another server), printing "ACK n id" after each return.
 */
public final class CrashChild {

    static String message(int n) {
        StringBuilder b = new StringBuilder("From: crash@example.org\r\nSubject: crash " + n + "\r\nMessage-ID: <" + n + "@crash>\r\n\r\n");
        int lines = 1 + (n * 7919) % 400;
        for (int i = 0; i < lines; i++) b.append("line ").append(n).append('.').append(i).append(" of the crash test body\r\n");
        return b.toString();
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int start = Integer.parseInt(args[1]);
        boolean queue = args.length > 2 && args[2].equals("queue");
        boolean churn = args.length > 2 && args[2].equals("churn"); // every third message is deleted again
        boolean indexed = args.length > 2 && args[2].equals("indexed"); // with the full-text indexer running
        // Many writers at once, so the kill also lands inside grouped commits.
        EmbeddedStore store = EmbeddedStore.open(dir);
        MailboxModel m = indexed
                ? MailboxModel.over(store.metadata(), store.blobs(), store.index(), new InProcessChangeBus(), MailboxLimits.DEFAULT, TestModels.FAST,
                        java.util.Set.of(), java.time.Clock.systemUTC())
                : MailboxModel.over(store.metadata(), store.blobs(), new InProcessChangeBus(), MailboxLimits.DEFAULT, TestModels.FAST);
        if (indexed) m.indexer().start();
        Account a = m.directory().find(EmailAddress.parse("crash@example.org")).orElseThrow();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger(start);
        Thread[] writers = new Thread[8];
        for (int w = 0; w < writers.length; w++) {
            writers[w] = Thread.ofVirtual().start(() -> {
                while (true) {
                    int n = next.getAndIncrement();
                    ByteArrayInputStream content = new ByteArrayInputStream(message(n).getBytes(StandardCharsets.US_ASCII));
                    long uid = queue
                            ? m.queue().enqueue("crash@example.org", OutboundQueue.Dsn.NONE, List.of(OutboundQueue.Target.of("r" + n + "@example.net")), content).id()
                            : m.messages().append(a, MailboxName.INBOX, content, Flags.NONE, Instant.now()).uid();
                    if (churn && n % 3 == 0) m.messages().delete(a, MailboxName.INBOX, org.postiljon.mailbox.api.UidSet.of(uid));
                    synchronized (System.out) {
                        System.out.println("ACK " + n + " " + uid);
                        System.out.flush();
                    }
                }
            });
        }
        for (Thread t : writers) t.join();
    }
}
