package org.postiljon.bench;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.postiljon.mailbox.InProcessChangeBus;
import org.postiljon.mailbox.MailboxLimits;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.Passwords;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.store.embedded.EmbeddedStore;
import org.postiljon.testkit.Corpus;

/**
 * Delivers N messages of about 10 KB into one mailbox through the mailbox API, with durable
 * commits, from C concurrent deliverers (as SMTP/LMTP sessions would), and reports messages/s and
 * fsyncs per message (counted by strace in bench/delivery.sh).
 * Usage: DeliveryBench [messages] [concurrency] [dataDir] [warmup]
 */
public final class DeliveryBench {

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        Path dir = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("postiljon-bench");
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 3000;
        // Distinct messages of ~10 KB: corpus shapes, padded with a unique body so no blob is shared.
        Files.createDirectories(dir);
        List<byte[]> corpus = Corpus.messages(dir, 200, 11);
        try (EmbeddedStore store = EmbeddedStore.open(dir.resolve("store"))) {
            MailboxModel m = MailboxModel.over(store.metadata(), store.blobs(), new InProcessChangeBus(), MailboxLimits.DEFAULT, Passwords.DEFAULT);
            m.directory().addDomain(DomainName.of("bench.test"));
            Account a = m.directory().addAccount(EmailAddress.parse("bench@bench.test"), "bench-password".toCharArray(), QuotaLimits.UNLIMITED);
            List<byte[]> messages = new ArrayList<>(count);
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                byte[] msg = sized(corpus.get(i % corpus.size()), i, 10_000);
                messages.add(msg);
                bytes += msg.length;
            }
            deliver(m, a, messages.subList(0, Math.min(warmup, count)), concurrency); // warm-up: JIT, page cache
            long t0 = System.nanoTime();
            deliver(m, a, messages, concurrency);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long stored = m.messages().list(a, MailboxName.INBOX, UidSet.ALL).size();
            System.out.printf("delivered %d messages (%.1f KB average) with %d concurrent deliverers in %.2f s%n",
                    count, bytes / 1024.0 / count, concurrency, seconds);
            System.out.printf("throughput: %.0f messages/s, %.1f MB/s%n", count / seconds, bytes / 1e6 / seconds);
            System.out.printf("messages in INBOX: %d (warm-up included)%n", stored);
        }
    }

    static void deliver(MailboxModel m, Account a, List<byte[]> messages, int concurrency) throws Exception {
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                fs.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < messages.size()) {
                        m.messages().append(a, MailboxName.INBOX, new ByteArrayInputStream(messages.get(i)), Flags.NONE, Instant.now());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        }
    }

    /** The corpus message with a unique line and padding so it is about {@code target} bytes. */
    static byte[] sized(byte[] base, int n, int target) {
        String s = new String(base, java.nio.charset.StandardCharsets.ISO_8859_1);
        int split = s.indexOf("\r\n\r\n");
        String headers = s.substring(0, split + 2) + "X-Bench-Seq: " + n + "\r\n";
        StringBuilder body = new StringBuilder(s.substring(split + 2));
        if (!s.contains("Content-Type: multipart")) {
            while (headers.length() + body.length() < target) body.append("padding line ").append(n).append(" lorem ipsum dolor sit amet\r\n");
        }
        return (headers + body).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
