package org.postiljon.bench;

import java.time.Duration;
import org.postiljon.testkit.ImapModelCheck;

/**
 * The concurrency checker of bench/concurrency.sh: N sessions of one account on one mailbox, every
 * response checked against a model (see {@link ImapModelCheck}); prints operations and errors and
 * exits 1 on any error.
 */
public final class ConcurrencyCheck {

    public static void main(String[] args) throws Exception {
        Options o = new Options(args);
        ImapModelCheck.Result r = new ImapModelCheck("127.0.0.1", o.number("port", 10143), o.get("user", "user1@bench.test"),
                o.get("password", "bench-password"), o.get("mailbox", "Busy"))
                .run(o.number("sessions", 10), Duration.ofSeconds(o.number("seconds", 30)), o.number("seed", 1));
        System.out.printf("%s: %d sessions, %d s: %s%n", o.get("name", "server"), o.number("sessions", 10), o.number("seconds", 30), r);
        if (!r.errors().isEmpty()) System.exit(1);
    }
}
