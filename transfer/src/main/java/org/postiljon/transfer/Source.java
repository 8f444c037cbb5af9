package org.postiljon.transfer;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.SpecialUse;

/**
 * Where mail is imported from: another server (IMAP, POP3) or files (Maildir, mbox). A source is
 * only read, never changed: IMAP folders are opened read-only (EXAMINE, so BODY[] sets no \Seen),
 * POP3 never deletes, files are not touched.
 */
public interface Source extends AutoCloseable {

    /** Every folder, parents before children, with their names split into levels (decoded to Unicode). */
    List<Folder> folders() throws IOException;

    /** The subscribed folders' names, in levels as {@link Folder#levels}. */
    Set<List<String>> subscriptions() throws IOException;

    /** The messages of a folder, in the source's order (IMAP: ascending UID), without their bodies. */
    List<Item> list(Folder folder) throws IOException;

    /**
     * The bytes of {@code items} of {@code folder} as an IMAP server serves them (CRLF line endings),
     * handed to {@code sink} one at a time in the order given. Reads in batches; a message is held in
     * memory only while the sink takes it.
     */
    void fetch(Folder folder, List<Item> items, Sink sink) throws IOException;

    /**
     * Whether the source keeps messages' flags and arrival times (IMAP, Maildir, mbox): then they are
     * copied, and flags changed there since the last run are changed here. POP3 has neither.
     */
    boolean keepsFlags();

    /** A short name for the report, e.g. {@code imaps://mail.example.com (alice)}. */
    String describe();

    @Override
    void close() throws IOException;

    /** Takes one message's bytes. */
    @FunctionalInterface
    interface Sink {
        void accept(Item item, byte[] content) throws IOException;
    }

    /**
     * A folder of the source.
     *
     * @param levels     its name's levels, e.g. [Projects, 2024]; [INBOX] for the inbox
     * @param use        the special use the source says it has (RFC 6154), if any
     * @param selectable false for a folder that only holds other folders (\Noselect, \NonExistent)
     * @param handle     what the source needs to find it again
     */
    record Folder(List<String> levels, Optional<SpecialUse> use, boolean selectable, String handle) {
        public Folder {
            levels = List.copyOf(levels);
        }

        public String name() {
            return String.join("/", levels);
        }
    }

    /**
     * One message of a folder, without its body.
     *
     * @param ref          the source's id for it (IMAP UID, POP3 UIDL, file name, offset in the mbox)
     * @param flags        system flags and keywords ({@link Flags#NONE} where the source has none)
     * @param internalDate when it arrived (IMAP INTERNALDATE; the file's time; the mbox From line)
     * @param size         octets with CRLF line endings, as IMAP's RFC822.SIZE
     * @param messageId    the first msg-id of its Message-ID field ({@code <a@b>}), or null
     */
    record Item(String ref, Flags flags, Instant internalDate, long size, String messageId) { }
}
