package org.postiljon.imap;

import org.junit.jupiter.api.Test;

class SessionTest extends ImapTranscriptTest {

    @Test
    void greetingCapabilityAndLogin() throws Exception {
        run("""
            S1: * OK [CAPABILITY IMAP4rev1 IMAP4rev2 STARTTLS AUTH=PLAIN AUTH=SCRAM-SHA-256 SASL-IR LITERAL+ ENABLE ID] Postiljon IMAP ready
            C1: a1 LOGIN alice@example.org "correct horse battery"
            S1: a1 OK [CAPABILITY IMAP4rev1 IMAP4rev2 LITERAL+ *
            C1: a2 NOOP
            S1: a2 OK NOOP completed
            C1: a3 LOGOUT
            S1: * BYE logging out
            S1: a3 OK LOGOUT completed
            """);
    }
}
