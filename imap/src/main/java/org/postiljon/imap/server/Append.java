package org.postiljon.imap.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.AppendResult;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;

/** APPEND, RFC 9051 §6.3.12, with APPENDUID (RFC 4315) and LITERAL+ (RFC 7888). */
final class Append implements Command {

    /** RFC 9051 §9 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz", the day may be space-padded. */
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName name = s.mailboxName(in.astringBytes());
        in.sp();
        Flags flags = Flags.NONE;
        if (in.peek() == '(') {
            List<String> names = in.flagList();
            flags = Flags.of(names);
            in.sp();
        }
        Instant internalDate = Instant.now();
        if (in.peek() == '"') {
            internalDate = dateTime(new String(in.stringBytes(), StandardCharsets.US_ASCII));
            in.sp();
        }
        var svc = s.services();
        CommandReader.Literal literal = in.messageLiteral(svc.limits().maxMessageBytes(), () -> {
            try {
                svc.mailboxes().get(s.account, name);
            } catch (MailboxException.NoSuchMailbox e) {
                // §6.3.12: TRYCREATE tells the client it may CREATE and try again.
                throw new CommandFailed("TRYCREATE", "no such mailbox: " + name);
            }
        });
        if (literal.size() == 0) {
            literal.finish();
            throw new CommandFailed(null, "empty message");
        }
        AppendResult r;
        try {
            r = svc.messages().append(s.account, name, literal.stream(), flags, internalDate);
        } finally {
            literal.finish();
        }
        in.end();
        s.ok(tag, "[APPENDUID " + r.uidValidity() + " " + r.uid() + "] APPEND completed", true);
    }

    static Instant dateTime(String text) {
        try {
            return ZonedDateTime.parse(text.strip(), DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadSyntax("invalid date-time");
        }
    }
}
