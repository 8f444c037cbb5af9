package org.postiljon.jmap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxId;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MailboxStatus;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.UidSet;

/**
 * Mailbox/get, /changes, /query, /queryChanges and /set (RFC 8621 §2) over the user's own
 * folders. A JMAP mailbox is an IMAP folder: name is the last level, parentId the folder above.
 */
final class MailboxMethods {

    static final List<String> ALL_PROPERTIES = List.of("id", "name", "parentId", "role", "sortOrder", "totalEmails", "unreadEmails",
            "totalThreads", "unreadThreads", "myRights", "isSubscribed");
    /**
     * Asked for by name only (not in the default set): {@code size}, the octets the folder's
     * messages take (as IMAP's STATUS SIZE, RFC 8438), for the webmail's storage details.
     */
    static final Set<String> PROPERTIES = java.util.stream.Stream.concat(ALL_PROPERTIES.stream(), java.util.stream.Stream.of("size"))
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final JmapServices svc;

    MailboxMethods(JmapServices svc) {
        this.svc = svc;
    }

    void register(Map<String, Jmap.Method> m) {
        m.put("Mailbox/get", this::get);
        m.put("Mailbox/changes", this::changes);
        m.put("Mailbox/query", this::query);
        m.put("Mailbox/queryChanges", c -> {
            c.accountId();
            throw new MethodError("cannotCalculateChanges", "run Mailbox/query again");
        });
        m.put("Mailbox/set", this::set);
    }

    /** The user's own folders (shared ones are other accounts in JMAP). */
    static List<Mailbox> own(JmapServices svc, Account a) {
        return Jmap.Request.remember("own " + a.id(), () -> svc.mailboxes().list(a).stream().filter(m -> m.accountId() == a.id()).toList());
    }

    static Optional<Mailbox> byId(List<Mailbox> all, String id) {
        Optional<MailboxId> wanted = MailboxId.parse(id);
        if (wanted.isEmpty()) return Optional.empty();
        return all.stream().filter(wanted.get()::names).findFirst();
    }

    /** The id of the mailbox's parent among {@code all}, or null at the top (RFC 8621 §2 parentId). */
    private static String parentId(List<Mailbox> all, Mailbox m) {
        return m.name().parent().flatMap(pn -> all.stream().filter(x -> x.name().equals(pn)).findFirst()).map(p -> MailboxId.of(p).toString()).orElse(null);
    }

    static String role(Mailbox m) {
        if (m.name().isInbox()) return "inbox";
        return m.specialUse().map(u -> u.name().toLowerCase(Locale.ROOT)).orElse(null);
    }

    private static int sortOrder(Mailbox m) {
        String r = role(m);
        if (r == null) return 100;
        return switch (r) {
            case "inbox" -> 1;
            case "drafts" -> 2;
            case "sent" -> 3;
            case "archive" -> 4;
            case "junk" -> 5;
            case "trash" -> 6;
            default -> 10;
        };
    }

    private ObjectNode get(Call c) {
        c.accountId();
        List<String> props = c.properties(new ArrayList<>(ALL_PROPERTIES), PROPERTIES);
        List<String> ids = c.ids(svc.limits().maxObjectsInGet());
        List<Mailbox> all = own(svc, c.account);
        String state = Jmap.state(svc, c.account);
        SortedSet<MailboxName> subscribed = svc.mailboxes().subscriptions(c.account);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", Jmap.accountId(c.account));
        out.put("state", state);
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        List<Mailbox> chosen = new ArrayList<>();
        if (ids == null) {
            chosen.addAll(all);
        } else {
            for (String id : ids) byId(all, id).ifPresentOrElse(chosen::add, () -> notFound.add(id));
        }
        for (Mailbox m : chosen) list.add(json(c.account, m, all, subscribed, props));
        return out;
    }

    private ObjectNode json(Account a, Mailbox m, List<Mailbox> all, SortedSet<MailboxName> subscribed, List<String> props) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        MailboxStatus st = props.stream().anyMatch(p -> p.endsWith("Emails") || p.endsWith("Threads") || p.equals("size"))
                ? svc.mailboxes().status(a, m.name()) : null;
        for (String p : props) {
            switch (p) {
                case "id" -> o.put("id", MailboxId.of(m).toString());
                case "name" -> {
                    String path = m.name().path();
                    o.put("name", path.substring(path.lastIndexOf(MailboxName.SEPARATOR) + 1));
                }
                case "parentId" -> o.put("parentId", parentId(all, m));
                case "role" -> o.put("role", role(m));
                case "sortOrder" -> o.put("sortOrder", sortOrder(m));
                case "totalEmails", "totalThreads" -> o.put(p, st.messages());
                case "unreadEmails", "unreadThreads" -> o.put(p, st.unseen());
                case "size" -> o.put("size", st.sizeBytes());
                case "myRights" -> {
                    ObjectNode r = o.putObject("myRights");
                    for (String right : List.of("mayReadItems", "mayAddItems", "mayRemoveItems", "maySetSeen", "maySetKeywords",
                            "mayCreateChild", "mayRename", "mayDelete", "maySubmit")) {
                        r.put(right, !(m.name().isInbox() && (right.equals("mayRename") || right.equals("mayDelete"))));
                    }
                }
                case "isSubscribed" -> o.put("isSubscribed", subscribed.contains(m.name()));
                default -> { }
            }
        }
        return o;
    }

    private ObjectNode changes(Call c) {
        c.accountId();
        long since = Changes.sinceState(c);
        long current = svc.messages().highestModSeq(c.account);
        Map<Long, String> idOf = new HashMap<>();
        for (Mailbox m : own(svc, c.account)) idOf.put(m.id(), MailboxId.of(m).toString());
        List<Changes.Entry> entries = new ArrayList<>();
        for (Messages.LoggedChange ch : svc.messages().changes(c.account, since)) {
            String id = idOf.get(ch.mailboxId());
            if (id == null) id = new MailboxId(ch.mailboxId(), ch.uid()).toString(); // a mailbox gone: its UIDVALIDITY was logged as the uid
            switch (ch.kind()) {
                case MAILBOX_CREATE -> entries.add(new Changes.Entry(ch.modSeq(), id, Changes.Kind.CREATED));
                case MAILBOX_DELETE -> entries.add(new Changes.Entry(ch.modSeq(), id, Changes.Kind.DESTROYED));
                case MAILBOX -> entries.add(new Changes.Entry(ch.modSeq(), id, Changes.Kind.UPDATED));
                default -> {
                    // A message came, went or changed: the mailbox's counts changed (if it is still there).
                    if (idOf.containsKey(ch.mailboxId())) entries.add(new Changes.Entry(ch.modSeq(), id, Changes.Kind.UPDATED));
                }
            }
        }
        ObjectNode out = Changes.answer(c, since, current, entries);
        out.putNull("updatedProperties");
        return out;
    }

    private ObjectNode query(Call c) {
        c.accountId();
        List<Mailbox> all = own(svc, c.account);
        SortedSet<MailboxName> subscribed = svc.mailboxes().subscriptions(c.account);
        ObjectNode filter = c.object("filter");
        List<Mailbox> hits = new ArrayList<>();
        for (Mailbox m : all) if (filter == null || matches(m, filter, all, subscribed)) hits.add(m);
        Comparator<Mailbox> order = Comparator.comparing(m -> m.name().path());
        ArrayNode sort = c.array("sort");
        if (sort != null) {
            Comparator<Mailbox> o = null;
            for (JsonNode s : sort) {
                String p = s.path("property").asText();
                Comparator<Mailbox> k = switch (p) {
                    case "name" -> Comparator.comparing(m -> m.name().path().substring(m.name().path().lastIndexOf('/') + 1));
                    case "sortOrder" -> Comparator.comparingInt(MailboxMethods::sortOrder);
                    default -> throw new MethodError("unsupportedSort", "cannot sort mailboxes by " + p);
                };
                if (!s.path("isAscending").asBoolean(true)) k = k.reversed();
                o = o == null ? k : o.thenComparing(k);
            }
            order = o == null ? order : o;
        }
        if (c.flag("sortAsTree", false)) order = Comparator.comparing(m -> m.name().path()); // parents before children
        hits.sort(order);
        return page(c, hits.stream().map(MailboxId::of).map(MailboxId::toString).toList(), Jmap.state(svc, c.account));
    }

    /** The common part of /query answers: position, anchor, limit, total (RFC 8620 §5.5). */
    static ObjectNode page(Call c, List<String> ids, String queryState) {
        long position = c.number("position", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        long limit = c.number("limit", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
        String anchor = c.text("anchor");
        int start;
        // A lazy result (threads collapsed) is worked out only as far as the page, unless a total, an
        // anchor or a position from the end needs all of it.
        boolean total = c.flag("calculateTotal", false);
        int size = ids instanceof EmailQuery.Lazy lazy && anchor == null && position >= 0 && !total
                ? lazy.available((int) Math.min(Integer.MAX_VALUE, position + limit)) : ids.size();
        if (anchor != null) {
            int at = ids.indexOf(anchor);
            if (at < 0) throw new MethodError("anchorNotFound", "the anchor is not in the results");
            start = (int) Math.max(0, at + c.number("anchorOffset", 0, Integer.MIN_VALUE, Integer.MAX_VALUE));
        } else {
            start = (int) (position < 0 ? Math.max(0, size + position) : Math.min(position, size));
        }
        int end = (int) Math.min(size, start + limit);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("accountId", Jmap.accountId(c.account));
        out.put("queryState", queryState);
        out.put("canCalculateChanges", true);
        out.put("position", start);
        ArrayNode a = out.putArray("ids");
        // By index, not subList: a sublist asks the whole list's size, which a lazy result would work out in full.
        for (int i = Math.min(start, end); i < end; i++) if (!ids.get(i).isEmpty()) a.add(ids.get(i)); // "" is a message gone meanwhile
        if (total) out.put("total", ids.size());
        return out;
    }

    private boolean matches(Mailbox m, ObjectNode f, List<Mailbox> all, SortedSet<MailboxName> subscribed) {
        if (f.has("operator")) {
            String op = f.path("operator").asText();
            JsonNode conds = f.path("conditions");
            if (!conds.isArray()) throw MethodError.invalidArguments("a FilterOperator needs conditions");
            int n = 0;
            for (JsonNode x : conds) if (x.isObject() && matches(m, (ObjectNode) x, all, subscribed)) n++;
            return switch (op) {
                case "AND" -> n == conds.size();
                case "OR" -> n > 0;
                case "NOT" -> n == 0;
                default -> throw new MethodError("unsupportedFilter", "unknown operator " + op);
            };
        }
        for (var it = f.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            boolean ok = switch (e.getKey()) {
                case "parentId" -> {
                    String parent = parentId(all, m);
                    yield v.isNull() ? parent == null : v.asText().equals(parent);
                }
                case "name" -> m.name().path().substring(m.name().path().lastIndexOf('/') + 1).toLowerCase(Locale.ROOT)
                        .contains(v.asText().toLowerCase(Locale.ROOT));
                case "role" -> v.isNull() ? role(m) == null : v.asText().equals(role(m));
                case "hasAnyRole" -> (role(m) != null) == v.asBoolean();
                case "isSubscribed" -> subscribed.contains(m.name()) == v.asBoolean();
                default -> throw new MethodError("unsupportedFilter", "cannot filter mailboxes by " + e.getKey());
            };
            if (!ok) return false;
        }
        return true;
    }

    private ObjectNode set(Call c) {
        boolean removeEmails = c.flag("onDestroyRemoveEmails", false);
        return SetMethod.run(c, svc.limits().maxObjectsInSet(), () -> Jmap.state(svc, c.account), (key, o) -> {
            Mailbox m = create(c, o);
            ObjectNode r = JsonNodeFactory.instance.objectNode();
            r.put("id", MailboxId.of(m).toString());
            r.put("totalEmails", 0).put("unreadEmails", 0).put("totalThreads", 0).put("unreadThreads", 0);
            r.put("sortOrder", sortOrder(m));
            return r;
        }, (id, patch) -> update(c, id, patch), id -> destroy(c, id, removeEmails), () -> { });
    }

    private MailboxName childName(Call c, List<Mailbox> all, String parentId, String name) {
        if (name == null || name.isEmpty()) throw new MethodError("invalidProperties", "name is required");
        if (name.indexOf(MailboxName.SEPARATOR) >= 0) throw new MethodError("invalidProperties", "a name cannot contain " + MailboxName.SEPARATOR);
        if (parentId == null) return MailboxName.of(name);
        Mailbox parent = byId(all, c.resolve(parentId)).orElseThrow(() -> new MethodError("invalidProperties", "no parent " + parentId));
        return MailboxName.of(parent.name().path() + MailboxName.SEPARATOR + name);
    }

    private Mailbox create(Call c, JsonNode o) {
        if (!o.isObject()) throw new MethodError("invalidProperties", "a mailbox is an object");
        for (var it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("name", "parentId", "role", "isSubscribed", "sortOrder").contains(f)) {
                throw new MethodError("invalidProperties", f + " cannot be set");
            }
        }
        List<Mailbox> all = own(svc, c.account);
        MailboxName name = childName(c, all, o.path("parentId").isTextual() ? o.get("parentId").asText() : null, o.path("name").asText(null));
        Set<SpecialUse> use = Set.of();
        if (o.path("role").isTextual()) {
            String role = o.get("role").asText();
            SpecialUse u = SpecialUse.fromAttribute(role).orElseThrow(() -> new MethodError("invalidProperties", "unknown role " + role));
            if (all.stream().anyMatch(m -> m.specialUse().equals(Optional.of(u)))) throw new MethodError("invalidProperties", "a mailbox has the role " + role + " already");
            use = Set.of(u);
        }
        Mailbox m = svc.mailboxes().create(c.account, name, use);
        if (o.path("isSubscribed").asBoolean(true)) svc.mailboxes().subscribe(c.account, name);
        return m;
    }

    private void update(Call c, String id, JsonNode patch) {
        List<Mailbox> all = own(svc, c.account);
        Mailbox m = byId(all, id).orElseThrow(() -> new MethodError("notFound", "no mailbox " + id));
        String path = m.name().path();
        String name = path.substring(path.lastIndexOf('/') + 1);
        String parentId = parentId(all, m);
        boolean move = false;
        for (var it = patch.fields(); it.hasNext(); ) {
            var e = it.next();
            switch (e.getKey()) {
                case "name" -> {
                    name = e.getValue().asText();
                    move = true;
                }
                case "parentId" -> {
                    parentId = e.getValue().isNull() ? null : e.getValue().asText();
                    move = true;
                }
                case "isSubscribed" -> {
                    if (e.getValue().asBoolean()) svc.mailboxes().subscribe(c.account, m.name());
                    else svc.mailboxes().unsubscribe(c.account, m.name());
                }
                case "sortOrder" -> { } // derived from the role here; accepted, not stored
                case "role" -> {
                    if (!java.util.Objects.equals(e.getValue().isNull() ? null : e.getValue().asText(), role(m))) {
                        throw new MethodError("invalidProperties", "roles are given when a mailbox is created");
                    }
                }
                default -> throw new MethodError("invalidProperties", e.getKey() + " cannot be changed");
            }
        }
        if (move) {
            if (m.name().isInbox()) throw new MethodError("forbidden", "INBOX cannot be renamed");
            MailboxName to = childName(c, all, parentId, name);
            if (to.isWithin(m.name())) throw new MethodError("invalidProperties", "a mailbox cannot be moved into itself");
            if (!to.equals(m.name())) {
                boolean wasSubscribed = svc.mailboxes().subscriptions(c.account).contains(m.name());
                svc.mailboxes().rename(c.account, m.name(), to);
                if (wasSubscribed) {
                    svc.mailboxes().unsubscribe(c.account, m.name());
                    svc.mailboxes().subscribe(c.account, to);
                }
            }
        }
    }

    private void destroy(Call c, String id, boolean removeEmails) {
        List<Mailbox> all = own(svc, c.account);
        Mailbox m = byId(all, id).orElseThrow(() -> new MethodError("notFound", "no mailbox " + id));
        if (m.name().isInbox()) throw new MethodError("forbidden", "INBOX cannot be destroyed");
        if (all.stream().anyMatch(x -> !x.equals(m) && x.name().isWithin(m.name()))) {
            throw new MethodError("mailboxHasChild", m.name() + " has child mailboxes");
        }
        if (!removeEmails && svc.messages().search(c.account, m.name(), new org.postiljon.mailbox.api.SearchQuery.All()).length > 0) {
            throw new MethodError("mailboxHasEmail", m.name() + " is not empty");
        }
        svc.mailboxes().delete(c.account, m.name());
        svc.mailboxes().unsubscribe(c.account, m.name());
    }

    static UidSet all() {
        return UidSet.ALL;
    }
}
