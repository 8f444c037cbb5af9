package org.postiljon.imap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxId;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MailboxStatus;

/** STATUS, RFC 9051 §6.3.11, with SIZE and DELETED; also LIST-STATUS's answer (RFC 5819). */
final class Status implements Command {

    static final List<String> ITEMS = List.of("MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "SIZE", "RECENT",
            "DELETED-STORAGE", "APPENDLIMIT", "HIGHESTMODSEQ", "MAILBOXID");

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName name = s.mailboxName(in.astringBytes());
        in.sp();
        List<String> items = items(in);
        in.end();
        write(s, name, items);
        s.ok(tag, "STATUS completed", true);
    }

    static List<String> items(CommandReader in) {
        in.expect('(');
        List<String> items = new ArrayList<>();
        while (!in.skip(')')) {
            if (!items.isEmpty()) in.sp();
            String item = in.atom().toUpperCase(Locale.ROOT);
            if (!ITEMS.contains(item)) throw new BadSyntax("unknown STATUS item " + item);
            items.add(item);
            if (items.size() > 20) throw new BadSyntax("too many STATUS items");
        }
        if (items.isEmpty()) throw new BadSyntax("empty STATUS item list");
        return items;
    }

    private static long recent(Session s, MailboxName name, MailboxStatus st) {
        long claimed = s.services().recent().claimed(st.mailbox().id(), st.mailbox().uidValidity());
        if (claimed + 1 >= st.mailbox().uidNext()) return 0;
        return s.services().messages().search(s.account, name, new org.postiljon.mailbox.api.SearchQuery.Uids(
                new org.postiljon.mailbox.api.UidSet(List.of(new org.postiljon.mailbox.api.UidSet.Range(claimed + 1, org.postiljon.mailbox.api.UidSet.MAX_UID))))).length;
    }

    static void write(Session s, MailboxName name, List<String> items) throws IOException {
        MailboxStatus st = s.services().mailboxes().status(s.account, name);
        StringBuilder b = new StringBuilder();
        for (String item : items) {
            if (!b.isEmpty()) b.append(' ');
            if (item.equals("MAILBOXID")) { // RFC 8474 §4.2
                b.append("MAILBOXID (").append(MailboxId.of(st.mailbox())).append(')');
                continue;
            }
            long v = switch (item) {
                case "MESSAGES" -> st.messages();
                case "UIDNEXT" -> st.mailbox().uidNext();
                case "UIDVALIDITY" -> st.mailbox().uidValidity();
                case "UNSEEN" -> st.unseen();
                case "DELETED" -> st.deleted();
                case "SIZE" -> st.sizeBytes();
                case "DELETED-STORAGE" -> st.deletedBytes(); // RFC 9208 §4.1.4, octets
                case "APPENDLIMIT" -> s.services().limits().maxMessageBytes(); // RFC 7889 §4
                case "HIGHESTMODSEQ" -> st.mailbox().highestModSeq(); // RFC 7162 §3.1.6
                case "RECENT" -> recent(s, name, st); // RFC 3501 §6.3.10: those no session has been told of yet
                default -> 0;
            };
            b.append(item).append(' ').append(v);
        }
        s.out().raw("* STATUS ").string(s.wireName(name)).raw(" (" + b + ")").crlf();
    }
}
