package org.postiljon.mailbox.api;

/**
 * A set of RFC 4314 rights ({@code lrswipkxtea}). The obsolete virtual rights of §2.1.1 are
 * accepted and shown: {@code c} stands for {@code k} and {@code x}, {@code d} for {@code e} and
 * {@code t} (the "first group" of §2.1.1).
 */
public record Rights(String letters) {

    /** Every right, in RFC 4314 §2.1 order. */
    public static final String ORDER = "lrswipkxtea";
    public static final Rights ALL = new Rights(ORDER);
    public static final Rights NONE = new Rights("");
    /** What a team member gets unless told otherwise: everything but administering the ACL. */
    public static final Rights MEMBER = new Rights("lrswipkxte");

    public Rights {
        StringBuilder b = new StringBuilder();
        for (char c : ORDER.toCharArray()) if (letters.indexOf(c) >= 0) b.append(c);
        letters = b.toString();
    }

    /** Parses a rights string as SETACL sends it; an unknown letter is an error that names it. */
    public static Rights parse(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case 'c' -> b.append("kx"); // RFC 4314 §2.1.1
                case 'd' -> b.append("et");
                default -> {
                    if (ORDER.indexOf(c) < 0) {
                        throw new MailboxException.InvalidName("unknown right " + DomainName.printable(String.valueOf(c))
                                + "; rights are " + ORDER + " (and the obsolete c, d)");
                    }
                    b.append(c);
                }
            }
        }
        return new Rights(b.toString());
    }

    public boolean has(char right) {
        return letters.indexOf(right) >= 0;
    }

    public boolean isEmpty() {
        return letters.isEmpty();
    }

    public Rights plus(Rights more) {
        return new Rights(letters + more.letters);
    }

    public Rights minus(Rights fewer) {
        StringBuilder b = new StringBuilder();
        for (char c : letters.toCharArray()) if (!fewer.has(c)) b.append(c);
        return new Rights(b.toString());
    }

    /** RFC 4314 §4: at least one of l, r, i, k, x, a ("Any" in the table: MYRIGHTS is allowed). */
    public boolean any() {
        for (char c : "lrikxa".toCharArray()) if (has(c)) return true;
        return false;
    }

    /** The flags of {@code flags} these rights allow to be set (RFC 4314 §4, COPY/APPEND). */
    public Flags allowedFlags(Flags flags) {
        if (has('s') && has('t') && has('w')) return flags;
        java.util.Set<String> kept = new java.util.LinkedHashSet<>();
        for (String f : flags.names()) if (allows(f)) kept.add(f);
        return Flags.of(kept);
    }

    /** Whether these rights let a user set or clear {@code flag}. */
    public boolean allows(String flag) {
        if (flag.equalsIgnoreCase(Flags.SEEN)) return has('s');
        if (flag.equalsIgnoreCase(Flags.DELETED)) return has('t');
        return has('w');
    }

    /** The letters as MYRIGHTS and ACL responses show them, with c and d added (RFC 4314 §2.1.1). */
    public String wire() {
        StringBuilder b = new StringBuilder(letters);
        if (has('k') || has('x')) b.append('c');
        if (has('e') || has('t')) b.append('d');
        return b.toString();
    }

    @Override
    public String toString() {
        return letters;
    }
}
