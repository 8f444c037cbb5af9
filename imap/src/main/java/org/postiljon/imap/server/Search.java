package org.postiljon.imap.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.imap.wire.SequenceSet;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mime.ParsedMessageCodec;

/**
 * SEARCH and UID SEARCH, RFC 9051 §6.4.4, with ESEARCH (RFC 4731) and SEARCHRES (RFC 5182).
 * Flag, size, date and UID keys use the stored metadata; FROM, TO, CC, BCC and SUBJECT the
 * decoded envelope and subject stored at delivery; HEADER reads the stored header; BODY and TEXT
 * read the stored message (the full-text index is issue #7's).
 */
final class Search implements Command {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ENGLISH);
    private final boolean uid;

    Search(boolean uid) {
        this.uid = uid;
    }

    /** One message while it is being tested; the stored header and keys are read at most once. */
    private static final class Candidate {
        final Session s;
        final int seq;
        final MessageInfo m;
        private final java.util.function.Supplier<java.util.SortedMap<Long, MessageKeys>> allKeys;
        private String header;
        private String text;

        Candidate(Session s, int seq, MessageInfo m, java.util.function.Supplier<java.util.SortedMap<Long, MessageKeys>> allKeys) {
            this.s = s;
            this.seq = seq;
            this.m = m;
            this.allKeys = allKeys;
        }

        /** Keys stored at delivery; read for the whole mailbox in one query, on first need. */
        MessageKeys keys() {
            MessageKeys k = allKeys.get().get(m.uid());
            if (k == null) k = s.services().messages().keys(s.account, s.selected.mailbox.name(), m.uid());
            return k;
        }

        /** Decoded address text of an envelope field, stored at delivery (parsed again only for older rows). */
        String addresses(String field) {
            MessageKeys k = keys();
            String stored = switch (field) {
                case "From" -> k.fromText();
                case "To" -> k.toText();
                case "Cc" -> k.ccText();
                default -> k.bccText();
            };
            if (stored != null) return stored;
            var e = ParsedMessageCodec.decode(k.parse()).envelope();
            return org.postiljon.mime.Address.text(switch (field) {
                case "From" -> e.from();
                case "To" -> e.to();
                case "Cc" -> e.cc();
                default -> e.bcc();
            });
        }

        /** The whole message as text (Latin-1 keeps every byte; UTF-8 text is matched byte-wise below). */
        String text() {
            if (text == null) {
                try (InputStream in = s.services().messages().open(s.account, s.selected.mailbox.name(), m.uid())) {
                    text = new String(in.readNBytes(16 << 20), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    text = "";
                }
            }
            return text;
        }

        /** The header section; read on its own (not the whole message) unless the text is already here. */
        String header() {
            if (header == null) {
                String t = text != null ? text : readHeader();
                int end = t.indexOf("\r\n\r\n");
                header = end < 0 ? t : t.substring(0, end + 2);
            }
            return header;
        }

        private String readHeader() {
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            try (InputStream in = new java.io.BufferedInputStream(
                    s.services().messages().open(s.account, s.selected.mailbox.name(), m.uid()))) {
                int c, state = 0; // counts the bytes of CRLFCRLF seen in a row
                while (b.size() < (1 << 20) && (c = in.read()) >= 0) {
                    b.write(c);
                    state = (c == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : (c == '\r' ? 1 : 0);
                    if (state == 4) break;
                }
            } catch (IOException e) {
                return "";
            }
            return b.toString(StandardCharsets.UTF_8);
        }

        /** Unfolded, RFC 2047-decoded values of a header field. */
        List<String> field(String name) {
            List<String> out = new ArrayList<>();
            String current = null;
            for (String line : header().split("\r\n")) {
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                    if (current != null) current += line;
                    continue;
                }
                if (current != null) out.add(current);
                current = null;
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) current = line.substring(colon + 1);
            }
            if (current != null) out.add(current);
            out.replaceAll(org.postiljon.mime.MessageParser::decodeText);
            return out;
        }
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        List<String> returns = null;
        if (peekWord(in, "RETURN")) {
            in.atom();
            in.sp();
            in.expect('(');
            returns = new ArrayList<>();
            while (!in.skip(')')) {
                if (!returns.isEmpty()) in.sp();
                String r = in.atom().toUpperCase(Locale.ROOT);
                if (!List.of("MIN", "MAX", "ALL", "COUNT", "SAVE").contains(r)) throw new BadSyntax("unknown RETURN option " + r);
                returns.add(r);
            }
            if (returns.isEmpty()) returns.add("ALL");
            in.sp();
        }
        if (peekWord(in, "CHARSET")) {
            in.atom();
            in.sp();
            String charset = in.astring().toUpperCase(Locale.ROOT);
            if (!charset.equals("UTF-8") && !charset.equals("US-ASCII")) {
                throw new CommandFailed("BADCHARSET (UTF-8 US-ASCII)", "unsupported charset");
            }
            in.sp();
        }
        SelectedMailbox view = s.selected();
        List<Predicate<Candidate>> all = new ArrayList<>();
        do {
            if (!all.isEmpty()) in.sp();
            all.add(key(s, in, 0));
        } while (in.peek() == ' ');
        in.end();
        Predicate<Candidate> test = c -> all.stream().allMatch(p -> p.test(c));
        List<Long> hits = new ArrayList<>();
        List<Long> hitUids = new ArrayList<>();
        List<MessageInfo> messages = s.services().messages().list(s.account, view.mailbox.name(), UidSet.ALL);
        var keys = new java.util.concurrent.atomic.AtomicReference<java.util.SortedMap<Long, MessageKeys>>();
        java.util.function.Supplier<java.util.SortedMap<Long, MessageKeys>> allKeys = () -> {
            if (keys.get() == null) keys.set(s.services().messages().keys(s.account, view.mailbox.name(), UidSet.ALL));
            return keys.get();
        };
        for (MessageInfo m : messages) {
            int seq = view.seqOf(m.uid());
            if (seq == 0) continue;
            if (test.test(new Candidate(s, seq, m, allKeys))) {
                hits.add(uid ? m.uid() : seq);
                hitUids.add(m.uid());
            }
        }
        if (returns != null && returns.contains("SAVE")) s.savedSearch = hitUids.stream().mapToLong(Long::longValue).toArray();
        if (returns == null && !s.rev2()) {
            StringBuilder b = new StringBuilder("SEARCH");
            for (long h : hits) b.append(' ').append(h);
            s.out().untagged(b.toString());
        } else {
            List<String> r = returns == null ? List.of("ALL") : returns;
            if (!(r.size() == 1 && r.getFirst().equals("SAVE"))) {
                StringBuilder b = new StringBuilder("ESEARCH (TAG ");
                s.out().raw("* ").raw(b.toString()).string(tag).raw(")" + (uid ? " UID" : ""));
                if (!hits.isEmpty()) {
                    if (r.contains("MIN")) s.out().raw(" MIN " + hits.getFirst());
                    if (r.contains("MAX")) s.out().raw(" MAX " + hits.getLast());
                    if (r.contains("ALL")) s.out().raw(" ALL " + Copy.compact(hits));
                }
                if (r.contains("COUNT")) s.out().raw(" COUNT " + hits.size());
                s.out().crlf();
            }
        }
        s.ok(tag, (uid ? "UID SEARCH" : "SEARCH") + " completed", uid);
    }

    private static boolean peekWord(CommandReader in, String word) {
        return in.peekAtom().equalsIgnoreCase(word);
    }

    private Predicate<Candidate> key(Session s, CommandReader in, int depth) throws IOException {
        if (depth > s.services().limits().maxNesting()) throw new BadSyntax("search keys nested too deeply");
        if (in.skip('(')) {
            List<Predicate<Candidate>> list = new ArrayList<>();
            while (!in.skip(')')) {
                if (!list.isEmpty()) in.sp();
                list.add(key(s, in, depth + 1));
            }
            if (list.isEmpty()) throw new BadSyntax("empty search key list");
            return c -> list.stream().allMatch(p -> p.test(c));
        }
        int c0 = in.peek();
        if ((c0 >= '0' && c0 <= '9') || c0 == '*' || c0 == '$') {
            SequenceSet set = SequenceSet.parse(in.until("()"));
            if (set.saved()) {
                long[] saved = s.savedSearch == null ? new long[0] : s.savedSearch;
                return c -> java.util.Arrays.binarySearch(saved, c.m.uid()) >= 0;
            }
            return c -> set.contains(c.seq, s.selected.exists());
        }
        String k = in.atom().toUpperCase(Locale.ROOT);
        return switch (k) {
            case "ALL" -> c -> true;
            case "ANSWERED" -> flag(Flags.ANSWERED, true);
            case "UNANSWERED" -> flag(Flags.ANSWERED, false);
            case "DELETED" -> flag(Flags.DELETED, true);
            case "UNDELETED" -> flag(Flags.DELETED, false);
            case "DRAFT" -> flag(Flags.DRAFT, true);
            case "UNDRAFT" -> flag(Flags.DRAFT, false);
            case "FLAGGED" -> flag(Flags.FLAGGED, true);
            case "UNFLAGGED" -> flag(Flags.FLAGGED, false);
            case "SEEN" -> flag(Flags.SEEN, true);
            case "UNSEEN" -> flag(Flags.SEEN, false);
            case "RECENT" -> c -> c.s.selected.isRecent(c.m.uid());
            case "OLD" -> c -> !c.s.selected.isRecent(c.m.uid());
            case "NEW" -> c -> c.s.selected.isRecent(c.m.uid()) && !c.m.flags().contains(Flags.SEEN);
            case "KEYWORD", "UNKEYWORD" -> {
                in.sp();
                String f = in.atom();
                boolean want = k.equals("KEYWORD");
                yield c -> c.m.flags().names().contains(f) == want;
            }
            case "LARGER" -> {
                in.sp();
                long n = in.number();
                yield c -> c.m.size() > n;
            }
            case "SMALLER" -> {
                in.sp();
                long n = in.number();
                yield c -> c.m.size() < n;
            }
            case "UID" -> {
                in.sp();
                SequenceSet set = SequenceSet.parse(in.until("()"));
                UidSet uids = s.selected.resolve(set, true, s.savedSearch);
                yield c -> uids.contains(c.m.uid());
            }
            case "BEFORE", "ON", "SINCE" -> {
                in.sp();
                LocalDate d = date(in);
                yield c -> compare(c.m.internalDate().atZone(ZoneOffset.UTC).toLocalDate(), d, k);
            }
            case "SENTBEFORE", "SENTON", "SENTSINCE" -> {
                in.sp();
                LocalDate d = date(in);
                yield c -> c.keys().sentDate() != null && compare(c.keys().sentDate().atZone(ZoneOffset.UTC).toLocalDate(), d, k.substring(4));
            }
            case "FROM", "TO", "CC", "BCC" -> {
                in.sp();
                String v = lower(in.astring());
                String field = k.charAt(0) + k.substring(1).toLowerCase(Locale.ROOT);
                yield c -> lower(c.addresses(field)).contains(v);
            }
            case "SUBJECT" -> {
                in.sp();
                String v = lower(in.astring());
                yield c -> c.keys().subject() != null && lower(c.keys().subject()).contains(v);
            }
            case "HEADER" -> {
                in.sp();
                String field = in.astring();
                in.sp();
                String v = lower(in.astring());
                yield c -> c.field(field).stream().anyMatch(x -> lower(x).contains(v));
            }
            case "BODY" -> {
                in.sp();
                String v = lower(in.astring());
                yield c -> lower(c.text().substring(Math.min(c.text().length(), c.header().length()))).contains(v);
            }
            case "TEXT" -> {
                in.sp();
                String v = lower(in.astring());
                yield c -> lower(c.text()).contains(v);
            }
            case "NOT" -> {
                in.sp();
                Predicate<Candidate> p = key(s, in, depth + 1);
                yield p.negate();
            }
            case "OR" -> {
                in.sp();
                Predicate<Candidate> a = key(s, in, depth + 1);
                in.sp();
                Predicate<Candidate> b = key(s, in, depth + 1);
                yield a.or(b);
            }
            default -> throw new BadSyntax("unknown search key " + (k.length() > 30 ? k.substring(0, 30) : k));
        };
    }

    private static Predicate<Candidate> flag(String name, boolean set) {
        return c -> c.m.flags().contains(name) == set;
    }

    private static boolean compare(LocalDate day, LocalDate d, String op) {
        return switch (op) {
            case "BEFORE" -> day.isBefore(d);
            case "ON" -> day.equals(d);
            default -> !day.isBefore(d);
        };
    }

    private static LocalDate date(CommandReader in) throws IOException {
        String text = in.peek() == '"' ? new String(in.stringBytes(), StandardCharsets.US_ASCII) : in.atom();
        try {
            return LocalDate.parse(text, DATE);
        } catch (DateTimeParseException e) {
            throw new BadSyntax("invalid date " + (text.length() > 20 ? text.substring(0, 20) : text));
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
