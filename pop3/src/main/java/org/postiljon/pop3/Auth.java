package org.postiljon.pop3;

import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import org.postiljon.mailbox.api.Account;
import org.postiljon.net.Sasl;
import org.postiljon.net.SaslStep;

/** AUTH, RFC 5034, with an initial response; without arguments it lists the mechanisms (as RFC 1734 clients ask). */
final class Auth implements Command {

    private static final int MAX_STEPS = 5;

    @Override
    public void run(Session s, String args) throws IOException {
        if (args.isBlank()) {
            s.ok("mechanisms follow");
            for (String m : s.services().sasl().mechanisms(s.plaintextAllowed())) s.line(m);
            s.end();
            return;
        }
        String[] parts = args.strip().split(" ", 2);
        String name = parts[0];
        boolean plaintext = org.postiljon.net.Sasl.needsPrivacy(name);
        if (plaintext && !s.plaintextAllowed()) throw new Pop3Error("AUTH", name + " is disallowed without TLS; use STLS first");
        Sasl.Mechanism m = s.services().sasl().mechanism(name)
                .orElseThrow(() -> new Pop3Error("unsupported mechanism " + Session.printable(name)));
        // RFC 5034 §4: "=" is an empty initial response.
        byte[] initial = parts.length < 2 ? null : parts[1].equals("=") ? new byte[0] : decode(parts[1]);
        try {
            s.services().throttle().refuseIfBlocked(s.connection().remoteIp());
        } catch (org.postiljon.net.AuthThrottle.Refused r) {
            throw refused(r);
        }
        SaslStep step = m.start(initial);
        for (int i = 0; step instanceof SaslStep.Challenge c; i++) {
            if (i >= MAX_STEPS) throw new Pop3Error("too many SASL steps");
            s.line("+ " + Base64.getEncoder().encodeToString(c.data()));
            String line = s.readLine();
            if (line.equals("*")) throw new Pop3Error("authentication cancelled"); // RFC 5034 §4
            step = m.next(decode(line));
        }
        SaslStep outcome = step;
        String user = outcome instanceof SaslStep.Failure f ? f.username() : ((SaslStep.Success) outcome).account().address().toString();
        Account a = check(s, user, () -> outcome instanceof SaslStep.Success ok ? Optional.of(ok.account()) : Optional.empty());
        byte[] extra = ((SaslStep.Success) outcome).additional();
        if (extra.length > 0) {
            // RFC 5034 §4: no data with the +OK; SCRAM's server-final goes as a challenge answered by an empty line.
            s.line("+ " + Base64.getEncoder().encodeToString(extra));
            s.readLine();
        }
        s.loggedIn(a);
    }

    /** Waits out the failed-login delay, checks, counts a failure (RFC 3206 [AUTH]); shared with PASS. */
    static Account check(Session s, String user, Supplier<Optional<Account>> attempt) {
        try {
            return s.services().throttle().attempt(s.connection().remoteIp(), user, attempt)
                    .orElseThrow(() -> new Pop3Error("AUTH", "invalid credentials"));
        } catch (org.postiljon.net.AuthThrottle.Refused r) {
            throw refused(r);
        }
    }

    /** RFC 3206 SYS/TEMP: a temporary refusal. */
    static Pop3Error refused(org.postiljon.net.AuthThrottle.Refused r) {
        return new Pop3Error("SYS/TEMP", r.getMessage() + "; try again in " + r.minutes() + " minutes");
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64.strip());
        } catch (IllegalArgumentException e) {
            throw new Pop3Error("invalid base64 in SASL response");
        }
    }
}
