package org.postiljon.imap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.postiljon.mailbox.api.Change;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a session asked to hear with NOTIFY SET (RFC 5465 §3.1), and the notifier that tells it
 * between commands. Changes of the account arrive from the change bus on the publisher's thread
 * and are queued; they are written under the session's lock (never inside another command's
 * answer), by the notifier when the session waits for a command, or at the end of a command and
 * during IDLE (§4). Changes this session caused itself are not told (§5).
 */
final class Notifications implements ChangeBus.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

    enum Event { MESSAGE_NEW, MESSAGE_EXPUNGE, FLAG_CHANGE, MAILBOX_NAME, SUBSCRIPTION_CHANGE, MAILBOX_METADATA_CHANGE, SERVER_METADATA_CHANGE }

    /** The event names of §8, as the BADEVENT response code lists the ones supported (§3.1). */
    static final Map<String, Event> EVENTS = new LinkedHashMap<>();

    static {
        EVENTS.put("MESSAGENEW", Event.MESSAGE_NEW);
        EVENTS.put("MESSAGEEXPUNGE", Event.MESSAGE_EXPUNGE);
        EVENTS.put("FLAGCHANGE", Event.FLAG_CHANGE);
        EVENTS.put("MAILBOXNAME", Event.MAILBOX_NAME);
        EVENTS.put("SUBSCRIPTIONCHANGE", Event.SUBSCRIPTION_CHANGE);
        EVENTS.put("MAILBOXMETADATACHANGE", Event.MAILBOX_METADATA_CHANGE);
        EVENTS.put("SERVERMETADATACHANGE", Event.SERVER_METADATA_CHANGE);
    }

    static final String BADEVENT = "BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange"
            + " MailboxMetadataChange ServerMetadataChange)";

    /** §6: which mailboxes a group watches. */
    enum Filter { PERSONAL, INBOXES, SUBSCRIBED, SUBTREE, MAILBOXES }

    record Group(Filter filter, List<MailboxName> names, Set<Event> events) { }

    /** §6.1: what is told of the selected mailbox. */
    enum Selected { NONE, IMMEDIATE, DELAYED }

    /** Changes queued past this many end the notifications (§5.8). */
    static final int MAX_QUEUED = 10_000;

    private final Session session;
    private final Thread sessionThread;
    private final ChangeBus.Subscription subscription;
    private final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean closed;

    final Selected selected;
    /** §5.1: whether other sessions' flag changes in the selected mailbox are told (FlagChange asked for). */
    final boolean selectedFlags;
    /** §5.2: attributes of new messages in the selected mailbox (empty: EXISTS alone). */
    final List<FetchItem> newMessageItems;
    private final List<Group> groups;

    Notifications(Session session, Selected selected, boolean selectedFlags, List<FetchItem> newMessageItems, List<Group> groups) {
        this.session = session;
        this.sessionThread = Thread.currentThread();
        this.selected = selected;
        this.selectedFlags = selectedFlags;
        this.newMessageItems = newMessageItems;
        this.groups = groups;
        this.subscription = groups.isEmpty() ? null : session.services().changes().subscribe(session.account.id(), this);
        Thread.ofVirtual().name("imap-notify").start(this::notifyLoop);
    }

    /** Whether anything is told of the selected mailbox (§3.1: not without SELECTED or SELECTED-DELAYED). */
    boolean selectedWanted() {
        return selected != Selected.NONE;
    }

    @Override
    public void onChange(Change c) {
        if (Thread.currentThread() == sessionThread) return; // §5: the session's own doing
        if (queued.incrementAndGet() > MAX_QUEUED) return; // drained as an overflow
        queue.add(c);
        signal.release();
    }

    /** A change of the selected mailbox came: with SELECTED it is told at once (§6.1.1). */
    void wake() {
        if (selected == Selected.IMMEDIATE) signal.release();
    }

    /** Tells what is queued between commands, as soon as the session is not inside one. */
    private void notifyLoop() {
        try {
            while (!closed) {
                signal.acquire();
                signal.drainPermits();
                if (closed) return;
                session.io.lock();
                try {
                    if (closed || session.state == Session.State.LOGOUT) return;
                    if (selected == Selected.IMMEDIATE) session.flushChanges(true); else drain();
                    session.out().flush();
                } catch (IOException e) {
                    return; // the connection is gone; the session notices itself
                } catch (RuntimeException e) {
                    log.warn("NOTIFY could not tell a change: {}", e.toString());
                } finally {
                    session.io.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes what is queued for mailboxes other than the selected one (the session's lock held). */
    void drain() throws IOException {
        if (queue.isEmpty()) return;
        if (queued.get() > MAX_QUEUED) {
            queue.clear();
            queued.set(0);
            session.out().untagged("OK [NOTIFICATIONOVERFLOW] too many changes; notifications are off (NOTIFY NONE)");
            session.notifyNone();
            return;
        }
        Map<Long, Mailbox> byId = new HashMap<>();
        SortedSet<MailboxName> subscribed = null;
        Map<MailboxName, EnumSet<Event>> status = new LinkedHashMap<>();
        Change c;
        while ((c = queue.poll()) != null) {
            queued.decrementAndGet();
            if (subscribed == null && needsSubscriptions()) subscribed = session.services().mailboxes().subscriptions(session.account);
            switch (c) {
                case Change.MessageAdded a -> message(a.mailboxId(), Event.MESSAGE_NEW, byId, subscribed, status);
                case Change.MessagesExpunged e -> message(e.mailboxId(), Event.MESSAGE_EXPUNGE, byId, subscribed, status);
                case Change.FlagsChanged f -> message(f.mailboxId(), Event.FLAG_CHANGE, byId, subscribed, status);
                case Change.MailboxCreated m -> {
                    // §5.4: an unsolicited LIST for the new name.
                    if (wanted(m.mailbox().name(), Event.MAILBOX_NAME, subscribed)) list(m.mailbox().name(), "", null);
                }
                case Change.MailboxDeleted d -> {
                    if (wanted(d.name(), Event.MAILBOX_NAME, subscribed)) list(d.name(), "\\NonExistent", null);
                }
                case Change.MailboxRenamed r -> {
                    // §5.4: the new name, with OLDNAME (RFC 5258 extended data).
                    if (wanted(r.to(), Event.MAILBOX_NAME, subscribed) || wanted(r.from(), Event.MAILBOX_NAME, subscribed)) list(r.to(), "", r.from());
                    byId.clear();
                }
                case Change.SubscriptionChanged sc -> {
                    // §5.5: LIST with \Subscribed if and only if subscribed now.
                    if (wanted(sc.name(), Event.SUBSCRIPTION_CHANGE, subscribed)) list(sc.name(), sc.subscribed() ? "\\Subscribed" : "", null);
                    subscribed = null; // §6.4: the subscribed set is evaluated again
                }
                case Change.AnnotationsChanged ac -> metadata(ac, subscribed);
            }
        }
        for (var e : status.entrySet()) status(e.getKey(), e.getValue());
    }

    private boolean needsSubscriptions() {
        for (Group g : groups) if (g.filter() == Filter.SUBSCRIBED) return true;
        return false;
    }

    /** A message event in a mailbox other than the selected one becomes a STATUS (§5.1-§5.3), one per mailbox. */
    private void message(long mailboxId, Event event, Map<Long, Mailbox> byId, SortedSet<MailboxName> subscribed,
                         Map<MailboxName, EnumSet<Event>> status) {
        if (session.selected != null && session.selected.mailbox.id() == mailboxId) return; // told as EXISTS, EXPUNGE, FETCH
        if (byId.isEmpty()) {
            for (Mailbox m : session.services().mailboxes().list(session.account)) {
                if (m.accountId() == session.account.id()) byId.put(m.id(), m);
            }
        }
        Mailbox m = byId.get(mailboxId);
        if (m == null || !wanted(m.name(), event, subscribed)) return;
        status.computeIfAbsent(m.name(), k -> EnumSet.noneOf(Event.class)).add(event);
    }

    /** Whether a group watching {@code name} asked for {@code event}. */
    boolean wanted(MailboxName name, Event event, SortedSet<MailboxName> subscribed) {
        for (Group g : groups) {
            if (!g.events().contains(event)) continue;
            boolean matches = switch (g.filter()) {
                case PERSONAL, INBOXES -> true; // §6.3: INBOXES as PERSONAL; only the account's own mailboxes are watched
                case SUBSCRIBED -> subscribed != null && subscribed.contains(name);
                case SUBTREE -> g.names().stream().anyMatch(n -> name.equals(n) || name.path().startsWith(n.path() + MailboxName.SEPARATOR));
                case MAILBOXES -> g.names().contains(name);
            };
            if (matches) return true;
        }
        return false;
    }

    /**
     * The STATUS items a mailbox's events call for (§3.1, §5.1-§5.3): MESSAGES and UIDNEXT for new
     * and expunged messages (UIDVALIDITY too at NOTIFY SET STATUS), HIGHESTMODSEQ with CONDSTORE;
     * for flag changes HIGHESTMODSEQ and UIDVALIDITY with CONDSTORE, else UNSEEN.
     */
    List<String> statusItems(Set<Event> events, boolean initial) {
        List<String> items = new ArrayList<>();
        boolean messages = events.contains(Event.MESSAGE_NEW) || events.contains(Event.MESSAGE_EXPUNGE);
        if (messages) items.addAll(List.of("MESSAGES", "UIDNEXT"));
        if (initial && events.contains(Event.MESSAGE_NEW) || session.condstore() && events.contains(Event.FLAG_CHANGE)) items.add("UIDVALIDITY");
        if (events.contains(Event.FLAG_CHANGE) && !session.condstore()) items.add("UNSEEN");
        if (session.condstore() && (messages || events.contains(Event.FLAG_CHANGE))) items.add("HIGHESTMODSEQ");
        return items;
    }

    private void status(MailboxName name, Set<Event> events) throws IOException {
        try {
            Status.write(session, name, statusItems(events, false));
        } catch (MailboxException e) {
            // gone or no longer readable (§5.9): nothing to tell
        }
    }

    /** NOTIFY SET STATUS (§3.1): a STATUS for every watched mailbox with message events, but the selected one. */
    void initialStatus() throws IOException {
        SortedSet<MailboxName> subscribed = needsSubscriptions() ? session.services().mailboxes().subscriptions(session.account) : null;
        for (Mailbox m : session.services().mailboxes().list(session.account)) {
            if (m.accountId() != session.account.id()) continue;
            if (session.selected != null && session.selected.mailbox.id() == m.id()) continue;
            EnumSet<Event> events = EnumSet.noneOf(Event.class);
            for (Event e : List.of(Event.MESSAGE_NEW, Event.MESSAGE_EXPUNGE, Event.FLAG_CHANGE)) {
                if (wanted(m.name(), e, subscribed)) events.add(e);
            }
            if (events.isEmpty()) continue;
            try {
                Status.write(session, m.name(), statusItems(events, true));
            } catch (MailboxException e) {
                // deleted meanwhile
            }
        }
    }

    private void list(MailboxName name, String attributes, MailboxName oldName) throws IOException {
        var out = session.out().raw("* LIST (" + attributes + ") \"/\" ").string(session.wireName(name));
        if (oldName != null) out.raw(" (\"OLDNAME\" (").string(session.wireName(oldName)).raw("))");
        out.crlf();
    }

    /** §5.6, §5.7: the names of the changed entries (RFC 5464 §4.4.2), without their values. */
    private void metadata(Change.AnnotationsChanged ac, SortedSet<MailboxName> subscribed) throws IOException {
        if (ac.mailbox() == null) {
            if (groups.stream().noneMatch(g -> g.events().contains(Event.SERVER_METADATA_CHANGE))) return;
        } else if (!wanted(ac.mailbox(), Event.MAILBOX_METADATA_CHANGE, subscribed)) {
            return;
        }
        var out = session.out().raw("* METADATA ").string(ac.mailbox() == null ? "" : session.wireName(ac.mailbox()));
        for (String e : ac.entries()) out.raw(" " + e);
        out.crlf();
    }

    @Override
    public void close() {
        closed = true;
        if (subscription != null) subscription.close();
        signal.release();
    }
}
