package org.postiljon.sieve;

import java.util.ArrayList;
import java.util.List;

/** Addresses in header fields as the address test reads them (RFC 5228 §2.7.4, §5.1), and their parts (RFC 5233). */
final class Addresses {

    /** The address-list parser's bound: more addresses in one field are not compared. */
    static final int MAX_ADDRESSES = 1000;

    private Addresses() { }

    /** The addr-specs of an address-list: {@code "Name" <a@b>, c@d (comment), group: e@f;}. */
    static List<String> parse(String field) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        String angle = null;
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < field.length() && out.size() < MAX_ADDRESSES; i++) {
            char c = field.charAt(i);
            if (quoted) {
                if (c == '\\' && i + 1 < field.length()) i++;
                else if (c == '"') quoted = false;
                continue; // a display name
            }
            if (depth > 0) {
                if (c == '(') depth++;
                else if (c == ')') depth--;
                continue; // a comment
            }
            switch (c) {
                case '"' -> quoted = true;
                case '(' -> depth = 1;
                case '<' -> {
                    int end = field.indexOf('>', i);
                    if (end < 0) end = field.length();
                    angle = field.substring(i + 1, end).strip();
                    i = end;
                }
                case ':' -> current.setLength(0); // a group's name
                case ',', ';' -> {
                    add(out, angle != null ? angle : current.toString());
                    current.setLength(0);
                    angle = null;
                }
                default -> current.append(c);
            }
        }
        add(out, angle != null ? angle : current.toString());
        return out;
    }

    private static void add(List<String> out, String address) {
        String a = address.strip();
        int route = a.lastIndexOf(':'); // an obsolete route: @a,@b:user@host
        if (route >= 0 && a.startsWith("@")) a = a.substring(route + 1);
        if (!a.isEmpty()) out.add(a);
    }

    /** The part an address test compares: :all (the default), :localpart, :domain, :user or :detail (null when it has none). */
    static String part(String address, Sieve.Args a) {
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        int plus = local.indexOf('+');
        if (a.has("localpart")) return local;
        if (a.has("domain")) return domain;
        if (a.has("user")) return plus < 0 ? local : local.substring(0, plus);
        if (a.has("detail")) return plus < 0 ? null : local.substring(plus + 1);
        return address;
    }
}
