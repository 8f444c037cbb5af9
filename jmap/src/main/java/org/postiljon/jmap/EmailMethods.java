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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailId;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.StagedMessage;
import org.postiljon.mailbox.api.ThreadId;
import org.postiljon.mailbox.api.UidSet;

/**
 * Email/get, /changes, /set, /import and /parse (RFC 8621 §4). An Email is a content in one or
 * more of the user's own mailboxes; every change goes through {@link Messages}, so IMAP sessions
 * hear of it at once. Email/query is {@link EmailQuery}; Thread/* {@link ThreadMethods};
 * SearchSnippet/get {@link SearchSnippets}.
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
        m.put("Email/set", this::set);
        m.put("Email/import", this::importEmails);
        m.put("Email/parse", this::parse);
    }

    // ---- finding Emails ----

    /** The instances of an email, or empty when the id is unknown or not the user's. */
    static List<MessageInfo> instances(JmapServices svc, Account a, String emailId) {
        return EmailId.parse(emailId).map(e -> svc.messages().withContent(a, e)).orElse(List.of());
    }

    private List<MessageInfo> instances(Account a, String emailId) {
        return instances(svc, a, emailId);
    }

    /** Emails in one read, by the id as sent (each once, in order); ids that name none of the user's are left out. */
    static Map<String, Messages.Copies> copies(JmapServices svc, Account a, java.util.Collection<String> ids) {
        Map<String, Optional<EmailId>> named = new LinkedHashMap<>();
        for (String id : ids) named.putIfAbsent(id, EmailId.parse(id));
        Map<EmailId, Messages.Copies> found = svc.messages().withContents(a, named.values().stream().flatMap(Optional::stream).toList());
        Map<String, Messages.Copies> out = new LinkedHashMap<>();
        named.forEach((id, email) -> email.map(found::get).ifPresent(copies -> out.put(id, copies)));
        return out;
    }

    static ObjectNode base(Call c) {
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
        Map<String, Messages.Copies> byId = copies(svc, c.account, ids);
        for (String id : new java.util.LinkedHashSet<>(ids)) {
            Messages.Copies found = byId.get(id);
            if (found == null) {
                notFound.add(id);
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
            String id = EmailId.of(ch.content()).toString();
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
        Instant at = email.hasNonNull("receivedAt") ? EmailQuery.instant(email.get("receivedAt")) : Instant.now();
        StagedMessage staged = svc.messages().stage(content, flags, at);
        var appended = svc.messages().appendAll(c.account, targets.getFirst().name(), List.of(staged)).getFirst();
        for (Mailbox m : targets.subList(1, targets.size())) {
            svc.messages().copy(c.account, targets.getFirst().name(), UidSet.of(appended.uid()), m.name());
        }
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("id", EmailId.of(appended.message()).toString());
        r.put("blobId", Blobs.messageBlobId(appended.message().blobId()));
        r.put("threadId", ThreadId.of(staged.keys(), appended.message().blobId()).toString());
        r.put("size", appended.message().size());
        return r;
    }

    /** RFC 8621 §4.6 update: the patch as one {@link Messages.EmailUpdate}, done by the mailbox layer as one transaction. */
    private void update(Call c, String id, JsonNode patch, Map<Long, Mailbox> mailboxes) {
        List<Mailbox> own = List.copyOf(mailboxes.values());
        Flags replace = null;
        List<String> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        Set<Long> target = null;
        Set<Long> addTo = new LinkedHashSet<>();
        Set<Long> removeFrom = new LinkedHashSet<>();
        try {
            for (var it = patch.fields(); it.hasNext(); ) {
                var e = it.next();
                String path = e.getKey();
                JsonNode v = e.getValue();
                if (path.equals("keywords")) {
                    replace = flags(v);
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
            Messages.EmailUpdate u = new Messages.EmailUpdate(replace, Flags.of(add), Flags.of(remove), target, addTo, removeFrom);
            if (!EmailId.parse(id).map(e -> svc.messages().updateEmail(c.account, e, u)).orElse(false)) throw new MethodError("notFound", "no Email " + id);
        } catch (MailboxException.InvalidName | MailboxException.NoSuchMailbox | MailboxException.NotAllowed e) {
            throw new MethodError("invalidProperties", e.getMessage());
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

}
