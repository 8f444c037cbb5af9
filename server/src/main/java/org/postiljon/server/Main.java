package org.postiljon.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.QuotaLimits;

/** {@code postiljon [--data DIR] [--config FILE] [--json] COMMAND ...} */
public final class Main {

    static final String DEMO_DOMAIN = "example.test";
    static final String DEMO_ACCOUNT = "demo@example.test";
    static final Path DEFAULT_CONFIG = Path.of("/etc/postiljon/postiljon.conf");

    /** The demo's listeners: loopback only, unprivileged ports. */
    static final String[][] DEMO_PORTS = {
            {"listen.imap", "127.0.0.1:1143"}, {"listen.imaps", "127.0.0.1:1993"},
            {"listen.pop3", "127.0.0.1:1110"}, {"listen.pop3s", "127.0.0.1:1995"},
            {"listen.smtp", "127.0.0.1:1025"}, {"listen.submission", "127.0.0.1:1587"},
            {"listen.submissions", "127.0.0.1:1465"}, {"listen.lmtp", "127.0.0.1:1024"}, {"listen.managesieve", "127.0.0.1:14190"},
            {"listen.http", "127.0.0.1:8080"}, {"listen.https", "127.0.0.1:8443"}};

    private Main() { }

    public static void main(String[] args) {
        carriers();
        System.exit(run(args, System.out, System.err));
    }

    /**
     * More carrier threads than cores (decision 0009): SQLite's native calls pin the virtual thread
     * that makes them to its carrier, so with one carrier per core a few long reads would hold them
     * all and every other connection would wait; with more, the kernel time-slices them. Set before
     * the first virtual thread starts; an operator's -D wins.
     */
    static void carriers() {
        if (System.getProperty("jdk.virtualThreadScheduler.parallelism") == null) {
            int n = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
            System.setProperty("jdk.virtualThreadScheduler.parallelism", String.valueOf(n));
        }
    }

    static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> args = new ArrayList<>(List.of(argv));
        String data = null, config = null, logFormat = System.getenv("POSTILJON_LOG_FORMAT");
        boolean json = false;
        try {
            // The global options may stand before or after the command (postiljon serve --config FILE);
            // what is left must be the command's own words.
            for (int i = 0; i < args.size(); ) {
                String o = args.get(i);
                switch (o) {
                    case "--data" -> data = value(args, i);
                    case "--config" -> config = value(args, i);
                    case "--log-format" -> logFormat = value(args, i);
                    case "--json" -> {
                        json = true;
                        args.remove(i);
                    }
                    case "--help" -> {
                        out.print(Cli.USAGE);
                        return 0;
                    }
                    default -> i++;
                }
            }
            if (!args.isEmpty() && args.getFirst().startsWith("--")) throw new Cli.Usage("unknown option: " + args.getFirst());
            if (args.isEmpty() || args.getFirst().equals("help")) {
                out.print(Cli.USAGE);
                return args.isEmpty() ? 2 : 0;
            }
            String command = args.getFirst();
            boolean server = command.equals("demo") || command.equals("serve");
            System.setProperty("postiljon.log.level", server ? "INFO" : "WARN");
            // Read by logback.xml when the first logger is made, which is after this.
            if (logFormat != null && !logFormat.isEmpty()) {
                if (!logFormat.equals("json") && !logFormat.equals("text")) throw new Cli.Usage("--log-format is json or text, not " + logFormat);
                System.setProperty("postiljon.log.format", logFormat.toUpperCase(java.util.Locale.ROOT));
            }
            // java.util.logging (Lucene's) into the same log and format, not its own lines on stderr.
            org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
            org.slf4j.bridge.SLF4JBridgeHandler.install();
            if (command.equals("config")) {
                if (args.size() != 2 || !args.get(1).equals("reference")) throw new Cli.Usage("expected: config reference");
                out.print(Settings.reference());
                return 0;
            }
            Settings settings = settings(command, data, config);
            if (server && args.size() > 1) throw new Cli.Usage("'" + command + "' takes no argument " + args.get(1));
            if (command.equals("demo")) return demo(settings, out);
            if (command.equals("serve")) return serve(settings, out);
            if (command.equals("migrate-store")) return StoreMigration.command(settings, args.subList(1, args.size()), out);
            try (Node node = Node.open(settings)) {
                new Cli(node, out, json, System.in).run(args);
            }
            return 0;
        } catch (Cli.Usage e) {
            err.println("postiljon: " + e.getMessage());
            err.print(Cli.USAGE);
            return 2;
        } catch (MailboxException | Settings.ConfigError | Cli.Missing e) {
            err.println("postiljon: error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("postiljon: error: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("postiljon: internal error: " + e);
            return 1;
        }
    }

    /** The value after the option at {@code i}; both are taken out of {@code args}. */
    private static String value(List<String> args, int i) {
        String option = args.remove(i);
        if (i >= args.size() || args.get(i).startsWith("--")) throw new Cli.Usage(option + " needs a value");
        return args.remove(i);
    }

    private static Settings settings(String command, String data, String config) throws IOException {
        Settings s;
        if (config != null) {
            Path file = Path.of(config);
            if (!Files.isRegularFile(file)) throw new Settings.ConfigError("config file not found: " + file);
            s = Settings.load(file);
        } else if (!command.equals("demo") && Files.isRegularFile(DEFAULT_CONFIG)) {
            s = Settings.load(DEFAULT_CONFIG);
        } else {
            s = Settings.defaults();
        }
        if (command.equals("demo")) {
            s = s.with("hostname", "localhost");
            for (String[] p : DEMO_PORTS) s = s.with(p[0], p[1]);
            // The demo account administers the demo (the admin UI at /admin/), unless the operator named others.
            if (s.get("admin.accounts").isBlank()) s = s.with("admin.accounts", DEMO_ACCOUNT);
            if (data == null) data = "data";
        } else if (data == null && config == null && !Files.isRegularFile(DEFAULT_CONFIG)) {
            data = "data"; // the CLI next to a demo: same directory as 'postiljon demo'
        }
        if (data != null) s = s.with("data.dir", Path.of(data).toAbsolutePath().toString());
        return s;
    }

    private static int demo(Settings settings, PrintStream out) throws IOException {
        Node node = Node.open(settings);
        var dir = node.model().directory();
        DomainName domain = DomainName.of(DEMO_DOMAIN);
        if (!dir.isLocal(domain)) dir.addDomain(domain);
        EmailAddress demo = EmailAddress.parse(DEMO_ACCOUNT);
        String password = null;
        if (dir.find(demo).isEmpty()) {
            password = randomPassword();
            dir.addAccount(demo, password.toCharArray(), QuotaLimits.UNLIMITED);
        }
        node.start();
        out.println("Postiljon demo is running. Data: " + settings.get("data.dir"));
        out.println();
        out.println("  account   " + DEMO_ACCOUNT);
        if (password != null) {
            out.println("  password  " + password + "    (shown once; write it down)");
        } else {
            out.println("  password  (set on first start; to reset: ./postiljon account password " + DEMO_ACCOUNT + " --password-stdin)");
        }
        out.println();
        out.println(endpoints(node));
        if (node.selfSigned()) {
            out.println("WARNING: TLS uses a self-signed certificate (" + settings.get("data.dir") + "/tls/cert.pem).");
            out.println("         Mail clients will ask you to trust it; in production set tls.certificate and tls.key.");
        }
        out.println("Stop with Ctrl-C. Running it again keeps the mail and the account.");
        out.flush();
        return runUntilStopped(node);
    }

    static String endpoints(Node node) {
        StringBuilder b = new StringBuilder("Endpoints (configured):\n");
        String[][] rows = {
                {"listen.imaps", "IMAP, TLS"}, {"listen.imap", "IMAP, STARTTLS"}, {"listen.pop3s", "POP3, TLS"},
                {"listen.pop3", "POP3, STLS"}, {"listen.submissions", "SMTP submission, TLS"},
                {"listen.submission", "SMTP submission, STARTTLS"}, {"listen.smtp", "SMTP inbound (MX)"},
                {"listen.lmtp", "LMTP"}, {"listen.managesieve", "ManageSieve, STARTTLS"}, {"listen.http", "Webmail / JMAP"}, {"listen.https", "Webmail / JMAP, TLS"},
                {"listen.metrics", "Metrics, health"}};
        for (String[] r : rows) {
            String where = node.settings().get(r[0]);
            boolean live = node.listeners().stream().anyMatch(l -> l.unixPath().isEmpty() && where.endsWith(":" + l.address().getPort()))
                    || node.webPorts().stream().anyMatch(port -> where.endsWith(":" + port))
                    || node.metricsAddress().filter(a -> where.endsWith(":" + a.getPort())).isPresent();
            b.append(String.format("  %-28s %-18s %s%n", r[1], where, live ? "listening" : "not yet built (arrives with its protocol module)"));
        }
        if (!node.listeners().isEmpty()) {
            b.append("Mail client: server localhost, user ").append(DEMO_ACCOUNT).append(", normal password, SSL/TLS.\n");
            if (!node.webPorts().isEmpty()) {
                b.append("Webmail: http://localhost:").append(node.webPorts().getFirst()).append("/ (same user and password)\n");
                b.append("Admin:   http://localhost:").append(node.webPorts().getFirst()).append("/admin/ (the demo account administers the demo)\n");
            }
        }
        return b.toString();
    }

    private static int serve(Settings settings, PrintStream out) throws IOException {
        Node node = Node.open(settings);
        node.start();
        out.println("Postiljon is running as " + node.hostname() + ". Data: " + settings.get("data.dir"));
        out.println(endpoints(node));
        out.flush();
        return runUntilStopped(node);
    }

    /** Blocks until SIGTERM or Ctrl-C, then shuts down gracefully. */
    private static int runUntilStopped(Node node) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Main.class).error("shutdown did not finish cleanly", e);
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String randomPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) b.append('-');
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }
}
