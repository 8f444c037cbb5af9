package org.postiljon.mailbox;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.mailbox.api.structure.MessageStructure;
import org.postiljon.mime.Addresses;
import org.postiljon.mime.MessageParser;
import org.postiljon.mime.SearchText;
import org.postiljon.store.spi.BlobStore;
import org.postiljon.store.spi.MetadataStore;
import org.postiljon.store.spi.ReadTx;
import org.postiljon.store.spi.SearchIndex;

/**
 * Runs a {@link SearchQuery} over one mailbox in two steps: the store narrows the candidates
 * with what its columns answer (flag columns exactly; address and subject columns as a superset,
 * ASCII queries only), then every candidate is confirmed here against the one matching rule of
 * {@link SearchQuery#matches}, so a narrowed search gives exactly what a full scan gives. The
 * header and body are read from the message file only for keys that need them.
 */
final class MessageSearch {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MessageSearch.class);

    /** How much of a message TEXT and BODY search (and the full-text index) look at. */
    static final int MAX_TEXT_BYTES = 16 << 20;
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private final MetadataStore store;
    private final BlobStore blobs;
    private final SearchIndex index;

    MessageSearch(MetadataStore store, BlobStore blobs, SearchIndex index) {
        this.store = store;
        this.blobs = blobs;
        this.index = index;
    }

    /** Candidates from the store: ascending UIDs; {@code exact} when they are the answer itself. */
    private record Narrowed(long[] uids, boolean exact) { }

    /** What one read transaction gathers: the mailbox, and either the answer or what confirming needs. */
    private record Gathered(long mailboxId, long[] answer, List<MessageInfo> messages, SortedMap<Long, MessageKeys> keys,
                            Map<Long, byte[]> traces) { }

    long[] run(Account account, MailboxName name, SearchQuery query) {
        // TEXT keys the index answers for certain, with the UIDs it is certain of: those are not read to confirm.
        Map<SearchQuery, long[]> sure = new java.util.IdentityHashMap<>();
        Gathered g = store.read(tx -> {
            Mailbox m = Access.resolve(tx, account, name, 'r', "search").mailbox();
            Narrowed n = narrow(tx, m.id(), query, sure);
            if (n != null && n.exact()) return new Gathered(m.id(), n.uids(), null, null, null);
            List<MessageInfo> messages = n == null ? tx.messages(m.id(), UidSet.ALL) : tx.messages(m.id(), n.uids());
            SortedMap<Long, MessageKeys> keys = null;
            boolean text = needsText(query); // confirming TEXT/BODY needs the parse: read with the keys, not per message
            if (text || needsKeys(query)) {
                keys = n == null ? tx.keys(m.id(), UidSet.ALL, text) : tx.keys(m.id(), n.uids(), text);
            }
            Map<Long, byte[]> traces = Map.of();
            if (needsHeader(query) && messages.stream().anyMatch(x -> x.traceLength() > 0)) {
                traces = tx.traces(m.id(), n == null ? UidSet.ALL : UidSet.ofSorted(n.uids()));
            }
            return new Gathered(m.id(), null, messages, keys, traces);
        });
        if (g.answer() != null) return g.answer();
        long[] hits = new long[g.messages().size()];
        int count = 0;
        for (MessageInfo m : g.messages()) {
            if (matches(query, new Candidate(g.mailboxId(), m, g.keys(), g.traces(), sure))) hits[count++] = m.uid();
        }
        return Arrays.copyOf(hits, count);
    }

    /**
     * The text TEXT and BODY search in, which the index holds too ({@link SearchText}): built from
     * the message's bytes and its cached parse. Null when the message has no parse (it is then
     * searched as raw text).
     */
    static SearchText text(BlobStore blobs, BlobId blob, MessageStructure parse) throws IOException {
        byte[] bytes;
        try (InputStream in = blobs.open(blob)) {
            bytes = in.readNBytes(MAX_TEXT_BYTES);
        }
        if (parse == null) return new SearchText("", new String(bytes, StandardCharsets.UTF_8));
        return SearchText.of(bytes, parse.body(), MAX_TEXT_BYTES);
    }

    /** What the index holds of a content: its search text and the decoded fields, exactly as confirming reads them. */
    static java.util.Map<SearchIndex.Field, String> indexed(BlobStore blobs, BlobId blob, MessageKeys k) throws IOException {
        java.util.Map<SearchIndex.Field, String> texts = new java.util.EnumMap<>(SearchIndex.Field.class);
        texts.put(SearchIndex.Field.TEXT, text(blobs, blob, k.parse()).whole());
        var envelope = k.fromText() == null && k.parse() != null ? k.parse().envelope() : null;
        texts.put(SearchIndex.Field.FROM, k.fromText() != null ? k.fromText() : envelope == null ? "" : Addresses.text(envelope.from()));
        texts.put(SearchIndex.Field.TO, k.toText() != null ? k.toText() : envelope == null ? "" : Addresses.text(envelope.to()));
        texts.put(SearchIndex.Field.CC, k.ccText() != null ? k.ccText() : envelope == null ? "" : Addresses.text(envelope.cc()));
        texts.put(SearchIndex.Field.BCC, k.bccText() != null ? k.bccText() : envelope == null ? "" : Addresses.text(envelope.bcc()));
        texts.put(SearchIndex.Field.SUBJECT, k.subject() == null ? "" : k.subject());
        return texts;
    }

    // ---- narrowing, in the store ----

    private Narrowed narrow(ReadTx tx, long mailboxId, SearchQuery q, Map<SearchQuery, long[]> sure) {
        return switch (q) {
            case SearchQuery.All a -> new Narrowed(tx.uids(mailboxId), true);
            case SearchQuery.HasFlag f when column(f.flag()) != null -> new Narrowed(tx.uidsWithFlag(mailboxId, column(f.flag()), true), true);
            case SearchQuery.Not(SearchQuery.HasFlag f) when column(f.flag()) != null -> new Narrowed(tx.uidsWithFlag(mailboxId, column(f.flag()), false), true);
            case SearchQuery.Contains c -> {
                Narrowed n = indexed(tx, mailboxId, SearchIndex.Field.valueOf(c.field().name()), c.text(), c, sure);
                yield n != null || !SearchQuery.isAscii(c.text()) ? n : new Narrowed(tx.uidsContaining(mailboxId, c.field(), c.text()), false);
            }
            // Header keys are not narrowed by the index: their values are matched decoded (RFC 2047), the index holds the raw text.
            // TEXT covers the whole message, as the index does; BODY hits are confirmed (the string may be in the header only).
            case SearchQuery.Text t -> indexed(tx, mailboxId, SearchIndex.Field.TEXT, t.text(), t.wholeMessage() ? t : null, sure);
            case SearchQuery.HasAttachment a -> marked(tx, mailboxId, true, a, sure);
            case SearchQuery.Not(SearchQuery.HasAttachment a) -> marked(tx, mailboxId, false, q, sure);
            case SearchQuery.And and -> {
                Narrowed out = null;
                boolean exact = true;
                for (SearchQuery part : and.all()) {
                    Narrowed n = narrow(tx, mailboxId, part, sure);
                    if (n == null) {
                        exact = false;
                        continue;
                    }
                    exact &= n.exact();
                    out = out == null ? n : new Narrowed(intersect(out.uids(), n.uids()), false);
                    if (out.uids().length == 0) break; // nothing can match
                }
                if (out != null && out.uids().length == 0) exact = true; // nothing can match
                yield out == null ? null : new Narrowed(out.uids(), exact);
            }
            case SearchQuery.Or(SearchQuery a, SearchQuery b) -> {
                Narrowed na = narrow(tx, mailboxId, a, sure);
                Narrowed nb = na == null ? null : narrow(tx, mailboxId, b, sure);
                yield nb == null ? null : new Narrowed(union(na.uids(), nb.uids()), na.exact() && nb.exact());
            }
            default -> null;
        };
    }

    /**
     * Candidates from the full-text index: the messages whose content it says may contain
     * {@code text}, and those whose content it has not indexed yet. Null when it cannot narrow.
     */
    /**
     * Candidates from the full-text index: the messages whose content it says may contain
     * {@code text} in {@code field}, and those whose content it has not indexed yet. The hits it is
     * certain of are noted for {@code query} (unless null), so confirming does not read them.
     * Null when it cannot narrow.
     */
    private Narrowed indexed(ReadTx tx, long mailboxId, SearchIndex.Field field, String text, SearchQuery query, Map<SearchQuery, long[]> sure) {
        SearchIndex.Hits hits;
        try {
            hits = index.candidates(field, text);
        } catch (IOException e) {
            log.warn("search index unavailable, scanning instead: {}", e.toString());
            return null;
        }
        if (hits == null) return null;
        long[] all = tx.uidsWithContent(mailboxId, hits.all());
        long[] pending = tx.uidsPendingIndex(mailboxId);
        boolean allSure = query != null && hits.sure().size() == hits.all().size();
        if (allSure && pending.length == 0) return new Narrowed(all, true); // every candidate certain: the answer itself
        if (query != null && !hits.sure().isEmpty()) sure.put(query, allSure ? all : tx.uidsWithContent(mailboxId, hits.sure()));
        return new Narrowed(union(all, pending), false);
    }

    /**
     * Candidates from the stored attachment mark: the messages marked {@code attachment}, certain
     * (noted for {@code query}), and those not yet marked, to be confirmed from their structure.
     */
    private static Narrowed marked(ReadTx tx, long mailboxId, boolean attachment, SearchQuery query, Map<SearchQuery, long[]> sure) {
        var marks = tx.attachmentMarks(mailboxId);
        long[] certain = attachment ? marks.with() : marks.without();
        long[] unmarked = marks.unmarked();
        if (unmarked.length == 0) return new Narrowed(certain, true);
        sure.put(query, certain);
        return new Narrowed(union(certain, unmarked), false);
    }

    /** The flags the store keeps a column for, by their canonical name; null for the others. */
    private static String column(String flag) {
        if (flag.equalsIgnoreCase(Flags.SEEN)) return Flags.SEEN;
        if (flag.equalsIgnoreCase(Flags.DELETED)) return Flags.DELETED;
        return null;
    }

    static long[] intersect(long[] a, long[] b) {
        long[] out = new long[Math.min(a.length, b.length)];
        int i = 0, j = 0, n = 0;
        while (i < a.length && j < b.length) {
            if (a[i] < b[j]) i++;
            else if (a[i] > b[j]) j++;
            else { out[n++] = a[i]; i++; j++; }
        }
        return Arrays.copyOf(out, n);
    }

    static long[] union(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0, j = 0, n = 0;
        while (i < a.length || j < b.length) {
            if (j == b.length || (i < a.length && a[i] < b[j])) out[n++] = a[i++];
            else if (i == a.length || b[j] < a[i]) out[n++] = b[j++];
            else { out[n++] = a[i++]; j++; }
        }
        return Arrays.copyOf(out, n);
    }

    /** Whether a key of {@code q} (through AND, OR and NOT) is one {@code leaf} accepts. */
    private static boolean any(SearchQuery q, java.util.function.Predicate<SearchQuery> leaf) {
        return switch (q) {
            case SearchQuery.And and -> and.all().stream().anyMatch(x -> any(x, leaf));
            case SearchQuery.Or(SearchQuery a, SearchQuery b) -> any(a, leaf) || any(b, leaf);
            case SearchQuery.Not(SearchQuery inner) -> any(inner, leaf);
            default -> leaf.test(q);
        };
    }

    private static boolean needsText(SearchQuery q) {
        return any(q, k -> k instanceof SearchQuery.Text);
    }

    private static boolean needsKeys(SearchQuery q) {
        return any(q, k -> k instanceof SearchQuery.Contains || k instanceof SearchQuery.Day d && d.field() == SearchQuery.DateField.SENT);
    }

    /** HEADER keys read the header; a delivered message's begins with its trace fields, read with the rest of the gathering. */
    private static boolean needsHeader(SearchQuery q) {
        return any(q, k -> k instanceof SearchQuery.Header);
    }

    // ---- confirming, here ----

    private boolean matches(SearchQuery q, Candidate c) {
        return switch (q) {
            case SearchQuery.All a -> true;
            case SearchQuery.And and -> {
                for (SearchQuery part : and.all()) if (!matches(part, c)) yield false;
                yield true;
            }
            case SearchQuery.Or(SearchQuery a, SearchQuery b) -> matches(a, c) || matches(b, c);
            case SearchQuery.Not(SearchQuery.HasAttachment a) when c.sure(q) -> true; // marked without one
            case SearchQuery.Not(SearchQuery inner) -> !matches(inner, c);
            case SearchQuery.HasFlag f -> c.m.flags().contains(f.flag());
            case SearchQuery.Uids u -> u.uids().contains(c.m.uid());
            case SearchQuery.Size s -> s.larger() ? c.m.size() > s.bytes() : c.m.size() < s.bytes();
            case SearchQuery.ModSeq ms -> c.m.modSeq() >= ms.min();
            case SearchQuery.Arrived a -> a.before() == c.m.internalDate().isBefore(a.at());
            case SearchQuery.Day d -> {
                Instant when = switch (d.field()) {
                    case INTERNAL -> c.m.internalDate();
                    case SAVED -> c.m.saveDate(); // RFC 8514 §4.3
                    case SENT -> c.keys().sentDate();
                };
                LocalDate day = when == null ? null : when.atZone(ZoneOffset.UTC).toLocalDate();
                if (d.field() == SearchQuery.DateField.SENT && (day == null || Math.abs(java.time.temporal.ChronoUnit.DAYS.between(day, d.day())) <= 1)) {
                    // RFC 3501 §6.4.4: the Date header's date "disregarding time and timezone", as written; it is
                    // at most a day from the UTC date, so the header is read only near the day asked about (or
                    // when the date as a whole could not be read, e.g. an obsolete form without seconds).
                    for (String v : c.field("Date")) day = MessageParser.writtenDay(v).orElse(day);
                }
                yield day != null && compare(day, d.comparison(), d.day());
            }
            case SearchQuery.Contains t when c.sure(t) -> true;
            case SearchQuery.Contains t -> SearchQuery.matches(t.field() == SearchQuery.Field.SUBJECT ? c.keys().subject() : c.addresses(t.field()), t.text());
            case SearchQuery.Header h -> c.field(h.name()).stream().anyMatch(v -> SearchQuery.matches(v, h.text()));
            case SearchQuery.HasAttachment a when c.sure(a) -> true;
            case SearchQuery.HasAttachment a -> c.hasAttachment();
            case SearchQuery.Text t when c.sure(t) -> true;
            case SearchQuery.Text t -> SearchQuery.matches(t.wholeMessage() ? c.text().whole() : c.text().body(), t.text());
        };
    }

    private static boolean compare(LocalDate day, SearchQuery.Comparison op, LocalDate d) {
        return switch (op) {
            case BEFORE -> day.isBefore(d);
            case ON -> day.equals(d);
            case SINCE -> !day.isBefore(d);
        };
    }

    /** One message while it is being confirmed; its header and text are read at most once. */
    private final class Candidate {
        final long mailboxId;
        final MessageInfo m;
        private final Map<Long, MessageKeys> keys;
        private final Map<SearchQuery, long[]> sure;
        private String header;
        private SearchText text;

        private final Map<Long, byte[]> traces;

        Candidate(long mailboxId, MessageInfo m, Map<Long, MessageKeys> keys, Map<Long, byte[]> traces, Map<SearchQuery, long[]> sure) {
            this.mailboxId = mailboxId;
            this.m = m;
            this.keys = keys;
            this.traces = traces;
            this.sure = sure;
        }

        /** Whether the index is certain this message matches {@code q}. */
        boolean sure(SearchQuery q) {
            long[] s = sure.get(q);
            return s != null && Arrays.binarySearch(s, m.uid()) >= 0;
        }

        MessageKeys keys() {
            MessageKeys k = keys.get(m.uid());
            return k != null ? k : store.read(tx -> tx.keys(mailboxId, m.uid())).orElseThrow();
        }

        /** Decoded address text stored at delivery; rows from before those columns are decoded from the parse. */
        String addresses(SearchQuery.Field field) {
            MessageKeys k = keys();
            String stored = switch (field) {
                case FROM -> k.fromText();
                case TO -> k.toText();
                case CC -> k.ccText();
                default -> k.bccText();
            };
            if (stored != null) return stored;
            MessageStructure parse = store.read(tx -> tx.keys(mailboxId, m.uid())).map(MessageKeys::parse).orElse(null);
            if (parse == null) return "";
            var e = parse.envelope();
            return Addresses.text(switch (field) {
                case FROM -> e.from();
                case TO -> e.to();
                case CC -> e.cc();
                default -> e.bcc();
            });
        }

        /** Whether the message has an attachment, as JMAP's hasAttachment says (one rule: {@link MessageStructure#hasAttachment}). */
        boolean hasAttachment() {
            MessageKeys k = keys == null ? null : keys.get(m.uid());
            MessageStructure parse = k != null && k.parse() != null ? k.parse() : store.read(tx -> tx.parseOf(m.blobId())).orElse(null);
            return parse != null && parse.hasAttachment();
        }

        /** The decoded text of the message (see {@link SearchText}); unreadable parts match nothing. */
        SearchText text() {
            if (text == null) {
                try {
                    MessageKeys k = keys == null ? null : keys.get(m.uid());
                    MessageStructure parse = k != null && k.parse() != null ? k.parse() : store.read(tx -> tx.parseOf(m.blobId())).orElse(null);
                    text = MessageSearch.text(blobs, m.blobId(), parse);
                } catch (IOException | RuntimeException e) {
                    text = new SearchText("", "");
                }
            }
            return text;
        }

        /** The header section, read on its own unless the whole text is already here. */
        String header() {
            if (header == null) {
                String t = readHeader();
                int end = t.indexOf("\r\n\r\n");
                header = end < 0 ? t : t.substring(0, end + 2);
            }
            return header;
        }

        private String readHeader() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            // A delivered message's header starts with its trace fields (Delivered-To, Received ...), kept apart from the content.
            byte[] trace = traces.getOrDefault(m.uid(), new byte[0]);
            try (InputStream in = new BufferedInputStream(new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(trace), blobs.open(m.blobId())))) {
                int c, state = 0; // how many bytes of CRLFCRLF were seen in a row
                while (b.size() < MAX_HEADER_BYTES && (c = in.read()) >= 0) {
                    b.write(c);
                    state = (c == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : (c == '\r' ? 1 : 0);
                    if (state == 4) break;
                }
            } catch (IOException e) {
                return "";
            }
            return b.toString(StandardCharsets.UTF_8);
        }

        /** Unfolded, RFC 2047-decoded values of the header field {@code name}. */
        List<String> field(String name) {
            List<String> out = new ArrayList<>();
            String current = null;
            for (String line : header().split("\r\n")) {
                if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                    if (current != null) current += line;
                    continue;
                }
                if (current != null) out.add(current);
                current = null;
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) current = line.substring(colon + 1);
            }
            if (current != null) out.add(current);
            out.replaceAll(MessageParser::decodeText);
            return out;
        }
    }
}
