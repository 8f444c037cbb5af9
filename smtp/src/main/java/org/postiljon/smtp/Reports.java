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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a delivery status notification to a message's sender: into the INBOX when the sender is
 * local, else through the outbound queue with the null sender. Never to the null sender (RFC 3461
 * §6.2: no notices about notices).
 */
record Reports(Directory directory, Messages messages, OutboundQueue queue, Runnable queued) {

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
            queue.enqueue("", OutboundQueue.Dsn.NONE, List.of(OutboundQueue.Target.of(sender)), new ByteArrayInputStream(report));
            queued.run();
        }
    }
}
