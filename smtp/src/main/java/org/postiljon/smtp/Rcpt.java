package org.postiljon.smtp;

import java.io.IOException;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.OutboundQueue;

/**
 * RCPT TO, RFC 5321 §4.1.1.3. Only local recipients are taken over MX and LMTP: this server is
 * never a relay, whatever the address looks like — source routes are dropped, {@code %} and
 * quoted or doubled {@code @} are not routing syntax here, only the domain after the last
 * {@code @} decides.
 */
final class Rcpt implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        if (s.envelope == null) throw SmtpError.sequence("MAIL first");
        if (s.envelope.recipients().size() >= s.services.limits().maxRecipients()) {
            throw new SmtpError(452, "4.5.3", "too many recipients; send the rest in another message"); // §4.5.3.1.10
        }
        Paths.Parsed p = Paths.parse(args, "TO");
        String notify = null, orcpt = null;
        for (var e : p.params().entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "NOTIFY" -> { // RFC 3461 §4.1: NEVER, or any of SUCCESS, FAILURE, DELAY
                    if (v == null || !(v.equalsIgnoreCase("NEVER") || v.toUpperCase(java.util.Locale.ROOT).matches("(SUCCESS|FAILURE|DELAY)(,(SUCCESS|FAILURE|DELAY)){0,2}"))) {
                        throw SmtpError.syntax("NOTIFY is NEVER or a list of SUCCESS, FAILURE, DELAY");
                    }
                    notify = v.toUpperCase(java.util.Locale.ROOT);
                }
                case "ORCPT" -> { // RFC 3461 §4.2: addr-type ";" xtext
                    int semi = v == null ? -1 : v.indexOf(';');
                    if (semi <= 0 || v.length() > 500 || !Xtext.printable(v.substring(semi + 1))
                            || !v.substring(0, semi).matches("[A-Za-z0-9-]{1,40}")) throw SmtpError.syntax("ORCPT is addr-type;xtext, printable once decoded");
                    orcpt = v;
                }
                default -> throw new SmtpError(555, "5.5.4", "unsupported parameter " + Session.printable(e.getKey()));
            }
        }
        String path = p.path();
        if (path.isEmpty()) throw SmtpError.syntax("empty recipient");
        if (!Paths.isAscii(path) && !s.envelope.params().containsKey("SMTPUTF8")) {
            throw new SmtpError(553, "5.6.7", "a UTF-8 address needs SMTPUTF8 on MAIL");
        }
        EmailAddress to;
        try {
            // §4.5.1: "postmaster" without a domain must be accepted.
            to = path.equalsIgnoreCase("postmaster")
                    ? s.services.deliveries().postmaster().orElseThrow(() -> new SmtpError(550, "5.1.1", "no local domain for postmaster"))
                    : EmailAddress.parse(path);
        } catch (MailboxException.InvalidName e) {
            throw new SmtpError(501, "5.1.3", "bad recipient address: " + e.getMessage());
        }
        // One read for a local recipient; only without a route does locality decide the answer.
        Deliveries.Route route = s.services.deliveries().route(to).orElse(null);
        if (route == null) {
            if (s.services.directory().isLocal(to.domain())) {
                // A bounce (or reply) to the SRS address a forwarded message left with: sent on to its sender.
                java.util.Optional<String> original = s.mode == Mode.MX ? s.services.srs().reverse(to.localPart(), java.time.Instant.now())
                        : java.util.Optional.empty();
                EmailAddress back;
                try {
                    back = EmailAddress.parse(original.orElseThrow(() -> new SmtpError(550, "5.1.1", "no such user here")));
                } catch (MailboxException.InvalidName e) {
                    throw new SmtpError(550, "5.1.1", "no such user here");
                }
                s.envelope.recipients().add(Envelope.Recipient.remote(back.toString(), new OutboundQueue.Target(back.toString(), notify, orcpt)));
                s.reply(250, "2.1.5", "recipient OK, will be returned to the sender of the forwarded message");
                return;
            }
            switch (s.mode) {
                case MX -> throw new SmtpError(554, "5.7.1", "relay access denied: " + DomainName.of(to.domain().ascii()).ascii() + " is not a domain of this server");
                case LMTP -> throw new SmtpError(550, "5.1.1", "not a local address");
                case SUBMISSION -> {
                    // Relaying for an authenticated user: the outbound queue takes it after DATA, within the account's limits.
                    if (s.outgoing == null) s.outgoing = s.services.sendingLimits().outgoing(s.account);
                    java.util.Optional<String> refused = s.outgoing.admit(to);
                    // RFC 3463 X.4.5 as the large providers use it for a user's daily sending quota.
                    if (refused.isPresent()) throw new SmtpError(550, "5.4.5", "<" + to + "> not accepted: " + refused.get());
                    s.envelope.recipients().add(Envelope.Recipient.remote(to.toString(), new OutboundQueue.Target(to.toString(), notify, orcpt)));
                    s.reply(250, "2.1.5", "recipient OK, will be relayed");
                    return;
                }
            }
        }
        Envelope.Recipient r = new Envelope.Recipient(path, route, new OutboundQueue.Target(path, notify, orcpt));
        overQuota(s, r);
        s.envelope.recipients().add(r);
        s.reply(250, "2.1.5", "recipient OK");
    }

    /**
     * RFC 3463 §3.3: a full mailbox is refused at RCPT already (452 4.2.2), or for good (552 5.2.2)
     * when the declared SIZE alone exceeds the quota; the check after DATA (Delivery) is the exact one.
     * A recipient that leads to several accounts is refused only when none of them has room.
     */
    private static void overQuota(Session s, Envelope.Recipient r) {
        String declared = s.envelope.params().get("SIZE");
        long size = Math.max(1, declared == null ? 0 : Long.parseLong(declared));
        MailboxException.OverQuota last = null;
        for (Account a : r.route().accounts()) {
            try {
                s.services.quotas().checkDelivery(a, size);
                return;
            } catch (MailboxException.OverQuota e) {
                last = e;
            }
        }
        if (last != null) throw Delivery.quotaError(last, r.address());
    }
}
