package org.postiljon.store.spi;

import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.ScramSecret;

/**
 * An account with its credentials as stored: an Argon2id PHC string and a SCRAM secret.
 * {@code team}: a team mailbox, which has no usable password and is reached through its members.
 */
public record AccountRecord(Account account, String passwordHash, ScramSecret scram, boolean team) { }
