package org.postiljon.pop3;

import java.io.IOException;
import java.io.InputStream;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;

/** RETR, RFC 1939 §5: the whole message, streamed from the store, dot-stuffed. */
final class Retr implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        int n = s.maildrop.live(args);
        send(s, s.maildrop.at(n), -1);
        s.maildrop.retrieved(n);
    }

    /** Shared with TOP: the size line, then the message (or its head) as a multi-line response. */
    static void send(Session s, MessageInfo m, long bodyLines) throws IOException {
        InputStream content;
        try {
            content = s.services().messages().open(s.account, MailboxName.INBOX, m.uid());
        } catch (MailboxException.NotAllowed e) {
            // Expunged over IMAP since this session's snapshot: the bytes are gone with it.
            throw new Pop3Error("message was deleted by another session");
        }
        try (content) {
            s.ok(bodyLines < 0 ? m.size() + " octets" : "top of message follows");
            s.message(content, bodyLines);
        }
    }
}
