package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.FlagUpdate;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.ObjectIds;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.SortKey;
import org.postiljon.mailbox.api.StagedMessage;
import org.postiljon.mailbox.api.UidSet;

/**
 * Email/get, /changes, /query, /queryChanges, /set, /import, /parse, Thread/get, Thread/changes
 * and SearchSnippet/get (RFC 8621 §3-5). An Email is a content in one or more of the user's own
 * mailboxes; every change goes through {@link Messages}, so IMAP sessions hear of it at once.
 */
final class EmailMethods {

    private final JmapServices svc;
    private final Blobs blobs;

    EmailMethods(JmapServices svc, Blobs blobs) {
        this.svc = svc;
        this.blobs = blobs;
    }

    void register(Map<String, Jmap.Method> m) {
        m.put("Email/get", this::get);
        m.put("Email/changes", this::changes);
        m.put("Email/query", this::query);
        m.put("Email/queryChanges", this::queryChanges);
        m.put("Email/set", this::set);
        m.put("Email/import", this::importEmails);
        m.put("Email/parse", this::parse);
        m.put("Thread/get", this::threads);
        m.put("Thread/changes", this::threadChanges);
        m.put("SearchSnippet/get", this::snippets);
    }

    // ---- finding Emails ----

    /** The instances of an email, or empty when the id is unknown or not the user's. */
    static List<MessageInfo> instances(JmapServices svc, Account a, String emailId) {
        return ObjectIds.emailContent(emailId).map(p -> svc.messages().withContent(a, p)).orElse(List.of());
    }

    private List<MessageInfo> instances(Account a, String emailId) {
        return instances(svc, a, emailId);
    }

    private static ObjectNode base(Call c) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", Jmap.accountId(c.account));
        return out;
    }

    // ---- Email/get ----

    private ObjectNode get(Call c) {
        c.accountId();
        List<String> ids = c.ids(svc.limits().maxObjectsInGet());
        if (ids == null) throw new MethodError("requestTooLarge", "Email/get needs ids (use Email/query to find them)");
        List<String> props = c.properties(new ArrayList<>(EmailView.DEFAULT), EmailView.PROPERTIES);
        EmailView.Fetch fetch = fetch(c);
        ObjectNode out = base(c);
        out.put("state", Jmap.state(svc, c.account));
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        Map<Long, Mailbox> mailboxes = Blobs.byKey(svc, c.account);
        // A page in one read: every Email's copies and the keys of the first of each.
        Map<String, String> prefixOf = new java.util.LinkedHashMap<>();
        for (String id : new LinkedHashSet<>(ids)) prefixOf.put(id, ObjectIds.emailContent(id).orElse(""));
        Map<String, Messages.Copies> byPrefix = svc.messages().withContents(c.account, prefixOf.values());
        for (var e : prefixOf.entrySet()) {
            Messages.Copies found = byPrefix.get(e.getValue());
            if (found == null) {
                notFound.add(e.getKey());
                continue;
            }
            list.add(view(c.account, found.messages(), mailboxes, found.keys(), props, fetch));
        }
        return out;
    }

    private EmailView.Fetch fetch(Call c) {
        List<String> bodyProps = EmailView.BODY_DEFAULT;
        ArrayNode bp = c.array("bodyProperties");
        if (bp != null) {
            bodyProps = new ArrayList<>();
            for (JsonNode n : bp) bodyProps.add(n.asText());
        }
        int max = (int) c.number("maxBodyValueBytes", 0, 0, Integer.MAX_VALUE);
        int cap = svc.limits().maxBodyValueBytes();
        return new EmailView.Fetch(bodyProps, c.flag("fetchTextBodyValues", false), c.flag("fetchHTMLBodyValues", false),
                c.flag("fetchAllBodyValues", false), max == 0 ? cap : Math.min(max, cap), c.flag("allowRemoteImages", false));
    }

    private ObjectNode view(Account a, List<MessageInfo> found, Map<Long, Mailbox> mailboxes, MessageKeys keys, List<String> props,
                            EmailView.Fetch fetch) {
        MessageInfo first = found.getFirst();
        Mailbox mb = mailboxes.get(first.mailboxId());
        return EmailView.json(found, mailboxes, keys, props, fetch, () -> svc.messages().open(a, mb.name(), first.uid()));
    }

    // ---- Email/changes ----

    private ObjectNode changes(Call c) {
        c.accountId();
        long since = Changes.sinceState(c);
        long current = svc.messages().highestModSeq(c.account);
        List<Changes.Entry> entries = new ArrayList<>();
        Map<String, Boolean> exists = new HashMap<>();
        for (Messages.LoggedChange ch : svc.messages().changes(c.account, since)) {
            if (ch.content() == null) continue;
            String id = ObjectIds.email(ch.content());
            Changes.Kind kind = switch (ch.kind()) {
                case APPEND -> Changes.Kind.CREATED;
                case FLAGS -> Changes.Kind.UPDATED;
                case EXPUNGE -> exists.computeIfAbsent(id, k -> !instances(c.account, k).isEmpty()) ? Changes.Kind.UPDATED : Changes.Kind.DESTROYED;
                default -> null;
            };
            if (kind != null) entries.add(new Changes.Entry(ch.modSeq(), id, kind));
        }
        ObjectNode out = Changes.answer(c, since, current, entries);
        // A moved message is an EXPUNGE and an APPEND of the same content: one update, not a new Email.
        return out;
    }

    // ---- Email/query ----

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

    private static Instant instant(JsonNode v) {
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
            if (q.collapse() && h.keys() != null && !threads.add(ObjectIds.thread(h.keys(), h.info().blobId()))) continue;
            ids.add(ObjectIds.email(h.info()));
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
                if (k != null) ids[k] = ObjectIds.email(m);
            }
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
            if (ch.content() != null) changed.add(ObjectIds.email(ch.content()));
        }
        if (changed.size() > max) throw new MethodError("tooManyChanges", changed.size() + " Emails changed, more than maxChanges");
        String state = Jmap.state(svc, c.account);
        List<String> now = run(c.account, parseQuery(c), -1);
        ObjectNode out = base(c);
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

    // ---- Email/set ----

    private ObjectNode set(Call c) {
        Map<Long, Mailbox> mailboxes = Blobs.byKey(svc, c.account); // Email/set changes no mailbox: read once
        return SetMethod.run(c, svc.limits().maxObjectsInSet(), () -> Jmap.state(svc, c.account), (key, email) -> {
            byte[] message = EmailWriter.write(email, id -> blobs.open(c.account, c.resolve(id)), c.account);
            return store(c, email, new ByteArrayInputStream(message), mailboxes);
        }, (id, patch) -> update(c, id, patch, mailboxes), id -> destroy(c.account, id, mailboxes), () -> { });
    }

    /** The target mailboxes of a create or import: {@code mailboxIds} with at least one entry. */
    private static List<Mailbox> targets(Call c, JsonNode email, java.util.Collection<Mailbox> own) {
        JsonNode ids = email.get("mailboxIds");
        if (ids == null || !ids.isObject() || ids.isEmpty()) throw new MethodError("invalidProperties", "mailboxIds needs at least one mailbox");
        List<Mailbox> out = new ArrayList<>();
        for (var it = ids.fieldNames(); it.hasNext(); ) {
            String id = c.resolve(it.next());
            out.add(MailboxMethods.byId(List.copyOf(own), id).orElseThrow(() -> new MethodError("invalidProperties", "no mailbox " + id)));
        }
        return out;
    }

    private static Flags flags(JsonNode keywords) {
        if (keywords == null || keywords.isNull()) return Flags.NONE;
        if (!keywords.isObject()) throw new MethodError("invalidProperties", "keywords is an object");
        List<String> names = new ArrayList<>();
        for (var it = keywords.fields(); it.hasNext(); ) {
            var k = it.next();
            if (!k.getValue().asBoolean(false)) throw new MethodError("invalidProperties", "keyword values must be true");
            try {
                names.add(EmailView.flag(k.getKey()));
            } catch (MailboxException.InvalidName e) {
                throw new MethodError("invalidProperties", e.getMessage());
            }
        }
        try {
            return Flags.of(names);
        } catch (MailboxException.InvalidName e) {
            throw new MethodError("invalidProperties", e.getMessage());
        }
    }

    /** Appends a message to the first target mailbox and copies it to the others; the created-object answer. */
    private ObjectNode store(Call c, JsonNode email, InputStream content, Map<Long, Mailbox> mailboxes) {
        List<Mailbox> targets = targets(c, email, mailboxes.values());
        Flags flags = flags(email.get("keywords"));
        Instant at = email.hasNonNull("receivedAt") ? instant(email.get("receivedAt")) : Instant.now();
        StagedMessage staged = svc.messages().stage(content, flags, at);
        var appended = svc.messages().appendAll(c.account, targets.getFirst().name(), List.of(staged)).getFirst();
        for (Mailbox m : targets.subList(1, targets.size())) {
            svc.messages().copy(c.account, targets.getFirst().name(), UidSet.of(appended.uid()), m.name());
        }
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("id", ObjectIds.email(appended.message()));
        r.put("blobId", Blobs.messageBlobId(appended.message().blobId()));
        r.put("threadId", ObjectIds.thread(staged.keys(), appended.message().blobId()));
        r.put("size", appended.message().size());
        return r;
    }

    private void update(Call c, String id, JsonNode patch, Map<Long, Mailbox> mailboxes) {
        List<MessageInfo> found = instances(c.account, id);
        if (found.isEmpty()) throw new MethodError("notFound", "no Email " + id);
        List<Mailbox> own = List.copyOf(mailboxes.values());
        FlagUpdate replace = null;
        List<String> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        Set<Long> target = null;
        Set<Long> addTo = new LinkedHashSet<>();
        Set<Long> removeFrom = new LinkedHashSet<>();
        for (var it = patch.fields(); it.hasNext(); ) {
            var e = it.next();
            String path = e.getKey();
            JsonNode v = e.getValue();
            if (path.equals("keywords")) {
                replace = new FlagUpdate(FlagUpdate.Mode.REPLACE, flags(v));
            } else if (path.startsWith("keywords/")) {
                String kw = EmailView.flag(path.substring(9));
                if (v.isNull() || (v.isBoolean() && !v.asBoolean())) remove.add(kw);
                else if (v.asBoolean(false)) add.add(kw);
                else throw new MethodError("invalidPatch", path + " must be true or null");
            } else if (path.equals("mailboxIds")) {
                target = new LinkedHashSet<>();
                for (var m : targets(c, patch, mailboxes.values())) target.add(m.id());
            } else if (path.startsWith("mailboxIds/")) {
                String mid = c.resolve(path.substring(11));
                Mailbox m = MailboxMethods.byId(own, mid).orElseThrow(() -> new MethodError("invalidProperties", "no mailbox " + mid));
                if (v.isNull() || (v.isBoolean() && !v.asBoolean())) removeFrom.add(m.id()); else addTo.add(m.id());
            } else {
                throw new MethodError("invalidProperties", path + " cannot be changed (Emails are immutable but for keywords and mailboxIds)");
            }
        }
        // Keywords first, on every instance: they travel with a move.
        try {
            for (MessageInfo i : found) {
                Mailbox m = mailboxes.get(i.mailboxId());
                if (replace != null) {
                    // \Deleted is IMAP's, not a keyword: a JMAP replace keeps it as it was.
                    Flags keep = i.flags().contains(Flags.DELETED) ? replace.flags().with(Flags.of(Flags.DELETED)) : replace.flags();
                    svc.messages().store(c.account, m.name(), UidSet.of(i.uid()), new FlagUpdate(FlagUpdate.Mode.REPLACE, keep));
                }
                if (!add.isEmpty()) svc.messages().store(c.account, m.name(), UidSet.of(i.uid()), new FlagUpdate(FlagUpdate.Mode.ADD, Flags.of(add)));
                if (!remove.isEmpty()) svc.messages().store(c.account, m.name(), UidSet.of(i.uid()), new FlagUpdate(FlagUpdate.Mode.REMOVE, Flags.of(remove)));
            }
        } catch (MailboxException.InvalidName e) {
            throw new MethodError("invalidProperties", e.getMessage());
        }
        if (target == null && addTo.isEmpty() && removeFrom.isEmpty()) return;
        Set<Long> now = new LinkedHashSet<>();
        for (MessageInfo i : found) now.add(i.mailboxId());
        Set<Long> want = target != null ? new LinkedHashSet<>(target) : new LinkedHashSet<>(now);
        want.addAll(addTo);
        want.removeAll(removeFrom);
        if (want.isEmpty()) throw new MethodError("invalidProperties", "an Email must stay in at least one mailbox (destroy it instead)");
        List<Long> missing = want.stream().filter(x -> !now.contains(x)).toList();
        List<MessageInfo> extra = found.stream().filter(i -> !want.contains(i.mailboxId())).toList();
        int k = 0;
        // Moves where an instance leaves one mailbox for another (one atomic MOVE, so IMAP sees EXPUNGE + EXISTS).
        for (MessageInfo i : extra) {
            Mailbox from = mailboxes.get(i.mailboxId());
            if (k < missing.size()) {
                svc.messages().move(c.account, from.name(), UidSet.of(i.uid()), mailboxes.get(missing.get(k++)).name());
            } else {
                svc.messages().delete(c.account, from.name(), UidSet.of(i.uid()));
            }
        }
        MessageInfo source = found.stream().filter(i -> want.contains(i.mailboxId())).findFirst().orElse(null);
        for (; k < missing.size(); k++) {
            if (source == null) break;
            svc.messages().copy(c.account, mailboxes.get(source.mailboxId()).name(), UidSet.of(source.uid()), mailboxes.get(missing.get(k)).name());
        }
    }

    private void destroy(Account a, String id, Map<Long, Mailbox> mailboxes) {
        List<MessageInfo> found = instances(a, id);
        if (found.isEmpty()) throw new MethodError("notFound", "no Email " + id);
        Map<Long, List<Long>> byMailbox = new LinkedHashMap<>();
        for (MessageInfo i : found) byMailbox.computeIfAbsent(i.mailboxId(), k -> new ArrayList<>()).add(i.uid());
        for (var e : byMailbox.entrySet()) {
            svc.messages().delete(a, mailboxes.get(e.getKey()).name(), UidSet.of(e.getValue().stream().mapToLong(Long::longValue).toArray()));
        }
    }

    // ---- Email/import and Email/parse ----

    private ObjectNode importEmails(Call c) {
        c.accountId();
        String oldState = Jmap.state(svc, c.account);
        Changes.checkState(c, oldState);
        ObjectNode emails = c.object("emails");
        if (emails == null) throw MethodError.invalidArguments("emails is required");
        if (emails.size() > svc.limits().maxObjectsInSet()) throw new MethodError("requestTooLarge", "too many emails");
        Map<Long, Mailbox> mailboxes = Blobs.byKey(svc, c.account);
        ObjectNode out = base(c);
        out.put("oldState", oldState);
        ObjectNode created = out.putObject("created");
        ObjectNode notCreated = out.putObject("notCreated");
        for (var it = emails.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode email = e.getValue();
            try {
                String blobId = c.resolve(email.path("blobId").asText(null));
                Optional<Blobs.Blob> blob = blobs.open(c.account, blobId);
                if (blob.isEmpty()) throw new MethodError("blobNotFound", "no blob " + blobId);
                ObjectNode r;
                try (InputStream in = blob.get().content()) {
                    r = store(c, email, in, mailboxes);
                }
                c.created.put(e.getKey(), r.get("id").asText());
                created.set(e.getKey(), r);
            } catch (MethodError | MailboxException x) {
                ObjectNode err = Errors.setError(x);
                if (x instanceof MethodError m && m.type.equals("blobNotFound")) err.putArray("notFound").add(email.path("blobId").asText(""));
                notCreated.set(e.getKey(), err);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }
        out.put("newState", Jmap.state(svc, c.account));
        return out;
    }

    private ObjectNode parse(Call c) {
        c.accountId();
        ArrayNode ids = c.array("blobIds");
        if (ids == null) throw MethodError.invalidArguments("blobIds is required");
        if (ids.size() > svc.limits().maxObjectsInGet()) throw new MethodError("requestTooLarge", "too many blobs");
        List<String> props = c.properties(new ArrayList<>(List.of("messageId", "inReplyTo", "references", "sender", "from", "to", "cc", "bcc",
                "replyTo", "subject", "sentAt", "hasAttachment", "preview", "bodyValues", "textBody", "htmlBody", "attachments")), EmailView.PROPERTIES);
        props.remove("id");
        EmailView.Fetch fetch = fetch(c);
        ObjectNode out = base(c);
        ObjectNode parsed = out.putObject("parsed");
        ArrayNode notParsable = out.putArray("notParsable");
        ArrayNode notFound = out.putArray("notFound");
        for (JsonNode n : ids) {
            String id = c.resolve(n.asText());
            Optional<Blobs.Blob> blob = blobs.open(c.account, id);
            if (blob.isEmpty()) {
                notFound.add(id);
                continue;
            }
            byte[] bytes;
            try (InputStream in = blob.get().content()) {
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            StagedMessage staged;
            try {
                // The one parser every delivery uses; the staged copy is given up at once (the sweeper removes it).
                staged = svc.messages().stage(new ByteArrayInputStream(bytes), Flags.NONE, Instant.now());
            } catch (MailboxException e) {
                notParsable.add(id);
                continue;
            }
            svc.messages().discard(List.of(staged));
            MessageInfo info = new MessageInfo(0, 0, 0, Flags.NONE, staged.internalDate(), null, staged.size(), staged.blob());
            ObjectNode email = EmailView.json(List.of(info), Map.of(), staged.keys(), props, fetch, () -> new ByteArrayInputStream(bytes));
            for (String f : List.of("id", "mailboxIds", "keywords", "receivedAt", "threadId")) if (email.has(f)) email.putNull(f);
            parsed.set(id, email);
        }
        return out;
    }

    // ---- Thread ----

    private ObjectNode threads(Call c) {
        c.accountId();
        List<String> ids = c.ids(svc.limits().maxObjectsInGet());
        if (ids == null) throw new MethodError("requestTooLarge", "Thread/get needs ids");
        ObjectNode out = base(c);
        out.put("state", Jmap.state(svc, c.account));
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        for (String id : new LinkedHashSet<>(ids)) {
            List<MessageInfo> members = ObjectIds.threadRoot(id).map(r -> svc.messages().inThread(c.account, r))
                    .or(() -> ObjectIds.singleThreadContent(id).map(p -> svc.messages().withContent(c.account, p)))
                    .orElse(List.of());
            if (members.isEmpty()) {
                notFound.add(id);
                continue;
            }
            ObjectNode t = list.addObject();
            t.put("id", id);
            ArrayNode emails = t.putArray("emailIds");
            new LinkedHashSet<>(members.stream().sorted(Comparator.comparing(MessageInfo::internalDate)).map(ObjectIds::email).toList()).forEach(emails::add);
        }
        return out;
    }

    private ObjectNode threadChanges(Call c) {
        c.accountId();
        long since = Changes.sinceState(c);
        long current = svc.messages().highestModSeq(c.account);
        Map<Long, Mailbox> mailboxes = Blobs.byKey(svc, c.account);
        // Threads change when members come or go: each content once, at its last change here.
        Map<String, Long> lastChange = new LinkedHashMap<>();
        for (Messages.LoggedChange ch : svc.messages().changes(c.account, since)) {
            if (ch.content() != null && ch.kind() != Messages.LoggedChange.Kind.FLAGS) lastChange.put(ch.content().sha256().substring(0, 24), ch.modSeq());
        }
        List<Changes.Entry> entries = new ArrayList<>();
        for (var e : lastChange.entrySet()) {
            // A gone message's thread is known only from a copy still here.
            List<MessageInfo> still = svc.messages().withContent(c.account, e.getKey());
            if (still.isEmpty()) continue;
            MessageInfo i = still.getFirst();
            MessageKeys k = svc.messages().keys(c.account, mailboxes.get(i.mailboxId()).name(), UidSet.of(i.uid()), false).get(i.uid());
            if (k != null) entries.add(new Changes.Entry(e.getValue(), ObjectIds.thread(k, i.blobId()), Changes.Kind.UPDATED));
        }
        entries.sort(java.util.Comparator.comparingLong(Changes.Entry::modSeq));
        return Changes.answer(c, since, current, entries);
    }

    // ---- SearchSnippet/get ----

    private ObjectNode snippets(Call c) {
        c.accountId();
        ArrayNode ids = c.array("emailIds");
        if (ids == null) throw MethodError.invalidArguments("emailIds is required");
        if (ids.size() > svc.limits().maxObjectsInGet()) throw new MethodError("requestTooLarge", "too many emailIds");
        List<String> terms = new ArrayList<>();
        ObjectNode filter = c.object("filter");
        if (filter != null) terms(filter, terms);
        ObjectNode out = base(c);
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        Map<Long, Mailbox> mailboxes = Blobs.byKey(svc, c.account);
        for (JsonNode n : ids) {
            String id = n.asText();
            List<MessageInfo> found = instances(c.account, id);
            if (found.isEmpty()) {
                notFound.add(id);
                continue;
            }
            MessageInfo i = found.getFirst();
            MessageKeys k = svc.messages().keys(c.account, mailboxes.get(i.mailboxId()).name(), UidSet.of(i.uid()), false).get(i.uid());
            ObjectNode s = list.addObject();
            s.put("emailId", id);
            s.put("subject", k == null ? null : highlight(k.subject(), terms, false));
            s.put("preview", k == null ? null : highlight(k.preview(), terms, true));
        }
        return out;
    }

    private static void terms(JsonNode f, List<String> out) {
        if (f.has("conditions")) {
            if (!"NOT".equals(f.path("operator").asText())) for (JsonNode x : f.get("conditions")) terms(x, out);
            return;
        }
        for (String k : List.of("text", "body", "subject")) if (f.path(k).isTextual()) out.add(f.get(k).asText());
    }

    /** The text HTML-escaped with the search terms in {@code <mark>} (RFC 8621 §5.1); null when nothing matched. */
    static String highlight(String text, List<String> terms, boolean excerpt) {
        if (text == null || terms.isEmpty()) return null;
        String lower = text.toLowerCase(Locale.ROOT);
        int first = -1;
        for (String t : terms) {
            int at = lower.indexOf(t.toLowerCase(Locale.ROOT));
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first < 0) return null;
        String s = text;
        if (excerpt && text.length() > 255) {
            int from = Math.max(0, first - 60);
            s = text.substring(from, Math.min(text.length(), from + 255));
        }
        StringBuilder b = new StringBuilder();
        String ls = s.toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length()) {
            int best = -1;
            int len = 0;
            for (String t : terms) {
                int at = ls.indexOf(t.toLowerCase(Locale.ROOT), i);
                if (at >= 0 && !t.isEmpty() && (best < 0 || at < best)) {
                    best = at;
                    len = t.length();
                }
            }
            if (best < 0) {
                b.append(HtmlSanitizer.escape(s.substring(i)));
                break;
            }
            b.append(HtmlSanitizer.escape(s.substring(i, best)));
            b.append("<mark>").append(HtmlSanitizer.escape(s.substring(best, best + len))).append("</mark>");
            i = best + len;
        }
        return b.toString();
    }
}
