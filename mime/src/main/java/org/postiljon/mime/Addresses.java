package org.postiljon.mime;

import java.util.List;
import org.postiljon.mailbox.api.structure.Address;

/** Envelope addresses as text. */
public final class Addresses {

    private Addresses() { }

    /**
     * Decoded addresses as a person reads them, {@code Name <addr>, ...}, a group as {@code name:}
     * before its members (so SEARCH TO finds a group by its name, as other servers do).
     */
    public static String text(List<Address> list) {
        StringBuilder b = new StringBuilder();
        String separator = "";
        for (Address a : list) {
            if (a.isGroupMarker()) {
                if (a.mailbox() != null) { // the group's start: "name:", then its members
                    b.append(separator).append(MessageParser.decodeText(a.mailbox())).append(':');
                    separator = " ";
                }
                continue;
            }
            b.append(separator);
            separator = ", ";
            if (a.displayName() != null) b.append(a.displayName()).append(' ');
            b.append('<').append(a.address()).append('>');
        }
        return b.toString();
    }
}
