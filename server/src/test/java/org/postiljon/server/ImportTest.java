package org.postiljon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postiljon.testkit.Corpus;

/**
 * {@code postiljon import} from a real Dovecot (issue #23): every folder arrives (special folders
 * mapped by their special use or their name, Unicode and nested names kept), every message byte for
 * byte with its flags, keywords and arrival time, as an IMAP client sees it on both servers; a
 * second run copies only what is new and brings changed flags; the report is clean. Also through
 * Dovecot's master user, over POP3, from Dovecot's Maildir on disk, and export followed by import
 * giving the same mailbox (Maildir and mbox).
 */
class ImportTest {

    static final Map<String, String> USERS = Map.of("alice", "alice-secret", "bob", "bob-secret", "carol", "carol-secret", "dave", "dave-secret");
    static final DateTimeFormatter IMAP_DATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);
    /** Folders on Dovecot (separator ".") and where their mail must arrive here. */
    static final Map<String, String> FOLDERS = new LinkedHashMap<>();

    static {
        FOLDERS.put("INBOX", "INBOX");
        FOLDERS.put("Sent Messages", "Sent"); // special use \Sent on Dovecot
        FOLDERS.put("Deleted Messages", "Trash"); // \Trash
        FOLDERS.put("Spam", "Junk"); // no special use there: known by its name
        FOLDERS.put("Projekt.Über", "Projekt/Über");
        FOLDERS.put("Projekt.Über.Ärger & Co", "Projekt/Über/Ärger & Co");
        FOLDERS.put("Archive.2024", "Archive/2024"); // a child of a folder that does not exist there (\Noselect)
    }

    @TempDir
    static Path shared;
    static Dovecot dovecot;
    static List<byte[]> corpus;

    @BeforeAll
    static void fill() throws Exception {
        dovecot = Dovecot.start(Files.createDirectories(shared.resolve("dovecot")), USERS);
        corpus = Corpus.messages(shared, 60, 11);
        for (String user : List.of("alice", "bob")) {
            try (ImapProbe s = new ImapProbe(dovecot.imapPort, user, USERS.get(user))) {
                int n = 0;
                for (String folder : FOLDERS.keySet()) {
                    if (!folder.equals("INBOX")) s.command("CREATE " + quoted(folder));
                    int count = folder.equals("INBOX") ? 30 : 5;
                    for (int i = 0; i < count; i++, n++) append(s, folder, flags(n), Instant.parse("2024-01-01T10:00:00Z").plusSeconds(3_600L * n), corpus.get(n % corpus.size()));
                }
                // The same message twice, and one without Message-ID: each is copied once, as often as it is there.
                append(s, "INBOX", "", Instant.parse("2024-03-01T10:00:00Z"), corpus.get(0));
                append(s, "INBOX", "\\Seen", Instant.parse("2024-03-01T11:00:00Z"), "From: x@example.net\r\nSubject: no id\r\n\r\nNo Message-ID.\r\n".getBytes(StandardCharsets.UTF_8));
                s.command("SUBSCRIBE " + quoted("Projekt.Über"));
                s.command("SUBSCRIBE " + quoted("Sent Messages"));
            }
        }
        try (ImapProbe s = new ImapProbe(dovecot.imapPort, "carol", USERS.get("carol"))) {
            for (int i = 0; i < 12; i++) append(s, "INBOX", "", Instant.parse("2024-01-01T10:00:00Z"), corpus.get(i));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (dovecot != null) dovecot.close();
    }

    /** APPEND to Dovecot: the folder's name in modified UTF-7, the arrival time in IMAP's form. */
    static void append(ImapProbe s, String folder, String flags, Instant date, byte[] message) throws IOException {
        s.append(quoted(folder), flags, IMAP_DATE.format(date.atZone(ZoneOffset.UTC)), message);
    }

    static String flags(int n) {
        List<String> f = new ArrayList<>();
        if (n % 2 == 0) f.add("\\Seen");
        if (n % 5 == 0) f.add("\\Flagged");
        if (n % 7 == 0) f.add("\\Answered");
        if (n % 3 == 0) f.add("$Label1");
        if (n % 4 == 0) f.add("project-x");
        if (n == 13) f.add("\\Deleted");
        if (n == 17) f.add("\\Draft");
        return String.join(" ", f);
    }

    static String quoted(String name) {
        return "\"" + org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder.encode(name) + "\"";
    }

    record Result(int code, String out, String err) { }

    static Result cli(Path data, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--data", data.toString()));
        all.addAll(List.of(args));
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A data directory with alice@ and bob@example.test (WebNode's), the node stopped again. */
    static Path postiljon(Path dir) throws Exception {
        new WebNode(dir).close();
        return dir;
    }

    static Path passwordFile(Path dir, String password) throws IOException {
        return Files.writeString(dir.resolve("password-" + password), password + "\n");
    }

    @Test
    void everyFolderArrivesByteForByteAndASecondRunCopiesOnlyWhatIsNew(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        Result first = importAlice(data, dir);
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("62 of 62 messages here (62 copied now) in 7 folders, 1 subscription added"), first.out());
        assertTrue(first.out().contains(": clean"), first.out());
        assertSameMailboxes(dovecot.imapPort, "alice", USERS.get("alice"), data, WebNode.ALICE, FOLDERS);
        try (WebNode node = new WebNode(data); Store here = store(node.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
            TreeSet<String> subscribed = new TreeSet<>();
            for (Folder f : here.getDefaultFolder().listSubscribed("*")) subscribed.add(f.getFullName());
            assertTrue(subscribed.containsAll(List.of("Sent", "Projekt/Über")), subscribed.toString());
        }

        // Meanwhile on the old server: new mail, a message read and flagged.
        try (ImapProbe s = new ImapProbe(dovecot.imapPort, "alice", USERS.get("alice"))) {
            append(s, "INBOX", "", Instant.parse("2024-06-01T10:00:00Z"), corpus.get(40));
            append(s, "Projekt.Über", "$Label1", Instant.parse("2024-06-01T11:00:00Z"), corpus.get(41));
            s.command("SELECT INBOX");
            s.command("UID STORE 2 +FLAGS (\\Seen \\Flagged)");
        }
        Result second = importAlice(data, dir, "--json", "--verify-content");
        assertEquals(0, second.code(), second.out() + second.err());
        JsonNode report = new ObjectMapper().readTree(second.out()).get(0);
        assertTrue(report.get("clean").asBoolean(), report.toString());
        assertEquals(2, report.get("copied").asInt(), "only the new mail is copied: " + report);
        assertEquals(1, report.get("folders").get(0).get("flagsChanged").asInt(), report.toString());
        for (JsonNode f : report.get("folders")) assertEquals(0, f.get("differ").asInt(), "every message's bytes compared: " + f);
        assertSameMailboxes(dovecot.imapPort, "alice", USERS.get("alice"), data, WebNode.ALICE, FOLDERS);

        // After the cut-over users work here: a last pass may leave their flags alone.
        try (ImapProbe s = new ImapProbe(dovecot.imapPort, "alice", USERS.get("alice"))) {
            s.command("SELECT INBOX");
            s.command("UID STORE 3 +FLAGS (\\Flagged)");
        }
        Result keep = importAlice(data, dir, "--json", "--keep-flags-here");
        assertEquals(0, keep.code(), keep.out() + keep.err());
        JsonNode kept = new ObjectMapper().readTree(keep.out()).get(0);
        assertEquals(0, kept.get("folders").get(0).get("flagsChanged").asInt(), kept.toString());
        assertEquals(0, kept.get("copied").asInt(), kept.toString());
        try (WebNode node = new WebNode(data); Store here = store(node.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
            assertTrue(!view(here, "INBOX").get(2).contains("\\Flagged"), view(here, "INBOX").get(2));
        }
    }

    /** Dovecot's alice into WebNode's alice, with more options. */
    static Result importAlice(Path data, Path dir, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("import", "imap", "imap://127.0.0.1:" + dovecot.imapPort, "--user", "alice", WebNode.ALICE,
                "--password-file", passwordFile(dir, USERS.get("alice")).toString()));
        args.addAll(List.of(options));
        return cli(data, args.toArray(String[]::new));
    }

    @Test
    void anAdminImportsForTheUserWithDovecotsMasterLoginAndAListOfAccounts(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        Path csv = Files.writeString(dir.resolve("accounts.csv"), "# source user, password, address\nbob,," + WebNode.BOB + "\n");
        Result r = cli(data, "import", "imap", "imap://127.0.0.1:" + dovecot.imapPort, "--csv", csv.toString(), "--admin", Dovecot.ADMIN,
                "--password-file", passwordFile(dir, Dovecot.ADMIN_PASSWORD).toString(), "--parallel", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("(bob via admin)"), r.out());
        assertSameMailboxes(dovecot.imapPort, "bob", USERS.get("bob"), data, WebNode.BOB, FOLDERS);
    }

    @Test
    void pop3BringsTheInboxUnreadAndLeavesTheSourceAsItWas(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        // Two passes as a live migration runs them (--repeat 0: no wait between them).
        Result r = cli(data, "import", "pop3", "pop3://127.0.0.1:" + dovecot.pop3Port, "--user", "carol", WebNode.ALICE, "--password-file",
                passwordFile(dir, USERS.get("carol")).toString(), "--repeat", "0", "--passes", "2");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("pass 2 of 2"), r.out());
        assertTrue(r.out().contains("12 of 12 messages here (12 copied now)"), r.out());
        assertTrue(r.out().contains("12 of 12 messages here (0 copied now)"), "the second pass copies nothing again: " + r.out());
        try (WebNode node = new WebNode(data); Store here = store(node.imapPort(), WebNode.ALICE, WebNode.PASSWORD);
             Store there = store(dovecot.imapPort, "carol", USERS.get("carol"))) {
            List<String> theirs = view(there, "INBOX"), ours = view(here, "INBOX");
            assertEquals(12, theirs.size(), "POP3 deleted nothing on the source");
            // POP3 has no flags or arrival times: compare the bytes.
            assertEquals(theirs.stream().map(ImportTest::bytesOf).toList(), ours.stream().map(ImportTest::bytesOf).toList());
            assertTrue(ours.stream().noneMatch(l -> l.contains("\\Seen")), "arrived unread: " + ours);
        }
    }

    @Test
    void dovecotsMaildirOnDiskGivesTheSameMailboxAsDovecotServes(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        Result r = cli(data, "import", "maildir", dovecot.maildir("bob").toString(), WebNode.ALICE);
        assertEquals(0, r.code(), r.out() + r.err());
        assertSameMailboxes(dovecot.imapPort, "bob", USERS.get("bob"), data, WebNode.ALICE, FOLDERS);
    }

    @Test
    void exportThenImportGivesTheSameMailboxAsMaildirAndAsMbox(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        assertEquals(0, cli(data, "import", "maildir", dovecot.maildir("bob").toString(), WebNode.ALICE).code());
        Map<String, String> same = new LinkedHashMap<>();
        FOLDERS.values().forEach(v -> same.put(v, v));
        for (String format : List.of("maildir", "mbox")) {
            Path out = dir.resolve("export-" + format);
            Result exported = cli(data, "export", format, WebNode.ALICE, out.toString());
            assertEquals(0, exported.code(), exported.err());
            assertTrue(exported.out().startsWith("exported 62 messages"), exported.out());
            Path other = postiljon(dir.resolve("data-" + format));
            Result imported = cli(other, "import", format, out.toString(), WebNode.ALICE);
            assertEquals(0, imported.code(), imported.out() + imported.err());
            assertSameMailboxes(data, other, WebNode.ALICE, same);
            if (format.equals("maildir")) dovecotServes(out, data);
            Result refused = cli(data, "export", format, WebNode.ALICE, out.toString());
            assertEquals(1, refused.code());
            assertTrue(refused.err().contains("not empty"), refused.err());
        }
    }

    @Test
    void theWebmailHandsTheUserTheirWholeMailboxAsAZipOfMboxFilesThatImportBack(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        assertEquals(0, cli(data, "import", "maildir", dovecot.maildir("bob").toString(), WebNode.ALICE).code());
        Path unzipped = Files.createDirectories(dir.resolve("unzipped"));
        try (WebNode node = new WebNode(data)) {
            var anonymous = node.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.base() + "/webmail/archive")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode());
            var r = node.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.base() + "/webmail/archive"))
                    .header("Authorization", WebNode.basic(WebNode.ALICE)).build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            assertEquals("application/zip", r.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(r.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment; filename=\"alice@example.test-"));
            List<String> entries = new ArrayList<>();
            try (var zip = new java.util.zip.ZipInputStream(r.body(), StandardCharsets.UTF_8)) {
                for (var e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    entries.add(e.getName());
                    Path to = unzipped.resolve(e.getName());
                    Files.createDirectories(to.getParent());
                    Files.copy(zip, to);
                }
            }
            assertTrue(entries.containsAll(List.of("INBOX.mbox", "Sent.mbox", "Projekt/Über.mbox", "Projekt/Über/Ärger & Co.mbox", "Archive/2024.mbox")), entries.toString());
        }
        Path other = postiljon(dir.resolve("other"));
        Result imported = cli(other, "import", "mbox", unzipped.toString(), WebNode.ALICE);
        assertEquals(0, imported.code(), imported.out() + imported.err());
        Map<String, String> same = new LinkedHashMap<>();
        FOLDERS.values().forEach(v -> same.put(v, v));
        assertSameMailboxes(data, other, WebNode.ALICE, same);
    }

    /** Dovecot, given the exported Maildir as a user's, serves the same mailbox: folders, UIDs, flags, keywords, dates, bytes. */
    private static void dovecotServes(Path export, Path data) throws Exception {
        Path home = dovecot.maildir("dave");
        try (var files = Files.walk(export)) {
            for (Path p : files.toList()) {
                Path to = home.resolve(export.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString(Files.isDirectory(to) ? "rwxrwxrwx" : "rw-rw-rw-"));
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        FOLDERS.values().forEach(v -> names.put(v.replace('/', '.'), v));
        assertSameMailboxes(dovecot.imapPort, "dave", USERS.get("dave"), data, WebNode.ALICE, names);
    }

    @Test
    void theSharedCorpusAsAnMboxFileArrivesMessageForMessage(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        Path mbox = shared.resolve("corpus-60-11.mbox");
        Result r = cli(data, "import", "mbox", mbox.toString(), WebNode.ALICE, "--folder", "Corpus");
        assertEquals(0, r.code(), r.out() + r.err());
        try (WebNode node = new WebNode(data); Store here = store(node.imapPort(), WebNode.ALICE, WebNode.PASSWORD)) {
            List<String> ours = view(here, "Corpus");
            assertEquals(corpus.stream().map(ImportTest::sha256).toList(), ours.stream().map(ImportTest::bytesOf).toList());
        }
    }

    @Test
    void anImportStoppedByTheQuotaGoesOnWhereItStoppedWhenRunAgain(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        // Room for 40 messages: INBOX (32) and Archive/2024 (5) fit, Trash's batch of 5 does not (a batch is appended whole or not at all).
        assertEquals(0, cli(data, "account", "quota", WebNode.ALICE, "unlimited", "--messages", "40").code());
        String[] args = {"import", "maildir", dovecot.maildir("bob").toString(), WebNode.ALICE};
        Result stopped = cli(data, args);
        assertEquals(1, stopped.code(), stopped.out());
        assertTrue(stopped.out().contains("over quota here") && stopped.out().contains("raise the quota and run again"), stopped.out());
        assertTrue(stopped.out().contains("NOT CLEAN"), stopped.out());
        assertEquals(0, cli(data, "account", "quota", WebNode.ALICE, "unlimited", "--messages", "unlimited").code());
        Result resumed = cli(data, args);
        assertEquals(0, resumed.code(), resumed.out());
        assertTrue(resumed.out().contains("62 of 62 messages here (25 copied now)"), "the first 37 are not copied twice: " + resumed.out());
        // The quota warnings this server sent on the way are in INBOX too: "only here", no fault.
        assertTrue(resumed.out().contains("32 there,      0 copied,     32 already here,     0 flags changed, 2 only here"), resumed.out());
        Map<String, String> others = new LinkedHashMap<>(FOLDERS);
        others.remove("INBOX");
        assertSameMailboxes(dovecot.imapPort, "bob", USERS.get("bob"), data, WebNode.ALICE, others);
    }

    @Test
    void aMessageLargerThanThisServerTakesIsNamedAndTheReportIsNotClean(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        Path mbox = Files.writeString(dir.resolve("two.mbox"), "From a@example.net Mon Jan  1 00:00:00 2024\nSubject: small\n\nsmall\n\n"
                + "From a@example.net Mon Jan  1 00:00:01 2024\nSubject: large\n\n" + "x".repeat(2000) + "\n\n");
        Path config = Files.writeString(dir.resolve("small.conf"), "data.dir = " + data + "\nlimits.max-message-bytes = 1000\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--config", config.toString(), "import", "mbox", mbox.toString(), WebNode.ALICE, "--folder", "INBOX"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, text + err);
        assertTrue(text.contains("not copied, larger than this server takes: INBOX ") && text.contains("(2020 octets)"), text);
        assertTrue(text.contains("1 of 2 messages here (1 copied now)"), text);
    }

    @Test
    void badSourcesAndWordsGetOneLineAndAnExitCode(@TempDir Path dir) throws Exception {
        Path data = postiljon(dir.resolve("data"));
        Result wrong = cli(data, "import", "imap", "imap://127.0.0.1:" + dovecot.imapPort, "--user", "alice", WebNode.ALICE,
                "--password-file", passwordFile(dir, "not-her-password").toString());
        assertEquals(1, wrong.code());
        assertTrue(wrong.out().contains("cannot open the source") && wrong.out().contains("NOT CLEAN"), wrong.out());
        assertEquals(2, cli(data, "import", "imap", "http://127.0.0.1/", "--user", "a", WebNode.ALICE).code());
        assertEquals(2, cli(data, "import", "imap", "imap://127.0.0.1", WebNode.ALICE).code());
        Result missing = cli(data, "import", "maildir", dir.resolve("nothing").toString(), WebNode.ALICE);
        assertEquals(1, missing.code());
        assertTrue(missing.out().contains("not a directory"), missing.out());
        Result nobody = cli(data, "import", "mbox", shared.resolve("corpus-60-11.mbox").toString(), "nobody@example.test");
        assertEquals(1, nobody.code());
        // An mbox whose one "message" never ends within the limit is refused, not read into memory whole.
        Path garbage = dir.resolve("garbage.mbox");
        try (OutputStream o = Files.newOutputStream(garbage)) {
            o.write("From x Mon Jan  1 00:00:00 2024\n".getBytes(StandardCharsets.US_ASCII));
            byte[] line = ("x".repeat(1023) + "\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < (257 << 10); i++) o.write(line);
        }
        Result big = cli(data, "import", "mbox", garbage.toString(), WebNode.ALICE);
        assertEquals(1, big.code());
        assertTrue(big.out().contains("longer than 256 MiB"), big.out());
    }

    // ---- what IMAP clients see on both sides ----

    static void assertSameMailboxes(int port, String user, String password, Path data, String address, Map<String, String> folders) throws Exception {
        try (WebNode node = new WebNode(data); Store there = store(port, user, password); Store here = store(node.imapPort(), address, WebNode.PASSWORD)) {
            for (var f : folders.entrySet()) {
                List<String> theirs = view(there, f.getKey());
                assertTrue(theirs.size() >= 5, f.getKey() + " has mail to compare");
                assertEquals(theirs, view(here, f.getValue()), f.getKey() + " -> " + f.getValue());
            }
        }
    }

    static void assertSameMailboxes(Path a, Path b, String address, Map<String, String> folders) throws Exception {
        try (WebNode one = new WebNode(a); WebNode two = new WebNode(b);
             Store x = store(one.imapPort(), address, WebNode.PASSWORD); Store y = store(two.imapPort(), address, WebNode.PASSWORD)) {
            for (var f : folders.entrySet()) {
                List<String> first = view(x, f.getKey());
                assertTrue(first.size() >= 5, f.getKey() + " has mail to compare");
                assertEquals(first, view(y, f.getValue()), f.getKey());
            }
        }
    }

    static Store store(int port, String user, String password) throws Exception {
        Properties p = new Properties();
        p.put("mail.imap.connectiontimeout", "10000");
        p.put("mail.imap.timeout", "30000");
        Store s = Session.getInstance(p).getStore("imap");
        s.connect("127.0.0.1", port, user, password);
        return s;
    }

    /** Every message of a folder in UID order: UID, flags (without \Recent), arrival time, size and SHA-256 of the bytes. */
    static List<String> view(Store store, String folder) throws Exception {
        Folder f = store.getFolder(folder);
        f.open(Folder.READ_ONLY);
        try {
            List<String> out = new ArrayList<>();
            for (Message m : f.getMessages()) {
                Flags flags = m.getFlags();
                TreeSet<String> names = new TreeSet<>(Arrays.asList(flags.getUserFlags()));
                for (Flags.Flag s : flags.getSystemFlags()) if (s != Flags.Flag.RECENT) names.add(systemFlag(s));
                byte[] bytes;
                try (InputStream in = ((IMAPMessage) m).getMimeStream()) {
                    bytes = in.readAllBytes();
                }
                out.add(((jakarta.mail.UIDFolder) f).getUID(m) + " " + names + " " + m.getReceivedDate().toInstant() + " " + bytes.length + " " + sha256(bytes));
            }
            return out;
        } finally {
            f.close(false);
        }
    }

    private static String systemFlag(Flags.Flag f) {
        if (f == Flags.Flag.SEEN) return "\\Seen";
        if (f == Flags.Flag.ANSWERED) return "\\Answered";
        if (f == Flags.Flag.FLAGGED) return "\\Flagged";
        if (f == Flags.Flag.DELETED) return "\\Deleted";
        if (f == Flags.Flag.DRAFT) return "\\Draft";
        return f.toString();
    }

    private static String bytesOf(String viewLine) {
        return viewLine.substring(viewLine.lastIndexOf(' ') + 1);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
