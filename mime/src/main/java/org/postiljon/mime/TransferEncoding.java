package org.postiljon.mime;

import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;

/** Content-Transfer-Encoding decoding (RFC 2045 §6), streamed, lenient with damaged input. */
public final class TransferEncoding {

    private TransferEncoding() { }

    /** The decoded stream, or empty for an encoding this server does not know (IMAP's UNKNOWN-CTE). */
    public static Optional<InputStream> decode(InputStream in, String encoding) {
        return switch (encoding == null ? "7bit" : encoding.toLowerCase(Locale.ROOT)) {
            case "base64" -> Optional.of(new Base64InputStream(in, DecodeMonitor.SILENT));
            case "quoted-printable" -> Optional.of(new QuotedPrintableInputStream(in, DecodeMonitor.SILENT));
            case "7bit", "8bit", "binary" -> Optional.of(in);
            default -> Optional.empty();
        };
    }
}
