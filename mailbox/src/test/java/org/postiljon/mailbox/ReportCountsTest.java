package org.postiljon.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.TransportSecurity;
import org.postiljon.mailbox.api.TransportSecurity.DmarcTally;
import org.postiljon.mailbox.api.TransportSecurity.Tally;

/** The counts behind the DMARC and TLS reports cost no commit per message: added up, written together. */
class ReportCountsTest {

    @Test
    void countsAreAddedUpInMemoryAndWrittenTogetherAtMostEveryTenSeconds(@TempDir Path dir) throws Exception {
        RetentionTest.TestClock clock = new RetentionTest.TestClock(Instant.parse("2026-12-05T10:00:00Z"));
        try (TestModels t = new TestModels(dir, clock)) {
            AtomicInteger commits = new AtomicInteger();
            t.store.metadata().onCommit((nanos, transactions, durable) -> commits.addAndGet(transactions));
            TransportSecurity counts = t.model.transportSecurity();
            LocalDate day = LocalDate.of(2026, 12, 5);
            for (int i = 0; i < 1000; i++) {
                counts.count(new Tally(day, "Example.NET", "sts", "mx.example.net", "192.0.2.1", i % 10 == 0 ? "certificate-expired" : "",
                        "version: STSv1", i % 10 == 0 ? "expired " + i : "", 1));
                counts.count(new DmarcTally(day, "example.org", "example.org", "198.51.100.7", "none", true, false, "example.org s1 pass",
                        "example.org mfrom fail", "p=none; sp=none; adkim=r; aspf=r; pct=100", 1));
            }
            assertEquals(0, commits.get(), "2,000 counts, no commit yet");
            var tallies = counts.before(day.plusDays(1));
            assertEquals(1, commits.get(), "read: the counts written first, in one transaction");
            assertEquals(2, tallies.size());
            assertEquals(900, tallies.stream().filter(Tally::successful).findFirst().orElseThrow().sessions());
            Tally failed = tallies.stream().filter(x -> !x.successful()).findFirst().orElseThrow();
            assertEquals(100, failed.sessions());
            assertEquals("expired 990", failed.detail(), "the last detail seen");
            assertEquals("example.net", failed.policyDomain(), "lower case");
            assertEquals(1000, counts.dmarcBefore(day.plusDays(1)).getFirst().messages());

            counts.count(new DmarcTally(day, "example.org", "example.org", "198.51.100.7", "none", true, false, "example.org s1 pass",
                    "example.org mfrom fail", "p=none; sp=none; adkim=r; aspf=r; pct=100", 1));
            assertEquals(1, commits.get(), "within ten seconds of the last write: kept");
            clock.advance(Duration.ofSeconds(11));
            counts.count(new DmarcTally(day, "example.org", "example.org", "198.51.100.7", "none", true, false, "example.org s1 pass",
                    "example.org mfrom fail", "p=none; sp=none; adkim=r; aspf=r; pct=100", 1));
            assertEquals(2, commits.get(), "ten seconds on: written");
            assertEquals(1002, counts.dmarcBefore(day.plusDays(1)).getFirst().messages());
        }
    }
}
