package org.postiljon.smtp;

import java.io.IOException;

/** DATA, RFC 5321 §4.1.1.4: the message text, read to CRLF.CRLF by {@link DataReader}. */
final class Data implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        if (!args.isEmpty()) throw SmtpError.syntax("DATA takes no argument");
        if (s.envelope == null) throw SmtpError.sequence("MAIL first");
        // RFC 2920 §3.1: with no accepted recipient (some RCPTs may have failed in a pipeline), no data.
        if (s.envelope.recipients().isEmpty()) throw new SmtpError(554, "5.5.1", "no valid recipients");
        s.reply(354, null, "end data with <CR><LF>.<CR><LF>");
        s.flush();
        s.connection().readTimeout(s.services.limits().dataTimeout());
        try (Spool spool = new Spool(s.services.spool())) {
            DataReader.Result r = DataReader.copy(s.rawInput(), spool.output(), s.services.limits().maxMessageBytes());
            spool.output().flush();
            Delivery.finish(s, spool, r);
        } finally {
            s.connection().readTimeout(s.services.limits().commandTimeout());
        }
    }
}
