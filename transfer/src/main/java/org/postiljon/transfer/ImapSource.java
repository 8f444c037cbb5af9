package org.postiljon.transfer;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.INTERNALDATE;
import org.eclipse.angus.mail.imap.protocol.RFC822SIZE;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.SpecialUse;

/**
 * Another server's mailbox over IMAP (Angus Mail as the client). {@code imaps://host[:993]} is TLS
 * from the first byte; {@code imap://host[:143]} must offer STARTTLS, except on a loopback address.
 * Certificates are checked (host name included) unless the operator says the old server's may not be.
 * Folders are opened with EXAMINE, so nothing on the source changes, not even \Seen.
 *
 * <p>Listing is one {@code UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS
 * (MESSAGE-ID)])}; contents are fetched with {@code BODY.PEEK[]} for up to 100 messages or 16 MiB at a
 * time, bytes exactly as the server sends them.
 */
public final class ImapSource implements Source {

    private static final int FETCH_MESSAGES = 100;
    private static final long FETCH_BYTES = 16L << 20;

    private final IMAPStore store;
    private final String describe;
    private final String prefix;
    private IMAPFolder open;

    /**
     * @param url          imap:// or imaps://, host and port
     * @param user         the mailbox's user name on the source
     * @param password     its password, or the admin's when {@code admin} is given
     * @param admin        an admin (Dovecot master) user that logs in for {@code user} with SASL PLAIN's authorization id, or null
     * @param trustAnyCert accept the source's certificate without checking it (an old server with a self-signed one)
     */
    public ImapSource(URI url, String user, char[] password, String admin, boolean trustAnyCert) throws IOException {
        String scheme = url.getScheme() == null ? "" : Content.lower(url.getScheme());
        if (!scheme.equals("imap") && !scheme.equals("imaps")) throw new IllegalArgumentException("expected imap:// or imaps://, not " + url);
        if (url.getHost() == null) throw new IllegalArgumentException("no host in " + url);
        int port = url.getPort() > 0 ? url.getPort() : scheme.equals("imaps") ? 993 : 143;
        Properties p = Connections.properties(scheme, url.getHost(), trustAnyCert);
        if (admin != null) {
            p.put("mail." + scheme + ".sasl.enable", "true");
            p.put("mail." + scheme + ".sasl.mechanisms", "PLAIN");
            p.put("mail." + scheme + ".sasl.authorizationid", user);
        }
        this.describe = scheme + "://" + url.getHost() + ":" + port + " (" + user + (admin != null ? " via " + admin : "") + ")";
        try {
            store = (IMAPStore) Session.getInstance(p).getStore(scheme);
            store.connect(url.getHost(), port, admin != null ? admin : user, new String(password));
            jakarta.mail.Folder[] personal = store.getPersonalNamespaces();
            this.prefix = personal.length > 0 ? personal[0].getFullName() : "";
        } catch (MessagingException e) {
            throw Connections.io("IMAP " + url.getHost() + ":" + port, e);
        }
    }

    @Override
    public List<Folder> folders() throws IOException {
        try {
            List<Source.Folder> out = new ArrayList<>();
            for (jakarta.mail.Folder f : store.getDefaultFolder().list("*")) {
                IMAPFolder i = (IMAPFolder) f;
                Set<String> attrs = new LinkedHashSet<>(Arrays.asList(i.getAttributes()));
                boolean selectable = attrs.stream().noneMatch(a -> a.equalsIgnoreCase("\\Noselect") || a.equalsIgnoreCase("\\NonExistent"));
                Optional<SpecialUse> use = attrs.stream().map(SpecialUse::fromAttribute).flatMap(Optional::stream)
                        .filter(u -> u != SpecialUse.ALL && u != SpecialUse.FLAGGED).findFirst();
                out.add(new Source.Folder(levels(i.getFullName(), i.getSeparator()), use, selectable, i.getFullName()));
            }
            out.sort((a, b) -> FolderMap.isInbox(a) ? -1 : FolderMap.isInbox(b) ? 1 : a.name().compareTo(b.name()));
            return out;
        } catch (MessagingException e) {
            throw Connections.io("LIST", e);
        }
    }

    /** A name's levels below the personal namespace (Courier's "INBOX." prefix is not a level here). */
    private List<String> levels(String full, char separator) {
        String name = !prefix.isEmpty() && full.startsWith(prefix) && full.length() > prefix.length() ? full.substring(prefix.length()) : full;
        if (separator == 0) return List.of(name);
        return List.of(name.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1)).stream().filter(s -> !s.isEmpty()).toList();
    }

    @Override
    public Set<List<String>> subscriptions() throws IOException {
        try {
            Set<List<String>> out = new LinkedHashSet<>();
            for (jakarta.mail.Folder f : store.getDefaultFolder().listSubscribed("*")) out.add(levels(f.getFullName(), f.getSeparator()));
            return out;
        } catch (MessagingException e) {
            throw Connections.io("LSUB", e);
        }
    }

    @Override
    public List<Item> list(Folder folder) throws IOException {
        IMAPFolder f = select(folder);
        List<Item> out = new ArrayList<>();
        try {
            if (f.getMessageCount() == 0) return out;
        } catch (MessagingException e) {
            throw Connections.io("EXAMINE " + folder.name(), e);
        }
        for (Response r : command(f, "UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")) {
            if (!(r instanceof FetchResponse fr) || fr.getItem(UID.class) == null) continue;
            BODY head = fr.getItem(BODY.class);
            INTERNALDATE date = fr.getItem(INTERNALDATE.class);
            RFC822SIZE size = fr.getItem(RFC822SIZE.class);
            out.add(new Item(String.valueOf(fr.getItem(UID.class).uid), flags(fr.getItem(FLAGS.class)),
                    date == null ? null : date.getDate().toInstant(), size == null ? 0 : size.size,
                    head == null ? null : Content.messageId(head.getByteArray().getNewBytes())));
        }
        out.sort((a, b) -> Long.compare(Long.parseLong(a.ref()), Long.parseLong(b.ref())));
        return out;
    }

    @Override
    public void fetch(Folder folder, List<Item> items, Sink sink) throws IOException {
        IMAPFolder f = select(folder);
        for (int i = 0; i < items.size(); ) {
            int j = i;
            long bytes = 0;
            while (j < items.size() && j - i < FETCH_MESSAGES && (j == i || bytes + items.get(j).size() <= FETCH_BYTES)) bytes += items.get(j++).size();
            List<Item> batch = items.subList(i, j);
            StringBuilder uids = new StringBuilder();
            for (Item it : batch) uids.append(uids.isEmpty() ? "" : ",").append(it.ref());
            java.util.Map<String, byte[]> got = new java.util.HashMap<>();
            for (Response r : command(f, "UID FETCH " + uids + " (UID BODY.PEEK[])")) {
                if (r instanceof FetchResponse fr && fr.getItem(UID.class) != null && fr.getItem(BODY.class) != null) {
                    got.put(String.valueOf(fr.getItem(UID.class).uid), fr.getItem(BODY.class).getByteArray().getNewBytes());
                }
            }
            for (Item it : batch) {
                byte[] content = got.remove(it.ref());
                if (content != null) sink.accept(it, content); // gone from the source meanwhile: not copied, the report counts it missing
            }
            i = j;
        }
    }

    private IMAPFolder select(Folder folder) throws IOException {
        try {
            if (open != null && open.getFullName().equals(folder.handle()) && open.isOpen()) return open;
            if (open != null && open.isOpen()) open.close(false);
            open = (IMAPFolder) store.getFolder(folder.handle());
            open.open(jakarta.mail.Folder.READ_ONLY);
            return open;
        } catch (MessagingException e) {
            throw Connections.io("EXAMINE " + folder.name(), e);
        }
    }

    /** One command on the folder's connection, its untagged responses returned; NO or BAD thrown. */
    private static Response[] command(IMAPFolder f, String command) throws IOException {
        try {
            return (Response[]) f.doCommand(p -> {
                Response[] r = p.command(command, null);
                p.handleResult(r[r.length - 1]);
                return r;
            });
        } catch (MessagingException e) {
            throw Connections.io(command.substring(0, command.indexOf(' ', 4)), e);
        }
    }

    private static Flags flags(FLAGS f) {
        if (f == null) return Flags.NONE;
        List<String> names = new ArrayList<>();
        if (f.contains(jakarta.mail.Flags.Flag.SEEN)) names.add(Flags.SEEN);
        if (f.contains(jakarta.mail.Flags.Flag.ANSWERED)) names.add(Flags.ANSWERED);
        if (f.contains(jakarta.mail.Flags.Flag.FLAGGED)) names.add(Flags.FLAGGED);
        if (f.contains(jakarta.mail.Flags.Flag.DELETED)) names.add(Flags.DELETED);
        if (f.contains(jakarta.mail.Flags.Flag.DRAFT)) names.add(Flags.DRAFT);
        names.addAll(Arrays.asList(f.getUserFlags()));
        return Flags.of(names);
    }

    @Override
    public boolean keepsFlags() {
        return true;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() throws IOException {
        try {
            if (open != null && open.isOpen()) open.close(false);
            store.close();
        } catch (MessagingException e) {
            throw Connections.io("LOGOUT", e);
        }
    }
}
