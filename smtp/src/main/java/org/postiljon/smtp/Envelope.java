package org.postiljon.smtp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postiljon.mailbox.api.Deliveries;
import org.postiljon.mailbox.api.OutboundQueue;

/**
 * One transaction's envelope, from MAIL to the end of DATA (RFC 5321 §3.3).
 *
 * @param from   the reverse-path without brackets; "" for the null sender
 * @param params MAIL parameters by upper-case name (SIZE, BODY, SMTPUTF8, RET, ENVID)
 */
record Envelope(String from, Map<String, String> params, List<Recipient> recipients) {

    Envelope(String from, Map<String, String> params) {
        this(from, params, new ArrayList<>());
    }

    /**
     * One accepted RCPT.
     *
     * @param address the forward-path as given (without brackets)
     * @param route   where it goes here (accounts and folder); null for a recipient on another
     *                server, which the outbound queue takes
     * @param dsn     RFC 3461 NOTIFY and ORCPT as given on RCPT
     */
    record Recipient(String address, Deliveries.Route route, OutboundQueue.Target dsn) {

        static Recipient remote(String address, OutboundQueue.Target dsn) {
            return new Recipient(address, null, dsn);
        }

        boolean remote() {
            return route == null;
        }
    }
}
