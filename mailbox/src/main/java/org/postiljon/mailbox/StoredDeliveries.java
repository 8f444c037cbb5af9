package org.postiljon.mailbox;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.Mailboxes;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.SpecialUse;
import org.postiljon.mailbox.api.StagedMessage;

/**
 * Routing and local delivery over the directory and {@code Messages.deliver}: every protocol that
 * delivers (SMTP in its three modes, JMAP submission) routes and writes trace fields here.
 */
final class StoredDeliveries implements Deliveries {

    private static final DateTimeFormatter DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final Directory directory;
    private final Mailboxes mailboxes;
    private final Messages messages;
    private final String hostname;
    private final EmailAddress postmaster;

    /**
     * @param hostname   the name Received fields give this server
     * @param postmaster where mail to {@code postmaster@} a local domain goes when no account or alias
     *                   has that name; null: the domain's first account
     */
    StoredDeliveries(Directory directory, Mailboxes mailboxes, Messages messages, String hostname, EmailAddress postmaster) {
        this.directory = directory;
        this.mailboxes = mailboxes;
        this.messages = messages;
        this.hostname = hostname;
        this.postmaster = postmaster;
    }

    @Override
    public Optional<Route> route(EmailAddress to) {
        Directory.Targets targets = directory.targets(to);
        if (!targets.localDomain()) return Optional.empty();
        List<Account> accounts = targets.accounts();
        // An alias may lead to accounts here and to addresses elsewhere (forwarded by the SMTP layer, with SRS).
        if (!accounts.isEmpty() || !targets.foreign().isEmpty()) return Optional.of(new Route(to, accounts, MailboxName.INBOX, false, targets.foreign()));
        if (to.localPart().equalsIgnoreCase("postmaster")) {
            // RFC 5321 §4.5.1: postmaster@ every local domain is accepted, even without an account or alias of that name.
            List<Account> p = postmasterAccounts(to);
            return p.isEmpty() ? Optional.empty() : Optional.of(new Route(to, p, MailboxName.INBOX));
        }
        // RFC 5233 sub-addressing: user+tag@domain is user@domain.
        int plus = to.localPart().indexOf('+');
        if (plus <= 0) return Optional.empty();
        Directory.Targets base = directory.targets(new EmailAddress(to.localPart().substring(0, plus), to.domain()));
        accounts = base.accounts();
        if (accounts.isEmpty() && base.foreign().isEmpty()) return Optional.empty();
        String tag = to.localPart().substring(plus + 1);
        MailboxName folder = MailboxName.INBOX;
        if (accounts.size() == 1 && !tag.isEmpty() && optedIn(accounts.getFirst())) {
            folder = existing(accounts.getFirst(), tag).orElse(MailboxName.INBOX);
        }
        return Optional.of(new Route(to, accounts, folder, false, base.foreign()));
    }

    /** The configured postmaster account, else the domain's first account (then: any first account). */
    private List<Account> postmasterAccounts(EmailAddress to) {
        if (postmaster != null) return directory.targets(postmaster).accounts();
        List<Account> inDomain = directory.accounts(Optional.of(to.domain()));
        if (!inDomain.isEmpty()) return List.of(inDomain.getFirst());
        List<Account> any = directory.accounts(Optional.empty());
        return any.isEmpty() ? List.of() : List.of(any.getFirst());
    }

    private boolean optedIn(Account a) {
        return directory.setting(a, AccountSetting.SUBADDRESS_FOLDER).equals("on");
    }

    private Optional<MailboxName> existing(Account a, String name) {
        try {
            MailboxName folder = MailboxName.of(name);
            mailboxes.get(a, folder);
            return Optional.of(folder);
        } catch (MailboxException e) {
            return Optional.empty(); // no such folder, or no valid name: INBOX
        }
    }

    /** The account's folder with the \Junk special use (RFC 6154), else one called Junk, made when there is none. */
    private MailboxName junk(Account a) {
        for (Mailbox m : mailboxes.list(a)) if (m.specialUse().equals(Optional.of(SpecialUse.JUNK))) return m.name();
        MailboxName name = MailboxName.of("Junk");
        if (mailboxes.find(a, name).isEmpty()) {
            try {
                mailboxes.create(a, name, Set.of(SpecialUse.JUNK));
            } catch (MailboxException.MailboxExists raced) {
                // another delivery made it first
            }
        }
        return name;
    }

    private final java.util.concurrent.atomic.LongAdder total = new java.util.concurrent.atomic.LongAdder();

    @Override
    public long delivered() {
        return total.sum();
    }

    @Override
    public Optional<EmailAddress> postmaster() {
        var domains = directory.domains();
        String host = hostname.toLowerCase(Locale.ROOT);
        for (var d : domains) if (host.equals(d.ascii()) || host.endsWith("." + d.ascii())) return Optional.of(new EmailAddress("postmaster", d));
        return domains.isEmpty() ? Optional.empty() : Optional.of(new EmailAddress("postmaster", domains.getFirst()));
    }

    @Override
    public String received(Via via, String recipient) {
        String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
        return "Received: " + (via.from() == null ? "" : via.from() + "\r\n\t")
                + "by " + hostname + " (Postiljon) with " + via.protocol() + " id " + id
                + (recipient == null ? "" : "\r\n\tfor <" + recipient + ">") + ";\r\n\t" + DATE.format(ZonedDateTime.now(ZoneOffset.UTC)) + "\r\n";
    }

    @Override
    public Batch begin(String returnPath, Via via, Supplier<InputStream> content) {
        return new StoredBatch(returnPath, via, content);
    }

    /**
     * The content is staged (stored and parsed) on the first delivery and shared by every
     * recipient; each gets only its own trace fields beside it. Remembers which account/folder
     * pairs have the message, so an alias and its target get one copy.
     */
    private final class StoredBatch implements Batch {
        private final String returnPath;
        private final Via via;
        private final Supplier<InputStream> content;
        private final Set<String> done = new HashSet<>();
        private StagedMessage staged;
        private int delivered;

        StoredBatch(String returnPath, Via via, Supplier<InputStream> content) {
            this.returnPath = returnPath;
            this.via = via;
            this.content = content;
        }

        @Override
        public void deliver(String given, Route route) {
            for (Account a : route.accounts()) deliverTo(given, a, route.junk() ? junk(a) : route.folder(), Flags.NONE);
        }

        @Override
        public void deliverTo(String given, Account a, MailboxName to, Flags flags, String fields) {
            store(given, a, to, fields, () -> {
                if (staged == null) staged = messages.stage(content.get(), Flags.NONE, Instant.now());
                return flags.equals(Flags.NONE) ? staged : new StagedMessage(staged.blob(), staged.size(), staged.keys(), flags, staged.internalDate());
            }, false);
        }

        @Override
        public void deliverTo(String given, Account a, MailboxName to, Flags flags, String fields, Supplier<InputStream> own) {
            store(given, a, to, fields, () -> messages.stage(own.get(), flags, Instant.now()), true);
        }

        /** One copy: {@code copy} stages what is stored (given up again on failure when {@code apart}, not shared). */
        private void store(String given, Account a, MailboxName to, String fields, Supplier<StagedMessage> copy, boolean apart) {
            MailboxName folder = to == null ? junk(a) : to;
            if (!done.add(a.id() + "/" + folder)) return;
            // Return-Path, Delivered-To and Received, RFC 5321 §4.4 (the addresses were checked: no CR or LF).
            byte[] trace = ("Return-Path: <" + returnPath + ">\r\n" + "Delivered-To: " + given + "\r\n" + received(via, given) + fields)
                    .getBytes(StandardCharsets.UTF_8);
            StagedMessage message = copy.get();
            try {
                messages.deliver(a, folder, message, trace);
            } catch (RuntimeException e) {
                done.remove(a.id() + "/" + folder); // not delivered there: another attempt (the INBOX after a failed fileinto) may be
                if (apart) messages.discard(List.of(message));
                throw e;
            }
            delivered++;
            total.increment();
        }

        @Override
        public int delivered() {
            return delivered;
        }

        @Override
        public void close() {
            if (staged != null && delivered == 0) messages.discard(List.of(staged));
        }
    }
}
