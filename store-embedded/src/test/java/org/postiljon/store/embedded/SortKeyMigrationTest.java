package org.postiljon.store.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.BlobId;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.Mailbox;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageKeys;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.ScramSecret;

/** Migration V16 turns the lower-cased sort keys of mail stored before it into i;unicode-casemap keys. */
class SortKeyMigrationTest {

    @TempDir
    Path dir;

    @Test
    void keysStoredBeforeV16BecomeCasemapKeys() throws Exception {
        long[] ids = new long[1];
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            var store = s.metadata();
            Account alice = store.write(tx -> {
                tx.insertDomain(DomainName.of("example.org"));
                return tx.insertAccount(EmailAddress.parse("alice@example.org"), "$argon2id$x",
                        new ScramSecret(new byte[16], 4096, new byte[32], new byte[32]), QuotaLimits.UNLIMITED);
            });
            Mailbox inbox = store.write(tx -> tx.insertMailbox(alice.id(), MailboxName.INBOX, Optional.empty(), tx.nextModSeq(alice.id())));
            // The keys as the code before V16 stored them: lower-cased.
            MessageKeys old = new MessageKeys("Ångström", "ångström", "émile", "zoë", null, "ölfarbe", null, "<id@x>", List.of(), "",
                    "", "", "", "", new org.postiljon.mailbox.api.structure.MessageStructure(null, null), "anna");
            store.write(tx -> tx.insertMessage(inbox.id(), tx.nextModSeq(alice.id()), Flags.NONE, Instant.now(), Instant.now(), 10,
                    new BlobId("a".repeat(64)), old));
            ids[0] = inbox.id();
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("postiljon.db"));
             Statement st = c.createStatement()) {
            // As if written by the release before V16: what V16 and every later version added is undone.
            st.execute("DELETE FROM schema_version WHERE version >= 16");
            st.execute("ALTER TABLE message DROP COLUMN trace");
            st.execute("ALTER TABLE outbound DROP COLUMN lease_owner");
            st.execute("ALTER TABLE outbound DROP COLUMN lease_until");
            st.execute("DROP TABLE lease");
            st.execute("DROP TABLE web_session");
            st.execute("DROP TABLE dkim_key");
            st.execute("DROP TABLE sent_day");
            st.execute("DROP TABLE sent_recipient");
            st.execute("DROP TABLE vacation");
            st.execute("DROP TABLE vacation_reply");
            st.execute("DROP TABLE sieve_script");
            st.execute("DROP TABLE app_password");
            st.execute("DROP TABLE totp");
            st.execute("DROP TABLE spam_token");
            st.execute("DROP TABLE spam_trained");
            st.execute("DROP TABLE mta_sts_policy");
            st.execute("DROP TABLE tls_result");
            st.execute("DROP TABLE dmarc_result");
            st.execute("DROP INDEX message_parse_attachments");
            st.execute("ALTER TABLE message_parse DROP COLUMN attachments");
        }
        try (EmbeddedStore s = EmbeddedStore.open(dir)) {
            MessageKeys k = s.metadata().read(tx -> tx.keys(ids[0], 1)).orElseThrow();
            assertEquals("A\u030aNGSTRO\u0308M", k.baseSubject());
            assertEquals("E\u0301MILE", k.sortFrom());
            assertEquals("ZOE\u0308", k.sortTo());
            assertEquals(null, k.sortCc());
            assertEquals("O\u0308LFARBE", k.displayFrom());
            assertEquals("ANNA", k.displayTo());
            assertEquals("Ångström", k.subject(), "the subject itself is left as it was");
        }
    }
}
