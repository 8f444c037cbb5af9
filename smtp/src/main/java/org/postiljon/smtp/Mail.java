package org.postiljon.smtp;

import java.io.IOException;
import java.util.Map;
import org.postiljon.mailbox.api.EmailAddress;

/** MAIL FROM, RFC 5321 §4.1.1.2, with SIZE (RFC 1870), BODY (RFC 6152, 3030), SMTPUTF8 (RFC 6531). */
final class Mail implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        if (s.helo == null) throw SmtpError.sequence((s.mode == Mode.LMTP ? "LHLO" : "EHLO") + " first");
        if (s.envelope != null) throw SmtpError.sequence("nested MAIL command");
        // RFC 6409 §4.3 / RFC 4954 §6: submission needs an authenticated user.
        if (s.mode == Mode.SUBMISSION && s.account == null) throw new SmtpError(530, "5.7.0", "authentication required");
        Paths.Parsed p = Paths.parse(args, "FROM");
        for (Map.Entry<String, String> e : p.params().entrySet()) {
            String v = e.getValue();
            switch (e.getKey()) {
                case "SIZE" -> {
                    if (v == null || !v.matches("[0-9]{1,40}")) throw SmtpError.syntax("SIZE needs a number");
                    // More than 18 digits would overflow a long: larger than any limit anyway.
                    if (v.length() > 18 || Long.parseLong(v) > s.services.limits().maxMessageBytes()) {
                        throw new SmtpError(552, "5.3.4", "message too big; the limit is " + s.services.limits().maxMessageBytes() + " bytes");
                    }
                }
                case "BODY" -> {
                    if (v == null || !(v.equalsIgnoreCase("7BIT") || v.equalsIgnoreCase("8BITMIME") || v.equalsIgnoreCase("BINARYMIME"))) {
                        throw SmtpError.syntax("BODY is 7BIT, 8BITMIME or BINARYMIME");
                    }
                }
                case "SMTPUTF8" -> {
                    if (v != null) throw SmtpError.syntax("SMTPUTF8 takes no value");
                }
                case "AUTH" -> { } // RFC 4954 §5: the original submitter; not needed here
                case "RET" -> { // RFC 3461 §4.3
                    if (v == null || !(v.equalsIgnoreCase("FULL") || v.equalsIgnoreCase("HDRS"))) throw SmtpError.syntax("RET is FULL or HDRS");
                }
                case "ENVID" -> { // RFC 3461 §4.4
                    if (v == null || v.isEmpty() || v.length() > 100 || !Xtext.printable(v)) throw SmtpError.syntax("ENVID must be 1-100 characters of xtext, printable once decoded");
                }
                default -> throw new SmtpError(555, "5.5.4", "unsupported parameter " + Session.printable(e.getKey()));
            }
        }
        String from = p.path();
        if (!from.isEmpty()) {
            if (!Paths.isAscii(from) && !p.params().containsKey("SMTPUTF8")) {
                throw new SmtpError(553, "5.6.7", "a UTF-8 address needs the SMTPUTF8 parameter"); // RFC 6531 §3.4
            }
            EmailAddress sender;
            try {
                sender = EmailAddress.parse(from);
            } catch (org.postiljon.mailbox.api.MailboxException.InvalidName e) {
                throw new SmtpError(553, "5.1.7", "bad sender address: " + e.getMessage());
            }
            if (s.mode == Mode.SUBMISSION && !owns(s.services, s.account, sender)) {
                throw new SmtpError(553, "5.7.1", "you may not send as " + sender + "; use one of your own addresses");
            }
        } else if (s.mode == Mode.SUBMISSION) {
            throw new SmtpError(553, "5.7.1", "users may not send with the null sender");
        }
        s.envelope = new Envelope(from, p.params());
        s.reply(250, "2.1.0", "sender OK");
    }

    /** RFC 6409 §8.1: who may send as whom, one rule for the envelope and the header. */
    static boolean owns(SmtpServices svc, org.postiljon.mailbox.api.Account account, EmailAddress sender) {
        return svc.directory().maySendAs(account, sender);
    }
}
