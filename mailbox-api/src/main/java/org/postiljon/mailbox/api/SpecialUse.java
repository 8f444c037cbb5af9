package org.postiljon.mailbox.api;

import java.util.Locale;
import java.util.Optional;

/** RFC 6154 §2 special-use attributes. */
public enum SpecialUse {
    ALL, ARCHIVE, DRAFTS, FLAGGED, JUNK, SENT, TRASH;

    /** The attribute as IMAP writes it, e.g. {@code \Trash}. */
    public String attribute() {
        String n = name();
        return "\\" + n.charAt(0) + n.substring(1).toLowerCase(Locale.ROOT);
    }

    public static Optional<SpecialUse> fromAttribute(String attribute) {
        String s = attribute.startsWith("\\") ? attribute.substring(1) : attribute;
        for (SpecialUse u : values()) if (u.name().equalsIgnoreCase(s)) return Optional.of(u);
        return Optional.empty();
    }
}
