package org.postiljon.transfer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppendResult;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.StagedMessage;
import org.postiljon.mailbox.api.UidSet;

/**
 * Copies one account's mail from a {@link Source} into an account here, through the same
 * mailbox operations every protocol uses (so quota, UIDs, MODSEQs and the search index are kept as
 * for any APPEND), then verifies the result.
 *
 * <p>Resumable and incremental without any state of its own: a source message counts as here when
 * a message of the target folder has the same Message-ID, size and (where the source keeps it)
 * arrival second; each target message stands for one source message at most. So a run broken off
 * goes on where it stopped, and a second run copies only what is new and brings flags changed on
 * the source since (the source is the truth until cut-over). Messages are copied in the source's
 * order, in batches appended in one transaction each, so their UIDs here ascend as they did there.
 * Each copied message's content address (SHA-256) is compared with the hash of the bytes fetched.
 */
public final class Importer {

    /** Messages appended in one transaction, and their most bytes: a broken-off run loses at most one batch of work. */
    static final int BATCH_MESSAGES = 200;
    static final long BATCH_BYTES = 32L << 20;

    private final Mailboxes mailboxes;
    private final Messages messages;
    private final boolean verifyContent;
    private final boolean keepFlagsHere;
    private final Consumer<String> progress;

    /**
     * @param verifyContent also fetch every message already here from the source again and compare
     *                      its bytes (a full check for the final pass; costs a whole download)
     * @param keepFlagsHere leave the flags of messages already here as they are (users work here
     *                      already, after the cut-over) instead of taking the source's
     * @param progress      a line per folder as it is done
     */
    public Importer(Mailboxes mailboxes, Messages messages, boolean verifyContent, boolean keepFlagsHere, Consumer<String> progress) {
        this.mailboxes = mailboxes;
        this.messages = messages;
        this.verifyContent = verifyContent;
        this.keepFlagsHere = keepFlagsHere;
        this.progress = progress;
    }

    /** What one folder's import did and found. */
    public record FolderReport(String source, MailboxName target, int sourceMessages, int alreadyHere, int copied,
                               int flagsChanged, int missing, int extra, int mismatched, List<String> problems) {
        public FolderReport {
            problems = List.copyOf(problems);
        }

        /** Every source message is here with the same bytes. Extra messages here (mail that arrived here meanwhile) are no fault. */
        public boolean clean() {
            return missing == 0 && mismatched == 0 && problems.isEmpty();
        }
    }

    /** One account's import. */
    public record Report(String source, String account, List<FolderReport> folders, int subscriptions, List<String> problems, Duration took) {
        public Report {
            folders = List.copyOf(folders);
            problems = List.copyOf(problems);
        }

        public boolean clean() {
            return problems.isEmpty() && folders.stream().allMatch(FolderReport::clean);
        }

        public int copied() {
            return folders.stream().mapToInt(FolderReport::copied).sum();
        }

        public int sourceMessages() {
            return folders.stream().mapToInt(FolderReport::sourceMessages).sum();
        }
    }

    /** Imports everything of {@code source} into {@code account}; failures are in the report, never thrown. */
    public Report run(Source source, Account account) {
        Instant start = Instant.now();
        List<FolderReport> done = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int subscribed = 0;
        try {
            List<Source.Folder> folders = source.folders();
            FolderMap map = new FolderMap(folders, mailboxes.list(account));
            for (Source.Folder f : folders) {
                if (!f.selectable()) continue;
                FolderReport r = folder(source, f, map.target(f), map, account);
                done.add(r);
                progress.accept(line(r));
                if (r.problems().stream().anyMatch(p -> p.startsWith(STOPPED))) {
                    problems.add("stopped at " + f.name() + ": run again to go on");
                    break;
                }
            }
            var have = mailboxes.subscriptions(account);
            for (List<String> s : source.subscriptions()) {
                MailboxName name = map.subscription(s);
                if (!have.contains(name)) {
                    mailboxes.subscribe(account, name);
                    subscribed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add("interrupted: " + reason(e) + " (run again to go on; what was copied stays)");
        }
        return new Report(source.describe(), account.address().toString(), done, subscribed, problems, Duration.between(start, Instant.now()));
    }

    private static final String STOPPED = "stopped: ";

    /** Matching key of a message: Message-ID, size, and the arrival second where the source keeps one. */
    private record Key(String messageId, long size, Long second) { }

    private Key key(Source source, Source.Item i) {
        return new Key(i.messageId(), i.size(), source.keepsFlags() && i.internalDate() != null ? i.internalDate().getEpochSecond() : null);
    }

    private Key key(Source source, MessageInfo m, MessageKeys k) {
        return new Key(k == null ? null : k.messageId(), m.size(), source.keepsFlags() ? m.internalDate().getEpochSecond() : null);
    }

    private FolderReport folder(Source source, Source.Folder f, MailboxName target, FolderMap map, Account account) {
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        int already = 0, copied = 0, flagged = 0;
        List<Source.Item> items = List.of();
        try {
            items = source.list(f);
            if (mailboxes.find(account, target).isEmpty()) {
                mailboxes.create(account, target, map.newUse(f).map(u -> (Set<SpecialUse>) EnumSet.of(u)).orElse(Set.of()));
            }
            Map<Key, ArrayDeque<MessageInfo>> here = here(source, account, target);
            List<Source.Item> toCopy = new ArrayList<>();
            for (Source.Item i : items) {
                MessageInfo m = take(here, key(source, i));
                if (m == null) {
                    toCopy.add(i);
                    continue;
                }
                already++;
                if (source.keepsFlags() && !keepFlagsHere && !m.flags().equals(i.flags())) {
                    messages.store(account, target, UidSet.of(m.uid()), new FlagUpdate(FlagUpdate.Mode.REPLACE, i.flags()));
                    flagged++;
                }
            }
            copied = copy(source, f, toCopy, account, target, problems);
        } catch (MailboxException.OverQuota e) {
            problems.add(STOPPED + "over quota here (" + e.getMessage() + "); raise the quota and run again");
        } catch (IOException | RuntimeException e) {
            problems.add(STOPPED + reason(e));
        }
        return verify(source, f, target, account, items, already, copied, flagged, problems);
    }

    /** This folder's messages here by key; each may stand for one source message. */
    private Map<Key, ArrayDeque<MessageInfo>> here(Source source, Account account, MailboxName target) {
        Map<Key, ArrayDeque<MessageInfo>> here = new HashMap<>();
        SortedMap<Long, MessageKeys> keys = messages.keys(account, target, UidSet.ALL, false);
        for (MessageInfo m : messages.list(account, target, UidSet.ALL)) {
            here.computeIfAbsent(key(source, m, keys.get(m.uid())), k -> new ArrayDeque<>()).add(m);
        }
        return here;
    }

    private static MessageInfo take(Map<Key, ArrayDeque<MessageInfo>> here, Key key) {
        ArrayDeque<MessageInfo> q = here.get(key);
        return q == null ? null : q.pollFirst();
    }

    /** Fetches and appends in batches; returns how many were appended with the bytes fetched. */
    private int copy(Source source, Source.Folder f, List<Source.Item> items, Account account, MailboxName target, List<String> problems) throws IOException {
        if (items.isEmpty()) return 0;
        Batch batch = new Batch(account, target, f.name(), problems);
        try {
            source.fetch(f, items, batch::add);
            return batch.finish();
        } finally {
            batch.close();
        }
    }

    /**
     * The copying pipeline of one folder. Each fetched message is stored (written, fsync'd, parsed)
     * on its own virtual thread, as concurrent deliveries are: one after another, the fsyncs alone
     * would hold an import to a few hundred messages a second. Full batches go to one appending
     * thread, which appends them in the source's order once their messages are stored, while the
     * next batch is fetched; at most {@link #BATCHES_AHEAD} batches wait, which bounds the memory.
     */
    private final class Batch {
        /** Messages stored at once. */
        static final int STORING = 16;
        static final int BATCHES_AHEAD = 2;

        private record Pending(Source.Item item, int length, Future<Stored> stored) { }

        private record Stored(StagedMessage staged, String sha256) { }

        private final Account account;
        private final MailboxName target;
        private final List<String> problems;
        private final String folder;
        private final ExecutorService storing = Executors.newFixedThreadPool(STORING, Thread.ofVirtual().factory());
        private final ExecutorService appending = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
        private final Semaphore ahead = new Semaphore(BATCHES_AHEAD);
        private final List<Future<?>> batches = new ArrayList<>();
        private List<Pending> pending = new ArrayList<>();
        private long bytes;
        private volatile RuntimeException failure;
        private final AtomicInteger appended = new AtomicInteger();

        Batch(Account account, MailboxName target, String folder, List<String> problems) {
            this.account = account;
            this.target = target;
            this.folder = folder;
            this.problems = problems;
        }

        void add(Source.Item item, byte[] content) {
            if (failure != null) throw failure; // an append failed: stop fetching
            Instant at = item.internalDate() != null ? item.internalDate() : Instant.now();
            pending.add(new Pending(item, content.length,
                    storing.submit(() -> new Stored(messages.stageExact(new ByteArrayInputStream(content), item.flags(), at), sha256(content)))));
            bytes += content.length;
            if (pending.size() >= BATCH_MESSAGES || bytes >= BATCH_BYTES) flush();
        }

        /** Hands the messages fetched so far to the appending thread. */
        void flush() {
            if (pending.isEmpty()) return;
            List<Pending> batch = pending;
            pending = new ArrayList<>();
            bytes = 0;
            ahead.acquireUninterruptibly();
            batches.add(appending.submit(() -> {
                try {
                    append(batch);
                } catch (RuntimeException e) {
                    failure = e;
                } finally {
                    ahead.release();
                }
            }));
        }

        private void append(List<Pending> batch) {
            List<StagedMessage> staged = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            RuntimeException failed = failure;
            for (Pending p : batch) {
                try {
                    Stored s = p.stored().get();
                    staged.add(s.staged());
                    hashes.add(s.sha256());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof MailboxException.TooBig) {
                        problems.add("not copied, larger than this server takes: " + folder + " " + p.item().ref() + " (" + p.length() + " octets)");
                    } else if (failed == null) {
                        failed = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failed == null) failed = new IllegalStateException("interrupted");
                }
            }
            if (failed != null) {
                if (!staged.isEmpty()) messages.discard(staged);
                throw failed;
            }
            if (staged.isEmpty()) return;
            List<AppendResult> results = messages.appendAll(account, target, staged);
            for (int i = 0; i < results.size(); i++) {
                if (!results.get(i).message().blobId().sha256().equals(hashes.get(i))) {
                    problems.add("stored bytes differ from those fetched: " + target + " UID " + results.get(i).uid());
                }
            }
            appended.addAndGet(results.size());
        }

        /** Waits for every batch handed over; returns how many messages were appended. */
        int finish() {
            flush();
            for (Future<?> f : batches) {
                try {
                    f.get();
                } catch (ExecutionException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (failure != null) throw failure;
            return appended.get();
        }

        /** Gives up what was not handed over (a failure on the way), and stops the threads. */
        void close() {
            List<StagedMessage> left = new ArrayList<>();
            for (Pending p : pending) {
                try {
                    left.add(p.stored().get().staged());
                } catch (ExecutionException | InterruptedException e) {
                    // nothing stored to give up
                }
            }
            pending.clear();
            if (!left.isEmpty()) messages.discard(left);
            appending.close();
            storing.close();
        }
    }

    /**
     * The check after copying: the folder here read again and every source message looked for in
     * it; with {@code verifyContent}, every source message fetched again and compared byte for byte
     * (by SHA-256) with the one here that stands for it.
     */
    private FolderReport verify(Source source, Source.Folder f, MailboxName target, Account account, List<Source.Item> items,
                                int already, int copied, int flagged, List<String> problems) {
        int missing = 0, extra = 0, mismatched = 0;
        try {
            Map<Key, ArrayDeque<MessageInfo>> here = here(source, account, target);
            Map<Source.Item, MessageInfo> pairs = new HashMap<>();
            for (Source.Item i : items) {
                MessageInfo m = take(here, key(source, i));
                if (m == null) missing++;
                else pairs.put(i, m);
            }
            for (ArrayDeque<MessageInfo> left : here.values()) extra += left.size();
            if (verifyContent && !pairs.isEmpty()) {
                int[] differ = {0};
                List<Source.Item> paired = items.stream().filter(pairs::containsKey).toList();
                source.fetch(f, paired, (item, content) -> {
                    MessageInfo m = pairs.get(item);
                    if (!sha256(content).equals(hashHere(account, target, m))) {
                        differ[0]++;
                        problems.add("content differs: " + f.name() + " " + item.ref() + " and " + target + " UID " + m.uid());
                    }
                });
                mismatched = differ[0];
            }
        } catch (IOException | RuntimeException e) {
            problems.add("not verified: " + reason(e));
        }
        return new FolderReport(f.name(), target, items.size(), already, copied, flagged, missing, extra, mismatched, problems);
    }

    /** The SHA-256 of a message here as IMAP serves it: its content address when no trace fields come before it. */
    private String hashHere(Account account, MailboxName target, MessageInfo m) throws IOException {
        if (m.traceLength() == 0) return m.blobId().sha256();
        try (InputStream in = messages.open(account, target, m.uid())) {
            return sha256(in.readAllBytes());
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String reason(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    /** The progress line of a folder. */
    public static String line(FolderReport r) {
        StringBuilder b = new StringBuilder(String.format("%-30s -> %-24s %6d there, %6d copied, %6d already here, %5d flags changed",
                r.source(), r.target(), r.sourceMessages(), r.copied(), r.alreadyHere(), r.flagsChanged()));
        if (r.missing() > 0) b.append(", ").append(r.missing()).append(" MISSING");
        if (r.mismatched() > 0) b.append(", ").append(r.mismatched()).append(" DIFFER");
        if (r.extra() > 0) b.append(", ").append(r.extra()).append(" only here");
        for (String p : r.problems()) b.append("\n    ").append(p);
        return b.toString();
    }
}
