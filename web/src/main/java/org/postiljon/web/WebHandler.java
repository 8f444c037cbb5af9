package org.postiljon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.postiljon.jmap.Blobs;
import org.postiljon.jmap.RequestError;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.AppPasswords;
import org.postiljon.mailbox.api.ChangeBus;
import org.postiljon.mailbox.api.Directory;
import org.postiljon.mailbox.api.DomainName;
import org.postiljon.mailbox.api.EmailAddress;
import org.postiljon.mailbox.api.WebSessions;
import org.postiljon.net.Slots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP request: JMAP (session, API, upload, download, EventSource), the webmail's login and
 * logout, and the webmail's files. Blocking code on the virtual thread Jetty gives each request.
 * Clients sign in with HTTP Basic (over TLS, or loopback when allowed); the webmail with a cookie
 * session whose changes carry the CSRF header. Every attempt goes through the shared throttle.
 */
final class WebHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(WebHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String COOKIE = "pj_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String ADMIN_API = "/admin/api/v1";
    /** The webmail page: its own scripts and styles only; images from mail only where the sanitiser let them through. */
    static final String PAGE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:;"
            + " frame-src 'self' about:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final WebServices svc;
    private final WebSessions sessions;
    private final Slots<String> streamsPerAccount;
    private final Slots<String> streamsPerIp;
    private final Slots<String> apiPerAccount = new Slots<>(org.postiljon.jmap.Jmap.MAX_CONCURRENT_REQUESTS);
    /** The queues of the open event streams, and what ends one. */
    private final Set<BlockingQueue<ObjectNode>> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final ObjectNode STOP = JSON.createObjectNode();

    private final Slots<String> archivesPerAccount = new Slots<>(1);

    WebHandler(WebServices svc) {
        this.svc = svc;
        this.sessions = svc.sessions();
        this.streamsPerAccount = new Slots<>(svc.limits().streamsPerAccount());
        this.streamsPerIp = new Slots<>(svc.limits().streamsPerIp());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            route(request, response);
            callback.succeeded();
        } catch (RequestError e) {
            problem(response, callback, e.status, e.type, e.getMessage());
        } catch (org.postiljon.net.AuthThrottle.Refused e) {
            // RFC 6585 §4: too many requests, and when to come back.
            response.getHeaders().put(HttpHeader.RETRY_AFTER, e.retryAfter().toSeconds());
            problem(response, callback, 429, "about:blank", e.getMessage() + "; try again in " + e.minutes() + " minutes");
        } catch (Throwable e) {
            log.error("HTTP {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            problem(response, callback, 500, "about:blank", "internal error");
        }
        return true;
    }

    private void route(Request req, Response res) throws IOException {
        String path = req.getHttpURI().getPath();
        String method = req.getMethod();
        secureHeaders(res);
        if (path.equals("/login") && method.equals("POST")) {
            login(req, res);
            return;
        }
        if (path.equals("/logout") && method.equals("POST")) {
            cookie(req).ifPresent(sessions::close);
            Response.addCookie(res, HttpCookie.build(COOKIE, "").path("/").httpOnly(true).secure(true).sameSite(HttpCookie.SameSite.STRICT).maxAge(0).build());
            json(res, 200, JSON.createObjectNode().put("signedOut", true));
            return;
        }
        if (path.equals("/webmail/session") && method.equals("GET")) {
            // A reloaded page learns who is signed in and its CSRF token (the cookie proves the session).
            Optional<WebSessions.Session> s = cookie(req).flatMap(sessions::find);
            Optional<Account> a = s.flatMap(this::account);
            if (a.isEmpty()) json(res, 401, problemJson("about:blank", "sign in first"));
            else json(res, 200, JSON.createObjectNode().put("username", a.get().address().toString()).put("csrf", s.get().csrf()));
            return;
        }
        if (svc.acme() != null && path.startsWith(AcmeChallenges.PATH) && method.equals("GET")) {
            // RFC 8555 §8.3: the CA validates over plain HTTP, before any certificate exists.
            Optional<String> answer = svc.acme().answer(path.substring(AcmeChallenges.PATH.length()));
            if (answer.isPresent()) text(res, 200, "application/octet-stream", answer.get());
            else text(res, 404, "text/plain", "no such challenge\n");
            return;
        }
        if (svc.clients() != null && setup(req, res, path, method)) return;
        if (svc.admin() != null && path.startsWith(ADMIN_API + "/")) {
            admin(req, res, path.substring(ADMIN_API.length()), method);
            return;
        }
        if (path.equals("/admin") && svc.admin() != null) {
            res.getHeaders().put(HttpHeader.LOCATION, "/admin/");
            json(res, 301, JSON.createObjectNode().put("location", "/admin/"));
            return;
        }
        if (path.equals("/webmail/archive") && method.equals("GET") && svc.archives() != null) {
            Optional<Account> account = authenticate(req, res, false);
            if (account.isPresent()) archive(res, account.get());
            return;
        }
        if (path.equals("/.well-known/jmap") || path.startsWith("/jmap/")) {
            Optional<Account> account = authenticate(req, res, !method.equals("GET"));
            if (account.isEmpty()) return;
            jmap(req, res, account.get(), path, method);
            return;
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            Static.serve(req, res, path);
            return;
        }
        json(res, 405, problemJson("about:blank", method + " is not allowed here"));
    }

    /**
     * Mail program set-up, no sign-in needed: Thunderbird's autoconfig (at the well-known path, and
     * at /mail/ on the autoconfig.DOMAIN host), Outlook's autodiscover and an Apple profile. Only
     * for this server's domains; anything else is 404.
     *
     * @return whether the path was one of these
     */
    private boolean setup(Request req, Response res, String path, String method) throws IOException {
        ClientSetup clients = svc.clients();
        boolean autoconfig = path.equals("/.well-known/autoconfig/mail/config-v1.1.xml") || path.equals("/mail/config-v1.1.xml");
        boolean autodiscover = path.equalsIgnoreCase("/autodiscover/autodiscover.xml");
        boolean apple = path.equals("/apple/mail.mobileconfig");
        if (path.equals("/.well-known/mta-sts.txt")) {
            // RFC 8461 §3.3: the policy, as text/plain, at the mta-sts host of a local domain.
            String host = Optional.ofNullable(Request.getServerName(req)).orElse("").toLowerCase(java.util.Locale.ROOT);
            String domain = host.startsWith("mta-sts.") ? host.substring(8) : "";
            if (!method.equals("GET") && !method.equals("HEAD")) text(res, 405, "text/plain", "GET only\n");
            else if (clients.mtaSts().isEmpty() || domain.isEmpty() || !local(domain)) text(res, 404, "text/plain", "no MTA-STS policy for this host here\n");
            else text(res, 200, "text/plain; charset=utf-8", clients.mtaSts());
            return true;
        }
        if (!autoconfig && !autodiscover && !apple) return false; // every other request: no query string parsed here
        Fields q = Request.extractQueryParameters(req);
        if (autoconfig) {
            // The address when the program sends it, else the host it asked: autoconfig.example.com.
            Optional<String> domain = address(q.getValue("emailaddress")).map(a -> a.domain().toString())
                    .or(() -> Optional.ofNullable(Request.getServerName(req)).map(h -> h.startsWith("autoconfig.") ? h.substring(11) : h));
            if (!method.equals("GET") && !method.equals("HEAD")) text(res, 405, "text/plain", "GET only\n");
            else if (domain.isEmpty() || !local(domain.get())) text(res, 404, "text/plain", "no mail service for this domain here\n");
            else text(res, 200, "application/xml; charset=utf-8", clients.thunderbird(domain.get()));
            return true;
        }
        if (autodiscover) {
            Optional<EmailAddress> a;
            if (method.equals("POST")) {
                try (InputStream in = Content.Source.asInputStream(req)) {
                    a = ClientSetup.autodiscoverAddress(in.readNBytes(ClientSetup.MAX_REQUEST));
                }
            } else {
                a = address(q.getValue("emailaddress"));
            }
            if (a.isEmpty()) text(res, 400, "text/plain", "an autodiscover request names one EMailAddress\n");
            else if (!local(a.get().domain().toString())) text(res, 404, "text/plain", "no mail service for this domain here\n");
            else text(res, 200, "application/xml; charset=utf-8", clients.autodiscover(a.get()));
            return true;
        }
        Optional<EmailAddress> a = address(q.getValue("emailaddress")); // the Apple profile
        if (a.isEmpty()) {
            text(res, 400, "text/plain", "add ?emailaddress=you@example.com\n");
        } else if (!local(a.get().domain().toString())) {
            text(res, 404, "text/plain", "no mail service for this domain here\n");
        } else {
            res.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"mail.mobileconfig\"");
            send(res, 200, "application/x-apple-aspen-config", clients.appleProfile(a.get()));
        }
        return true;
    }

    /**
     * The admin API: the OpenAPI description for anyone, everything else for an administrator signed
     * in to the webmail (its changes with the CSRF header) or an API token over HTTP Basic (scripts).
     */
    private void admin(Request req, Response res, String path, String method) throws IOException {
        AdminApi api = svc.admin();
        if (path.equals("/openapi.json") && method.equals("GET")) {
            json(res, 200, api.openApi());
            return;
        }
        Optional<String> actor = adminActor(req, res, !method.equals("GET"));
        if (actor.isEmpty()) return;
        JsonNode body = null;
        if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            String type = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
            try (InputStream in = Content.Source.asInputStream(req)) {
                byte[] bytes = in.readNBytes(AdminApi.MAX_BODY + 1);
                if (bytes.length > AdminApi.MAX_BODY) {
                    json(res, 413, problemJson("about:blank", "the request body is larger than " + AdminApi.MAX_BODY + " bytes"));
                    return;
                }
                if (bytes.length > 0) {
                    if (type == null || !type.startsWith("application/json")) {
                        json(res, 415, problemJson("about:blank", "send the body as application/json"));
                        return;
                    }
                    body = JSON.readTree(bytes);
                }
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                json(res, 400, problemJson("about:blank", "the body is not JSON: " + e.getOriginalMessage()));
                return;
            }
        }
        java.util.Map<String, String> query = new java.util.LinkedHashMap<>();
        for (var f : Request.extractQueryParameters(req)) query.put(f.getName(), f.getValue());
        AdminApi.Reply reply = api.handle(method, path, query, body, actor.get());
        json(res, reply.status(), reply.body());
    }

    /** Who calls the admin API, or empty after an error answer was written. */
    private Optional<String> adminActor(Request req, Response res, boolean changes) throws IOException {
        String auth = req.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            Optional<String[]> credentials = basic(req, res, auth, "tokens");
            if (credentials.isEmpty()) return Optional.empty();
            String user = credentials.get()[0];
            char[] secret = credentials.get()[1].toCharArray();
            Optional<String> who;
            try {
                who = user.length() > 320 || secret.length > 1024 ? Optional.empty()
                        : svc.throttle().attempt(Request.getRemoteAddr(req), user, () -> svc.admin().token(user, secret));
            } finally {
                java.util.Arrays.fill(secret, '\0');
            }
            if (who.isEmpty()) unauthorized(req, res, "not an API token of an administrator");
            return who;
        }
        Optional<Account> a = authenticate(req, res, changes);
        if (a.isEmpty()) return Optional.empty();
        if (!svc.admin().admits(a.get())) {
            json(res, 403, problemJson("about:blank", a.get().address() + " is not an administrator (admin.accounts)"));
            return Optional.empty();
        }
        return Optional.of(a.get().address() + " (web)");
    }

    /**
     * The user's whole mailbox as a zip of mbox files, one per folder (what Thunderbird's and mutt's
     * import read), streamed as it is written. One at a time per account: an archive reads every message.
     */
    private void archive(Response res, Account a) throws IOException {
        String account = String.valueOf(a.id());
        if (!archivesPerAccount.take(account)) {
            json(res, 429, problemJson("about:blank", "an archive of this mailbox is being made already; try again when it is done"));
            return;
        }
        try {
            String name = a.address().toString().replaceAll("[^A-Za-z0-9@._-]", "_") + "-" + java.time.LocalDate.now(java.time.ZoneOffset.UTC) + ".zip";
            res.setStatus(200);
            res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/zip");
            res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            res.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"");
            try (OutputStream out = new java.io.BufferedOutputStream(Content.Sink.asOutputStream(res), 64 * 1024)) {
                svc.archives().mboxZip(a, out);
            }
        } finally {
            archivesPerAccount.release(account);
        }
    }

    private static Optional<EmailAddress> address(String text) {
        if (text == null || text.length() > 320) return Optional.empty();
        try {
            return Optional.of(EmailAddress.parse(text.strip()));
        } catch (IllegalArgumentException | org.postiljon.mailbox.api.MailboxException e) {
            return Optional.empty();
        }
    }

    private boolean local(String domain) {
        try {
            return svc.directory().isLocal(DomainName.of(domain));
        } catch (IllegalArgumentException | org.postiljon.mailbox.api.MailboxException e) {
            return false;
        }
    }

    private static void text(Response res, int status, String type, String body) throws IOException {
        send(res, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(Response res, int status, String type, byte[] body) throws IOException {
        res.setStatus(status);
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        res.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        try (OutputStream out = Content.Sink.asOutputStream(res)) {
            out.write(body);
        }
    }

    private void jmap(Request req, Response res, Account a, String path, String method) throws IOException {
        String base = (req.isSecure() ? "https://" : "http://") + req.getHttpURI().getAuthority();
        if ((path.equals("/.well-known/jmap") || path.equals("/jmap/session")) && method.equals("GET")) {
            json(res, 200, svc.jmap().session(a, base));
        } else if (path.equals("/jmap/api") && method.equals("POST")) {
            String account = String.valueOf(a.id());
            if (!apiPerAccount.take(account)) {
                // RFC 8620 §2: the maxConcurrentRequests the session object announces, per account.
                json(res, 429, problemJson("urn:ietf:params:jmap:error:limit", "too many concurrent requests").put("limit", "maxConcurrentRequests"));
                return;
            }
            ObjectNode answer;
            try (InputStream in = Content.Source.asInputStream(req)) {
                answer = svc.jmap().api(a, in);
            } finally {
                apiPerAccount.release(account);
            }
            // Written as it is serialised: a response of tens of MB is never a second time in memory as one array.
            res.setStatus(200);
            res.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
            res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            try (OutputStream out = new java.io.BufferedOutputStream(Content.Sink.asOutputStream(res), 64 * 1024)) {
                JSON.writeValue(out, answer);
            }
        } else if (path.startsWith("/jmap/upload/") && method.equals("POST")) {
            String accountId = path.substring("/jmap/upload/".length()).replace("/", "");
            if (!accountId.equals(org.postiljon.jmap.Jmap.accountId(a))) {
                json(res, 404, problemJson("urn:ietf:params:jmap:error:notFound", "no such account"));
                return;
            }
            try (InputStream in = Content.Source.asInputStream(req)) {
                json(res, 201, svc.jmap().blobs().upload(a, req.getHeaders().get(HttpHeader.CONTENT_TYPE), in));
            }
        } else if (path.startsWith("/jmap/download/") && method.equals("GET")) {
            download(req, res, a, path);
        } else if (path.equals("/jmap/eventsource") && method.equals("GET")) {
            // Each stream holds a connection and a subscription for hours: bounded per account and per address.
            String account = String.valueOf(a.id()), ip = Request.getRemoteAddr(req);
            if (!streamsPerAccount.take(account)) {
                pauseBeforeRefusal();
                json(res, 429, problemJson("about:blank", "too many open event streams for this account (" + svc.limits().streamsPerAccount() + ")"));
                return;
            }
            try {
                if (!streamsPerIp.take(ip)) {
                    pauseBeforeRefusal();
                    json(res, 429, problemJson("about:blank", "too many open event streams from your address (" + svc.limits().streamsPerIp() + ")"));
                    return;
                }
                try {
                    eventSource(req, res, a);
                } finally {
                    streamsPerIp.release(ip);
                }
            } finally {
                streamsPerAccount.release(account);
            }
        } else {
            json(res, 404, problemJson("about:blank", "no such JMAP resource"));
        }
    }

    private void download(Request req, Response res, Account a, String path) throws IOException {
        String[] p = path.substring("/jmap/download/".length()).split("/", 3);
        if (p.length < 2 || !p[0].equals(org.postiljon.jmap.Jmap.accountId(a))) {
            json(res, 404, problemJson("about:blank", "no such blob"));
            return;
        }
        Optional<Blobs.Blob> blob = svc.jmap().blobs().open(a, p[1]);
        if (blob.isEmpty()) {
            json(res, 404, problemJson("about:blank", "no such blob"));
            return;
        }
        Fields q = Request.extractQueryParameters(req);
        String type = q.getValue("type");
        if (type == null || !type.matches("[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+")) type = blob.get().type();
        String name = p.length == 3 ? java.net.URLDecoder.decode(p[2], StandardCharsets.UTF_8) : "download";
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        res.getHeaders().put(HttpHeader.CONTENT_LENGTH, blob.get().size());
        // Never rendered as a page of this site: a downloaded HTML attachment runs nothing (CSP sandbox).
        res.getHeaders().put("Content-Disposition", (q.getValue("inline") != null ? "inline" : "attachment")
                + "; filename*=UTF-8''" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
        res.getHeaders().put("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'");
        res.getHeaders().put("Cache-Control", "private, immutable, max-age=604800");
        res.setStatus(200);
        try (InputStream in = blob.get().content(); OutputStream out = Content.Sink.asOutputStream(res)) {
            in.transferTo(out);
        }
    }

    /**
     * RFC 8620 §7.3: one StateChange now and one per change; {@code closeafter=state} ends after the
     * first change, {@code ping} (seconds) keeps proxies from closing an idle stream.
     */
    private void eventSource(Request req, Response res, Account a) throws IOException {
        Fields q = Request.extractQueryParameters(req);
        String types = q.getValue("types");
        Set<String> wanted = types == null || types.equals("*") ? null : new HashSet<>(List.of(types.split(",")));
        boolean closeAfter = "state".equals(q.getValue("closeafter"));
        int ping = 0;
        String p = q.getValue("ping");
        if (p != null && p.matches("[0-9]{1,6}")) ping = Integer.parseInt(p);
        if (ping != 0 && ping < 5) ping = 5; // RFC 8620 §7.3: the server may raise a too-small interval
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        res.setStatus(200);
        BlockingQueue<ObjectNode> events = new LinkedBlockingQueue<>(1000);
        try (ChangeBus.Subscription sub = svc.jmap().push().subscribe(a, wanted, events::offer);
             OutputStream out = Content.Sink.asOutputStream(res)) {
            writeEvent(out, "state", svc.jmap().push().current(a, wanted));
            streams.add(events);
            while (true) {
                ObjectNode e = events.poll(ping == 0 ? 60 : ping, TimeUnit.SECONDS);
                if (e == STOP) return;
                if (e == null) {
                    if (ping > 0) writeEvent(out, "ping", JSON.createObjectNode().put("interval", ping));
                    else {
                        out.write(":\n\n".getBytes(StandardCharsets.US_ASCII)); // a comment: notices a gone client
                        out.flush();
                    }
                    continue;
                }
                // Coalesce what else arrived meanwhile: the last state is what counts.
                for (ObjectNode more; (more = events.poll()) != null; ) {
                    if (more == STOP) return;
                    e = more;
                }
                writeEvent(out, "state", e);
                if (closeAfter) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // the client went away
        } finally {
            streams.remove(events);
        }
    }

    /** A second before a 429 for streams: a client that reconnects at once (EventSource does) cannot turn refusals into load. */
    private static void pauseBeforeRefusal() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends every open event stream (the server is stopping; they would otherwise wait for their next event). */
    void closeStreams() {
        for (BlockingQueue<ObjectNode> q : streams) q.offer(STOP);
    }

    private static void writeEvent(OutputStream out, String event, JsonNode data) throws IOException {
        out.write(("event: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    // ---- authentication ----

    /** 127.0.0.0/8 and ::1, as the mail listeners count loopback. */
    private static boolean loopback(Request req) {
        java.net.SocketAddress a = req.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof java.net.InetSocketAddress i && i.getAddress() != null && i.getAddress().isLoopbackAddress();
    }

    private boolean passwordAllowed(Request req) {
        return req.isSecure() || (svc.plaintextOnLoopback() && loopback(req));
    }

    private static Optional<String> cookie(Request req) {
        for (HttpCookie c : Request.getCookies(req)) if (c.getName().equals(COOKIE)) return Optional.of(c.getValue());
        return Optional.empty();
    }

    /** The signed-in account, or empty after an error answer was written. */
    private Optional<Account> authenticate(Request req, Response res, boolean changes) throws IOException {
        String auth = req.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            Optional<String[]> credentials = basic(req, res, auth, "passwords");
            if (credentials.isEmpty()) return Optional.empty();
            Optional<Account> a = check(req, credentials.get()[0], credentials.get()[1], AppPasswords.Scope.JMAP);
            if (a.isEmpty()) unauthorized(req, res, "wrong user name or password");
            return a;
        }
        Optional<WebSessions.Session> s = cookie(req).flatMap(sessions::find);
        if (s.isPresent()) {
            // CSRF: every change made with the cookie carries the session's token in a header.
            if (changes && !s.get().csrf().equals(req.getHeaders().get(CSRF_HEADER))) {
                json(res, 403, problemJson("about:blank", "missing or wrong " + CSRF_HEADER));
                return Optional.empty();
            }
            Optional<Account> a = account(s.get());
            if (a.isPresent()) return a;
            cookie(req).ifPresent(sessions::close);
        }
        unauthorized(req, res, "sign in first");
        return Optional.empty();
    }

    /**
     * HTTP Basic's user and secret (RFC 7617), only over TLS or from loopback when allowed; empty
     * after an error answer was written.
     *
     * @param what what the secret is, for the refusal ("passwords", "tokens")
     */
    private Optional<String[]> basic(Request req, Response res, String auth, String what) throws IOException {
        if (!passwordAllowed(req)) {
            json(res, 403, problemJson("about:blank", what + " only over HTTPS"));
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            unauthorized(req, res, "bad Basic credentials");
            return Optional.empty();
        }
        return Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
    }

    /** The session's account, while its password is the one the session was opened with. */
    private Optional<Account> account(WebSessions.Session s) {
        return svc.directory().findStamped(s.accountId()).filter(a -> a.credentials().equals(s.credentials())).map(Directory.Stamped::account);
    }

    /** @param scope the app passwords that count too (HTTP Basic for JMAP clients); null: the account's password only */
    private Optional<Account> check(Request req, String user, String password, AppPasswords.Scope scope) {
        if (user.length() > 320 || password.length() > 1024) return Optional.empty();
        char[] pw = password.toCharArray();
        try {
            return svc.throttle().attempt(Request.getRemoteAddr(req), user,
                    () -> scope == null ? svc.directory().authenticate(user, pw) : svc.directory().authenticate(user, pw, scope));
        } finally {
            java.util.Arrays.fill(pw, '\0');
        }
    }

    private static void unauthorized(Request req, Response res, String why) throws IOException {
        // The webmail asks without the Basic challenge, so the browser shows our login page, not its dialog.
        if (req.getHeaders().get("X-Postiljon-Webmail") == null) res.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"Postiljon\", charset=\"UTF-8\"");
        json(res, 401, problemJson("about:blank", why));
    }

    private void login(Request req, Response res) throws IOException {
        if (!passwordAllowed(req)) {
            json(res, 403, problemJson("about:blank", "sign in over HTTPS"));
            return;
        }
        String type = req.getHeaders().get(HttpHeader.CONTENT_TYPE);
        // JSON only: a cross-site form cannot send it without a CORS preflight we never grant.
        if (type == null || !type.startsWith("application/json")) {
            json(res, 415, problemJson("about:blank", "send the credentials as application/json"));
            return;
        }
        JsonNode body;
        try (InputStream in = Content.Source.asInputStream(req)) {
            body = JSON.readTree(in.readNBytes(4096));
        } catch (IOException e) {
            json(res, 400, problemJson("about:blank", "bad request"));
            return;
        }
        if (body == null || !body.path("username").isTextual() || !body.path("password").isTextual()) {
            json(res, 400, problemJson("about:blank", "username and password are required"));
            return;
        }
        // The webmail takes the account's password only: app passwords are for mail programs.
        Optional<Account> a = check(req, body.get("username").asText(), body.get("password").asText(), null);
        if (a.isEmpty()) {
            json(res, 401, problemJson("about:blank", "wrong user name or password"));
            return;
        }
        if (svc.twoFactor().enabled(a.get())) {
            // Two-step sign-in: the password was right; now the code, counted with failed logins when wrong.
            String code = body.path("code").isTextual() ? body.get("code").asText() : "";
            if (code.isBlank()) {
                json(res, 401, problemJson("about:blank", "enter the code from your authenticator app").put("code", true));
                return;
            }
            Account who = a.get();
            if (svc.throttle().attempt(Request.getRemoteAddr(req), body.get("username").asText(),
                    () -> svc.twoFactor().check(who, code) ? Optional.of(who) : Optional.empty()).isEmpty()) {
                json(res, 401, problemJson("about:blank", "the code is not right (or was used already)").put("code", true));
                return;
            }
        }
        String stamp = svc.directory().findStamped(a.get().id()).map(Directory.Stamped::credentials).orElse("");
        WebSessions.Opened s = sessions.open(a.get().id(), stamp);
        Response.addCookie(res, HttpCookie.build(COOKIE, s.token()).path("/").httpOnly(true).secure(true).sameSite(HttpCookie.SameSite.STRICT).build());
        json(res, 200, JSON.createObjectNode().put("username", a.get().address().toString()).put("csrf", s.csrf()));
    }

    // ---- answers ----

    private static void secureHeaders(Response res) {
        res.getHeaders().put("X-Content-Type-Options", "nosniff");
        res.getHeaders().put("Referrer-Policy", "no-referrer");
        res.getHeaders().put("X-Frame-Options", "DENY");
        res.getHeaders().put("Cross-Origin-Opener-Policy", "same-origin");
    }

    static ObjectNode problemJson(String type, String detail) {
        return JSON.createObjectNode().put("type", type).put("detail", detail);
    }

    static void json(Response res, int status, JsonNode body) throws IOException {
        res.setStatus(status);
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, status >= 400 ? "application/problem+json" : "application/json; charset=utf-8");
        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (status >= 400) ((ObjectNode) body).put("status", status);
        byte[] bytes = JSON.writeValueAsBytes(body);
        res.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        try (OutputStream out = Content.Sink.asOutputStream(res)) {
            out.write(bytes);
        }
    }

    private static void problem(Response res, Callback callback, int status, String type, String detail) {
        try {
            if (!res.isCommitted()) {
                json(res, status, problemJson(type, detail));
            }
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(e);
        }
    }
}
