package org.postiljon.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppendResult;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.CopyResult;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.StagedMessage;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mime.Address;
import org.postiljon.mime.MessageParser;
import org.postiljon.mime.ParsedMessage;
import org.postiljon.mime.ParsedMessageCodec;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;

/** Append, copy, move, flag and expunge: the one place each is done. */
final class StoredMessages implements Messages {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StoredMessages.class);

    private final MetadataStore store;
    private final BlobStore blobs;
    private final ChangeBus bus;
    private final MailboxLimits limits;
    private final MessageParser parser = new MessageParser();
    private final MessageSearch search;
    private static final int PARSE_IN_MEMORY_BYTES = 256 * 1024;

    /** What a write transaction hands back: the mailbox it acted on, its result, its MODSEQ. */
    private record Done<T>(Mailbox mailbox, T value, long modSeq) { }

    StoredMessages(MetadataStore store, BlobStore blobs, ChangeBus bus, MailboxLimits limits) {
        this.store = store;
        this.blobs = blobs;
        this.bus = bus;
        this.limits = limits;
        this.search = new MessageSearch(store, blobs);
    }

    @Override
    public AppendResult append(Account account, MailboxName name, InputStream content, Flags flags, Instant internalDate) {
        // Fail early, before storing bytes, when the mailbox is not there; checked again in the transaction.
        store.read(tx -> StoredMailboxes.require(tx, account, name));
        return appendAll(account, name, List.of(stage(content, flags, internalDate))).getFirst();
    }

    @Override
    public StagedMessage stage(InputStream content, Flags flags, Instant internalDate) {
        try {
            // Small messages are parsed from the copy kept while storing them; large ones are read back.
            HeadCapture capture = new HeadCapture(new CrlfInputStream(content), PARSE_IN_MEMORY_BYTES);
            BlobStore.Stored blob = blobs.put(capture, limits.maxMessageBytes());
            try (InputStream in = capture.complete() ? capture.captured() : blobs.open(blob.id())) {
                return new StagedMessage(blob.id(), blob.size(), keys(parser.parse(in)), flags, internalDate);
            }
        } catch (BlobStore.TooLarge e) {
            throw new MailboxException.TooBig(limits.maxMessageBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store message", e);
        }
    }

    @Override
    public void discard(List<StagedMessage> staged) {
        if (staged.isEmpty()) return;
        try {
            store.write(tx -> {
                tx.noteUnreferenced(staged.stream().map(StagedMessage::blob).toList());
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("cannot note {} abandoned message files for the sweeper: {}", staged.size(), e.getMessage());
        }
    }

    @Override
    public List<AppendResult> appendAll(Account account, MailboxName name, List<StagedMessage> messages) {
        Instant now = Instant.now();
        Done<List<MessageInfo>> done;
        try {
            done = store.write(tx -> {
                Mailbox m = StoredMailboxes.require(tx, account, name);
                long modSeq = tx.nextModSeq(account.id());
                List<MessageInfo> added = new ArrayList<>();
                for (StagedMessage s : messages) {
                    added.add(tx.insertMessage(m.id(), modSeq, s.flags(), s.internalDate(), now, s.size(), s.blob(), s.keys()));
                }
                return new Done<>(m, added, modSeq);
            });
        } catch (RuntimeException e) {
            discard(messages);
            throw e;
        }
        List<AppendResult> results = new ArrayList<>();
        for (MessageInfo info : done.value()) {
            bus.publish(new Change.MessageAdded(account.id(), done.modSeq(), done.mailbox().id(), info));
            results.add(new AppendResult(done.mailbox().uidValidity(), info.uid(), info));
        }
        return results;
    }

    static MessageKeys keys(ParsedMessage p) {
        return new MessageKeys(p.subject(), p.baseSubject(), p.sortFrom(), p.sortTo(), p.sortCc(), p.displayFrom(),
                p.sentDate(), p.messageId(), p.references(), p.preview(),
                Address.text(p.envelope().from()), Address.text(p.envelope().to()), Address.text(p.envelope().cc()),
                Address.text(p.envelope().bcc()), ParsedMessageCodec.encode(p));
    }

    @Override
    public List<MessageInfo> list(Account account, MailboxName name, UidSet uids) {
        return store.read(tx -> tx.messages(StoredMailboxes.require(tx, account, name).id(), uids));
    }

    @Override
    public MessageKeys keys(Account account, MailboxName name, long uid) {
        return store.read(tx -> tx.keys(StoredMailboxes.require(tx, account, name).id(), uid)
                .orElseThrow(() -> new MailboxException.NotAllowed("no message with UID " + uid + " in " + name)));
    }

    @Override
    public java.util.SortedMap<Long, MessageKeys> keys(Account account, MailboxName name, UidSet uids, boolean withParse) {
        return store.read(tx -> tx.keys(StoredMailboxes.require(tx, account, name).id(), uids, withParse));
    }

    @Override
    public long[] search(Account account, MailboxName name, SearchQuery query) {
        return search.run(account, name, query);
    }

    @Override
    public InputStream open(Account account, MailboxName name, long uid) {
        MessageInfo m = store.read(tx -> {
            List<MessageInfo> l = tx.messages(StoredMailboxes.require(tx, account, name).id(), UidSet.of(uid));
            if (l.isEmpty()) throw new MailboxException.NotAllowed("no message with UID " + uid + " in " + name);
            return l.getFirst();
        });
        try {
            return blobs.open(m.blobId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CopyResult copy(Account account, MailboxName from, UidSet uids, MailboxName to) {
        return transfer(account, from, uids, to, false);
    }

    @Override
    public CopyResult move(Account account, MailboxName from, UidSet uids, MailboxName to) {
        return transfer(account, from, uids, to, true);
    }

    private CopyResult transfer(Account account, MailboxName from, UidSet uids, MailboxName to, boolean move) {
        List<Change> changes = new ArrayList<>();
        CopyResult result = store.write(tx -> {
            changes.clear();
            Mailbox source = StoredMailboxes.require(tx, account, from);
            Mailbox target = StoredMailboxes.require(tx, account, to);
            List<MessageInfo> messages = tx.messages(source.id(), uids);
            List<Long> sourceUids = new ArrayList<>();
            List<Long> targetUids = new ArrayList<>();
            if (messages.isEmpty()) return new CopyResult(target.uidValidity(), sourceUids, targetUids);
            long modSeq = tx.nextModSeq(account.id());
            Instant now = Instant.now();
            for (MessageInfo m : messages) {
                MessageInfo copy = tx.copyMessage(m, target.id(), modSeq, now);
                sourceUids.add(m.uid());
                targetUids.add(copy.uid());
                changes.add(new Change.MessageAdded(account.id(), modSeq, target.id(), copy));
            }
            if (move) {
                // RFC 6851 §3.3: also when source and target are the same, the messages get new UIDs.
                tx.deleteMessages(source.id(), sourceUids, modSeq);
                changes.add(new Change.MessagesExpunged(account.id(), modSeq, source.id(), List.copyOf(sourceUids)));
            }
            return new CopyResult(target.uidValidity(), sourceUids, targetUids);
        });
        changes.forEach(bus::publish);
        return result;
    }

    @Override
    public List<MessageInfo> store(Account account, MailboxName name, UidSet uids, FlagUpdate update) {
        // Flag changes are committed without waiting for the disk (docs/decisions/0004).
        Done<List<MessageInfo>> done = store.writeRelaxed(tx -> {
            Mailbox m = StoredMailboxes.require(tx, account, name);
            List<MessageInfo> current = tx.messages(m.id(), uids);
            java.util.SortedMap<Long, Flags> next = new java.util.TreeMap<>();
            for (MessageInfo info : current) {
                Flags f = update.applyTo(info.flags());
                if (!f.equals(info.flags())) next.put(info.uid(), f);
            }
            if (next.isEmpty()) return new Done<>(m, List.<MessageInfo>of(), 0L);
            long modSeq = tx.nextModSeq(account.id());
            tx.updateFlags(m, next, modSeq);
            List<MessageInfo> changed = new ArrayList<>();
            for (MessageInfo info : current) {
                Flags f = next.get(info.uid());
                if (f != null) {
                    changed.add(new MessageInfo(info.mailboxId(), info.uid(), modSeq, f, info.internalDate(),
                            info.saveDate(), info.size(), info.blobId()));
                }
            }
            return new Done<>(m, List.copyOf(changed), modSeq);
        });
        if (!done.value().isEmpty()) {
            bus.publish(new Change.FlagsChanged(account.id(), done.modSeq(), done.mailbox().id(), done.value()));
        }
        return done.value();
    }

    @Override
    public List<Long> expunge(Account account, MailboxName name, UidSet uids) {
        return remove(account, name, uids, true);
    }

    @Override
    public List<Long> delete(Account account, MailboxName name, UidSet uids) {
        return remove(account, name, uids, false);
    }

    private List<Long> remove(Account account, MailboxName name, UidSet uids, boolean onlyDeleted) {
        Done<List<Long>> done = store.write(tx -> {
            Mailbox m = StoredMailboxes.require(tx, account, name);
            List<Long> gone = new ArrayList<>();
            for (MessageInfo info : tx.messages(m.id(), uids)) {
                if (!onlyDeleted || info.flags().contains(Flags.DELETED)) gone.add(info.uid());
            }
            long modSeq = 0;
            if (!gone.isEmpty()) {
                modSeq = tx.nextModSeq(account.id());
                tx.deleteMessages(m.id(), gone, modSeq);
            }
            return new Done<>(m, List.copyOf(gone), modSeq);
        });
        if (!done.value().isEmpty()) {
            bus.publish(new Change.MessagesExpunged(account.id(), done.modSeq(), done.mailbox().id(), done.value()));
        }
        return done.value();
    }
}
