package org.postiljon.imap.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.AppendResult;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.StagedMessage;

/** APPEND, RFC 9051 §6.3.12, with MULTIAPPEND (RFC 3502), APPENDUID (RFC 4315) and LITERAL+ (RFC 7888). */
final class Append implements Command {

    /** RFC 9051 §9 date-time: "dd-Mon-yyyy hh:mm:ss +zzzz", the day may be space-padded. */
    static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        MailboxName name = s.mailboxName(in.astringBytes());
        var svc = s.services();
        List<StagedMessage> staged = new ArrayList<>();
        try {
            appendAll(s, tag, in, name, staged);
        } catch (IOException | RuntimeException e) {
            svc.messages().discard(staged); // stored files no message will refer to
            throw e;
        }
    }

    private static void appendAll(Session s, String tag, CommandReader in, MailboxName name, List<StagedMessage> staged) throws IOException {
        var svc = s.services();
        // RFC 3502: one or more messages, each with its own flags and date; all are added or none.
        do {
            in.sp();
            staged.add(stageOne(s, in, name, staged.stream().mapToLong(StagedMessage::size).sum(), staged.size(), true));
            if (staged.size() > 1000) throw new CommandFailed("LIMIT", "at most 1000 messages in one APPEND");
        } while (in.peek() == ' ');
        in.end();
        List<StagedMessage> batch = List.copyOf(staged);
        staged.clear(); // from here on appendAll discards them itself if it fails
        List<AppendResult> results = svc.messages().appendAll(s.account, name, batch);
        String uids = Copy.compact(results.stream().map(AppendResult::uid).toList());
        s.ok(tag, "[APPENDUID " + results.getFirst().uidValidity() + " " + uids + "] APPEND completed", true);
    }

    /**
     * One message of an APPEND (or REPLACE, RFC 8508 §3.2): optional flags, optional date-time and
     * the literal, stored as it arrives. {@code before} octets in {@code count} messages of the same
     * command precede it (for the quota's early refusal, which {@code quotaPrecheck} false skips:
     * REPLACE frees a message, so only its transaction can judge the net change).
     */
    static StagedMessage stageOne(Session s, CommandReader in, MailboxName name, long before, int count, boolean quotaPrecheck) throws IOException {
        var svc = s.services();
        Flags flags = Flags.NONE;
        if (in.peek() == '(') {
            flags = Flags.of(in.flagList());
            in.sp();
        }
        Instant internalDate = Instant.now();
        if (in.peek() == '"') {
            internalDate = dateTime(new String(in.stringBytes(), StandardCharsets.US_ASCII));
            in.sp();
        }
        if (count == 0 && in.peek() != '{' && in.peek() != '~') exists(s, name); // CATENATE: before any part is read
        if (in.peek() == 'C' || in.peek() == 'c') {
            // RFC 4469 §5: append-data =/ "CATENATE" SP "(" cat-part *(SP cat-part) ")"
            if (!in.atom().equalsIgnoreCase("CATENATE")) throw new BadSyntax("expected a literal or CATENATE");
            return Catenate.stage(s, in, flags, internalDate);
        }
        CommandReader.Literal literal = in.messageLiteral(svc.limits().maxMessageBytes(), size -> {
            if (count == 0) exists(s, name);
            // RFC 9208 §4.3.1: a message that cannot fit is refused before its bytes are sent (the exact check is in appendAll).
            if (quotaPrecheck) svc.quotas().checkAppend(s.account, name, before + size, count + 1);
        });
        if (literal.size() == 0) {
            literal.finish();
            throw new CommandFailed(null, "empty message");
        }
        try {
            // RFC 3516 §4.4: a literal8's content is kept as sent (bare LF too); other literals get CRLF line ends.
            return literal.binary() ? svc.messages().stageExact(literal.stream(), flags, internalDate)
                    : svc.messages().stage(literal.stream(), flags, internalDate);
        } finally {
            literal.finish();
        }
    }

    /** §6.3.12: TRYCREATE tells the client it may CREATE the mailbox and try again. */
    private static void exists(Session s, MailboxName name) {
        try {
            s.services().mailboxes().get(s.account, name);
        } catch (MailboxException.NoSuchMailbox e) {
            throw new CommandFailed("TRYCREATE", "no such mailbox: " + name);
        }
    }

    static Instant dateTime(String text) {
        try {
            return ZonedDateTime.parse(text.strip(), DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadSyntax("invalid date-time");
        }
    }
}
