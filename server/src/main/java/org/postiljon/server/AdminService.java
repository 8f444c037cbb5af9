package org.postiljon.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.net.Listener;
import org.postiljon.web.AdminApi;
import org.postiljon.web.ClientSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin REST API ({@code /admin/api/v1}, issue #21). Every route that changes or lists
 * something runs the CLI's command of the same name with {@code --json} (one implementation behind
 * both: what {@code postiljon account add} checks, the API checks); passwords and scripts reach it as
 * the CLI's standard input, never as words. A few routes only the running server can answer
 * (dashboard, sessions, logs, the DNS records to publish) are written here. The OpenAPI description
 * is made from the same route table, so it cannot drift from what is served. Every change is logged
 * ("admin change": who, method, path, status; never a body).
 */
final class AdminService implements AdminApi {

    private static final Logger log = LoggerFactory.getLogger(AdminService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Node node;
    private final Deliveries deliveries;
    private final ClientSetup clients;
    private final Instant started = Instant.now();
    /** Deliveries counted every few seconds: the last minute's figure is the newest minus the one a minute before. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private final List<Route> routes;

    AdminService(Node node, Deliveries deliveries, ClientSetup clients) {
        this.node = node;
        this.deliveries = deliveries;
        this.clients = clients;
        this.routes = routes();
        sample();
    }

    // ---- the route table ----

    /** A request's parts: path parameters, query and body. */
    private record Args(Map<String, String> path, Map<String, String> query, JsonNode body) {
        String p(String name) {
            return path.get(name);
        }

        /** A body field as text; null when absent (numbers are given as their text). */
        String opt(String name) {
            JsonNode v = body == null ? null : body.get(name);
            return v == null || v.isNull() ? null : v.asText();
        }

        String req(String name) {
            String v = opt(name);
            if (v == null || v.isEmpty()) throw new Cli.Usage(name + " is required");
            return v;
        }
    }

    @FunctionalInterface
    private interface Action {
        Reply run(Args a) throws IOException;
    }

    /** A field of a request for the OpenAPI description: in the query or the JSON body. */
    private record Field(String name, boolean query, String type, boolean required, String description) { }

    private record Route(String method, String path, String tag, String summary, List<Field> fields, Action action) {
        /** The path parameters' values when {@code actual} matches the template, else null. */
        Map<String, String> match(String actual) {
            String[] t = path.substring(1).split("/", -1), a = actual.substring(1).split("/", -1);
            if (t.length != a.length) return null;
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < t.length; i++) {
                if (t[i].startsWith("{")) {
                    if (a[i].isEmpty()) return null;
                    // Decoded per segment: an encoded "/" stays inside its segment; "+" is itself in a path (RFC 3986).
                    try {
                        params.put(t[i].substring(1, t[i].length() - 1), java.net.URLDecoder.decode(a[i].replace("+", "%2B"), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        return null; // a broken %-escape names nothing
                    }
                } else if (!t[i].equals(a[i])) {
                    return null;
                }
            }
            return params;
        }
    }

    private static Field q(String name, String description) {
        return new Field(name, true, "string", description.contains("(required)"), description);
    }

    private static Field body(String name, String type, boolean required, String description) {
        return new Field(name, false, type, required, description);
    }

    /** A route that runs a CLI command: its words from the request, no standard input. */
    private Action cli(java.util.function.Function<Args, List<String>> words) {
        return a -> runCli(words.apply(a), null);
    }

    /** A route that runs a CLI command with a secret or a script on its standard input. */
    private Action cli(java.util.function.Function<Args, List<String>> words, java.util.function.Function<Args, String> stdin) {
        return a -> runCli(words.apply(a), stdin.apply(a));
    }

    /** {@code base} and then {@code name value} for each option that was given. */
    private static List<String> with(List<String> base, String... optionValue) {
        List<String> w = new ArrayList<>(base);
        for (int i = 0; i < optionValue.length; i += 2) {
            if (optionValue[i + 1] != null) {
                w.add(optionValue[i]);
                w.add(optionValue[i + 1]);
            }
        }
        return w;
    }

    /** {@code base}, and {@code value} as a last word when given. */
    private static List<String> maybe(List<String> base, String value) {
        List<String> w = new ArrayList<>(base);
        if (value != null) w.add(value);
        return w;
    }

    private List<Route> routes() {
        List<Route> r = new ArrayList<>();
        String d = "Domains", ac = "Accounts", tm = "Teams", al = "Aliases", qu = "Queue", sv = "Server";
        // Server
        r.add(new Route("GET", "/dashboard", sv, "Accounts, storage, queue, deliveries per minute and problems logged", List.of(), a -> ok(dashboard())));
        r.add(new Route("GET", "/sessions", sv, "Connections open now on this node (protocol, address, user, age)",
                List.of(q("limit", "at most this many (default 500)")), a -> ok(sessions(a.query()))));
        r.add(new Route("GET", "/logs", sv, "This node's last log lines, newest first",
                List.of(q("level", "INFO (default), WARN or ERROR"), q("limit", "at most this many (default 200, at most 2000)")), a -> ok(logs(a.query()))));
        r.add(new Route("GET", "/index", sv, "Message contents waiting for the full-text index", List.of(), cli(a -> List.of("index", "status"))));
        r.add(new Route("POST", "/index/rebuild", sv, "Index every message again", List.of(), cli(a -> List.of("index", "rebuild"))));
        r.add(new Route("POST", "/quota/repair", sv, "Recount quota usage from the messages and report drift",
                List.of(body("address", "string", false, "one account; all when absent")), cli(a -> maybe(List.of("quota", "repair"), a.opt("address")))));
        r.add(new Route("GET", "/retention/preview", sv, "What the next retention run would remove",
                List.of(q("address", "one account")), cli(a -> maybe(List.of("retention", "preview"), a.query().get("address")))));
        r.add(new Route("POST", "/retention/run", sv, "Remove expired messages now", List.of(), cli(a -> List.of("retention", "run"))));
        // Domains
        r.add(new Route("GET", "/domains", d, "Local domains", List.of(), cli(a -> List.of("domain", "list"))));
        r.add(new Route("POST", "/domains", d, "Add a local domain", List.of(body("name", "string", true, "e.g. example.org")),
                cli(a -> List.of("domain", "add", a.req("name")))));
        r.add(new Route("DELETE", "/domains/{domain}", d, "Remove a local domain (it must have no accounts)", List.of(),
                cli(a -> List.of("domain", "remove", a.p("domain")))));
        r.add(new Route("GET", "/domains/{domain}/settings", d, "The domain's defaults for its accounts", List.of(),
                cli(a -> List.of("domain", "settings", a.p("domain")))));
        r.add(new Route("PUT", "/domains/{domain}/settings/{key}", d, "Set a default for the domain's accounts (e.g. quota.storage-mb)",
                List.of(body("value", "string", true, "the new value")), cli(a -> List.of("domain", "set", a.p("domain"), a.p("key"), a.req("value")))));
        r.add(new Route("GET", "/domains/{domain}/dns", d, "The DNS records to publish for the domain (MX, SPF, DKIM, DMARC, autoconfig, SRV)",
                List.of(), a -> dns(a.p("domain"))));
        r.add(new Route("GET", "/domains/{domain}/dkim", d, "The domain's DKIM keys and their DNS records", List.of(),
                cli(a -> List.of("dkim", "list", a.p("domain")))));
        r.add(new Route("POST", "/domains/{domain}/dkim", d, "A new DKIM key that signs the domain's mail from now on",
                List.of(body("selector", "string", false, "default: pj and the year and month"), body("algorithm", "string", false, "rsa (default) or ed25519")),
                cli(a -> with(List.of("dkim", "add", a.p("domain")), "--selector", a.opt("selector"), "--algorithm", a.opt("algorithm")))));
        r.add(new Route("POST", "/domains/{domain}/dkim/{selector}/use", d, "Sign with this (older) key again", List.of(),
                cli(a -> List.of("dkim", "use", a.p("domain"), a.p("selector")))));
        r.add(new Route("DELETE", "/domains/{domain}/dkim/{selector}", d, "Remove a key no longer published", List.of(),
                cli(a -> List.of("dkim", "remove", a.p("domain"), a.p("selector")))));
        // Accounts
        r.add(new Route("GET", "/accounts", ac, "Accounts", List.of(q("domain", "only this domain's")),
                cli(a -> maybe(List.of("account", "list"), a.query().get("domain")))));
        r.add(new Route("POST", "/accounts", ac, "Add an account",
                List.of(body("address", "string", true, "user@domain"), body("password", "string", true, "its password"),
                        body("quotaMb", "integer", false, "storage quota in MB; default: the domain's")),
                cli(a -> with(List.of("account", "add", a.req("address"), "--password-stdin"), "--quota-mb", a.opt("quotaMb")), a -> a.req("password"))));
        r.add(new Route("DELETE", "/accounts/{address}", ac, "Remove an account and its mail", List.of(),
                cli(a -> List.of("account", "remove", a.p("address")))));
        r.add(new Route("PUT", "/accounts/{address}/password", ac, "Set the account's password", List.of(body("password", "string", true, "the new password")),
                cli(a -> List.of("account", "password", a.p("address"), "--password-stdin"), a -> a.req("password"))));
        r.add(new Route("DELETE", "/accounts/{address}/two-step", ac, "Turn off the account's two-step sign-in (a lost phone)", List.of(),
                cli(a -> List.of("account", "two-step-off", a.p("address")))));
        r.add(new Route("GET", "/accounts/{address}/quota", ac, "Limits in force and usage", List.of(), cli(a -> List.of("quota", "show", a.p("address")))));
        r.add(new Route("PUT", "/accounts/{address}/quota", ac, "Set the account's quota",
                List.of(body("storageMb", "string", true, "MB, or unlimited"), body("messages", "string", false, "a number, or unlimited (default)")),
                cli(a -> with(List.of("account", "quota", a.p("address"), a.req("storageMb")), "--messages", a.opt("messages")))));
        r.add(new Route("GET", "/accounts/{address}/settings", ac, "The account's preferences", List.of(),
                cli(a -> List.of("account", "settings", a.p("address")))));
        r.add(new Route("PUT", "/accounts/{address}/settings/{key}", ac, "Set a preference (e.g. pop3.delete)", List.of(body("value", "string", true, "the new value")),
                cli(a -> List.of("account", "set", a.p("address"), a.p("key"), a.req("value")))));
        r.add(new Route("GET", "/accounts/{address}/acl", ac, "A folder's access list", List.of(q("folder", "the folder (required), e.g. INBOX")),
                cli(a -> List.of("acl", "get", a.p("address"), required(a.query(), "folder")))));
        r.add(new Route("PUT", "/accounts/{address}/acl", ac, "Grant rights on a folder (RFC 4314 letters; empty removes)",
                List.of(body("folder", "string", true, "the folder"), body("identifier", "string", true, "an address or anyone"),
                        body("rights", "string", true, "e.g. lrs; empty removes")),
                cli(a -> List.of("acl", "set", a.p("address"), a.req("folder"), a.req("identifier"), a.opt("rights") == null ? "" : a.opt("rights")))));
        r.add(new Route("PUT", "/accounts/{address}/retention", ac, "How many days a folder keeps messages",
                List.of(body("folder", "string", true, "the folder"), body("days", "string", true, "a number of days, never or default")),
                cli(a -> List.of("retention", "set", a.p("address"), a.req("folder"), a.req("days")))));
        r.add(new Route("GET", "/accounts/{address}/sieve", ac, "The account's Sieve scripts", List.of(), cli(a -> List.of("sieve", "list", a.p("address")))));
        r.add(new Route("GET", "/accounts/{address}/sieve/{name}", ac, "One Sieve script", List.of(),
                cli(a -> List.of("sieve", "get", a.p("address"), a.p("name")))));
        r.add(new Route("PUT", "/accounts/{address}/sieve/{name}", ac, "Check a Sieve script and keep it", List.of(body("content", "string", true, "the script")),
                cli(a -> List.of("sieve", "put", a.p("address"), a.p("name"), "-"), a -> a.req("content"))));
        r.add(new Route("PUT", "/accounts/{address}/sieve-active", ac, "Which script runs at delivery",
                List.of(body("name", "string", false, "a script; none when absent")), cli(a -> maybe(List.of("sieve", "activate", a.p("address")), a.opt("name")))));
        r.add(new Route("DELETE", "/accounts/{address}/sieve/{name}", ac, "Delete a script that is not active", List.of(),
                cli(a -> List.of("sieve", "remove", a.p("address"), a.p("name")))));
        r.add(new Route("GET", "/accounts/{address}/app-passwords", ac, "The account's app passwords and API tokens (never their secrets)", List.of(),
                cli(a -> List.of("app-password", "list", a.p("address")))));
        r.add(new Route("POST", "/accounts/{address}/app-passwords", ac, "A new app password; scope admin makes an API token (its secret is answered once)",
                List.of(body("name", "string", true, "what it is for"), body("scopes", "array", true, "imap, pop3, smtp, sieve, jmap, admin")),
                cli(a -> {
                    List<String> w = new ArrayList<>(List.of("app-password", "add", a.p("address"), a.req("name")));
                    if (!a.body().path("scopes").isArray()) throw new Cli.Usage("scopes is a list, e.g. [\"imap\"]");
                    a.body().get("scopes").forEach(s -> w.add(s.asText()));
                    return w;
                })));
        r.add(new Route("DELETE", "/accounts/{address}/app-passwords/{id}", ac, "Revoke an app password", List.of(),
                cli(a -> List.of("app-password", "remove", a.p("address"), a.p("id")))));
        // Teams
        r.add(new Route("GET", "/teams", tm, "Team mailboxes and their members", List.of(q("domain", "only this domain's")),
                cli(a -> maybe(List.of("team", "list"), a.query().get("domain")))));
        r.add(new Route("POST", "/teams", tm, "Add a team mailbox", List.of(body("address", "string", true, "team@domain"), body("quotaMb", "integer", false, "MB")),
                cli(a -> with(List.of("team", "add", a.req("address")), "--quota-mb", a.opt("quotaMb")))));
        r.add(new Route("PUT", "/teams/{team}/members/{user}", tm, "Make a user a member (or change their rights)",
                List.of(body("rights", "string", false, "RFC 4314 letters; default lrswipkxte")),
                cli(a -> maybe(List.of("team", "member", "add", a.p("team"), a.p("user")), a.opt("rights")))));
        r.add(new Route("DELETE", "/teams/{team}/members/{user}", tm, "Remove a member", List.of(),
                cli(a -> List.of("team", "member", "remove", a.p("team"), a.p("user")))));
        // Aliases
        r.add(new Route("GET", "/aliases", al, "Aliases", List.of(q("domain", "only this domain's")), cli(a -> maybe(List.of("alias", "list"), a.query().get("domain")))));
        r.add(new Route("POST", "/aliases", al, "Add an alias", List.of(body("source", "string", true, "an address or @domain (catch-all)"),
                body("target", "string", true, "where its mail goes")), cli(a -> List.of("alias", "add", a.req("source"), a.req("target")))));
        r.add(new Route("DELETE", "/aliases", al, "Remove an alias", List.of(q("source", "the alias (required)"), q("target", "its target (required)")),
                cli(a -> List.of("alias", "remove", required(a.query(), "source"), required(a.query(), "target")))));
        // Queue
        r.add(new Route("GET", "/queue", qu, "Mail waiting for other servers", List.of(), cli(a -> List.of("queue", "list"))));
        r.add(new Route("POST", "/queue/{id}/retry", qu, "Try a queued message again now", List.of(), cli(a -> List.of("queue", "retry", a.p("id")))));
        r.add(new Route("POST", "/queue/{id}/bounce", qu, "Give up on a queued message: its sender gets a failure notice", List.of(),
                cli(a -> List.of("queue", "bounce", a.p("id")))));
        r.add(new Route("DELETE", "/queue/{id}", qu, "Drop a queued message (not returned to the sender)", List.of(), cli(a -> List.of("queue", "delete", a.p("id")))));
        return List.copyOf(r);
    }

    private static String required(Map<String, String> query, String name) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) throw new Cli.Usage(name + " is required");
        return v;
    }

    // ---- serving ----

    @Override
    public boolean admits(Account account) {
        return node.model().quotas().isAdmin(account);
    }

    @Override
    public Optional<String> token(String user, char[] secret) {
        try {
            Optional<Account> a = node.model().directory().find(EmailAddress.parse(user)).filter(this::admits);
            return a.flatMap(acc -> node.model().appPasswords().check(acc, secret, AppPasswords.Scope.ADMIN)
                    .map(p -> acc.address() + " (token " + p.id() + " " + p.name() + ")"));
        } catch (MailboxException e) {
            return Optional.empty();
        }
    }

    @Override
    public Reply handle(String method, String path, Map<String, String> query, JsonNode body, String actor) {
        boolean pathKnown = false;
        for (Route r : routes) {
            Map<String, String> params = r.match(path);
            if (params == null) continue;
            pathKnown = true;
            if (!r.method().equals(method)) continue;
            Reply reply;
            try {
                reply = r.action().run(new Args(params, query, body != null && body.isObject() ? body : null));
                if (reply.status() == 200 && creates(r)) reply = new Reply(201, reply.body());
            } catch (Cli.Usage e) {
                reply = problem(400, e.getMessage());
            } catch (IOException | UncheckedIOException e) {
                log.error("admin {} {} failed", method, path, e);
                reply = problem(500, "internal error");
            }
            if (!method.equals("GET")) {
                log.atInfo().addKeyValue("actor", actor).addKeyValue("method", method).addKeyValue("path", path).addKeyValue("status", reply.status())
                        .log("admin change");
            }
            return reply;
        }
        return pathKnown ? problem(405, method + " is not allowed on " + path) : problem(404, "no such admin resource: " + path);
    }

    /** Runs one CLI command as {@code postiljon --json WORDS < stdin} and answers its JSON. */
    private Reply runCli(List<String> words, String stdin) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InputStream in = stdin == null ? InputStream.nullInputStream() : new ByteArrayInputStream((stdin + "\n").getBytes(StandardCharsets.UTF_8));
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            new Cli(node, out, true, in).run(new ArrayList<>(words));
        } catch (Cli.Missing e) {
            return problem(404, e.getMessage());
        } catch (MailboxException e) {
            return problem(status(e), e.getMessage());
        }
        String text = buf.toString(StandardCharsets.UTF_8).strip();
        return ok(text.isEmpty() ? JSON.createObjectNode().put("ok", true) : JSON.readTree(text));
    }

    /** What each refusal of the store is in HTTP. */
    private static int status(MailboxException e) {
        return switch (e) {
            case MailboxException.NoSuchAccount x -> 404;
            case MailboxException.NoSuchDomain x -> 404;
            case MailboxException.NoSuchAlias x -> 404;
            case MailboxException.NoSuchMailbox x -> 404;
            case MailboxException.AccountExists x -> 409;
            case MailboxException.DomainExists x -> 409;
            case MailboxException.AliasExists x -> 409;
            case MailboxException.MailboxExists x -> 409;
            case MailboxException.InvalidName x -> 400;
            case MailboxException.NoRights x -> 403;
            case MailboxException.Unavailable x -> 503;
            case MailboxException.Damaged x -> 500;
            default -> 409; // NotAllowed, TooBig, OverQuota, LimitReached: the request is fine, the state forbids it
        };
    }

    private static Reply ok(JsonNode body) {
        return new Reply(200, body);
    }

    private static Reply problem(int status, String detail) {
        return new Reply(status, JSON.createObjectNode().put("type", "about:blank").put("detail", detail));
    }

    // ---- what only the running server knows ----

    /** Counts deliveries (every few seconds, and at each dashboard view); a minute and a bit of samples kept. */
    void sample() {
        long now = System.currentTimeMillis();
        synchronized (samples) {
            samples.addLast(new long[] {now, deliveries.delivered()});
            while (samples.size() > 2 && samples.peekFirst()[0] < now - 75_000) samples.removeFirst();
        }
    }

    /** Deliveries in the last minute (or over the span sampled so far, scaled to a minute). */
    private double deliveriesPerMinute() {
        sample();
        synchronized (samples) {
            long[] last = samples.peekLast(), first = samples.peekFirst();
            for (long[] s : samples) {
                if (s[0] <= last[0] - 60_000) first = s; // the newest sample a minute old or older
            }
            long ms = last[0] - first[0];
            return ms < 5_000 ? 0 : (last[1] - first[1]) * 60_000.0 / ms;
        }
    }

    private JsonNode dashboard() {
        var totals = node.model().quotas().totals();
        var queue = node.model().queue().summary();
        ObjectNode n = JSON.createObjectNode();
        n.put("hostname", node.hostname());
        n.put("uptimeSeconds", Duration.between(started, Instant.now()).toSeconds());
        n.put("domains", node.model().directory().domains().size());
        n.put("accounts", totals.accounts());
        n.put("storageBytes", totals.usage().bytes());
        n.put("messages", totals.usage().messages());
        n.put("queueMessages", queue.messages());
        if (queue.oldest().isPresent()) n.put("queueOldestAgeSeconds", Duration.between(queue.oldest().get(), Instant.now()).toSeconds());
        else n.putNull("queueOldestAgeSeconds");
        n.put("deliveriesPerMinute", Math.round(deliveriesPerMinute() * 10) / 10.0);
        n.put("deliveriesSinceStart", deliveries.delivered());
        n.put("problemsLastHour", RecentLog.problemsSince(Instant.now().minus(Duration.ofHours(1))));
        n.put("indexBacklog", node.model().indexer().pending(100_000));
        ObjectNode conns = n.putObject("connections");
        for (Listener l : node.listeners()) conns.put(l.name(), conns.path(l.name()).asInt() + l.openConnections());
        return n;
    }

    private JsonNode sessions(Map<String, String> query) {
        int limit = number(query.get("limit"), 500, 10_000);
        ArrayNode a = JSON.createArrayNode();
        for (Listener l : node.listeners()) {
            for (Listener.Session s : l.sessions(limit - a.size())) {
                a.addObject().put("id", s.id()).put("protocol", s.listener()).put("ip", s.ip()).put("user", s.user()).put("tls", s.tls())
                        .put("commands", s.commands()).put("seconds", s.ageMillis() / 1000);
            }
        }
        return a;
    }

    private JsonNode logs(Map<String, String> query) {
        String level = query.getOrDefault("level", "INFO").toUpperCase(java.util.Locale.ROOT);
        if (!List.of("INFO", "WARN", "ERROR").contains(level)) throw new Cli.Usage("level is INFO, WARN or ERROR");
        ArrayNode a = JSON.createArrayNode();
        for (RecentLog.Line l : RecentLog.newest(level, number(query.get("limit"), 200, RecentLog.KEEP))) {
            a.addObject().put("at", l.at().toString()).put("level", l.level()).put("logger", l.logger()).put("connection", l.connection())
                    .put("message", l.message()).put("pairs", l.pairs());
        }
        return a;
    }

    private static int number(String text, int otherwise, int max) {
        if (text == null) return otherwise;
        if (!text.matches("[0-9]{1,6}")) throw new Cli.Usage("limit is a number");
        return Math.max(1, Math.min(max, Integer.parseInt(text)));
    }

    /**
     * What the operator publishes for a local domain: MX, SPF, the DKIM keys, DMARC, MTA-STS and
     * TLS-RPT, the host names mail programs look up to set themselves up, and the RFC 6186/8314 SRV records.
     */
    private Reply dns(String domain) throws IOException {
        DomainName d;
        try {
            d = DomainName.of(domain);
        } catch (MailboxException e) {
            return problem(400, e.getMessage());
        }
        if (!node.model().directory().isLocal(d)) return problem(404, domain + " is not a local domain");
        String name = d.ascii() + ".", host = clients.hostname() + ".";
        ArrayNode records = JSON.createArrayNode();
        record(records, name, "MX", "10 " + host, "mail for the domain comes here");
        record(records, name, "TXT", "v=spf1 mx -all", "SPF: only the domain's mail servers send its mail");
        Reply dkim = runCli(List.of("dkim", "list", d.ascii()), null);
        for (JsonNode k : dkim.body()) {
            record(records, k.get("name").asText() + ".", "TXT", k.get("txt").asText(),
                    "DKIM key " + k.get("selector").asText() + switch (k.get("state").asText()) {
                        case "signing" -> " (signing now)";
                        case "next" -> " (the next key: publish it now; it signs once it is seen)";
                        default -> " (older key: keep while its mail travels)";
                    });
        }
        record(records, "_dmarc." + name, "TXT", "v=DMARC1; p=quarantine; adkim=r; aspf=r",
                "DMARC: mail that fails SPF and DKIM alignment goes to spam (p=reject once all senders sign)");
        if (!clients.mtaSts().isEmpty()) {
            // RFC 8461: the policy's id changes with the policy (mta-sts.* settings), telling senders to fetch it again.
            record(records, "_mta-sts." + name, "TXT", "v=STSv1; id=" + clients.mtaStsId(),
                    "MTA-STS: senders find the policy at https://mta-sts." + d.ascii() + "/.well-known/mta-sts.txt");
            record(records, "mta-sts." + name, "CNAME", host, "the MTA-STS policy host (HTTPS on port 443 with a certificate for this name)");
            record(records, "_smtp._tls." + name, "TXT", "v=TLSRPTv1; rua=mailto:postmaster@" + d.ascii(),
                    "TLS-RPT: other servers report their TLS sessions with this domain's MX (RFC 8460)");
        }
        record(records, "autoconfig." + name, "CNAME", host, "Thunderbird and others find their settings here");
        record(records, "autodiscover." + name, "CNAME", host, "Outlook finds its settings here");
        srv(records, "_submissions._tcp." + name, 0, clients.submissions(), host, "sending, implicit TLS (RFC 8314)");
        srv(records, "_submission._tcp." + name, 10, clients.submission(), host, "sending, STARTTLS");
        srv(records, "_imaps._tcp." + name, 0, clients.imaps(), host, "IMAP, implicit TLS");
        srv(records, "_imap._tcp." + name, 10, clients.imap(), host, "IMAP, STARTTLS");
        srv(records, "_pop3s._tcp." + name, 20, clients.pop3s(), host, "POP3, implicit TLS");
        srv(records, "_pop3._tcp." + name, 30, clients.pop3(), host, "POP3, STARTTLS");
        ObjectNode n = JSON.createObjectNode().put("domain", d.ascii());
        n.set("records", records);
        StringBuilder zone = new StringBuilder();
        for (JsonNode r : records) {
            String value = r.get("type").asText().equals("TXT") ? Cli.txt(r.get("value").asText()) : r.get("value").asText();
            zone.append(r.get("name").asText()).append(" IN ").append(r.get("type").asText()).append(' ').append(value).append('\n');
        }
        n.put("zone", zone.toString());
        return ok(n);
    }

    private static void record(ArrayNode records, String name, String type, String value, String purpose) {
        records.addObject().put("name", name).put("type", type).put("value", value).put("purpose", purpose);
    }

    private static void srv(ArrayNode records, String name, int priority, int port, String host, String purpose) {
        if (port > 0) record(records, name, "SRV", priority + " 1 " + port + " " + host, purpose);
    }

    // ---- the description ----

    @Override
    public JsonNode openApi() {
        ObjectNode doc = JSON.createObjectNode().put("openapi", "3.1.0");
        doc.putObject("info").put("title", "Postiljon admin API").put("version", "1")
                .put("description", "Everything the postiljon CLI does, over HTTPS. Sign in as an administrator (admin.accounts) in the webmail,"
                        + " or use an API token (an app password of scope admin) with HTTP Basic. Errors are RFC 9457 problem details.");
        doc.putArray("servers").addObject().put("url", "/admin/api/v1");
        ArrayNode security = doc.putArray("security");
        security.addObject().putArray("token");
        security.addObject().putArray("session");
        ObjectNode schemes = doc.putObject("components").putObject("securitySchemes");
        schemes.putObject("token").put("type", "http").put("scheme", "basic").put("description", "an administrator's address and an app password of scope admin");
        schemes.putObject("session").put("type", "apiKey").put("in", "cookie").put("name", "pj_session")
                .put("description", "the webmail's session; changes also need the X-CSRF-Token header");
        ObjectNode paths = doc.putObject("paths");
        for (Route r : routes) {
            ObjectNode op = (paths.has(r.path()) ? (ObjectNode) paths.get(r.path()) : paths.putObject(r.path())).putObject(r.method().toLowerCase(java.util.Locale.ROOT));
            op.put("summary", r.summary()).put("operationId", operationId(r));
            op.putArray("tags").add(r.tag());
            ArrayNode params = op.putArray("parameters");
            for (String seg : r.path().split("/")) {
                if (seg.startsWith("{")) {
                    params.addObject().put("name", seg.substring(1, seg.length() - 1)).put("in", "path").put("required", true).putObject("schema").put("type", "string");
                }
            }
            ObjectNode props = JSON.createObjectNode();
            ArrayNode required = JSON.createArrayNode();
            for (Field f : r.fields()) {
                if (f.query()) {
                    params.addObject().put("name", f.name()).put("in", "query").put("required", f.required()).put("description", f.description())
                            .putObject("schema").put("type", "string");
                } else {
                    ObjectNode p = props.putObject(f.name()).put("description", f.description());
                    if (f.type().equals("array")) p.put("type", "array").putObject("items").put("type", "string");
                    else p.putArray("type").add(f.type()).add("string");
                    if (f.required()) required.add(f.name());
                }
            }
            if (!props.isEmpty()) {
                ObjectNode schema = op.putObject("requestBody").put("required", !required.isEmpty()).putObject("content").putObject("application/json")
                        .putObject("schema").put("type", "object");
                schema.set("properties", props);
                if (!required.isEmpty()) schema.set("required", required);
            }
            ObjectNode responses = op.putObject("responses");
            responses.putObject(creates(r) ? "201" : "200")
                    .put("description", "done; the same JSON as the CLI's --json output").putObject("content").putObject("application/json");
            for (String[] e : new String[][] {{"400", "bad input"}, {"401", "not signed in"}, {"403", "not an administrator"}, {"404", "no such thing"},
                    {"409", "the current state forbids it"}}) {
                responses.putObject(e[0]).put("description", e[1]);
            }
        }
        return doc;
    }

    /** A POST to a collection makes something new: 201. */
    private static boolean creates(Route r) {
        return r.method().equals("POST") && r.path().matches("/(domains|accounts|teams|aliases)|.*/(dkim|app-passwords)");
    }

    private static String operationId(Route r) {
        StringBuilder b = new StringBuilder(r.method().toLowerCase(java.util.Locale.ROOT));
        for (String seg : r.path().split("[/-]")) {
            if (seg.isEmpty()) continue;
            String w = seg.startsWith("{") ? "By" + Character.toUpperCase(seg.charAt(1)) + seg.substring(2, seg.length() - 1) : seg;
            b.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        }
        return b.toString();
    }
}
