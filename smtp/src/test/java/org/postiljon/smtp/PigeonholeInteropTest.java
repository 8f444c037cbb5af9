package org.postiljon.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.sieve.Action;
import org.postiljon.sieve.Sieve;

/**
 * Our Sieve decides what Dovecot's Pigeonhole decides (Debian's dovecot-sieve, its sieve-test
 * tool), on a table of scripts and messages: the folders a message is stored in with their
 * flags, discards, redirects, rejects and vacation replies, for every script against every
 * message. The message view is the one delivery uses ({@link SieveDelivery.MessageView}).
 * Left out: the date test with :index (Pigeonhole 0.5 reads the first field whatever the index
 * says; ours takes the one RFC 5260 §6 names, shown in SieveExtensionsTest), duplicate and include
 * (sieve-test keeps no duplicate memory and no script directory here).
 */
class PigeonholeInteropTest {

    static final List<String> SCRIPTS = List.of(
            "require \"fileinto\";\nif header :contains \"subject\" \"invoice\" { fileinto \"Bills\"; }",
            "require \"fileinto\";\nif header :is \"subject\" \"Plans\" { fileinto \"Exact\"; } elsif header :matches \"subject\" \"*plan?\" { fileinto \"Glob\"; }",
            "require [\"fileinto\", \"variables\"];\nif header :matches \"List-ID\" \"*<*.*>\" { fileinto \"lists.${2}\"; stop; }\nif header :matches \"subject\" \"[*] *\" { fileinto \"tag.${1}\"; }",
            "require \"fileinto\";\nif address :domain :is \"from\" \"example.com\" { fileinto \"Work\"; }\nif address :localpart :is [\"to\", \"cc\"] \"alice\" { fileinto \"Mine\"; }",
            "require [\"envelope\", \"subaddress\", \"fileinto\"];\nif envelope :detail \"to\" \"lists\" { fileinto \"Lists\"; }"
                    + " elsif envelope :user \"to\" \"alice\" { fileinto \"Alice\"; }\nif envelope :domain \"from\" \"example.com\" { fileinto \"FromWork\"; }",
            "if size :over 1K { discard; }\nif not exists \"message-id\" { discard; stop; }",
            "require [\"imap4flags\", \"fileinto\", \"copy\"];\nif anyof (header :contains \"subject\" \"urgent\", address :all :is \"from\" \"boss@example.com\")"
                    + " { addflag \"\\\\Flagged\"; fileinto :copy \"Important\"; }\nif allof (header :contains \"subject\" \"plans\", not header :contains \"subject\" \"urgent\") { setflag \"$Plans\"; }",
            "require [\"relational\", \"comparator-i;ascii-numeric\", \"fileinto\"];\nif header :value \"ge\" :comparator \"i;ascii-numeric\" \"X-Spam-Score\" \"5\" { fileinto \"Junk\"; }"
                    + "\nif address :count \"ge\" :comparator \"i;ascii-numeric\" [\"to\", \"cc\"] \"2\" { fileinto \"Many\"; }",
            "require \"body\";\nif body :text :contains \"unsubscribe\" { discard; }",
            "if header :contains \"from\" \"spammer\" { redirect \"abuse@example.org\"; }",
            "require \"reject\";\nif header :contains \"subject\" \"invoice\" { reject \"No invoices here.\"; }",
            "require \"vacation\";\nif header :contains \"subject\" \"plans\" { vacation :days 3 :subject \"Away\" \"I am away.\"; }",
            "require [\"fileinto\", \"variables\"];\nset :lower \"folder\" \"${unknown}INBOX.Sorted\";\nif header :contains :comparator \"i;octet\" \"subject\" \"Plans\" { fileinto \"${folder}\"; }",
            "require [\"encoded-character\", \"fileinto\"];\nif header :contains \"subject\" \"${hex:49 4E 56}\" { fileinto \"Enc\"; }",
            "require [\"date\", \"relational\", \"fileinto\"];\nif date :value \"ge\" :originalzone \"date\" \"hour\" \"09\" { fileinto \"Day\"; }"
                    + "\nif date :is :zone \"+0000\" \"date\" \"weekday\" \"2\" { fileinto \"Tuesday\"; }\nif date :is \"received\" \"year\" \"2008\" { fileinto \"Y2008\"; }"
                    + "\nif date :value \"lt\" :zone \"-1000\" \"date\" \"date\" \"2008-07-01\" { fileinto \"Early\"; }",
            "require [\"index\", \"date\", \"fileinto\"];\nif header :index 1 :last :contains \"received\" \"relay\" { fileinto \"LastHop\"; }"
                    + "\nif date :originalzone \"received\" \"zone\" \"+0000\" { fileinto \"AnyUtc\"; }"
                    + "\nif address :index 1 :domain \"cc\" \"example.org\" { fileinto \"CcHere\"; }",
            "require [\"editheader\", \"fileinto\", \"copy\"];\naddheader \"X-Seen\" \"yes\";\nif header :is \"x-seen\" \"yes\" { fileinto :copy \"Added\"; }"
                    + "\ndeleteheader :contains \"subject\" \"plans\";\nif not exists \"subject\" { fileinto \"NoSubject\"; }"
                    + "\ndeleteheader :index 1 \"received\";\nif exists \"received\" { fileinto :copy \"ReceivedStays\"; }");

    /** Messages: header fields, a body; each is sent from its envelope sender to alice+lists@example.org. */
    static final List<String[]> MESSAGES = List.of(
            new String[] {"bob@example.com", "Received: from relay.example.com by mx.example.org; Sat, 5 Jul 2008 23:10:00 -0400\r\n"
                    + "Received: from bob by relay.example.com; Sun, 6 Jul 2008 03:00:00 +0000\r\nFrom: Bob <bob@example.com>\r\nTo: alice@example.org\r\n"
                    + "Subject: Plans\r\nDate: Tue, 1 Jul 2008 10:52:37 +0200 (CEST)\r\nMessage-ID: <1@x>\r\n\r\nhi\r\n"},
            new String[] {"boss@example.com", "From: boss@example.com\r\nTo: Alice <alice@example.org>, carol@example.org\r\nSubject: URGENT: plans!\r\n"
                    + "Date: 30 Jun 2008 08:00 -0000\r\nCc: dave@example.org\r\nCc: eve@example.net\r\n"
                    + "Message-ID: <2@x>\r\nX-Spam-Score: 12\r\n\r\nnow\r\n"},
            new String[] {"list-bounces@lists.example.net", "From: someone@example.net\r\nTo: team@lists.example.net\r\nList-ID: Team list <team.lists.example.net>\r\n"
                    + "Subject: [team] invoice for March\r\nMessage-ID: <3@x>\r\n\r\nTo unsubscribe, write to us.\r\n"},
            new String[] {"spammer@bad.test", "From: \"Mr Spammer\" <spammer@bad.test>\r\nTo: alice@example.org\r\nSubject: cheap plan\r\nX-Spam-Score: 4\r\n\r\n"
                    + "x".repeat(2000) + "\r\n"},
            new String[] {"", "From: MAILER-DAEMON@example.org\r\nTo: alice@example.org\r\nCc: alice@example.org\r\nSubject: Undelivered: invoice\r\n"
                    + "Message-ID: <4@x>\r\n\r\nbounce\r\n"},
            new String[] {"carol@example.org", "From: carol@example.org\r\nTo: alice@example.org\r\nSubject: =?UTF-8?B?SU5WT0lDRQ==?= plans\r\nMessage-ID: <5@x>\r\n\r\nhi\r\n"});

    static final String RECIPIENT = "alice+lists@example.org";

    @Test
    void everyScriptDecidesAsPigeonholeDoesOnEveryMessage(@TempDir Path dir) throws Exception {
        // sieve-test needs a mail location it may write and an unprivileged user.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Files.setPosixFilePermissions(mail, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path conf = Files.writeString(dir.resolve("dovecot.conf"),
                "mail_uid = nobody\nmail_gid = nogroup\nfirst_valid_uid = 0\nmail_location = maildir:" + mail + "\n"
                        + "plugin {\n  sieve_extensions = +editheader\n}\n");
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (int s = 0; s < SCRIPTS.size(); s++) {
            Path script = Files.writeString(dir.resolve("s" + s + ".sieve"), SCRIPTS.get(s));
            for (int m = 0; m < MESSAGES.size(); m++) {
                String[] msg = MESSAGES.get(m);
                Path eml = Files.writeString(dir.resolve("m" + m + ".eml"), msg[1], StandardCharsets.ISO_8859_1);
                for (Path p : List.of(script, eml, conf)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
                String theirs = pigeonhole(conf, script, eml, msg[0]);
                byte[] bytes = msg[1].getBytes(StandardCharsets.ISO_8859_1);
                Sieve.Result r = Sieve.run(Sieve.compile(SCRIPTS.get(s)),
                        new SieveDelivery.MessageView(n -> Arrays.copyOf(bytes, Math.min(n, bytes.length)), bytes.length, msg[0], RECIPIENT));
                String ours = normal(r.actions());
                compared++;
                if (!ours.equals(theirs)) differences.add("script " + s + ", message " + m + ": ours " + ours + ", Pigeonhole " + theirs);
            }
        }
        assertEquals(List.of(), differences, compared + " compared");
        assertEquals(SCRIPTS.size() * MESSAGES.size(), compared);
    }

    /** Our actions in the normal form below. */
    static String normal(List<Action> actions) {
        TreeSet<String> out = new TreeSet<>();
        for (Action a : actions) {
            switch (a) {
                case Action.Keep k -> out.add(store("INBOX", k.flags()));
                case Action.FileInto f -> out.add(store(f.folder(), f.flags()));
                case Action.Redirect r -> out.add("redirect " + r.address());
                case Action.Reject r -> out.add("reject");
                case Action.Vacation v -> out.add("vacation");
                case Action.Discard d -> { }
                case Action.Track t -> { }
            }
        }
        return out.toString();
    }

    static String store(String folder, java.util.Collection<String> flags) {
        return "store " + folder + " " + new TreeSet<>(flags.stream().map(f -> f.toLowerCase(Locale.ROOT)).toList());
    }

    /**
     * sieve-test's "Performed actions" and "Implicit keep" in one normal form: the set of
     * {@code store FOLDER [flags]}, {@code redirect ADDRESS}, {@code reject}, {@code vacation}.
     */
    static String pigeonhole(Path conf, Path script, Path eml, String from) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("sieve-test", "-c", conf.toString(), "-a", RECIPIENT));
        if (!from.isEmpty()) cmd.addAll(List.of("-f", from));
        cmd.addAll(List.of(script.toString(), eml.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "sieve-test finished");
        assertEquals(0, p.exitValue(), "sieve-test ran (dovecot-sieve installed? ./test installs it): " + output);
        TreeSet<String> out = new TreeSet<>();
        String folder = null;
        TreeSet<String> flags = new TreeSet<>();
        boolean inMessage = false;
        for (String line : output.lines().toList()) {
            String l = line.strip();
            if (l.equals("START MESSAGE")) inMessage = true;
            if (inMessage) {
                if (l.equals("END MESSAGE")) inMessage = false;
                continue;
            }
            if (l.startsWith("+ add IMAP flags: ")) {
                for (String f : l.substring("+ add IMAP flags: ".length()).split(" ")) flags.add(f.toLowerCase(Locale.ROOT));
                continue;
            }
            if (folder != null && (l.startsWith("*") || l.endsWith(":") || l.startsWith("sieve-test"))) {
                out.add("store " + folder + " " + flags);
                folder = null;
                flags = new TreeSet<>();
            }
            if (l.startsWith("* store message in folder: ")) folder = l.substring("* store message in folder: ".length());
            else if (l.startsWith("* redirect message to: ")) out.add("redirect " + l.substring("* redirect message to: ".length()).replaceAll("[<>]", ""));
            else if (l.startsWith("* reject message")) out.add("reject");
            else if (l.startsWith("* send vacation message")) out.add("vacation");
        }
        if (folder != null) out.add("store " + folder + " " + flags);
        return out.toString();
    }
}
