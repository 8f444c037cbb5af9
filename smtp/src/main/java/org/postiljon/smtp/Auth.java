package org.postiljon.smtp;

import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;
import org.postiljon.net.Sasl;
import org.postiljon.net.SaslStep;

/** AUTH, RFC 4954 (submission only): PLAIN and LOGIN after TLS (or on loopback when allowed), SCRAM-SHA-256 always. */
final class Auth implements Command {

    private static final int MAX_STEPS = 5;

    @Override
    public void run(Session s, String args) throws IOException {
        if (s.helo == null || !s.esmtp) throw SmtpError.sequence("EHLO first");
        if (s.account != null) throw SmtpError.sequence("already authenticated"); // §4
        if (s.envelope != null) throw SmtpError.sequence("AUTH is not allowed during a mail transaction");
        String[] parts = args.strip().split(" ", 2);
        String name = parts[0];
        boolean plaintext = org.postiljon.net.Sasl.needsPrivacy(name);
        if (plaintext && !s.plaintextAllowed()) throw new SmtpError(538, "5.7.11", "encryption required for " + Session.printable(name));
        Sasl.Mechanism m = s.services.sasl().mechanism(name)
                .orElseThrow(() -> new SmtpError(504, "5.5.4", "unsupported mechanism " + Session.printable(name)));
        byte[] initial = parts.length < 2 ? null : parts[1].equals("=") ? new byte[0] : decode(parts[1]);
        try {
            s.services.throttle().refuseIfBlocked(s.remoteIp());
        } catch (org.postiljon.net.AuthThrottle.Refused r) {
            throw refused(r);
        }
        SaslStep step = m.start(initial);
        for (int i = 0; step instanceof SaslStep.Challenge c; i++) {
            if (i >= MAX_STEPS) throw SmtpError.syntax("too many SASL steps");
            s.reply(334, null, Base64.getEncoder().encodeToString(c.data()));
            String line = s.readLine();
            if (line.equals("*")) throw new SmtpError(501, "5.7.0", "authentication cancelled"); // §4
            step = m.next(decode(line));
        }
        SaslStep outcome = step;
        String user = outcome instanceof SaslStep.Failure f ? f.username() : ((SaslStep.Success) outcome).account().address().toString();
        Account a;
        try {
            a = s.services.throttle().attempt(s.remoteIp(), user,
                            () -> outcome instanceof SaslStep.Success ok ? Optional.of(ok.account()) : Optional.<Account>empty())
                    .orElseThrow(() -> new SmtpError(535, "5.7.8", "authentication credentials invalid"));
        } catch (org.postiljon.net.AuthThrottle.Refused r) {
            throw refused(r);
        }
        byte[] extra = ((SaslStep.Success) outcome).additional();
        if (extra.length > 0) {
            // SCRAM's server-final message: one more 334, answered by an empty line (RFC 4954 §4).
            s.reply(334, null, Base64.getEncoder().encodeToString(extra));
            s.readLine();
        }
        s.account = a;
        s.connection().signedIn(a.address().toString());
        s.reply(235, "2.7.0", "authentication successful");
    }

    /** RFC 4954 §6: 454 4.7.0, a temporary authentication failure. */
    private static SmtpError refused(org.postiljon.net.AuthThrottle.Refused r) {
        return new SmtpError(454, "4.7.0", r.getMessage() + "; try again in " + r.minutes() + " minutes");
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64.strip());
        } catch (IllegalArgumentException e) {
            throw new SmtpError(501, "5.5.2", "invalid base64");
        }
    }
}
