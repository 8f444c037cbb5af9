package org.postiljon.imap.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.imap.wire.SequenceSet;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.UidSet;

/**
 * SEARCH and UID SEARCH, RFC 9051 §6.4.4, with ESEARCH (RFC 4731) and SEARCHRES (RFC 5182).
 * The keys become a {@link SearchQuery} (sequence numbers, {@code $} and \Recent turned into
 * UIDs of this session's view) that the mailbox layer runs; the answer is mapped back to this
 * view, leaving out messages the session has not been told of yet.
 */
final class Search implements Command {

    /** RFC 3501 §9 / RFC 9051 §9: date-month is an ABNF string, so any letter case ("24-mar-2007"). */
    private static final DateTimeFormatter DATE = new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("d-MMM-yyyy").toFormatter(Locale.ENGLISH);
    private final boolean uid;

    Search(boolean uid) {
        this.uid = uid;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        long[][] range = {null};
        // RFC 5267 §4: CONTEXT (a hint), UPDATE and PARTIAL; RFC 9394 §4.4: PARTIAL.
        List<String> returns = returns(in, List.of("MIN", "MAX", "ALL", "COUNT", "SAVE", "CONTEXT", "UPDATE"), r -> range[0] = Sort.range(r));
        if (peekWord(in, "CHARSET")) {
            in.atom();
            in.sp();
            charset(in.astring());
            in.sp();
        }
        SelectedMailbox view = s.selected();
        List<SearchQuery> all = criteria(s, in);
        in.end();
        SearchQuery query = all.size() == 1 ? all.getFirst() : new SearchQuery.And(all);
        boolean update = returns != null && returns.contains("UPDATE");
        if (update) s.contexts.requireUnused(tag);
        long[] found = s.services().messages().search(s.account, view.mailbox.name(), query);
        List<Long> hits = new ArrayList<>();
        List<Long> hitUids = new ArrayList<>();
        for (long u : found) {
            int seq = view.seqOf(u);
            if (seq == 0) continue; // arrived after this session's view: not announced yet
            hits.add(uid ? u : seq);
            hitUids.add(u);
        }
        if (returns != null && returns.contains("SAVE")) s.savedSearch = hitUids.stream().mapToLong(Long::longValue).toArray();
        // RFC 7162 §3.1.5: a search by MODSEQ reports the highest MODSEQ of what it returns; RFC 4731 §3.2: with
        // MIN or MAX alone (or both, without ALL or COUNT), of the messages MIN and MAX name.
        long highest = 0;
        if (usesModSeq(all) && !hitUids.isEmpty()) {
            List<Long> reported = hitUids;
            if (returns != null && !returns.isEmpty() && !returns.contains("ALL") && !returns.contains("COUNT")
                    && (returns.contains("MIN") || returns.contains("MAX"))) {
                reported = new ArrayList<>();
                if (returns.contains("MIN")) reported.add(hitUids.getFirst());
                if (returns.contains("MAX")) reported.add(hitUids.getLast());
            }
            for (var m : s.services().messages().list(s.account, view.mailbox.name(), UidSet.of(reported.stream().mapToLong(Long::longValue).toArray()))) {
                highest = Math.max(highest, m.modSeq());
            }
        }
        if (returns == null && !s.rev2()) {
            StringBuilder b = new StringBuilder("SEARCH");
            for (long h : hits) b.append(' ').append(h);
            if (highest > 0) b.append(" (MODSEQ ").append(highest).append(')');
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
                if (highest > 0) s.out().raw(" MODSEQ " + highest);
                if (range[0] != null) s.out().raw(Sort.partial(range[0], hits, true)); // results in mailbox order
                s.out().crlf();
            }
        }
        if (update) s.contexts.start(s, tag, uid, null, query, hitUids); // RFC 5267 §4.3
        s.ok(tag, (uid ? "UID SEARCH" : "SEARCH") + " completed", uid);
    }

    /**
     * RFC 4731 §3.1 {@code RETURN (...)} before the search keys: the options, or null when there
     * is none; an empty list means ALL. {@code partial} (if given) takes the range of PARTIAL.
     */
    static List<String> returns(CommandReader in, List<String> allowed, java.util.function.Consumer<String> partial) {
        if (!peekWord(in, "RETURN")) return null;
        in.atom();
        in.sp();
        List<String> returns = new ArrayList<>();
        in.atomList(r -> {
            if (r.equals("PARTIAL") && partial != null) {
                in.sp();
                partial.accept(in.atom());
            } else if (!allowed.contains(r)) {
                throw new BadSyntax("unknown RETURN option " + r);
            }
            returns.add(r);
        });
        if (returns.isEmpty()) returns.add("ALL");
        in.sp();
        return returns;
    }

    /** The charsets a search may name (RFC 9051 §6.4.4); strings are UTF-8 either way. */
    static void charset(String name) {
        String charset = name.toUpperCase(Locale.ROOT);
        if (!charset.equals("UTF-8") && !charset.equals("US-ASCII")) {
            throw new CommandFailed("BADCHARSET (UTF-8 US-ASCII)", "unsupported charset");
        }
    }

    /** Search keys up to the end of the command (SEARCH, SORT and THREAD share them). */
    static List<SearchQuery> criteria(Session s, CommandReader in) throws IOException {
        List<SearchQuery> all = new ArrayList<>();
        do {
            if (!all.isEmpty()) in.sp();
            all.add(key(s, in, 0));
        } while (in.peek() == ' ');
        return all;
    }

    static boolean usesModSeq(List<SearchQuery> keys) {
        for (SearchQuery q : keys) {
            boolean found = switch (q) {
                case SearchQuery.ModSeq m -> true;
                case SearchQuery.And a -> usesModSeq(a.all());
                case SearchQuery.Or(SearchQuery a, SearchQuery b) -> usesModSeq(List.of(a, b));
                case SearchQuery.Not(SearchQuery inner) -> usesModSeq(List.of(inner));
                default -> false;
            };
            if (found) return true;
        }
        return false;
    }

    private static boolean peekWord(CommandReader in, String word) {
        return in.peekAtom().equalsIgnoreCase(word);
    }

    private static SearchQuery key(Session s, CommandReader in, int depth) throws IOException {
        if (depth > s.services().limits().maxNesting()) throw new BadSyntax("search keys nested too deeply");
        if (in.skip('(')) {
            List<SearchQuery> list = new ArrayList<>();
            while (!in.skip(')')) {
                if (!list.isEmpty()) in.sp();
                list.add(key(s, in, depth + 1));
            }
            if (list.isEmpty()) throw new BadSyntax("empty search key list");
            return list.size() == 1 ? list.getFirst() : new SearchQuery.And(list);
        }
        int c0 = in.peek();
        if ((c0 >= '0' && c0 <= '9') || c0 == '*' || c0 == '$') {
            SequenceSet set = SequenceSet.parse(in.until("()"));
            if (set.saved()) return new SearchQuery.Uids(s.selected.resolve(set, true, s.savedSearch));
            // RFC 9051 §9 (seq-number): a number past the last message, or "*" in an empty mailbox, is BAD, as in FETCH.
            return new SearchQuery.Uids(s.selected.resolve(set, false, s.savedSearch));
        }
        String k = in.atom().toUpperCase(Locale.ROOT);
        return switch (k) {
            case "ALL" -> new SearchQuery.All();
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
            // RFC 3501 §6.4.4: \Recent is this session's; NEW is RECENT UNSEEN, OLD is NOT RECENT.
            case "RECENT" -> new SearchQuery.Uids(s.selected.recentUids());
            case "OLD" -> new SearchQuery.Not(new SearchQuery.Uids(s.selected.recentUids()));
            case "NEW" -> new SearchQuery.And(List.of(new SearchQuery.Uids(s.selected.recentUids()), flag(Flags.SEEN, false)));
            case "KEYWORD", "UNKEYWORD" -> {
                in.sp();
                yield flag(in.atom(), k.equals("KEYWORD"));
            }
            case "MODSEQ" -> { // RFC 7162 §3.1.5: MODSEQ [entry-name entry-type] n
                in.sp();
                if (in.peek() == '"') {
                    in.astring();
                    in.sp();
                    String type = in.atom().toLowerCase(Locale.ROOT);
                    if (!List.of("priv", "shared", "all").contains(type)) throw new BadSyntax("MODSEQ entry type is priv, shared or all");
                    in.sp();
                }
                s.enableCondstore();
                yield new SearchQuery.ModSeq(in.number());
            }
            case "OLDER", "YOUNGER" -> { // RFC 5032 §3: seconds before now, by the internal date
                in.sp();
                long seconds = in.number();
                java.time.Instant at = java.time.Instant.now().minusSeconds(Math.min(seconds, 1L << 40));
                yield new SearchQuery.Arrived(k.equals("OLDER"), at);
            }
            case "LARGER", "SMALLER" -> {
                in.sp();
                yield new SearchQuery.Size(k.equals("LARGER"), in.number());
            }
            case "UID" -> {
                in.sp();
                yield new SearchQuery.Uids(s.selected.resolve(SequenceSet.parse(in.until("()")), true, s.savedSearch));
            }
            case "BEFORE", "ON", "SINCE" -> {
                in.sp();
                yield new SearchQuery.Day(SearchQuery.DateField.INTERNAL, SearchQuery.Comparison.valueOf(k), date(in));
            }
            case "SENTBEFORE", "SENTON", "SENTSINCE" -> {
                in.sp();
                yield new SearchQuery.Day(SearchQuery.DateField.SENT, SearchQuery.Comparison.valueOf(k.substring(4)), date(in));
            }
            case "SAVEDBEFORE", "SAVEDON", "SAVEDSINCE" -> { // RFC 8514 §4.3
                in.sp();
                yield new SearchQuery.Day(SearchQuery.DateField.SAVED, SearchQuery.Comparison.valueOf(k.substring(5)), date(in));
            }
            case "SAVEDATESUPPORTED" -> new SearchQuery.All(); // every mailbox keeps the save date
            case "FROM", "TO", "CC", "BCC", "SUBJECT" -> {
                in.sp();
                yield new SearchQuery.Contains(SearchQuery.Field.valueOf(k), in.astring());
            }
            case "HEADER" -> {
                in.sp();
                String field = in.astring();
                in.sp();
                yield new SearchQuery.Header(field, in.astring());
            }
            case "BODY", "TEXT" -> {
                in.sp();
                yield new SearchQuery.Text(k.equals("TEXT"), in.astring());
            }
            case "NOT" -> {
                in.sp();
                yield new SearchQuery.Not(key(s, in, depth + 1));
            }
            case "OR" -> {
                in.sp();
                SearchQuery a = key(s, in, depth + 1);
                in.sp();
                yield new SearchQuery.Or(a, key(s, in, depth + 1));
            }
            default -> throw new BadSyntax("unknown search key " + (k.length() > 30 ? k.substring(0, 30) : k));
        };
    }

    private static SearchQuery flag(String name, boolean set) {
        SearchQuery has = new SearchQuery.HasFlag(name);
        return set ? has : new SearchQuery.Not(has);
    }

    /** The UIDs of the view's messages whose sequence numbers are in {@code set}; numbers past the end name nothing. */
    private static LocalDate date(CommandReader in) throws IOException {
        String text = in.peek() == '"' ? new String(in.stringBytes(), StandardCharsets.US_ASCII) : in.atom();
        try {
            return LocalDate.parse(text, DATE);
        } catch (DateTimeParseException e) {
            throw new BadSyntax("invalid date " + (text.length() > 20 ? text.substring(0, 20) : text));
        }
    }
}
