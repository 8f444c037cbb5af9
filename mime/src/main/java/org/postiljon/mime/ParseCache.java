package org.postiljon.mime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Decoded parses by content address, bounded in entries. A message's bytes never change under
 * its content address, so an entry is never stale and nothing needs invalidating: the cache
 * only saves decoding the stored JSON again when clients list the same messages over and over
 * (phones re-fetching the newest fifty headers, several devices on one mailbox).
 */
public final class ParseCache {

    private final Cache<String, ParsedMessageCodec.Stored> cache;

    /** @param maxEntries how many decoded parses to keep; 0 keeps none */
    public ParseCache(long maxEntries) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    /** The decoded parse of the message with this content address, when it is cached. */
    public ParsedMessageCodec.Stored get(String contentAddress) {
        return cache.getIfPresent(contentAddress);
    }

    /** Decodes a stored parse and keeps it under the message's content address. */
    public ParsedMessageCodec.Stored decode(String contentAddress, String storedParse) {
        ParsedMessageCodec.Stored parse = ParsedMessageCodec.decode(storedParse);
        cache.put(contentAddress, parse);
        return parse;
    }
}
