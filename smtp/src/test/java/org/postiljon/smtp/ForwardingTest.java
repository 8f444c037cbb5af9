package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;
import org.postiljon.testkit.Dnsmasq;

/**
 * An alias that forwards to another server, over real sockets between two Postiljon servers and a
 * real DNS server: the forwarded copy leaves with an SRS sender of the alias's domain and arrives
 * with spf=pass; a bounce to that SRS address goes back to the original sender; a forged SRS
 * address is refused; a message that came through the alias before is not forwarded again.
 */
class ForwardingTest {

    @Test
    void anAliasForwardsWithSrsAndBouncesFindTheirWayBack(@TempDir Path dir) throws Exception {
        try (Dnsmasq dns = new Dnsmasq("--mx-host=example.net,mail.example.net,10", "--host-record=mail.example.net,127.0.0.1",
                "--local=/org/", "--local=/net/", "--txt-record=example.org,v=spf1 ip4:127.0.0.1 -all");
             SmtpTestServer remote = new SmtpTestServer(dir.resolve("remote"), "example.net", SmtpLimits.DEFAULT, true, null, dns.address)) {
            Account carol = remote.account("carol@example.net");
            Account dave = remote.account("dave@example.net");
            OutboundOptions options = new OutboundOptions("mx.example.org", dns.address, SmtpTestServer.port(remote.mx), null, null, null,
                    Duration.ofDays(5), Duration.ofMillis(300), Duration.ofSeconds(1), 4, Duration.ofSeconds(10), null);
            try (SmtpTestServer local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, options)) {
                Account alice = local.account("alice@example.org");
                // fwd@ keeps a copy here (alice) and forwards one (carol, at the other server).
                local.model.directory().addAlias(AliasSource.parse("fwd@example.org"), EmailAddress.parse("alice@example.org"));
                local.model.directory().addAlias(AliasSource.parse("fwd@example.org"), EmailAddress.parse("carol@example.net"));
                local.model.directory().addAlias(AliasSource.parse("away@example.org"), EmailAddress.parse("carol@example.net"));
                int mx = SmtpTestServer.port(local.mx);

                String reply = MailAuthEndToEndTest.sendTo("127.0.0.3", mx, "dave@example.net", "fwd@example.org",
                        "From: dave@example.net\r\nTo: fwd@example.org\r\nSubject: via the alias\r\n\r\nhello\r\n");
                assertTrue(reply.startsWith("250"), reply);
                assertEquals(1, local.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL).size(), "the local copy");
                String forwarded = MailAuthEndToEndTest.await(remote, carol, 1);
                String srs = forwarded.substring("Return-Path: <".length(), forwarded.indexOf(">\r\n"));
                assertTrue(srs.matches("SRS0=[^=]{4}=[A-Z2-7]{2}=example\\.net=dave@example\\.org"), forwarded);
                assertTrue(forwarded.contains("\tspf=pass (example.org: ip4:127.0.0.1) smtp.mailfrom=" + srs + ";\r\n"), forwarded);
                assertTrue(forwarded.contains("Delivered-To: fwd@example.org\r\n"), "the forwarder's mark, for loop detection: " + forwarded);

                // An alias that only forwards is a valid recipient too (before, it was "no such user").
                reply = MailAuthEndToEndTest.sendTo("127.0.0.3", mx, "dave@example.net", "away@example.org",
                        "From: dave@example.net\r\nSubject: away\r\n\r\nhello\r\n");
                assertTrue(reply.startsWith("250"), reply);
                MailAuthEndToEndTest.await(remote, carol, 2);

                // carol's server bounces the forwarded message: to the SRS address, from the null sender; it reaches dave.
                reply = MailAuthEndToEndTest.sendTo("127.0.0.3", mx, "", srs,
                        "From: MAILER-DAEMON@example.net\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nit did not work\r\n");
                assertTrue(reply.startsWith("250"), reply);
                String bounce = MailAuthEndToEndTest.await(remote, dave, 1);
                assertTrue(bounce.startsWith("Return-Path: <>\r\n") && bounce.contains("Subject: Undelivered Mail Returned to Sender"), bounce);

                // Made up or altered: no relay.
                reply = MailAuthEndToEndTest.sendTo("127.0.0.3", mx, "", srs.replace("=example.net=", "=victim.test="), "Subject: x\r\n\r\nx\r\n");
                assertTrue(reply.startsWith("550 5.1.1"), reply);

                // Came through fwd@ before: delivered here, not forwarded again; a later message still is.
                reply = MailAuthEndToEndTest.sendTo("127.0.0.3", mx, "dave@example.net", "fwd@example.org",
                        "Delivered-To: fwd@example.org\r\nFrom: dave@example.net\r\nSubject: looping\r\n\r\nround and round\r\n");
                assertTrue(reply.startsWith("250"), reply);
                assertEquals(2, local.model.messages().list(alice, MailboxName.INBOX, UidSet.ALL).size());
                MailAuthEndToEndTest.sendTo("127.0.0.3", mx, "dave@example.net", "fwd@example.org",
                        "From: dave@example.net\r\nSubject: marker\r\n\r\nafter the loop\r\n");
                String last = MailAuthEndToEndTest.await(remote, carol, 3);
                assertTrue(last.contains("Subject: marker"), last);
                Thread.sleep(1000);
                var inbox = remote.model.messages().list(carol, MailboxName.INBOX, UidSet.ALL);
                assertEquals(3, inbox.size(), "the looping message was not forwarded");
                try (var in = remote.model.messages().open(carol, MailboxName.INBOX, inbox.get(1).uid())) {
                    assertTrue(!new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("round and round"));
                }
            }
        }
    }
}
