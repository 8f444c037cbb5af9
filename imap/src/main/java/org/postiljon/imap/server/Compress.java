package org.postiljon.imap.server;

import java.io.IOException;
import org.postiljon.imap.wire.BadSyntax;
import org.postiljon.imap.wire.CommandReader;

/** COMPRESS, RFC 4978 §3: DEFLATE in both directions from the CRLF of the tagged OK on. */
final class Compress implements Command {

    /**
     * RFC 4978 §4 suggests a cheap level for responses (zlib's 1-5); 5 keeps IMAP responses and
     * headers at about a third of their size for little CPU.
     */
    static final int LEVEL = 5;

    @Override
    public void run(Session s, String tag, CommandReader in) throws IOException {
        in.sp();
        String mechanism = in.atom();
        in.end();
        // §3: "DEFLATE" is the only mechanism; BAD for another or for a second COMPRESS.
        if (!mechanism.equalsIgnoreCase("DEFLATE")) throw new BadSyntax("unknown compression mechanism");
        if (s.connection().isCompressed()) throw new BadSyntax("COMPRESS is already active");
        s.out().tagged(tag, "OK", null, "DEFLATE active");
        s.compress(LEVEL);
    }
}
