package org.postiljon.jmap;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.EmailId;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.structure.BodyPart;

/**
 * Blobs (RFC 8620 §6): uploads are files per account named by their SHA-256 ({@code B...}),
 * counted against the account's quota while they wait (at most {@code 4 × maxSizeUpload} per
 * account whatever the quota) and deleted {@link #UPLOAD_LIFETIME} after upload (§6.1 lets the
 * server drop unreferenced uploads after an hour; what an Email/set used is copied into the store);
 * a Sieve script's text is named as its upload was ({@code B...}, kept after the upload expired);
 * a message's bytes are its content ({@code G...}, the full content address); a body part is the
 * email id and its part id ({@code P...}), served decoded. Every download checks that the content
 * is in one of the user's own mailboxes or was uploaded by the user.
 */
public final class Blobs {

    /** What a download serves. */
    public record Blob(InputStream content, long size, String type) { }

    /** How long an upload is kept (RFC 8620 §6.1: at least an hour). */
    public static final java.time.Duration UPLOAD_LIFETIME = java.time.Duration.ofHours(1);

    private final JmapServices svc;
    private final Map<Long, AtomicInteger> uploading = new ConcurrentHashMap<>();

    Blobs(JmapServices svc) {
        this.svc = svc;
    }

    static String messageBlobId(org.postiljon.mailbox.api.BlobId content) {
        return "G" + content.sha256();
    }

    static String partBlobId(String emailId, String partId) {
        return "P" + emailId.substring(1) + "_" + partId.replace('.', '-');
    }

    private Path dir(Account a) {
        return svc.uploads().resolve(Long.toString(a.id()));
    }

    /**
     * Stores an upload (RFC 8620 §6.1), streaming; refuses more than {@code maxSizeUpload} octets.
     * @throws RequestError with status 413 when too large, 429 when too many uploads run at once
     */
    public ObjectNode upload(Account a, String type, InputStream in) throws IOException {
        AtomicInteger n = uploading.computeIfAbsent(a.id(), k -> new AtomicInteger());
        if (n.incrementAndGet() > svc.limits().maxConcurrentUpload()) {
            n.decrementAndGet();
            throw new RequestError("urn:ietf:params:jmap:error:limit", 429, "too many uploads at once (maxConcurrentUpload)");
        }
        Path dir = dir(a);
        Files.createDirectories(dir);
        expire(dir, java.time.Instant.now().minus(UPLOAD_LIFETIME));
        long waiting = bytesIn(dir);
        long room = 4 * svc.limits().maxSizeUpload() - waiting;
        Path tmp = Files.createTempFile(dir, "up-", ".tmp");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha)) {
                size = copyAtMost(in, out, Math.min(svc.limits().maxSizeUpload(), Math.max(0, room)));
            }
            if (size < 0 && room < svc.limits().maxSizeUpload()) {
                throw new RequestError("urn:ietf:params:jmap:error:limit", 413, "uploads waiting to be used already take "
                        + waiting + " octets; use or let them expire (an hour) first");
            }
            if (size < 0) {
                throw new RequestError("urn:ietf:params:jmap:error:limit", 413, "upload larger than " + svc.limits().maxSizeUpload() + " octets (maxSizeUpload)");
            }
            try {
                // Waiting uploads count against the quota: they take the user's disk until used or expired.
                svc.quotas().checkDelivery(a, waiting + size);
            } catch (org.postiljon.mailbox.api.MailboxException.OverQuota e) {
                throw new RequestError("urn:ietf:params:jmap:error:limit", 413, "over quota: " + e.getMessage());
            }
            String hex = HexFormat.of().formatHex(sha.digest());
            Files.move(tmp, dir.resolve(hex), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("accountId", Jmap.accountId(a));
            o.put("blobId", "B" + hex);
            o.put("type", type == null || type.isBlank() ? "application/octet-stream" : type);
            o.put("size", size);
            return o;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } finally {
            Files.deleteIfExists(tmp);
            n.decrementAndGet();
        }
    }

    /** Deletes every upload older than {@code before}, in all accounts: the periodic sweep. */
    public void expire(java.time.Instant before) throws IOException {
        if (!Files.isDirectory(svc.uploads())) return;
        try (var accounts = Files.newDirectoryStream(svc.uploads())) {
            for (Path dir : accounts) if (Files.isDirectory(dir)) expire(dir, before);
        }
    }

    private static void expire(Path dir, java.time.Instant before) throws IOException {
        try (var files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                try {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(before)) Files.deleteIfExists(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed meanwhile
                }
            }
        }
    }

    private static long bytesIn(Path dir) throws IOException {
        long total = 0;
        try (var files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                try {
                    total += Files.size(f);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // removed meanwhile
                }
            }
        }
        return total;
    }

    private static long copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int r; (r = in.read(buf)) > 0; ) {
            total += r;
            if (total > max) return -1;
            out.write(buf, 0, r);
        }
        return total;
    }

    /** The blob's bytes, if the user may see it. */
    public Optional<Blob> open(Account a, String blobId) {
        if (blobId == null) return Optional.empty();
        if (blobId.matches("B[0-9a-f]{64}")) {
            Path f = dir(a).resolve(blobId.substring(1));
            if (!Files.isRegularFile(f)) {
                // A Sieve script's content (RFC 9661) is named as its upload was, and stays after the upload expired.
                return svc.sieveScripts().list(a).stream().map(s -> s.content().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .filter(b -> SieveMethods.blobId(b).equals(blobId)).findFirst()
                        .map(b -> new Blob(new ByteArrayInputStream(b), b.length, "application/sieve"));
            }
            try {
                return Optional.of(new Blob(Files.newInputStream(f), Files.size(f), "application/octet-stream"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (blobId.matches("G[0-9a-f]{64}")) {
            BlobId content = new BlobId(blobId.substring(1));
            List<MessageInfo> found = svc.messages().withContent(a, EmailId.of(content)).stream().filter(m -> m.blobId().equals(content)).toList();
            if (found.isEmpty()) return Optional.empty();
            MessageInfo m = found.getFirst();
            return Optional.of(new Blob(svc.messages().open(a, mailbox(a, m).name(), m.uid()), m.size(), "message/rfc822"));
        }
        if (blobId.matches("P[0-9a-f]{24}_[0-9-]{1,64}")) {
            EmailId email = new EmailId(blobId.substring(1, 25));
            String partId = blobId.substring(26).replace('-', '.');
            List<MessageInfo> found = svc.messages().withContent(a, email);
            if (found.isEmpty()) return Optional.empty();
            MessageInfo m = found.getFirst();
            Mailbox mb = mailbox(a, m);
            MessageKeys k = svc.messages().keys(a, mb.name(), m.uid());
            BodyPart part = EmailView.Parts.find(k.parse().after(m.traceLength()).body(), partId);
            if (part == null || part.isMultipart()) return Optional.empty();
            byte[] all;
            try (InputStream in = svc.messages().open(a, mb.name(), m.uid())) {
                all = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, part.bodyEnd()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            byte[] decoded = EmailView.decode(all, part);
            if (decoded == null) decoded = EmailView.slice(all, part);
            return Optional.of(new Blob(new ByteArrayInputStream(decoded), decoded.length, part.type() + "/" + part.subtype()));
        }
        return Optional.empty();
    }

    private Mailbox mailbox(Account a, MessageInfo m) {
        return MailboxMethods.own(svc, a).stream().filter(x -> x.id() == m.mailboxId()).findFirst()
                .orElseThrow(() -> new org.postiljon.mailbox.api.MailboxException.NoSuchMailbox("#" + m.mailboxId()));
    }

    /** The user's own mailboxes by key. */
    static Map<Long, Mailbox> byKey(JmapServices svc, Account a) {
        return MailboxMethods.own(svc, a).stream().collect(Collectors.toMap(Mailbox::id, Function.identity()));
    }
}
