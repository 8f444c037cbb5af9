package org.postiljon.store.spi;

import org.postiljon.mailbox.api.Account;
import org.postiljon.mailbox.api.ScramSecret;

/** An account with its credentials as stored: an Argon2id PHC string and a SCRAM secret. */
public record AccountRecord(Account account, String passwordHash, ScramSecret scram) { }
