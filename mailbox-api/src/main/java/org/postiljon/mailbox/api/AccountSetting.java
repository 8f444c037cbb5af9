package org.postiljon.mailbox.api;

import java.util.List;

/**
 * A per-account preference an operator (or later the user) may change; stored by {@link #key}.
 * A domain may set a default for its accounts; absent both, {@link #defaultValue} holds. Some
 * settings exist only per domain ({@link #domainOnly}). Values are checked against
 * {@link #allowed} when set, where {@value #NUMBER} stands for any whole number from 0.
 */
public enum AccountSetting {

    /** What POP3's DELE (committed by QUIT) does: remove the message, or move it to Trash. */
    POP3_DELETE("pop3.delete", "expunge", List.of("expunge", "trash")),

    /**
     * Whether mail to {@code user+tag@domain} goes to the folder {@code tag} when it exists (else
     * INBOX; never a new folder), over SMTP and LMTP alike, as Dovecot's lmtp_save_to_detail_mailbox.
     */
    SUBADDRESS_FOLDER("delivery.subaddress-folder", "on", List.of("off", "on")),

    /** Days a message stays in Trash after it was put there (by SAVEDATE), or never expunged. */
    RETENTION_TRASH("retention.trash", "30", List.of("never", "<number>")),

    /** The same for Junk. Folders the user made never expire unless given a policy of their own. */
    RETENTION_JUNK("retention.junk", "30", List.of("never", "<number>")),

    /** The language of messages the server writes to the user (quota warnings). */
    LOCALE("locale", "en", List.of("en", "de")),

    /** Storage limit of accounts that have none of their own, in MiB. */
    QUOTA_STORAGE_MB("quota.storage-mb", "unlimited", List.of("unlimited", "<number>"), true),

    /** Message-count limit of accounts that have none of their own. */
    QUOTA_MESSAGES("quota.messages", "unlimited", List.of("unlimited", "<number>"), true),

    /**
     * Which names new folders may have: any, or only ASCII letters, digits, '_' and '-' per
     * level ("restricted", the advice some hosters give for old mail programs).
     */
    FOLDER_NAMES("folders.names", "any", List.of("any", "restricted"), true),

    /**
     * Messages an account may send to other servers per UTC day (a stolen password sends spam
     * until someone notices; this bounds how much). Mail between local accounts is not counted.
     */
    SENT_MESSAGES_PER_DAY("limits.sent-messages-per-day", "1000", List.of("unlimited", "<number>")),

    /** Addresses on other servers an account may write to for the first time per UTC day. */
    NEW_RECIPIENTS_PER_DAY("limits.new-recipients-per-day", "500", List.of("unlimited", "<number>")),

    /**
     * What the spam filter does with mail that scores at or above {@link #SPAM_THRESHOLD}: nothing
     * (off: no check, no header), mark it (X-Spam fields and the $Junk keyword, in the INBOX), file
     * it in Junk (with the same marks), or refuse it at SMTP time when it scores at or above
     * {@link #SPAM_REJECT_SCORE} (so no bounce goes to a forged sender) and file the rest in Junk.
     */
    SPAM_MODE("spam.mode", "junk", List.of("off", "mark", "junk", "reject")),

    /** The score from which a message is spam for the account (SpamAssassin's default: 5). */
    SPAM_THRESHOLD("spam.threshold", "5", List.of("<number>")),

    /** With spam.mode reject: the score from which a message is refused during SMTP. */
    SPAM_REJECT_SCORE("spam.reject-score", "12", List.of("<number>"));

    /** In {@link #allowed}: any whole number from 0 to 10^9. */
    public static final String NUMBER = "<number>";

    private final String key;
    private final String defaultValue;
    private final List<String> allowed;
    private final boolean domainOnly;

    AccountSetting(String key, String defaultValue, List<String> allowed) {
        this(key, defaultValue, allowed, false);
    }

    AccountSetting(String key, String defaultValue, List<String> allowed, boolean domainOnly) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.allowed = allowed;
        this.domainOnly = domainOnly;
    }

    /** Set per domain only, not per account. */
    public boolean domainOnly() {
        return domainOnly;
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

    /** The value as a number, or empty for the word ("never", "unlimited") that means none. */
    public static java.util.OptionalLong number(String value) {
        return value.matches("[0-9]{1,9}") ? java.util.OptionalLong.of(Long.parseLong(value)) : java.util.OptionalLong.empty();
    }

    public static AccountSetting byKey(String key) {
        for (AccountSetting s : values()) if (s.key.equals(key)) return s;
        throw new MailboxException.InvalidName("unknown account setting " + DomainName.printable(key) + "; known: "
                + java.util.Arrays.stream(values()).map(AccountSetting::key).toList());
    }

    /** The value in canonical form, or an error naming the allowed values. */
    public String check(String value) {
        for (String a : allowed) {
            if (a.equalsIgnoreCase(value)) return a;
            if (a.equals(NUMBER) && value.matches("[0-9]{1,9}")) return String.valueOf(Long.parseLong(value));
        }
        throw new MailboxException.InvalidName(key + " must be one of " + allowed + ", not " + DomainName.printable(value));
    }
}
