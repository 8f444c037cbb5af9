package org.postiljon.transfer;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Message;
import org.postiljon.mailbox.api.Flags;

/**
 * A POP3 maildrop (Angus Mail as the client): one folder, the inbox. Nothing is deleted there
 * (the session ends without DELE). POP3 keeps no flags and no arrival time: messages arrive unread,
 * dated by their newest Received field (else their Date). Each message's header is read with
 * {@code TOP n 0} for its Message-ID, its content with RETR.
 */
public final class Pop3Source implements Source {

    private final Store store;
    private final POP3Folder inbox;
    private final String describe;
    private final Map<String, POP3Message> byUidl = new HashMap<>();

    public Pop3Source(URI url, String user, char[] password, boolean trustAnyCert) throws IOException {
        String scheme = url.getScheme() == null ? "" : Content.lower(url.getScheme());
        if (!scheme.equals("pop3") && !scheme.equals("pop3s")) throw new IllegalArgumentException("expected pop3:// or pop3s://, not " + url);
        if (url.getHost() == null) throw new IllegalArgumentException("no host in " + url);
        int port = url.getPort() > 0 ? url.getPort() : scheme.equals("pop3s") ? 995 : 110;
        Properties p = Connections.properties(scheme, url.getHost(), trustAnyCert);
        p.put("mail." + scheme + ".rsetbeforequit", "true"); // nothing marked for deletion, whatever happens
        this.describe = scheme + "://" + url.getHost() + ":" + port + " (" + user + ")";
        try {
            store = Session.getInstance(p).getStore(scheme);
            store.connect(url.getHost(), port, user, new String(password));
            inbox = (POP3Folder) store.getFolder("INBOX");
            inbox.open(jakarta.mail.Folder.READ_ONLY);
        } catch (MessagingException e) {
            throw Connections.io("POP3 " + url.getHost() + ":" + port, e);
        }
    }

    @Override
    public List<Folder> folders() {
        return List.of(new Folder(List.of("INBOX"), Optional.empty(), true, "INBOX"));
    }

    @Override
    public Set<List<String>> subscriptions() {
        return Set.of();
    }

    @Override
    public List<Item> list(Folder folder) throws IOException {
        List<Item> out = new ArrayList<>();
        try {
            int[] sizes = inbox.getSizes(); // LIST: the whole message's octets (POP3Message.getSize is its body's)
            for (Message m : inbox.getMessages()) {
                POP3Message pm = (POP3Message) m;
                String uidl = inbox.getUID(pm);
                String ref = uidl != null ? uidl : String.valueOf(pm.getMessageNumber());
                byUidl.put(ref, pm);
                byte[] head;
                try (InputStream top = pm.top(0)) {
                    head = top.readAllBytes();
                }
                out.add(new Item(ref, Flags.NONE, Content.arrival(head), sizes[pm.getMessageNumber() - 1], Content.messageId(head)));
            }
        } catch (MessagingException e) {
            throw Connections.io("POP3 LIST", e);
        }
        return out;
    }

    @Override
    public void fetch(Folder folder, List<Item> items, Sink sink) throws IOException {
        for (Item i : items) {
            POP3Message m = byUidl.get(i.ref());
            if (m == null) continue;
            byte[] content;
            try (InputStream in = m.getMimeStream()) {
                content = in.readAllBytes();
            } catch (MessagingException e) {
                throw Connections.io("RETR " + m.getMessageNumber(), e);
            }
            m.invalidate(true); // Angus would keep every message's bytes
            sink.accept(i, Content.crlf(content));
        }
    }

    @Override
    public boolean keepsFlags() {
        return false;
    }

    @Override
    public String describe() {
        return describe;
    }

    @Override
    public void close() throws IOException {
        try {
            inbox.close(false);
            store.close();
        } catch (MessagingException e) {
            throw Connections.io("QUIT", e);
        }
    }
}
