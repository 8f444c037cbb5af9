package org.postiljon.smtp;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.List;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.SigningKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a delivery status notification to a message's sender: into the INBOX when the sender is
 * local, else through the outbound queue with the null sender, DKIM-signed (when not signed yet)
 * with the key of its From domain or that domain's nearest parent with a key, so that a notice
 * from MAILER-DAEMON@mx.example.org aligns with example.org's DMARC record. Never to the null
 * sender (RFC 3461 §6.2: no notices about notices).
 *
 * @param keys the local domains' signing keys; null: notices leave unsigned
 */
record Reports(Directory directory, Messages messages, OutboundQueue queue, Runnable queued, SigningKeys keys) {

    private static final Logger log = LoggerFactory.getLogger(Reports.class);

    void send(String sender, byte[] report) {
        if (sender.isEmpty()) return;
        EmailAddress to;
        try {
            to = EmailAddress.parse(sender);
        } catch (RuntimeException e) {
            log.warn("no delivery report for sender {}: not an address", sender);
            return;
        }
        Directory.Targets local = directory.targets(to);
        if (local.localDomain()) {
            for (Account a : local.accounts()) {
                messages.append(a, MailboxName.INBOX, new ByteArrayInputStream(report), Flags.NONE, Instant.now());
            }
        } else {
            queue.enqueue("", OutboundQueue.Dsn.NONE, List.of(OutboundQueue.Target.of(sender)), new ByteArrayInputStream(signed(report)));
            queued.run();
        }
    }

    /** The notice with a DKIM-Signature on top, when it has none and a key is found for its From domain. */
    private byte[] signed(byte[] notice) {
        if (keys == null || startsWith(notice, "DKIM-Signature:")) return notice;
        String from = fromDomain(notice);
        // The From domain, then its parents down to two labels: mx.example.org signs with example.org's key.
        for (String d = from; d != null && d.indexOf('.') > 0; d = d.indexOf('.') == d.lastIndexOf('.') ? null : d.substring(d.indexOf('.') + 1)) {
            String domain = d;
            String field = DkimSigning.field(keys, domain, () -> new ByteArrayInputStream(notice));
            if (field.isEmpty()) continue;
            byte[] f = field.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] out = new byte[f.length + notice.length];
            System.arraycopy(f, 0, out, 0, f.length);
            System.arraycopy(notice, 0, out, f.length, notice.length);
            return out;
        }
        if (from != null && UNSIGNED.add(from)) {
            log.warn("notices from {} leave unsigned: neither it nor a parent domain has a DKIM key (postiljon dkim add DOMAIN); "
                    + "a DMARC policy may have them refused (logged once)", from);
        }
        return notice;
    }

    /** From domains already reported as having no key. */
    private static final java.util.Set<String> UNSIGNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static boolean startsWith(byte[] b, String prefix) {
        return b.length >= prefix.length()
                && new String(b, 0, prefix.length(), java.nio.charset.StandardCharsets.ISO_8859_1).equalsIgnoreCase(prefix);
    }

    /** The domain of the From field's address in the notice's header; null when there is none. */
    static String fromDomain(byte[] notice) {
        String text = new String(notice, 0, Math.min(notice.length, 64 * 1024), java.nio.charset.StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        for (String line : (end < 0 ? text : text.substring(0, end)).split("\r\n")) {
            if (!line.regionMatches(true, 0, "From:", 0, 5)) continue;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("@([A-Za-z0-9.-]+)").matcher(line);
            return m.find() ? m.group(1).toLowerCase(java.util.Locale.ROOT) : null;
        }
        return null;
    }
}
