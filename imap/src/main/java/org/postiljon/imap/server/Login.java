package org.postiljon.imap.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.Account;

/** LOGIN, RFC 9051 §6.2.3: only over TLS (or loopback when allowed); failures are slowed. */
final class Login implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        String user = in.astring();
        in.sp();
        byte[] password = in.astringBytes();
        in.end();
        if (!s.plaintextAllowed()) throw new CommandFailed("PRIVACYREQUIRED", "LOGIN is disabled before STARTTLS");
        Optional<Account> a = check(s, user, () -> s.services().directory().authenticate(user,
                new String(password, StandardCharsets.UTF_8).toCharArray(), org.postiljon.mailbox.api.AppPasswords.Scope.IMAP));
        java.util.Arrays.fill(password, (byte) 0);
        s.loggedIn(a.orElseThrow());
        s.out().tagged(tag, "OK", "CAPABILITY " + s.capabilities(), "LOGIN completed");
    }

    /** Waits out the throttle's delay, checks, counts a failure; shared with AUTHENTICATE. */
    static Optional<Account> check(Session s, String user, java.util.function.Supplier<Optional<Account>> attempt) {
        Optional<Account> a;
        try {
            a = s.services().throttle().attempt(s.connection().remoteIp(), user, attempt);
        } catch (org.postiljon.net.AuthThrottle.Refused r) {
            throw refused(r);
        }
        if (a.isEmpty()) throw new CommandFailed("AUTHENTICATIONFAILED", "invalid credentials");
        return a;
    }

    /** RFC 5530 UNAVAILABLE: a temporary refusal, the client may try again later. */
    static CommandFailed refused(org.postiljon.net.AuthThrottle.Refused r) {
        return new CommandFailed("UNAVAILABLE", r.getMessage() + "; try again in " + r.minutes() + " minutes");
    }
}
