package org.postiljon.smtp;

import java.io.IOException;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;

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
        if (!p.params().isEmpty()) throw new SmtpError(555, "5.5.4", "unsupported parameter " + Session.printable(p.params().keySet().iterator().next()));
        String path = p.path();
        if (path.isEmpty()) throw SmtpError.syntax("empty recipient");
        if (!Paths.isAscii(path) && !s.envelope.params().containsKey("SMTPUTF8")) {
            throw new SmtpError(553, "5.6.7", "a UTF-8 address needs SMTPUTF8 on MAIL");
        }
        EmailAddress to;
        try {
            // §4.5.1: "postmaster" without a domain must be accepted.
            to = path.equalsIgnoreCase("postmaster") ? Delivery.postmaster(s.services) : EmailAddress.parse(path);
        } catch (MailboxException.InvalidName e) {
            throw new SmtpError(501, "5.1.3", "bad recipient address: " + e.getMessage());
        }
        if (!s.services.directory().isLocal(to.domain())) {
            switch (s.mode) {
                case MX -> throw new SmtpError(554, "5.7.1", "relay access denied: " + DomainName.of(to.domain().ascii()).ascii() + " is not a domain of this server");
                case LMTP -> throw new SmtpError(550, "5.1.1", "not a local address");
                case SUBMISSION -> {
                    // Relaying for an authenticated user: the outbound queue takes it after DATA.
                    s.envelope.recipients().add(Envelope.Recipient.remote(to.toString()));
                    s.reply(250, "2.1.5", "recipient OK, will be relayed");
                    return;
                }
            }
        }
        Envelope.Recipient r = Delivery.resolve(s.services, path, to);
        if (r == null) throw new SmtpError(550, "5.1.1", "no such user here");
        s.envelope.recipients().add(r);
        s.reply(250, "2.1.5", "recipient OK");
    }
}
