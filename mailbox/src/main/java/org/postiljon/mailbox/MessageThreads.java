package org.postiljon.mailbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postiljon.mailbox.api.ThreadNode;
import org.postiljon.store.spi.ThreadKey;

/** RFC 5256 §2 threading over the keys stored at delivery; never reads a message. */
final class MessageThreads {

    /** One message to thread: its stored keys. */
    record Item(ThreadKey keys) {
        long uid() {
            return keys.uid();
        }

        Instant date() { // RFC 5256 §2.2: the sent date, the internal date when there is none
            return keys.sentDate() != null ? keys.sentDate() : keys.internalDate();
        }

        /** The base subject's i;unicode-casemap key (stored so): equal keys are one subject. */
        String base() {
            return keys.baseSubject() == null ? "" : keys.baseSubject();
        }

        /** Whether the subject had a "Re:"/"Fwd:" or similar taken off (RFC 5256 §2.1); a [blob] alone is not one. */
        boolean reply() {
            return org.postiljon.mime.BaseSubject.isReplyOrForward(keys.subject());
        }
    }

    private static final Comparator<Item> BY_DATE = Comparator.comparing(Item::date).thenComparingLong(Item::uid);

    private MessageThreads() { }

    /** §2.1: by base subject; the first message (by date) is the parent of all the others. */
    static List<ThreadNode> orderedSubject(List<Item> items) {
        Map<String, List<Item>> bySubject = new LinkedHashMap<>();
        items.stream().sorted(Comparator.comparing(Item::base).thenComparing(BY_DATE))
                .forEach(i -> bySubject.computeIfAbsent(i.base(), k -> new ArrayList<>()).add(i));
        List<List<Item>> threads = new ArrayList<>(bySubject.values());
        threads.sort(Comparator.comparing((List<Item> t) -> t.getFirst(), BY_DATE));
        List<ThreadNode> out = new ArrayList<>();
        for (List<Item> t : threads) {
            List<ThreadNode> children = new ArrayList<>();
            for (Item c : t.subList(1, t.size())) children.add(new ThreadNode(c.uid(), List.of()));
            out.add(new ThreadNode(t.getFirst().uid(), children));
        }
        return out;
    }

    /** A container of §2.2: a message, or a placeholder for a referenced one. */
    private static final class Container {
        Item item;
        Container parent;
        final List<Container> children = new ArrayList<>();

        boolean isAncestorOf(Container c) {
            for (Container p = c; p != null; p = p.parent) if (p == this) return true;
            return false;
        }

        void adopt(Container child) {
            if (child.parent != null) child.parent.children.remove(child);
            child.parent = this;
            children.add(child);
        }

        /** The date that orders this container: its message's, or its first child's (§2.2 step 4). */
        Item first() {
            if (item != null) return item;
            Item best = null;
            for (Container c : children) {
                Item i = c.first();
                if (i != null && (best == null || BY_DATE.compare(i, best) < 0)) best = i;
            }
            return best;
        }
    }

    private static final Comparator<Container> ORDER = (a, b) -> {
        Item x = a.first(), y = b.first();
        if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1;
        return BY_DATE.compare(x, y);
    };

    /** §2.2: the REFERENCES algorithm. */
    static List<ThreadNode> references(List<Item> items) {
        Map<String, Container> byId = new HashMap<>();
        int unique = 0;
        for (Item i : items.stream().sorted(Comparator.comparingLong(Item::uid)).toList()) {
            String id = i.keys().messageId();
            Container c = id == null || id.isEmpty() ? null : byId.get(id);
            if (c != null && c.item != null) c = null; // a duplicate Message-ID: treated as a message of its own
            if (c == null) {
                c = new Container();
                byId.put(id == null || id.isEmpty() || byId.containsKey(id) ? "\0" + unique++ : id, c);
            }
            c.item = i;
            // Step 1A: link the references in order, parent to child, unless that makes a loop.
            Container prev = null;
            for (String ref : i.keys().references().stream().distinct().toList()) {
                Container r = byId.computeIfAbsent(ref, k -> new Container());
                if (prev != null && r.parent == null && !r.isAncestorOf(prev) && r != prev) prev.adopt(r);
                prev = r;
            }
            // Step 1B: the last reference is the message's parent.
            if (prev != null && prev != c && !c.isAncestorOf(prev)) prev.adopt(c);
            else if (prev == null && c.parent != null) {
                c.parent.children.remove(c);
                c.parent = null;
            }
        }
        // Step 2: the root set.
        List<Container> roots = new ArrayList<>();
        java.util.Set<Container> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Container c : byId.values()) if (c.parent == null && seen.add(c)) roots.add(c);
        // Step 3: prune empty placeholders.
        roots = prune(roots, true);
        // Step 4: sort the roots by date.
        roots.sort(ORDER);
        // Step 5: merge roots with the same base subject.
        Map<String, Container> bySubject = new HashMap<>();
        for (Container r : roots) {
            Item i = r.item != null ? r.item : r.children.isEmpty() ? null : r.children.getFirst().item;
            if (i == null || i.base().isEmpty()) continue;
            Container old = bySubject.get(i.base());
            if (old == null || (r.item == null && old.item != null)
                    || (old.item != null && old.item.reply() && r.item != null && !r.item.reply())) {
                bySubject.put(i.base(), r);
            }
        }
        List<Container> merged = new ArrayList<>();
        for (Container r : roots) {
            Item i = r.item != null ? r.item : r.children.isEmpty() ? null : r.children.getFirst().item;
            Container t = i == null || i.base().isEmpty() ? null : bySubject.get(i.base());
            if (t == null || t == r) {
                merged.add(r);
                continue;
            }
            if (t.item == null && r.item == null) {
                for (Container c : new ArrayList<>(r.children)) t.adopt(c);
            } else if (t.item == null || (r.item != null && r.item.reply() && !t.item.reply())) {
                t.adopt(r);
            } else {
                // Neither is the other's reply: both become children of a new placeholder in t's place.
                Container dummy = new Container();
                int at = merged.indexOf(t);
                dummy.adopt(t);
                dummy.adopt(r);
                if (at >= 0) merged.set(at, dummy);
                bySubject.put(i.base(), dummy);
            }
        }
        merged.removeIf(c -> c.parent != null);
        // Step 6: sort every level by date.
        List<ThreadNode> out = new ArrayList<>();
        for (Container r : merged) out.add(node(r));
        return out;
    }

    /** Removes placeholders without children, and promotes the children of placeholders (§2.2 step 3). */
    private static List<Container> prune(List<Container> level, boolean root) {
        List<Container> out = new ArrayList<>();
        for (Container c : level) {
            List<Container> kids = prune(new ArrayList<>(c.children), false);
            c.children.clear();
            for (Container k : kids) {
                k.parent = c;
                c.children.add(k);
            }
            if (c.item == null && c.children.isEmpty()) continue;
            if (c.item == null && (!root || c.children.size() == 1)) {
                for (Container k : c.children) k.parent = root ? null : c.parent;
                out.addAll(c.children);
                continue;
            }
            out.add(c);
        }
        return out;
    }

    private static ThreadNode node(Container c) {
        List<Container> kids = new ArrayList<>(c.children);
        kids.sort(ORDER);
        List<ThreadNode> children = new ArrayList<>();
        for (Container k : kids) children.add(node(k));
        return new ThreadNode(c.item == null ? 0 : c.item.uid(), children);
    }
}
