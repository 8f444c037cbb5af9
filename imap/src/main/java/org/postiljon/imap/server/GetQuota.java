package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Quota;

/**
 * GETQUOTA and GETQUOTAROOT, RFC 9208 §4.1.1-2. Every account is one quota root: {@code ""} for
 * the user's own, {@code #user/ADDRESS} for an account whose shared folders the user sees.
 */
final class GetQuota implements Command {

    private final boolean byMailbox;

    GetQuota(boolean byMailbox) {
        this.byMailbox = byMailbox;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        byte[] arg = in.astringBytes();
        in.end();
        var quotas = s.services().quotas();
        if (byMailbox) {
            MailboxName name = s.mailboxName(arg);
            Quota q = quotas.rootOf(s.account, name);
            s.out().raw("* QUOTAROOT ").string(s.wireName(name)).raw(" ").string(q.root()).crlf();
            write(s, q);
            s.ok(tag, "GETQUOTAROOT completed", true);
        } else {
            write(s, quotas.root(s.account, new String(arg, java.nio.charset.StandardCharsets.UTF_8)));
            s.ok(tag, "GETQUOTA completed", true);
        }
    }

    /** RFC 9208 §4.2.1: resources without a limit are left out; STORAGE counts units of 1024 octets (§5.1). */
    static void write(Session s, Quota q) throws IOException {
        StringBuilder b = new StringBuilder();
        if (q.limits().storageBytes().isPresent()) {
            b.append("STORAGE ").append((q.usage().bytes() + 1023) / 1024).append(' ').append(q.limits().storageBytes().getAsLong() / 1024);
        }
        if (q.limits().messages().isPresent()) {
            if (!b.isEmpty()) b.append(' ');
            b.append("MESSAGE ").append(q.usage().messages()).append(' ').append(q.limits().messages().getAsLong());
        }
        s.out().raw("* QUOTA ").string(q.root()).raw(" (" + b + ")").crlf();
    }
}
