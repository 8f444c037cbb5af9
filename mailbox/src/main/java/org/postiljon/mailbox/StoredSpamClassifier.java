package org.postiljon.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.SpamClassifier;
import org.postiljon.spam.Bayes;
import org.postiljon.spam.Tokens;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifiers' counts in the store (tables {@code spam_token}, {@code spam_trained}). Training
 * from moves runs on one background thread in the order asked: a training lost in a crash costs
 * one message's evidence, never mail.
 */
final class StoredSpamClassifier implements SpamClassifier {

    private static final Logger log = LoggerFactory.getLogger(StoredSpamClassifier.class);
    /** The start of a message that is read for its tokens: enough for any spam, bounded for a 50 MB message. */
    static final int READ_BYTES = 512 * 1024;

    private final MetadataStore store;
    private final SharedDirectoryReads shared;
    private final BlobStore blobs;
    private final ExecutorService training = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("spam-training").factory());
    private final AtomicInteger waiting = new AtomicInteger();

    StoredSpamClassifier(MetadataStore store, BlobStore blobs, SharedDirectoryReads shared) {
        this.store = store;
        this.shared = shared;
        this.blobs = blobs;
    }

    @Override
    public double probability(Account account, long[] tokens) {
        Map<Long, long[]> counts = store.read(tx -> tx.spamCounts(account.id(), tokens));
        long[] totals = counts.getOrDefault(0L, new long[2]);
        long[][] perToken = new long[tokens.length][];
        for (int i = 0; i < tokens.length; i++) perToken[i] = counts.getOrDefault(tokens[i], new long[2]);
        return Bayes.probability(totals[0], totals[1], perToken);
    }

    @Override
    public long[] trained(Account account) {
        return store.read(tx -> trained(tx, account.id()));
    }

    /** How many spam and ham messages the account's classifier was shown (the row of totals), read in {@code tx}. */
    static long[] trained(org.postiljon.store.spi.ReadTx tx, long accountId) {
        return tx.spamCounts(accountId, new long[0]).getOrDefault(0L, new long[2]);
    }

    @Override
    public boolean train(Account account, BlobId content, boolean spam) {
        byte[] bytes;
        try (InputStream in = blobs.open(content)) {
            bytes = in.readNBytes(READ_BYTES);
        } catch (IOException e) {
            log.warn("cannot read message {} to train {}'s spam filter: {}", content, account.address(), e.getMessage());
            return false;
        }
        long[] tokens = Tokens.of(bytes);
        return shared.rulesChanged(account, () -> store.write(tx -> tx.trainSpam(account.id(), content.sha256(), tokens, spam)));
    }

    /**
     * What one move teaches at most: a user filing 10,000 messages into an archive would otherwise
     * queue 10,000 reads, parses and 3,000-row writes that compete with deliveries for the store.
     */
    static final int MAX_PER_MOVE = 100;

    @Override
    public void trainLater(Account account, List<BlobId> all, boolean spam) {
        if (all.isEmpty()) return;
        List<BlobId> contents = List.copyOf(all.subList(0, Math.min(all.size(), MAX_PER_MOVE)));
        waiting.incrementAndGet();
        training.execute(() -> {
            try {
                for (BlobId c : contents) train(account, c, spam);
            } catch (RuntimeException e) {
                log.warn("training {}'s spam filter failed: {}", account.address(), e.toString());
            } finally {
                waiting.decrementAndGet();
            }
        });
    }

    @Override
    public boolean idle() {
        return waiting.get() == 0;
    }
}
