package org.postiljon.imap.server;

import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.Account;
import org.postiljon.net.Sasl;
import org.postiljon.net.SaslStep;

/** AUTHENTICATE, RFC 9051 §6.2.2, with SASL-IR (RFC 4959). */
final class Authenticate implements Command {

    private static final int MAX_STEPS = 5;

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        String name = in.atom();
        byte[] initial = null;
        if (in.skip(' ')) {
            String ir = in.atom();
            initial = ir.equals("=") ? new byte[0] : decode(ir);
        }
        in.end();
        boolean plaintext = org.postiljon.net.Sasl.needsPrivacy(name);
        if (plaintext && !s.plaintextAllowed()) throw new CommandFailed("PRIVACYREQUIRED", name + " is disabled before STARTTLS");
        Sasl.Mechanism m = s.services().sasl().mechanism(name)
                .orElseThrow(() -> new CommandFailed("CANNOT", "unsupported mechanism " + name));
        try {
            s.services().throttle().refuseIfBlocked(s.connection().remoteIp());
        } catch (org.postiljon.net.AuthThrottle.Refused r) {
            throw Login.refused(r);
        }
        SaslStep[] step = {m.start(initial)};
        for (int i = 0; step[0] instanceof SaslStep.Challenge c; i++) {
            if (i >= MAX_STEPS) throw new BadSyntax("too many SASL steps");
            s.out().raw("+ " + Base64.getEncoder().encodeToString(c.data())).crlf();
            s.out().flush();
            String line = s.in().rawLine();
            if (line == null) throw new java.io.EOFException();
            if (line.equals("*")) throw new BadSyntax("authentication cancelled"); // RFC 9051 §6.2.2
            step[0] = m.next(decode(line));
        }
        String user = step[0] instanceof SaslStep.Failure f ? f.username() : ((SaslStep.Success) step[0]).account().address().toString();
        Optional<Account> a = Login.check(s, user, () -> step[0] instanceof SaslStep.Success ok ? Optional.of(ok.account()) : Optional.empty());
        byte[] extra = ((SaslStep.Success) step[0]).additional();
        s.loggedIn(a.orElseThrow());
        if (extra.length > 0) {
            // SCRAM's server-final message: sent as one more challenge, answered with an empty line.
            s.out().raw("+ " + Base64.getEncoder().encodeToString(extra)).crlf();
            s.out().flush();
            if (s.in().rawLine() == null) throw new java.io.EOFException();
        }
        s.out().tagged(tag, "OK", "CAPABILITY " + s.capabilities(), "AUTHENTICATE completed");
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new BadSyntax("invalid base64 in SASL response");
        }
    }
}
