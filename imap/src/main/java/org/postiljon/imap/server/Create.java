package org.postiljon.imap.server;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxId;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.SpecialUse;

/** CREATE, RFC 9051 §6.3.4; USE is RFC 6154 §3. */
final class Create implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName name = s.mailboxName(in.astringBytes());
        Set<SpecialUse> use = EnumSet.noneOf(SpecialUse.class);
        if (in.skip(' ')) {
            in.expect('(');
            if (!in.atom().equalsIgnoreCase("USE")) throw new BadSyntax("unknown CREATE parameter");
            in.sp();
            in.expect('(');
            while (!in.skip(')')) {
                if (!use.isEmpty()) in.sp();
                String attr = in.flag();
                use.add(SpecialUse.fromAttribute(attr)
                        .orElseThrow(() -> new CommandFailed("USEATTR", "unknown special use " + attr.toLowerCase(Locale.ROOT))));
            }
            in.expect(')');
        }
        in.end();
        if (use.size() > 1) throw new CommandFailed("USEATTR", "one special use per mailbox");
        // §6.3.4: a trailing separator only says the mailbox will get children (MailboxName.of drops it).
        var created = s.services().mailboxes().create(s.account, name, use);
        s.ok(tag, "[MAILBOXID (" + MailboxId.of(created) + ")] CREATE completed", true); // RFC 8474 §4.1
    }
}
