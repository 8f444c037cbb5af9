package org.postiljon.imap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.server.Notifications.Event;
import org.postiljon.imap.server.Notifications.Filter;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.mailbox.api.MailboxName;

/** NOTIFY, RFC 5465 §3.1 (grammar §8): SET [STATUS] event-groups, or NONE. */
final class Notify implements Command {

    /** Bound on the groups and on the mailboxes named, whatever the line length allows. */
    static final int MAX_GROUPS = 32;
    static final int MAX_NAMES = 256;

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        String form = in.atom().toUpperCase(Locale.ROOT);
        if (form.equals("NONE")) { // §3.1: no events at all
            in.end();
            s.notifyNone();
            s.ok(tag, "NOTIFY completed", true);
            return;
        }
        if (!form.equals("SET")) throw new BadSyntax("NOTIFY SET or NOTIFY NONE");
        in.sp();
        boolean status = false;
        if (in.peek() != '(') {
            if (!in.atom().equalsIgnoreCase("STATUS")) throw new BadSyntax("expected STATUS or an event group");
            status = true;
            in.sp();
        }
        Notifications.Selected selected = Notifications.Selected.NONE;
        boolean selectedFlags = false;
        boolean selectedNamed = false;
        List<FetchItem> fetch = List.of();
        List<Notifications.Group> groups = new ArrayList<>();
        do {
            if (groups.size() + (selectedNamed ? 1 : 0) >= MAX_GROUPS) throw new BadSyntax("too many event groups");
            in.expect('(');
            String filter = in.atom().toUpperCase(Locale.ROOT);
            List<MailboxName> names = new ArrayList<>();
            boolean isSelected = filter.equals("SELECTED") || filter.equals("SELECTED-DELAYED");
            switch (filter) {
                case "SELECTED", "SELECTED-DELAYED" -> {
                    // §6.1: only one of the two in a command.
                    if (selectedNamed) throw new BadSyntax("SELECTED or SELECTED-DELAYED only once");
                    selectedNamed = true;
                }
                case "INBOXES", "PERSONAL", "SUBSCRIBED" -> { }
                case "SUBTREE", "MAILBOXES" -> {
                    in.sp();
                    if (in.skip('(')) {
                        do {
                            names.add(s.mailboxName(in.astringBytes()));
                            if (names.size() > MAX_NAMES) throw new BadSyntax("too many mailboxes");
                        } while (in.skip(' '));
                        in.expect(')');
                    } else {
                        names.add(s.mailboxName(in.astringBytes()));
                    }
                }
                default -> throw new BadSyntax("unknown mailbox filter " + filter);
            }
            in.sp();
            EnumSet<Event> events = EnumSet.noneOf(Event.class);
            List<FetchItem> attributes = List.of();
            List<String> unsupported = new ArrayList<>();
            if (in.skip('(')) {
                do {
                    String name = in.atom().toUpperCase(Locale.ROOT);
                    Event e = Notifications.EVENTS.get(name);
                    if (e == null) {
                        unsupported.add(name); // §3.1: NO [BADEVENT], not BAD (AnnotationChange, extensions)
                        continue;
                    }
                    events.add(e);
                    if (e == Event.MESSAGE_NEW && in.peek() == ' ' && in.peekAt(1) == '(') {
                        // §8: the fetch-att list only for the selected mailbox.
                        if (!isSelected) throw new BadSyntax("MessageNew attributes only for SELECTED or SELECTED-DELAYED");
                        in.sp();
                        attributes = new ArrayList<>(Fetch.items(in));
                    }
                } while (in.skip(' '));
                in.expect(')');
            } else if (!in.atom().equalsIgnoreCase("NONE")) {
                throw new BadSyntax("expected a list of events or NONE");
            }
            in.expect(')');
            if (!unsupported.isEmpty()) throw new CommandFailed(Notifications.BADEVENT, "unsupported event " + unsupported.getFirst());
            // §5: MessageNew and MessageExpunge come together; FlagChange needs both.
            if (events.contains(Event.MESSAGE_NEW) != events.contains(Event.MESSAGE_EXPUNGE)) {
                throw new BadSyntax("MessageNew and MessageExpunge must be asked for together");
            }
            if (events.contains(Event.FLAG_CHANGE) && !events.contains(Event.MESSAGE_NEW)) {
                throw new BadSyntax("FlagChange needs MessageNew and MessageExpunge");
            }
            if (isSelected) {
                // §6.1: only message events for the selected mailbox.
                if (events.stream().anyMatch(e -> e.ordinal() > Event.FLAG_CHANGE.ordinal())) {
                    throw new BadSyntax("only message events for the selected mailbox");
                }
                if (!events.isEmpty()) {
                    selected = filter.equals("SELECTED") ? Notifications.Selected.IMMEDIATE : Notifications.Selected.DELAYED;
                    selectedFlags = events.contains(Event.FLAG_CHANGE);
                    fetch = attributes;
                }
            } else {
                groups.add(new Notifications.Group(Filter.valueOf(filter), List.copyOf(names), events));
            }
        } while (in.skip(' '));
        in.end();
        if (!fetch.isEmpty() && fetch.stream().noneMatch(i -> i.name().equals("UID"))) {
            fetch = new ArrayList<>(fetch);
            fetch.addFirst(FetchItem.simple("UID")); // §5.2 example: the UID goes with the attributes
        }
        Notifications n = new Notifications(s, selected, selectedFlags, List.copyOf(fetch), List.copyOf(groups));
        s.notify(n);
        if (status) n.initialStatus(); // §3.1: STATUS for the watched mailboxes before the tagged OK
        // §3.1: a NOTIFY SET is also a NOOP: what is pending for the selected mailbox is told now.
        s.ok(tag, "NOTIFY completed", true);
    }
}
