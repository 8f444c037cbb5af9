package org.postiljon.mailbox;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes message files no message refers to any more. A file is deleted only when it has been
 * unreferenced and unwritten for {@code grace}: a delivery of identical bytes renews the file
 * before it commits its reference, so the two never race.
 */
public final class BlobSweeper {

    private static final Logger log = LoggerFactory.getLogger(BlobSweeper.class);
    private final MetadataStore store;
    private final BlobStore blobs;
    private final org.postiljon.store.spi.SearchIndex index;
    private final Leases leases;

    public BlobSweeper(MetadataStore store, BlobStore blobs, org.postiljon.store.spi.SearchIndex index, Leases leases) {
        this.store = store;
        this.blobs = blobs;
        this.index = index;
        this.leases = leases;
    }

    /** One pass; returns how many files were deleted. Cheap when there is nothing to do; 0 while another node sweeps. */
    public int sweep(Duration grace) {
        java.util.Optional<Leases.Lease> lease = leases.take("blob-sweep");
        if (lease.isEmpty()) return 0;
        try (Leases.Lease held = lease.get()) {
            return sweepHeld(grace);
        }
    }

    private int sweepHeld(Duration grace) {
        Instant cutoff = Instant.now().minus(grace);
        int deleted = 0;
        for (BlobId id : store.read(tx -> tx.orphanedBlobs(cutoff, 1000))) {
            boolean unreferenced = store.write(tx -> {
                boolean referenced = tx.isReferenced(id);
                tx.forgetOrphan(id);
                return !referenced;
            });
            try {
                if (unreferenced && blobs.deleteIfIdle(id, cutoff)) {
                    deleted++;
                    if (store.write(tx -> tx.forgetContent(id))) index.remove(id); // committed with the next index batch
                }
            } catch (IOException e) {
                log.warn("cannot delete blob {}: {}", id, e.getMessage());
            }
        }
        if (deleted > 0) log.info("deleted {} unreferenced message files", deleted);
        return deleted;
    }

    /**
     * Reads every message file and compares it with what the store says of it (size, and the
     * SHA-256 it is named by): one line per damaged message, as the operator needs it to restore
     * the file from a backup or remove the message. Reads every byte: for the CLI, not the server.
     */
    public java.util.List<String> check() {
        java.util.List<String> damaged = new java.util.ArrayList<>();
        java.util.Map<BlobId, String> verdicts = new java.util.HashMap<>();
        for (var account : store.read(tx -> tx.accounts(java.util.Optional.empty()))) {
            for (var mailbox : store.read(tx -> tx.mailboxes(account.account().id()))) {
                for (var m : store.read(tx -> tx.messages(mailbox.id(), org.postiljon.mailbox.api.UidSet.ALL))) {
                    String verdict = verdicts.computeIfAbsent(m.blobId(), id -> verdict(id, m.size() - m.traceLength()));
                    if (verdict != null) {
                        damaged.add(account.account().address() + " " + mailbox.name() + " UID " + m.uid() + ": " + verdict
                                + " (content " + m.blobId().sha256() + ")");
                    }
                }
            }
        }
        return damaged;
    }

    /** Null when the file is whole, else what is wrong with it. */
    private String verdict(BlobId id, long size) {
        try {
            long stored = blobs.size(id);
            if (stored != size) return "its file holds " + stored + " of " + size + " octets";
            try (java.io.InputStream in = blobs.open(id)) {
                return CheckedContent.sha256(in).equals(id.sha256()) ? null : "its bytes differ from what was stored (SHA-256)";
            }
        } catch (IOException e) {
            return "its file cannot be read: " + e.getMessage();
        }
    }
}
