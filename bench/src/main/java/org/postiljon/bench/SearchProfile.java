package org.postiljon.bench;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.postiljon.mailbox.InProcessChangeBus;
import org.postiljon.mailbox.MailboxLimits;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.Passwords;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.SearchQuery;
import org.postiljon.store.embedded.EmbeddedStore;

/** In-process timing of search paths on SearchBench's mailbox, without IMAP: SearchProfile N. */
public final class SearchProfile {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path dir = Files.createTempDirectory(Path.of("/var/tmp"), "profile");
        try (EmbeddedStore store = EmbeddedStore.open(dir)) {
            MailboxModel m = MailboxModel.over(store.metadata(), store.blobs(), store.index(), new InProcessChangeBus(), MailboxLimits.DEFAULT,
                    Passwords.DEFAULT, java.util.Set.of(), java.time.Clock.systemUTC());
            m.directory().addDomain(DomainName.of("bench.test"));
            Account a = m.directory().addAccount(EmailAddress.parse("u@bench.test"), "bench-password".toCharArray(), QuotaLimits.UNLIMITED);
            Random r = new Random(20261126);
            List<String> subjects = new ArrayList<>(), refs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                m.messages().append(a, MailboxName.INBOX, new ByteArrayInputStream(SearchBench.message(i, r, subjects, refs)), Flags.NONE, Instant.now());
            }
            System.out.printf("appended %d in %.0f s%n", n, (System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            m.indexer().catchUp();
            System.out.printf("indexed in %.0f s%n", (System.nanoTime() - t0) / 1e9);
            String w = SearchBench.word(SearchBench.TARGET_WORD);
            String from = SearchBench.sender(SearchBench.TARGET_SENDER).replaceAll(".*<([^@]+)@.*", "$1");
            for (SearchQuery q : List.of(new SearchQuery.Text(true, w), new SearchQuery.Contains(SearchQuery.Field.FROM, from))) {
                for (int k = 0; k < 8; k++) {
                    long s = System.nanoTime();
                    long[] hits = m.messages().search(a, MailboxName.INBOX, q);
                    System.out.printf("%s: %d hits in %.1f ms%n", q, hits.length, (System.nanoTime() - s) / 1e6);
                }
            }
        }
    }
}
