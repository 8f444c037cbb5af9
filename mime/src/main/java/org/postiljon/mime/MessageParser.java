package org.postiljon.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.postiljon.mailbox.api.structure.Address;
import org.postiljon.mailbox.api.structure.BodyPart;
import org.postiljon.mailbox.api.structure.Envelope;
import org.postiljon.mailbox.api.structure.Param;

/**
 * Parses a message once, streaming. Thread-safe: each call keeps its own state.
 */
public final class MessageParser {

    /**
     * @param maxDepth       nesting of multiparts and message/rfc822 (deeper is kept as a leaf)
     * @param maxParts       parts in one message (more are kept as part of their parent's leaf)
     * @param maxHeaderBytes header bytes read per entity (more are skipped, not failed)
     */
    public record Limits(int maxDepth, int maxParts, int maxHeaderBytes) {
        public static final Limits DEFAULT = new Limits(32, 2000, 256 * 1024);
    }

    private static final int HEADER_LINE_CAP = 16 * 1024;
    private static final int BODY_LINE_CAP = 1024; // boundaries are at most 70 characters (RFC 2046 §5.1.1)
    private static final int PREVIEW_SOURCE_BYTES = 8 * 1024;
    private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");

    private final Limits limits;

    public MessageParser(Limits limits) {
        this.limits = limits;
    }

    public MessageParser() {
        this(Limits.DEFAULT);
    }

    public ParsedMessage parse(InputStream in) throws IOException {
        Run run = new Run(new LineScanner(in));
        Headers[] top = new Headers[1];
        BodyPart body = run.entity(new ArrayDeque<>(), 0, false, top);
        Envelope env = envelope(top[0]);
        String subject = decodeText(top[0].get("Subject"));
        Instant sent = date(top[0].get("Date"));
        String msgId = firstId(top[0].get("Message-ID"));
        Set<String> refs = new LinkedHashSet<>();
        addIds(refs, top[0].get("References"));
        addIds(refs, top[0].get("In-Reply-To"));
        return new ParsedMessage(env, body, subject, BaseSubject.of(subject),
                sortKey(env.from()), sortKey(env.to()), sortKey(env.cc()), displayKey(env.from()), displayKey(env.to()),
                sent, msgId, List.copyOf(refs), Preview.of(run.previewPart, run.previewBytes.toByteArray()));
    }

    /** One parse: the scanner and what has been counted so far. */
    private final class Run {
        final LineScanner lines;
        int parts;
        BodyPart previewPart;
        final ByteArrayOutputStream previewBytes = new ByteArrayOutputStream();
        boolean collectingPreview;

        Run(LineScanner lines) {
            this.lines = lines;
        }

        BodyPart entity(Deque<String> boundaries, int depth, boolean digest, Headers[] headersOut) throws IOException {
            parts++;
            long headerStart = lines.position();
            Headers h = readHeaders(boundaries);
            if (headersOut != null) headersOut[0] = h;
            long bodyStart = lines.position();
            long linesAtBody = lines.linesRead();

            String type = digest ? "message" : "text";
            String subtype = digest ? "rfc822" : "plain";
            List<Param> params = new ArrayList<>();
            String ct = h.get("Content-Type");
            if (ct != null) {
                RawBody raw = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Type", ct));
                String value = raw.getValue() == null ? "" : raw.getValue().strip().toLowerCase(Locale.ROOT);
                int slash = value.indexOf('/');
                if (slash > 0 && slash < value.length() - 1 && !value.contains(" ")) {
                    type = value.substring(0, slash);
                    subtype = value.substring(slash + 1);
                    for (NameValuePair p : raw.getParams()) params.add(new Param(p.getName(), p.getValue() == null ? "" : p.getValue()));
                } // RFC 2045 §5.2: an unreadable Content-Type means text/plain; charset=us-ascii
            }
            if (type.equals("text") && params.stream().noneMatch(p -> p.name().equalsIgnoreCase("charset"))) {
                params.add(new Param("charset", "us-ascii"));
            }
            String disposition = null;
            List<Param> dispositionParams = List.of();
            String cd = h.get("Content-Disposition");
            if (cd != null) {
                RawBody raw = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Disposition", cd));
                if (raw.getValue() != null && !raw.getValue().isBlank()) {
                    disposition = raw.getValue().strip().toLowerCase(Locale.ROOT);
                    List<Param> dp = new ArrayList<>();
                    for (NameValuePair p : raw.getParams()) dp.add(new Param(p.getName(), p.getValue() == null ? "" : p.getValue()));
                    dispositionParams = dp;
                }
            }
            String encoding = h.get("Content-Transfer-Encoding");
            encoding = encoding == null || encoding.isBlank() ? "7bit" : encoding.strip().toLowerCase(Locale.ROOT);
            List<String> language = h.get("Content-Language") == null ? List.of()
                    : List.of(h.get("Content-Language").split("\\s*,\\s*"));

            String boundary = type.equals("multipart") ? param(params, "boundary") : null;
            boolean deeper = depth < limits.maxDepth() && parts < limits.maxParts();
            List<BodyPart> children = List.of();
            Envelope embedded = null;
            BodyPart embeddedBody = null;
            long end;
            if (boundary != null && !boundary.isEmpty() && boundary.length() <= 200 && deeper) {
                children = new ArrayList<>();
                boundaries.push(boundary);
                boolean closed = false;
                LineScanner.Line l;
                LineScanner.Line terminator = null;
                while ((l = lines.next(BODY_LINE_CAP)) != null) {
                    int k = boundaryKind(l, boundaries);
                    if (k == OPEN_OWN) {
                        children.add(entity(boundaries, depth + 1, subtype.equals("digest"), null));
                    } else if (k == CLOSE_OWN) {
                        closed = true;
                        break;
                    } else if (k == OUTER) {
                        terminator = l;
                        break;
                    }
                }
                boundaries.pop();
                if (closed) {
                    while ((l = lines.next(BODY_LINE_CAP)) != null) { // epilogue
                        if (boundaryKind(l, boundaries) != NONE) {
                            terminator = l;
                            break;
                        }
                    }
                }
                if (terminator != null) lines.pushBack(terminator);
                end = terminator == null ? lines.position() : Math.max(bodyStart, terminator.start() - terminator.prevEol());
            } else if (type.equals("message") && subtype.equals("rfc822") && deeper) {
                Headers[] inner = new Headers[1];
                long before = lines.position();
                embeddedBody = entity(boundaries, depth + 1, false, inner);
                embedded = envelope(inner[0]);
                end = Math.max(before, embeddedBody.bodyEnd());
            } else {
                boolean wantPreview = previewPart == null && type.equals("text")
                        && (subtype.equals("plain") || subtype.equals("html"));
                end = Math.max(bodyStart, leaf(boundaries, wantPreview));
            }
            long lineCount = lines.linesRead() - linesAtBody;
            LineScanner.Line terminator = lines.pushedBack();
            if (terminator != null && terminator.prevEmpty() && lineCount > 0) lineCount--; // its CRLF belongs to the boundary
            BodyPart part = new BodyPart(type, subtype, List.copyOf(params), h.get("Content-ID"), h.get("Content-Description"),
                    encoding, h.get("Content-MD5"), disposition, List.copyOf(dispositionParams), language, h.get("Content-Location"),
                    headerStart, bodyStart, end, lineCount, List.copyOf(children), embedded, embeddedBody);
            if (collectingPreview && previewPart == null) {
                previewPart = part;
                collectingPreview = false;
            }
            return part;
        }

        /** Consumes a leaf body; returns the offset just after it. */
        private long leaf(Deque<String> boundaries, boolean wantPreview) throws IOException {
            LineScanner.Line l;
            int cap = wantPreview ? Math.max(BODY_LINE_CAP, PREVIEW_SOURCE_BYTES) : BODY_LINE_CAP;
            if (wantPreview) collectingPreview = true;
            while ((l = lines.next(cap)) != null) {
                if (!boundaries.isEmpty() && boundaryKind(l, boundaries) != NONE) {
                    lines.pushBack(l);
                    return Math.max(0, l.start() - l.prevEol()); // RFC 2046 §5.1.1: the CRLF belongs to the boundary
                }
                if (wantPreview && previewBytes.size() < PREVIEW_SOURCE_BYTES) {
                    previewBytes.write(l.head(), 0, Math.min(l.head().length, PREVIEW_SOURCE_BYTES - previewBytes.size()));
                    previewBytes.write('\n');
                }
            }
            return lines.position();
        }

        private Headers readHeaders(Deque<String> boundaries) throws IOException {
            Headers h = new Headers();
            ByteArrayOutputStream field = new ByteArrayOutputStream();
            long total = 0;
            LineScanner.Line l;
            while ((l = lines.next(HEADER_LINE_CAP)) != null) {
                if (l.isEmpty()) break;
                if (!boundaries.isEmpty() && boundaryKind(l, boundaries) != NONE) {
                    lines.pushBack(l); // no blank line: the entity has headers only
                    break;
                }
                total += l.length();
                if (total > limits.maxHeaderBytes()) continue; // skipped, still consumed
                byte[] b = l.head();
                boolean continuation = b.length > 0 && (b[0] == ' ' || b[0] == '\t');
                if (!continuation && field.size() > 0) {
                    h.add(field.toByteArray());
                    field.reset();
                }
                // RFC 5322 §2.2.3: unfolding removes the CRLF only; the continuation's own whitespace stays, nothing is added
                // (an added space made boundary="foo<CRLF> bar" read as "foo  bar", and the multipart was never split).
                if (field.size() < HEADER_LINE_CAP * 4) field.write(b, 0, b.length);
            }
            if (field.size() > 0) h.add(field.toByteArray());
            return h;
        }
    }

    private static final int NONE = 0, OPEN_OWN = 1, CLOSE_OWN = 2, OUTER = 3;

    /** RFC 2046 §5.1.1: "--" boundary, optional "--", then only whitespace. */
    private static int boundaryKind(LineScanner.Line l, Deque<String> boundaries) {
        byte[] b = l.head();
        if (b.length < 3 || b[0] != '-' || b[1] != '-' || l.truncated()) return NONE;
        boolean first = true;
        for (String boundary : boundaries) {
            int n = boundary.length();
            if (b.length >= 2 + n && matches(b, 2, boundary)) {
                int rest = 2 + n;
                boolean close = b.length >= rest + 2 && b[rest] == '-' && b[rest + 1] == '-';
                int after = close ? rest + 2 : rest;
                if (onlyWhitespace(b, after)) {
                    if (!first) return OUTER;
                    return close ? CLOSE_OWN : OPEN_OWN;
                }
            }
            first = false;
        }
        return NONE;
    }

    private static boolean matches(byte[] b, int at, String s) {
        for (int i = 0; i < s.length(); i++) if (b[at + i] != (byte) s.charAt(i)) return false;
        return true;
    }

    private static boolean onlyWhitespace(byte[] b, int from) {
        for (int i = from; i < b.length; i++) if (b[i] != ' ' && b[i] != '\t') return false;
        return true;
    }

    private static String param(List<Param> params, String name) {
        for (Param p : params) if (p.name().equalsIgnoreCase(name)) return p.value();
        return null;
    }

    // ---- envelope and keys ----

    static Envelope envelope(Headers h) {
        List<Address> from = addresses(h.get("From"));
        List<Address> sender = addresses(h.get("Sender"));
        List<Address> replyTo = addresses(h.get("Reply-To"));
        // RFC 9051 §7.5.2: absent or empty Sender and Reply-To are set to From.
        if (sender.isEmpty()) sender = from;
        if (replyTo.isEmpty()) replyTo = from;
        return new Envelope(h.get("Date"), h.get("Subject"), from, sender, replyTo,
                addresses(h.get("To")), addresses(h.get("Cc")), addresses(h.get("Bcc")),
                h.get("In-Reply-To"), h.get("Message-ID"));
    }

    static List<Address> addresses(String value) {
        if (value == null || value.isBlank()) return List.of();
        AddressList list;
        try {
            list = LenientAddressParser.DEFAULT.parseAddressList(value);
        } catch (RuntimeException e) {
            return List.of();
        }
        List<Address> out = new ArrayList<>();
        for (org.apache.james.mime4j.dom.address.Address a : list) {
            if (a instanceof Mailbox m) {
                out.add(address(m, value));
            } else if (a instanceof Group g) {
                out.add(Address.groupStart(ascii(g.getName())));
                for (Mailbox m : g.getMailboxes()) out.add(address(m, value));
                out.add(Address.GROUP_END);
            }
        }
        return List.copyOf(out);
    }

    /**
     * One mailbox; without a display name, the comment right after the address ({@code bob@example.org
     * (Bob Smith)}, the old way of writing the name) is the name, as other servers show it in ENVELOPE.
     */
    private static Address address(Mailbox m, String raw) {
        String display = m.getName() == null || m.getName().isBlank() ? commentAfter(raw, m.getAddress()) : m.getName().strip();
        String adl = m.getRoute() == null || m.getRoute().isEmpty() ? null : m.getRoute().toRouteString();
        String host = m.getDomain() == null ? "" : m.getDomain();
        return new Address(ascii(display), display, adl, m.getLocalPart(), host);
    }

    /** The text of a simple comment ({@code (...)}, no nesting or quoting) right after {@code address} in {@code raw}. */
    private static String commentAfter(String raw, String address) {
        if (address == null || address.isEmpty()) return null;
        int at = raw.indexOf(address);
        if (at < 0) return null;
        int open = at + address.length();
        while (open < raw.length() && Character.isWhitespace(raw.charAt(open))) open++;
        if (open >= raw.length() || raw.charAt(open) != '(') return null;
        int close = raw.indexOf(')', open);
        if (close < 0) return null;
        String inside = raw.substring(open + 1, close);
        if (inside.indexOf('(') >= 0 || inside.indexOf('\\') >= 0) return null;
        String name = decodeText(inside);
        return name.isEmpty() ? null : name;
    }

    /** ENVELOPE strings must be ASCII for IMAP4rev1 clients: non-ASCII text goes back into RFC 2047 form. */
    private static String ascii(String decoded) {
        if (decoded == null) return null;
        for (int i = 0; i < decoded.length(); i++) {
            if (decoded.charAt(i) >= 0x80) return EncoderUtil.encodeEncodedWord(decoded, EncoderUtil.Usage.TEXT_TOKEN);
        }
        return decoded;
    }

    /** A header value for display: RFC 2047 words decoded, whitespace folded; "" for null. */
    public static String decodeText(String raw) {
        if (raw == null) return "";
        return WHITESPACE.matcher(DecoderUtil.decodeEncodedWords(raw, DecodeMonitor.SILENT)).replaceAll(" ").strip();
    }

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    static Instant date(String raw) {
        if (raw == null || raw.isBlank()) return null;
        long fast = MailDate.epochMilli(raw);
        if (fast != MailDate.NONE) return Instant.ofEpochMilli(fast);
        String plain = withNumericZone(raw.strip());
        try {
            DateTimeField f = DateTimeFieldLenientImpl.PARSER.parse(new RawField("Date", plain), DecodeMonitor.SILENT);
            return f.getDate() == null ? null : f.getDate().toInstant();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern WRITTEN_DATE = java.util.regex.Pattern.compile(
            "(\\d{1,2})\\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\s+(\\d{2,4})", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    /**
     * The day of a Date header as written ("3 Nov 2026"), in its own zone, time and zone disregarded
     * (RFC 3501 §6.4.4 SENT*); RFC 5322 §4.3 two- and three-digit years. Empty when there is none.
     */
    public static java.util.Optional<java.time.LocalDate> writtenDay(String header) {
        java.util.regex.Matcher m = WRITTEN_DATE.matcher(header);
        if (!m.find()) return java.util.Optional.empty();
        int year = Integer.parseInt(m.group(3));
        if (m.group(3).length() == 2) year += year < 50 ? 2000 : 1900;
        else if (m.group(3).length() == 3) year += 1900;
        try {
            return java.util.Optional.of(java.time.LocalDate.of(year, MONTHS.indexOf(m.group(2).toLowerCase(java.util.Locale.ROOT)) + 1, Integer.parseInt(m.group(1))));
        } catch (java.time.DateTimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** RFC 5322 §4.3 obs-zone names, which Mime4j reads as UTC. */
    private static final java.util.Map<String, String> OBSOLETE_ZONES = java.util.Map.of(
            "UT", "+0000", "EST", "-0500", "EDT", "-0400", "CST", "-0600", "CDT", "-0500",
            "MST", "-0700", "MDT", "-0600", "PST", "-0800", "PDT", "-0700");

    private static String withNumericZone(String date) {
        int sp = date.lastIndexOf(' ');
        String zone = OBSOLETE_ZONES.get(date.substring(sp + 1).toUpperCase(Locale.ROOT));
        return zone == null || sp < 0 ? date : date.substring(0, sp + 1) + zone;
    }

    private static String firstId(String raw) {
        if (raw == null) return null;
        Matcher m = MSG_ID.matcher(raw);
        return m.find() ? m.group() : null;
    }

    private static void addIds(Set<String> into, String raw) {
        if (raw == null) return;
        Matcher m = MSG_ID.matcher(raw);
        while (m.find() && into.size() < 1000) into.add(m.group());
    }

    /** RFC 5256 §3: the addr-mailbox of the first address; compared without case. */
    private static String sortKey(List<Address> list) {
        for (Address a : list) if (!a.isGroupMarker() && a.mailbox() != null) return a.mailbox().toLowerCase(Locale.ROOT);
        return "";
    }

    /** RFC 5957 §3: the display name of the first address, else its address. */
    private static String displayKey(List<Address> list) {
        for (Address a : list) {
            if (a.isGroupMarker()) continue;
            return (a.displayName() != null ? a.displayName() : a.address()).toLowerCase(Locale.ROOT);
        }
        return "";
    }

}
