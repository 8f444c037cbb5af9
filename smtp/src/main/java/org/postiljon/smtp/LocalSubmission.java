package org.postiljon.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.SendingLimits;
import org.postiljon.mailbox.api.Submission;
import org.postiljon.mailbox.api.Submission.ForbiddenFrom;

/**
 * Submission without an SMTP session (JMAP EmailSubmission): the rules of the submission port
 * (RFC 6409) with the same routing and local delivery ({@link Deliveries}), quota checks and
 * outbound queue as the submission port, so a message sent from the webmail and one sent from a mail program travel
 * alike.
 */
public final class LocalSubmission implements Submission {

    /** The Received field: no "from" clause (no mail client connected), the protocol the message came in by. */
    private static final Deliveries.Via VIA = new Deliveries.Via(null, "HTTPS");

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
        if (!Mail.owns(svc, user, sender)) {
            throw new MailboxException.NotAllowed("you may not send as " + sender + "; use one of your own addresses");
        }
        if (recipients.isEmpty()) throw new MailboxException.NotAllowed("no recipients");
        if (recipients.size() > svc.limits().maxRecipients()) {
            throw new MailboxException.NotAllowed("more than " + svc.limits().maxRecipients() + " recipients");
        }
        List<Outcome> out = new ArrayList<>();
        List<OutboundQueue.Target> remote = new ArrayList<>();
        SendingLimits.Outgoing outgoing = svc.sendingLimits().outgoing(user);
        try (Spool spool = new Spool(svc.spool())) {
            message.transferTo(spool.output());
            spool.output().flush();
            spool.requireKept();
            if (spool.size() > svc.limits().maxMessageBytes()) {
                throw new MailboxException.TooBig(svc.limits().maxMessageBytes());
            }
            List<String> forged = Delivery.forgedSenders(svc, user, spool);
            if (!forged.isEmpty()) throw new ForbiddenFrom("you may not send as " + String.join(", ", forged) + " (From: or Sender:)");
            byte[] fixups = Delivery.submissionFixups(svc, spool); // RFC 6409 §8.2-8.3, as on the submission port
            try (Deliveries.Batch batch = Delivery.begin(svc, sender.toString(), VIA, fixups, spool)) {
                for (String given : recipients) {
                    EmailAddress to;
                    try {
                        to = EmailAddress.parse(given);
                    } catch (MailboxException.InvalidName e) {
                        out.add(new Outcome(given, Outcome.Status.REFUSED, "bad recipient address: " + e.getMessage()));
                        continue;
                    }
                    var route = svc.deliveries().route(to);
                    if (route.isEmpty()) {
                        if (svc.directory().isLocal(to.domain())) {
                            out.add(new Outcome(given, Outcome.Status.REFUSED, "no such user here"));
                        } else {
                            Optional<String> refused = outgoing.admit(to); // the account's sending limits, as on the submission port
                            if (refused.isPresent()) {
                                out.add(new Outcome(given, Outcome.Status.REFUSED, refused.get()));
                            } else {
                                remote.add(OutboundQueue.Target.of(to.toString()));
                                out.add(new Outcome(given, Outcome.Status.QUEUED, null));
                            }
                        }
                        continue;
                    }
                    try {
                        SpamFilter.Checked unchecked = SpamFilter.Checked.none(); // the user's own mail: not checked
                        List<Account> kept = SieveDelivery.deliver(svc, batch, given, route.get(), spool, sender.toString(),
                                svc.deliveries().received(VIA, given), fixups, unchecked);
                        out.add(new Outcome(given, Outcome.Status.DELIVERED, null));
                        VacationReplies.answer(svc, sender.toString(), given, kept, spool, unchecked);
                    } catch (MailboxException.OverQuota e) {
                        out.add(new Outcome(given, Outcome.Status.REFUSED, Delivery.quotaError(e, given).getMessage()));
                    }
                }
            }
            Delivery.queueRemote(svc, sender.toString(), OutboundQueue.Dsn.NONE, remote, svc.deliveries().received(VIA, null), fixups, spool);
            if (!remote.isEmpty()) outgoing.sent();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
