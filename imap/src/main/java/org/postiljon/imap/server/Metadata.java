package org.postiljon.imap.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Mailboxes;

/** GETMETADATA and SETMETADATA, RFC 5464 §4.2 and §4.3 (capabilities METADATA and METADATA-SERVER). */
final class Metadata implements Command {

    private final boolean set;

    Metadata(boolean set) {
        this.set = set;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        if (set) setMetadata(s, tag, in); else getMetadata(s, tag, in);
    }

    private static void getMetadata(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        long maxSize = Long.MAX_VALUE;
        int depth = 0; // §4.2.2: no DEPTH is DEPTH 0
        if (in.skip('(')) { // §5: getmetadata-options before the mailbox
            do {
                String option = in.atom().toUpperCase(Locale.ROOT);
                in.sp();
                switch (option) {
                    case "MAXSIZE" -> maxSize = in.number(); // §4.2.1
                    case "DEPTH" -> { // §4.2.2
                        String d = in.atom();
                        if (d.equals("0")) depth = 0;
                        else if (d.equals("1")) depth = 1;
                        else if (d.equalsIgnoreCase("infinity")) depth = Integer.MAX_VALUE;
                        else throw new BadSyntax("DEPTH is 0, 1 or infinity");
                    }
                    default -> throw new BadSyntax("unknown GETMETADATA option " + option);
                }
            } while (in.skip(' '));
            if (!in.skip(')')) throw new BadSyntax("expected ) after the options");
            in.sp();
        }
        MailboxName mailbox = mailbox(s, in.astringBytes());
        in.sp();
        List<String> entries = new ArrayList<>();
        if (in.skip('(')) {
            do entries.add(entry(in, false)); while (in.skip(' '));
            if (!in.skip(')')) throw new BadSyntax("expected ) after the entries");
        } else {
            entries.add(entry(in, false));
        }
        in.end();
        SortedMap<String, byte[]> stored = s.services().mailboxes().annotations(s.account, mailbox);
        Map<String, byte[]> answer = new LinkedHashMap<>();
        long longest = 0;
        for (String e : entries) {
            if (!answer.containsKey(e)) answer.put(e, stored.get(e)); // NIL when it has no value
            if (depth == 0) continue;
            for (var below : stored.tailMap(e + "/").entrySet()) {
                String name = below.getKey();
                if (!name.startsWith(e + "/")) break;
                // §4.2.2: DEPTH 1 is the entry's children, not their children.
                if (depth == 1 && name.indexOf('/', e.length() + 1) >= 0) continue;
                answer.put(name, below.getValue());
            }
        }
        boolean first = true;
        for (var a : answer.entrySet()) {
            byte[] v = a.getValue();
            if (v != null && v.length > maxSize) { // §4.2.1: left out, the largest size told
                longest = Math.max(longest, v.length);
                continue;
            }
            s.out().raw(first ? "* METADATA " : " ");
            if (first) s.out().string(mailbox == null ? "" : s.wireName(mailbox)).raw(" (");
            first = false;
            s.out().raw(a.getKey()).raw(" ");
            if (v == null) s.out().raw("NIL");
            else if (containsNul(v)) s.out().literal(new ByteArrayInputStream(v), v.length, true); // §5: literal8
            else s.out().stringBytes(v);
        }
        if (!first) s.out().raw(")").crlf();
        s.ok(tag, (longest > 0 ? "[METADATA LONGENTRIES " + longest + "] " : "") + "GETMETADATA completed", false);
    }

    private static void setMetadata(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName mailbox = mailbox(s, in.astringBytes());
        in.sp();
        if (!in.skip('(')) throw new BadSyntax("expected a list of entries and values");
        Map<String, Optional<byte[]>> entries = new LinkedHashMap<>();
        do {
            String entry = entry(in, true);
            in.sp();
            byte[] value = null;
            if (in.peek() == 'N' || in.peek() == 'n') {
                if (!in.atom().equalsIgnoreCase("NIL")) throw new BadSyntax("expected a value or NIL");
            } else {
                value = in.stringBytes(); // a string, a literal or a literal8 (§5)
            }
            // §4.3: a value too large is NO [METADATA MAXSIZE n], nothing set.
            if (value != null && value.length > Mailboxes.MAX_ANNOTATION_BYTES) {
                throw new CommandFailed("METADATA MAXSIZE " + Mailboxes.MAX_ANNOTATION_BYTES, "value too large");
            }
            entries.put(entry, Optional.ofNullable(value));
            if (entries.size() > Mailboxes.MAX_ANNOTATIONS) throw new CommandFailed("METADATA TOOMANY", "too many entries");
        } while (in.skip(' '));
        if (!in.skip(')')) throw new BadSyntax("expected ) after the entries");
        in.end();
        try {
            s.services().mailboxes().annotate(s.account, mailbox, entries);
        } catch (MailboxException.LimitReached e) {
            throw new CommandFailed("METADATA TOOMANY", e.getMessage()); // §4.3
        }
        s.ok(tag, "SETMETADATA completed", false);
    }

    /** The empty string names the server (§4.1); otherwise a mailbox. */
    private static MailboxName mailbox(Session s, byte[] wire) {
        return wire.length == 0 ? null : s.mailboxName(wire);
    }

    /**
     * An entry name, lower-cased (§3.2: case-insensitive): "/" separated, no "//", no trailing "/",
     * no "*" or "%", printable ASCII; under /private or /shared. GETMETADATA may name the two roots
     * themselves (with DEPTH, every entry); SETMETADATA needs an entry below one of them.
     */
    static String entry(CommandReader in, boolean forSet) throws IOException {
        byte[] b = in.astringBytes();
        for (byte x : b) {
            if (x < 0x20 || x == 0x7f || x == '*' || x == '%') throw new BadSyntax("invalid character in an entry name (RFC 5464 §3.2)");
        }
        String e = new String(b, java.nio.charset.StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        if (!e.startsWith("/") || e.endsWith("/") || e.contains("//")) throw new BadSyntax("invalid entry name " + printable(e));
        boolean root = e.equals("/private") || e.equals("/shared");
        if (!(e.startsWith("/private/") || e.startsWith("/shared/") || root && !forSet)) {
            throw new BadSyntax("entry names begin with /private/ or /shared/ (RFC 5464 §6)");
        }
        return e;
    }

    private static String printable(String s) {
        return org.postiljon.net.Connection.printable(s, 100);
    }

    private static boolean containsNul(byte[] v) {
        for (byte x : v) if (x == 0) return true;
        return false;
    }
}
