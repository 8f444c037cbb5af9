package org.postiljon.mailbox.api;

/** Mail for {@code source} goes to {@code target}, a local account or a foreign address. */
public record Alias(AliasSource source, EmailAddress target) { }
