package org.postiljon.jmap;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.function.Consumer;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;

/**
 * Push (RFC 8620 §7): a StateChange for every change the mailbox model publishes for the account,
 * from the same bus IMAP IDLE listens to. The listener must only queue (it runs on the publisher's
 * thread); the web module writes the events from the connection's own thread.
 */
public final class Push {

    private final JmapServices svc;

    Push(JmapServices svc) {
        this.svc = svc;
    }

    /** Calls {@code onEvent} with a StateChange object for every change of the types asked for (null: all). */
    public ChangeBus.Subscription subscribe(Account a, Set<String> types, Consumer<ObjectNode> onEvent) {
        return svc.changes().subscribe(a.id(), change -> {
            if (change.modSeq() > 0) onEvent.accept(stateChange(a, change, types)); // 0: a setting no JMAP state counts
        });
    }

    /** The StateChange for the account's current state (sent when a push connection opens). */
    public ObjectNode current(Account a, Set<String> types) {
        return stateChange(a, Long.toString(svc.messages().highestModSeq(a)), true, types);
    }

    private static ObjectNode stateChange(Account a, Change change, Set<String> types) {
        return stateChange(a, Long.toString(change.modSeq()), change instanceof Change.MessageAdded, types);
    }

    private static ObjectNode stateChange(Account a, String state, boolean delivery, Set<String> types) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("@type", "StateChange");
        ObjectNode acc = o.putObject("changed").putObject(Jmap.accountId(a));
        for (String t : new String[] {"Mailbox", "Email", "Thread", "Quota", "EmailDelivery"}) {
            if (t.equals("EmailDelivery") && !delivery) continue;
            if (types == null || types.contains(t)) acc.put(t, state);
        }
        return o;
    }
}
