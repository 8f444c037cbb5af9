package org.postiljon.pop3;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Leases;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.net.Connection;
import org.postiljon.net.LineReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One POP3 connection: AUTHORIZATION, then TRANSACTION, then UPDATE on QUIT (RFC 1939 §3). */
final class Session {

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    enum State { AUTHORIZATION, TRANSACTION, DONE }

    private final Pop3Services services;
    private final Connection connection;
    private LineReader in;
    private OutputStream out;
    State state = State.AUTHORIZATION;
    Account account;
    Maildrop maildrop;
    /** The hold on the maildrop while {@link #maildrop} is set. */
    private Leases.Lease lease;
    /** The name given by USER, waiting for PASS. */
    String user;
    private int errorsInARow;

    Session(Pop3Services services, Connection connection) {
        this.services = services;
        this.connection = connection;
        streams();
    }

    private void streams() {
        this.in = new LineReader(connection.input(), services.limits().maxLineBytes());
        this.out = connection.output();
    }

    Pop3Services services() {
        return services;
    }

    Connection connection() {
        return connection;
    }

    void run() throws IOException {
        connection.readTimeout(services.limits().idleBeforeAuth());
        ok("Postiljon POP3 ready");
        out.flush();
        try {
            while (state != State.DONE && !connection.closeRequested()) {
                // A session waiting for a command is closed at once on shutdown; without QUIT nothing is deleted.
                Connection.CommandLine next = connection.readCommand(in, new byte[0]);
                if (next == null) return;
                if (next.tooLong()) error(null, "line too long");
                else command(new String(next.bytes(), StandardCharsets.UTF_8));
                // RFC 2449 §6.6 PIPELINING: answer everything that has arrived, then flush once.
                if (connection.input().available() == 0) out.flush();
                if (errorsInARow >= services.limits().maxBadCommands()) {
                    error(null, "too many errors, closing");
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            // RFC 1939 §3: an autologout timer ends the session without entering UPDATE.
            error(null, "autologout; idle for too long");
        } catch (EOFException e) {
            log.debug("client went away inside a command");
        } finally {
            out.flush();
            releaseMaildrop();
        }
    }

    /** Ends the exclusive hold on the maildrop (QUIT, after the UPDATE state); the session ends next. */
    void releaseMaildrop() {
        if (lease != null) lease.close();
        lease = null;
        maildrop = null;
    }

    /**
     * Whether the session still holds its maildrop; false only when this node stalled past the
     * lease's time and another session took it: deleting now could delete what that one shows.
     */
    boolean holdsMaildrop() {
        return lease != null && lease.held();
    }

    /** The name of an account's maildrop lock. */
    static String maildropLease(long accountId) {
        return "pop3:" + accountId;
    }

    private void command(String line) throws IOException {
        int sp = line.indexOf(' ');
        String keyword = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String args = sp < 0 ? "" : line.substring(sp + 1);
        Commands.Entry entry = Commands.TABLE.get(keyword);
        long t0 = System.nanoTime();
        try {
            if (entry == null) throw new Pop3Error("unknown command " + printable(keyword));
            if (!entry.states().contains(state)) throw new Pop3Error(keyword + " is not allowed in the " + state + " state");
            entry.command().run(this, args);
        } catch (Pop3Error e) {
            error(e.code, e.getMessage());
        } catch (MailboxException e) {
            error(code(e), e.getMessage());
        } catch (RuntimeException e) {
            log.error("POP3 command {} failed", keyword, e);
            error("SYS/TEMP", "internal error, try again later");
        } finally {
            org.postiljon.net.CommandTimes.command("pop3", entry == null ? org.postiljon.net.CommandTimes.UNKNOWN : keyword, System.nanoTime() - t0);
        }
    }

    /**
     * RFC 3206 §4: SYS/TEMP for what may pass by itself (a full disk, a server limit, a damaged
     * file the operator repairs), SYS/PERM for the rest. Exhaustive over the sealed type.
     */
    static String code(MailboxException e) {
        return switch (e) {
            case MailboxException.Unavailable x -> "SYS/TEMP";
            case MailboxException.LimitReached x -> "SYS/TEMP";
            case MailboxException.Damaged x -> "SYS/TEMP";
            case MailboxException.OverQuota x -> "SYS/PERM";
            case MailboxException.TooBig x -> "SYS/PERM";
            case MailboxException.NoRights x -> "SYS/PERM";
            case MailboxException.NotAllowed x -> "SYS/PERM";
            case MailboxException.NoSuchMailbox x -> "SYS/PERM";
            case MailboxException.NoSuchAccount x -> "SYS/PERM";
            case MailboxException.NoSuchAlias x -> "SYS/PERM";
            case MailboxException.NoSuchDomain x -> "SYS/PERM";
            case MailboxException.InvalidName x -> "SYS/PERM";
            case MailboxException.MailboxExists x -> "SYS/PERM";
            case MailboxException.AccountExists x -> "SYS/PERM";
            case MailboxException.DomainExists x -> "SYS/PERM";
            case MailboxException.AliasExists x -> "SYS/PERM";
        };
    }

    // ---- responses ----

    void ok(String text) throws IOException {
        errorsInARow = 0;
        line(text.isEmpty() ? "+OK" : "+OK " + text);
    }

    void error(String code, String text) throws IOException {
        errorsInARow++;
        line("-ERR " + (code == null ? "" : "[" + code + "] ") + text);
    }

    /** One response line; text from clients reaches it only through {@link #printable}. */
    void line(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    /** Ends a multi-line response (RFC 1939 §3). */
    void end() throws IOException {
        line(".");
    }

    /**
     * A message as a multi-line response body: dot-stuffed (RFC 1939 §3), ending in CRLF. With
     * {@code bodyLines} >= 0 only the header, the empty line and that many body lines (TOP).
     */
    void message(InputStream content, long bodyLines) throws IOException {
        byte[] buf = new byte[16 * 1024];
        boolean lineStart = true, inHeader = true;
        long lines = 0;
        int previous = -1;
        int n;
        copy:
        while ((n = content.read(buf)) > 0) {
            int from = 0; // buf[from, i) is still to be written
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (lineStart) {
                    if (!inHeader && bodyLines >= 0 && lines >= bodyLines) {
                        out.write(buf, from, i - from);
                        previous = '\n';
                        break copy;
                    }
                    if (b == '.') { // RFC 1939 §3: byte-stuff a line that starts with the termination octet
                        out.write(buf, from, i - from);
                        out.write('.');
                        from = i;
                    }
                    if (inHeader && (b == '\r' || b == '\n')) inHeader = false; // the empty line that ends the header
                    else if (!inHeader) lines++;
                }
                lineStart = b == '\n';
            }
            out.write(buf, from, n - from);
            previous = buf[n - 1];
        }
        if (previous >= 0 && previous != '\n') line(""); // the last line had no CRLF
        end();
    }

    // ---- state ----

    boolean plaintextAllowed() {
        return connection.isSecure() || (services.plaintextOnLoopback() && connection.isLoopback());
    }

    /** Authentication succeeded: takes the maildrop (RFC 1939 §4) or reports it in use. */
    void loggedIn(Account a) throws IOException {
        user = null;
        // RFC 1939 §8 and RFC 2449 §8.1.1: one session per maildrop, on whichever node it runs.
        lease = services.leases().take(maildropLease(a.id()))
                .orElseThrow(() -> new Pop3Error("IN-USE", "maildrop already in use by another POP3 session"));
        try {
            maildrop = Maildrop.snapshot(services, a);
        } catch (RuntimeException e) {
            releaseMaildrop();
            throw e;
        }
        account = a;
        state = State.TRANSACTION;
        connection.readTimeout(services.limits().idleAfterAuth());
        connection.signedIn(a.address().toString());
        ok("maildrop has " + maildrop.count() + " messages (" + maildrop.octets() + " octets)");
    }

    void startTls() throws IOException {
        out.flush();
        connection.startTls(services.tls());
        streams();
    }

    void quit() {
        state = State.DONE;
    }

    /** RFC 2449 §5 CAPA: what this session may use now. */
    List<String> capabilities() {
        List<String> c = new ArrayList<>(List.of("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING"));
        if (state == State.AUTHORIZATION) {
            List<String> mechanisms = services.sasl().mechanisms(plaintextAllowed());
            if (!mechanisms.isEmpty()) c.add("SASL " + String.join(" ", mechanisms));
            if (plaintextAllowed()) c.add("USER");
            if (!connection.isSecure() && services.tls() != null) c.add("STLS");
        }
        c.add("EXPIRE NEVER");
        c.add("IMPLEMENTATION Postiljon");
        return c;
    }

    /** Client text in a response: printable ASCII only, bounded. */
    static String printable(String s) {
        return Connection.printable(s, 40);
    }

    String readLine() throws IOException {
        out.flush();
        byte[] line = in.readLine();
        if (line == null) throw new EOFException();
        return new String(line, StandardCharsets.US_ASCII);
    }
}
