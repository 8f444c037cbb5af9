package org.postiljon.pop3;

import static org.postiljon.pop3.Session.State.AUTHORIZATION;
import static org.postiljon.pop3.Session.State.TRANSACTION;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Every POP3 command this server knows, with the states it is allowed in (RFC 1939 §§4-7, RFC 2449, 2595, 5034). */
final class Commands {

    record Entry(Command command, Set<Session.State> states) { }

    private static Entry in(Command c, Session.State... states) {
        return new Entry(c, EnumSet.of(states[0], states));
    }

    static final Map<String, Entry> TABLE = Map.ofEntries(
            Map.entry("CAPA", in(new Capa(), AUTHORIZATION, TRANSACTION)),
            Map.entry("STLS", in(new Stls(), AUTHORIZATION)),
            Map.entry("USER", in(new User(), AUTHORIZATION)),
            Map.entry("PASS", in(new Pass(), AUTHORIZATION)),
            Map.entry("APOP", in(new Apop(), AUTHORIZATION)),
            Map.entry("AUTH", in(new Auth(), AUTHORIZATION)),
            Map.entry("QUIT", in(new Quit(), AUTHORIZATION, TRANSACTION)),
            Map.entry("STAT", in(new Stat(), TRANSACTION)),
            Map.entry("LIST", in(new ScanListing(), TRANSACTION)),
            Map.entry("UIDL", in(new Uidl(), TRANSACTION)),
            Map.entry("RETR", in(new Retr(), TRANSACTION)),
            Map.entry("TOP", in(new Top(), TRANSACTION)),
            Map.entry("DELE", in(new Dele(), TRANSACTION)),
            Map.entry("RSET", in(new Rset(), TRANSACTION)),
            Map.entry("NOOP", in(new Noop(), TRANSACTION)));

    private Commands() { }
}
