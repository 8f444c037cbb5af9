package org.postiljon.imap.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.imap.wire.SequenceSet;
import org.postiljon.mailbox.api.EmailId;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.ThreadId;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.MessageStructure;

/**
 * FETCH and UID FETCH, RFC 9051 §6.4.5. Answers are written message by message as they are
 * read, so a FETCH over a large mailbox starts at once and holds one message's data at a time.
 */
final class Fetch implements Command {

    static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final int MAX_ITEMS = 64;
    private static final int BATCH = 500;

    private final boolean uid;

    Fetch(boolean uid) {
        this.uid = uid;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        SequenceSet set = SequenceSet.parse(in.until(""));
        in.sp();
        List<FetchItem> items = items(in);
        long[] changed = {-1};
        boolean[] vanishedToo = {false};
        if (in.peek() == ' ') { // RFC 7162 §3.1.4: (CHANGEDSINCE n), §3.2.6: with VANISHED for UID FETCH
            in.sp();
            in.atomList(modifier -> {
                switch (modifier) {
                    case "CHANGEDSINCE" -> {
                        in.sp();
                        changed[0] = in.number();
                    }
                    case "VANISHED" -> vanishedToo[0] = true;
                    default -> throw new BadSyntax("unknown FETCH modifier " + modifier);
                }
            });
        }
        long changedSince = changed[0];
        boolean reportVanished = vanishedToo[0];
        if (reportVanished && (!uid || !s.qresync() || changedSince < 0)) {
            throw new BadSyntax("VANISHED needs UID FETCH, CHANGEDSINCE and ENABLE QRESYNC");
        }
        in.end();
        if (uid && items.stream().noneMatch(i -> i.name().equals("UID"))) items.addFirst(FetchItem.simple("UID"));
        if (changedSince >= 0 || items.stream().anyMatch(i -> i.name().equals("MODSEQ"))) s.enableCondstore(); // §3.1
        if (s.condstore() && items.stream().noneMatch(i -> i.name().equals("MODSEQ"))
                && (changedSince >= 0 || items.stream().anyMatch(i -> i.name().equals("FLAGS")))) {
            items.add(FetchItem.simple("MODSEQ")); // §3.1.4.1: FLAGS go with MODSEQ once CONDSTORE is on
        }
        SelectedMailbox view = s.selected();
        UidSet uids = view.resolve(set, uid, s.savedSearch);
        if (reportVanished) {
            List<Long> gone = new ArrayList<>();
            for (long u : s.services().messages().vanishedSince(s.account, view.mailbox.name(), changedSince)) {
                if (uids.contains(u) && view.seqOf(u) == 0) gone.add(u);
            }
            if (!gone.isEmpty()) s.out().untagged("VANISHED (EARLIER) " + Copy.compact(gone));
        }
        boolean vanished = respond(s, view, items, uids, changedSince);
        if (vanished) {
            s.flushChanges(uid);
            s.out().tagged(tag, "NO", "EXPUNGEISSUED", "some of the requested messages no longer exist");
            return;
        }
        s.ok(tag, (uid ? "UID FETCH" : "FETCH") + " completed", uid);
    }

    /**
     * Writes the FETCH responses for the view's messages among {@code uids} (only those changed after
     * {@code changedSince}, when not -1); true when some had been expunged meanwhile. Also used for
     * NOTIFY's MessageNew attributes (RFC 5465 §5.2).
     */
    static boolean respond(Session s, SelectedMailbox view, List<FetchItem> items, UidSet uids, long changedSince) throws IOException {
        boolean vanished = false;
        // In slices of the UID set, so memory stays bounded whatever the mailbox size.
        boolean needParse = items.stream().anyMatch(i -> i.isSection() || i.name().equals("ENVELOPE")
                || i.name().equals("BODYSTRUCTURE") || i.name().equals("BODY"));
        boolean needKeys = items.stream().anyMatch(i -> i.name().equals("PREVIEW") || i.name().equals("THREADID"));
        for (Slice slice : slices(uids, view)) {
            List<MessageInfo> found = s.services().messages().list(s.account, view.mailbox.name(), slice.uids());
            if (changedSince >= 0) {
                long since = changedSince;
                found = found.stream().filter(m -> m.modSeq() > since).toList();
            }
            java.util.Map<Long, MessageStructure> parses = needParse ? parses(s, view, found) : java.util.Map.of();
            java.util.Map<Long, MessageKeys> keys = needKeys && !found.isEmpty()
                    ? s.services().messages().keys(s.account, view.mailbox.name(), slice.uids(), false) : java.util.Map.of();
            java.util.Map<Long, MessageInfo> seenNow = markSeen(s, view, found, items);
            boolean flagsRequested = items.stream().anyMatch(i -> i.name().equals("FLAGS"));
            int present = 0;
            for (MessageInfo m : found) {
                int seq = view.seqOf(m.uid());
                if (seq == 0) continue; // arrived after this session's view: not announced yet
                MessageStructure parse = parses.get(m.uid());
                if (needParse && parse == null) continue; // expunged between the two reads
                present++;
                MessageInfo now = seenNow.getOrDefault(m.uid(), m);
                // §6.4.5: when FETCH sets \Seen, the new flags go with the answer.
                one(s, seq, now, items, parse, keys.get(m.uid()),
                        seenNow.containsKey(m.uid()) && !flagsRequested);
            }
            if (changedSince < 0) vanished |= present < slice.inView();
            s.out().flush();
        }
        return vanished;
    }

    /** Envelope and body structure of the listed messages: from the cache, the rest read in one query. */
    private static java.util.Map<Long, MessageStructure> parses(Session s, SelectedMailbox view, List<MessageInfo> found) {
        java.util.Map<Long, MessageStructure> out = new java.util.HashMap<>();
        java.util.Map<Long, MessageInfo> missing = new java.util.TreeMap<>();
        for (MessageInfo m : found) {
            // The cache holds the content's parse; a delivered message's trace fields come before the content.
            MessageStructure cached = s.services().parses().get(m.blobId().sha256());
            if (cached != null) out.put(m.uid(), cached.after(m.traceLength())); else missing.put(m.uid(), m);
        }
        if (missing.isEmpty()) return out;
        UidSet uids = UidSet.of(missing.keySet().stream().mapToLong(Long::longValue).toArray());
        s.services().messages().keys(s.account, view.mailbox.name(), uids, true).forEach((uid, k) -> {
            MessageInfo m = missing.get(uid);
            out.put(uid, s.services().parses().keep(m.blobId().sha256(), k.parse()).after(m.traceLength()));
        });
        return out;
    }

    /** A piece of the requested set: UIDs of the view, at most {@link #BATCH} of them. */
    private record Slice(UidSet uids, int inView) { }

    /** The view's UIDs within {@code uids}, cut into slices; costs time per message, not per UID number. */
    private static List<Slice> slices(UidSet uids, SelectedMailbox view) {
        List<Slice> out = new ArrayList<>();
        List<UidSet.Range> runs = new ArrayList<>();
        int n = 0;
        for (UidSet.Range r : uids.ranges()) {
            for (int seq = firstSeqAtOrAfter(view, r.first()); seq <= view.exists() && view.uidAt(seq) <= r.last(); seq++) {
                long u = view.uidAt(seq);
                if (!runs.isEmpty() && runs.getLast().last() + 1 == u) {
                    runs.set(runs.size() - 1, new UidSet.Range(runs.getLast().first(), u));
                } else {
                    runs.add(new UidSet.Range(u, u));
                }
                if (++n == BATCH) {
                    out.add(new Slice(new UidSet(runs), n));
                    runs = new ArrayList<>();
                    n = 0;
                }
            }
        }
        if (n > 0) out.add(new Slice(new UidSet(runs), n));
        return out;
    }

    private static int firstSeqAtOrAfter(SelectedMailbox view, long uid) {
        int lo = 1, hi = view.exists();
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (view.uidAt(mid) < uid) lo = mid + 1; else hi = mid - 1;
        }
        return lo;
    }

    /** Sets \Seen on the slice's unseen messages in one write when an item asks for it (RFC 9051 §6.4.5). */
    private static java.util.Map<Long, MessageInfo> markSeen(Session s, SelectedMailbox view, List<MessageInfo> found, List<FetchItem> items) {
        if (view.readOnly || items.stream().noneMatch(FetchItem::setsSeen)) return java.util.Map.of();
        long[] unseen = found.stream().filter(m -> view.seqOf(m.uid()) > 0 && !m.flags().contains(Flags.SEEN))
                .mapToLong(MessageInfo::uid).toArray();
        if (unseen.length == 0) return java.util.Map.of();
        java.util.Map<Long, MessageInfo> out = new java.util.HashMap<>();
        List<MessageInfo> changed;
        try {
            changed = s.services().messages().store(s.account, view.mailbox.name(), UidSet.of(unseen),
                    new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of(Flags.SEEN)));
        } catch (org.postiljon.mailbox.api.MailboxException.NoRights e) {
            return java.util.Map.of(); // RFC 4314 §4: without "s", FETCH must not set \Seen
        }
        for (MessageInfo m : changed) {
            view.ignoreOwn(m.modSeq());
            out.put(m.uid(), m);
        }
        return out;
    }

    private static void one(Session s, int seq, MessageInfo m, List<FetchItem> items, MessageStructure parse,
                     MessageKeys keys, boolean addFlags) throws IOException {
        // Sections are resolved before the first byte of the response, so a bad one fails cleanly.
        for (FetchItem item : items) {
            if (!item.isSection()) continue;
            Sections.range(parse.body(), item, m.size());
            if (item.name().startsWith("BINARY") && item.path().length > 0) binaryPart(parse.body(), item);
        }
        try (Contents contents = items.stream().anyMatch(FetchItem::isSection) ? new Contents(s, m) : null) {
            write(s, seq, m, items, parse, keys, addFlags, contents);
        }
    }

    /**
     * A message's bytes for one FETCH response: opened before the response starts, so a damaged
     * file fails as a clean NO [CORRUPTION] before "* n FETCH" is written; the first section reads
     * that stream, any further one opens its own.
     */
    private static final class Contents implements AutoCloseable {
        private final Session s;
        private final MessageInfo m;
        private InputStream unused;

        Contents(Session s, MessageInfo m) {
            this.s = s;
            this.m = m;
            this.unused = open();
        }

        private InputStream open() {
            return s.services().messages().open(s.account, s.selected.mailbox.name(), m.uid());
        }

        InputStream take() {
            InputStream in = unused;
            unused = null;
            return in != null ? in : open();
        }

        @Override
        public void close() throws IOException {
            if (unused != null) unused.close();
        }
    }

    private static void write(Session s, int seq, MessageInfo m, List<FetchItem> items, MessageStructure parse,
                       MessageKeys keys, boolean addFlags, Contents contents) throws IOException {
        var out = s.out();
        List<FetchItem> all = items;
        if (addFlags) {
            all = new ArrayList<>(items);
            all.add(FetchItem.simple("FLAGS"));
            if (s.condstore() && items.stream().noneMatch(i -> i.name().equals("MODSEQ"))) all.add(FetchItem.simple("MODSEQ"));
        }
        if (all.stream().anyMatch(i -> i.name().equals("FLAGS"))) s.selected.announce(s, m.flags()); // before the FETCH starts
        out.raw("* " + seq + " FETCH (");
        boolean first = true;
        for (FetchItem item : all) {
            if (!first) out.raw(" ");
            first = false;
            if (item.isSection()) {
                section(s, m, parse.body(), item, contents);
                continue;
            }
            switch (item.name()) {
                case "UID" -> out.raw("UID " + m.uid());
                case "FLAGS" -> {
                    out.raw("FLAGS " + s.flagList(m.flags(), m.uid()));
                    s.selected.shown(m.uid(), m.modSeq());
                }
                case "INTERNALDATE" -> out.raw("INTERNALDATE \"" + INTERNALDATE.format(m.internalDate()) + "\"");
                case "SAVEDATE" -> out.raw("SAVEDATE \"" + INTERNALDATE.format(m.saveDate()) + "\""); // RFC 8514 §4.2
                case "RFC822.SIZE" -> out.raw("RFC822.SIZE " + m.size());
                case "MODSEQ" -> out.raw("MODSEQ (" + m.modSeq() + ")"); // RFC 7162 §3.1.4
                case "EMAILID" -> out.raw("EMAILID (" + EmailId.of(m) + ")"); // RFC 8474 §5.1
                case "THREADID" -> {
                    var t = keys == null ? java.util.Optional.<ThreadId>empty() : ThreadId.of(keys);
                    out.raw("THREADID " + t.map(id -> "(" + id + ")").orElse("NIL")); // RFC 8474 §5.3: NIL where no thread is known (no References, no Message-ID)
                }
                case "PREVIEW" -> { // RFC 8970 §3: the text stored at delivery, so LAZY changes nothing
                    out.raw("PREVIEW ");
                    if (keys == null || keys.preview() == null) out.raw("NIL"); else out.string(keys.preview());
                }
                case "ENVELOPE", "BODYSTRUCTURE", "BODY" -> {
                    out.raw(item.name() + " ");
                    // Rendered once per message content and session kind, then copied (the same newest
                    // headers are listed again and again, by every device).
                    String form = item.name() + (out.utf8() ? "/utf8" : "/ascii");
                    out.raw(s.services().parses().rendered(m.blobId().sha256(), form, () -> Structures.render(out.utf8(), o -> {
                        if (item.name().equals("ENVELOPE")) Structures.envelope(o, parse.envelope());
                        else Structures.body(o, parse.body(), item.name().equals("BODYSTRUCTURE"));
                    })));
                }
                default -> throw new IllegalStateException("unhandled FETCH item " + item.name());
            }
        }
        out.raw(")").crlf();
    }

    /** BODY[...] and the RFC822 forms: a byte range of the stored message, or filtered header lines. */
    private static void section(Session s, MessageInfo m, BodyPart root, FetchItem item, Contents contents) throws IOException {
        if (item.name().startsWith("BINARY") && item.path().length > 0) {
            binary(s, root, item, contents);
            return;
        }
        var out = s.out();
        String responseName = switch (item.name()) {
            case "RFC822", "RFC822.HEADER", "RFC822.TEXT" -> item.name();
            default -> item.responseName();
        };
        long[] range = Sections.range(root, item, m.size());
        if (item.name().equals("BINARY.SIZE")) {
            // RFC 3516 §4.3: a number, the size of the section (the whole message: nothing to decode at its top).
            out.raw(responseName + " " + (range[1] - range[0]));
            return;
        }
        out.raw(responseName + " ");
        try (InputStream in = contents.take()) {
            if (item.kind() != null && item.kind().startsWith("HEADER.FIELDS")) {
                in.skipNBytes(range[0]);
                byte[] header = in.readNBytes((int) Math.min(range[1] - range[0], 1 << 20));
                byte[] filtered = Sections.filterHeader(header, item.fields(), item.kind().endsWith(".NOT"));
                out.literal(partial(filtered, item));
                return;
            }
            long from = range[0], to = range[1];
            if (item.start() >= 0) { // RFC 9051 §6.4.5: past the end is the empty string; numbers go up to 2^63-1
                from = Math.min(to, plus(range[0], item.start()));
                to = Math.min(to, plus(from, item.count()));
            }
            in.skipNBytes(from);
            out.literal(in, to - from, item.name().startsWith("BINARY"));
        } catch (java.io.EOFException e) {
            throw new CommandFailed("SERVERBUG", "stored message is shorter than recorded");
        }
    }

    /** BINARY[part] and BINARY.SIZE[part]: the part's content with its transfer encoding undone (RFC 3516). */
    private static BodyPart binaryPart(BodyPart root, FetchItem item) {
        BodyPart part = Sections.part(root, item.path());
        if (part.isMultipart()) throw new CommandFailed(null, "BINARY of a multipart is not defined");
        if (org.postiljon.mime.TransferEncoding.decode(InputStream.nullInputStream(), part.encoding()).isEmpty()) {
            throw new CommandFailed("UNKNOWN-CTE", "unknown transfer encoding " + part.encoding());
        }
        return part;
    }

    private static void binary(Session s, BodyPart root, FetchItem item, Contents contents) throws IOException {
        BodyPart part = binaryPart(root, item);
        byte[] decoded;
        try (InputStream in = contents.take()) {
            in.skipNBytes(part.bodyStart());
            InputStream raw = new java.io.ByteArrayInputStream(in.readNBytes((int) part.size()));
            decoded = org.postiljon.mime.TransferEncoding.decode(raw, part.encoding()).orElseThrow().readAllBytes();
        }
        if (item.name().equals("BINARY.SIZE")) {
            s.out().raw(item.responseName() + " " + decoded.length);
            return;
        }
        byte[] data = partial(decoded, item);
        s.out().raw(item.responseName() + " ~{" + data.length + "}").crlf().raw(data);
    }

    private static byte[] partial(byte[] b, FetchItem item) {
        if (item.start() < 0) return b;
        int from = (int) Math.min(b.length, item.start());
        int to = (int) Math.min(b.length, plus(from, item.count()));
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    /** {@code a + b} for non-negative numbers, at most {@link Long#MAX_VALUE} (partial ranges reach 2^63-1). */
    private static long plus(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    // ---- parsing the item list ----

    static List<FetchItem> items(CommandReader in) throws IOException {
        List<FetchItem> items = new ArrayList<>();
        if (in.skip('(')) {
            while (!in.skip(')')) {
                if (!items.isEmpty()) in.sp();
                items.add(item(in));
                if (items.size() > MAX_ITEMS) throw new BadSyntax("too many FETCH items");
            }
            if (items.isEmpty()) throw new BadSyntax("empty FETCH item list");
            return items;
        }
        String first = in.until("[(");
        switch (first.toUpperCase(Locale.ROOT)) {
            case "ALL" -> { return simple("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"); }
            case "FAST" -> { return simple("FLAGS", "INTERNALDATE", "RFC822.SIZE"); }
            case "FULL" -> { return simple("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"); }
            default -> {
                items.add(item(first.toUpperCase(Locale.ROOT), in));
                return items;
            }
        }
    }

    /** Whether the "(" two bytes ahead opens the FETCH modifiers (CHANGEDSINCE, VANISHED) rather than PREVIEW's. */
    private static boolean fetchModifierAhead(CommandReader in) {
        StringBuilder word = new StringBuilder();
        for (int i = 2, c; (c = in.peekAt(i)) != -1 && Character.isLetter(c) && word.length() < 20; i++) word.append((char) c);
        String w = word.toString().toUpperCase(Locale.ROOT);
        return w.equals("CHANGEDSINCE") || w.equals("VANISHED");
    }

    private static List<FetchItem> simple(String... names) {
        List<FetchItem> out = new ArrayList<>();
        for (String n : names) out.add(FetchItem.simple(n));
        return out;
    }

    private static FetchItem item(CommandReader in) throws IOException {
        return item(in.until("[()").toUpperCase(Locale.ROOT), in);
    }

    private static FetchItem item(String name, CommandReader in) throws IOException {
        switch (name) {
            case "UID", "FLAGS", "INTERNALDATE", "SAVEDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "MODSEQ", "EMAILID", "THREADID" -> {
                return FetchItem.simple(name);
            }
            case "PREVIEW" -> {
                if (in.peek() == ' ' && in.peekAt(1) == '(' && !fetchModifierAhead(in)) { // PREVIEW (LAZY), RFC 8970 §3
                    in.sp();
                    in.expect('(');
                    String m = in.atom().toUpperCase(Locale.ROOT);
                    if (!m.equals("LAZY")) throw new BadSyntax("unknown PREVIEW modifier " + m);
                    in.expect(')');
                }
                return FetchItem.simple(name);
            }
            case "RFC822" -> {
                return new FetchItem("RFC822", false, new int[0], "", List.of(), -1, -1);
            }
            case "RFC822.HEADER" -> {
                return new FetchItem("RFC822.HEADER", true, new int[0], "HEADER", List.of(), -1, -1);
            }
            case "RFC822.TEXT" -> {
                return new FetchItem("RFC822.TEXT", false, new int[0], "TEXT", List.of(), -1, -1);
            }
            case "BINARY", "BINARY.PEEK", "BINARY.SIZE" -> {
                // RFC 3516 §4.2: section-binary is part numbers only.
                FetchItem f = section(name.equals("BINARY.PEEK") || name.equals("BINARY.SIZE"), in);
                if (!f.kind().isEmpty()) throw new BadSyntax(name + " takes part numbers only");
                if (name.equals("BINARY.SIZE") && f.start() >= 0) throw new BadSyntax("BINARY.SIZE takes no partial range");
                return new FetchItem(name.equals("BINARY.PEEK") ? "BINARY" : name, f.peek(), f.path(), "", List.of(), f.start(), f.count());
            }
            case "BODY", "BODY.PEEK" -> {
                if (in.peek() != '[') {
                    if (name.equals("BODY")) return FetchItem.simple("BODY");
                    throw new BadSyntax("BODY.PEEK needs a section");
                }
                return section(name.equals("BODY.PEEK"), in);
            }
            default -> throw new BadSyntax("unknown FETCH item " + (name.length() > 30 ? name.substring(0, 30) : name));
        }
    }

    /** section = "[" [section-spec] "]" ["<" number "." nz-number ">"] (RFC 9051 §9). */
    static FetchItem section(boolean peek, CommandReader in) throws IOException {
        in.expect('[');
        List<Integer> path = new ArrayList<>();
        String kind = "";
        while (in.peek() >= '1' && in.peek() <= '9') {
            long n = in.number();
            if (n > 10_000 || path.size() >= 32) throw new BadSyntax("section part number out of range");
            path.add((int) n);
            if (!in.skip('.')) break;
        }
        if (in.peek() != ']') {
            kind = in.until("]( ").toUpperCase(Locale.ROOT);
            if (!List.of("HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME").contains(kind)) {
                throw new BadSyntax("invalid section " + kind);
            }
            if (kind.equals("MIME") && path.isEmpty()) throw new BadSyntax("MIME needs a part number");
        }
        List<String> fields = new ArrayList<>();
        if (kind.startsWith("HEADER.FIELDS")) {
            in.sp();
            in.expect('(');
            while (!in.skip(')')) {
                if (!fields.isEmpty()) in.sp();
                fields.add(new String(in.astringBytes(), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT));
                if (fields.size() > 100) throw new BadSyntax("too many header fields");
            }
            if (fields.isEmpty()) throw new BadSyntax("empty header field list");
        }
        in.expect(']');
        long start = -1, count = -1;
        if (in.skip('<')) {
            start = in.number();
            in.expect('.');
            count = in.number();
            if (count == 0) throw new BadSyntax("partial count must not be zero");
            in.expect('>');
        }
        return new FetchItem("BODY", peek, path.stream().mapToInt(Integer::intValue).toArray(), kind, List.copyOf(fields), start, count);
    }
}
