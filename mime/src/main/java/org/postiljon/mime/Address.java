package org.postiljon.mime;

/**
 * An address as IMAP's ENVELOPE shows it (RFC 9051 §7.5.2): {@code name} is raw RFC 2047 text
 * (ASCII), {@code displayName} decoded. A group is a start marker ({@code host == null},
 * {@code mailbox} = the group's name) followed by its members and an end marker (all null).
 */
public record Address(String name, String displayName, String adl, String mailbox, String host) {

    public static Address groupStart(String name) {
        return new Address(null, null, null, name, null);
    }

    public static final Address GROUP_END = new Address(null, null, null, null, null);

    public boolean isGroupMarker() {
        return host == null;
    }

    /**
     * Decoded addresses as a person reads them, {@code Name <addr>, ...}, a group as {@code name:}
     * before its members (so SEARCH TO finds a group by its name, as other servers do).
     */
    public static String text(java.util.List<Address> list) {
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

    /** {@code mailbox@host}, or the bare mailbox when there is no host. */
    public String address() {
        if (mailbox == null) return "";
        return host == null || host.isEmpty() ? mailbox : mailbox + "@" + host;
    }
}
