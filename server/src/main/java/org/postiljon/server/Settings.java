package org.postiljon.server;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Every setting of the node config file, with its default and why. The config reference
 * ({@code postiljon config reference}) is printed from this list, so it cannot drift from the code.
 */
public final class Settings {

    public record Setting(String key, String defaultValue, String description) { }

    public static final List<Setting> ALL = List.of(
            new Setting("hostname", "", "The name this server greets with and puts in its certificate. Empty: the machine's host name."),
            new Setting("data.dir", "/var/lib/postiljon", "Where the embedded store keeps its database and message files."),
            new Setting("store", "embedded", "Where accounts, mailboxes, message metadata and the search index live: embedded (SQLite and Lucene in data.dir, no setup) or postgres (store.url; every node on that database serves every account, see docs/scaling.md)."),
            new Setting("store.url", "", "With store = postgres: the database, jdbc:postgresql://host:port/database. It must use the C collation (CREATE DATABASE postiljon ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0); the schema is created on first start."),
            new Setting("store.user", "", "With store = postgres: the database user."),
            new Setting("store.password", "", "With store = postgres: that user's password (empty: none, e.g. peer or trust authentication)."),
            new Setting("blobs", "files", "Where message contents live: files (in blobs.dir), postgres (in the store.url database) or s3 (an S3-compatible bucket, blobs.s3.*); postgres and s3 need store = postgres. Nodes sharing a database need shared contents: postgres, s3, or files on a mount every node sees."),
            new Setting("blobs.dir", "", "With blobs = files: the directory of message files. Empty: data.dir/blobs."),
            new Setting("blobs.s3.endpoint", "", "With blobs = s3: the service's URL (https://s3.example.net, MinIO, Ceph). Empty: AWS S3."),
            new Setting("blobs.s3.region", "us-east-1", "With blobs = s3: the bucket's region."),
            new Setting("blobs.s3.bucket", "", "With blobs = s3: the bucket (it must exist); contents are objects named by their SHA-256."),
            new Setting("blobs.s3.prefix", "", "With blobs = s3: put before every object name, to share a bucket (e.g. mail/)."),
            new Setting("blobs.s3.access-key", "", "With blobs = s3: the access key. Empty: the AWS SDK's default credentials (environment, profile, instance role)."),
            new Setting("blobs.s3.secret-key", "", "With blobs = s3: the secret key for blobs.s3.access-key."),
            new Setting("blobs.s3.path-style", "true", "With blobs = s3: the bucket in the URL's path (most S3-compatible servers) instead of the host name (AWS's default)."),
            new Setting("tls.certificate", "", "PEM certificate chain, leaf first. Empty: a self-signed certificate is generated in data.dir/tls (clients will warn)."),
            new Setting("tls.key", "", "PEM private key for tls.certificate (PKCS#8, PKCS#1 or SEC1; not encrypted)."),
            new Setting("listen.imap", "0.0.0.0:143", "IMAP with STARTTLS. host:port, or off."),
            new Setting("listen.imaps", "0.0.0.0:993", "IMAP over implicit TLS. host:port, or off."),
            new Setting("listen.pop3", "0.0.0.0:110", "POP3 with STLS. host:port, or off."),
            new Setting("listen.pop3s", "0.0.0.0:995", "POP3 over implicit TLS. host:port, or off."),
            new Setting("listen.managesieve", "0.0.0.0:4190", "ManageSieve (RFC 5804) with STARTTLS: users keep their Sieve filters. host:port, or off."),
            new Setting("listen.smtp", "0.0.0.0:25", "Inbound SMTP (MX). host:port, or off."),
            new Setting("listen.submission", "0.0.0.0:587", "Mail submission with STARTTLS and AUTH. host:port, or off."),
            new Setting("listen.submissions", "0.0.0.0:465", "Mail submission over implicit TLS. host:port, or off."),
            new Setting("listen.lmtp", "127.0.0.1:24", "LMTP for a front MTA. host:port, or off."),
            new Setting("listen.lmtp-socket", "", "LMTP on a unix-domain socket (a path, e.g. /var/spool/postfix/private/postiljon-lmtp), for a local MTA. Empty: off."),
            new Setting("listen.http", "127.0.0.1:8080", "Webmail and JMAP over plain HTTP (passwords only from loopback, see auth.plaintext-on-loopback). host:port, or off."),
            new Setting("listen.https", "0.0.0.0:8443", "Webmail and JMAP over HTTPS. host:port, or off."),
            new Setting("listen.metrics", "127.0.0.1:9190", "Prometheus metrics (/metrics) and health checks (/healthz, /readyz) over plain HTTP, for the operator's monitoring: keep it on loopback or a private network. host:port, or off."),
            new Setting("cluster.lease-seconds", "120", "How long what a node holds in the store outlives it: POP3 maildrop locks, outbound queue claims, the retention run and blob sweep. A node renews them every quarter of this; after a crash (or kill -9) other nodes on the same database take over its POP3 sessions' maildrops and its queued messages this long after its last renewal. At least 4."),
            new Setting("proxy.trusted", "", "Load balancers (addresses and CIDR ranges, comma separated) in front of the IMAP, POP3, SMTP and LMTP listeners: their connections must start with a PROXY protocol header (HAProxy send-proxy-v2 or send-proxy), whose client address then counts for limits, login throttling, auth.plaintext-on-loopback and logs. Empty: none; a header from anyone else is never read."),
            new Setting("web.session-idle-minutes", "720", "A webmail session ends after this long without use."),
            new Setting("web.connections-per-ip", "64", "HTTP connections one address may hold open on one web listener (browsers open about 6 per site)."),
            new Setting("web.streams-per-account", "8", "Open JMAP event streams (live updates: one per webmail tab) of one account."),
            new Setting("web.streams-per-ip", "32", "Open JMAP event streams from one address."),
            new Setting("jmap.max-response-mb", "64", "Largest JMAP response, weighed before it is built (result references can repeat a value many times)."),
            new Setting("limits.max-message-bytes", "52428800", "Largest message accepted anywhere (50 MiB)."),
            new Setting("limits.folders-per-account", "10000", "Folders one account may have (CREATE beyond it: NO [LIMIT])."),
            new Setting("limits.connections-per-ip", "20", "Connections one address may hold open on one listener."),
            new Setting("limits.lmtp-connections-per-ip", "1000", "Connections one address may hold on the LMTP listener: its clients are a front MTA's delivery processes, many from one address (listen.lmtp should stay on a trusted address)."),
            new Setting("limits.connections", "20000", "Connections one listener holds open in all."),
            new Setting("auth.plaintext-on-loopback", "true", "Allow passwords without TLS from 127.0.0.1 and ::1 (never from elsewhere)."),
            new Setting("auth.failure-delay-ms", "500", "Delay after a failed login, doubled per further failure from the same IP or for the same account."),
            new Setting("auth.failure-delay-max-ms", "15000", "Longest delay after failed logins."),
            new Setting("auth.cache-ttl-minutes", "60", "A password that verified is accepted again for this long without the Argon2 check (a keyed hash of it is kept in memory, dropped on password change). 0: always check."),
            new Setting("auth.window-minutes", "15", "Failed logins are counted in windows of this length; a blocked address or account waits for its window to end."),
            new Setting("auth.max-failures-per-ip", "30", "Failed logins one address may make in a window (every protocol together); then its logins are refused until the window ends."),
            new Setting("auth.max-failures-per-account", "20", "Failed logins for one account in a window from addresses that never signed in to it; then only its known addresses may try (so an attacker cannot lock the owner out)."),
            new Setting("smtp.postmaster", "", "Account (or alias) that receives mail to postmaster@ of every local domain that has no account or alias of that name (RFC 5321 §4.5.1). Empty: the domain's first account."),
            new Setting("smtp.srs-secret", "", "Secret (at least 16 characters) for the SRS addresses forwarded mail leaves with; every node of one installation needs the same. Empty: a random key kept in data.dir/srs.key (one node)."),
            new Setting("outbound.smarthost", "", "Send all outgoing mail through this server (host:port) instead of looking up MX records. Empty: deliver directly."),
            new Setting("outbound.smarthost-user", "", "User for AUTH PLAIN at the smarthost (only ever sent over TLS). Empty: no AUTH."),
            new Setting("outbound.smarthost-password", "", "Password for outbound.smarthost-user."),
            new Setting("spam.dnsbl", "", "DNS blocklists the spam filter asks about the sending address of mail arriving on port 25, with the score a listing adds: zone=score, comma separated (e.g. zen.spamhaus.org=3.5, bl.spamcop.net=2). Empty: none."),
            new Setting("spam.rspamd-url", "", "rspamd's normal worker (e.g. http://127.0.0.1:11333): its verdict replaces the built-in rules (the users' own classifiers still count). Empty: the built-in rules."),
            new Setting("outbound.dns", "", "DNS server (host:port) for MX lookups and for SPF, DKIM and DMARC on arriving mail. Empty: the system's resolvers."),
            new Setting("outbound.lifetime-hours", "120", "How long outgoing mail is retried before it is returned to the sender (5 days)."),
            new Setting("outbound.delay-notice-hours", "4", "After how long senders are told (once) that their mail is still being retried. 0: never."),
            new Setting("outbound.connections-per-domain", "4", "Connections to one destination domain at a time."),
            new Setting("outbound.tls-ca", "", "A PEM file of CA certificates trusted besides the JVM's when checking other servers' certificates (MX hosts under an MTA-STS policy, MTA-STS policy hosts): a private CA. Empty: the JVM's trusted CAs."),
            new Setting("outbound.dane", "true", "DANE (RFC 7672): where a destination's MX records and its MX hosts' TLSA records are DNSSEC-signed, mail goes only over TLS with a certificate the records match. Answers are validated here from the DNS root's trust anchors; outbound.dns (or the system's resolver) must pass DNSSEC records on, else DANE is not applied and a warning is logged."),
            new Setting("outbound.dnssec-anchors", "", "A file of DNSSEC trust anchors (DS or DNSKEY records in zone file form) for DANE's validation. Empty: the DNS root's (KSK-2017 and KSK-2024)."),
            new Setting("dkim.rotate-days", "180", "A domain's DKIM signing key older than this gets a successor under a new selector, logged with the record to publish; it signs once that record is seen in the DNS. 0: never (keys are rotated by hand with dkim add)."),
            new Setting("dkim.retire-days", "7", "A DKIM key that stopped signing is removed this many days later (its record must stay published until then: mail it signed is still travelling); the log says when its record can go."),
            new Setting("mta-sts.mode", "testing", "The MTA-STS policy (RFC 8461) served for every local domain at https://mta-sts.DOMAIN/.well-known/mta-sts.txt (the web listener must answer there on port 443 with a certificate for that name): testing (senders report failures but deliver), enforce (senders deliver only over TLS with a valid certificate to the mta-sts.mx hosts), none (withdraws a published policy), or off (not served). Publish the _mta-sts TXT record that `dns records` prints."),
            new Setting("mta-sts.mx", "", "The MX host names (or *.domain patterns) the served MTA-STS policy allows, comma separated. Empty: hostname."),
            new Setting("mta-sts.max-age-days", "7", "How long senders keep the served MTA-STS policy (max_age)."),
            new Setting("reports.send", "dmarc, tls", "Which daily aggregate reports this server sends to the domains that ask for them: dmarc (RFC 7489, on the mail that arrived from the domain, to the rua= of its DMARC record) and tls (RFC 8460, on the TLS sessions with the domain's MX hosts, to its _smtp._tls record). Empty: none."),
            new Setting("reports.from", "", "From address of the aggregate reports; they are DKIM-signed with that domain's key. Empty: reports@ the first local domain with a DKIM key (none: no reports)."),
            new Setting("reports.organization", "", "The organization name the reports give. Empty: hostname."),
            new Setting("cache.parses", "20000", "Decoded envelopes and body structures kept in memory for listing messages (entries; a few KB each)."),
            new Setting("tls.reload-seconds", "60", "How often the certificate and key files (tls.certificate and tls.key, or ACME's) are checked for a change; a changed pair is served by every listener at once, without a restart. 0: never."),
            new Setting("acme.directory", "", "An ACME (RFC 8555) CA's directory URL to get the certificate from, e.g. https://acme-v02.api.letsencrypt.org/directory. The CA checks over HTTP: listen.http must be reachable on port 80 of every name. Empty: no ACME (tls.certificate, else self-signed)."),
            new Setting("acme.domains", "", "Host names on the ACME certificate (comma separated). Empty: hostname."),
            new Setting("acme.email", "", "Contact address given to the ACME CA (expiry warnings). Empty: none."),
            new Setting("acme.ca-certificate", "", "A PEM file of the CA to trust for the ACME directory's HTTPS (a private ACME CA). Empty: the JVM's trusted CAs."),
            new Setting("acme.renew-days", "30", "An ACME certificate is renewed when it ends within this many days."),
            new Setting("acme.check-hours", "12", "How often the ACME certificate's end is checked (and the first order retried after a failure)."),
            new Setting("oauth.jwks-url", "", "OAUTHBEARER and XOAUTH2 (RFC 7628): the OpenID provider's signing keys (its jwks_uri); access tokens are JWTs checked against them. Needs oauth.issuer. Empty: not offered (or see oauth.introspection-url)."),
            new Setting("oauth.issuer", "", "The provider's issuer (the tokens' iss); with oauth.jwks-url, tokens of any other issuer are refused."),
            new Setting("oauth.audience", "", "The audience the tokens must name (aud), e.g. the mail service's client id. Empty: not checked."),
            new Setting("oauth.introspection-url", "", "Instead of oauth.jwks-url: the provider's token introspection endpoint (RFC 7662), asked about each new token."),
            new Setting("oauth.client-id", "", "This server's client id at the provider, for introspection."),
            new Setting("oauth.client-secret", "", "This server's client secret at the provider, for introspection."),
            new Setting("oauth.username-claim", "email", "The claim that names the account (its address)."),
            new Setting("oauth.openid-configuration", "", "Told to clients after a refused token (RFC 7628 §3.2.2). Empty: oauth.issuer + /.well-known/openid-configuration."),
            new Setting("admin.accounts", "", "Administrators (comma separated addresses): they use the admin web UI and API (/admin/) and may set other accounts' quotas over IMAP (SETQUOTA). Empty: none; the CLI always may."),
            new Setting("retention.run-minutes", "60", "How often expired messages are removed from Trash, Junk and folders with a retention policy. 0: never."),
            new Setting("shutdown.grace-seconds", "10", "On SIGTERM, how long running commands get to finish."),
            new Setting("blobs.sweep-minutes", "60", "How often message files nobody refers to any more are deleted."));

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    public static Settings defaults() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Setting s : ALL) m.put(s.key(), s.defaultValue());
        return new Settings(m);
    }

    /** Reads {@code key = value} lines ({@code #} comments); unknown keys are an error, not ignored. */
    public static Settings load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Settings s = defaults();
        for (String key : p.stringPropertyNames()) s = s.with(key, p.getProperty(key).strip());
        return s;
    }

    public Settings with(String key, String value) {
        if (!values.containsKey(key)) throw new ConfigError("unknown setting '" + key + "' (see: postiljon config reference)");
        Map<String, String> m = new LinkedHashMap<>(values);
        m.put(key, value);
        return new Settings(m);
    }

    public String get(String key) {
        String v = values.get(key);
        if (v == null) throw new IllegalArgumentException("no setting " + key);
        return v;
    }

    public long number(String key) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw new ConfigError(key + " must be a whole number, not '" + get(key) + "'");
        }
    }

    public boolean flag(String key) {
        String v = get(key);
        if (v.equals("true") || v.equals("false")) return Boolean.parseBoolean(v);
        throw new ConfigError(key + " must be true or false, not '" + v + "'");
    }

    /** A listener address, or empty for {@code off}. */
    public Optional<InetSocketAddress> address(String key) {
        String v = get(key);
        if (v.equals("off") || v.isEmpty()) return Optional.empty();
        int colon = v.lastIndexOf(':');
        if (colon < 0) throw new ConfigError(key + " must be host:port or off, not '" + v + "'");
        String host = v.substring(0, colon).replace("[", "").replace("]", "");
        try {
            int port = Integer.parseInt(v.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return Optional.of(new InetSocketAddress(host, port));
        } catch (NumberFormatException e) {
            throw new ConfigError(key + " has an invalid port: '" + v + "'");
        }
    }

    /** The reference document, generated from {@link #ALL}. */
    public static String reference() {
        StringBuilder b = new StringBuilder("# Postiljon node configuration reference\n#\n"
                + "# One setting per line, 'key = value'; '#' starts a comment. Every setting has a working default.\n"
                + "# Domains, accounts and aliases are not configured here: they live in the store (postiljon account ...).\n\n");
        for (Setting s : ALL) {
            b.append("# ").append(s.description()).append('\n');
            b.append(s.key()).append(" = ").append(s.defaultValue()).append("\n\n");
        }
        return b.toString();
    }

    public static final class ConfigError extends RuntimeException {
        public ConfigError(String message) {
            super(message);
        }
    }
}
