package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxName;

/** DELETE, RFC 9051 §6.3.5. */
final class Delete implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName name = s.mailboxName(in.astringBytes());
        in.end();
        if (s.selected != null && s.selected.mailbox.name().equals(name)) s.close();
        s.services().mailboxes().delete(s.account, name);
        s.ok(tag, "DELETE completed", true);
    }
}
