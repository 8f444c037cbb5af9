package org.postiljon.transfer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.SpecialUse;

/**
 * Which folder here each source folder's mail goes to. The inbox is INBOX; a folder the source
 * marks for a special use (RFC 6154), or, where the source says nothing, one named as mail programs
 * name them ("Sent Items", "Gesendet", "Spam"...), goes to this account's folder of that use, so
 * sent mail lands in Sent whatever the old server called it; every other folder keeps its name,
 * levels joined with {@code /}. Each special use takes one source folder: the one marked, else the
 * first named so; a second one keeps its own name rather than being mixed into the first.
 */
final class FolderMap {

    /** Top-level names mail programs and servers give special folders (English, German, Swedish, and the big providers'). */
    private static final Map<String, SpecialUse> NAMES = new HashMap<>();

    static {
        for (String n : List.of("sent", "sent messages", "sent items", "sent mail", "gesendet", "gesendete objekte", "gesendete elemente", "skickat", "skickade objekt"))
            NAMES.put(n, SpecialUse.SENT);
        for (String n : List.of("drafts", "draft", "entwürfe", "entwurf", "utkast")) NAMES.put(n, SpecialUse.DRAFTS);
        for (String n : List.of("trash", "deleted items", "deleted messages", "bin", "papierkorb", "gelöschte objekte", "gelöschte elemente", "papperskorgen", "borttaget"))
            NAMES.put(n, SpecialUse.TRASH);
        for (String n : List.of("junk", "spam", "junk e-mail", "junk email", "bulk mail", "spamverdacht", "skräppost")) NAMES.put(n, SpecialUse.JUNK);
        for (String n : List.of("archive", "archives", "archiv", "arkiv")) NAMES.put(n, SpecialUse.ARCHIVE);
    }

    private final Map<Source.Folder, MailboxName> targets = new HashMap<>();
    private final Map<Source.Folder, SpecialUse> newUses = new HashMap<>();

    /** Maps {@code folders} onto an account whose folders are {@code existing}. */
    FolderMap(List<Source.Folder> folders, List<Mailbox> existing) {
        Map<SpecialUse, MailboxName> special = new EnumMap<>(SpecialUse.class);
        for (Mailbox m : existing) m.specialUse().ifPresent(u -> special.putIfAbsent(u, m.name()));
        Map<SpecialUse, Source.Folder> claimed = new EnumMap<>(SpecialUse.class);
        for (Source.Folder f : folders) f.use().ifPresent(u -> claimed.putIfAbsent(u, f));
        for (Source.Folder f : folders) guess(f).ifPresent(u -> claimed.putIfAbsent(u, f));
        for (Source.Folder f : folders) {
            MailboxName to = null;
            if (isInbox(f)) {
                to = MailboxName.INBOX;
            } else {
                for (var c : claimed.entrySet()) {
                    if (!c.getValue().equals(f)) continue;
                    if (special.containsKey(c.getKey())) to = special.get(c.getKey());
                    else newUses.put(f, c.getKey());
                }
            }
            targets.put(f, to != null ? to : byName(f));
        }
    }

    /** Where the folder's mail goes. */
    MailboxName target(Source.Folder folder) {
        return targets.get(folder);
    }

    /** The special use a folder made for the source's folder gets: the one this account had no folder for yet. */
    Optional<SpecialUse> newUse(Source.Folder folder) {
        return Optional.ofNullable(newUses.get(folder));
    }

    /** A subscription's name here, or empty when it names no folder of the source (then it is kept by name). */
    MailboxName subscription(List<String> levels) {
        for (var e : targets.entrySet()) if (e.getKey().levels().equals(levels)) return e.getValue();
        return byName(new Source.Folder(levels, Optional.empty(), true, ""));
    }

    static boolean isInbox(Source.Folder f) {
        return f.levels().size() == 1 && f.levels().getFirst().equalsIgnoreCase("INBOX");
    }

    private static Optional<SpecialUse> guess(Source.Folder f) {
        if (f.use().isPresent() || f.levels().size() != 1) return Optional.empty();
        return Optional.ofNullable(NAMES.get(Content.lower(f.levels().getFirst())));
    }

    /**
     * The source's name with our separator. A level may hold a {@code /} where the source's
     * separator is another character: it becomes U+2215 (∕), which looks the same, so the level
     * stays one level. Characters IMAP names cannot carry here ({@code * %}, control characters) become {@code _}.
     */
    private static MailboxName byName(Source.Folder f) {
        List<String> levels = new ArrayList<>();
        for (String level : f.levels()) {
            StringBuilder b = new StringBuilder();
            level.strip().codePoints().forEach(c -> {
                if (c == '/') b.append('\u2215');
                else if (c == '*' || c == '%' || Character.isISOControl(c)) b.append('_');
                else b.appendCodePoint(c);
            });
            levels.add(b.isEmpty() ? "_" : b.toString());
        }
        MailboxName name = MailboxName.of(String.join("/", levels));
        // A folder named as one of the shared namespaces would sit among other users' folders.
        if (name.isNamespacePrefix()) name = MailboxName.of(levels.getFirst() + " (imported)" + name.path().substring(levels.getFirst().length()));
        return name;
    }
}
