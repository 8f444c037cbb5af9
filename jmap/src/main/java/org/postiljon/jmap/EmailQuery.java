package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailId;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.SortKey;
import org.postiljon.mailbox.api.ThreadId;
import org.postiljon.mailbox.api.UidSet;

/**
 * Email/query and Email/queryChanges (RFC 8621 §4.4-4.5): JMAP filters as {@link SearchQuery},
 * the sort as {@link SortKey} (the one order rule, RFC 5255 i;unicode-casemap, that IMAP SORT and
 * folder views use too), a folder's page read with its order.
 */
final class EmailQuery {

    private final JmapServices svc;

    EmailQuery(JmapServices svc) {
        this.svc = svc;
    }

    void register(Map<String, Jmap.Method> m) {
        m.put("Email/query", this::query);
        m.put("Email/queryChanges", this::queryChanges);
    }


    private record Query(List<Mailbox> mailboxes, SearchQuery search, List<SortKey> sort, boolean collapse) { }

    private Query parseQuery(Call c) {
        List<Mailbox> own = MailboxMethods.own(svc, c.account);
        List<Mailbox> targets = new ArrayList<>(own);
        ObjectNode filter = c.object("filter");
        SearchQuery q = new SearchQuery.All();
        if (filter != null) {
            List<SearchQuery> parts = new ArrayList<>();
            // inMailbox / inMailboxOtherThan choose the folders when they stand at the top (alone or in an AND).
            List<JsonNode> top = new ArrayList<>();
            if ("AND".equals(filter.path("operator").asText(null))) filter.path("conditions").forEach(top::add);
            else if (!filter.has("operator")) top.add(filter);
            else parts.add(condition(filter, own));
            for (JsonNode t : top) {
                if (!t.isObject()) throw MethodError.invalidArguments("a filter is an object");
                ObjectNode rest = ((ObjectNode) t).deepCopy();
                JsonNode in = rest.remove("inMailbox");
                if (in != null) {
                    Mailbox m = MailboxMethods.byId(own, c.resolve(in.asText())).orElse(null);
                    targets.removeIf(x -> m == null || x.id() != m.id());
                }
                JsonNode other = rest.remove("inMailboxOtherThan");
                if (other != null) {
                    if (!other.isArray()) throw MethodError.invalidArguments("inMailboxOtherThan is a list of ids");
                    for (JsonNode o : other) MailboxMethods.byId(own, c.resolve(o.asText())).ifPresent(x -> targets.removeIf(y -> y.id() == x.id()));
                }
                if (!rest.isEmpty()) parts.add(condition(rest, own));
            }
            q = parts.isEmpty() ? q : parts.size() == 1 ? parts.getFirst() : new SearchQuery.And(parts);
        }
        List<SortKey> sort = new ArrayList<>();
        ArrayNode s = c.array("sort");
        if (s != null) {
            for (JsonNode k : s) {
                String p = k.path("property").asText();
                boolean asc = k.path("isAscending").asBoolean(true);
                SortKey.Field f = switch (p) {
                    case "receivedAt" -> SortKey.Field.ARRIVAL;
                    case "sentAt" -> SortKey.Field.DATE;
                    case "size" -> SortKey.Field.SIZE;
                    case "from" -> SortKey.Field.DISPLAYFROM;
                    case "to" -> SortKey.Field.DISPLAYTO;
                    case "subject" -> SortKey.Field.SUBJECT;
                    default -> throw new MethodError("unsupportedSort", "cannot sort by " + p);
                };
                sort.add(new SortKey(f, !asc));
            }
        }
        if (sort.isEmpty()) sort.add(new SortKey(SortKey.Field.ARRIVAL, true)); // newest first
        return new Query(targets, q, sort, c.flag("collapseThreads", false));
    }

    /** One FilterCondition or FilterOperator as a search over one mailbox (RFC 8621 §4.4.1). */
    private SearchQuery condition(JsonNode f, List<Mailbox> own) {
        if (!f.isObject()) throw MethodError.invalidArguments("a filter is an object");
        if (f.has("operator")) {
            List<SearchQuery> subs = new ArrayList<>();
            for (JsonNode x : f.path("conditions")) subs.add(condition(x, own));
            if (subs.isEmpty()) throw MethodError.invalidArguments("an operator needs conditions");
            return switch (f.path("operator").asText()) {
                case "AND" -> new SearchQuery.And(subs);
                case "OR" -> subs.stream().reduce(SearchQuery.Or::new).orElseThrow();
                case "NOT" -> new SearchQuery.Not(subs.size() == 1 ? subs.getFirst() : subs.stream().reduce(SearchQuery.Or::new).orElseThrow());
                default -> throw new MethodError("unsupportedFilter", "unknown operator " + f.path("operator").asText());
            };
        }
        List<SearchQuery> all = new ArrayList<>();
        for (var it = f.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            all.add(switch (e.getKey()) {
                case "text" -> new SearchQuery.Text(true, text(v));
                case "body" -> new SearchQuery.Text(false, text(v));
                case "from" -> new SearchQuery.Contains(SearchQuery.Field.FROM, text(v));
                case "to" -> new SearchQuery.Contains(SearchQuery.Field.TO, text(v));
                case "cc" -> new SearchQuery.Contains(SearchQuery.Field.CC, text(v));
                case "bcc" -> new SearchQuery.Contains(SearchQuery.Field.BCC, text(v));
                case "subject" -> new SearchQuery.Contains(SearchQuery.Field.SUBJECT, text(v));
                case "hasKeyword" -> new SearchQuery.HasFlag(EmailView.flag(text(v)));
                case "notKeyword" -> new SearchQuery.Not(new SearchQuery.HasFlag(EmailView.flag(text(v))));
                case "before" -> new SearchQuery.Arrived(true, instant(v));
                case "after" -> new SearchQuery.Not(new SearchQuery.Arrived(true, instant(v)));
                case "minSize" -> new SearchQuery.Not(new SearchQuery.Size(false, v.asLong()));
                case "maxSize" -> new SearchQuery.Size(false, v.asLong());
                case "hasAttachment" -> {
                    if (!v.isBoolean()) throw MethodError.invalidArguments("hasAttachment is true or false");
                    yield v.asBoolean() ? new SearchQuery.HasAttachment() : new SearchQuery.Not(new SearchQuery.HasAttachment());
                }
                case "header" -> {
                    if (!v.isArray() || v.isEmpty() || v.size() > 2) throw MethodError.invalidArguments("header is [name] or [name, value]");
                    yield new SearchQuery.Header(v.get(0).asText(), v.size() == 2 ? v.get(1).asText() : "");
                }
                case "inMailbox", "inMailboxOtherThan" -> throw new MethodError("unsupportedFilter", e.getKey() + " only at the top of a filter or in its AND");
                default -> throw new MethodError("unsupportedFilter", "cannot filter by " + e.getKey());
            });
        }
        return all.isEmpty() ? new SearchQuery.All() : all.size() == 1 ? all.getFirst() : new SearchQuery.And(all);
    }

    private static String text(JsonNode v) {
        if (!v.isTextual()) throw MethodError.invalidArguments("expected a string, got " + v);
        if (v.asText().length() > 1000) throw MethodError.invalidArguments("search text longer than 1000 characters");
        return v.asText();
    }

    static Instant instant(JsonNode v) {
        try {
            return Instant.parse(v.asText());
        } catch (RuntimeException e) {
            throw MethodError.invalidArguments("not a UTCDate: " + v.asText());
        }
    }

    private record Hit(Mailbox mailbox, MessageInfo info, MessageKeys keys) { }

    /**
     * The whole result, in order, one id per Email (and per thread when collapsing).
     *
     * @param from where the page asked for probably starts (-1: unknown), read with the order
     */
    private List<String> run(Account a, Query q, int from) {
        if (q.mailboxes().size() == 1 && !q.collapse()) {
            // One folder: the stored sort order (cached per message set) and the page's messages in
            // one read; ids of other stretches only when asked for.
            Mailbox m = q.mailboxes().getFirst();
            Messages.SortedPage sorted = svc.messages().sort(a, m.name(), q.sort(), q.search(), Math.max(0, from), from < 0 ? 0 : FolderIds.BLOCK);
            FolderIds ids = new FolderIds(a, m, sorted.uids());
            if (from >= 0) ids.fill(from, sorted.page());
            return ids;
        }
        if (q.mailboxes().size() == 1) {
            // One folder, one row per thread: the stored sort order, then threads told apart a block
            // at a time only as far as the page needs (a first page reads a few hundred messages, not the folder).
            Mailbox m = q.mailboxes().getFirst();
            return new CollapsedIds(a, m, svc.messages().sort(a, m.name(), q.sort(), q.search(), 0, 0).uids());
        }
        List<Hit> hits = new ArrayList<>();
        for (Mailbox m : q.mailboxes()) {
            long[] uids = svc.messages().search(a, m.name(), q.search());
            if (uids.length == 0) continue;
            UidSet set = UidSet.ofSorted(uids);
            var keys = svc.messages().keys(a, m.name(), set, false);
            for (MessageInfo i : svc.messages().list(a, m.name(), set)) hits.add(new Hit(m, i, keys.get(i.uid())));
        }
        // The folder view's rule (SortKey.order is what the store does in SQL), then mailbox and UID.
        Comparator<Hit> order = SortKey.order(q.sort(), Hit::info, Hit::keys);
        hits.sort(order.thenComparing(h -> h.info().mailboxId()).thenComparing(h -> h.info().uid()));
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        Set<String> threads = new java.util.HashSet<>();
        for (Hit h : hits) {
            if (q.collapse() && h.keys() != null && !threads.add(ThreadId.of(h.keys(), h.info().blobId()).toString())) continue;
            ids.add(EmailId.of(h.info()).toString());
        }
        return new ArrayList<>(ids);
    }

    /**
     * The ids of a sorted folder, read from the store a block at a time when asked for, so a page
     * of a 100,000-message folder costs one read of 50 rows, not one of every row. A message
     * expunged since the sort reads as "" (left out of pages). Two copies of one content in the
     * folder are two entries here (the general path keeps one).
     */
    private final class FolderIds extends java.util.AbstractList<String> {
        private static final int BLOCK = 256;
        private final Account account;
        private final Mailbox mailbox;
        private final long[] uids;
        private final String[] ids;

        FolderIds(Account account, Mailbox mailbox, long[] uids) {
            this.account = account;
            this.mailbox = mailbox;
            this.uids = uids;
            this.ids = new String[uids.length];
        }

        @Override
        public int size() {
            return uids.length;
        }

        @Override
        public String get(int i) {
            if (ids[i] == null) fill(i, svc.messages().list(account, mailbox.name(), UidSet.of(Arrays.copyOfRange(uids, i, Math.min(uids.length, i + BLOCK)))));
            return ids[i];
        }

        /** The ids of positions {@code from} to {@code from + BLOCK} from their messages ("" for those gone). */
        void fill(int from, List<MessageInfo> messages) {
            int end = Math.min(uids.length, from + BLOCK);
            Map<Long, Integer> at = new HashMap<>();
            for (int k = from; k < end; k++) {
                at.put(uids[k], k);
                ids[k] = "";
            }
            for (MessageInfo m : messages) {
                Integer k = at.get(m.uid());
                if (k != null) ids[k] = EmailId.of(m).toString();
            }
        }
    }


    /** A result list that can say how many of its first entries exist without working out all of them. */
    interface Lazy {
        /** min(n, size()), computing no more than n entries where it can. */
        int available(int n);
    }

    /**
     * The newest (first in the sort) message of each thread of a sorted folder, worked out as far as
     * asked: {@code get(i)} reads blocks of messages and their thread keys until entry i is known;
     * {@code size()} (a total asked for) reads the whole folder.
     */
    private final class CollapsedIds extends java.util.AbstractList<String> implements Lazy {
        private static final int BLOCK = 256;
        private final Account account;
        private final Mailbox mailbox;
        private final long[] uids;
        private final List<String> ids = new ArrayList<>();
        private final Set<String> threads = new java.util.HashSet<>();
        private int read;

        CollapsedIds(Account account, Mailbox mailbox, long[] uids) {
            this.account = account;
            this.mailbox = mailbox;
            this.uids = uids;
        }

        /** Reads blocks until {@code n} entries are known or the folder is read. */
        private void fill(int n) {
            while (ids.size() < n && read < uids.length) {
                long[] block = Arrays.copyOfRange(uids, read, Math.min(uids.length, read + BLOCK));
                read += block.length;
                UidSet set = UidSet.of(block);
                var keys = svc.messages().keys(account, mailbox.name(), set, false);
                Map<Long, MessageInfo> infos = new HashMap<>();
                for (MessageInfo i : svc.messages().list(account, mailbox.name(), set)) infos.put(i.uid(), i);
                for (long uid : block) {
                    MessageInfo i = infos.get(uid);
                    if (i == null) continue; // expunged since the sort
                    MessageKeys k = keys.get(uid);
                    if (k != null && !threads.add(ThreadId.of(k, i.blobId()).toString())) continue;
                    ids.add(EmailId.of(i).toString());
                }
            }
        }

        @Override
        public int available(int n) {
            fill(n);
            return Math.min(n, ids.size());
        }

        @Override
        public String get(int i) {
            fill(i + 1);
            return ids.get(i);
        }

        @Override
        public int size() {
            fill(Integer.MAX_VALUE);
            return ids.size();
        }
    }

    private ObjectNode query(Call c) {
        c.accountId();
        String state = Jmap.state(svc, c.account);
        Query q = parseQuery(c);
        // Where the page starts, when the request says so directly (not by anchor or from the end).
        long position = c.text("anchor") == null ? c.number("position", 0, Integer.MIN_VALUE, Integer.MAX_VALUE) : -1;
        ObjectNode out = MailboxMethods.page(c, run(c.account, q, (int) Math.max(-1, position)), state);
        out.put("collapseThreads", q.collapse());
        return out;
    }

    /**
     * RFC 8620 §5.6: every Email changed since is listed as removed, and added again at its
     * place if it matches now (the RFC allows removed to hold ids that were not in the results).
     */
    private ObjectNode queryChanges(Call c) {
        c.accountId();
        String since = c.text("sinceQueryState");
        if (since == null || !since.matches("[0-9]{1,18}")) throw new MethodError("cannotCalculateChanges", "unknown query state");
        long max = c.number("maxChanges", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        Set<String> changed = new LinkedHashSet<>();
        for (Messages.LoggedChange ch : svc.messages().changes(c.account, Long.parseLong(since))) {
            if (ch.content() != null) changed.add(EmailId.of(ch.content()).toString());
        }
        if (changed.size() > max) throw new MethodError("tooManyChanges", changed.size() + " Emails changed, more than maxChanges");
        String state = Jmap.state(svc, c.account);
        List<String> now = run(c.account, parseQuery(c), -1);
        ObjectNode out = EmailMethods.base(c);
        out.put("oldQueryState", since);
        out.put("newQueryState", state);
        if (c.flag("calculateTotal", false)) out.put("total", now.size());
        ArrayNode removed = out.putArray("removed");
        ArrayNode added = out.putArray("added");
        changed.forEach(removed::add);
        for (int i = 0; i < now.size(); i++) {
            if (changed.contains(now.get(i))) added.addObject().put("id", now.get(i)).put("index", i);
        }
        return out;
    }
}
