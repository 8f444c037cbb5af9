package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxName;

/** RENAME, RFC 9051 §6.3.6 (subtrees move along; INBOX's messages move to the new name). */
final class Rename implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName from = s.mailboxName(in.astringBytes());
        in.sp();
        MailboxName to = s.mailboxName(in.astringBytes());
        in.end();
        s.services().mailboxes().rename(s.account, from, to);
        s.ok(tag, "RENAME completed", true);
    }
}
