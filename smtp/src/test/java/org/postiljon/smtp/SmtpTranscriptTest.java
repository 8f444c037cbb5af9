package org.postiljon.smtp;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.testkit.Transcript;

/** Base of SMTP transcript tests: a fresh server with alice@ and bob@example.org; connection 1 is MX. */
abstract class SmtpTranscriptTest {

    @TempDir
    Path dir;
    SmtpTestServer server;
    Account alice;
    Account bob;
    Transcript t;

    @BeforeEach
    void start() throws Exception {
        server = new SmtpTestServer(dir);
        alice = server.account("alice@example.org");
        bob = server.account("bob@example.org");
        t = new Transcript(SmtpTestServer.port(server.mx));
    }

    @AfterEach
    void stop() throws Exception {
        t.close();
        server.close();
    }

    void run(String script) throws Exception {
        t.run(script);
    }

    List<MessageInfo> inbox(Account a) {
        return server.model.messages().list(a, MailboxName.INBOX, UidSet.ALL);
    }

    String text(Account a, MessageInfo m) throws Exception {
        try (var in = server.model.messages().open(a, MailboxName.INBOX, m.uid())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The EHLO reply of the MX port on connection n. */
    static String ehloMx(int n) {
        return """
            S%1$d: 220 mx.example.org ESMTP Postiljon ready
            C%1$d: EHLO client.example.net
            S%1$d: 250-mx.example.org greets client.example.net
            S%1$d: 250-PIPELINING
            S%1$d: 250-SIZE 52428800
            S%1$d: 250-8BITMIME
            S%1$d: 250-ENHANCEDSTATUSCODES
            S%1$d: 250-SMTPUTF8
            S%1$d: 250-CHUNKING
            S%1$d: 250-BINARYMIME
            S%1$d: 250-DSN
            S%1$d: 250 STARTTLS
            """.formatted(n);
    }

    /** The greeting and EHLO reply of the submission port (plain, before AUTH) on connection n. */
    static String ehloSubmission(int n) {
        return """
            S%1$d: 220 mx.example.org ESMTP Postiljon ready
            C%1$d: EHLO laptop
            S%1$d: 250-mx.example.org greets laptop
            S%1$d: 250-PIPELINING
            S%1$d: 250-SIZE 52428800
            S%1$d: 250-8BITMIME
            S%1$d: 250-ENHANCEDSTATUSCODES
            S%1$d: 250-SMTPUTF8
            S%1$d: 250-CHUNKING
            S%1$d: 250-BINARYMIME
            S%1$d: 250-DSN
            S%1$d: 250-STARTTLS
            S%1$d: 250 AUTH PLAIN LOGIN SCRAM-SHA-256
            """.formatted(n);
    }
}
