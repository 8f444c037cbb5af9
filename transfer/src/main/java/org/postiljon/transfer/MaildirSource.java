package org.postiljon.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxDecoder;
import org.postiljon.mailbox.api.Flags;

/**
 * A Maildir on disk ({@link Maildir}): Dovecot's or Courier's Maildir++ layout, or Dovecot's
 * {@code LAYOUT=fs} (folders as nested directories). Messages in {@code new/} and {@code cur/};
 * arrival time is the file's modification time, as Dovecot keeps it; the order is Dovecot's UID
 * order where a {@code dovecot-uidlist} gives it, else the file names' (which begin with the time
 * of delivery). Line endings become CRLF, as IMAP serves such files. The files are only read.
 */
public final class MaildirSource implements Source {

    private final Path root;

    public MaildirSource(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new IOException("not a directory: " + root);
        this.root = root;
    }

    private static boolean isMaildir(Path dir) {
        return Files.isDirectory(dir.resolve("cur")) || Files.isDirectory(dir.resolve("new"));
    }

    @Override
    public List<Folder> folders() throws IOException {
        List<Folder> out = new ArrayList<>();
        if (isMaildir(root)) out.add(new Folder(List.of("INBOX"), Optional.empty(), true, ""));
        List<Folder> more = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") && n.length() > 1 && !n.equals("..") && isMaildir(p)) {
                    List<String> levels = Maildir.levels(n);
                    if (!levels.isEmpty()) more.add(new Folder(levels, Optional.empty(), true, n));
                }
            }
        }
        if (more.isEmpty()) fsLayout(root, new ArrayList<>(), more); // LAYOUT=fs: no dot directories
        more.sort(Comparator.comparing(Folder::name));
        // Parents a Maildir++ tree leaves implicit (".A.B" without ".A") are made by the import when it creates the child.
        out.addAll(more);
        return out;
    }

    private void fsLayout(Path dir, List<String> levels, List<Folder> out) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(Files::isDirectory).sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.equals("cur") || n.equals("new") || n.equals("tmp") || n.startsWith(".")) continue;
                List<String> sub = new ArrayList<>(levels);
                sub.add(BASE64MailboxDecoder.decode(n));
                out.add(new Folder(sub, Optional.empty(), isMaildir(p), root.relativize(p).toString()));
                fsLayout(p, sub, out);
            }
        }
    }

    @Override
    public Set<List<String>> subscriptions() throws IOException {
        List<List<String>> listed = Maildir.subscriptions(root);
        if (!listed.isEmpty()) return new LinkedHashSet<>(listed);
        // Without a subscriptions file, every folder is shown, as a mail program would show them.
        Set<List<String>> all = new LinkedHashSet<>();
        for (Folder f : folders()) all.add(f.levels());
        return all;
    }

    @Override
    public List<Item> list(Folder folder) throws IOException {
        Path dir = root.resolve(folder.handle());
        Map<Integer, String> keywords = Maildir.keywords(dir);
        Map<String, Long> uids = uidlist(dir);
        List<Item> out = new ArrayList<>();
        for (String sub : List.of("cur", "new")) {
            Path d = dir.resolve(sub);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String name = f.getFileName().toString();
                    if (name.startsWith(".")) continue;
                    byte[] content = Content.crlf(Files.readAllBytes(f));
                    out.add(new Item(sub + "/" + name, sub.equals("new") ? Flags.NONE : Maildir.flags(name, keywords),
                            Files.getLastModifiedTime(f).toInstant(), content.length, Content.messageId(content)));
                }
            }
        }
        out.sort(Comparator.comparing((Item i) -> uids.getOrDefault(base(i.ref()), Long.MAX_VALUE)).thenComparing(i -> base(i.ref())));
        return out;
    }

    /** A message file's name without its directory and flags: what dovecot-uidlist names. */
    private static String base(String ref) {
        String n = ref.substring(ref.indexOf('/') + 1);
        int colon = n.indexOf(':');
        return colon < 0 ? n : n.substring(0, colon);
    }

    /** Dovecot's UIDs by file name: after a header line, "UID [extensions] :name". */
    private static Map<String, Long> uidlist(Path dir) throws IOException {
        Map<String, Long> out = new HashMap<>();
        Path f = dir.resolve(Maildir.UIDLIST);
        if (!Files.isRegularFile(f)) return out;
        List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            int space = line.indexOf(' '), colon = line.indexOf(':');
            if (space <= 0 || colon < 0) continue;
            try {
                out.put(line.substring(colon + 1), Long.parseLong(line.substring(0, space)));
            } catch (NumberFormatException e) {
                // a line of another form
            }
        }
        return out;
    }

    @Override
    public void fetch(Folder folder, List<Item> items, Sink sink) throws IOException {
        Path dir = root.resolve(folder.handle());
        for (Item i : items) {
            Path f = dir.resolve(i.ref());
            if (!Files.isRegularFile(f)) continue; // moved or flagged by a mail program meanwhile: the report counts it
            sink.accept(i, Content.crlf(Files.readAllBytes(f)));
        }
    }

    @Override
    public boolean keepsFlags() {
        return true;
    }

    @Override
    public String describe() {
        return "maildir " + root;
    }

    @Override
    public void close() { }
}
