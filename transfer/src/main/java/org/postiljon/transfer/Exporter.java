package org.postiljon.transfer;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.UidSet;

/**
 * Writes an account's own folders (not those shared with it) out as a Maildir (Dovecot's
 * Maildir++ layout, which Dovecot, Courier, mutt and this server's import read) or as mbox files
 * (one per folder; Thunderbird, mutt and this server's import read them), or as a zip of the mbox
 * files for the webmail's download. Messages are streamed one at a time, as IMAP serves them.
 *
 * <p>What each keeps: Maildir keeps every byte, flags, up to 26 keywords per folder, arrival times
 * (file times), UIDs and UIDVALIDITY (dovecot-uidlist) and subscriptions; mbox keeps the bytes with
 * LF line endings (so a message that ends without a line end gets one), flags and keywords in the
 * Status, X-Status and X-Keywords fields, and arrival times on the From lines.
 */
public final class Exporter {

    private final Mailboxes mailboxes;
    private final Messages messages;

    public Exporter(Mailboxes mailboxes, Messages messages) {
        this.mailboxes = mailboxes;
        this.messages = messages;
    }

    /** What an export wrote, and what it could not keep. */
    public record Summary(int folders, int messages, long bytes, List<String> warnings) {
        public Summary {
            warnings = List.copyOf(warnings);
        }
    }

    private List<Mailbox> own(Account account) {
        return mailboxes.list(account).stream().filter(m -> !m.name().isNamespacePrefix()).toList();
    }

    /** Into {@code dir} (made if missing; must hold no Maildir yet). */
    public Summary maildir(Account account, Path dir) throws IOException {
        mustBeEmpty(dir);
        int folders = 0, count = 0;
        long bytes = 0;
        List<String> warnings = new ArrayList<>();
        for (Mailbox m : own(account)) {
            Path folder = m.name().isInbox() ? dir : dir.resolve(Maildir.dirName(levels(m.name())));
            for (String sub : List.of("cur", "new", "tmp")) Files.createDirectories(folder.resolve(sub));
            if (!m.name().isInbox()) Files.createFile(folder.resolve("maildirfolder"));
            List<String> keywords = new ArrayList<>(), lost = new ArrayList<>();
            StringBuilder uidlist = new StringBuilder("3 V" + m.uidValidity() + " N" + m.uidNext() + "\n");
            for (MessageInfo info : messages.list(account, m.name(), UidSet.ALL)) {
                String base = info.internalDate().getEpochSecond() + ".P" + ProcessHandle.current().pid() + "Q" + info.uid() + ".postiljon,S=" + info.size() + ",W=" + info.size();
                Path tmp = folder.resolve("tmp").resolve(base);
                try (InputStream in = messages.open(account, m.name(), info.uid())) {
                    bytes += Files.copy(in, tmp);
                }
                Files.setLastModifiedTime(tmp, FileTime.from(info.internalDate()));
                Files.move(tmp, folder.resolve("cur").resolve(base + ":2," + Maildir.letters(info.flags(), keywords, lost)), StandardCopyOption.ATOMIC_MOVE);
                uidlist.append(info.uid()).append(" :").append(base).append('\n');
                count++;
            }
            if (!lost.isEmpty()) warnings.add(m.name() + ": more than 26 keywords; not kept: " + String.join(" ", lost.stream().distinct().toList()));
            StringBuilder k = new StringBuilder();
            for (int i = 0; i < keywords.size(); i++) k.append(i).append(' ').append(keywords.get(i)).append('\n');
            if (!keywords.isEmpty()) Files.writeString(folder.resolve(Maildir.KEYWORDS), k);
            Files.writeString(folder.resolve(Maildir.UIDLIST), uidlist, StandardCharsets.UTF_8);
            folders++;
        }
        StringBuilder subs = new StringBuilder("V\t2\n\n");
        for (MailboxName s : mailboxes.subscriptions(account)) {
            if (s.isNamespacePrefix()) continue;
            subs.append(String.join("\t", levels(s).stream().map(org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder::encode).toList())).append('\n');
        }
        Files.writeString(dir.resolve(Maildir.SUBSCRIPTIONS), subs, StandardCharsets.UTF_8);
        return new Summary(folders, count, bytes, warnings);
    }

    /** Into {@code dir} (made if missing; must be empty): {@code INBOX.mbox}, {@code Projects.mbox}, {@code Projects/2024.mbox}... */
    public Summary mbox(Account account, Path dir) throws IOException {
        mustBeEmpty(dir);
        int folders = 0, count = 0;
        long bytes = 0;
        for (Mailbox m : own(account)) {
            Path file = dir.resolve(mboxPath(m.name()));
            Files.createDirectories(file.getParent());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                long[] wrote = mboxFolder(account, m.name(), out);
                count += (int) wrote[0];
                bytes += wrote[1];
            }
            folders++;
        }
        return new Summary(folders, count, bytes, List.of());
    }

    /** The same as a zip archive, streamed to {@code out} (which is not closed). */
    public Summary mboxZip(Account account, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        int folders = 0, count = 0;
        long bytes = 0;
        for (Mailbox m : own(account)) {
            zip.putNextEntry(new ZipEntry(mboxPath(m.name())));
            long[] wrote = mboxFolder(account, m.name(), zip);
            zip.closeEntry();
            count += (int) wrote[0];
            bytes += wrote[1];
            folders++;
        }
        zip.finish();
        return new Summary(folders, count, bytes, List.of());
    }

    /** Writes one folder's messages as mbox; returns {messages, octets}. */
    private long[] mboxFolder(Account account, MailboxName name, OutputStream out) throws IOException {
        long count = 0, bytes = 0;
        for (MessageInfo info : messages.list(account, name, UidSet.ALL)) {
            byte[] content;
            try (InputStream in = messages.open(account, name, info.uid())) {
                content = in.readAllBytes();
            }
            String sender = Content.field(Content.fields(content), "Return-Path");
            sender = sender == null ? null : sender.replace("<", "").replace(">", "").strip();
            byte[] from = (Mbox.fromLine(sender, info.internalDate()) + "\n").getBytes(StandardCharsets.UTF_8);
            byte[] body = Mbox.write(content, info.flags());
            out.write(from);
            out.write(body);
            out.write('\n');
            bytes += from.length + body.length + 1;
            count++;
        }
        return new long[] {count, bytes};
    }

    /** A folder's mbox file: its levels as directories, ".mbox" after the last; a level that begins with a dot gets an underscore before it. */
    static String mboxPath(MailboxName name) {
        List<String> levels = levels(name).stream().map(l -> l.startsWith(".") ? "_" + l : l).toList();
        return String.join("/", levels) + ".mbox";
    }

    private static List<String> levels(MailboxName name) {
        return List.of(name.path().split(String.valueOf(MailboxName.SEPARATOR)));
    }

    private static void mustBeEmpty(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isPresent()) throw new IOException("not empty: " + dir + " (an export never writes over files)");
        }
    }
}
