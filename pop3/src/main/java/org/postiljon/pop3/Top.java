package org.postiljon.pop3;

import java.io.IOException;

/** TOP msg n, RFC 1939 §7: the header, the empty line and the first n lines of the body. */
final class Top implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        String[] parts = args.split(" ", -1);
        if (parts.length != 2) throw new Pop3Error("TOP needs a message number and a line count");
        String lines = parts[1];
        if (lines.isEmpty() || lines.length() > 9 || !lines.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new Pop3Error("invalid line count");
        }
        Retr.send(s, s.maildrop.at(s.maildrop.live(parts[0])), Long.parseLong(lines));
    }
}
