package org.postiljon.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.postiljon.mailauth.DkimKey;
import org.postiljon.mailbox.MailboxModel;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AccountSetting;
import org.postiljon.mailbox.api.AclEntry;
import org.postiljon.mailbox.api.Alias;
import org.postiljon.mailbox.api.AliasSource;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.OutboundQueue;
import org.postiljon.mailbox.api.Quota;
import org.postiljon.mailbox.api.QuotaLimits;
import org.postiljon.mailbox.api.Rights;
import org.postiljon.mailbox.api.SigningKeys;

/** The admin commands on domains, accounts and aliases: {@code postiljon domain|account|alias ...}. */
final class Cli {

    /** What a command names does not exist (a queued message, a script): exit code 1, 404 in the admin API. */
    static final class Missing extends RuntimeException {
        Missing(String message) {
            super(message);
        }
    }

    /** Wrong words on the command line: exit code 2 and the usage. */
    static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }

    static final String USAGE = """
            usage: postiljon [--data DIR] [--config FILE] [--json] [--log-format text|json] COMMAND
              demo                                 run with a demo account on 127.0.0.1 (data in ./data)
              serve                                run from the config file on the standard ports
              config reference                     print every setting with its default
              migrate-store --to POSTGRES-URL [--blobs postgres|files|s3://BUCKET[/PREFIX]] [--verify-content]
                                                   copy this embedded store to PostgreSQL, verified; run again to catch up
              domain add|remove NAME               local domains
              domain list
              domain set DOMAIN KEY VALUE          a default for the domain's accounts, e.g. quota.storage-mb 1024
              domain settings DOMAIN
              account add ADDRESS [--password P | --password-stdin] [--quota-mb N]
              account remove ADDRESS
              account list [DOMAIN]
              account password ADDRESS [--password P | --password-stdin]
              account two-step-off ADDRESS         turn off the account's two-step sign-in (a lost phone)
              account quota ADDRESS (MB | unlimited) [--messages N | --messages unlimited]
              account set ADDRESS KEY VALUE        a preference, e.g. pop3.delete expunge|trash
              account settings ADDRESS
              quota show ADDRESS                   limits in force and usage
              quota repair [ADDRESS]               recount usage from the messages; reports drift
              team add ADDRESS [--quota-mb N]      a team mailbox (no password; reached via members)
              team member add TEAM USER [RIGHTS]   RIGHTS default lrswipkxte (RFC 4314 letters)
              team member remove TEAM USER
              team list [DOMAIN]
              acl get ADDRESS FOLDER               the folder's access list
              acl set ADDRESS FOLDER WHO RIGHTS    WHO: an address or anyone; RIGHTS "" removes
              retention set ADDRESS FOLDER (DAYS | never | default)
              retention preview [ADDRESS]          what the next run would remove
              retention run                        remove expired messages now
              check                                read every message file and report those damaged on disk
              index status                         message contents waiting for the full-text index
              index rebuild                        index every message again (searches stay exact meanwhile)
              alias add SOURCE TARGET              SOURCE may be @domain (catch-all)
              alias remove SOURCE TARGET
              alias list [DOMAIN]
              queue list                           mail waiting for other servers
              queue retry ID                       try a queued message again now
              queue delete ID                      drop a queued message (not returned to the sender)
              queue bounce ID                      give up on a queued message: its sender gets a failure notice
              dkim add DOMAIN [--selector S] [--algorithm rsa|ed25519]
                                                   a new DKIM key that signs the domain's mail; prints its DNS record
              dkim list DOMAIN                     the domain's keys and the DNS records to publish
              dkim use DOMAIN SELECTOR             sign with an older key again
              dkim remove DOMAIN SELECTOR          a key no longer published
              report list ADDRESS [FOLDER]         the DMARC and TLS aggregate reports other servers sent to ADDRESS (in INBOX)
              sieve put ADDRESS NAME FILE          check a Sieve script and keep it (- reads stdin)
              sieve activate ADDRESS [NAME]        run NAME at delivery; without NAME, none
              sieve list ADDRESS                   the account's scripts, * the active one
              sieve get ADDRESS NAME               print a script
              sieve remove ADDRESS NAME            delete a script that is not active
              app-password add ADDRESS NAME SCOPE...  a password for one mail program (SCOPE: imap pop3 smtp sieve jmap,
                                                   or admin: a token for the admin API); printed once
              app-password list ADDRESS            the account's app passwords (never their secrets)
              app-password remove ADDRESS ID       revoke one
            """ + TransferCommands.USAGE;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Node node;
    private final MailboxModel model;
    private final Directory directory;
    private final OutboundQueue queue;
    private final PrintStream out;
    private final boolean json;
    private final BufferedReader stdin;
    private final TransferCommands transfers;

    /** @param in standard input: passwords (--password-stdin) and scripts (-) are read from it */
    Cli(Node node, PrintStream out, boolean json, java.io.InputStream in) {
        this.node = node;
        this.model = node.model();
        this.directory = model.directory();
        this.queue = model.queue();
        this.out = out;
        this.json = json;
        this.stdin = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.transfers = new TransferCommands(model, out, json, stdin);
    }

    /** One admin command: its verb (for commands that share a method) and the words after it. */
    @FunctionalInterface
    private interface Command {
        void run(String verb, List<String> rest) throws IOException;
    }

    /** Every command, by its first two words; the usage above lists them for the operator. */
    private final Map<String, Command> commands = Map.ofEntries(
            Map.entry("domain add", this::domainAdd),
            Map.entry("domain remove", this::domainRemove),
            Map.entry("domain list", this::domainList),
            Map.entry("domain set", this::domainSet),
            Map.entry("domain settings", this::domainSettings),
            Map.entry("quota show", this::quotaShow),
            Map.entry("quota repair", this::quotaRepair),
            Map.entry("team add", this::teamAdd),
            Map.entry("team member", this::teamMember),
            Map.entry("team list", this::teamList),
            Map.entry("acl get", this::aclGetSet),
            Map.entry("acl set", this::aclGetSet),
            Map.entry("retention set", this::retentionSet),
            Map.entry("retention preview", this::retentionPreviewRun),
            Map.entry("retention run", this::retentionPreviewRun),
            Map.entry("index status", this::indexStatus),
            Map.entry("index rebuild", this::indexRebuild),
            Map.entry("account add", this::accountAdd),
            Map.entry("account remove", this::accountRemove),
            Map.entry("account list", this::accountList),
            Map.entry("account password", this::accountPassword),
            Map.entry("account two-step-off", this::accountTwoStepOff),
            Map.entry("account quota", this::accountQuota),
            Map.entry("account set", this::accountSet),
            Map.entry("account settings", this::accountSettings),
            Map.entry("queue list", this::queueList),
            Map.entry("queue retry", this::queueRetryDelete),
            Map.entry("queue delete", this::queueRetryDelete),
            Map.entry("queue bounce", this::queueBounce),
            Map.entry("alias add", this::aliasAddRemove),
            Map.entry("alias remove", this::aliasAddRemove),
            Map.entry("alias list", this::aliasList),
            Map.entry("dkim add", this::dkimAdd),
            Map.entry("dkim list", this::dkimList),
            Map.entry("dkim use", this::dkimUseRemove),
            Map.entry("dkim remove", this::dkimUseRemove),
            Map.entry("report list", this::reportList),
            Map.entry("sieve put", this::sieve),
            Map.entry("sieve activate", this::sieve),
            Map.entry("sieve list", this::sieve),
            Map.entry("sieve get", this::sieve),
            Map.entry("sieve remove", this::sieve),
            Map.entry("app-password add", this::appPassword),
            Map.entry("app-password list", this::appPassword),
            Map.entry("app-password remove", this::appPassword),
            Map.entry("import imap", this::importMail),
            Map.entry("import pop3", this::importMail),
            Map.entry("import maildir", this::importMail),
            Map.entry("import mbox", this::importMail),
            Map.entry("export maildir", this::export),
            Map.entry("export mbox", this::export));

    private void importMail(String verb, List<String> rest) throws IOException {
        transfers.importMail(verb, rest);
    }

    private void export(String verb, List<String> rest) throws IOException {
        transfers.export(verb, rest);
    }

    void run(List<String> args) throws IOException {
        if (args.size() == 1 && args.getFirst().equals("check")) {
            check();
            return;
        }
        if (args.size() < 2) throw new Usage("missing sub-command");
        String what = args.get(0), verb = args.get(1);
        List<String> rest = new ArrayList<>(args.subList(2, args.size()));
        Command command = commands.get(what + " " + verb);
        if (command == null) throw new Usage("unknown command: " + what + " " + verb);
        command.run(verb, rest);
    }

    private void domainAdd(String verb, List<String> rest) throws IOException {
        DomainName d = DomainName.of(one(rest, "NAME"));
        directory.addDomain(d);
        done("domain added: " + d, obj().put("domain", d.ascii()));
    }

    private void domainRemove(String verb, List<String> rest) throws IOException {
        DomainName d = DomainName.of(one(rest, "NAME"));
        directory.removeDomain(d);
        done("domain removed: " + d, obj().put("domain", d.ascii()));
    }

    private void domainList(String verb, List<String> rest) throws IOException {
        none(rest);
        List<DomainName> ds = directory.domains();
        if (json) {
            ArrayNode a = JSON.createArrayNode();
            ds.forEach(d -> a.add(d.ascii()));
            print(a);
        } else {
            ds.forEach(d -> out.println(d.ascii()));
        }
    }

    private void domainSet(String verb, List<String> rest) throws IOException {
        if (rest.size() != 3) throw new Usage("expected DOMAIN, KEY and VALUE");
        DomainName d = DomainName.of(rest.get(0));
        AccountSetting setting = AccountSetting.byKey(rest.get(1));
        directory.setDomainSetting(d, setting, rest.get(2));
        String value = directory.domainSetting(d, setting);
        done(setting.key() + " of " + d + ": " + value, obj().put("domain", d.ascii()).put(setting.key(), value));
    }

    private void domainSettings(String verb, List<String> rest) throws IOException {
        DomainName d = DomainName.of(one(rest, "DOMAIN"));
        ObjectNode n = obj().put("domain", d.ascii());
        StringBuilder text = new StringBuilder();
        for (AccountSetting s : AccountSetting.values()) {
            String value = directory.domainSetting(d, s);
            n.put(s.key(), value);
            text.append(s.key()).append(" = ").append(value).append('\n');
        }
        done(text.toString().strip(), n);
    }

    private void dkimAdd(String verb, List<String> rest) throws IOException {
        String selector = option(rest, "--selector");
        String algorithm = option(rest, "--algorithm");
        DomainName d = DomainName.of(one(rest, "DOMAIN"));
        DkimKey.Algorithm alg = switch (algorithm == null ? "rsa" : algorithm) {
            case "rsa" -> DkimKey.Algorithm.RSA_SHA256;
            case "ed25519" -> DkimKey.Algorithm.ED25519_SHA256;
            default -> throw new Usage("--algorithm is rsa or ed25519");
        };
        // A new selector per key (the month it was made): the old record stays published while mail signed with it travels.
        String s = selector != null ? selector : "pj" + java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString().replace("-", "");
        DkimKey key = DkimKey.generate(d.ascii(), s, alg);
        model.signingKeys().add(d, s, alg.tag(), key.privateKeyPkcs8());
        done("DKIM key " + s + " signs mail from " + d.ascii() + " now. Publish:\n" + key.dnsName() + ". IN TXT " + txt(key.dnsText()),
                obj().put("domain", d.ascii()).put("selector", s).put("algorithm", alg.tag()).put("name", key.dnsName()).put("txt", key.dnsText()));
    }

    private void dkimList(String verb, List<String> rest) throws IOException {
        DomainName d = DomainName.of(one(rest, "DOMAIN"));
        ArrayNode a = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        List<SigningKeys.SigningKey> all = model.signingKeys().list(d);
        java.time.Instant signingSince = all.stream().filter(SigningKeys.SigningKey::signing).map(SigningKeys.SigningKey::created).findFirst().orElse(null);
        for (SigningKeys.SigningKey k : all) {
            // Next: made ahead of a rotation, waiting for its record; retired: stopped signing, its record still needed a while.
            String state = k.signing() ? "signing" : k.retired() != null ? "retired"
                    : signingSince != null && k.created().isAfter(signingSince) ? "next" : "old";
            DkimKey key;
            try {
                key = DkimKey.of(d.ascii(), k.selector(), k.algorithm().equals("rsa-sha256") ? DkimKey.Algorithm.RSA_SHA256 : DkimKey.Algorithm.ED25519_SHA256,
                        k.privateKey());
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException("the stored key " + k.selector() + " of " + d + " is unreadable", e);
            }
            a.add(obj().put("selector", k.selector()).put("algorithm", k.algorithm()).put("created", k.created().toString())
                    .put("signing", k.signing()).put("state", state).put("retired", k.retired() == null ? null : k.retired().toString())
                    .put("name", key.dnsName()).put("txt", key.dnsText()));
            text.append(k.signing() ? "* " : "  ").append(k.selector()).append(' ').append(k.algorithm()).append(" made ").append(k.created())
                    .append(state.equals("next") ? " (next: publish its record; it signs once seen)"
                            : state.equals("retired") ? " (retired " + k.retired() + ")" : "")
                    .append("\n    ").append(key.dnsName()).append(". IN TXT ").append(txt(key.dnsText())).append('\n');
        }
        if (json) print(a); else out.print(text.isEmpty() ? "no DKIM keys: mail from " + d.ascii() + " goes out unsigned\n" : text);
    }

    private void dkimUseRemove(String verb, List<String> rest) throws IOException {
        if (rest.size() != 2) throw new Usage("expected DOMAIN and SELECTOR");
        DomainName d = DomainName.of(rest.get(0));
        if (verb.equals("use")) model.signingKeys().use(d, rest.get(1)); else model.signingKeys().remove(d, rest.get(1));
        done("DKIM key " + rest.get(1) + " of " + d.ascii() + (verb.equals("use") ? " signs now" : " removed"),
                obj().put("domain", d.ascii()).put("selector", rest.get(1)).put(verb.equals("use") ? "signing" : "removed", true));
    }

    /** An account's app passwords (the same operations as the webmail's settings). */
    private void appPassword(String verb, List<String> rest) throws IOException {
        if (rest.isEmpty()) throw new Usage("expected ADDRESS");
        EmailAddress address = EmailAddress.parse(rest.getFirst());
        Account acc = directory.find(address).orElseThrow(() -> new MailboxException.NoSuchAccount(address.toString()));
        var apps = model.appPasswords();
        switch (verb) {
            case "add" -> {
                if (rest.size() < 3) throw new Usage("expected ADDRESS NAME SCOPE...");
                java.util.Set<AppPasswords.Scope> scopes = java.util.EnumSet.noneOf(AppPasswords.Scope.class);
                for (String s : rest.subList(2, rest.size())) {
                    try {
                        scopes.add(AppPasswords.Scope.valueOf(s.toUpperCase(java.util.Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw new Usage("a scope is imap, pop3, smtp, sieve, jmap or admin, not " + s);
                    }
                }
                AppPasswords.Created made = apps.create(acc, rest.get(1), scopes);
                done(made.secret() + "  (app password " + made.password().id() + " of " + address + " for " + scopes(made.password()) + "; shown only now)",
                        obj().put("address", address.toString()).put("id", made.password().id()).put("secret", made.secret()));
            }
            case "list" -> {
                ArrayNode a = JSON.createArrayNode();
                StringBuilder text = new StringBuilder();
                for (var p : apps.list(acc)) {
                    a.add(obj().put("id", p.id()).put("name", p.name()).put("scopes", scopes(p)).put("created", p.created().toString())
                            .put("lastUsed", p.lastUsed() == null ? null : p.lastUsed().toString()));
                    text.append(p.id()).append("  ").append(p.name()).append("  ").append(scopes(p)).append("  last used ")
                            .append(p.lastUsed() == null ? "never" : p.lastUsed().toString()).append('\n');
                }
                if (json) print(a); else out.print(text.isEmpty() ? "no app passwords\n" : text);
            }
            default -> {
                if (rest.size() != 2 || !rest.get(1).matches("[0-9]{1,18}")) throw new Usage("expected ADDRESS ID");
                apps.remove(acc, Long.parseLong(rest.get(1)));
                done("app password " + rest.get(1) + " of " + address + " revoked", obj().put("address", address.toString()).put("removed", Long.parseLong(rest.get(1))));
            }
        }
    }

    private static String scopes(AppPasswords.AppPassword p) {
        return String.join(" ", p.scopes().stream().map(s -> s.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
    }

    /** The Sieve scripts of an account (the same operations as ManageSieve's). */
    /** The aggregate reports in a folder (the mailbox the domains' rua= and _smtp._tls records name), read and summed up. */
    private void reportList(String verb, List<String> rest) throws IOException {
        if (rest.isEmpty() || rest.size() > 2) throw new Usage("expected ADDRESS [FOLDER]");
        EmailAddress address = EmailAddress.parse(rest.getFirst());
        Account acc = directory.find(address).orElseThrow(() -> new MailboxException.NoSuchAccount(address.toString()));
        org.postiljon.mailbox.api.MailboxName folder = rest.size() == 2 ? org.postiljon.mailbox.api.MailboxName.of(rest.get(1))
                : org.postiljon.mailbox.api.MailboxName.INBOX;
        model.mailboxes().get(acc, folder); // no such folder: an error, not an empty list
        ArrayNode a = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (var m : model.messages().list(acc, folder, org.postiljon.mailbox.api.UidSet.ALL)) {
            List<org.postiljon.smtp.ReceivedReports.Report> reports;
            try (java.io.InputStream in = model.messages().open(acc, folder, m.uid())) {
                reports = org.postiljon.smtp.ReceivedReports.read(in);
            } catch (IOException e) {
                continue; // not a message we can read as a report
            }
            for (org.postiljon.smtp.ReceivedReports.Report r : reports) {
                String day = r.begin().atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
                switch (r) {
                    case org.postiljon.smtp.ReceivedReports.DmarcReport d -> {
                        ObjectNode n = a.addObject().put("type", "dmarc").put("uid", m.uid()).put("organization", d.organization())
                                .put("reportId", d.reportId()).put("begin", d.begin().toString()).put("end", d.end().toString()).put("domain", d.domain())
                                .put("policy", d.policy()).put("messages", d.messages()).put("passed", d.passed());
                        ArrayNode rows = n.putArray("rows");
                        text.append("DMARC ").append(d.domain()).append(' ').append(day).append(" from ").append(d.organization()).append(": ")
                                .append(d.messages()).append(" messages, ").append(d.passed()).append(" passed\n");
                        for (var row : d.rows()) {
                            rows.addObject().put("sourceIp", row.sourceIp()).put("count", row.count()).put("disposition", row.disposition())
                                    .put("dkim", row.dkim()).put("spf", row.spf()).put("headerFrom", row.headerFrom());
                            text.append("    ").append(row.sourceIp()).append(' ').append(row.count()).append(' ').append(row.disposition())
                                    .append(" dkim=").append(row.dkim()).append(" spf=").append(row.spf()).append(" from ").append(row.headerFrom())
                                    .append('\n');
                        }
                    }
                    case org.postiljon.smtp.ReceivedReports.TlsReport t -> {
                        ObjectNode n = a.addObject().put("type", "tls").put("uid", m.uid()).put("organization", t.organization())
                                .put("reportId", t.reportId()).put("begin", t.begin().toString()).put("end", t.end().toString());
                        ArrayNode policies = n.putArray("policies");
                        for (var p : t.policies()) {
                            ObjectNode pn = policies.addObject().put("domain", p.domain()).put("type", p.type()).put("successful", p.successful())
                                    .put("failed", p.failed());
                            ObjectNode failures = pn.putObject("failures");
                            p.failures().forEach(failures::put);
                            text.append("TLS ").append(p.domain()).append(' ').append(day).append(" from ").append(t.organization()).append(" (")
                                    .append(p.type()).append("): ").append(p.successful()).append(" successful, ").append(p.failed()).append(" failed")
                                    .append(p.failures().isEmpty() ? "" : " " + p.failures()).append('\n');
                        }
                    }
                }
            }
        }
        if (json) print(a); else out.print(text.isEmpty() ? "no reports in " + folder + " of " + address + "\n" : text);
    }

    private void sieve(String verb, List<String> rest) throws IOException {
        if (rest.isEmpty()) throw new Usage("expected ADDRESS");
        EmailAddress address = EmailAddress.parse(rest.getFirst());
        Account acc = directory.find(address).orElseThrow(() -> new MailboxException.NoSuchAccount(address.toString()));
        var scripts = model.sieveScripts();
        switch (verb) {
            case "put" -> {
                if (rest.size() != 3) throw new Usage("expected ADDRESS NAME FILE");
                String text;
                if (rest.get(2).equals("-")) {
                    java.io.StringWriter piped = new java.io.StringWriter();
                    stdin.transferTo(piped);
                    text = piped.toString();
                } else {
                    text = java.nio.file.Files.readString(java.nio.file.Path.of(rest.get(2)));
                }
                scripts.put(acc, rest.get(1), text);
                done("script " + rest.get(1) + " of " + address + " kept" + (scripts.get(acc, rest.get(1)).orElseThrow().active() ? " (active)" : ""),
                        obj().put("address", address.toString()).put("name", rest.get(1)));
            }
            case "activate" -> {
                String name = rest.size() > 1 ? rest.get(1) : null;
                scripts.activate(acc, name);
                done(name == null ? "no script of " + address + " runs now" : "script " + name + " runs at delivery to " + address,
                        obj().put("address", address.toString()).put("active", name));
            }
            case "list" -> {
                ArrayNode a = JSON.createArrayNode();
                StringBuilder text = new StringBuilder();
                for (var s : scripts.list(acc)) {
                    a.add(obj().put("name", s.name()).put("active", s.active()).put("bytes", s.content().length()));
                    text.append(s.active() ? "* " : "  ").append(s.name()).append('\n');
                }
                if (json) print(a); else out.print(text.isEmpty() ? "no scripts\n" : text);
            }
            case "get" -> {
                if (rest.size() != 2) throw new Usage("expected ADDRESS NAME");
                var script = scripts.get(acc, rest.get(1)).orElseThrow(() -> new Missing("no script " + rest.get(1)));
                if (json) print(obj().put("name", script.name()).put("active", script.active()).put("content", script.content()));
                else out.print(script.content());
            }
            default -> {
                if (rest.size() != 2) throw new Usage("expected ADDRESS NAME");
                scripts.delete(acc, rest.get(1));
                done("script " + rest.get(1) + " of " + address + " removed", obj().put("address", address.toString()).put("removed", rest.get(1)));
            }
        }
    }

    /** A TXT record's text as a zone file writes it: quoted strings of at most 255 octets. */
    static String txt(String text) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < text.length(); i += 250) b.append(" \"").append(text, i, Math.min(text.length(), i + 250)).append('"');
        return b.append(" )").toString();
    }

    private void quotaShow(String verb, List<String> rest) throws IOException {
        EmailAddress a = EmailAddress.parse(one(rest, "ADDRESS"));
        Account acc = directory.find(a).orElseThrow(() -> new MailboxException.NoSuchAccount(a.toString()));
        Quota q = model.quotas().own(acc);
        done(a + ": " + q.usage().bytes() + " bytes in " + q.usage().messages() + " messages; limit " + quotaText(q.limits())
                        + (q.percentUsed() > 0 ? " (" + q.percentUsed() + " % used)" : ""),
                obj().put("address", a.toString()).put("usedBytes", q.usage().bytes()).put("usedMessages", q.usage().messages())
                        .set("quota", quota(q.limits())));
    }

    private void quotaRepair(String verb, List<String> rest) throws IOException {
        Optional<EmailAddress> a = rest.isEmpty() ? Optional.empty() : Optional.of(EmailAddress.parse(one(rest, "ADDRESS")));
        var drifts = model.quotas().repair(a);
        ArrayNode arr = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (var d : drifts) {
            arr.add(obj().put("address", d.account().toString()).put("storedBytes", d.stored().bytes()).put("storedMessages", d.stored().messages())
                    .put("countedBytes", d.counted().bytes()).put("countedMessages", d.counted().messages()));
            text.append(d.account()).append(": was ").append(d.stored().bytes()).append(" bytes / ").append(d.stored().messages())
                    .append(" messages, is ").append(d.counted().bytes()).append(" bytes / ").append(d.counted().messages()).append(" messages\n");
        }
        ObjectNode n = obj().put("drifted", drifts.size());
        n.set("accounts", arr);
        done(drifts.isEmpty() ? "quota usage exact: no drift" : text + "corrected " + drifts.size() + " account(s)", n);
    }

    private void teamAdd(String verb, List<String> rest) throws IOException {
        String quota = option(rest, "--quota-mb");
        EmailAddress a = EmailAddress.parse(one(rest, "ADDRESS"));
        Account acc = directory.addTeam(a, new QuotaLimits(megabytes(quota), OptionalLong.empty()));
        done("team mailbox added: " + acc.address(), account(acc));
    }

    private void teamMember(String verb, List<String> rest) throws IOException {
        if (rest.size() < 3 || rest.size() > 4 || !(rest.get(0).equals("add") || rest.get(0).equals("remove"))) {
            throw new Usage("expected: team member add TEAM USER [RIGHTS] | team member remove TEAM USER");
        }
        boolean add = rest.get(0).equals("add");
        EmailAddress team = EmailAddress.parse(rest.get(1));
        EmailAddress user = EmailAddress.parse(rest.get(2));
        if (add) {
            Rights r = rest.size() == 4 ? Rights.parse(rest.get(3)) : Rights.MEMBER;
            directory.setTeamMember(team, user, r);
            done(user + " is a member of " + team + " with rights " + r, obj().put("team", team.toString()).put("member", user.toString()).put("rights", r.letters()));
        } else {
            if (rest.size() != 3) throw new Usage("expected: team member remove TEAM USER");
            directory.removeTeamMember(team, user);
            done(user + " is no longer a member of " + team, obj().put("team", team.toString()).put("member", user.toString()));
        }
    }

    private void teamList(String verb, List<String> rest) throws IOException {
        Optional<DomainName> d = rest.isEmpty() ? Optional.empty() : Optional.of(DomainName.of(one(rest, "DOMAIN")));
        ArrayNode arr = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (var t : directory.teams(d)) {
            ObjectNode n = arr.addObject().put("address", t.address().toString());
            ObjectNode m = n.putObject("members");
            text.append(t.address()).append('\n');
            t.members().forEach((who, r) -> {
                m.put(who.toString(), r.letters());
                text.append('\t').append(who).append('\t').append(r.letters()).append('\n');
            });
        }
        if (json) print(arr); else out.print(text);
    }

    private void aclGetSet(String verb, List<String> rest) throws IOException {
        int n = verb.equals("get") ? 2 : 4;
        if (rest.size() != n) throw new Usage(verb.equals("get") ? "expected ADDRESS and FOLDER" : "expected ADDRESS, FOLDER, WHO and RIGHTS");
        Account owner = directory.find(EmailAddress.parse(rest.get(0)))
                .orElseThrow(() -> new MailboxException.NoSuchAccount(rest.get(0)));
        MailboxName folder = MailboxName.of(rest.get(1));
        if (verb.equals("set")) model.acl().set(owner, folder, rest.get(2), Rights.parse(rest.get(3)));
        ArrayNode arr = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        for (AclEntry e : model.acl().get(owner, folder)) {
            arr.addObject().put("identifier", e.identifier()).put("rights", e.rights().letters());
            text.append(e.identifier()).append('\t').append(e.rights().letters()).append('\n');
        }
        ObjectNode node = obj().put("address", owner.address().toString()).put("folder", folder.path());
        node.set("acl", arr);
        done(text.toString().strip(), node);
    }

    private void retentionSet(String verb, List<String> rest) throws IOException {
        if (rest.size() != 3) throw new Usage("expected ADDRESS, FOLDER and DAYS (or never, default)");
        EmailAddress a = EmailAddress.parse(rest.get(0));
        MailboxName folder = MailboxName.of(rest.get(1));
        String v = rest.get(2);
        OptionalInt days;
        if (v.equals("default")) days = OptionalInt.empty();
        else if (v.equals("never")) days = OptionalInt.of(0);
        else if (v.matches("[0-9]{1,6}")) days = OptionalInt.of(Integer.parseInt(v));
        else throw new Usage("DAYS must be a number of days, never or default, not '" + v + "'");
        model.retention().setPolicy(a, folder, days);
        int now = model.retention().policy(a, folder);
        done("retention of " + folder + " of " + a + ": " + (now == 0 ? "never" : now + " days"),
                obj().put("address", a.toString()).put("folder", folder.path()).put("days", now));
    }

    private void retentionPreviewRun(String verb, List<String> rest) throws IOException {
        Optional<EmailAddress> a = Optional.empty();
        if (verb.equals("preview") && !rest.isEmpty()) a = Optional.of(EmailAddress.parse(one(rest, "ADDRESS")));
        else none(rest);
        var list = verb.equals("preview") ? model.retention().preview(a, java.time.Instant.now()) : model.retention().run(java.time.Instant.now());
        ArrayNode arr = JSON.createArrayNode();
        StringBuilder text = new StringBuilder();
        long total = 0;
        for (var e : list) {
            total += e.messages();
            arr.addObject().put("address", e.account().toString()).put("folder", e.mailbox().path()).put("days", e.days())
                    .put("savedBefore", e.cutoff().toString()).put("messages", e.messages()).put("bytes", e.bytes());
            text.append(e.account()).append('\t').append(e.mailbox()).append('\t').append(e.messages()).append(" messages\t")
                    .append(e.bytes()).append(" bytes\tsaved before ").append(e.cutoff()).append(" (").append(e.days()).append(" days)\n");
        }
        text.append(verb.equals("preview") ? "would remove " : "removed ").append(total).append(" messages");
        ObjectNode node = obj().put("messages", total);
        node.set("folders", arr);
        done(text.toString(), node);
    }

    private void indexStatus(String verb, List<String> rest) throws IOException {
        none(rest);
        int pending = model.indexer().pending(1_000_000);
        done(pending + " message contents waiting to be indexed", obj().put("pending", pending));
    }

    private void indexRebuild(String verb, List<String> rest) throws IOException {
        none(rest);
        int n = model.indexer().requeueAll();
        done(n + " message contents will be indexed again by the running (or next started) server", obj().put("queued", n));
    }

    private void accountAdd(String verb, List<String> rest) throws IOException {
        String password = option(rest, "--password");
        boolean fromStdin = flag(rest, "--password-stdin");
        String quota = option(rest, "--quota-mb");
        EmailAddress a = EmailAddress.parse(one(rest, "ADDRESS"));
        char[] pw = password(password, fromStdin);
        Account acc = directory.addAccount(a, pw, new QuotaLimits(megabytes(quota), OptionalLong.empty()));
        done("account added: " + acc.address(), account(acc));
    }

    private void accountRemove(String verb, List<String> rest) throws IOException {
        EmailAddress a = EmailAddress.parse(one(rest, "ADDRESS"));
        directory.removeAccount(a);
        done("account removed: " + a, obj().put("address", a.toString()));
    }

    private void accountList(String verb, List<String> rest) throws IOException {
        Optional<DomainName> d = rest.isEmpty() ? Optional.empty() : Optional.of(DomainName.of(one(rest, "DOMAIN")));
        List<Account> all = directory.accounts(d);
        if (json) {
            // Usage beside each (one read for all): what the admin UI's list shows without a request per account.
            var used = model.quotas().usages();
            ArrayNode arr = JSON.createArrayNode();
            for (Account acc : all) {
                var u = used.getOrDefault(acc.id(), org.postiljon.mailbox.api.QuotaUsage.NONE);
                arr.add(account(acc).put("usedBytes", u.bytes()).put("usedMessages", u.messages()));
            }
            print(arr);
        } else {
            for (Account acc : all) out.println(acc.address() + "\t" + quotaText(acc.quota()));
        }
    }

    private void accountPassword(String verb, List<String> rest) throws IOException {
        String password = option(rest, "--password");
        boolean fromStdin = flag(rest, "--password-stdin");
        EmailAddress a = EmailAddress.parse(one(rest, "ADDRESS"));
        directory.setPassword(a, password(password, fromStdin));
        done("password changed: " + a, obj().put("address", a.toString()));
    }

    /** For a user who lost the device with the authenticator app: the password alone signs in again. */
    private void accountTwoStepOff(String verb, List<String> rest) throws IOException {
        EmailAddress a = EmailAddress.parse(one(rest, "ADDRESS"));
        Account acc = directory.find(a).orElseThrow(() -> new MailboxException.NoSuchAccount(a.toString()));
        boolean was = model.twoFactor().enabled(acc);
        model.twoFactor().disable(acc);
        done(was ? "two-step sign-in turned off: " + a : "two-step sign-in was off: " + a, obj().put("address", a.toString()).put("wasOn", was));
    }

    private void accountQuota(String verb, List<String> rest) throws IOException {
        String messages = option(rest, "--messages");
        if (rest.size() != 2) throw new Usage("expected ADDRESS and MB (or unlimited)");
        EmailAddress a = EmailAddress.parse(rest.get(0));
        QuotaLimits q = new QuotaLimits(megabytes(rest.get(1)), count(messages));
        directory.setQuota(a, q);
        done("quota of " + a + ": " + quotaText(q), obj().put("address", a.toString()).set("quota", quota(q)));
    }

    private void accountSet(String verb, List<String> rest) throws IOException {
        if (rest.size() != 3) throw new Usage("expected ADDRESS, KEY and VALUE");
        EmailAddress a = EmailAddress.parse(rest.get(0));
        AccountSetting setting = AccountSetting.byKey(rest.get(1));
        directory.setSetting(a, setting, rest.get(2));
        Account acc = directory.find(a).orElseThrow();
        String value = directory.setting(acc, setting);
        done(setting.key() + " of " + a + ": " + value, obj().put("address", a.toString()).put(setting.key(), value));
    }

    private void accountSettings(String verb, List<String> rest) throws IOException {
        EmailAddress a = EmailAddress.parse(one(rest, "ADDRESS"));
        Account acc = directory.find(a).orElseThrow(() -> new MailboxException.NoSuchAccount(a.toString()));
        ObjectNode n = obj().put("address", a.toString());
        StringBuilder text = new StringBuilder();
        for (AccountSetting s : AccountSetting.values()) {
            if (s.domainOnly()) continue;
            String value = directory.setting(acc, s);
            n.put(s.key(), value);
            text.append(s.key()).append(" = ").append(value).append('\n');
        }
        done(text.toString().strip(), n);
    }

    private void queueList(String verb, List<String> rest) throws IOException {
        if (!rest.isEmpty()) throw new Usage("queue list takes no argument");
        var entries = queue.list(1000);
        if (json) {
            var arr = JSON.createArrayNode();
            for (var e : entries) {
                ObjectNode n = obj().put("id", e.id()).put("created", e.created().toString()).put("sender", e.sender()).put("size", e.size());
                var rcpts = n.putArray("recipients");
                for (var r : e.recipients()) {
                    rcpts.addObject().put("address", r.address()).put("state", r.state().name()).put("attempts", r.attempts())
                            .put("nextAttempt", r.nextAttempt().toString()).put("lastReply", r.lastReply());
                }
                arr.add(n);
            }
            out.println(arr);
        } else {
            for (var e : entries) {
                out.println(e.id() + "\t" + e.created() + "\t<" + e.sender() + ">\t" + e.size() + " bytes");
                for (var r : e.recipients()) {
                    out.println("\t" + r.address() + "\t" + r.state() + "\tattempts " + r.attempts() + "\tnext " + r.nextAttempt()
                            + (r.lastReply() == null ? "" : "\t" + r.lastReply()));
                }
            }
        }
    }

    private void queueRetryDelete(String verb, List<String> rest) throws IOException {
        String id = one(rest, "ID");
        if (!id.matches("[0-9]{1,18}")) throw new Usage("ID is a number from 'queue list'");
        boolean done = verb.equals("retry") ? queue.retry(Long.parseLong(id)) : queue.delete(Long.parseLong(id));
        if (!done) throw new Missing("no queued message " + id);
        done("queued message " + id + (verb.equals("retry") ? " will be tried again now" : " deleted"), obj().put("id", Long.parseLong(id)));
    }

    private void queueBounce(String verb, List<String> rest) throws IOException {
        String id = one(rest, "ID");
        if (!id.matches("[0-9]{1,18}")) throw new Usage("ID is a number from 'queue list'");
        switch (node.returnToSender(Long.parseLong(id))) {
            case RETURNED -> done("queued message " + id + " returned to its sender", obj().put("id", Long.parseLong(id)).put("returned", true));
            case NO_SUCH_MESSAGE -> throw new Missing("no queued message " + id);
            case BUSY -> throw new MailboxException.Unavailable("queued message " + id + " is being sent right now; try again in a minute");
        }
    }

    private void aliasAddRemove(String verb, List<String> rest) throws IOException {
        if (rest.size() != 2) throw new Usage("expected SOURCE and TARGET");
        AliasSource s = AliasSource.parse(rest.get(0));
        EmailAddress t = EmailAddress.parse(rest.get(1));
        if (verb.equals("add")) directory.addAlias(s, t); else directory.removeAlias(s, t);
        done("alias " + (verb.equals("add") ? "added: " : "removed: ") + s + " -> " + t,
                obj().put("source", s.toString()).put("target", t.toString()));
    }

    private void aliasList(String verb, List<String> rest) throws IOException {
        Optional<DomainName> d = rest.isEmpty() ? Optional.empty() : Optional.of(DomainName.of(one(rest, "DOMAIN")));
        List<Alias> all = directory.aliases(d);
        if (json) {
            ArrayNode arr = JSON.createArrayNode();
            all.forEach(al -> arr.add(obj().put("source", al.source().toString()).put("target", al.target().toString())));
            print(arr);
        } else {
            for (Alias al : all) out.println(al.source() + "\t" + al.target());
        }
    }

    private char[] password(String given, boolean fromStdin) throws IOException {
        if (given != null && fromStdin) throw new Usage("give --password or --password-stdin, not both");
        if (given != null) return given.toCharArray();
        if (fromStdin) {
            String line = stdin.readLine();
            if (line == null || line.isEmpty()) throw new Usage("no password on standard input");
            return line.toCharArray();
        }
        throw new Usage("a password is needed: --password P or --password-stdin");
    }

    private static OptionalLong megabytes(String text) {
        if (text == null || text.equals("unlimited")) return OptionalLong.empty();
        try {
            long mb = Long.parseLong(text);
            if (mb < 0 || mb > 1L << 32) throw new NumberFormatException();
            return OptionalLong.of(mb * 1024 * 1024);
        } catch (NumberFormatException e) {
            throw new Usage("quota must be a number of megabytes or 'unlimited', not '" + text + "'");
        }
    }

    private static OptionalLong count(String text) {
        if (text == null || text.equals("unlimited")) return OptionalLong.empty();
        try {
            long n = Long.parseLong(text);
            if (n < 0) throw new NumberFormatException();
            return OptionalLong.of(n);
        } catch (NumberFormatException e) {
            throw new Usage("--messages must be a number or 'unlimited', not '" + text + "'");
        }
    }

    private static String quotaText(QuotaLimits q) {
        String s = q.storageBytes().isPresent() ? (q.storageBytes().getAsLong() / (1024 * 1024)) + " MB" : "unlimited";
        if (q.messages().isPresent()) s += ", " + q.messages().getAsLong() + " messages";
        return s;
    }

    private ObjectNode quota(QuotaLimits q) {
        ObjectNode n = obj();
        if (q.storageBytes().isPresent()) n.put("storageBytes", q.storageBytes().getAsLong()); else n.putNull("storageBytes");
        if (q.messages().isPresent()) n.put("messages", q.messages().getAsLong()); else n.putNull("messages");
        return n;
    }

    private ObjectNode account(Account a) {
        ObjectNode n = obj().put("address", a.address().toString());
        n.set("quota", quota(a.quota()));
        return n;
    }

    private static ObjectNode obj() {
        return JSON.createObjectNode();
    }

    /** Reads every message file against the store (size, SHA-256); exit status 1 when any is damaged. */
    private void check() throws IOException {
        List<String> damaged = model.sweeper().check();
        if (json) {
            ArrayNode a = JSON.createArrayNode();
            damaged.forEach(a::add);
            print(obj().put("ok", damaged.isEmpty()).set("damaged", a));
        } else {
            damaged.forEach(out::println);
            if (damaged.isEmpty()) out.println("every message file is whole");
        }
        if (!damaged.isEmpty()) {
            throw new org.postiljon.mailbox.api.MailboxException.Damaged(damaged.size() + " damaged messages: restore their files"
                    + " from a backup (named by their SHA-256 under DATA/blobs) or expunge them");
        }
    }

    private void done(String text, ObjectNode node) throws IOException {
        if (json) print(node.put("ok", true)); else out.println(text);
    }

    private void print(Object node) throws IOException {
        out.println(JSON.writeValueAsString(node));
    }

    static String option(List<String> args, String name) {
        int i = args.indexOf(name);
        if (i < 0) return null;
        if (i + 1 >= args.size()) throw new Usage(name + " needs a value");
        String v = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return v;
    }

    private static boolean flag(List<String> args, String name) {
        return args.remove(name);
    }

    static String one(List<String> args, String what) {
        if (args.size() != 1) throw new Usage("expected " + what + (args.isEmpty() ? "" : ", got: " + String.join(" ", args)));
        if (args.getFirst().startsWith("--")) throw new Usage("unknown option: " + args.getFirst());
        return args.getFirst();
    }

    static void none(List<String> args) {
        if (!args.isEmpty()) throw new Usage("unexpected: " + String.join(" ", args));
    }

    /** A whole number from the command line within [min, max]. */
    static int number(String text, String what, int min, int max) {
        try {
            int n = Integer.parseInt(text);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Usage(what + " must be a number from " + min + " to " + max);
    }
}
