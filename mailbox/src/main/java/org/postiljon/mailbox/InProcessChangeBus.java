package org.postiljon.mailbox;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The change bus inside one process: listeners per account, called on the publisher's thread. */
public final class InProcessChangeBus implements ChangeBus {

    private static final Logger log = LoggerFactory.getLogger(InProcessChangeBus.class);
    private final Map<Long, List<Listener>> listeners = new ConcurrentHashMap<>();

    @Override
    public Subscription subscribe(long accountId, Listener listener) {
        listeners.computeIfAbsent(accountId, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.computeIfPresent(accountId, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    @Override
    public void publish(Change change) {
        List<Listener> list = listeners.get(change.accountId());
        if (list == null) return;
        for (Listener l : list) {
            try {
                l.onChange(change);
            } catch (RuntimeException e) {
                // One broken listener must not keep the change from the others.
                log.error("change listener failed for account {}", change.accountId(), e);
            }
        }
    }
}
