package org.postiljon.smtp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.postiljon.mailauth.DmarcResult;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.OutboundQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an SMTP transaction: the checks on the data (size, line endings, hops, forged
 * senders), local delivery through the mailbox layer's {@link Deliveries} (which routes and
 * writes the trace fields), the outbound queue for the others, and the replies and delivery
 * notices. A delivery is acknowledged only after it is durable.
 */
final class Delivery {

    private static final Logger log = LoggerFactory.getLogger(Delivery.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    /** RFC 5321 §6.3 suggests at least 100 as the hop limit; so do Postfix and Exim. */
    static final int MAX_HOPS = 100;

    private Delivery() { }

    /** Begins one message's local deliveries (see {@link Deliveries#begin}): the submission fixups, then the spooled data. */
    static Deliveries.Batch begin(SmtpServices svc, String returnPath, Deliveries.Via via, byte[] fixups, Spool spool) {
        return svc.deliveries().begin(returnPath, via, () -> new SequenceInputStream(new ByteArrayInputStream(fixups), spool.open()));
    }

    /** The same for a session's message; on port 25 without the Authentication-Results fields that claim to be ours (RFC 8601 §5). */
    static Deliveries.Batch begin(Session s, byte[] fixups, Spool spool) {
        if (s.mode != Mode.MX) return begin(s.services, s.envelope.from(), via(s), fixups, spool);
        return s.services.deliveries().begin(s.envelope.from(), via(s),
                () -> new SequenceInputStream(new ByteArrayInputStream(fixups), ForeignResults.strip(spool.open(), s.services.hostname())));
    }

    /**
     * Delivers to one local recipient (a remote one is queued once for all: see queueRemote),
     * through each account's Sieve script; throws when any delivery failed. The accounts that kept it.
     */
    static List<Account> deliver(Session s, Envelope.Recipient r, Deliveries.Batch batch, Spool spool, byte[] fixups, boolean junk, SpamFilter.Checked spam) {
        if (r.remote()) return List.of();
        return SieveDelivery.deliver(s.services, batch, r.address(), junk ? r.route().toJunk() : r.route(), spool, s.envelope.from(),
                s.services.deliveries().received(via(s), r.address()), fixups, spam);
    }

    /**
     * The reply for a full mailbox: 452 4.2.2, or 552 5.2.2 when the message could never fit (RFC
     * 3463 §3.3); {@code recipient} is named in it, when there is one.
     */
    static SmtpError quotaError(MailboxException.OverQuota e, String recipient) {
        String whose = recipient == null ? "" : "<" + recipient + "> ";
        return e.permanent()
                ? new SmtpError(552, "5.2.2", whose + "mailbox full: the message is larger than its quota")
                : new SmtpError(452, "4.2.2", whose + "mailbox full, try again later");
    }

    /**
     * Delivers one message to all recipients. Recipients whose mailbox is full are returned; any
     * other failure fails the whole (the client retries; duplicates are possible).
     */
    static List<Envelope.Recipient> deliverAll(Session s, Spool spool, byte[] fixups, List<MailboxException.OverQuota> why, boolean junk,
                                               SpamFilter.Checked spam) {
        List<Envelope.Recipient> full = new ArrayList<>();
        java.util.Map<Envelope.Recipient, List<Account>> kept = new java.util.LinkedHashMap<>();
        try (Deliveries.Batch batch = begin(s, fixups, spool)) {
            for (Envelope.Recipient r : s.envelope.recipients()) {
                try {
                    kept.put(r, deliver(s, r, batch, spool, fixups, junk, spam));
                } catch (MailboxException.OverQuota e) {
                    full.add(r);
                    why.add(e);
                }
            }
        }
        queueRemote(s, spool, fixups);
        if (!junk) {
            forward(s, spool, fixups);
            kept.forEach((r, accounts) -> VacationReplies.answer(s.services, s.envelope.from(), r.address(), accounts, spool, spam));
        }
        // One line per message (issue #21): the envelope and where it went; never its content.
        List<String> local = new ArrayList<>(), remote = new ArrayList<>();
        for (Envelope.Recipient r : s.envelope.recipients()) (r.remote() ? remote : local).add(r.address());
        log.atInfo().addKeyValue("from", s.envelope.from()).addKeyValue("local", local).addKeyValue("remote", remote)
                .addKeyValue("overQuota", full.stream().map(Envelope.Recipient::address).toList()).addKeyValue("bytes", spool.size())
                .addKeyValue("junk", junk).addKeyValue("spamScore", spam.verdict == null ? null : Math.round(spam.verdict.score() * 10) / 10.0)
                .log("message accepted");
        return full;
    }

    /**
     * Queues one copy for the addresses on other servers that the recipients' aliases forward to,
     * from an SRS address of the alias's domain (so SPF at the next server checks us, and a bounce
     * comes back through us to the sender). A message that passed through the alias before (its
     * Delivered-To) is not forwarded again: a loop between two servers' aliases ends here.
     */
    static void forward(Session s, Spool spool, byte[] fixups) {
        for (Envelope.Recipient r : s.envelope.recipients()) {
            if (r.remote() || r.route().forward().isEmpty()) continue;
            Deliveries.Route route = r.route();
            String alias = route.address().toString();
            if (cameThrough(spool, alias)) {
                log.warn("not forwarding to {}: the message came through {} before (a forwarding loop)", route.forward(), alias);
                continue;
            }
            String from = s.envelope.from();
            String sender = from.isEmpty() ? "" : s.services.srs().forward(from, route.address().domain().ascii(), java.time.Instant.now());
            String trace = s.services.deliveries().received(via(s), alias) + "Delivered-To: " + alias + "\r\n";
            queueRemote(s.services, sender, OutboundQueue.Dsn.NONE, route.forward().stream().map(a -> OutboundQueue.Target.of(a.toString())).toList(),
                    trace, fixups, spool);
        }
    }

    /** Whether the message carries {@code Delivered-To: address}: it was delivered (or forwarded) through it before. */
    static boolean cameThrough(Spool spool, String address) {
        return Pattern.compile("(?:^|\r\n)Delivered-To:[ \t]*" + Pattern.quote(address) + "\r\n", Pattern.CASE_INSENSITIVE)
                .matcher(new String(spool.head(256 * 1024), StandardCharsets.ISO_8859_1)).find();
    }

    /** Queues one copy for every recipient on other servers, with a Received line; durable when it returns. */
    private static void queueRemote(Session s, Spool spool, byte[] fixups) {
        List<OutboundQueue.Target> remote = s.envelope.recipients().stream().filter(Envelope.Recipient::remote).map(Envelope.Recipient::dsn).toList();
        queueRemote(s.services, s.envelope.from(), dsn(s), remote, s.services.deliveries().received(via(s), null), fixups, spool);
        if (s.outgoing != null) s.outgoing.sent();
    }

    static void queueRemote(SmtpServices svc, String sender, OutboundQueue.Dsn dsn, List<OutboundQueue.Target> remote, String received,
                            byte[] fixups, Spool spool) {
        if (remote.isEmpty()) return;
        byte[] trace = received.getBytes(StandardCharsets.UTF_8);
        byte[] signature = DkimSigning.field(svc, spool, fixups).getBytes(StandardCharsets.ISO_8859_1);
        svc.queue().enqueue(sender, dsn, remote, new SequenceInputStream(new ByteArrayInputStream(concat(concat(trace, signature), fixups)), spool.open()));
        svc.queued().run();
    }

    /** How the session's message came in, for its Received fields (RFC 5321 §4.4). */
    private static Deliveries.Via via(Session s) {
        return new Deliveries.Via("from " + s.helo + " ([" + s.remoteIp() + "])", s.protocolName());
    }

    /** The RFC 3461 requests made on MAIL. */
    private static OutboundQueue.Dsn dsn(Session s) {
        String ret = s.envelope.params().get("RET");
        return new OutboundQueue.Dsn(ret == null ? null : ret.toUpperCase(Locale.ROOT), s.envelope.params().get("ENVID"));
    }

    /** RFC 3461 §6.2.3.1: local recipients that asked NOTIFY=SUCCESS get a "delivered" notice. */
    static void successNotices(Session s, Spool spool, List<Envelope.Recipient> delivered) {
        // RFC 3461 §5.2.2 lets a server ignore NOTIFY=SUCCESS; on port 25 the sender is unproven, and honouring it
        // would mail the message to whatever address the client named (a reflection), so only a signed-in user gets it.
        if (!trustedSender(s)) return;
        report(s, spool, delivered.stream().filter(r -> !r.remote() && r.dsn().wants("SUCCESS"))
                .map(r -> new Bounce.Line(r.dsn(), "delivered", "2.0.0", null)).toList());
    }

    /** RFC 5321 §4.2.2 452 / RFC 3463 4.3.1 "mail system full": the sender keeps the message and retries. */
    static SmtpError storageFull() {
        return new SmtpError(452, "4.3.1", "insufficient system storage, try again later");
    }

    /** The sender is proven: a signed-in user, or the front MTA of LMTP, which made its own checks. */
    static boolean trustedSender(Session s) {
        return s.account != null || s.mode == Mode.LMTP;
    }

    /** Recipients whose mailbox was full after the message was accepted for others: a "failed" report. */
    static void failureNotices(Session s, Spool spool, List<Envelope.Recipient> full) {
        report(s, spool, full.stream().filter(r -> r.dsn().wants("FAILURE"))
                .map(r -> new Bounce.Line(r.dsn(), "failed", "5.2.2", "smtp; 552 5.2.2 mailbox full")).toList());
    }

    private static void report(Session s, Spool spool, List<Bounce.Line> lines) {
        if (lines.isEmpty() || s.envelope.from().isEmpty()) return;
        // RET=FULL only for a proven sender: to an unproven one, a report carries the header alone.
        boolean full = trustedSender(s) && "FULL".equalsIgnoreCase(s.envelope.params().get("RET"));
        byte[] original = spool.head(full ? 256 * 1024 : 64 * 1024);
        byte[] report = Bounce.build(s.services.hostname(), s.envelope.from(), java.time.Instant.now(), dsn(s), lines, original,
                spool.size() <= original.length, full);
        try {
            new Reports(s.services.directory(), s.services.messages(), s.services.queue(), s.services.queued(), s.services.signingKeys()).send(s.envelope.from(), report);
        } catch (RuntimeException e) {
            log.warn("delivery notice to {} not sent", s.envelope.from(), e); // the message itself was delivered
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** How many Received fields the header has (counted in its first 256 KB). */
    static int hops(Spool spool) {
        String head = new String(spool.head(256 * 1024), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        String header = ("\r\n" + (end < 0 ? head : head.substring(0, end + 2))).toLowerCase(Locale.ROOT); // field names ignore case
        int n = 0;
        for (int i = header.indexOf("\r\nreceived:"); i >= 0; i = header.indexOf("\r\nreceived:", i + 2)) n++;
        return n;
    }

    /**
     * The addresses in From: and Sender: that the user may not send as (RFC 6409 §8.1 lets the
     * submission server refuse them): checking only the envelope let a signed-in user forge any
     * sender a reader sees. Empty when all are the user's. A message without From: is left to the
     * recipient (RFC 6409 §8.1 does not add one).
     */
    static List<String> forgedSenders(SmtpServices svc, Account user, Spool spool) {
        org.postiljon.mailbox.api.structure.Envelope e = spool.header();
        if (e == null) return List.of("(an unreadable header)");
        List<String> forged = new ArrayList<>();
        for (List<org.postiljon.mailbox.api.structure.Address> field : List.of(e.from(), e.sender())) {
            for (org.postiljon.mailbox.api.structure.Address a : field) {
                if (a.isGroupMarker()) continue;
                boolean mine;
                try {
                    mine = svc.directory().maySendAs(user, EmailAddress.parse(a.address()));
                } catch (MailboxException.InvalidName bad) {
                    mine = false;
                }
                if (!mine && !forged.contains(a.address())) forged.add(a.address());
            }
        }
        return forged;
    }

    /** How many From fields the header has (RFC 5322 §3.6 allows one). */
    static int fromFields(Spool spool) {
        String head = new String(spool.head(256 * 1024), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        var m = FROM_FIELD.matcher(end < 0 ? head : head.substring(0, end + 2));
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    private static final Pattern FROM_FIELD = Pattern.compile("(?:^|\r\n)from[ \t]*:", Pattern.CASE_INSENSITIVE);

    /** RFC 6409 §8.2-8.3: a submitted message without Message-ID or Date gets them. */
    static byte[] submissionFixups(SmtpServices svc, Spool spool) {
        String head = new String(spool.head(64 * 1024), StandardCharsets.ISO_8859_1);
        int end = head.indexOf("\r\n\r\n");
        String header = "\r\n" + (end < 0 ? head : head.substring(0, end + 2)).toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder();
        if (!header.contains("\r\nmessage-id:")) {
            b.append("Message-ID: <").append(java.util.UUID.randomUUID()).append('@').append(svc.hostname()).append(">\r\n");
        }
        if (!header.contains("\r\ndate:")) b.append("Date: ").append(DATE.format(ZonedDateTime.now(ZoneOffset.UTC))).append("\r\n");
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** After DATA or the last BDAT: deliver, and reply (once, or per recipient in LMTP). */
    static void finish(Session s, Spool spool, DataReader.Result r) throws IOException {
        try {
            spool.requireKept(); // the data could not be kept (a full disk): refused for later, the transaction ends
            SmtpError refused = null;
            if (r.tooBig()) {
                refused = new SmtpError(552, "5.3.4", "message too big; the limit is " + s.services.limits().maxMessageBytes() + " bytes");
            } else if (r.bareLineEnding()) {
                // RFC 5321 §2.3.8: lines end in CRLF. Refused whole, never "repaired" (SMTP smuggling).
                refused = new SmtpError(550, "5.6.0", "message refused: it contains a bare CR or LF; lines must end in CRLF");
            } else if (hops(spool) > MAX_HOPS) {
                // RFC 5321 §6.3: a message that went through this many servers is in a loop.
                refused = new SmtpError(554, "5.4.6", "mail loop: more than " + MAX_HOPS + " Received fields");
            }
            if (refused != null) {
                if (s.mode != Mode.LMTP) throw refused;
                for (int i = 0; i < s.envelope.recipients().size(); i++) s.reply(refused.code, refused.status, refused.getMessage());
                return;
            }
            if (s.mode == Mode.SUBMISSION) {
                List<String> forged = forgedSenders(s.services, s.account, spool);
                if (!forged.isEmpty()) {
                    throw new SmtpError(550, "5.7.1", "you may not send as " + Session.printable(String.join(", ", forged))
                            + " (From: or Sender:); use one of your own addresses");
                }
            }
            boolean quarantine = false;
            AuthenticationResults.Verdict auth = null;
            byte[] fixups = switch (s.mode) {
                case SUBMISSION -> submissionFixups(s.services, spool);
                case LMTP -> new byte[0]; // the front MTA did (or did not) check it
                case MX -> {
                    if (fromFields(spool) > 1) {
                        // RFC 5322 §3.6: one From field. With two, a DMARC check and the reader could see different authors.
                        throw new SmtpError(550, "5.7.1", "message refused: it has more than one From field (RFC 5322 section 3.6)");
                    }
                    AuthenticationResults.Verdict v = AuthenticationResults.check(s, spool);
                    auth = v;
                    DmarcResult d = v.dmarc();
                    countForReports(s, v);
                    // RFC 7489 §6.6.3/§10: the From domain's owner asks that mail failing DMARC be refused or filed as spam.
                    if (d.disposition() == DmarcResult.Disposition.REJECT) {
                        log.info("refused by the DMARC policy of {} (from {} [{}])", d.domain(), s.helo, s.remoteIp());
                        throw new SmtpError(550, "5.7.1", "message refused: it fails the DMARC policy of " + Session.printable(d.domain())
                                + " (neither SPF nor DKIM proves it came from there)");
                    }
                    quarantine = d.disposition() == DmarcResult.Disposition.QUARANTINE;
                    // RFC 8601: what this server found out about the message, on top of it for filters and the reader.
                    yield v.field().getBytes(StandardCharsets.ISO_8859_1);
                }
            };
            // The spam check for mail from elsewhere (port 25, LMTP); the users' own submissions are not checked.
            SpamFilter.Checked spam = s.mode == Mode.SUBMISSION ? SpamFilter.Checked.none() : s.services.spam().check(s, spool, auth);
            if (s.mode == Mode.MX) refuseSpam(s, spam);
            if (s.mode == Mode.LMTP) {
                // RFC 2033 §4.2: one reply per recipient, in RCPT order.
                List<Envelope.Recipient> ok = new ArrayList<>();
                java.util.Map<Envelope.Recipient, List<Account>> kept = new java.util.LinkedHashMap<>();
                try (Deliveries.Batch batch = begin(s, fixups, spool)) {
                    for (Envelope.Recipient rcpt : s.envelope.recipients()) {
                        try {
                            kept.put(rcpt, deliver(s, rcpt, batch, spool, fixups, false, spam));
                            ok.add(rcpt);
                            s.reply(250, "2.0.0", "<" + rcpt.address() + "> delivered");
                        } catch (MailboxException.OverQuota e) {
                            SmtpError q = quotaError(e, rcpt.address());
                            s.reply(q.code, q.status, q.getMessage());
                        } catch (RuntimeException e) {
                            log.warn("LMTP delivery to {} failed", rcpt.address(), e);
                            s.reply(451, "4.3.0", "<" + rcpt.address() + "> not delivered, try again later");
                        }
                    }
                }
                try {
                    forward(s, spool, fixups);
                    kept.forEach((rcpt, accounts) -> VacationReplies.answer(s.services, s.envelope.from(), rcpt.address(), accounts, spool, spam));
                } catch (RuntimeException e) {
                    log.error("forwarding a message delivered over LMTP failed; the local copies were delivered", e);
                }
                successNotices(s, spool, ok);
                return;
            }
            List<MailboxException.OverQuota> why = new ArrayList<>();
            List<Envelope.Recipient> full;
            try {
                full = deliverAll(s, spool, fixups, why, quarantine, spam);
            } catch (MailboxException.Unavailable e) {
                log.warn("delivery failed: the storage is full");
                throw storageFull();
            } catch (RuntimeException e) {
                log.warn("delivery failed", e);
                throw new SmtpError(451, "4.3.0", "not delivered, try again later");
            }
            if (!full.isEmpty() && full.size() == s.envelope.recipients().size()) {
                // Nobody got it: the sender's server keeps it and tries again (or bounces on 552).
                boolean permanent = why.stream().allMatch(MailboxException.OverQuota::permanent);
                throw quotaError(permanent ? why.getFirst() : why.stream().filter(e -> !e.permanent()).findFirst().orElseThrow(),
                        full.size() == 1 ? full.getFirst().address() : full.size() + " recipients");
            }
            s.reply(250, "2.0.0", "message accepted and delivered");
            List<Envelope.Recipient> delivered = new ArrayList<>(s.envelope.recipients());
            delivered.removeAll(full);
            successNotices(s, spool, delivered);
            // Accepted for the others, so the full mailboxes' share is ours to report (RFC 3461 §6.2.3.1 "failed").
            failureNotices(s, spool, full);
        } finally {
            s.reset();
        }
    }

    /**
     * Refuses spam during the SMTP dialogue, so that no bounce goes to a sender that is likely forged:
     * when every local recipient's account is in spam.mode reject and the message scores at or above
     * its spam.reject-score. With any other recipient it is accepted (each account's mode then applies).
     */
    static void refuseSpam(Session s, SpamFilter.Checked spam) {
        if (spam.verdict == null) return;
        boolean any = false;
        for (Envelope.Recipient r : s.envelope.recipients()) {
            if (r.remote()) continue;
            for (Account a : r.route().accounts()) {
                if (!s.services.spam().decide(a, spam).refuse()) return;
                any = true;
            }
        }
        if (!any) return;
        log.info("refused as spam (score {}) from {} [{}]", String.format(java.util.Locale.ROOT, "%.1f", spam.verdict.score()), s.helo, s.remoteIp());
        throw new SmtpError(550, "5.7.1", "message refused as spam (score " + String.format(java.util.Locale.ROOT, "%.1f", spam.verdict.score()) + ")");
    }

    /** Counts the message for the DMARC aggregate report of its From domain's record (RFC 7489 §7.2), when it has one. */
    private static void countForReports(Session s, AuthenticationResults.Verdict v) {
        DmarcResult d = v.dmarc();
        if (d.published() == null) return;
        StringBuilder dkim = new StringBuilder();
        for (org.postiljon.mailauth.DkimResult r : v.dkim()) {
            if (r.domain() == null) continue;
            if (!dkim.isEmpty()) dkim.append(';');
            dkim.append(r.domain()).append(' ').append(r.selector() == null ? "-" : r.selector()).append(' ').append(r.status().word());
        }
        org.postiljon.mailauth.SpfResult spf = v.spf();
        String spfText = spf == null || spf.domain() == null || spf.domain().isEmpty() ? ""
                : spf.domain() + " " + ("helo".equals(spf.identity()) ? "helo" : "mfrom") + " " + spf.status().word();
        try {
            s.services.reports().count(new org.postiljon.mailbox.api.TransportSecurity.DmarcTally(java.time.LocalDate.now(java.time.ZoneOffset.UTC),
                    d.published().domain(), d.domain(), s.remoteIp(), d.disposition().name().toLowerCase(java.util.Locale.ROOT), d.dkimAligned(),
                    d.spfAligned(), dkim.toString(), spfText, d.published().text(), 1));
        } catch (RuntimeException e) {
            log.warn("message not counted for the DMARC report of {}: {}", d.published().domain(), e.getMessage());
        }
    }
}
