package org.postiljon.imap.server;

import java.io.IOException;
import java.util.List;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.AclEntry;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Rights;

/**
 * The commands of RFC 4314 §3: SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS. The mailbox
 * layer checks the rights each needs; this only speaks the syntax.
 */
final class AclCommand implements Command {

    enum Kind { SETACL, DELETEACL, GETACL, LISTRIGHTS, MYRIGHTS }

    private final Kind kind;

    AclCommand(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName name = s.mailboxName(in.astringBytes());
        String identifier = null;
        String rights = null;
        if (kind == Kind.SETACL || kind == Kind.DELETEACL || kind == Kind.LISTRIGHTS) {
            in.sp();
            identifier = in.astring();
        }
        if (kind == Kind.SETACL) {
            in.sp();
            rights = in.astring();
        }
        in.end();
        var acl = s.services().acl();
        var out = s.out();
        switch (kind) {
            case SETACL -> {
                // RFC 4314 §3.1: a leading + adds, a leading - removes, otherwise the rights are replaced.
                if (rights.startsWith("+") || rights.startsWith("-")) {
                    Rights change = Rights.parse(rights.substring(1));
                    Rights current = currentRights(s, name, identifier);
                    acl.set(s.account, name, identifier, rights.startsWith("+") ? current.plus(change) : current.minus(change));
                } else {
                    acl.set(s.account, name, identifier, Rights.parse(rights));
                }
            }
            case DELETEACL -> acl.delete(s.account, name, identifier);
            case GETACL -> {
                List<AclEntry> entries = acl.get(s.account, name);
                out.raw("* ACL ").string(s.wireName(name));
                for (AclEntry e : entries) out.raw(" ").string(e.identifier()).raw(" ").string(e.rights().wire());
                out.crlf();
            }
            case LISTRIGHTS -> {
                List<Rights> l = acl.listRights(s.account, name, identifier);
                out.raw("* LISTRIGHTS ").string(s.wireName(name)).raw(" ").string(identifier).raw(" ").string(l.getFirst().wire());
                for (Rights r : l.subList(1, l.size())) out.raw(" ").raw(r.letters());
                if (l.size() > 1) out.raw(" c d"); // RFC 4314 §2.1.1: the virtual rights are listed too
                out.crlf();
            }
            case MYRIGHTS -> {
                Rights mine = acl.myRights(s.account, name);
                out.raw("* MYRIGHTS ").string(s.wireName(name)).raw(" ").string(mine.wire()).crlf();
            }
        }
        s.ok(tag, kind + " completed", true);
    }

    private static Rights currentRights(Session s, MailboxName name, String identifier) {
        for (AclEntry e : s.services().acl().get(s.account, name)) {
            if (e.identifier().equalsIgnoreCase(identifier)) return e.rights();
        }
        return Rights.NONE;
    }
}
