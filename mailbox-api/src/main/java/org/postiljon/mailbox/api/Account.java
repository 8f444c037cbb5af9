package org.postiljon.mailbox.api;

/** A user who can log in and owns mailboxes. {@code id} is the store's key and never reused. */
public record Account(long id, EmailAddress address, QuotaLimits quota) { }
