package org.postiljon.imap.server;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandFailed;
import org.postiljon.imap.wire.CommandReader;
import org.postiljon.imap.wire.ModifiedUtf7;
import org.postiljon.imap.wire.ResponseWriter;
import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.Flags;
import org.postiljon.mailbox.api.MailboxException;
import org.postiljon.mailbox.api.MailboxName;
import org.postiljon.mailbox.api.MessageInfo;
import org.postiljon.net.Connection;
import org.postiljon.net.LineReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** One IMAP connection, from greeting to LOGOUT. */
final class Session {

    enum State { NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT }

    private static final Logger log = LoggerFactory.getLogger(Session.class);

    private final ImapServices services;
    private final Connection connection;
    private CommandReader in;
    private ResponseWriter out;
    State state = State.NOT_AUTHENTICATED;
    Account account;
    SelectedMailbox selected;
    private boolean rev2;
    private boolean utf8Accept;
    private boolean condstore;
    private boolean qresync;
    long[] savedSearch;
    private int badInRow;

    Session(ImapServices services, Connection connection) {
        this.services = services;
        this.connection = connection;
        streams();
    }

    private void streams() {
        out = new ResponseWriter(connection.output());
        out.utf8(rev2 || utf8Accept);
        in = new CommandReader(connection.input(), services.limits(), () -> out.continuation("Ready for literal data"));
        in.authenticated(account != null);
    }

    ImapServices services() {
        return services;
    }

    ResponseWriter out() {
        return out;
    }

    Connection connection() {
        return connection;
    }

    CommandReader in() {
        return in;
    }

    boolean rev2() {
        return rev2;
    }

    boolean utf8() {
        return rev2 || utf8Accept;
    }

    void enableRev2() {
        rev2 = true;
        out.utf8(true);
    }

    /** RFC 7162 §3.1: once on, every FETCH with FLAGS also carries MODSEQ. */
    boolean condstore() {
        return condstore;
    }

    void enableCondstore() {
        // RFC 7162 §3.1: the first CONDSTORE enabling command with a mailbox selected gets HIGHESTMODSEQ (see flushChanges).
        if (!condstore && selected != null) announceHighestModSeq = true;
        condstore = true;
    }

    /** A CONDSTORE enabling command came while a mailbox was selected: HIGHESTMODSEQ goes with its answer. */
    private boolean announceHighestModSeq;

    /** RFC 7162 §3.2.5: VANISHED replaces EXPUNGE. */
    boolean qresync() {
        return qresync;
    }

    void enableQresync() {
        qresync = true;
        condstore = true;
    }

    void enableUtf8() {
        utf8Accept = true;
        out.utf8(true);
    }

    /** RFC 9051 §7.1.5: BYE when the server is shutting down. */
    private static final byte[] SHUTDOWN_BYE = "* BYE server shutting down\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    void run() throws IOException {
        connection.readTimeout(services.limits().idleBeforeAuth());
        out.untagged("OK [CAPABILITY " + capabilities() + "] Postiljon IMAP ready");
        out.flush();
        try {
            while (state != State.LOGOUT && !connection.closeRequested()) {
                boolean more;
                connection.awaitingCommand(SHUTDOWN_BYE);
                try {
                    more = in.next();
                } catch (LineReader.LineTooLong e) {
                    if (connection.awaitingCommand(null)) return;
                    io.lock();
                    try {
                        bad("*", "command line too long");
                    } finally {
                        io.unlock();
                    }
                    continue;
                } catch (IOException e) {
                    if (connection.awaitingCommand(null)) return; // shutdown closed the connection after its BYE
                    throw e;
                }
                if (connection.awaitingCommand(null)) return;
                if (!more) return;
                io.lock();
                try {
                    command();
                    connection.commandDone();
                } finally {
                    io.unlock();
                }
            }
            if (connection.closeRequested() && state != State.LOGOUT) {
                out.untagged("BYE server shutting down");
                out.flush();
            }
        } catch (SocketTimeoutException e) {
            out.untagged("BYE autologout; idle for too long");
            out.flush();
        } catch (EOFException e) {
            log.debug("client went away inside a command");
        } finally {
            if (selected != null) selected.close();
            if (notify != null) notify.close();
        }
    }

    private void command() throws IOException {
        String tag = "*";
        long t0 = System.nanoTime();
        String name = "?";
        String known = org.postiljon.net.CommandTimes.UNKNOWN; // the table's name, never the client's text
        try {
            tag = in.tag();
            org.postiljon.net.Fairness.commandStarts();
            in.sp();
            name = in.command();
            if (name.equals("UID")) {
                in.sp();
                name = "UID " + in.command();
            }
            Commands.Entry entry = Commands.TABLE.get(name);
            if (entry == null) throw new BadSyntax("unknown command " + name);
            known = name;
            if (!entry.states().contains(state)) throw new BadSyntax(name + " is not allowed " + stateText(entry));
            if (!atEndOrSpace()) throw new BadSyntax("expected a space after " + name);
            entry.command().run(this, tag, in);
            badInRow = 0;
        } catch (BadSyntax e) {
            abandon();
            bad(tag, e.getMessage());
        } catch (CommandFailed e) {
            abandon();
            badInRow = 0;
            out.tagged(tag, "NO", e.code(), e.getMessage());
        } catch (MailboxException e) {
            abandon();
            badInRow = 0;
            out.tagged(tag, "NO", code(e), e.getMessage());
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("IMAP {} failed", name, e);
            abandon();
            out.tagged(tag, "NO", "SERVERBUG", "internal error; the problem has been logged");
        } finally {
            long took = System.nanoTime() - t0;
            org.postiljon.net.CommandTimes.command("imap", known, took);
            log.debug("{} {} {} ms", tag.length() > 20 ? "-" : tag, name, took / 1_000_000);
        }
        if (outOfStep) {
            out.untagged("BYE [TOOBIG] a literal too large to skip; the connection cannot go on");
            out.flush();
            state = State.LOGOUT;
        }
    }

    /** Drops the rest of a failed command (its non-synchronizing literals); a session that cannot stay in step ends after the answer. */
    private void abandon() throws IOException {
        outOfStep = !in.abandon();
    }

    /** A refused literal was too large to read and drop (RFC 7888 §4, choice 2): BYE after the tagged answer. */
    private boolean outOfStep;

    private boolean atEndOrSpace() {
        int c = in.peek();
        return c == -1 || c == ' ';
    }

    private String stateText(Commands.Entry entry) {
        if (state != State.NOT_AUTHENTICATED && entry.states().equals(java.util.EnumSet.of(State.NOT_AUTHENTICATED))) {
            return "after login";
        }
        return switch (state) {
            case NOT_AUTHENTICATED -> "before login";
            case AUTHENTICATED -> "without a selected mailbox";
            default -> "now";
        };
    }

    private void bad(String tag, String text) throws IOException {
        out.tagged(tag, "BAD", null, text);
        if (++badInRow >= services.limits().maxBadCommands()) {
            out.untagged("BYE too many invalid commands");
            out.flush();
            state = State.LOGOUT;
        }
    }

    /** RFC 5530 response codes for domain failures. */
    static String code(MailboxException e) {
        return switch (e) {
            case MailboxException.NoSuchMailbox x -> "NONEXISTENT";
            case MailboxException.MailboxExists x -> "ALREADYEXISTS";
            case MailboxException.TooBig x -> "TOOBIG";
            case MailboxException.InvalidName x -> "CANNOT";
            case MailboxException.NotAllowed x -> "CANNOT";
            case MailboxException.OverQuota x -> "OVERQUOTA"; // RFC 9208 §4.3.1
            case MailboxException.NoRights x -> "NOPERM"; // RFC 5530 §3
            case MailboxException.LimitReached x -> "LIMIT"; // RFC 5530 §3
            case MailboxException.Unavailable x -> "UNAVAILABLE"; // RFC 5530 §3: temporary, the client may retry
            case MailboxException.Damaged x -> "CORRUPTION"; // RFC 5530 §3
            case MailboxException.AccountExists x -> "ALREADYEXISTS";
            case MailboxException.DomainExists x -> "ALREADYEXISTS";
            case MailboxException.AliasExists x -> "ALREADYEXISTS";
            case MailboxException.NoSuchAccount x -> "NONEXISTENT";
            case MailboxException.NoSuchDomain x -> "NONEXISTENT";
            case MailboxException.NoSuchAlias x -> "NONEXISTENT";
        }; // exhaustive over the sealed type: a new refusal must be given its code here
    }

    /** Authentication succeeded: new state, longer idle timeout, larger literals. */
    void loggedIn(Account a) throws IOException {
        account = a;
        state = State.AUTHENTICATED;
        in.authenticated(true);
        connection.readTimeout(services.limits().idleAfterAuth());
        connection.signedIn(a.address().toString());
        MDC.put("account", a.address().toString());
    }

    /**
     * RFC 8437 §3: back to not authenticated, every state of the connection reset but TLS: the
     * selected mailbox (no expunge is told), the account, ENABLEd extensions, the saved search.
     */
    void unauthenticate() throws IOException {
        close();
        notify(null); // RFC 8437 §3: the session's state goes, NOTIFY too
        if (connection.isCompressed()) {
            connection.uncompress(); // RFC 8437 §3: compression ends after the OK's CRLF
            streams();
        }
        account = null;
        state = State.NOT_AUTHENTICATED;
        rev2 = false;
        utf8Accept = false;
        condstore = false;
        qresync = false;
        savedSearch = null;
        badInRow = 0;
        out.utf8(false);
        in.authenticated(false);
        connection.readTimeout(services.limits().idleBeforeAuth());
        MDC.remove("account");
    }

    /** Plaintext passwords only over TLS, or from loopback when configured. */
    boolean plaintextAllowed() {
        return connection.isSecure() || (services.plaintextOnLoopback() && connection.isLoopback());
    }

    String capabilities() {
        List<String> c = new ArrayList<>(List.of("IMAP4rev1", "IMAP4rev2"));
        if (state == State.NOT_AUTHENTICATED) {
            if (!connection.isSecure() && services.tls() != null) c.add("STARTTLS");
            if (!plaintextAllowed()) c.add("LOGINDISABLED");
            for (String m : services.sasl().mechanisms(plaintextAllowed())) {
                if (!m.equals("LOGIN")) c.add("AUTH=" + m);
            }
            c.addAll(List.of("SASL-IR", "LITERAL+", "ENABLE", "ID"));
        } else {
            c.addAll(List.of("LITERAL+", "ENABLE", "ID", "IDLE", "NAMESPACE", "UIDPLUS", "MOVE", "UNSELECT", "CHILDREN",
                    "LIST-EXTENDED", "LIST-STATUS", "SPECIAL-USE", "CREATE-SPECIAL-USE", "STATUS=SIZE", "ESEARCH",
                    "SEARCHRES", "UTF8=ACCEPT", "SASL-IR", "BINARY", "MULTIAPPEND", "APPENDLIMIT=" + services.limits().maxMessageBytes(),
                    "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "ACL", "RIGHTS=texk", "SAVEDATE",
                    "CONDSTORE", "QRESYNC", "OBJECTID", "PREVIEW", "SORT", "SORT=DISPLAY", "ESORT", "PARTIAL",
                    "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES", "WITHIN", "UNAUTHENTICATE", "REPLACE", "METADATA", "METADATA-SERVER", "CATENATE", "CONTEXT=SEARCH", "CONTEXT=SORT", "NOTIFY"));
            if (!connection.isCompressed()) c.add("COMPRESS=DEFLATE"); // RFC 4978
            if (services.quotas().isAdmin(account)) c.add("QUOTASET");
        }
        return String.join(" ", c);
    }

    /** Upgrades the connection; pipelined bytes after STARTTLS are refused (RFC 9051 §6.2.1). */
    void startTls() throws IOException {
        connection.startTls(services.tls());
        streams();
    }

    /** RFC 4978 §3: compressed from here on, in both directions (the tagged OK is already written). */
    void compress(int level) throws IOException {
        connection.compress(level);
        streams();
    }

    // ---- helpers the commands share ----

    MailboxName mailboxName(byte[] wire) {
        String s;
        try {
            // RFC 9051 §5.1 / RFC 6855 §3: names are UTF-8; invalid octets are refused, never turned into U+FFFD.
            s = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(wire)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new MailboxException.InvalidName("mailbox name is not valid UTF-8");
        }
        if (!utf8()) s = ModifiedUtf7.decode(s);
        return MailboxName.of(s);
    }

    String wireName(MailboxName name) {
        return utf8() ? name.path() : ModifiedUtf7.encode(name.path());
    }

    SelectedMailbox selected() {
        if (selected == null) throw new BadSyntax("no mailbox selected");
        return selected;
    }

    /** Untagged FETCH with the flags of one message (and its UID, which never hurts). */
    void fetchFlags(int seq, MessageInfo m) throws IOException {
        if (selected != null) {
            selected.announce(this, m.flags());
            selected.shown(m.uid(), m.modSeq());
        }
        out.raw("* " + seq + " FETCH (FLAGS " + flagList(m.flags(), m.uid()) + " UID " + m.uid()
                + (condstore ? " MODSEQ (" + m.modSeq() + ")" : "") + ")").crlf();
    }

    String flagList(Flags f, long uid) {
        StringBuilder b = new StringBuilder("(");
        for (String n : f.names()) {
            if (b.length() > 1) b.append(' ');
            b.append(n);
        }
        if (!rev2 && selected != null && selected.isRecent(uid)) b.append(b.length() > 1 ? " " : "").append("\\Recent");
        return b.append(')').toString();
    }

    /** Writes pending changes, then the tagged OK. */
    void ok(String tag, String text, boolean expungeAllowed) throws IOException {
        flushChanges(expungeAllowed);
        out.tagged(tag, "OK", null, text);
    }

    void flushChanges(boolean expungeAllowed) throws IOException {
        // RFC 5465 §3.1: after NOTIFY without SELECTED (or NOTIFY NONE) nothing is told of the selected mailbox.
        if (selected != null && (notify == null || notify.selectedWanted()) && !flushSelected(expungeAllowed)) return;
        if (notify != null) notify.drain();
        if (announceHighestModSeq && selected != null) {
            out.untagged("OK [HIGHESTMODSEQ " + selected.toldModSeq() + "] highest modseq");
        }
        announceHighestModSeq = false;
    }

    /** The selected mailbox's news: EXISTS, EXPUNGE, FETCH, search updates; false when the session must end. */
    private boolean flushSelected(boolean expungeAllowed) throws IOException {
        selected.wakeup = notify != null && notify.selected == Notifications.Selected.IMMEDIATE ? notify::wake : null;
        if (selected.hasPending() && selected.mailbox.accountId() != account.id() && !mayStillRead()) {
            // RFC 4314 §6: rights are checked at every access, and telling of new mail is one: a member removed
            // from a team, or whose grant was revoked, hears nothing more of the mailbox.
            out.untagged("BYE access to the selected mailbox was withdrawn");
            out.flush();
            state = State.LOGOUT;
            return false;
        }
        boolean updating = !contexts.isEmpty() && selected.hasPending();
        if (updating && selected.hasPendingExpunge()) contexts.beforeChanges(this);
        if (!selected.flush(this, expungeAllowed)) {
            out.untagged("BYE the selected mailbox was deleted");
            out.flush();
            state = State.LOGOUT;
            return false;
        }
        if (updating) contexts.afterChanges(this);
        List<Long> fresh = selected.takeAnnounced();
        if (notify != null && !notify.newMessageItems.isEmpty() && !fresh.isEmpty()) {
            // RFC 5465 §5.2: the attributes asked for new messages, after their EXISTS and any ADDTO.
            Fetch.respond(this, selected, notify.newMessageItems, org.postiljon.mailbox.api.UidSet.of(fresh.stream().mapToLong(Long::longValue).toArray()), -1);
        }
        return true;
    }

    /**
     * Serialises writing: a command holds it from its first line to its answer; the NOTIFY notifier
     * takes it to tell changes between commands (RFC 5465 §3.1).
     */
    final java.util.concurrent.locks.ReentrantLock io = new java.util.concurrent.locks.ReentrantLock();

    /** What NOTIFY SET asked for, or null before any NOTIFY (RFC 5465 §3.1: then only the selected mailbox, at commands). */
    Notifications notify;

    void notify(Notifications n) {
        if (notify != null) notify.close();
        notify = n;
    }

    /** Whether other sessions' flag changes in the selected mailbox are told (RFC 5465 §5.1: unless NOTIFY left out FlagChange). */
    boolean tellsFlagChanges() {
        return notify == null || notify.selectedFlags;
    }

    /** RFC 5465 §3.1 NOTIFY NONE (also after an overflow, §5.8): no events at all. */
    void notifyNone() {
        notify(new Notifications(this, Notifications.Selected.NONE, false, List.of(), List.of()));
    }

    /** Whether the user may still read the selected mailbox of another account (one store read, only when there is news). */
    private boolean mayStillRead() {
        try {
            return services.acl().myRights(account, selected.mailbox.name()).has('r');
        } catch (MailboxException e) {
            return false;
        }
    }

    /** Searches kept up to date for this selection (RFC 5267 §4.3). */
    final SearchContexts contexts = new SearchContexts();

    void close() {
        if (selected != null) selected.close();
        contexts.clear(); // §4.3: updates end when the mailbox is no longer selected
        selected = null;
        announceHighestModSeq = false; // the next SELECT reports it itself
        if (state == State.SELECTED) state = State.AUTHENTICATED;
    }
}
