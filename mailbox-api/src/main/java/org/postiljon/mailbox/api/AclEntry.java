package org.postiljon.mailbox.api;

/** One line of a mailbox's access control list: an identifier (an address or "anyone") and its rights. */
public record AclEntry(String identifier, Rights rights) {
    public static final String ANYONE = "anyone";
}
