package org.postiljon.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.net.Connection;
import org.postiljon.net.LineReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One SMTP or LMTP connection (RFC 5321 §3, RFC 2033). */
final class Session {

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    final SmtpServices services;
    final Mode mode;
    private final Connection connection;
    private LineReader in;
    private OutputStream out;
    /** The name from EHLO/HELO/LHLO; null before it. */
    String helo;
    boolean esmtp;
    /** The authenticated user (submission). */
    Account account;
    /** The transaction's check against the account's sending limits; null until its first remote recipient. */
    org.postiljon.mailbox.api.SendingLimits.Outgoing outgoing;
    /** The transaction in progress; null between transactions. */
    Envelope envelope;
    /** BDAT chunks received so far (RFC 3030); null when no BDAT is in progress. */
    Spool chunks;
    boolean chunksTooBig;
    private int errors;
    private boolean done;

    Session(SmtpServices services, Mode mode, Connection connection) {
        this.services = services;
        this.mode = mode;
        this.connection = connection;
        streams();
    }

    private void streams() {
        in = new LineReader(connection.input(), services.limits().maxLineBytes());
        out = connection.output();
    }

    Connection connection() {
        return connection;
    }

    void run() throws IOException {
        connection.readTimeout(services.limits().commandTimeout());
        reply(220, null, services.hostname() + (mode == Mode.LMTP ? " LMTP" : " ESMTP") + " Postiljon ready");
        out.flush();
        byte[] shutdown = ("421 4.3.2 " + services.hostname() + " shutting down\r\n").getBytes(StandardCharsets.US_ASCII);
        try {
            while (!done && !connection.closeRequested()) {
                Connection.CommandLine next = connection.readCommand(in, shutdown);
                if (next == null) return;
                if (next.tooLong()) error(new SmtpError(500, "5.5.2", "line too long"));
                else command(new String(next.bytes(), StandardCharsets.UTF_8));
                // RFC 2920: answer what has arrived, flush once the client waits.
                if (connection.input().available() == 0) out.flush();
                if (errors >= services.limits().maxErrors()) {
                    reply(421, "4.7.0", services.hostname() + " too many errors, closing connection");
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            reply(421, "4.4.2", services.hostname() + " timeout, closing connection"); // RFC 5321 §4.5.3.2
        } catch (EOFException e) {
            log.debug("client went away inside a command");
        } finally {
            if (chunks != null) chunks.close();
            try {
                out.flush();
            } catch (IOException ignored) {
                // the client may be gone
            }
        }
    }

    private void command(String line) throws IOException {
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String args = sp < 0 ? "" : line.substring(sp + 1);
        long t0 = System.nanoTime();
        Command c = null;
        try {
            c = Commands.find(mode, verb);
            if (c == null) throw new SmtpError(500, "5.5.1", "unknown command " + printable(verb));
            if (chunks != null && !verb.equals("BDAT") && !verb.equals("RSET") && !verb.equals("QUIT") && !verb.equals("NOOP")) {
                throw SmtpError.sequence("only BDAT may follow BDAT until LAST (RFC 3030 §2)");
            }
            c.run(this, args);
        } catch (SmtpError e) {
            error(e);
        } catch (MailboxException e) {
            error(replyTo(e));
        } catch (RuntimeException e) {
            log.error("SMTP command {} failed", verb, e);
            error(new SmtpError(451, "4.3.0", "local error, try again later"));
        } finally {
            // The table's verb, never an unknown one a client made up (bounded series).
            org.postiljon.net.CommandTimes.command(mode == Mode.LMTP ? "lmtp" : "smtp", c == null ? org.postiljon.net.CommandTimes.UNKNOWN : verb,
                    System.nanoTime() - t0);
        }
    }

    /**
     * How a refusal of the mailbox model reads in SMTP (RFC 3463 status codes): temporary (4xx)
     * where trying later may pass. Exhaustive over the sealed type: a new refusal needs its reply here.
     */
    static SmtpError replyTo(MailboxException e) {
        return switch (e) {
            case MailboxException.Unavailable x -> Delivery.storageFull();
            case MailboxException.LimitReached x -> new SmtpError(452, "4.3.1", e.getMessage()); // RFC 3463 §3.4: system full
            case MailboxException.Damaged x -> new SmtpError(451, "4.3.0", "local error, try again later");
            case MailboxException.OverQuota x -> Delivery.quotaError(x, null);
            case MailboxException.TooBig x -> new SmtpError(552, "5.3.4", e.getMessage()); // §3.4: message too big for system
            case MailboxException.NoRights x -> new SmtpError(550, "5.7.1", e.getMessage()); // §3.8: delivery not authorized
            case MailboxException.NotAllowed x -> new SmtpError(550, "5.7.1", e.getMessage());
            case MailboxException.NoSuchMailbox x -> new SmtpError(550, "5.1.1", e.getMessage()); // §3.2: bad destination mailbox
            case MailboxException.NoSuchAccount x -> new SmtpError(550, "5.1.1", e.getMessage());
            case MailboxException.NoSuchAlias x -> new SmtpError(550, "5.1.1", e.getMessage());
            case MailboxException.NoSuchDomain x -> new SmtpError(550, "5.1.2", e.getMessage()); // bad destination system
            case MailboxException.InvalidName x -> new SmtpError(553, "5.1.3", e.getMessage()); // bad destination syntax
            case MailboxException.MailboxExists x -> new SmtpError(550, "5.0.0", e.getMessage());
            case MailboxException.AccountExists x -> new SmtpError(550, "5.0.0", e.getMessage());
            case MailboxException.DomainExists x -> new SmtpError(550, "5.0.0", e.getMessage());
            case MailboxException.AliasExists x -> new SmtpError(550, "5.0.0", e.getMessage());
        };
    }

    private void error(SmtpError e) throws IOException {
        // RFC 5321 §4.5.3.1.10: "too many recipients" is a normal reply a client acts on, not a client error.
        if (!(e.code == 452 && "4.5.3".equals(e.status))) errors++;
        reply(e.code, e.status, e.getMessage());
    }

    // ---- replies ----

    /** One reply line: code, RFC 3463 status when there is one, text (never client bytes unfiltered). */
    void reply(int code, String status, String text) throws IOException {
        line(code + " " + (status == null ? "" : status + " ") + text);
    }

    /** A multi-line reply (RFC 5321 §4.2.1): "250-" on all lines but the last. */
    void reply(int code, List<String> lines) throws IOException {
        for (int i = 0; i < lines.size(); i++) line(code + (i < lines.size() - 1 ? "-" : " ") + lines.get(i));
    }

    private void line(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    void flush() throws IOException {
        out.flush();
    }

    String readLine() throws IOException {
        out.flush();
        byte[] line = in.readLine();
        if (line == null) throw new EOFException();
        return new String(line, StandardCharsets.US_ASCII);
    }

    // ---- state ----

    /** RFC 5321 §4.1.4: a new EHLO, RSET or the end of a transaction clears the envelope. */
    void reset() {
        envelope = null;
        outgoing = null;
        if (chunks != null) chunks.close();
        chunks = null;
        chunksTooBig = false;
    }

    void quit() {
        done = true;
    }

    void startTls() throws IOException {
        out.flush();
        connection.startTls(services.tls());
        streams();
        helo = null; // RFC 3207 §4.2: the client starts over with EHLO
        reset();
    }

    boolean plaintextAllowed() {
        return connection.isSecure() || (services.plaintextOnLoopback() && connection.isLoopback());
    }

    /** The "with" word of Received (RFC 3848): ESMTP, ESMTPS, ESMTPA, ESMTPSA, LMTP, LMTPS, SMTP. */
    String protocolName() {
        if (mode == Mode.LMTP) return connection.isSecure() ? "LMTPS" : "LMTP";
        if (!esmtp) return "SMTP";
        return "ESMTP" + (connection.isSecure() ? "S" : "") + (account != null ? "A" : "");
    }

    String remoteIp() {
        return connection.remoteIp();
    }

    /** Client text in a reply: printable ASCII only, bounded. */
    static String printable(String s) {
        return Connection.printable(s, 64);
    }

    java.io.InputStream rawInput() {
        return connection.input();
    }
}
