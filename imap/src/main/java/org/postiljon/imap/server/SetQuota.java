package org.postiljon.imap.server;

import java.io.IOException;
import java.util.Locale;
import java.util.OptionalLong;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.QuotaLimits;

/**
 * SETQUOTA, RFC 9208 §4.1.3, for administrators: replaces the limits of an account (resources
 * not named are unlimited afterwards). STORAGE is in units of 1024 octets.
 */
final class SetQuota implements Command {

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        String root = in.astring();
        in.sp();
        in.expect('(');
        OptionalLong storage = OptionalLong.empty(), messages = OptionalLong.empty();
        String unsupported = null;
        boolean first = true;
        while (!in.skip(')')) {
            if (!first) in.sp();
            first = false;
            String resource = in.atom().toUpperCase(Locale.ROOT);
            in.sp();
            long limit = in.number();
            switch (resource) {
                case "STORAGE" -> storage = OptionalLong.of(Math.multiplyExact(limit, 1024L));
                case "MESSAGE" -> messages = OptionalLong.of(limit);
                default -> unsupported = resource;
            }
            if (in.peek() == -1) throw new BadSyntax("unterminated resource list");
        }
        in.end();
        if (unsupported != null) throw new CommandFailed(null, "unsupported quota resource " + unsupported + "; STORAGE and MESSAGE are");
        GetQuota.write(s, s.services().quotas().setLimits(s.account, root, new QuotaLimits(storage, messages)));
        s.ok(tag, "SETQUOTA completed", true);
    }
}
