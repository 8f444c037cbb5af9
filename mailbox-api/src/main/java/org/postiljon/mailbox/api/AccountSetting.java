package org.postiljon.mailbox.api;

import java.util.List;

/**
 * A per-account preference an operator (or later the user) may change; stored by {@link #key},
 * absent means {@link #defaultValue}. Values are checked against {@link #allowed} when set.
 */
public enum AccountSetting {

    /** What POP3's DELE (committed by QUIT) does: remove the message, or move it to Trash. */
    POP3_DELETE("pop3.delete", "expunge", List.of("expunge", "trash")),

    /** Whether mail to {@code user+tag@domain} goes to the folder {@code tag} when it exists (else INBOX). */
    SUBADDRESS_FOLDER("delivery.subaddress-folder", "off", List.of("off", "on"));

    private final String key;
    private final String defaultValue;
    private final List<String> allowed;

    AccountSetting(String key, String defaultValue, List<String> allowed) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.allowed = allowed;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public List<String> allowed() {
        return allowed;
    }

    public static AccountSetting byKey(String key) {
        for (AccountSetting s : values()) if (s.key.equals(key)) return s;
        throw new MailboxException.InvalidName("unknown account setting " + DomainName.printable(key) + "; known: "
                + java.util.Arrays.stream(values()).map(AccountSetting::key).toList());
    }

    /** The value in canonical form, or an error naming the allowed values. */
    public String check(String value) {
        for (String a : allowed) if (a.equalsIgnoreCase(value)) return a;
        throw new MailboxException.InvalidName(key + " must be one of " + allowed + ", not " + DomainName.printable(value));
    }
}
