package org.postiljon.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.StagedMessage;
import org.postiljon.mailbox.api.Submission;

/**
 * Submission without an SMTP session (JMAP EmailSubmission): the rules of the submission port
 * (RFC 6409) with the same recipient resolution, quota checks, local delivery and outbound queue
 * as {@link Delivery}, so a message sent from the webmail and one sent from a mail program travel
 * alike.
 */
public final class LocalSubmission implements Submission {

    private final SmtpServices svc;

    public LocalSubmission(SmtpServices svc) {
        this.svc = svc;
    }

    @Override
    public List<Outcome> submit(Account user, String mailFrom, List<String> recipients, InputStream message) {
        EmailAddress sender;
        try {
            sender = EmailAddress.parse(mailFrom);
        } catch (MailboxException.InvalidName e) {
            throw new MailboxException.NotAllowed("bad sender address: " + e.getMessage());
        }
        // RFC 6409 §8.1 (as Mail does for the submission port): only the user's own addresses.
        if (!sender.equals(user.address()) && !svc.directory().resolve(sender).contains(user.address())) {
            throw new MailboxException.NotAllowed("you may not send as " + sender + "; use one of your own addresses");
        }
        if (recipients.isEmpty()) throw new MailboxException.NotAllowed("no recipients");
        if (recipients.size() > svc.limits().maxRecipients()) {
            throw new MailboxException.NotAllowed("more than " + svc.limits().maxRecipients() + " recipients");
        }
        List<Outcome> out = new ArrayList<>();
        List<OutboundQueue.Target> remote = new ArrayList<>();
        try (Spool spool = new Spool(svc.spool())) {
            message.transferTo(spool.output());
            if (spool.size() > svc.limits().maxMessageBytes()) {
                throw new MailboxException.TooBig(svc.limits().maxMessageBytes());
            }
            Set<Long> done = new HashSet<>();
            for (String given : recipients) {
                EmailAddress to;
                try {
                    to = EmailAddress.parse(given);
                } catch (MailboxException.InvalidName e) {
                    out.add(new Outcome(given, Outcome.Status.REFUSED, "bad recipient address: " + e.getMessage()));
                    continue;
                }
                if (!svc.directory().isLocal(to.domain())) {
                    remote.add(OutboundQueue.Target.of(to.toString()));
                    out.add(new Outcome(given, Outcome.Status.QUEUED, null));
                    continue;
                }
                Envelope.Recipient r = Delivery.resolve(svc, given, to);
                if (r == null) {
                    out.add(new Outcome(given, Outcome.Status.REFUSED, "no such user here"));
                    continue;
                }
                out.add(deliver(sender, r, spool, done));
            }
            if (!remote.isEmpty()) {
                svc.queue().enqueue(sender.toString(), OutboundQueue.Dsn.NONE, remote,
                        new SequenceInputStream(new ByteArrayInputStream(received(null).getBytes(StandardCharsets.UTF_8)), spool.open()));
                svc.queued().run();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    private Outcome deliver(EmailAddress sender, Envelope.Recipient r, Spool spool, Set<Long> done) {
        try {
            for (Account a : r.accounts()) {
                if (!done.add(a.id())) continue;
                String trace = "Return-Path: <" + sender + ">\r\nDelivered-To: " + r.address() + "\r\n" + received(r.address());
                InputStream content = new SequenceInputStream(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)), spool.open());
                StagedMessage staged = svc.messages().stage(content, Flags.NONE, java.time.Instant.now());
                svc.messages().appendAll(a, MailboxName.of(r.folder()), List.of(staged));
            }
            return new Outcome(r.address(), Outcome.Status.DELIVERED, null);
        } catch (MailboxException.OverQuota e) {
            return new Outcome(r.address(), Outcome.Status.REFUSED, Delivery.quotaError(e, r.address()).getMessage());
        }
    }

    private String received(String recipient) {
        String id = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
        return "Received: by " + svc.hostname() + " (Postiljon) with HTTPS id " + id
                + (recipient == null ? "" : "\r\n\tfor <" + recipient + ">") + ";\r\n\t"
                + DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n";
    }
}
