package org.postiljon.imap.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.StagedMessage;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mailbox.api.structure.MessageStructure;

/**
 * The CATENATE form of APPEND's message (RFC 4469 §3): TEXT literals and URLs of messages or parts
 * the user may read, joined octet for octet into one new message. The parts arrive one after the
 * other on the wire; the message is built in a temporary file, then stored as any APPEND.
 */
final class Catenate {

    /** Bound on the parts of one message, whatever their size. */
    static final int MAX_PARTS = 1000;

    private Catenate() { }

    /** Reads {@code CATENATE (cat-part *(SP cat-part))} (the keyword already read) and stages the result. */
    static StagedMessage stage(Session s, CommandReader in, Flags flags, Instant internalDate) throws IOException {
        long max = s.services().limits().maxMessageBytes();
        Path file;
        try {
            file = Files.createTempFile("postiljon-catenate", ".eml");
        } catch (IOException e) {
            throw unavailable(e);
        }
        try {
            try (OutputStream out = new Scratch(Files.newOutputStream(file))) {
                in.sp();
                if (!in.skip('(')) throw new BadSyntax("expected ( after CATENATE");
                int parts = 0;
                long size = 0;
                do {
                    if (++parts > MAX_PARTS) throw new CommandFailed("LIMIT", "at most " + MAX_PARTS + " parts in one message");
                    String kind = in.atom().toUpperCase(java.util.Locale.ROOT);
                    in.sp();
                    long left = max - size;
                    switch (kind) {
                        case "TEXT" -> { // §5: text-literal = "TEXT" SP literal
                            CommandReader.Literal literal = in.messageLiteral(max, n -> {
                                // §4.2: TOOBIG when the result would pass the limit, told before the bytes are asked for.
                                if (n > left) throw new CommandFailed("TOOBIG", "the message would be larger than " + max + " bytes");
                            });
                            try {
                                size += literal.stream().transferTo(out);
                            } finally {
                                literal.finish();
                            }
                        }
                        case "URL" -> { // §5: url = "URL" SP astring
                            ImapUrl url = url(new String(in.astringBytes(), StandardCharsets.UTF_8));
                            size += copy(s, url, out, left);
                        }
                        default -> throw new BadSyntax("expected TEXT or URL in CATENATE");
                    }
                } while (in.skip(' '));
                if (!in.skip(')')) throw new BadSyntax("expected ) after the CATENATE parts");
                if (size == 0) throw new CommandFailed(null, "empty message");
            }
            try (InputStream content = Files.newInputStream(file)) {
                return s.services().messages().stage(content, flags, internalDate);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The temporary file's stream: its failures (a full disk) are the server's, answered NO
     * [UNAVAILABLE] with the session kept, unlike the client's socket failing under the same read.
     */
    private static final class Scratch extends java.io.FilterOutputStream {
        Scratch(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw unavailable(e);
            }
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw unavailable(e);
            }
        }
    }

    private static MailboxException.Unavailable unavailable(IOException e) {
        return MailboxException.Unavailable.isStorageFull(e) ? MailboxException.Unavailable.storageFull()
                : new MailboxException.Unavailable("cannot keep the message being built: " + e.getMessage());
    }

    private static ImapUrl url(String text) {
        try {
            return ImapUrl.parse(text);
        } catch (ImapUrl.Bad e) {
            throw badUrl(text, e.getMessage());
        }
    }

    private static CommandFailed badUrl(String url, String reason) {
        // §4.1: BADURL names the first URL that made the APPEND fail.
        return new CommandFailed("BADURL " + org.postiljon.net.Connection.printable(url, 500).replace("]", "%5D"), reason);
    }

    /**
     * Writes what the URL names, as FETCH BODY[section]<partial> would return it (§3), at most
     * {@code left} octets; the user needs the right to read the message (RFC 4314 "r").
     */
    private static long copy(Session s, ImapUrl url, OutputStream out, long left) throws IOException {
        var messages = s.services().messages();
        MailboxName box;
        long[] range;
        byte[] filtered = null;
        try {
            box = url.mailbox() != null ? url.mailbox() : selected(s, url);
            Mailbox mailbox = s.services().mailboxes().get(s.account, box);
            if (url.uidValidity() != 0 && url.uidValidity() != mailbox.uidValidity()) throw badUrl(url.text(), "UIDVALIDITY has changed");
            List<MessageInfo> found = messages.list(s.account, box, UidSet.of(url.uid()));
            if (found.isEmpty()) throw badUrl(url.text(), "no such message");
            MessageInfo m = found.getFirst();
            range = new long[] {0, m.size()};
            if (!url.section().isEmpty()) {
                FetchItem item = section(url);
                MessageStructure parse = s.services().parses().keep(m.blobId().sha256(), messages.keys(s.account, box, m.uid()).parse())
                        .after(m.traceLength());
                range = Sections.range(parse.body(), item, m.size());
                if (item.kind().startsWith("HEADER.FIELDS")) {
                    try (InputStream in = messages.open(s.account, box, m.uid())) {
                        in.skipNBytes(range[0]);
                        byte[] header = in.readNBytes((int) Math.min(range[1] - range[0], 1 << 20));
                        filtered = Sections.filterHeader(header, item.fields(), item.kind().endsWith(".NOT"));
                    }
                    range = new long[] {0, filtered.length};
                }
            }
        } catch (MailboxException | CommandFailed e) {
            if (e instanceof CommandFailed c && c.code() != null && c.code().startsWith("BADURL")) throw c;
            throw badUrl(url.text(), e.getMessage());
        }
        // RFC 5092 §3: PARTIAL is an octet range of what the section names.
        long from = range[0], to = range[1];
        if (url.partialStart() >= 0) {
            from = Math.min(to, range[0] + url.partialStart());
            if (url.partialLength() >= 0) to = Math.min(to, from + url.partialLength());
        }
        if (to - from > left) throw new CommandFailed("TOOBIG", "the message would be larger than the limit");
        if (filtered != null) {
            out.write(filtered, (int) from, (int) (to - from));
            return to - from;
        }
        try (InputStream in = messages.open(s.account, box, url.uid())) {
            in.skipNBytes(from);
            byte[] buf = new byte[16 * 1024];
            for (long n = to - from; n > 0; ) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) throw new CommandFailed("SERVERBUG", "stored message is shorter than recorded");
                out.write(buf, 0, r);
                n -= r;
            }
            return to - from;
        }
    }

    private static MailboxName selected(Session s, ImapUrl url) {
        // §3: relative to "imap://user@server/mailbox" only when a mailbox is selected.
        if (s.selected == null) throw badUrl(url.text(), "a relative URL needs a selected mailbox");
        return s.selected.mailbox.name();
    }

    /** The URL's section in FETCH's grammar (RFC 5092 §3 enc-section is a FETCH section-spec). */
    private static FetchItem section(ImapUrl url) throws IOException {
        byte[] line = ("[" + url.section() + "]\r\n").getBytes(StandardCharsets.UTF_8);
        CommandReader r = new CommandReader(new ByteArrayInputStream(line), org.postiljon.imap.wire.ImapLimits.DEFAULT, () -> { });
        r.next();
        try {
            FetchItem item = Fetch.section(true, r);
            r.end();
            return item;
        } catch (BadSyntax e) {
            throw badUrl(url.text(), "invalid section: " + e.getMessage());
        }
    }
}
