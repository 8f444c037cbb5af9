package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxName;

/**
 * NAMESPACE, RFC 2342 / RFC 9051 §6.3.10: the personal namespace, other users' folders they
 * shared under "Other Users/", team mailboxes under "Shared/"; all "/" separated.
 */
final class Namespace implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.end();
        s.out().untagged("NAMESPACE ((\"\" \"/\")) ((\"" + MailboxName.OTHER_USERS + "/\" \"/\")) ((\"" + MailboxName.SHARED + "/\" \"/\"))");
        s.ok(tag, "NAMESPACE completed", true);
    }
}
