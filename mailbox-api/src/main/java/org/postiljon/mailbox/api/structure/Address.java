package org.postiljon.mailbox.api.structure;

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

    /** {@code mailbox@host}, or the bare mailbox when there is no host. */
    public String address() {
        if (mailbox == null) return "";
        return host == null || host.isEmpty() ? mailbox : mailbox + "@" + host;
    }
}
