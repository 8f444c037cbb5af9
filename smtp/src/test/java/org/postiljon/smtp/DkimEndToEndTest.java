package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.UidSet;

/**
 * Two Postiljon servers on loopback with a real DNS server between them: mail alice@example.org
 * submits leaves signed with example.org's DKIM key, and example.net's server finds the
 * signature good with the key example.org published.
 */
class DkimEndToEndTest {

    @Test
    void mailFromADomainWithAKeyArrivesWithDkimPass(@TempDir Path dir) throws Exception {
        DkimKey key = DkimKey.generate("example.org", "pj202612", DkimKey.Algorithm.RSA_SHA256);
        List<String> strings = new ArrayList<>(); // longer than one TXT string: published as several
        for (int i = 0; i < key.dnsText().length(); i += 250) strings.add(key.dnsText().substring(i, Math.min(key.dnsText().length(), i + 250)));
        try (Dnsmasq dns = new Dnsmasq("--mx-host=example.net,mail.example.net,10", "--host-record=mail.example.net,127.0.0.1",
                "--local=/example.org/", "--txt-record=" + key.dnsName() + "," + String.join(",", strings));
             SmtpTestServer remote = new SmtpTestServer(dir.resolve("remote"), "example.net", SmtpLimits.DEFAULT, true, null, dns.address)) {
            Account carol = remote.account("carol@example.net");
            OutboundOptions options = new OutboundOptions("mx.example.org", dns.address, SmtpTestServer.port(remote.mx), null, null, null,
                    Duration.ofDays(5), Duration.ofMillis(300), Duration.ofSeconds(1), 4, Duration.ofSeconds(10), null);
            try (SmtpTestServer local = new SmtpTestServer(dir.resolve("local"), "example.org", SmtpLimits.DEFAULT, true, options)) {
                local.account("alice@example.org");
                local.model.signingKeys().add(DomainName.of("example.org"), key.selector(), key.algorithm().tag(), key.privateKeyPkcs8());
                assertThrows(MailboxException.NotAllowed.class, () -> local.model.signingKeys().add(DomainName.of("example.org"), key.selector(),
                        key.algorithm().tag(), key.privateKeyPkcs8()), "one key per selector");
                assertThrows(MailboxException.NoSuchDomain.class, () -> local.model.signingKeys().add(DomainName.of("elsewhere.test"), "s",
                        key.algorithm().tag(), key.privateKeyPkcs8()), "only local domains sign");

                submit(local, "signed");
                String first = await(remote, carol, 1);
                assertTrue(first.contains("Authentication-Results: mx.example.net;\r\n\tdkim=pass header.d=example.org header.s=pj202612\r\n"), first);
                assertTrue(first.indexOf("DKIM-Signature:") < first.indexOf("From: alice@example.org"), "the signature is on top");

                local.model.signingKeys().remove(DomainName.of("example.org"), key.selector());
                submit(local, "unsigned");
                String second = await(remote, carol, 2);
                assertTrue(second.contains("dkim=none (no signature)"), "no key, no signature: " + second);
            }
        }
    }

    static void submit(SmtpTestServer local, String subject) throws Exception {
        OutboundTest.submitAsAlice(local, "carol@example.net", subject, "", "");
    }

    /** Waits until carol has {@code n} messages; the newest, as stored. */
    static String await(SmtpTestServer remote, Account carol, int n) throws Exception {
        for (int i = 0; i < 150 && remote.model.messages().list(carol, MailboxName.INBOX, UidSet.ALL).size() < n; i++) Thread.sleep(100);
        var list = remote.model.messages().list(carol, MailboxName.INBOX, UidSet.ALL);
        assertEquals(n, list.size(), "delivered to the other server");
        try (var in = remote.model.messages().open(carol, MailboxName.INBOX, list.getLast().uid())) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
