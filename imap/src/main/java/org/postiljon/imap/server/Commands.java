package org.postiljon.imap.server;

import static java.util.Map.entry;

import java.util.EnumSet;
import java.util.Map;

/** Every command the server supports, with the states it is allowed in (RFC 9051 §6). */
final class Commands {

    record Entry(Command command, EnumSet<Session.State> states) { }

    private static final EnumSet<Session.State> ANY = EnumSet.of(Session.State.NOT_AUTHENTICATED, Session.State.AUTHENTICATED, Session.State.SELECTED);
    private static final EnumSet<Session.State> NOT_AUTH = EnumSet.of(Session.State.NOT_AUTHENTICATED);
    private static final EnumSet<Session.State> AUTH = EnumSet.of(Session.State.AUTHENTICATED, Session.State.SELECTED);
    private static final EnumSet<Session.State> SELECTED = EnumSet.of(Session.State.SELECTED);

    static final Map<String, Entry> TABLE = Map.ofEntries(
            entry("CAPABILITY", new Entry(new Capability(), ANY)),
            entry("NOOP", new Entry(new Noop(), ANY)),
            entry("LOGOUT", new Entry(new Logout(), ANY)),
            entry("UNAUTHENTICATE", new Entry(new Unauthenticate(), AUTH)),
            entry("ID", new Entry(new Id(), ANY)),
            entry("STARTTLS", new Entry(new StartTls(), NOT_AUTH)),
            entry("LOGIN", new Entry(new Login(), NOT_AUTH)),
            entry("AUTHENTICATE", new Entry(new Authenticate(), NOT_AUTH)),
            entry("ENABLE", new Entry(new Enable(), AUTH)),
            entry("COMPRESS", new Entry(new Compress(), AUTH)),
            entry("NAMESPACE", new Entry(new Namespace(), AUTH)),
            entry("SELECT", new Entry(new Select(false), AUTH)),
            entry("EXAMINE", new Entry(new Select(true), AUTH)),
            entry("CREATE", new Entry(new Create(), AUTH)),
            entry("DELETE", new Entry(new Delete(), AUTH)),
            entry("RENAME", new Entry(new Rename(), AUTH)),
            entry("SUBSCRIBE", new Entry(new Subscribe(true), AUTH)),
            entry("UNSUBSCRIBE", new Entry(new Subscribe(false), AUTH)),
            entry("LIST", new Entry(new ListMailboxes(false), AUTH)),
            entry("LSUB", new Entry(new ListMailboxes(true), AUTH)),
            entry("STATUS", new Entry(new Status(), AUTH)),
            entry("APPEND", new Entry(new Append(), AUTH)),
            entry("IDLE", new Entry(new Idle(), AUTH)),
            entry("GETQUOTA", new Entry(new GetQuota(false), AUTH)),
            entry("GETQUOTAROOT", new Entry(new GetQuota(true), AUTH)),
            entry("SETQUOTA", new Entry(new SetQuota(), AUTH)),
            entry("SETACL", new Entry(new AclCommand(AclCommand.Kind.SETACL), AUTH)),
            entry("DELETEACL", new Entry(new AclCommand(AclCommand.Kind.DELETEACL), AUTH)),
            entry("GETACL", new Entry(new AclCommand(AclCommand.Kind.GETACL), AUTH)),
            entry("LISTRIGHTS", new Entry(new AclCommand(AclCommand.Kind.LISTRIGHTS), AUTH)),
            entry("MYRIGHTS", new Entry(new AclCommand(AclCommand.Kind.MYRIGHTS), AUTH)),
            entry("NOTIFY", new Entry(new Notify(), AUTH)),
            entry("GETMETADATA", new Entry(new Metadata(false), AUTH)),
            entry("SETMETADATA", new Entry(new Metadata(true), AUTH)),
            entry("CHECK", new Entry(new Noop(), SELECTED)),
            entry("CLOSE", new Entry(new Close(true), SELECTED)),
            entry("UNSELECT", new Entry(new Close(false), SELECTED)),
            entry("EXPUNGE", new Entry(new Expunge(false), SELECTED)),
            entry("UID EXPUNGE", new Entry(new Expunge(true), SELECTED)),
            entry("SEARCH", new Entry(new Search(false), SELECTED)),
            entry("UID SEARCH", new Entry(new Search(true), SELECTED)),
            entry("CANCELUPDATE", new Entry(new CancelUpdate(), SELECTED)),
            entry("SORT", new Entry(new Sort(false), SELECTED)),
            entry("UID SORT", new Entry(new Sort(true), SELECTED)),
            entry("THREAD", new Entry(new ThreadCommand(false), SELECTED)),
            entry("UID THREAD", new Entry(new ThreadCommand(true), SELECTED)),
            entry("FETCH", new Entry(new Fetch(false), SELECTED)),
            entry("UID FETCH", new Entry(new Fetch(true), SELECTED)),
            entry("STORE", new Entry(new Store(false), SELECTED)),
            entry("UID STORE", new Entry(new Store(true), SELECTED)),
            entry("COPY", new Entry(new Copy(false, false), SELECTED)),
            entry("UID COPY", new Entry(new Copy(true, false), SELECTED)),
            entry("MOVE", new Entry(new Copy(false, true), SELECTED)),
            entry("REPLACE", new Entry(new Replace(false), SELECTED)),
            entry("UID REPLACE", new Entry(new Replace(true), SELECTED)),
            entry("UID MOVE", new Entry(new Copy(true, true), SELECTED)));

    private Commands() { }
}
