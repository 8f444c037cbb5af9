package org.postiljon.imap.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postiljon.imap.wire.CommandReader;

/** ENABLE, RFC 5161; IMAP4rev2 (RFC 9051 §6.3.1), UTF8=ACCEPT (RFC 6855), CONDSTORE and QRESYNC (RFC 7162). */
final class Enable implements Command {
    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        List<String> enabled = new ArrayList<>();
        do {
            in.sp();
            String cap = in.atom().toUpperCase(Locale.ROOT);
            switch (cap) {
                case "IMAP4REV2" -> {
                    if (!s.rev2()) s.enableRev2();
                    enabled.add("IMAP4rev2");
                }
                case "CONDSTORE" -> { // RFC 7162 §3.1
                    s.enableCondstore();
                    enabled.add("CONDSTORE");
                }
                case "QRESYNC" -> { // RFC 7162 §3.2.3: implies CONDSTORE
                    s.enableQresync();
                    enabled.add("QRESYNC");
                }
                case "UTF8=ACCEPT" -> {
                    s.enableUtf8();
                    enabled.add("UTF8=ACCEPT");
                }
                default -> { } // RFC 5161 §3.1: unknown capabilities are ignored
            }
        } while (in.peek() == ' ');
        in.end();
        s.out().untagged("ENABLED" + (enabled.isEmpty() ? "" : " " + String.join(" ", enabled)));
        s.ok(tag, "ENABLE completed", true);
    }
}
