package org.postiljon.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;

/**
 * BDAT, RFC 3030 CHUNKING: exactly {@code size} octets follow the command, no dot-stuffing and no
 * end marker, so there is nothing to smuggle. The chunk is read even when the command is refused,
 * so the session stays in step.
 */
final class Bdat implements Command {
    @Override
    public void run(Session s, String args) throws IOException {
        String[] parts = args.strip().split(" +");
        if (parts.length < 1 || parts.length > 2 || !parts[0].matches("[0-9]{1,12}")
                || (parts.length == 2 && !parts[1].equalsIgnoreCase("LAST"))) {
            throw SmtpError.syntax("BDAT size [LAST]"); // no size known: the chunk cannot be skipped (RFC 3030 §2)
        }
        long size = Long.parseLong(parts[0]);
        boolean last = parts.length == 2;
        long limit = s.services.limits().maxMessageBytes();
        boolean usable = s.envelope != null && !s.envelope.recipients().isEmpty();
        if (usable && s.chunks == null) s.chunks = new Spool(s.services.spool());
        OutputStream out = usable ? s.chunks.output() : OutputStream.nullOutputStream();
        long room = usable ? Math.max(0, limit - s.chunks.size()) : 0;
        if (usable && size > room) s.chunksTooBig = true; // read and dropped; refused at LAST
        byte[] buf = new byte[8192];
        for (long left = size; left > 0; ) {
            int n = s.rawInput().read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new EOFException("connection closed inside BDAT");
            if (room > 0) out.write(buf, 0, (int) Math.min(n, room));
            room -= Math.min(n, room);
            left -= n;
        }
        out.flush();
        if (!usable) {
            s.reset();
            throw s.envelope == null ? SmtpError.sequence("MAIL first") : new SmtpError(554, "5.5.1", "no valid recipients");
        }
        if (!last) {
            s.reply(250, "2.0.0", size + " octets received");
            return;
        }
        Spool spool = s.chunks;
        s.chunks = null;
        try (spool) {
            // BINARYMIME content is stored as it came: line endings are not checked (RFC 3030 §3).
            Delivery.finish(s, spool, new DataReader.Result(spool.size(), false, s.chunksTooBig));
        }
    }
}
