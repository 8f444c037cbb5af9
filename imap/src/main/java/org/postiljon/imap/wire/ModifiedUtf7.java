package org.postiljon.imap.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** RFC 3501 §5.1.3 modified UTF-7 for mailbox names of IMAP4rev1 sessions. */
public final class ModifiedUtf7 {

    private static final Base64.Encoder ENC = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DEC = Base64.getDecoder();

    private ModifiedUtf7() { }

    public static String encode(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= 0x20 && c <= 0x7e) {
                out.append(c == '&' ? "&-" : String.valueOf(c));
                i++;
                continue;
            }
            int j = i;
            while (j < s.length() && (s.charAt(j) < 0x20 || s.charAt(j) > 0x7e)) j++;
            byte[] utf16 = s.substring(i, j).getBytes(StandardCharsets.UTF_16BE);
            out.append('&').append(ENC.encodeToString(utf16).replace('/', ',')).append('-');
            i = j;
        }
        return out.toString();
    }

    /** @throws BadSyntax when the text is not valid modified UTF-7 */
    public static String decode(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c > 0x7e || c < 0x20) throw new BadSyntax("mailbox name is not modified UTF-7");
            if (c != '&') {
                out.append(c);
                i++;
                continue;
            }
            int end = s.indexOf('-', i);
            if (end < 0) throw new BadSyntax("unterminated modified UTF-7 in mailbox name");
            if (end == i + 1) {
                out.append('&');
            } else {
                try {
                    byte[] b = DEC.decode(s.substring(i + 1, end).replace(',', '/'));
                    if (b.length % 2 != 0) throw new BadSyntax("invalid modified UTF-7 in mailbox name");
                    out.append(StandardCharsets.UTF_16BE.newDecoder().decode(ByteBuffer.wrap(b)));
                } catch (IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
                    throw new BadSyntax("invalid modified UTF-7 in mailbox name");
                }
            }
            i = end + 1;
        }
        return out.toString();
    }
}
