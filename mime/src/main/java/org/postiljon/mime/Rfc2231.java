package org.postiljon.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.postiljon.mailbox.api.structure.Param;

/**
 * Decodes a MIME parameter for display: RFC 2231 extended values and continuations
 * ({@code filename*0*=utf-8''%E2%82%AC; filename*1=.pdf}), and, as mail programs do in practice,
 * RFC 2047 encoded words inside a plain quoted value.
 */
public final class Rfc2231 {

    private static final int MAX_SECTIONS = 100;

    private Rfc2231() { }

    /** A part's file name: Content-Disposition's filename, else Content-Type's name (RFC 2231 decoded, RFC 2047 not); null when it has none. */
    public static String fileName(org.postiljon.mailbox.api.structure.BodyPart p) {
        String n = decode(p.dispositionParams(), "filename");
        return n != null ? n : decode(p.params(), "name");
    }

    /** The decoded value of parameter {@code name}, or null when absent. */
    public static String decode(List<Param> params, String name) {
        String key = name.toLowerCase(Locale.ROOT);
        String plain = null;
        String extended = null;
        TreeMap<Integer, Param> sections = new TreeMap<>();
        for (Param p : params) {
            String n = p.name().toLowerCase(Locale.ROOT);
            if (n.equals(key)) plain = p.value();
            else if (n.equals(key + "*")) extended = p.value();
            else if (n.startsWith(key + "*")) {
                String rest = n.substring(key.length() + 1);
                boolean encoded = rest.endsWith("*");
                String digits = encoded ? rest.substring(0, rest.length() - 1) : rest;
                if (!digits.matches("\\d{1,3}")) continue;
                int i = Integer.parseInt(digits);
                if (i < MAX_SECTIONS) sections.put(i, new Param(encoded ? "*" : "", p.value()));
            }
        }
        if (extended != null) return extendedValue(extended, null);
        if (!sections.isEmpty()) {
            Charset charset = null;
            StringBuilder out = new StringBuilder();
            for (int i = 0; sections.containsKey(i); i++) { // §3: sections are numbered from 0 without gaps
                Param s = sections.get(i);
                if (!s.name().equals("*")) {
                    out.append(s.value());
                } else if (i == 0) {
                    String v = s.value();
                    int q1 = v.indexOf('\''), q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
                    charset = q2 < 0 ? null : Preview.charset(v.substring(0, q1));
                    out.append(percentDecode(q2 < 0 ? v : v.substring(q2 + 1), charset));
                } else {
                    out.append(percentDecode(s.value(), charset));
                }
            }
            return out.toString();
        }
        if (plain == null) return null;
        return plain.contains("=?") ? DecoderUtil.decodeEncodedWords(plain, DecodeMonitor.SILENT) : plain;
    }

    /** RFC 2231 §4: charset'language'percent-encoded. */
    private static String extendedValue(String v, Charset fallback) {
        int q1 = v.indexOf('\'');
        int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
        if (q2 < 0) return percentDecode(v, fallback);
        return percentDecode(v.substring(q2 + 1), Preview.charset(v.substring(0, q1)));
    }

    private static String percentDecode(String s, Charset charset) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    b.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            if (c < 0x80) b.write(c);
            else b.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.toString(charset == null ? java.nio.charset.StandardCharsets.ISO_8859_1 : charset);
    }
}
