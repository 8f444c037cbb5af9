package org.postiljon.mailbox.api;

/**
 * One key of a sort (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO). Strings compare by
 * i;ascii-casemap; a missing value is the empty string; ties keep mailbox (UID) order.
 */
public record SortKey(Field field, boolean reverse) {

    public enum Field { ARRIVAL, CC, DATE, FROM, SIZE, SUBJECT, TO, DISPLAYFROM, DISPLAYTO }
}
