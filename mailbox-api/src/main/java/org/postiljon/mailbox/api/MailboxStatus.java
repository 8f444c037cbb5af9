package org.postiljon.mailbox.api;

/** The counters STATUS and a folder pane show (RFC 9051 §6.3.11). */
public record MailboxStatus(Mailbox mailbox, long messages, long unseen, long deleted, long sizeBytes, long deletedBytes) { }
