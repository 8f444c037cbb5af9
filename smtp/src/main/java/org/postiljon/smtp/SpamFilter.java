package org.postiljon.smtp;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.postiljon.mailauth.DkimResult;
import org.postiljon.mailauth.Dns;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.SpamClassifier;
import org.postiljon.sieve.HeaderEdits;
import org.postiljon.spam.Bayes;
import org.postiljon.spam.Rspamd;
import org.postiljon.spam.Rules;
import org.postiljon.spam.Tokens;
import org.postiljon.spam.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spam check at delivery (issue #20), for mail arriving on port 25 and over LMTP (not for
 * submission: that is the users' own). Once per message: the built-in rules with this server's
 * SPF/DKIM/DMARC results and the DNS blocklists the operator configured, or, when an rspamd is
 * configured, rspamd's verdict instead (the rules again when rspamd does not answer). Then per
 * recipient account: its own classifier's say added, and its mode (AccountSetting spam.mode) applied.
 * Each recipient's copy gets X-Spam-Status and X-Spam-Score fields of its own beside its trace fields.
 */
public final class SpamFilter {

    private static final Logger log = LoggerFactory.getLogger(SpamFilter.class);
    /** The keyword mail programs show as junk (Thunderbird, Apple Mail; RFC 8621's $junk is matched case-insensitively by JMAP clients). */
    static final String JUNK_KEYWORD = "$Junk";
    /** What is read of a message for the rules and the classifier. */
    static final int READ_BYTES = 512 * 1024;

    /**
     * The operator's choices (node settings spam.dnsbl and spam.rspamd-url).
     *
     * @param dnsbl  DNS blocklist zones with the score a listing adds, e.g. zen.spamhaus.org = 3.5
     * @param rspamd rspamd's normal worker, or null to use the built-in rules
     */
    public record Options(Map<String, Double> dnsbl, URI rspamd) {
        public static final Options BUILT_IN = new Options(Map.of(), null);

        public Options {
            dnsbl = Map.copyOf(dnsbl);
        }
    }

    private final Directory directory;
    private final SpamClassifier classifier;
    private final Dns dns;
    private final Options options;
    private final Rspamd rspamd;

    public SpamFilter(Directory directory, SpamClassifier classifier, Dns dns, Options options) {
        this.directory = directory;
        this.classifier = classifier;
        this.dns = dns;
        this.options = options;
        this.rspamd = options.rspamd() == null ? null : new Rspamd(options.rspamd(), Duration.ofSeconds(15));
    }

    /** One message's message-wide result: the verdict and the tokens the classifiers look up (read once). */
    static final class Checked {
        final Verdict verdict;
        private final byte[] head;
        private long[] tokens;
        /** Each recipient account's decision, made once (the SMTP refusal and the delivery both ask). */
        private final Map<Long, Decision> decisions = new java.util.HashMap<>();
        /** Each recipient account's rules, read once per message (the refusal, the delivery and the vacation reply all ask). */
        private final Map<Long, Directory.DeliveryRules> rules = new java.util.HashMap<>();

        Checked(Verdict verdict, byte[] head) {
            this.verdict = verdict;
            this.head = head;
        }

        /** No check (a user's own mail, submitted): the recipients' rules still apply. One per message. */
        static Checked none() {
            return new Checked(null, null);
        }

        long[] tokens() {
            if (tokens == null) tokens = Tokens.of(head);
            return tokens;
        }

        /** The account's rules as they were when this message first asked. */
        Directory.DeliveryRules rules(Account a, Directory directory) {
            return rules.computeIfAbsent(a.id(), id -> directory.deliveryRules(a));
        }
    }

    /** The message-wide check; {@code auth} is null over LMTP (the front server checked, or did not). */
    Checked check(Session s, Spool spool, AuthenticationResults.Verdict auth) {
        byte[] head = spool.head(READ_BYTES);
        if (rspamd != null) {
            try {
                Map<String, String> session = new LinkedHashMap<>();
                // rspamd exempts local addresses from most checks: a loopback client (a front MTA, LMTP) is left out, so
                // rspamd reads the sending address from the Received fields as it does for mail handed on.
                if (s.mode == Mode.MX && !isLoopback(s.remoteIp())) session.put("IP", s.remoteIp());
                session.put("Helo", s.helo);
                session.put("From", s.envelope.from());
                session.put("MTA-Name", s.services.hostname());
                List<String> rcpts = s.envelope.recipients().stream().map(Envelope.Recipient::address).toList();
                return new Checked(new Verdict(rspamd.check(head, session, rcpts).hits()), head);
            } catch (IOException | RuntimeException e) {
                log.warn("rspamd did not answer ({}); the built-in rules decide", e.getMessage());
            }
        }
        Rules.Facts facts = auth == null ? Rules.Facts.NONE : new Rules.Facts(auth.spf().status().word(), dkim(auth.dkim()),
                auth.dmarc().status().word(), listed(s.remoteIp()));
        return new Checked(new Verdict(Rules.check(head, facts)), head);
    }

    private static boolean isLoopback(String ip) {
        return ip.startsWith("127.") || ip.equals("::1") || ip.startsWith("::ffff:127.");
    }

    private static String dkim(List<DkimResult> results) {
        if (results.stream().anyMatch(r -> r.status() == DkimResult.Status.PASS)) return "pass";
        if (results.stream().anyMatch(r -> r.status() == DkimResult.Status.FAIL)) return "fail";
        return "none";
    }

    /** The configured blocklists that list an IPv4 client (RFC 5782 §2.1: the octets reversed under the zone, an A record). */
    Map<String, Double> listed(String ip) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (options.dnsbl().isEmpty()) return out;
        InetAddress a;
        try {
            if (!ip.matches("[0-9.]+")) return out;
            a = InetAddress.getByName(ip);
        } catch (IOException e) {
            return out;
        }
        if (!(a instanceof Inet4Address) || a.isLoopbackAddress() || a.isSiteLocalAddress()) return out;
        byte[] b = a.getAddress();
        String reversed = (b[3] & 0xff) + "." + (b[2] & 0xff) + "." + (b[1] & 0xff) + "." + (b[0] & 0xff);
        options.dnsbl().forEach((zone, score) -> {
            try {
                // RFC 5782 §2.1: listed entries answer 127.0.0.2 and up; 127.255.255.x are the zone's own errors (e.g. refused queries).
                if (dns.addresses(reversed + "." + zone, false).stream().anyMatch(r -> {
                    byte[] x = r.getAddress();
                    return (x[0] & 0xff) == 127 && (x[1] & 0xff) != 255;
                })) out.put(zone, score);
            } catch (Dns.TemporaryFailure e) {
                log.debug("blocklist {} did not answer: {}", zone, e.getMessage());
            }
        });
        return out;
    }

    /** What one account's copy gets. */
    record Decision(String mode, Verdict verdict, double threshold, double rejectAt) {
        static final Decision OFF = new Decision("off", Verdict.NONE, 0, 0);

        boolean spam() {
            return !mode.equals("off") && verdict.score() >= threshold;
        }

        /** Filed in Junk rather than delivered as the account's route says. */
        boolean junk() {
            return spam() && (mode.equals("junk") || mode.equals("reject"));
        }

        /** Refused during SMTP (when every recipient's decision says so). */
        boolean refuse() {
            return mode.equals("reject") && verdict.score() >= rejectAt;
        }

        /** The fields before this copy (after its trace fields). */
        String fields() {
            if (mode.equals("off")) return "";
            return "X-Spam-Status: " + verdict.status(threshold) + "\r\n" + "X-Spam-Score: " + String.format(Locale.ROOT, "%.1f", verdict.score()) + "\r\n"
                    + (spam() ? "X-Spam-Flag: YES\r\n" : "");
        }

        Flags flags() {
            return spam() ? Flags.of(JUNK_KEYWORD) : Flags.NONE;
        }

        /** In mark mode spam stays in the INBOX, its subject tagged so that every program shows it. */
        boolean tagsSubject() {
            return spam() && mode.equals("mark");
        }

        /** The edit that puts {@link #SUBJECT_TAG} before the subject (once; a message without one gets a subject of the tag alone). */
        HeaderEdits subjectTag(String subject) {
            String s = subject == null ? "" : subject;
            if (s.startsWith(SUBJECT_TAG)) return HeaderEdits.NONE;
            return new HeaderEdits(List.of(new HeaderEdits.Field("Subject", (SUBJECT_TAG + s).strip())), List.of(),
                    subject == null ? Map.of() : Map.of("subject", Set.of(0)));
        }
    }

    /** What mark mode puts before a spam message's subject (as SpamAssassin's rewrite_header Subject does). */
    static final String SUBJECT_TAG = "[SPAM] ";

    /** One account's decision: the message's verdict with the account's classifier's say, and its mode. */
    Decision decide(Account a, Checked checked) {
        if (checked == null || checked.verdict == null) return Decision.OFF;
        return checked.decisions.computeIfAbsent(a.id(), id -> {
            Directory.DeliveryRules rules = checked.rules(a, directory);
            Map<AccountSetting, String> settings = rules.settings();
            String mode = settings.get(AccountSetting.SPAM_MODE);
            if (mode.equals("off")) return Decision.OFF;
            // The message is tokenised and the counts read only for an account whose classifier has a say.
            double p = rules.spamTrained() < Bayes.MIN_TRAINED || rules.hamTrained() < Bayes.MIN_TRAINED ? -1
                    : classifier.probability(a, checked.tokens());
            double threshold = Double.parseDouble(settings.get(AccountSetting.SPAM_THRESHOLD));
            double rejectAt = mode.equals("reject") ? Double.parseDouble(settings.get(AccountSetting.SPAM_REJECT_SCORE)) : Double.MAX_VALUE;
            return new Decision(mode, checked.verdict.plus(Rules.bayes(p)), threshold, rejectAt);
        });
    }

    /** Files one account's copy in its Junk folder with the decision's fields and keyword. */
    static void deliverToJunk(Deliveries.Batch batch, String given, Account a, Decision d) {
        batch.deliverTo(given, a, null, d.flags(), d.fields());
    }
}
