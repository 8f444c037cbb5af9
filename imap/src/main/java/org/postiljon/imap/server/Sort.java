package org.postiljon.imap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.SortKey;

/**
 * SORT and UID SORT (RFC 5256 §3) with SORT=DISPLAY (RFC 5957), ESORT's RETURN options (RFC 5267)
 * and PARTIAL ranges (RFC 9394 §4.4). The order comes from the keys stored at delivery.
 */
final class Sort implements Command {

    private final boolean uid;

    Sort(boolean uid) {
        this.uid = uid;
    }

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        long[][] range = {null};
        List<String> returns = Search.returns(in, List.of("MIN", "MAX", "ALL", "COUNT", "CONTEXT", "UPDATE"), r -> range[0] = range(r));
        long[] partial = range[0];
        List<SortKey> keys = keys(in);
        in.sp();
        Search.charset(in.astring());
        in.sp();
        List<SearchQuery> criteria = Search.criteria(s, in);
        in.end();
        SelectedMailbox view = s.selected();
        SearchQuery query = criteria.size() == 1 ? criteria.getFirst() : new SearchQuery.And(criteria);
        boolean update = returns != null && returns.contains("UPDATE");
        if (update) s.contexts.requireUnused(tag);
        long[] sorted = s.services().messages().sort(s.account, view.mailbox.name(), keys, query);
        List<Long> hits = new ArrayList<>();
        List<Long> hitUids = new ArrayList<>();
        for (long u : sorted) {
            int seq = view.seqOf(u);
            if (seq == 0) continue; // not yet announced to this session: left out
            hits.add(uid ? u : seq);
            hitUids.add(u);
        }
        if (returns == null) {
            StringBuilder b = new StringBuilder("SORT");
            for (long h : hits) b.append(' ').append(h);
            s.out().untagged(b.toString());
        } else {
            // RFC 5267 §3.2: ESEARCH, with ALL in sort order (not compacted into ranges that would lose it).
            var out = s.out();
            out.raw("* ESEARCH (TAG ").string(tag).raw(")" + (uid ? " UID" : ""));
            if (!hits.isEmpty()) {
                // RFC 5267 §3.1: MIN and MAX are the first and last message in the sort order, not the lowest numbers.
                if (returns.contains("MIN")) out.raw(" MIN " + hits.getFirst());
                if (returns.contains("MAX")) out.raw(" MAX " + hits.getLast());
                if (returns.contains("ALL")) out.raw(" ALL " + join(hits));
            }
            if (returns.contains("COUNT")) out.raw(" COUNT " + hits.size());
            if (partial != null) out.raw(partial(partial, hits, false));
            out.crlf();
        }
        if (update) s.contexts.start(s, tag, uid, keys, query, hitUids); // RFC 5267 §4.3
        s.ok(tag, (uid ? "UID SORT" : "SORT") + " completed", uid);
    }

    private static String join(List<Long> l) {
        StringBuilder b = new StringBuilder();
        for (long h : l) b.append(b.isEmpty() ? "" : ",").append(h);
        return b.toString();
    }

    /**
     * The PARTIAL return data (RFC 9394 §4.4, RFC 5267 §4.4): the results at positions
     * {@code range} (1-based; negative counts from the end), with the range as asked. SEARCH
     * results are in mailbox order and may be compacted into ranges; SORT's keep their order.
     */
    static String partial(long[] range, List<Long> hits, boolean compact) {
        int n = hits.size();
        long from = range[0] > 0 ? range[0] : n + range[0] + 1, to = range[1] > 0 ? range[1] : n + range[1] + 1;
        List<Long> page = new ArrayList<>();
        for (long i = Math.max(1, Math.min(from, to)); i <= Math.min(n, Math.max(from, to)); i++) page.add(hits.get((int) i - 1));
        String set = page.isEmpty() ? "NIL" : compact ? Copy.compact(page) : join(page);
        return " PARTIAL (" + range[0] + ":" + range[1] + " " + set + ")";
    }

    /** A PARTIAL range: both ends positive or both negative, never 0 (RFC 9394 §4.4). */
    static long[] range(String text) {
        int colon = text.indexOf(':', 1);
        try {
            if (colon < 0) throw new NumberFormatException();
            long a = Long.parseLong(text.substring(0, colon)), b = Long.parseLong(text.substring(colon + 1));
            if (a == 0 || b == 0 || (a > 0) != (b > 0) || Math.abs(a) > 1L << 32 || Math.abs(b) > 1L << 32) throw new NumberFormatException();
            return new long[] {a, b};
        } catch (NumberFormatException e) {
            throw new BadSyntax("PARTIAL range is n:m, both positive or both negative, never 0");
        }
    }

    private static List<SortKey> keys(CommandReader in) {
        in.expect('(');
        List<SortKey> keys = new ArrayList<>();
        boolean reverse = false;
        while (!in.skip(')')) {
            if (!keys.isEmpty() || reverse) in.sp();
            String k = in.atom().toUpperCase(Locale.ROOT);
            if (k.equals("REVERSE")) {
                if (reverse) throw new BadSyntax("REVERSE twice");
                reverse = true;
                continue;
            }
            SortKey.Field f;
            try {
                f = SortKey.Field.valueOf(k);
            } catch (IllegalArgumentException e) {
                throw new BadSyntax("unknown sort key " + k);
            }
            keys.add(new SortKey(f, reverse));
            reverse = false;
            if (keys.size() > 16) throw new BadSyntax("too many sort keys");
        }
        if (reverse) throw new BadSyntax("REVERSE must precede a sort key");
        if (keys.isEmpty()) throw new BadSyntax("empty sort criteria");
        return keys;
    }
}
