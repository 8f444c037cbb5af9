package org.postiljon.jmap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.postiljon.mailbox.api.EmailId;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.ThreadId;

/** Thread/get and Thread/changes (RFC 8621 §3): a thread is its root Message-ID, or a content alone. */
final class ThreadMethods {

    private final JmapServices svc;

    ThreadMethods(JmapServices svc) {
        this.svc = svc;
    }

    void register(Map<String, Jmap.Method> m) {
        m.put("Thread/get", this::threads);
        m.put("Thread/changes", this::threadChanges);
    }


    private ObjectNode threads(Call c) {
        c.accountId();
        List<String> ids = c.ids(svc.limits().maxObjectsInGet());
        if (ids == null) throw new MethodError("requestTooLarge", "Thread/get needs ids");
        ObjectNode out = EmailMethods.base(c);
        out.put("state", Jmap.state(svc, c.account));
        ArrayNode list = out.putArray("list");
        ArrayNode notFound = out.putArray("notFound");
        for (String id : new LinkedHashSet<>(ids)) {
            List<MessageInfo> members = ThreadId.parse(id).map(t -> svc.messages().inThread(c.account, t)).orElse(List.of());
            if (members.isEmpty()) {
                notFound.add(id);
                continue;
            }
            ObjectNode t = list.addObject();
            t.put("id", id);
            ArrayNode emails = t.putArray("emailIds");
            new LinkedHashSet<>(members.stream().sorted(Comparator.comparing(MessageInfo::internalDate)).map(EmailId::of).map(EmailId::toString).toList()).forEach(emails::add);
        }
        return out;
    }

    private ObjectNode threadChanges(Call c) {
        c.accountId();
        long since = Changes.sinceState(c);
        long current = svc.messages().highestModSeq(c.account);
        // Threads change when members come or go: each content once, at its last change here.
        Map<EmailId, Long> lastChange = new LinkedHashMap<>();
        for (Messages.LoggedChange ch : svc.messages().changes(c.account, since)) {
            if (ch.content() != null && ch.kind() != Messages.LoggedChange.Kind.FLAGS) lastChange.put(EmailId.of(ch.content()), ch.modSeq());
        }
        // A gone message's thread is known only from a copy still here: every Email's copies and keys in one read.
        Map<EmailId, Messages.Copies> still = svc.messages().withContents(c.account, lastChange.keySet());
        List<Changes.Entry> entries = new ArrayList<>();
        for (var e : lastChange.entrySet()) {
            Messages.Copies copies = still.get(e.getKey());
            if (copies != null) entries.add(new Changes.Entry(e.getValue(), ThreadId.of(copies.keys(), copies.first().blobId()).toString(), Changes.Kind.UPDATED));
        }
        entries.sort(java.util.Comparator.comparingLong(Changes.Entry::modSeq));
        return Changes.answer(c, since, current, entries);
    }
}
