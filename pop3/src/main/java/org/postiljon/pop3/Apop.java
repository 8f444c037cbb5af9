package org.postiljon.pop3;

import java.io.IOException;

/**
 * APOP, RFC 1939 §7: needs the cleartext password on the server to compute MD5(timestamp +
 * password). Postiljon keeps only Argon2id hashes and SCRAM secrets, so APOP is never offered
 * (the greeting has no timestamp); AUTH SCRAM-SHA-256 gives the same protection, done properly.
 */
final class Apop implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        throw new Pop3Error("AUTH", "APOP is not available: passwords are stored hashed; use AUTH SCRAM-SHA-256");
    }
}
