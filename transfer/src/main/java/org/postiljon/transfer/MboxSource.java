package org.postiljon.transfer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One mbox file, or a directory of them ({@link Mbox}): a file {@code Work.mbox} or {@code Work}
 * is the folder Work, a directory {@code Work/} or Thunderbird's {@code Work.sbd/} holds its
 * subfolders, and a top-level {@code Inbox}, {@code INBOX} or {@code mbox} is the inbox. A message
 * begins at a "From " line at the start of the file or after an empty line. All folders are
 * subscribed (mbox keeps no subscriptions). The files are only read.
 */
public final class MboxSource implements Source {

    /** The longest message read: far above any server's message size limit, and bounded. */
    static final int MAX_MESSAGE = 256 << 20;

    private final Path path;
    private final List<String> single;

    /**
     * @param path   an mbox file or a directory of them
     * @param folder for a single file, the folder it goes to (null: named after the file)
     */
    public MboxSource(Path path, String folder) throws IOException {
        if (!Files.exists(path)) throw new IOException("no such file or directory: " + path);
        this.path = path;
        this.single = Files.isDirectory(path) ? null : List.of(folder != null ? folder : levelName(path.getFileName().toString(), true));
    }

    @Override
    public List<Folder> folders() throws IOException {
        List<Folder> out = new ArrayList<>();
        if (single != null) {
            out.add(new Folder(single, Optional.empty(), true, ""));
            return out;
        }
        walk(path, new ArrayList<>(), out);
        out.sort(Comparator.comparing((Folder f) -> !FolderMap.isInbox(f)).thenComparing(Folder::name));
        return out;
    }

    private void walk(Path dir, List<String> levels, List<Folder> out) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".")) continue;
                List<String> sub = new ArrayList<>(levels);
                if (Files.isDirectory(p)) {
                    sub.add(n.endsWith(".sbd") ? n.substring(0, n.length() - 4) : n);
                    walk(p, sub, out);
                } else if (Files.isRegularFile(p) && isMbox(p)) {
                    sub.add(levelName(n, levels.isEmpty()));
                    out.add(new Folder(sub, Optional.empty(), true, path.relativize(p).toString()));
                }
            }
        }
    }

    private static String levelName(String fileName, boolean top) {
        String n = fileName.endsWith(".mbox") ? fileName.substring(0, fileName.length() - 5) : fileName;
        if (top && (n.equalsIgnoreCase("inbox") || n.equals("mbox"))) return "INBOX";
        return n;
    }

    /** A file that ends in .mbox or begins with a From line (Thunderbird's files have no extension). */
    private static boolean isMbox(Path p) throws IOException {
        if (p.getFileName().toString().endsWith(".mbox")) return true;
        try (InputStream in = Files.newInputStream(p)) {
            byte[] start = in.readNBytes(5);
            return new String(start, StandardCharsets.US_ASCII).equals("From ");
        }
    }

    @Override
    public Set<List<String>> subscriptions() throws IOException {
        Set<List<String>> all = new LinkedHashSet<>();
        for (Folder f : folders()) all.add(f.levels());
        return all;
    }

    private Path file(Folder folder) {
        return folder.handle().isEmpty() ? path : path.resolve(folder.handle());
    }

    @Override
    public List<Item> list(Folder folder) throws IOException {
        List<Item> out = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file(folder)), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            long offset = 0, contentStart = -1;
            String from = null;
            boolean previousBlank = true;
            while (true) {
                line.reset();
                int c;
                while ((c = in.read()) >= 0) {
                    line.write(c);
                    if (c == '\n') break;
                }
                if (line.size() == 0) break;
                byte[] l = line.toByteArray();
                boolean start = previousBlank && l.length >= 5 && l[0] == 'F' && l[1] == 'r' && l[2] == 'o' && l[3] == 'm' && l[4] == ' ';
                if (start) {
                    if (from != null) out.add(item(from, contentStart, message.toByteArray()));
                    from = new String(l, StandardCharsets.ISO_8859_1).strip();
                    contentStart = offset + l.length;
                    message.reset();
                } else if (from != null) {
                    message.writeBytes(l);
                    if (message.size() > MAX_MESSAGE) throw new IOException(file(folder) + ": a message from offset " + contentStart + " is longer than "
                            + (MAX_MESSAGE >> 20) + " MiB; is this an mbox file?");
                }
                previousBlank = l.length == 1 || (l.length == 2 && l[0] == '\r');
                offset += l.length;
            }
            if (from != null) out.add(item(from, contentStart, message.toByteArray()));
        }
        return out;
    }

    /** A message's item: its bytes are those after the From line, less the empty line before the next. */
    private static Item item(String fromLine, long start, byte[] raw) {
        int length = withoutSeparator(raw);
        Mbox.Read r = Mbox.read(raw, 0, length);
        Instant at = Mbox.arrival(fromLine);
        if (at == null) at = Content.arrival(r.content());
        return new Item(start + ":" + length, r.flags(), at, r.content().length, Content.messageId(r.content()));
    }

    private static int withoutSeparator(byte[] raw) {
        int n = raw.length;
        if (n >= 2 && raw[n - 1] == '\n' && raw[n - 2] == '\n') return n - 1;
        if (n >= 3 && raw[n - 1] == '\n' && raw[n - 2] == '\r' && raw[n - 3] == '\n') return n - 2;
        return n;
    }

    @Override
    public void fetch(Folder folder, List<Item> items, Sink sink) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file(folder).toFile(), "r")) {
            for (Item i : items) {
                int colon = i.ref().indexOf(':');
                long start = Long.parseLong(i.ref().substring(0, colon));
                byte[] raw = new byte[Integer.parseInt(i.ref().substring(colon + 1))];
                f.seek(start);
                f.readFully(raw);
                sink.accept(i, Mbox.read(raw, 0, raw.length).content());
            }
        }
    }

    @Override
    public boolean keepsFlags() {
        return true;
    }

    @Override
    public String describe() {
        return "mbox " + path;
    }

    @Override
    public void close() { }
}
