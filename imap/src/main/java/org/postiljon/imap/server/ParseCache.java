package org.postiljon.imap.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.postiljon.mailbox.api.structure.MessageStructure;

/**
 * Message structures and their IMAP renderings by content address, bounded in entries. A message's
 * bytes never change under its content address, so an entry is never stale and nothing needs
 * invalidating: the cache saves reading the structure from the store and rendering it again when
 * clients list the same messages over and over (phones re-fetching the newest fifty headers,
 * several devices on one mailbox).
 */
public final class ParseCache {

    private final Cache<String, MessageStructure> cache;
    private final Cache<Rendering, byte[]> renderings;

    /** A form a protocol renders from a parse, e.g. an IMAP ENVELOPE for UTF-8 sessions. */
    private record Rendering(String contentAddress, String form) { }

    /** @param maxEntries how many structures (and as many renderings) to keep; 0 keeps none */
    public ParseCache(long maxEntries) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).build();
        this.renderings = Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    /**
     * The bytes a protocol renders from a message's parse, made once per content address and
     * {@code form}; {@code form} must name everything the rendering depends on besides the message.
     */
    public byte[] rendered(String contentAddress, String form, java.util.function.Supplier<byte[]> render) {
        return renderings.get(new Rendering(contentAddress, form), k -> render.get());
    }

    /** The structure of the content with this address, when it is cached. */
    public MessageStructure get(String contentAddress) {
        return cache.getIfPresent(contentAddress);
    }

    /** Keeps the structure read from the store under its content's address, and returns it. */
    public MessageStructure keep(String contentAddress, MessageStructure structure) {
        cache.put(contentAddress, structure);
        return structure;
    }
}
