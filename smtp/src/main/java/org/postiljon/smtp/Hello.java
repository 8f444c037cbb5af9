package org.postiljon.smtp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** EHLO and HELO (RFC 5321 §4.1.1.1), LHLO (RFC 2033 §4.1): a new start, and what this server offers. */
final class Hello implements Command {

    private final boolean extended;

    Hello(boolean extended) {
        this.extended = extended;
    }

    @Override
    public void run(Session s, String args) throws IOException {
        String name = args.strip();
        if (name.isEmpty() || name.contains(" ")) throw SmtpError.syntax("a domain or address literal, please");
        s.reset();
        s.helo = Session.printable(name);
        s.esmtp = extended;
        String greeting = s.services.hostname() + " greets " + s.helo;
        if (!extended) {
            s.reply(250, null, greeting);
            return;
        }
        List<String> lines = new ArrayList<>(List.of(greeting, "PIPELINING", "SIZE " + s.services.limits().maxMessageBytes(),
                "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING", "BINARYMIME", "DSN"));
        if (s.services.tls() != null && !s.connection().isSecure()) lines.add("STARTTLS");
        if (s.mode == Mode.SUBMISSION && s.account == null) {
            List<String> mechanisms = s.services.sasl().mechanisms(s.plaintextAllowed());
            if (!mechanisms.isEmpty()) lines.add("AUTH " + String.join(" ", mechanisms));
        }
        s.reply(250, lines);
    }
}
