package org.postiljon.pop3;

import java.io.IOException;

/** PASS, RFC 1939 §7: the rest of the line is the password (it may contain spaces). */
final class Pass implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        if (!s.plaintextAllowed()) throw new Pop3Error("AUTH", "plaintext authentication is disallowed without TLS; use STLS first");
        String user = s.user;
        if (user == null) throw new Pop3Error("USER first");
        s.user = null;
        char[] password = args.toCharArray();
        s.loggedIn(Auth.check(s, user, () -> s.services().directory().authenticate(user, password, org.postiljon.mailbox.api.AppPasswords.Scope.POP3)));
        java.util.Arrays.fill(password, '\0');
    }
}
