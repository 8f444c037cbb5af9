package org.postiljon.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.SendingLimits;
import org.postiljon.mailbox.api.SieveScripts;
import org.postiljon.mailbox.api.Vacation;
import org.postiljon.mime.HeaderFields;
import org.postiljon.mime.MessageParser;
import org.postiljon.mime.SearchText;
import org.postiljon.sieve.Action;
import org.postiljon.sieve.HeaderEdits;
import org.postiljon.sieve.Script;
import org.postiljon.sieve.Sieve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local delivery through each recipient account's active Sieve script (RFC 5228): keep and
 * fileinto with their flags, discard, redirect (with an SRS sender, as alias forwarding), reject
 * (a notice to the sender, RFC 5429) and vacation (the rules of {@link VacationReplies}). An
 * account without an active script gets the message as before. Nothing a script does loses mail:
 * a script that fails, or a fileinto into a folder that cannot be written, keeps it in the INBOX.
 */
final class SieveDelivery {

    private static final Logger log = LoggerFactory.getLogger(SieveDelivery.class);
    /** Parsed scripts by their text: accounts share few scripts, and a text parses once. */
    private static final Map<String, Script> PARSED = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Script> eldest) {
            return size() > 1000;
        }
    });

    private SieveDelivery() { }

    /**
     * Delivers to every account of {@code route}: to Junk when the route says so (DMARC quarantine)
     * or the account's spam filter does, else through its script when it has one; each copy with
     * the spam filter's fields and keyword for its account.
     *
     * @param trace the Received and Delivered-To fields a redirected copy leaves with
     * @param spam  the message-wide spam check ({@link SpamFilter.Checked#none()}: none, as for submission; it also holds each account's rules, read once)
     * @return the accounts that kept the message (not those whose script discarded, rejected or
     *         only redirected it, nor those it went to as spam): the ones whose vacation response may answer it
     */
    static List<Account> deliver(SmtpServices svc, Deliveries.Batch batch, String given, Deliveries.Route route, Spool spool, String envelopeFrom,
                                 String trace, byte[] fixups, SpamFilter.Checked spam) {
        List<Account> kept = new ArrayList<>();
        for (Account a : route.accounts()) {
            SpamFilter.Decision d = svc.spam().decide(a, spam);
            if (route.junk() || d.junk()) {
                SpamFilter.deliverToJunk(batch, given, a, d);
                continue;
            }
            Deliveries.Batch marked = d.mode().equals("off") ? batch : marking(batch, d, spool, fixups);
            Optional<String> script = spam.rules(a, svc.directory()).script();
            boolean stored = true;
            if (script.isEmpty()) marked.deliverTo(given, a, route.folder(), Flags.NONE);
            else stored = run(svc, marked, given, route, a, script.get(), spool, envelopeFrom, trace, fixups, d, spam);
            if (stored && !d.spam()) kept.add(a);
        }
        return kept;
    }

    /**
     * The batch as one account's copies go through it: with the spam filter's fields and keyword,
     * and in mark mode spam's subject tagged (a copy of its own; a copy a Sieve script edited keeps its edits untagged).
     */
    private static Deliveries.Batch marking(Deliveries.Batch batch, SpamFilter.Decision d, Spool spool, byte[] fixups) {
        Supplier<InputStream> tagged = null;
        if (d.tagsSubject()) {
            org.postiljon.mailbox.api.structure.Envelope header = spool.header();
            tagged = edited(d.subjectTag(header == null ? null : header.subject()), fixups, spool);
        }
        return adding(batch, d.flags(), "", d.fields(), tagged);
    }

    /**
     * The batch with {@code flags} on every copy and header fields {@code before} and {@code after}
     * the copy's own; with {@code content} (not null) instead of the shared content where a copy has none of its own.
     */
    private static Deliveries.Batch adding(Deliveries.Batch batch, Flags flags, String before, String after, Supplier<InputStream> content) {
        return new Deliveries.Batch() {
            @Override
            public void deliver(String given, Deliveries.Route route) {
                for (Account a : route.accounts()) deliverTo(given, a, route.junk() ? null : route.folder(), Flags.NONE);
            }

            @Override
            public void deliverTo(String given, Account account, MailboxName folder, Flags own, String fields) {
                if (content != null) batch.deliverTo(given, account, folder, own.with(flags), before + fields + after, content);
                else batch.deliverTo(given, account, folder, own.with(flags), before + fields + after);
            }

            @Override
            public void deliverTo(String given, Account account, MailboxName folder, Flags own, String fields, Supplier<InputStream> edited) {
                batch.deliverTo(given, account, folder, own.with(flags), before + fields + after, edited);
            }

            @Override
            public int delivered() {
                return batch.delivered();
            }

            @Override
            public void close() {
                // the batch is the caller's to close
            }
        };
    }

    /** Runs one account's script and does what it says; whether the message was stored for the account. */
    private static boolean run(SmtpServices svc, Deliveries.Batch batch, String given, Deliveries.Route route, Account a, String text, Spool spool,
                            String envelopeFrom, String trace, byte[] fixups, SpamFilter.Decision spam, SpamFilter.Checked checked) {
        Sieve.Result result;
        try {
            MessageView view = new MessageView(spool::head, spool.size(), envelopeFrom, given, spam,
                    (key, seconds) -> svc.vacations().seen(a, key, Duration.ofSeconds(seconds)));
            result = Sieve.run(parsed(text), view, includes(svc, a));
        } catch (Script.SyntaxError | Sieve.InvalidScript | RuntimeException e) {
            // A script stored before a stricter check, or a fault of ours: the message is kept, never lost.
            log.warn("the Sieve script of {} failed ({}); the message is kept in the INBOX", a.address(), e.getMessage());
            batch.deliverTo(given, a, route.folder(), Flags.NONE);
            tellUser(svc, a, text, e.getMessage(), spool);
            return true;
        }
        if (result.error() != null) {
            log.info("the Sieve script of {} stopped: {}; the message is kept", a.address(), result.error());
            tellUser(svc, a, text, result.error(), spool);
        }
        boolean notSent = false;
        for (Action action : result.actions()) {
            switch (action) {
                case Action.Keep k -> store(batch, given, a, route.folder(), Flags.of(k.flags()), k.edits(), spool, fixups);
                case Action.FileInto f -> fileInto(svc, batch, given, route, a, f, spool, fixups);
                case Action.Discard d -> { }
                case Action.Track t -> svc.vacations().remember(a, t.key()); // only a run without error has these
                case Action.Redirect r -> notSent |= !redirect(svc, a, r, envelopeFrom, trace, fixups, spool, checked);
                case Action.Reject r -> reject(svc, a, envelopeFrom, r.reason(), spool);
                case Action.Vacation v -> VacationReplies.answer(svc, envelopeFrom, given, a, new Vacation(true, null, null, v.subject(),
                        v.reason(), null), Math.max(v.seconds(), 1), v.handle() == null ? v.reason() + "\n" + v.subject() : v.handle(),
                        v.addresses(), spool);
            }
        }
        boolean stored = result.actions().stream().anyMatch(x -> x instanceof Action.Keep || x instanceof Action.FileInto);
        if (notSent && !stored) {
            // A redirect that could not go (a loop, the sending limit) would lose the message: it is kept instead.
            batch.deliverTo(given, a, route.folder(), Flags.NONE);
            return true;
        }
        return stored;
    }

    /**
     * Errors in a script never lose mail, and the user is told (issue #20): a notice in the INBOX
     * naming the fault and the message, at most once a day while the same script fails.
     */
    private static void tellUser(SmtpServices svc, Account a, String script, String error, Spool spool) {
        try {
            if (!svc.vacations().claimReply(a, "sieve-error:" + Integer.toHexString(script.hashCode()), Duration.ofDays(1))) return;
            org.postiljon.mailbox.api.structure.Envelope h = spool.header();
            String about = h == null || h.subject() == null ? "" : " (subject \"" + h.subject() + "\")";
            String text = "Your mail filter (Sieve script) stopped on a message" + about + ":\r\n\r\n    " + error
                    + "\r\n\r\nThe message was kept in your Inbox: no mail is lost. Correct the script in the webmail (Settings)"
                    + " or in your Sieve editor. While the script fails you get this notice at most once a day.\r\n";
            byte[] notice = VacationReplies.reply(svc.hostname(), "postmaster@" + a.address().domain().ascii(), a.address().toString(),
                    new Vacation(true, null, null, "Your mail filter failed", text, null), h, "auto-generated");
            new Reports(svc.directory(), svc.messages(), svc.queue(), svc.queued(), svc.signingKeys()).send(a.address().toString(), notice);
        } catch (RuntimeException e) {
            log.warn("could not tell {} that the Sieve script failed: {}", a.address(), e.getMessage());
        }
    }

    /** The script's text checked and parsed, once per text. */
    private static Script parsed(String text) throws Script.SyntaxError, Sieve.InvalidScript {
        Script script = PARSED.get(text);
        if (script == null) PARSED.put(text, script = Sieve.compile(text));
        return script;
    }

    /**
     * RFC 6609: the account's own scripts by name; there are no global scripts (a :global include
     * finds none). A script that does not compile stops the run, which keeps the message.
     */
    private static Sieve.Includes includes(SmtpServices svc, Account a) {
        return (global, name) -> {
            if (global) return null;
            Optional<SieveScripts.Script> s = svc.sieveScripts().get(a, name);
            if (s.isEmpty()) return null;
            try {
                return parsed(s.get().content());
            } catch (Script.SyntaxError | Sieve.InvalidScript e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        };
    }

    /**
     * One copy with the header as the script edited it (RFC 5293): fields added at the top go
     * beside the trace fields over the shared content; other edits make a copy of its own. A header
     * too long to edit (over 256 KiB) is stored as it came.
     */
    private static void store(Deliveries.Batch batch, String given, Account a, MailboxName folder, Flags flags, HeaderEdits edits, Spool spool,
                              byte[] fixups) {
        if (edits.onlyAtTop()) {
            batch.deliverTo(given, a, folder, flags, edits.topFields());
            return;
        }
        Supplier<InputStream> edited = edited(edits, fixups, spool);
        if (edited == null) {
            log.info("the header of a message to {} is too long for the Sieve script's edits; stored unedited", a.address());
            batch.deliverTo(given, a, folder, flags);
            return;
        }
        batch.deliverTo(given, a, folder, flags, "", edited);
    }

    /** The message with its header edited (after the submission fix-ups); null when the header is longer than 256 KiB. */
    private static Supplier<InputStream> edited(HeaderEdits edits, byte[] fixups, Spool spool) {
        HeaderEdits.Edited edited = edits.apply(spool.head(256 * 1024));
        if (edited == null) return null;
        return () -> {
            InputStream rest = spool.open();
            try {
                rest.skipNBytes(edited.replaces());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return new SequenceInputStream(new ByteArrayInputStream(concat(fixups, edited.header())), rest);
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void fileInto(SmtpServices svc, Deliveries.Batch batch, String given, Deliveries.Route route, Account a, Action.FileInto f, Spool spool,
                                 byte[] fixups) {
        Flags flags = Flags.of(f.flags());
        try {
            MailboxName folder = MailboxName.of(f.folder());
            if (f.create() && svc.mailboxes().find(a, folder).isEmpty()) {
                try {
                    svc.mailboxes().create(a, folder, Set.of());
                } catch (MailboxException.MailboxExists raced) {
                    // made meanwhile
                }
            }
            store(batch, given, a, folder, flags, f.edits(), spool, fixups);
        } catch (MailboxException.NoSuchMailbox | MailboxException.InvalidName | MailboxException.NoRights | MailboxException.NotAllowed e) {
            // RFC 5228 §4.1: a folder that cannot take it is an error; the message goes to the INBOX instead.
            log.info("fileinto \"{}\" for {} failed ({}); kept in the INBOX", f.folder(), a.address(), e.getMessage());
            store(batch, given, a, route.folder(), flags, f.edits(), spool, fixups);
        }
    }

    /**
     * RFC 5228 §4.2: a copy to {@code to}, from an SRS address of the account's domain (as alias
     * forwarding), loops refused; with the fields the script added at the top (RFC 5293). Deleted
     * fields and fields added at the end are not applied to a redirected copy.
     */
    private static boolean redirect(SmtpServices svc, Account a, Action.Redirect r, String envelopeFrom, String trace, byte[] fixups, Spool spool,
                                    SpamFilter.Checked spam) {
        String to = r.address();
        if (!r.edits().onlyAtTop()) log.info("a redirect for {} goes out with the fields its script added at the top only", a.address());
        String self = a.address().toString().toLowerCase(java.util.Locale.ROOT);
        if (Delivery.cameThrough(spool, self) || REDIRECTED_THROUGH.get().contains(self)) {
            log.warn("not redirecting for {} to {}: the message came through this account before (a loop)", a.address(), to);
            return false;
        }
        Optional<Deliveries.Route> local = localRoute(svc, to);
        if (local.isPresent()) {
            redirectHere(svc, a, r, local.get(), envelopeFrom, trace, fixups, spool, spam);
            return true;
        }
        // Forwarding counts against the account's sending limits, as its own mail does: a script is no way around them.
        SendingLimits.Outgoing outgoing = svc.sendingLimits().outgoing(a);
        Optional<String> refused;
        try {
            refused = outgoing.admit(org.postiljon.mailbox.api.EmailAddress.parse(to));
        } catch (MailboxException.InvalidName e) {
            refused = Optional.of("not an address");
        }
        if (refused.isPresent()) {
            log.warn("not redirecting for {} to {}: {}", a.address(), to, refused.get());
            return false;
        }
        String sender = envelopeFrom.isEmpty() ? "" : svc.srs().forward(envelopeFrom, a.address().domain().ascii(), Instant.now());
        Delivery.queueRemote(svc, sender, OutboundQueue.Dsn.NONE, List.of(OutboundQueue.Target.of(to)),
                trace + "Delivered-To: " + a.address() + "\r\n" + r.edits().topFields(), fixups, spool);
        outgoing.sent();
        return true;
    }

    /** The accounts a redirect in this thread's delivery went through, for loops between local accounts. */
    private static final ThreadLocal<java.util.Set<String>> REDIRECTED_THROUGH = ThreadLocal.withInitial(java.util.HashSet::new);

    /** Where {@code to} leads on this server; empty for an address on another server (or no valid address). */
    private static Optional<Deliveries.Route> localRoute(SmtpServices svc, String to) {
        try {
            return svc.deliveries().route(org.postiljon.mailbox.api.EmailAddress.parse(to));
        } catch (MailboxException.InvalidName e) {
            return Optional.empty();
        }
    }

    /**
     * A redirect to an address of this server is delivered here, as mail to it would be (the
     * target's own spam mode and script apply), without a round trip through DNS and SMTP; the
     * copy carries the forwarding account's Delivered-To, and a chain of local redirects that comes
     * back to an account it went through stops there.
     */
    private static void redirectHere(SmtpServices svc, Account a, Action.Redirect r, Deliveries.Route route, String envelopeFrom, String trace,
                                     byte[] fixups, Spool spool, SpamFilter.Checked spam) {
        String self = a.address().toString().toLowerCase(java.util.Locale.ROOT);
        String fields = trace + "Delivered-To: " + a.address() + "\r\n" + r.edits().topFields();
        Set<String> through = REDIRECTED_THROUGH.get();
        through.add(self);
        try (Deliveries.Batch batch = svc.deliveries().begin(envelopeFrom, new Deliveries.Via(null, "LMTP"),
                () -> new SequenceInputStream(new ByteArrayInputStream(fixups), spool.open()))) {
            deliver(svc, adding(batch, Flags.NONE, fields, "", null), r.address(), route, spool, envelopeFrom, svc.deliveries().received(new Deliveries.Via(null, "LMTP"),
                    r.address()), fixups, spam);
        } catch (MailboxException e) {
            log.info("redirecting for {} to {} failed: {}", a.address(), r.address(), e.getMessage());
        } finally {
            through.remove(self);
        }
    }

    /** RFC 5429 §2.1: after delivery time the rejection is a notice to the sender, never to the null sender. */
    private static void reject(SmtpServices svc, Account a, String envelopeFrom, String reason, Spool spool) {
        if (envelopeFrom.isEmpty()) return;
        String subject = spool.header() == null || spool.header().subject() == null ? "" : spool.header().subject();
        String text = "Your message to " + a.address() + " was refused by the recipient's filter:\r\n\r\n" + reason;
        byte[] notice = VacationReplies.reply(svc.hostname(), a.address().toString(), envelopeFrom,
                new Vacation(true, null, null, "Rejected: " + subject, text, null), spool.header());
        new Reports(svc.directory(), svc.messages(), svc.queue(), svc.queued(), svc.signingKeys()).send(envelopeFrom, notice);
    }

    /** A message as a script sees it (header fields decoded once, the text read only for a body test). */
    static final class MessageView implements Sieve.Message {
        private final java.util.function.IntFunction<byte[]> head;
        private final long size;
        private final String from, to;
        private List<HeaderFields> fields;
        private String text;

        private final SpamFilter.Decision spam;
        private final java.util.function.BiPredicate<String, Long> seen;

        /** @param head the message's first n octets (fewer when it is shorter) */
        MessageView(java.util.function.IntFunction<byte[]> head, long size, String from, String to) {
            this(head, size, from, to, SpamFilter.Decision.OFF, (key, seconds) -> false);
        }

        /**
         * @param spam what the account's spam filter found, for spamtest
         * @param seen the account's memory of duplicate ids (RFC 7352)
         */
        MessageView(java.util.function.IntFunction<byte[]> head, long size, String from, String to, SpamFilter.Decision spam,
                    java.util.function.BiPredicate<String, Long> seen) {
            this.head = head;
            this.size = size;
            this.from = from;
            this.to = to;
            this.spam = spam;
            this.seen = seen;
        }

        @Override
        public boolean seen(String key, long seconds) {
            return seen.test(key, seconds);
        }

        /**
         * RFC 5235 §3.2: the score as a share of the account's threshold (at the threshold and above,
         * surely spam), as Pigeonhole does with SpamAssassin's "required": 0 to 100 with :percent,
         * else 1 to 10; "0" when the filter is off for the account.
         */
        @Override
        public String spamtest(boolean percent) {
            if (spam.mode().equals("off")) return "0";
            double share = Math.max(0, Math.min(1, spam.verdict().score() / spam.threshold()));
            return String.valueOf(percent ? Math.round(share * 100) : 1 + Math.round(share * 9));
        }

        @Override
        public List<String> headers(String name) {
            if (fields == null) fields = HeaderFields.of(head.apply(256 * 1024));
            List<String> out = new ArrayList<>();
            for (HeaderFields f : fields) if (f.name().equalsIgnoreCase(name)) out.add(f.value());
            return out;
        }

        @Override
        public String envelopeFrom() {
            return from;
        }

        @Override
        public String envelopeTo() {
            return to;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public String bodyText() {
            if (text != null) return text;
            byte[] bytes = head.apply(1024 * 1024);
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                text = SearchText.of(bytes, new MessageParser().parse(in).body(), 1024 * 1024).body();
            } catch (IOException | RuntimeException e) {
                text = new String(bytes, StandardCharsets.UTF_8);
            }
            return text;
        }
    }
}
