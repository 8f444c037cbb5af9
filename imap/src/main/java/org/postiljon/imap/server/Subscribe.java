package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxName;

/** SUBSCRIBE and UNSUBSCRIBE, RFC 9051 §6.3.7-8. */
final class Subscribe implements Command {

    private final boolean subscribe;

    Subscribe(boolean subscribe) {
        this.subscribe = subscribe;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName name = s.mailboxName(in.astringBytes());
        in.end();
        if (subscribe) {
            s.services().mailboxes().get(s.account, name); // §6.3.7: only existing mailboxes may be subscribed
            s.services().mailboxes().subscribe(s.account, name);
        } else {
            s.services().mailboxes().unsubscribe(s.account, name);
        }
        s.ok(tag, (subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE") + " completed", true);
    }
}
