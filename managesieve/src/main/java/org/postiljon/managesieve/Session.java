package org.postiljon.managesieve;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.SieveScripts;
import org.postiljon.net.AuthThrottle;
import org.postiljon.net.Connection;
import org.postiljon.net.LineReader;
import org.postiljon.net.Sasl;
import org.postiljon.net.SaslStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One ManageSieve connection (RFC 5804): capabilities, STARTTLS, AUTHENTICATE, then the script commands. */
final class Session {

    private static final Logger log = LoggerFactory.getLogger(Session.class);
    static final int MAX_LINE = 8 * 1024;
    /** A literal may carry a script (256 KiB) and a little more. */
    static final int MAX_LITERAL = 300 * 1024;
    static final int MAX_SCRIPT = 256 * 1024;
    static final int MAX_ERRORS = 10;
    static final int MAX_SASL_STEPS = 5;
    static final Duration IDLE_BEFORE_AUTH = Duration.ofMinutes(1);
    static final Duration IDLE = Duration.ofMinutes(30);

    private final ManageSieveServices services;
    private final Connection connection;
    private LineReader in;
    private OutputStream out;
    private Account account;
    private int errors;
    private boolean done;

    Session(ManageSieveServices services, Connection connection) {
        this.services = services;
        this.connection = connection;
        streams();
    }

    private void streams() {
        in = new LineReader(connection.input(), MAX_LINE);
        out = connection.output();
    }

    void run() throws IOException {
        connection.readTimeout(IDLE_BEFORE_AUTH);
        capabilities();
        ok("Postiljon ManageSieve ready");
        try {
            while (!done && !connection.closeRequested()) {
                out.flush();
                List<String> words;
                try {
                    words = command();
                } catch (LineReader.LineTooLong e) {
                    no(null, "line too long");
                    continue;
                } catch (Refusal e) {
                    no(e.code, e.getMessage());
                    continue;
                }
                if (words == null) return;
                if (words.isEmpty()) {
                    no(null, "empty command");
                    continue;
                }
                dispatch(words);
                if (errors >= MAX_ERRORS) {
                    bye(null, "too many errors");
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            bye(null, "idle for too long");
        } catch (EOFException e) {
            log.debug("ManageSieve client went away inside a command");
        } finally {
            out.flush();
        }
    }

    /** A refusal that ends one command: {@code NO (code) "text"}. */
    static final class Refusal extends RuntimeException {
        final String code;

        Refusal(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private void dispatch(List<String> w) throws IOException {
        String name = w.getFirst().toUpperCase(Locale.ROOT);
        List<String> args = w.subList(1, w.size());
        long t0 = System.nanoTime();
        try {
            switch (name) {
                case "CAPABILITY" -> {
                    capabilities();
                    ok(null);
                }
                case "NOOP" -> okRaw(args.isEmpty() ? null : "(TAG " + quoted(args.getFirst()) + ") \"Done\"");
                case "LOGOUT" -> {
                    ok("Logout complete");
                    done = true;
                }
                case "STARTTLS" -> startTls();
                case "AUTHENTICATE" -> authenticate(args);
                case "UNAUTHENTICATE" -> {
                    // RFC 5804 §2.14.1
                    requireAccount();
                    account = null;
                    connection.readTimeout(IDLE_BEFORE_AUTH);
                    ok(null);
                }
                case "HAVESPACE" -> {
                    requireAccount();
                    arity(args, 2);
                    long size = number(args.get(1));
                    if (size > MAX_SCRIPT) throw new Refusal("QUOTA/MAXSIZE", "a script is at most " + MAX_SCRIPT + " octets");
                    if (services.scripts().list(account).size() >= SieveScripts.MAX_SCRIPTS
                            && services.scripts().get(account, args.get(0)).isEmpty()) {
                        throw new Refusal("QUOTA/MAXSCRIPTS", "an account keeps at most " + SieveScripts.MAX_SCRIPTS + " scripts");
                    }
                    ok(null);
                }
                case "PUTSCRIPT" -> {
                    requireAccount();
                    arity(args, 2);
                    services.scripts().put(account, args.get(0), args.get(1));
                    ok(null);
                }
                case "CHECKSCRIPT" -> {
                    requireAccount();
                    arity(args, 1);
                    Optional<String> fault = services.scripts().check(args.getFirst());
                    if (fault.isPresent()) throw new Refusal(null, fault.get());
                    ok(null);
                }
                case "LISTSCRIPTS" -> {
                    requireAccount();
                    arity(args, 0);
                    for (SieveScripts.Script s : services.scripts().list(account)) line(quoted(s.name()) + (s.active() ? " ACTIVE" : ""));
                    ok(null);
                }
                case "SETACTIVE" -> {
                    requireAccount();
                    arity(args, 1);
                    if (!args.getFirst().isEmpty() && services.scripts().get(account, args.getFirst()).isEmpty()) {
                        throw new Refusal("NONEXISTENT", "no script " + args.getFirst());
                    }
                    services.scripts().activate(account, args.getFirst().isEmpty() ? null : args.getFirst()); // §2.8: "" deactivates
                    ok(null);
                }
                case "GETSCRIPT" -> {
                    requireAccount();
                    arity(args, 1);
                    SieveScripts.Script s = services.scripts().get(account, args.getFirst())
                            .orElseThrow(() -> new Refusal("NONEXISTENT", "no script " + args.getFirst()));
                    line(literal(s.content()));
                    ok(null);
                }
                case "DELETESCRIPT" -> {
                    requireAccount();
                    arity(args, 1);
                    SieveScripts.Script s = services.scripts().get(account, args.getFirst())
                            .orElseThrow(() -> new Refusal("NONEXISTENT", "no script " + args.getFirst()));
                    if (s.active()) throw new Refusal("ACTIVE", "the script is active; deactivate it first");
                    services.scripts().delete(account, s.name());
                    ok(null);
                }
                case "RENAMESCRIPT" -> {
                    requireAccount();
                    arity(args, 2);
                    if (services.scripts().get(account, args.get(0)).isEmpty()) throw new Refusal("NONEXISTENT", "no script " + args.get(0));
                    if (services.scripts().get(account, args.get(1)).isPresent()) throw new Refusal("ALREADYEXISTS", "a script " + args.get(1) + " exists");
                    services.scripts().rename(account, args.get(0), args.get(1));
                    ok(null);
                }
                default -> throw new Refusal(null, "unknown command " + Connection.printable(name, 40));
            }
        } catch (Refusal e) {
            no(e.code, e.getMessage());
        } catch (MailboxException e) {
            no(null, e.getMessage());
        } catch (RuntimeException e) {
            log.error("ManageSieve command {} failed", name, e);
            no("TRYLATER", "internal error, try again later");
        } finally {
            org.postiljon.net.CommandTimes.command("managesieve", KNOWN.contains(name) ? name.toLowerCase(Locale.ROOT)
                    : org.postiljon.net.CommandTimes.UNKNOWN, System.nanoTime() - t0);
        }
    }

    private static final java.util.Set<String> KNOWN = java.util.Set.of("CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "AUTHENTICATE", "UNAUTHENTICATE",
            "HAVESPACE", "PUTSCRIPT", "CHECKSCRIPT", "LISTSCRIPTS", "SETACTIVE", "GETSCRIPT", "DELETESCRIPT", "RENAMESCRIPT");

    private void requireAccount() {
        if (account == null) throw new Refusal(null, "authenticate first");
    }

    private static void arity(List<String> args, int n) {
        if (args.size() != n) throw new Refusal(null, "expected " + n + " argument" + (n == 1 ? "" : "s"));
    }

    private static long number(String s) {
        if (!s.matches("[0-9]{1,10}")) throw new Refusal(null, "not a number: " + Connection.printable(s, 20));
        return Long.parseLong(s);
    }

    private boolean plaintextAllowed() {
        return connection.isSecure() || services.plaintextOnLoopback() && connection.isLoopback();
    }

    /** RFC 5804 §1.7: the capability lines, before OK; after STARTTLS and authentication they are sent again. */
    private void capabilities() throws IOException {
        line("\"IMPLEMENTATION\" \"Postiljon\"");
        line("\"SIEVE\" " + quoted(String.join(" ", services.scripts().extensions())));
        if (account == null) line("\"SASL\" " + quoted(String.join(" ", services.sasl().mechanisms(plaintextAllowed()))));
        if (account == null && services.tls() != null && !connection.isSecure()) line("\"STARTTLS\"");
        line("\"MAXREDIRECTS\" " + quoted(String.valueOf(services.scripts().maxRedirects())));
        if (account != null) line("\"OWNER\" " + quoted(account.address().toString()));
        line("\"VERSION\" \"1.0\"");
    }

    /** RFC 5804 §2.2: after the handshake the capabilities again (STARTTLS no longer among them). */
    private void startTls() throws IOException {
        if (services.tls() == null) throw new Refusal(null, "STARTTLS is not available on this port");
        if (connection.isSecure()) throw new Refusal(null, "already using TLS");
        if (connection.input().available() > 0) throw new Refusal(null, "no commands may follow STARTTLS before the handshake");
        ok("Begin TLS negotiation now");
        out.flush();
        connection.startTls(services.tls());
        streams();
        capabilities();
        ok(null);
    }

    /** RFC 5804 §2.1: AUTHENTICATE mechanism [initial response]; challenges and responses are base64 strings. */
    private void authenticate(List<String> args) throws IOException {
        if (account != null) throw new Refusal(null, "already authenticated");
        if (args.isEmpty() || args.size() > 2) throw new Refusal(null, "expected a mechanism and an optional initial response");
        String name = args.getFirst();
        boolean plaintext = org.postiljon.net.Sasl.needsPrivacy(name);
        if (plaintext && !plaintextAllowed()) throw new Refusal("ENCRYPT-NEEDED", name + " is not allowed without TLS; use STARTTLS first");
        Sasl.Mechanism m = services.sasl().mechanism(name).orElseThrow(() -> new Refusal(null, "unsupported mechanism " + Connection.printable(name, 40)));
        try {
            services.throttle().refuseIfBlocked(connection.remoteIp());
        } catch (AuthThrottle.Refused r) {
            throw new Refusal("TRYLATER", r.getMessage());
        }
        SaslStep step = m.start(args.size() > 1 ? decode(args.get(1)) : null);
        for (int i = 0; step instanceof SaslStep.Challenge c; i++) {
            if (i >= MAX_SASL_STEPS) throw new Refusal(null, "too many SASL steps");
            line(quoted(Base64.getEncoder().encodeToString(c.data())));
            out.flush();
            List<String> answer = command();
            if (answer == null) throw new EOFException();
            if (answer.size() != 1) throw new Refusal(null, "a SASL response is one string");
            if (answer.getFirst().equals("*")) throw new Refusal(null, "authentication cancelled");
            step = m.next(decode(answer.getFirst()));
        }
        SaslStep outcome = step;
        String user = outcome instanceof SaslStep.Failure f ? f.username() : ((SaslStep.Success) outcome).account().address().toString();
        try {
            account = services.throttle().attempt(connection.remoteIp(), user,
                    () -> outcome instanceof SaslStep.Success ok ? Optional.of(ok.account()) : Optional.empty())
                    .orElseThrow(() -> new Refusal(null, "authentication failed"));
        } catch (AuthThrottle.Refused r) {
            throw new Refusal("TRYLATER", r.getMessage());
        }
        connection.readTimeout(IDLE);
        connection.signedIn(account.address().toString());
        byte[] extra = ((SaslStep.Success) outcome).additional();
        // RFC 5804 §2.1: SCRAM's server-final message goes with the OK as a SASL response code.
        okRaw(extra.length == 0 ? null : "(SASL " + quoted(Base64.getEncoder().encodeToString(extra)) + ")");
    }

    private static byte[] decode(String b64) {
        try {
            return Base64.getDecoder().decode(b64.strip());
        } catch (IllegalArgumentException e) {
            throw new Refusal(null, "invalid base64 in a SASL response");
        }
    }

    // ---- reading: words, quoted strings and literals (RFC 5804 §4) ----

    /** The next command's words (strings unquoted, literals read); null at the end of the stream. */
    private List<String> command() throws IOException {
        List<String> words = new ArrayList<>();
        byte[] raw = in.readLine();
        if (raw == null) return null;
        Refusal problem = null;
        while (true) {
            String line = new String(raw, StandardCharsets.UTF_8);
            int i = 0;
            Integer literal = null;
            while (i < line.length()) {
                char c = line.charAt(i);
                if (c == ' ') {
                    i++;
                } else if (c == '"') {
                    StringBuilder b = new StringBuilder();
                    i++;
                    while (i < line.length() && line.charAt(i) != '"') {
                        if (line.charAt(i) == '\\' && i + 1 < line.length()) i++;
                        b.append(line.charAt(i++));
                    }
                    if (i >= line.length() && problem == null) problem = new Refusal(null, "a quoted string that does not end");
                    i++;
                    words.add(b.toString());
                } else if (c == '{' && line.endsWith("}") && line.substring(i).matches("\\{[0-9]{1,9}\\+?}")) {
                    literal = Integer.parseInt(line.substring(i + 1, line.length() - (line.endsWith("+}") ? 2 : 1)));
                    break;
                } else {
                    int end = line.indexOf(' ', i);
                    if (end < 0) end = line.length();
                    words.add(line.substring(i, end));
                    i = end;
                }
            }
            if (literal == null) break;
            // Both {n+} and {n}: the server never sends a continuation (RFC 5804 §4 clients send non-synchronizing literals).
            byte[] data = readExactly(literal);
            if (data == null && problem == null) problem = new Refusal("QUOTA/MAXSIZE", "a literal is at most " + MAX_LITERAL + " octets");
            words.add(data == null ? "" : new String(data, StandardCharsets.UTF_8));
            raw = in.readLine();
            if (raw == null) throw new EOFException();
        }
        if (problem != null) throw problem;
        return words;
    }

    /** {@code n} octets; past {@link #MAX_LITERAL} they are read and dropped (null), so the stream stays in step. */
    private byte[] readExactly(int n) throws IOException {
        InputStream input = connection.input();
        if (n > MAX_LITERAL) {
            long left = n;
            while (left > 0) {
                long skipped = input.skip(left);
                if (skipped <= 0) {
                    if (input.read() < 0) throw new EOFException();
                    skipped = 1;
                }
                left -= skipped;
            }
            return null;
        }
        byte[] b = input.readNBytes(n);
        if (b.length < n) throw new EOFException();
        return b;
    }

    // ---- responses ----

    private void ok(String text) throws IOException {
        okRaw(text == null ? null : quoted(text));
    }

    /** OK with an already formatted tail (a response code and/or a quoted string), or none. */
    private void okRaw(String tail) throws IOException {
        errors = 0;
        line(tail == null ? "OK" : "OK " + tail);
    }

    private void no(String code, String text) throws IOException {
        errors++;
        line("NO " + (code == null ? "" : "(" + code + ") ") + quotedOrLiteral(text));
    }

    private void bye(String code, String text) throws IOException {
        line("BYE " + (code == null ? "" : "(" + code + ") ") + quoted(text));
        out.flush();
    }

    private void line(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    /** A quoted string (RFC 5804 §4): '"' and '\' escaped; line breaks, which it cannot hold, as spaces. */
    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace('\r', ' ').replace('\n', ' ') + "\"";
    }

    /** A literal for text that may hold line breaks (a script, a multi-line error). */
    static String literal(String s) {
        return "{" + s.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + s;
    }

    private static String quotedOrLiteral(String s) {
        return s.contains("\r") || s.contains("\n") || s.length() > 1000 ? literal(s) : quoted(s);
    }
}
