package org.postiljon.smtp;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postiljon.mailauth.Dns;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.mailbox.api.Messages;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.SigningKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily aggregate reports' common course (DMARC and TLS-RPT): under a lease (one node sends),
 * the counts of each finished UTC day grouped by domain, the domain's report addresses asked of
 * the DNS as they are now, a signed mail to each, and the counts forgotten once the mails are
 * queued (or after a week when the DNS never answered).
 *
 * @param <T> one count as the store keeps it
 */
abstract class DailyReports<T> {

    private static final Logger log = LoggerFactory.getLogger(DailyReports.class);
    /** Counts of a day whose report could not be sent (no DNS answer) are kept this long. */
    private static final int KEEP_DAYS = 7;

    final Dns dns;
    private final Reports mail;
    private final Leases leases;
    private final String kind;

    DailyReports(String kind, Dns dns, SigningKeys keys, Directory directory, Messages messages, OutboundQueue queue, Runnable queued, Leases leases) {
        this.kind = kind;
        this.dns = dns;
        this.mail = new Reports(directory, messages, queue, queued, keys);
        this.leases = leases;
    }

    /** The counts of the days before {@code today}. */
    abstract List<T> due(LocalDate today);

    abstract LocalDate day(T count);

    abstract String domain(T count);

    /** Where the domain wants its reports: addresses (mailto: taken off). */
    abstract List<String> addresses(String domain) throws Dns.TemporaryFailure;

    /** The signed report mail to {@code to} on the domain's counts of one day. */
    abstract byte[] message(ReportMail.Reporter reporter, String domain, LocalDate day, List<T> counts, String to);

    abstract void forget(String domain, LocalDate day);

    /** Sends the reports of the days before {@code today} as {@code reporter}; returns how many mails went. */
    public int sendDue(LocalDate today, ReportMail.Reporter reporter) {
        Optional<Leases.Lease> lease = leases.take(kind + "-reports");
        if (lease.isEmpty()) return 0; // another node sends them
        try (Leases.Lease held = lease.get()) {
            Map<String, List<T>> byDayAndDomain = new LinkedHashMap<>();
            for (T t : due(today)) byDayAndDomain.computeIfAbsent(day(t) + " " + domain(t), k -> new ArrayList<>()).add(t);
            int sent = 0;
            for (List<T> group : byDayAndDomain.values()) {
                if (!held.held()) break;
                String domain = domain(group.getFirst());
                LocalDate day = day(group.getFirst());
                List<String> to;
                try {
                    to = addresses(domain); // the record as it is now: its owner may have changed where reports go
                } catch (Dns.TemporaryFailure e) {
                    if (day.isBefore(today.minusDays(KEEP_DAYS))) forget(domain, day);
                    continue; // asked again at the next run
                }
                for (String address : to) {
                    mail.send(address, message(reporter, domain, day, group, address));
                    sent++;
                }
                if (!to.isEmpty()) log.info("{} report for {} of {} sent to {}", kind, domain, day, to);
                forget(domain, day);
            }
            return sent;
        }
    }
}
