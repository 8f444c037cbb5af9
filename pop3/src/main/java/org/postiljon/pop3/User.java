package org.postiljon.pop3;

import java.io.IOException;

/** USER, RFC 1939 §7; only where plaintext passwords are allowed (RFC 2595 §4). */
final class User implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        if (!s.plaintextAllowed()) throw new Pop3Error("AUTH", "plaintext authentication is disallowed without TLS; use STLS first");
        if (args.isBlank() || args.length() > 320) throw new Pop3Error("USER needs a user name");
        s.user = args.strip();
        s.ok("send PASS");
    }
}
