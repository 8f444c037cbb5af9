package org.postiljon.smtp;

import java.util.Map;
import java.util.Set;

/** Every command, and the modes that take it (RFC 5321 §4.1, RFC 2033 §4, RFC 3030, 3207, 4954). */
final class Commands {

    private record Entry(Command command, Set<Mode> modes) { }

    private static final Set<Mode> SMTP = Set.of(Mode.MX, Mode.SUBMISSION);
    private static final Set<Mode> ALL = Set.of(Mode.values());

    private static final Map<String, Entry> TABLE = Map.ofEntries(
            Map.entry("EHLO", new Entry(new Hello(true), SMTP)),
            Map.entry("HELO", new Entry(new Hello(false), SMTP)),
            Map.entry("LHLO", new Entry(new Hello(true), Set.of(Mode.LMTP))), // RFC 2033 §4.1: instead of EHLO and HELO
            Map.entry("STARTTLS", new Entry(new StartTls(), ALL)),
            Map.entry("AUTH", new Entry(new Auth(), Set.of(Mode.SUBMISSION))),
            Map.entry("MAIL", new Entry(new Mail(), ALL)),
            Map.entry("RCPT", new Entry(new Rcpt(), ALL)),
            Map.entry("DATA", new Entry(new Data(), ALL)),
            Map.entry("BDAT", new Entry(new Bdat(), ALL)),
            Map.entry("RSET", new Entry(new Rset(), ALL)),
            Map.entry("NOOP", new Entry(new Noop(), ALL)),
            Map.entry("VRFY", new Entry(new Vrfy(), ALL)),
            Map.entry("HELP", new Entry(new Help(), ALL)),
            Map.entry("QUIT", new Entry(new Quit(), ALL)));

    private Commands() { }

    /** The command for a verb in this mode, or null. */
    static Command find(Mode mode, String verb) {
        Entry e = TABLE.get(verb);
        return e != null && e.modes().contains(mode) ? e.command() : null;
    }
}
