package org.postiljon.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.transfer.Exporter;
import org.postiljon.transfer.ImapSource;
import org.postiljon.transfer.Importer;
import org.postiljon.transfer.MaildirSource;
import org.postiljon.transfer.MboxSource;
import org.postiljon.transfer.Pop3Source;
import org.postiljon.transfer.Source;

/**
 * {@code postiljon import imap|pop3|maildir|mbox ...} and {@code postiljon export maildir|mbox ...}
 * (docs/migration.md): the commands around the transfer module. An import prints a line per folder
 * as it goes and a verdict per account; it exits 1 unless every account's report is clean.
 */
final class TransferCommands {

    static final String USAGE = """
              import imap|pop3 URL --user USER ADDRESS [--password-stdin | --password-file F] [--admin ADMIN]
                                                   copy a mailbox from another server (imaps://host, pop3s://host ...)
              import imap|pop3 URL --csv FILE [--parallel N] [--admin ADMIN --password-file F]
                                                   many: lines of source-user,password,address (no password with --admin)
                  [--insecure-tls]                 accept the source's certificate unchecked
              import maildir|mbox PATH ADDRESS [--folder NAME]
                                                   a Maildir (Dovecot, Courier) or mbox file or directory; run again to catch up
                  [--verify-content]               every import: fetch everything again and compare the bytes
                  [--keep-flags-here]              do not take the source's flags for messages already here
                  [--repeat MINUTES [--passes N]]  live migration: a pass every MINUTES until stopped (or N passes)
              export maildir|mbox ADDRESS DIR      the account's own folders as a Maildir or as mbox files
            """;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Accounts copied at once from one server with --csv: polite to it, and enough to keep this one busy. */
    static final int DEFAULT_PARALLEL = 2;
    static final int MAX_PARALLEL = 16;

    private final MailboxModel model;
    private final PrintStream out;
    private final boolean json;
    private final BufferedReader stdin;

    TransferCommands(MailboxModel model, PrintStream out, boolean json, BufferedReader stdin) {
        this.model = model;
        this.out = out;
        this.json = json;
        this.stdin = stdin;
    }

    /** A source for one account, opened when its turn comes (a connection per account at a time). */
    @FunctionalInterface
    private interface Opener {
        Source open() throws IOException;
    }

    private record Job(Account account, Opener source) { }

    void importMail(String kind, List<String> rest) throws IOException {
        boolean verify = rest.remove("--verify-content");
        boolean insecure = rest.remove("--insecure-tls");
        boolean keepFlags = rest.remove("--keep-flags-here");
        String repeatText = Cli.option(rest, "--repeat"), passesText = Cli.option(rest, "--passes");
        if (passesText != null && repeatText == null) throw new Cli.Usage("--passes goes with --repeat MINUTES");
        int every = repeatText == null ? 0 : Cli.number(repeatText, "--repeat", 0, 24 * 60);
        int passes = repeatText == null ? 1 : passesText == null ? Integer.MAX_VALUE : Cli.number(passesText, "--passes", 1, 1_000_000);
        List<Job> jobs = new ArrayList<>();
        int parallel = 1;
        switch (kind) {
            case "imap", "pop3" -> {
                String user = Cli.option(rest, "--user"), csv = Cli.option(rest, "--csv"), admin = Cli.option(rest, "--admin");
                String passwordFile = Cli.option(rest, "--password-file"), parallelText = Cli.option(rest, "--parallel");
                boolean passwordStdin = rest.remove("--password-stdin");
                if (admin != null && kind.equals("pop3")) throw new Cli.Usage("--admin is for IMAP (SASL PLAIN with an authorization id)");
                if ((user == null) == (csv == null)) throw new Cli.Usage("give --user USER ADDRESS or --csv FILE");
                if (rest.isEmpty() || rest.getFirst().startsWith("--")) throw new Cli.Usage("expected the source's URL");
                URI url = url(rest.removeFirst(), kind);
                char[] shared = passwordFile != null || passwordStdin || admin != null ? secret(passwordFile, passwordStdin) : null;
                if (user != null) {
                    Account account = account(Cli.one(rest, "ADDRESS"));
                    char[] password = shared != null ? shared : secret(null, false);
                    jobs.add(new Job(account, () -> open(kind, url, user, password, admin, insecure)));
                } else {
                    Cli.none(rest);
                    for (String[] row : csv(Path.of(csv))) {
                        char[] password = admin != null ? shared : row[1].toCharArray();
                        jobs.add(new Job(account(row[2]), () -> open(kind, url, row[0], password, admin, insecure)));
                    }
                    parallel = parallelText == null ? DEFAULT_PARALLEL : Cli.number(parallelText, "--parallel", 1, MAX_PARALLEL);
                }
            }
            case "maildir", "mbox" -> {
                String folder = Cli.option(rest, "--folder");
                if (rest.size() != 2 || rest.getFirst().startsWith("--")) throw new Cli.Usage("expected PATH and ADDRESS");
                Path path = Path.of(rest.getFirst());
                Account account = account(rest.get(1));
                if (folder != null && kind.equals("maildir")) throw new Cli.Usage("--folder is for a single mbox file");
                jobs.add(new Job(account, () -> kind.equals("maildir") ? new MaildirSource(path) : new MboxSource(path, folder)));
            }
            default -> throw new Cli.Usage("import what? imap, pop3, maildir or mbox");
        }
        for (int pass = 1; ; pass++) {
            if (passes > 1 && !json) out.println("pass " + pass + (passes == Integer.MAX_VALUE ? "" : " of " + passes) + " at " + java.time.Instant.now());
            boolean last = pass >= passes;
            try {
                run(jobs, parallel, verify, keepFlags);
            } catch (IOException e) {
                if (last) throw e;
                out.println("pass " + pass + ": " + e.getMessage()); // the next pass goes on where this one stopped
            }
            if (last) return;
            try {
                Thread.sleep(java.time.Duration.ofMinutes(every));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run(List<Job> jobs, int parallel, boolean verify, boolean keepFlags) throws IOException {
        List<Importer.Report> reports = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(parallel, Thread.ofVirtual().factory())) {
            List<Future<Importer.Report>> running = new ArrayList<>();
            for (Job job : jobs) {
                String who = job.account().address().toString();
                Importer importer = new Importer(model.mailboxes(), model.messages(), verify, keepFlags, line -> {
                    if (!json) out.println(who + ": " + line);
                });
                running.add(pool.submit(() -> {
                    try (Source source = job.source().open()) {
                        Importer.Report r = importer.run(source, job.account());
                        if (!json) out.println(verdict(r));
                        return r;
                    } catch (IOException | RuntimeException e) {
                        Importer.Report failed = new Importer.Report("(not opened)", who, List.of(), 0, List.of("cannot open the source: " + e.getMessage()),
                                java.time.Duration.ZERO);
                        if (!json) out.println(verdict(failed));
                        return failed;
                    }
                }));
            }
            for (Future<Importer.Report> f : running) reports.add(f.get());
        } catch (java.util.concurrent.ExecutionException | InterruptedException e) {
            throw new IOException("import stopped: " + e.getMessage(), e);
        }
        if (json) {
            ArrayNode a = JSON.createArrayNode();
            for (Importer.Report r : reports) a.add(json(r));
            out.println(JSON.writeValueAsString(a));
        }
        long unclean = reports.stream().filter(r -> !r.clean()).count();
        if (unclean > 0) throw new IOException(unclean + " of " + reports.size() + " imports not clean (see above); run again to go on");
    }

    static String verdict(Importer.Report r) {
        StringBuilder b = new StringBuilder(r.account()).append(" from ").append(r.source()).append(": ");
        int here = r.folders().stream().mapToInt(f -> f.sourceMessages() - f.missing()).sum();
        b.append(here).append(" of ").append(r.sourceMessages()).append(" messages here (").append(r.copied()).append(" copied now) in ")
                .append(r.folders().size()).append(" folders, ").append(r.subscriptions()).append(r.subscriptions() == 1 ? " subscription" : " subscriptions").append(" added, ")
                .append(String.format("%.1f s: ", r.took().toMillis() / 1000.0)).append(r.clean() ? "clean" : "NOT CLEAN");
        for (String p : r.problems()) b.append("\n  ").append(p);
        return b.toString();
    }

    private static ObjectNode json(Importer.Report r) {
        ObjectNode n = JSON.createObjectNode().put("account", r.account()).put("source", r.source()).put("clean", r.clean())
                .put("copied", r.copied()).put("sourceMessages", r.sourceMessages()).put("subscriptionsAdded", r.subscriptions())
                .put("seconds", r.took().toMillis() / 1000.0);
        ArrayNode folders = n.putArray("folders");
        for (Importer.FolderReport f : r.folders()) {
            ObjectNode o = folders.addObject().put("source", f.source()).put("target", f.target().toString())
                    .put("sourceMessages", f.sourceMessages()).put("alreadyHere", f.alreadyHere()).put("copied", f.copied())
                    .put("flagsChanged", f.flagsChanged()).put("missing", f.missing()).put("onlyHere", f.extra())
                    .put("differ", f.mismatched()).put("clean", f.clean());
            f.problems().forEach(o.putArray("problems")::add);
        }
        r.problems().forEach(n.putArray("problems")::add);
        return n;
    }

    void export(String kind, List<String> rest) throws IOException {
        if (rest.size() != 2 || rest.getFirst().startsWith("--")) throw new Cli.Usage("expected ADDRESS and DIR");
        Account account = account(rest.getFirst());
        Path dir = Path.of(rest.get(1));
        Exporter exporter = new Exporter(model.mailboxes(), model.messages());
        Exporter.Summary s = switch (kind) {
            case "maildir" -> exporter.maildir(account, dir);
            case "mbox" -> exporter.mbox(account, dir);
            default -> throw new Cli.Usage("export as what? maildir or mbox");
        };
        if (json) {
            ObjectNode n = JSON.createObjectNode().put("ok", true).put("folders", s.folders()).put("messages", s.messages()).put("bytes", s.bytes());
            s.warnings().forEach(n.putArray("warnings")::add);
            out.println(JSON.writeValueAsString(n));
        } else {
            out.println("exported " + s.messages() + " messages (" + s.bytes() + " octets) in " + s.folders() + " folders of " + account.address() + " to " + dir);
            s.warnings().forEach(w -> out.println("warning: " + w));
        }
    }

    private Account account(String address) {
        EmailAddress a = EmailAddress.parse(address);
        return model.directory().find(a).orElseThrow(() -> new MailboxException.NoSuchAccount(a.toString()));
    }

    private static URI url(String text, String kind) {
        URI u;
        try {
            u = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new Cli.Usage("not a URL: " + text);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals(kind) && !scheme.equals(kind + "s")) throw new Cli.Usage("expected " + kind + "://HOST[:PORT] or " + kind + "s://HOST[:PORT], not " + text);
        if (u.getHost() == null) throw new Cli.Usage("no host in " + text);
        return u;
    }

    private static Source open(String kind, URI url, String user, char[] password, String admin, boolean insecure) throws IOException {
        return kind.equals("imap") ? new ImapSource(url, user, password, admin, insecure) : new Pop3Source(url, user, password, insecure);
    }

    /** The password from a file's first line or from standard input's. */
    private char[] secret(String file, boolean fromStdin) throws IOException {
        if (file != null && fromStdin) throw new Cli.Usage("give --password-file or --password-stdin, not both");
        String line;
        if (file != null) {
            List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            line = lines.isEmpty() ? null : lines.getFirst();
        } else if (fromStdin) {
            line = stdin.readLine();
        } else {
            throw new Cli.Usage("the source's password is needed: --password-stdin or --password-file F");
        }
        if (line == null || line.isEmpty()) throw new Cli.Usage("no password given");
        return line.toCharArray();
    }

    /**
     * Rows of source-user,password,address; the password is what lies between the first comma and
     * the last, so it may hold commas. Empty lines and lines starting with # are skipped.
     */
    static List<String[]> csv(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (line.isBlank() || line.startsWith("#")) continue;
            int first = line.indexOf(','), last = line.lastIndexOf(',');
            if (first < 0 || first == last) throw new Cli.Usage(file + " line " + n + ": expected source-user,password,address");
            rows.add(new String[] {line.substring(0, first).strip(), line.substring(first + 1, last), line.substring(last + 1).strip()});
        }
        if (rows.isEmpty()) throw new Cli.Usage(file + " lists no account");
        return rows;
    }
}
